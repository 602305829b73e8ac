import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A loopback OpenAI-compatible endpoint (POST .../chat/completions) for AI reviewer tests.
 * Each call takes the next scripted reply; with none scripted it scores every criterion it
 * was asked about through the bias function (default: 3 everywhere). Every request is
 * recorded, including those it never answers.
 */

/** The reviewer's user message, parsed: what the model was shown. */
export interface FakeAiInput {
  readonly question: string;
  readonly criteria: readonly { readonly id: string; readonly label: string; readonly anchors: Record<"1" | "3" | "5", string> }[];
  readonly answer: string;
  readonly followUp?: { readonly question: string; readonly answer: string };
}

export interface FakeAiRequest {
  readonly path: string;
  /** Lower-cased header names, as Node delivers them. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The JSON body as sent (model, messages, response_format...). */
  readonly body: { readonly model?: string; readonly messages?: readonly { role: string; content: string }[]; readonly response_format?: { type: string } } & Record<string, unknown>;
  /** The user message's JSON payload, when it parses as one. */
  readonly input: FakeAiInput | undefined;
  /** Whether the request asked for structured output (`response_format.type === "json_schema"`). */
  readonly structured: boolean;
}

export type FakeAiReply =
  /** A well-formed reply with these scores (criteria left out get 3, so a test can name only the ones it cares about). */
  | { readonly kind: "scores"; readonly scores: Readonly<Record<string, number>>; readonly justification?: string }
  /** The assistant message's content, verbatim (malformed JSON, prose, a wrong shape...). */
  | { readonly kind: "content"; readonly content: string }
  /** Never answers; the connection stays open until the client gives up or the fake closes. */
  | { readonly kind: "hang" }
  /** An HTTP error in OpenAI's error shape. */
  | { readonly kind: "status"; readonly status: number; readonly message: string; readonly headers?: Readonly<Record<string, string>> };

export const fakeReply = {
  scores: (scores: Readonly<Record<string, number>> = {}, justification?: string): FakeAiReply => ({ kind: "scores", scores, ...(justification ? { justification } : {}) }),
  content: (content: string): FakeAiReply => ({ kind: "content", content }),
  malformed: (content = "Sure! The answer is solid: I'd give it a 4 overall."): FakeAiReply => ({ kind: "content", content }),
  hang: (): FakeAiReply => ({ kind: "hang" }),
  rateLimited: (retryAfterSeconds?: number): FakeAiReply => ({
    kind: "status",
    status: 429,
    message: "Rate limit reached for requests",
    ...(retryAfterSeconds === undefined ? {} : { headers: { "retry-after": String(retryAfterSeconds) } }),
  }),
  serverError: (status = 500): FakeAiReply => ({ kind: "status", status, message: "The server had an error while processing your request." }),
  status: (status: number, message: string, headers?: Readonly<Record<string, string>>): FakeAiReply => ({ kind: "status", status, message, ...(headers ? { headers } : {}) }),
};

/** Scores by criterion id for one request; ids it leaves out get 3. */
export type FakeAiBias = (input: FakeAiInput, request: FakeAiRequest) => Readonly<Record<string, number>>;

export interface FakeOpenAi {
  /** Pass as the reviewer's base URL: `http://127.0.0.1:<port>/v1`. */
  readonly baseUrl: string;
  readonly requests: readonly FakeAiRequest[];
  /** Queues replies, consumed one per call in order (after any still queued). */
  script(...replies: FakeAiReply[]): void;
  setBias(bias: FakeAiBias): void;
  /** Like llama.cpp without grammar support: answer any json_schema request with a 400 naming response_format. */
  rejectStructuredOutput: boolean;
  /** Between tests: forgets recorded requests and queued replies, restores the even-handed bias and structured output. */
  reset(): void;
  close(): Promise<void>;
}

export interface FakeOpenAiOptions {
  readonly bias?: FakeAiBias;
  readonly rejectStructuredOutput?: boolean;
}

const evenHanded: FakeAiBias = () => ({});

export async function startFakeOpenAi(options: FakeOpenAiOptions = {}): Promise<FakeOpenAi> {
  const requests: FakeAiRequest[] = [];
  const queue: FakeAiReply[] = [];
  let bias = options.bias ?? evenHanded;
  let completions = 0;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const path = req.url ?? "/";
    if (req.method !== "POST" || !path.endsWith("/chat/completions")) return sendError(res, 404, `no route for ${req.method} ${path}`);
    let body: FakeAiRequest["body"];
    try {
      body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as FakeAiRequest["body"];
    } catch {
      return sendError(res, 400, "body is not JSON");
    }
    const request: FakeAiRequest = { path, headers: req.headers, body, input: parseInput(body), structured: body.response_format?.type === "json_schema" };
    requests.push(request);

    if (request.structured && fake.rejectStructuredOutput) {
      return sendError(res, 400, "response_format of type json_schema is not supported by this server");
    }
    const reply = queue.shift() ?? { kind: "scores", scores: request.input ? bias(request.input, request) : {} };
    switch (reply.kind) {
      case "hang":
        return; // res stays open
      case "status":
        return sendError(res, reply.status, reply.message, reply.headers);
      case "content":
        return sendCompletion(res, body.model, reply.content, ++completions);
      case "scores": {
        const criteria = request.input?.criteria ?? [];
        const scores = criteria.map(({ id }) => ({
          criterionId: id,
          score: reply.scores[id] ?? 3,
          justification: reply.justification ?? `The answer says "${(request.input?.answer ?? "").split(/\s+/).slice(0, 6).join(" ")}".`,
        }));
        return sendCompletion(res, body.model, JSON.stringify({ scores }), ++completions);
      }
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => sendError(res, 500, String(error)));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  const fake: FakeOpenAi = {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    script: (...replies) => void queue.push(...replies),
    setBias: (next) => void (bias = next),
    rejectStructuredOutput: options.rejectStructuredOutput ?? false,
    reset: () => {
      requests.length = 0;
      queue.length = 0;
      bias = options.bias ?? evenHanded;
      fake.rejectStructuredOutput = options.rejectStructuredOutput ?? false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        // Hung replies hold their sockets open; close would otherwise wait for them forever.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return fake;
}

function parseInput(body: FakeAiRequest["body"]): FakeAiInput | undefined {
  const user = body.messages?.find((message) => message.role === "user")?.content;
  const start = user?.indexOf("{") ?? -1;
  if (!user || start < 0) return undefined;
  try {
    return JSON.parse(user.slice(start)) as FakeAiInput;
  } catch {
    return undefined;
  }
}

function sendCompletion(res: ServerResponse, model: string | undefined, content: string, n: number): void {
  send(res, 200, {
    id: `chatcmpl-fake-${n}`,
    object: "chat.completion",
    created: 1_700_000_000,
    model: model ?? "fake",
    choices: [{ index: 0, message: { role: "assistant", content, refusal: null }, finish_reason: "stop", logprobs: null }],
    usage: { prompt_tokens: 100, completion_tokens: 50, total_tokens: 150 },
  });
}

function sendError(res: ServerResponse, status: number, message: string, headers: Readonly<Record<string, string>> = {}): void {
  send(res, status, { error: { message, type: status === 429 ? "rate_limit_error" : "invalid_request_error", param: null, code: null } }, headers);
}

function send(res: ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}
