export * from "./fake-slack.ts";
export * from "./payloads.ts";
export * from "./signer.ts";
