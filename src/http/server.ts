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
  close(): Promise<void>;
}

/**
 * One listener on PORT for health checks and, in Slack HTTP mode, Slack's events
 * endpoint. Plain node:http: three routes do not justify a framework.
 */
export async function startHttpServer(options: {
  readonly port: number;
  readonly routes: readonly Route[];
  readonly log: Logger;
}): Promise<HttpServer> {
  const routes = [...options.routes];
  const server: Server = createServer((req, res) => {
    const pathname = new URL(req.url ?? "/", "http://localhost").pathname;
    const route = routes.find((r) => r.path === pathname);
    if (!route) return sendJson(res, 404, { error: "not found" });
    // HEAD runs the GET handler; node leaves the body out for a HEAD request.
    const method = req.method === "HEAD" && route.method === "GET" ? "GET" : req.method;
    if (method !== route.method) return sendJson(res, 405, { error: "method not allowed" });
    Promise.resolve(route.handler(req, res)).catch((error: unknown) => {
      options.log.error({ err: error, path: pathname }, "http handler failed");
      if (!res.headersSent) sendJson(res, 500, { error: "internal error" });
    });
  });
  // Keep-alive sockets would otherwise hold close() open past the shutdown budget.
  server.keepAliveTimeout = 2_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, "0.0.0.0", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    port,
    mount: (more) => void routes.push(...more),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}
