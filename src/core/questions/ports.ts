import type { Question, QuestionBank, Track } from "./types.ts";

export interface BankSyncReport {
  readonly added: number;
  readonly changed: number;
  readonly unchanged: number;
  readonly retired: number;
}

export interface QuestionRepository {
  /**
   * Makes the stored bank match `bank`: questions and tracks upserted by id, those no
   * longer in any file retired (kept so old prompts still resolve, never picked again).
   */
  sync(bank: QuestionBank, now: Date): Promise<BankSyncReport>;
  /** Any question ever synced, retired or not. */
  get(id: string): Promise<Question | undefined>;
  activeQuestions(trackId: string): Promise<readonly Question[]>;
  activeTracks(): Promise<readonly Track[]>;
}
