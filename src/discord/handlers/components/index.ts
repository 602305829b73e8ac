import type { ButtonHandler, ModalHandler } from "../../context.ts";
import type { CustomIdKind } from "../../custom-ids.ts";
import { answerButton, answerSubmit } from "./answer.ts";
import { drillAnswerButton, drillAnswerSubmit, drillRateButton, drillSaveButton } from "./drill.ts";
import { drillFollowUpButton, drillFollowUpSubmit, drillSkipButton, followUpButton, followUpSubmit } from "./follow-up.ts";
import { feedbackButton, forgetButton, shareButton } from "./results.ts";
import { commentButton, commentSubmit, reviewButton, scoreButton, submitButton } from "./review.ts";

type Kebab<S extends string> = S extends `${infer H}${infer T}` ? `${H extends Lowercase<H> ? H : `-${Lowercase<H>}`}${Kebab<T>}` : S;
type ModalKinds = "answerModal" | "commentModal" | "drillModal" | "followUpModal" | "drillFollowUpModal";

/** Buttons by the kind in their custom id (`cc:<kind>:...`). */
export const buttonHandlers: Readonly<Record<Kebab<Exclude<CustomIdKind, ModalKinds>>, ButtonHandler>> = {
  answer: answerButton,
  review: reviewButton,
  score: scoreButton,
  submit: submitButton,
  comment: commentButton,
  feedback: feedbackButton,
  share: shareButton,
  forget: forgetButton,
  "drill-answer": drillAnswerButton,
  "drill-rate": drillRateButton,
  "drill-save": drillSaveButton,
  "follow-up": followUpButton,
  "drill-follow-up": drillFollowUpButton,
  "drill-skip": drillSkipButton,
};

export const modalHandlers: Readonly<Record<Kebab<ModalKinds>, ModalHandler>> = {
  "answer-modal": answerSubmit,
  "comment-modal": commentSubmit,
  "drill-modal": drillAnswerSubmit,
  "follow-up-modal": followUpSubmit,
  "drill-follow-up-modal": drillFollowUpSubmit,
};
