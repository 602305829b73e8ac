import { plain } from "../blocks/text.ts";
import { ActionIds } from "../ids.ts";
import { storedNotices } from "../stored-notices.ts";
import { showStored } from "../../stored-not-shown.ts";
import { userRef } from "../refs.ts";
import { replaceWith, teamOf, type ActionHandler } from "./types.ts";

export const forgetConfirm: ActionHandler = {
  actionId: ActionIds.forgetConfirm,
  async run(args, rt) {
    const result = await rt.coach.forgetMe({ userRef: userRef(teamOf(args), args.body.user.id) });
    await showStored(storedNotices.forgetMe, () =>
      replaceWith(
        args.respond,
        plain(`Done. Deleted ${result.answers} ${result.answers === 1 ? "answer" : "answers"} and ${result.reviews} ${result.reviews === 1 ? "review" : "reviews"}, with all your points and drills.`),
      ),
    );
  },
};

export const forgetCancel: ActionHandler = {
  actionId: ActionIds.forgetCancel,
  run: (args) => replaceWith(args.respond, plain("Nothing was deleted.")),
};
