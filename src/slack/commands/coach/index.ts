import { helpReply } from "../../blocks/replies.ts";
import type { Reply } from "../../blocks/text.ts";
import type { CoachSubcommand } from "../types.ts";
import { admin } from "./admin.ts";
import { ai } from "./ai.ts";
import { closeNow } from "./close-now.ts";
import { exportCsv } from "./export.ts";
import { forgetMe } from "./forget-me.ts";
import { leaderboard } from "./leaderboard.ts";
import { link } from "./link.ts";
import { me } from "./me.ts";
import { openReviews } from "./open-reviews.ts";
import { pause } from "./pause.ts";
import { postNow } from "./post-now.ts";
import { privacy } from "./privacy.ts";
import { reminders } from "./reminders.ts";
import { resume } from "./resume.ts";
import { review } from "./review.ts";
import { schedule } from "./schedule.ts";
import { season } from "./season.ts";
import { setup } from "./setup.ts";
import { skip } from "./skip.ts";
import { tracks } from "./tracks.ts";

const help: CoachSubcommand = { name: "help", usage: "", summary: "this list", run: async () => coachHelp() };

/** Every `/coach` subcommand, in help order. */
export const coachSubcommands: readonly CoachSubcommand[] = [
  help, setup, schedule, pause, resume, reminders, ai, skip, postNow, openReviews, closeNow, admin, season, exportCsv, leaderboard, link, me, tracks, review, privacy, forgetMe,
];

/** Help, generated from the subcommands themselves. */
export const coachHelp = (): Reply => helpReply(coachSubcommands);
