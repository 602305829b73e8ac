import type { Metrics } from "../metrics.ts";
import type { PlatformAdapter } from "../platforms.ts";
import { sendJson, type Route } from "./server.ts";

export interface Readiness {
  /** Undefined until the database is open. */
  ping: (() => Promise<boolean>) | undefined;
  adapters: readonly Pick<PlatformAdapter, "platform" | "health">[];
  /** Work acknowledged to a platform and still waiting for the database (see src/resilience.ts). */
  retrying?: () => { readonly pending: number; readonly degraded: boolean };
}

/**
 * Liveness: 200 while the process serves, since a restart would not fix a database or
 * platform outage and would drop the answers still being retried. The body says
 * "degraded" while the database is unreachable or accepted work waits for it, so an
 * operator (and the chaos suite) sees the outage from outside.
 */
export function livenessRoute(readiness: Readiness = { ping: undefined, adapters: [] }): Route {
  return {
    method: "GET",
    path: "/healthz",
    handler: async (_req, res) => {
      const database = readiness.ping === undefined ? "starting" : (await readiness.ping()) ? "reachable" : "unreachable";
      const work = readiness.retrying?.() ?? { pending: 0, degraded: false };
      const degraded = database === "unreachable" || work.degraded;
      sendJson(res, 200, { status: degraded ? "degraded" : "ok", database, ...(work.pending > 0 ? { retrying: work.pending } : {}) });
    },
  };
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
      const ready = database === "ok" && !readiness.retrying?.().degraded && readiness.adapters.every((a) => a.health().ready);
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
