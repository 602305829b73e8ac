import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocket, WebSocketServer } from "ws";
import { Intent, type Json } from "./model.ts";

interface DispatchRecord {
  t: string;
  s: number;
  d: unknown;
}

interface Session {
  id: string;
  seq: number;
  intents: number;
  socket: WebSocket | null;
  history: DispatchRecord[];
}

export interface GatewayHooks {
  /** READY payload (minus session fields) and the GUILD_CREATE payloads sent after it. */
  readyPayload: () => Json;
  guildCreates: () => Json[];
  /** Answers op 8 (guild.members.fetch() without ids goes through the gateway). */
  memberChunk: (request: Json) => Json;
  /** Strips what the client's intents should not see; null drops the event. */
  filterFor: (eventName: string, data: unknown, intents: number) => unknown;
}

export interface GatewayOptions {
  heartbeatIntervalMs: number;
  /** When set, IDENTIFY/RESUME with another token closes with 4004. */
  token?: string;
  /** Portal toggles for privileged intents; requesting a disabled one closes with 4014. */
  allowMessageContent: boolean;
  allowGuildMembers: boolean;
  /** Keep dispatching into the history of a disconnected session so RESUME replays it (what Discord does). */
  replayWhileDisconnected: boolean;
}

type Waiter = { kind: "identify" | "resume" | "any"; atLeast: number; resolve: (kind: "identify" | "resume") => void };

const HISTORY_LIMIT = 1000;

const isOpen = (socket: WebSocket | null): socket is WebSocket => socket?.readyState === WebSocket.OPEN;

export class FakeGateway {
  readonly wss = new WebSocketServer({ noServer: true });
  identifies = 0;
  resumes = 0;
  heartbeats = 0;
  lastIdentify: Json | undefined;
  /** Raw frames received from clients, for assertions on presence updates and the like. */
  readonly received: Json[] = [];
  private withholdAcks = false;
  private readonly sessions = new Map<string, Session>();
  private readonly sockets = new Set<WebSocket>();
  private waiters: Waiter[] = [];

  constructor(
    private readonly options: GatewayOptions,
    private readonly hooks: GatewayHooks,
    private readonly resumeUrl: () => string,
  ) {
    this.wss.on("connection", (socket) => this.onConnection(socket));
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.wss.emit("connection", ws, req));
  }

  get connected(): boolean {
    return [...this.sessions.values()].some((session) => isOpen(session.socket));
  }

  withholdHeartbeatAcks(withhold: boolean): void {
    this.withholdAcks = withhold;
  }

  /** Pushes a dispatch to every live session; returns how many received it. */
  dispatch(eventName: string, data: unknown): number {
    let delivered = 0;
    for (const session of this.sessions.values()) {
      const live = isOpen(session.socket);
      if (!live && !this.options.replayWhileDisconnected) continue;
      const filtered = this.hooks.filterFor(eventName, data, session.intents);
      if (filtered === null) continue;
      this.sendDispatch(session, eventName, filtered);
      if (live) delivered += 1;
    }
    return delivered;
  }

  /** Closes every client socket; without a code the TCP connection is just cut (close 1006), so discord.js resumes. */
  dropConnection(code?: number): void {
    for (const socket of this.sockets) {
      if (code === undefined) socket.terminate();
      else socket.close(code, "Fake Discord closed the connection");
    }
  }

  /** op 7: Discord asks the client to reconnect and resume. */
  requestReconnect(): void {
    for (const socket of this.sockets) socket.send(JSON.stringify({ op: 7, d: null }));
  }

  /** op 9: `resumable=false` forces a fresh IDENTIFY. */
  invalidateSession(resumable = false): void {
    for (const session of this.sessions.values()) {
      session.socket?.send(JSON.stringify({ op: 9, d: resumable }));
      if (!resumable) session.socket = null;
    }
    if (!resumable) this.sessions.clear();
  }

  waitFor(kind: Waiter["kind"], atLeast: number | undefined, timeoutMs: number): Promise<"identify" | "resume"> {
    const count = () => (kind === "identify" ? this.identifies : kind === "resume" ? this.resumes : this.identifies + this.resumes);
    const target = atLeast ?? count() + 1;
    if (count() >= target) return Promise.resolve(kind === "resume" ? "resume" : "identify");
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`Timed out after ${timeoutMs} ms waiting for gateway ${kind} #${target}`));
      }, timeoutMs);
      const waiter: Waiter = {
        kind,
        atLeast: target,
        resolve: (result) => {
          clearTimeout(timer);
          resolve(result);
        },
      };
      this.waiters.push(waiter);
    });
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.terminate();
    this.sockets.clear();
    this.sessions.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private notify(kind: "identify" | "resume"): void {
    const counts = { identify: this.identifies, resume: this.resumes, any: this.identifies + this.resumes };
    this.waiters = this.waiters.filter((waiter) => {
      if ((waiter.kind === "any" || waiter.kind === kind) && counts[waiter.kind] >= waiter.atLeast) {
        waiter.resolve(kind);
        return false;
      }
      return true;
    });
  }

  private sendDispatch(session: Session, t: string, d: unknown): void {
    session.seq += 1;
    const record = { t, s: session.seq, d };
    session.history.push(record);
    if (session.history.length > HISTORY_LIMIT) session.history.shift();
    if (isOpen(session.socket)) session.socket.send(JSON.stringify({ op: 0, ...record }));
  }

  private onConnection(socket: WebSocket): void {
    this.sockets.add(socket);
    let session: Session | null = null;
    socket.send(JSON.stringify({ op: 10, d: { heartbeat_interval: this.options.heartbeatIntervalMs, _trace: ["fake-gateway"] } }));

    socket.on("close", () => {
      this.sockets.delete(socket);
      if (session?.socket === socket) session.socket = null;
    });

    socket.on("message", (raw) => {
      let frame: Json;
      try {
        frame = JSON.parse(String(raw)) as Json;
      } catch {
        socket.close(4002, "Decode error");
        return;
      }
      this.received.push(frame);
      const d = (frame.d ?? {}) as Json;
      switch (frame.op) {
        case 1:
          this.heartbeats += 1;
          if (!this.withholdAcks) socket.send(JSON.stringify({ op: 11 }));
          return;
        case 2:
          if (session) return socket.close(4005, "Already authenticated");
          if (this.options.token !== undefined && d.token !== this.options.token) return socket.close(4004, "Authentication failed");
          session = this.identify(socket, d);
          return;
        case 6:
          if (session) return socket.close(4005, "Already authenticated");
          session = this.resume(socket, d);
          return;
        case 3:
        case 4:
          if (!session) socket.close(4003, "Not authenticated");
          return;
        case 8:
          if (!session) return socket.close(4003, "Not authenticated");
          this.sendDispatch(session, "GUILD_MEMBERS_CHUNK", this.hooks.memberChunk(d));
          return;
        default:
          socket.close(4001, "Unknown opcode");
      }
    });
  }

  private identify(socket: WebSocket, d: Json): Session | null {
    const intents = Number(d.intents ?? 0);
    if (
      (intents & Intent.MessageContent && !this.options.allowMessageContent) ||
      (intents & Intent.GuildMembers && !this.options.allowGuildMembers)
    ) {
      socket.close(4014, "Disallowed intent(s)");
      return null;
    }
    // A new IDENTIFY abandons sessions whose sockets are gone; Discord would let them expire.
    for (const [id, old] of this.sessions) if (!old.socket) this.sessions.delete(id);
    const session: Session = { id: randomUUID().replaceAll("-", ""), seq: 0, intents, socket, history: [] };
    this.sessions.set(session.id, session);
    this.identifies += 1;
    this.lastIdentify = d;
    this.sendDispatch(session, "READY", {
      ...this.hooks.readyPayload(),
      session_id: session.id,
      resume_gateway_url: this.resumeUrl(),
    });
    for (const guild of this.hooks.guildCreates()) this.sendDispatch(session, "GUILD_CREATE", guild);
    this.notify("identify");
    return session;
  }

  private resume(socket: WebSocket, d: Json): Session | null {
    const session = this.sessions.get(String(d.session_id));
    const tokenOk = this.options.token === undefined || d.token === this.options.token;
    if (!session || !tokenOk) {
      socket.send(JSON.stringify({ op: 9, d: false }));
      return null;
    }
    if (session.socket && session.socket !== socket) session.socket.terminate();
    session.socket = socket;
    const after = Number(d.seq ?? 0);
    for (const record of session.history) {
      if (record.s > after) socket.send(JSON.stringify({ op: 0, ...record }));
    }
    this.resumes += 1;
    this.sendDispatch(session, "RESUMED", { _trace: ["fake-gateway"] });
    this.notify("resume");
    return session;
  }
}
