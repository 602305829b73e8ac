import type { webApi } from "@slack/bolt";

/** A modal with one multi-line text input whose value the view handler reads as `<blockId>.text`. */
export function textInputModal(options: {
  readonly callbackId: string;
  readonly metadata: unknown;
  readonly title: string;
  readonly submit: string;
  readonly blockId: string;
  readonly label: string;
  readonly maxLength: number;
  readonly hint?: string;
  readonly initialValue?: string | null;
}): webApi.ModalView {
  return {
    type: "modal",
    callback_id: options.callbackId,
    private_metadata: JSON.stringify(options.metadata),
    title: { type: "plain_text", text: options.title },
    submit: { type: "plain_text", text: options.submit },
    close: { type: "plain_text", text: "Cancel" },
    blocks: [
      {
        type: "input",
        block_id: options.blockId,
        label: { type: "plain_text", text: options.label },
        ...(options.hint ? { hint: { type: "plain_text", text: options.hint } } : {}),
        element: { type: "plain_text_input", action_id: "text", multiline: true, max_length: options.maxLength, ...(options.initialValue ? { initial_value: options.initialValue } : {}) },
      },
    ],
  };
}
