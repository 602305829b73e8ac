/**
 * The engine stored a change, then showing its result failed (a chat.update, a
 * response_url, an interaction callback). The member must not hear "nothing was
 * changed": `notice` says, in the platform's words, what was kept and what to do.
 */
export class StoredNotShown extends Error {
  override readonly name = "StoredNotShown";
  constructor(
    readonly notice: string,
    options: { cause: unknown },
  ) {
    super("stored, but its result could not be shown", options);
  }
}

/** Runs the step that shows an already stored change, marking its failure with `notice`. */
export async function showStored<T>(notice: string, show: () => Promise<T>): Promise<T> {
  try {
    return await show();
  } catch (error) {
    throw new StoredNotShown(notice, { cause: error });
  }
}
