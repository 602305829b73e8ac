export type Platform = "slack" | "discord";

/** Where a cohort lives: one cohort per channel, namespaced by platform and workspace or guild. */
export interface CohortAddress {
  readonly platform: Platform;
  readonly workspaceId: string;
  readonly channelId: string;
}

export interface ScheduleSettings {
  readonly trackId: string;
  /** Local wall-clock time, HH:MM. */
  readonly postTime: string;
  readonly timeZone: string;
  /** ISO weekdays, 1 = Monday ... 7 = Sunday. */
  readonly weekdays: readonly number[];
}

export interface Cohort extends CohortAddress, ScheduleSettings {
  readonly id: number;
  readonly answerCloseTime: string;
  readonly reviewCloseTime: string;
  readonly reviewersPerAnswer: number;
  readonly remindersEnabled: boolean;
  /** The admins turned the AI reviewer on; it runs only when the bot also has one configured. */
  readonly aiEnabled: boolean;
  readonly paused: boolean;
  readonly season: number;
  readonly createdBy: string;
  readonly admins: readonly string[];
  readonly skipDates: readonly string[];
}

export interface Member {
  readonly cohortId: number;
  readonly userRef: string;
  readonly displayName: string;
  readonly reviewOptIn: boolean;
  readonly showInResults: boolean;
}

/** Who is acting, as the adapter identified them. */
export interface Actor {
  readonly userRef: string;
  readonly displayName: string;
  /** Workspace admin or owner (Slack) / Manage Server (Discord), checked by the adapter. */
  readonly isPlatformAdmin: boolean;
}
