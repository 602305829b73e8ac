/** Discord rejects over-long fields outright, so every user-supplied text is clipped to fit. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export const limits = { title: 256, description: 4096, fieldName: 256, fieldValue: 1024, content: 2000, threadName: 100 } as const;

/**
 * Lines spread over as many fields as they need, never split: a strong-answer outline runs to
 * 1,900 characters and a rubric's anchors past 1,024, the most one field holds, so a single
 * clipped field would cut the model answer or the last criterion mid-sentence.
 */
export function packedFields(name: string, lines: readonly string[]): { name: string; value: string }[] {
  const values: string[] = [];
  for (const line of lines.map((l) => clip(l, limits.fieldValue))) {
    const last = values.at(-1);
    if (last !== undefined && last.length + 1 + line.length <= limits.fieldValue) values[values.length - 1] = `${last}\n${line}`;
    else values.push(line);
  }
  return values.map((value, i) => ({ name: i === 0 ? name : `${name} (continued)`, value }));
}

export const outlineFields = (outline: readonly string[]) => packedFields("A strong answer covers", outline.map((item) => `• ${item}`));

export const difficultyLabel = (difficulty: 1 | 2 | 3, level?: string) =>
  `${["Warm-up", "Standard", "Stretch"][difficulty - 1]!}${level ? ` · level ${level}` : ""}`;

/** Discord renders `<t:...>` in each viewer's own zone: the date and time, then "in 5 hours". */
export const localTime = (instant: Date): string => {
  const unix = Math.floor(instant.getTime() / 1000);
  return `<t:${unix}:f> (<t:${unix}:R>)`;
};
