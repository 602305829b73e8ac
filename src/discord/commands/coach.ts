import { ApplicationCommandOptionType as Opt } from "discord.js";
import type { CommandDefinition } from "./definition.ts";

const scheduleOptions = (trackRequired: boolean) =>
  [
    { type: Opt.String, name: "track", description: "Question track, e.g. humana/ai-pm", required: trackRequired, autocomplete: true },
    { type: Opt.String, name: "time", description: "Posting time, 24-hour HH:MM (default 09:00)", required: false, min_length: 4, max_length: 5 },
    { type: Opt.String, name: "zone", description: "Time zone, Area/City", required: false, autocomplete: true },
    { type: Opt.String, name: "days", description: "mon-fri, mon,wed,fri, daily or weekends", required: false, max_length: 40 },
  ] as const;

const onOff = [
  {
    type: Opt.String,
    name: "state",
    description: "on or off",
    required: true,
    choices: [
      { name: "on", value: "on" },
      { name: "off", value: "off" },
    ],
  },
] as const;

/**
 * `/coach`: one command with subcommands mirroring Slack's `/coach <verb>`. No
 * default_member_permissions: they apply to the whole command and would hide the
 * member subcommands, so admin checks happen at run time on the invoking member.
 */
export const coachCommand = {
  name: "coach",
  description: "Daily interview practice for this channel's cohort",
  dm_permission: false,
  options: [
    { type: Opt.Subcommand, name: "help", description: "What every subcommand does" },
    { type: Opt.Subcommand, name: "setup", description: "Make this channel a cohort (Manage Server)", options: scheduleOptions(true) },
    { type: Opt.Subcommand, name: "schedule", description: "Change the cohort's track, time, zone or days", options: scheduleOptions(false) },
    { type: Opt.Subcommand, name: "pause", description: "Stop posting questions until resumed" },
    { type: Opt.Subcommand, name: "resume", description: "Start posting questions again" },
    { type: Opt.Subcommand, name: "reminders", description: "Turn the answer and reviewer reminders on or off", options: onOff },
    { type: Opt.Subcommand, name: "ai", description: "Turn the AI reviewer on or off (peers calibrate it; it earns no points)", options: onOff },
    {
      type: Opt.Subcommand,
      name: "skip",
      description: "Skip one posting day",
      options: [{ type: Opt.String, name: "date", description: "YYYY-MM-DD", required: true, min_length: 10, max_length: 10 }],
    },
    { type: Opt.Subcommand, name: "post-now", description: "Post today's question now" },
    { type: Opt.Subcommand, name: "open-reviews", description: "Close answers and start reviews now" },
    { type: Opt.Subcommand, name: "close-now", description: "Close reviews now and post the results" },
    {
      type: Opt.SubcommandGroup,
      name: "admin",
      description: "Cohort admins (Manage Server)",
      options: [
        { type: Opt.Subcommand, name: "add", description: "Make a member a cohort admin", options: [{ type: Opt.User, name: "user", description: "Member", required: true }] },
        { type: Opt.Subcommand, name: "remove", description: "Remove a cohort admin", options: [{ type: Opt.User, name: "user", description: "Member", required: true }] },
      ],
    },
    {
      type: Opt.SubcommandGroup,
      name: "season",
      description: "Seasons reset the season leaderboard",
      options: [{ type: Opt.Subcommand, name: "new", description: "Start a new season" }],
    },
    {
      type: Opt.SubcommandGroup,
      name: "link",
      description: "The cohort's web page (leaderboards, charts, question history)",
      options: [
        { type: Opt.Subcommand, name: "show", description: "Your private link to the cohort's page" },
        { type: Opt.Subcommand, name: "rotate", description: "Replace the link: every earlier one stops working (admins)" },
      ],
    },
    { type: Opt.Subcommand, name: "export", description: "Download the answers with their scores, and the points, as two CSV files" },
    {
      type: Opt.Subcommand,
      name: "leaderboard",
      description: "Points and answer quality",
      options: [
        {
          type: Opt.String,
          name: "period",
          description: "Default: this week",
          required: false,
          choices: [
            { name: "This week", value: "week" },
            { name: "This month", value: "month" },
            { name: "This season", value: "season" },
            { name: "All time", value: "all" },
          ],
        },
      ],
    },
    { type: Opt.Subcommand, name: "me", description: "Your points, streak and weakest criteria" },
    { type: Opt.Subcommand, name: "tracks", description: "The question tracks available" },
    {
      type: Opt.Subcommand,
      name: "review",
      description: "Turn peer reviewing on or off for you",
      options: onOff,
    },
    {
      type: Opt.Subcommand,
      name: "privacy",
      description: "Keep your name out of the results (on) or allow it (off)",
      options: onOff,
    },
    { type: Opt.Subcommand, name: "forget-me", description: "Delete your answers, reviews, drills and points" },
  ],
} as const satisfies CommandDefinition;

/** Subcommands that need Manage Server on the invoking member, whatever their cohort role. */
export const manageServerSubcommands: ReadonlySet<string> = new Set(["setup", "admin add", "admin remove"]);
