/** Discord rejects over-long fields outright, so every user-supplied text is clipped to fit. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export const limits = { title: 256, description: 4096, fieldName: 256, fieldValue: 1024, content: 2000, threadName: 100 } as const;

export const difficultyLabel = (difficulty: 1 | 2 | 3, level?: string) =>
  `${["Warm-up", "Standard", "Stretch"][difficulty - 1]!}${level ? ` · level ${level}` : ""}`;

/** Discord renders `<t:...>` in each viewer's own zone: the date and time, then "in 5 hours". */
export const localTime = (instant: Date): string => {
  const unix = Math.floor(instant.getTime() / 1000);
  return `<t:${unix}:f> (<t:${unix}:R>)`;
};
