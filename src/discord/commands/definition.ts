import type { RESTPostAPIChatInputApplicationCommandsJSONBody } from "discord.js";

type DeepReadonly<T> = T extends (infer U)[] ? readonly DeepReadonly<U>[] : T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T;

/** Discord's command JSON, readonly all the way down so `as const` definitions type-check against it. */
export type CommandDefinition = DeepReadonly<RESTPostAPIChatInputApplicationCommandsJSONBody>;
