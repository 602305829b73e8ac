import type { IncomingMessage, ServerResponse } from "node:http";

export interface RecordedFile {
  /** Form field name, e.g. "files[0]". */
  field: string;
  filename: string;
  contentType: string;
  bytes: Buffer;
}

export interface RecordedCall {
  method: string;
  /** Normalized, e.g. "POST /channels/:id/messages"; unknown routes get numeric segments replaced by ":id". */
  route: string;
  /** Decoded path below /api/v10, e.g. "/webhooks/1/tok/messages/@original". */
  path: string;
  query: Record<string, string>;
  params: Record<string, string>;
  /** Parsed JSON body; for multipart requests, the parsed `payload_json`. */
  body: unknown;
  files: RecordedFile[];
  /** Lower-cased request headers. */
  headers: Record<string, string>;
  status: number;
  response: unknown;
  at: number;
}

export type CallMatcher = string | ((call: RecordedCall) => boolean);

export class DiscordHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly errors?: unknown,
  ) {
    super(message);
  }
}

export const httpErrors = {
  unknownChannel: () => new DiscordHttpError(404, 10003, "Unknown Channel"),
  unknownGuild: () => new DiscordHttpError(404, 10004, "Unknown Guild"),
  unknownMember: () => new DiscordHttpError(404, 10007, "Unknown Member"),
  unknownMessage: () => new DiscordHttpError(404, 10008, "Unknown Message"),
  unknownUser: () => new DiscordHttpError(404, 10013, "Unknown User"),
  unknownWebhook: () => new DiscordHttpError(404, 10015, "Unknown Webhook"),
  unknownCommand: () => new DiscordHttpError(404, 10063, "Unknown application command"),
  unknownInteraction: () => new DiscordHttpError(404, 10062, "Unknown interaction"),
  alreadyAcknowledged: () => new DiscordHttpError(400, 40060, "Interaction has already been acknowledged."),
  emptyMessage: () => new DiscordHttpError(400, 50006, "Cannot send an empty message"),
  notAuthor: () => new DiscordHttpError(403, 50005, "Cannot edit a message authored by another user"),
  invalidForm: (errors: unknown) => new DiscordHttpError(400, 50035, "Invalid Form Body", errors),
};

export interface RouteContext {
  params: Record<string, string>;
  query: Record<string, string>;
  body: unknown;
  files: RecordedFile[];
  headers: Record<string, string>;
}

export interface RouteResult {
  status?: number;
  body?: unknown;
}

export interface RouteDefinition {
  method: string;
  pattern: string;
  /** Interaction callbacks and webhook routes are sent without Authorization. */
  auth: boolean;
  handle: (ctx: RouteContext) => RouteResult | undefined;
}

interface CompiledRoute extends RouteDefinition {
  segments: string[];
}

export interface FailureInjection {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Run the real handler first, then answer with the failure: a "lost response" for retry tests. */
  afterHandling?: boolean;
}

interface Waiter {
  match: (call: RecordedCall) => boolean;
  resolve: (call: RecordedCall) => void;
  reject: (error: Error) => void;
}

export function toPredicate(match: CallMatcher): (call: RecordedCall) => boolean {
  return typeof match === "string" ? (call) => call.route === match : match;
}

function splitPath(path: string): string[] {
  return path.split("/").filter(Boolean);
}

function normalizeUnknown(method: string, path: string): string {
  return `${method} /${splitPath(path)
    .map((segment) => (/^\d+$/.test(segment) ? ":id" : segment))
    .join("/")}`;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function parseBody(raw: Buffer, contentType: string): Promise<{ body: unknown; files: RecordedFile[] }> {
  if (raw.length === 0) return { body: undefined, files: [] };
  if (contentType.startsWith("multipart/form-data")) {
    // undici's Response parses multipart for us, so no extra dependency is needed.
    const form = await new Response(raw, { headers: { "content-type": contentType } }).formData();
    let body: unknown;
    const files: RecordedFile[] = [];
    for (const [field, value] of form.entries()) {
      if (typeof value === "string") {
        if (field === "payload_json") body = JSON.parse(value);
      } else {
        files.push({
          field,
          filename: value.name,
          contentType: value.type,
          bytes: Buffer.from(await value.arrayBuffer()),
        });
      }
    }
    return { body, files };
  }
  const text = raw.toString("utf8");
  try {
    return { body: JSON.parse(text), files: [] };
  } catch {
    return { body: text, files: [] };
  }
}

export class RestRecorder {
  readonly calls: RecordedCall[] = [];
  readonly unknownCalls: RecordedCall[] = [];
  private readonly routes: CompiledRoute[] = [];
  private readonly waiters = new Set<Waiter>();
  private readonly injections: { match: (call: RecordedCall) => boolean; failure: FailureInjection; times: number }[] = [];

  /** When each request under the global limit was accepted, oldest first, within the last second. */
  private readonly globalWindow: number[] = [];

  /**
   * @param globalRequestsPerSecond Discord's global limit (50 a second for a bot), enforced over
   *   a sliding second on requests that carry the bot token: interaction callbacks and webhooks are
   *   exempt, as on Discord. A refused request is answered 429 with Discord's global body and headers
   *   and recorded with that status. None unless given.
   */
  constructor(
    private readonly apiPrefix: string,
    private readonly globalRequestsPerSecond?: number,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** The wait in ms before a request at `at` may pass the global limit; 0 admits it and counts it. */
  private globalWait(at: number): number {
    if (this.globalRequestsPerSecond === undefined) return 0;
    while (this.globalWindow.length > 0 && this.globalWindow[0]! <= at - 1_000) this.globalWindow.shift();
    if (this.globalWindow.length >= this.globalRequestsPerSecond) return this.globalWindow[0]! + 1_000 - at;
    this.globalWindow.push(at);
    return 0;
  }

  add(method: string, pattern: string, handle: RouteDefinition["handle"], auth = true): void {
    this.routes.push({ method, pattern, handle, auth, segments: splitPath(pattern) });
  }

  failNext(match: CallMatcher, failure: FailureInjection, times = 1): void {
    this.injections.push({ match: toPredicate(match), failure, times });
  }

  reset(): void {
    this.calls.length = 0;
    this.unknownCalls.length = 0;
  }

  waitFor(match: CallMatcher, timeoutMs: number, since = 0): Promise<RecordedCall> {
    const predicate = toPredicate(match);
    const existing = this.calls.slice(since).find(predicate);
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        match: predicate,
        resolve: (call) => {
          clearTimeout(timer);
          resolve(call);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        const recent = this.calls.slice(-15).map((call) => `${call.status} ${call.route}`);
        reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${String(match)}; recent calls:\n  ${recent.join("\n  ")}`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  rejectAllWaiters(): void {
    for (const waiter of this.waiters) waiter.reject(new Error("Fake Discord closed"));
    this.waiters.clear();
  }

  private match(method: string, segments: string[]): { route: CompiledRoute; params: Record<string, string> } | undefined {
    for (const route of this.routes) {
      if (route.method !== method || route.segments.length !== segments.length) continue;
      const params: Record<string, string> = {};
      const ok = route.segments.every((part, i) => {
        const actual = segments[i] as string;
        if (part.startsWith(":")) {
          params[part.slice(1)] = actual;
          return true;
        }
        return part === actual;
      });
      if (ok) return { route, params };
    }
    return undefined;
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const method = req.method ?? "GET";
    // Decode per segment: "%40original" must become "@original", emoji reactions arrive URL-encoded.
    const segments = splitPath(url.pathname.slice(this.apiPrefix.length)).map((s) => decodeURIComponent(s));
    const path = `/${segments.join("/")}`;
    const headers = Object.fromEntries(
      Object.entries(req.headers).map(([key, value]) => [key.toLowerCase(), Array.isArray(value) ? value.join(", ") : (value ?? "")]),
    );
    const { body, files } = await parseBody(await readBody(req), headers["content-type"] ?? "");
    const found = this.match(method, segments);
    const call: RecordedCall = {
      method,
      route: found ? `${method} ${found.route.pattern}` : normalizeUnknown(method, path),
      path,
      query: Object.fromEntries(url.searchParams.entries()),
      params: found?.params ?? {},
      body,
      files,
      headers,
      status: 0,
      response: undefined,
      at: Date.now(),
    };

    let status: number;
    let payload: unknown;
    let extraHeaders: Record<string, string> = {};
    const globalWaitMs = found && !found.route.auth ? 0 : this.globalWait(this.now());
    const injection = globalWaitMs > 0 ? undefined : this.injections.find((entry) => entry.times > 0 && entry.match(call));
    if (injection) injection.times -= 1;

    if (globalWaitMs > 0) {
      status = 429;
      payload = { message: "You are being rate limited.", retry_after: globalWaitMs / 1000, global: true };
      extraHeaders = { "retry-after": String(Math.ceil(globalWaitMs / 1000)), "x-ratelimit-global": "true", "x-ratelimit-scope": "global" };
    } else if (injection && !injection.failure.afterHandling) {
      ({ status, body: payload } = injection.failure);
      extraHeaders = injection.failure.headers ?? {};
    } else if (!found) {
      status = 404;
      payload = { message: "Unknown route", code: 0 };
    } else if (found.route.auth && !/^Bot .+/.test(headers.authorization ?? "")) {
      status = 401;
      payload = { message: "401: Unauthorized", code: 0 };
    } else {
      try {
        const result = found.route.handle({ params: found.params, query: call.query, body, files, headers });
        status = result?.status ?? (result?.body === undefined ? 204 : 200);
        payload = result?.body;
      } catch (error) {
        if (!(error instanceof DiscordHttpError)) throw error;
        status = error.status;
        payload = { message: error.message, code: error.code, ...(error.errors ? { errors: error.errors } : {}) };
      }
      if (injection) {
        ({ status, body: payload } = injection.failure);
        extraHeaders = injection.failure.headers ?? {};
      }
    }

    call.status = status;
    call.response = payload;
    this.calls.push(call);
    if (!found) this.unknownCalls.push(call);

    res.writeHead(status, {
      ...(payload === undefined ? {} : { "content-type": "application/json" }),
      ...extraHeaders,
    });
    res.end(payload === undefined ? undefined : JSON.stringify(payload));

    for (const waiter of [...this.waiters]) {
      if (waiter.match(call)) {
        this.waiters.delete(waiter);
        waiter.resolve(call);
      }
    }
  }
}
