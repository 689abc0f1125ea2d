// The runtime's /metrics without the runtime: a bare node:http server exposing the generated
// module's metrics (generated/metrics.ts, every series at zero) the way bench/bare-metrics-server.mjs
// exposes prom-client's, and nothing else. Set beside the runtime it shows what the runtime itself
// adds to a scrape; set beside the prom-client server, what the generated module's rendering saves.
// Usage: node --import tsx bench/generated-metrics-server.ts
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createMetrics } from "../generated/metrics.ts";

const { registry } = createMetrics();
const server = createServer((req, res) => {
  if (req.method === "GET" && req.url === "/metrics") {
    void registry.metrics().then((text) => {
      res.writeHead(200, { "Content-Type": registry.contentType });
      res.end(text);
    });
    return;
  }
  res.writeHead(404).end();
});
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
