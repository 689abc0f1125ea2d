// GET /metrics answered straight from node:http, before the request reaches hono. Prometheus
// scrapes every few seconds, and through @hono/node-server each scrape built a web Request, ran the
// middleware chain and copied the text into a web Response; here it costs the registry's rendering
// and one write. The answer is the one the hono route gives: the same status, Content-Type,
// Content-Length and X-Request-Id (the caller's when safe, else a new one), and no log line (a
// successful scrape is a quiet route, request-log.ts). Everything else, a HEAD, and a scrape whose
// rendering fails go to hono, which answers them with its routes, guards, error body and log line.
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import type { Registry } from "prom-client";
import { requestIdFrom } from "../log.ts";

const PATH = "/metrics";

function isScrape(req: IncomingMessage): boolean {
  const url = req.url;
  return req.method === "GET" && url !== undefined && url.startsWith(PATH) && (url.length === PATH.length || url.charCodeAt(PATH.length) === 0x3f /* ? */);
}

export function withMetricsFastPath(registry: Pick<Registry, "metrics" | "contentType">, next: RequestListener): RequestListener {
  return (req: IncomingMessage, res: ServerResponse) => {
    if (!isScrape(req)) {
      next(req, res);
      return;
    }
    const header = req.headers["x-request-id"];
    const id = requestIdFrom(Array.isArray(header) ? header.join(", ") : header);
    // The collect callbacks the rendering runs (the sandbox sweep, the cost tick) are the runtime's
    // own work, not the caller's: nothing they might log carries the scrape's id (docs/LOGS.md).
    registry.metrics().then(
      (text) => {
        res.writeHead(200, { "content-type": registry.contentType, "x-request-id": id, "content-length": Buffer.byteLength(text) });
        res.end(text);
      },
      () => next(req, res),
    );
  };
}
