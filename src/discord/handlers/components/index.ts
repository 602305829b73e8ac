import type { ButtonHandler, ModalHandler } from "../../context.ts";
import type { CustomIdKind } from "../../custom-ids.ts";
import { answerButton, answerSubmit } from "./answer.ts";
import { drillAnswerButton, drillAnswerSubmit, drillRateButton, drillSaveButton } from "./drill.ts";
import { feedbackButton, forgetButton, shareButton } from "./results.ts";
import { commentButton, commentSubmit, reviewButton, scoreButton, submitButton } from "./review.ts";

type Kebab<S extends string> = S extends `${infer H}${infer T}` ? `${H extends Lowercase<H> ? H : `-${Lowercase<H>}`}${Kebab<T>}` : S;
type ModalKinds = "answerModal" | "commentModal" | "drillModal";

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
};

export const modalHandlers: Readonly<Record<Kebab<ModalKinds>, ModalHandler>> = {
  "answer-modal": answerSubmit,
  "comment-modal": commentSubmit,
  "drill-modal": drillAnswerSubmit,
};
