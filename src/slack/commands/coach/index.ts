import type { CoachSubcommand } from "../types.ts";
import { admin } from "./admin.ts";
import { closeNow } from "./close-now.ts";
import { exportCsv } from "./export.ts";
import { forgetMe } from "./forget-me.ts";
import { help } from "./help.ts";
import { leaderboard } from "./leaderboard.ts";
import { me } from "./me.ts";
import { openReviews } from "./open-reviews.ts";
import { pause } from "./pause.ts";
import { postNow } from "./post-now.ts";
import { privacy } from "./privacy.ts";
import { resume } from "./resume.ts";
import { review } from "./review.ts";
import { schedule } from "./schedule.ts";
import { season } from "./season.ts";
import { setup } from "./setup.ts";
import { skip } from "./skip.ts";
import { tracks } from "./tracks.ts";

/** Every `/coach` subcommand, in help order. */
export const coachSubcommands: readonly CoachSubcommand[] = [
  help, setup, schedule, pause, resume, skip, postNow, openReviews, closeNow, admin, season, exportCsv, leaderboard, me, tracks, review, privacy, forgetMe,
];
