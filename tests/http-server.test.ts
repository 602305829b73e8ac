import { afterEach, describe, expect, it } from "vitest";
import { startHttpServer, type HttpServer } from "../src/http/server.ts";
import { createLogger } from "../src/logger.ts";

const log = createLogger("silent");
let server: HttpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("the HTTP server's connections", () => {
  it("keeps a client's connections for its next requests (Node's fetch drops any the server promises to keep 2 s or less)", async () => {
    const clientPorts: number[] = [];
    server = await startHttpServer({
      port: 0,
      host: "127.0.0.1",
      log,
      routes: [{ method: "POST", path: "/slack/events", handler: (req, res) => void (clientPorts.push(req.socket.remotePort!), res.end("ok")) }],
    });
    for (let i = 0; i < 10; i++) {
      const response = await fetch(`http://127.0.0.1:${server.port}/slack/events`, { method: "POST", body: "x" });
      expect(await response.text()).toBe("ok");
    }
    // Node's fetch opens a second connection while the first is still being released, then takes turns.
    expect(clientPorts).toHaveLength(10);
    expect(new Set(clientPorts).size).toBeLessThanOrEqual(2);
  });

  it("closes without waiting out the keep-alive of a request that was still being answered", async () => {
    let answer!: () => void;
    const answering = new Promise<void>((resolve) => (answer = resolve));
    let arrived!: () => void;
    const arrival = new Promise<void>((resolve) => (arrived = resolve));
    const started = await startHttpServer({
      port: 0,
      host: "127.0.0.1",
      log,
      routes: [{ method: "GET", path: "/slow", handler: async (_req, res) => void (arrived(), await answering, res.end("done")) }],
    });
    const response = fetch(`http://127.0.0.1:${started.port}/slow`);
    await arrival;
    const closed = started.close();
    answer();
    const answered = await response;
    expect(await answered.text()).toBe("done");
    expect(answered.headers.get("connection")).toBe("close");
    // Resolves once the socket is gone, without waiting out the 65 s keep-alive.
    await closed;
  });
});
