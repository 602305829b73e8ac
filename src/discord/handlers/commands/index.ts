import type { CoachSubcommand } from "../../commands/index.ts";
import type { SubcommandHandler } from "../../context.ts";
import { adminAdd, adminRemove, ai, pause, reminders, resume, seasonNew, skip } from "./cohort-admin.ts";
import { exportCsv } from "./export.ts";
import { forgetMe, help, leaderboard, linkRotate, linkShow, me, privacy, review, tracks } from "./member.ts";
import { schedule, setup } from "./setup.ts";
import { closeNow, openReviews, postNow } from "./steps.ts";

export { drill } from "./drill.ts";

/** Every `/coach` subcommand; the key type comes from the command definition, so none can be missed. */
export const coachSubcommands: Readonly<Record<CoachSubcommand, SubcommandHandler>> = {
  help,
  setup,
  schedule,
  pause,
  resume,
  reminders,
  ai,
  skip,
  "post-now": postNow,
  "open-reviews": openReviews,
  "close-now": closeNow,
  "admin add": adminAdd,
  "admin remove": adminRemove,
  "season new": seasonNew,
  export: exportCsv,
  leaderboard,
  "link show": linkShow,
  "link rotate": linkRotate,
  me,
  tracks,
  review,
  privacy,
  "forget-me": forgetMe,
};
