import type { Metrics } from "../metrics.ts";
import type { PlatformAdapter } from "../platforms.ts";
import { sendJson, type Route } from "./server.ts";

/** Liveness: the process is up and serving; restarting it would not fix a database or platform outage. */
export function livenessRoute(): Route {
  return { method: "GET", path: "/healthz", handler: (_req, res) => sendJson(res, 200, { status: "ok" }) };
}

export interface Readiness {
  /** Undefined until the database is open. */
  ping: (() => Promise<boolean>) | undefined;
  adapters: readonly Pick<PlatformAdapter, "platform" | "health">[];
}

/**
 * Readiness: 200 only when the database answers and every enabled platform is connected
 * and authenticated, so a load balancer or orchestrator sends no work to a replica that
 * would fail it. The body says which part is not ready and why.
 */
export function readinessRoute(readiness: Readiness): Route {
  return {
    method: "GET",
    path: "/readyz",
    handler: async (_req, res) => {
      const database = readiness.ping === undefined ? "starting" : (await readiness.ping()) ? "ok" : "unreachable";
      const platforms = Object.fromEntries(readiness.adapters.map((a) => [a.platform, a.health().detail]));
      const ready = database === "ok" && readiness.adapters.every((a) => a.health().ready);
      sendJson(res, ready ? 200 : 503, { status: ready ? "ready" : "not ready", database, ...platforms });
    },
  };
}

export function metricsRoute(metrics: Metrics): Route {
  return {
    method: "GET",
    path: "/metrics",
    handler: async (_req, res) => {
      const body = await metrics.registry.metrics();
      res.writeHead(200, { "content-type": metrics.registry.contentType });
      res.end(body);
    },
  };
}
