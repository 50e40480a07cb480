// The `web` role: the Next.js app in this process behind Node's HTTP server.
// /api/health is answered here, before Next.js, because only this process
// knows the state of the other roles it runs.
import http from "node:http";
import next from "next";
import { requestScheme } from "../../server/auth/secure-request.ts";
import { logError } from "../../server/cluster/error-log.ts";
import type { RunningRole } from "./role.ts";

export async function startWebRole(input: {
  root: string;
  port: number;
  bindAddress: string;
  publicUrl: string;
  /** YUBIN_PUBLIC_URL: its scheme says whether browsers use HTTPS. */
  configuredPublicUrl?: string;
  /** Behind a reverse proxy that sets X-Forwarded-For and X-Forwarded-Proto: keep its headers. */
  trustProxy: boolean;
  health: () => Promise<{ ok: boolean; body: unknown }>;
}): Promise<RunningRole> {
  const app = next({ dev: false, dir: input.root, customServer: true });
  await app.prepare();
  const handle = app.getRequestHandler();
  const server = http.createServer((req, res) => {
    if (req.url === "/api/health" || req.url?.startsWith("/api/health?")) {
      input
        .health()
        .then(({ ok, body }) => {
          res.writeHead(ok ? 200 : 503, { "content-type": "application/json", "cache-control": "no-store" });
          res.end(JSON.stringify(body));
        })
        .catch(() => {
          res.writeHead(503, { "content-type": "application/json" });
          res.end(JSON.stringify({ ok: false }));
        });
      return;
    }
    // The client address for sign-in throttling comes from X-Forwarded-For
    // (server/auth/client-address.ts). Unless a trusted proxy sets it, a
    // client must not choose its own: replace it with the socket's address.
    const socketAddress = req.socket.remoteAddress ?? "";
    if (!input.trustProxy || !req.headers["x-forwarded-for"]) req.headers["x-forwarded-for"] = socketAddress;
    // Whether the browser used HTTPS decides the Secure cookies
    // (server/auth/secure-request.ts): one trusted answer on every request.
    req.headers["x-forwarded-proto"] = requestScheme({
      publicUrl: input.configuredPublicUrl,
      trustProxy: input.trustProxy,
      forwardedProto: req.headers["x-forwarded-proto"],
    });
    handle(req, res).catch((e: unknown) => {
      console.error("web: request failed", e);
      logError(`web: request failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  // Slow clients must not hold sockets forever.
  server.headersTimeout = 20_000;
  server.requestTimeout = 120_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(input.port, input.bindAddress, () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : input.port;
  return {
    name: "web",
    listeners: { http: port },
    banner: [
      input.configuredPublicUrl
        ? `web: ${input.configuredPublicUrl} (listening on port ${port})`
        : `web: ${input.publicUrl.replace(/:\d+$/, `:${port}`)}`,
    ],
    healthy: async () => server.listening,
    stop: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await app.close();
    },
  };
}
