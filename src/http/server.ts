import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "../logger.ts";

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface Route {
  readonly method: "GET" | "POST";
  readonly path: string;
  readonly handler: RequestHandler;
}

export interface HttpServer {
  readonly port: number;
  /** Adds routes once their handlers exist: the port is taken before the database work. */
  mount(routes: readonly Route[]): void;
  /** Serves every path no route claims (the web pages), once it exists. */
  mountFallback(handler: RequestHandler): void;
  close(): Promise<void>;
}

/**
 * One listener on PORT for health checks, Slack's events endpoint in HTTP mode and
 * the web pages, which bring their own framework (src/web) behind the fallback.
 */
export async function startHttpServer(options: {
  readonly port: number;
  readonly host?: string;
  readonly routes: readonly Route[];
  readonly log: Logger;
}): Promise<HttpServer> {
  const routes = [...options.routes];
  let fallback: RequestHandler | undefined;
  let closing = false;
  const answering = new Set<ServerResponse>();
  const server: Server = createServer((req, res) => {
    // Once closing, every answer ends its connection, so close() waits for no idle keep-alive socket.
    if (closing) res.shouldKeepAlive = false;
    answering.add(res);
    res.once("close", () => answering.delete(res));
    const pathname = new URL(req.url ?? "/", "http://localhost").pathname;
    const route = routes.find((r) => r.path === pathname);
    if (!route && !fallback) return sendJson(res, 404, { error: "not found" });
    // HEAD runs the GET handler; node leaves the body out for a HEAD request.
    const method = route && req.method === "HEAD" && route.method === "GET" ? "GET" : req.method;
    if (route && method !== route.method) return sendJson(res, 405, { error: "method not allowed" });
    Promise.resolve((route?.handler ?? fallback!)(req, res)).catch((error: unknown) => {
      options.log.error({ err: error, path: pathname }, "http handler failed");
      if (!res.headersSent) sendJson(res, 500, { error: "internal error" });
    });
  });
  // A client keeps a connection only while the server promises to hold it longer than its own
  // margin: undici's is 2 s, so at 2 s every Slack request paid for a new connection. And behind
  // a load balancer, a socket must outlive the balancer's idle timeout (60 s on AWS's), or the
  // balancer sends a request down a socket we are closing and answers it with a 502.
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  server.headersTimeout = KEEP_ALIVE_MS + 1_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? "0.0.0.0", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    port,
    mount: (more) => void routes.push(...more),
    mountFallback: (handler) => {
      fallback = handler;
    },
    close: () =>
      new Promise<void>((resolve) => {
        closing = true;
        for (const res of answering) if (!res.headersSent) res.shouldKeepAlive = false;
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

const KEEP_ALIVE_MS = 65_000;

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}
