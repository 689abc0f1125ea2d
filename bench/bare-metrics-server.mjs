// The baseline of the runtime's resource benchmark: a bare node:http server exposing the same
// metrics through prom-client (every series pre-created, as the generated module has them), and
// nothing else. Plain JavaScript run by node directly: no loader, no framework.
// Usage: node bench/bare-metrics-server.mjs '<JSON [{name, help, type, labelNames, labelSets, buckets}]>'
import { createServer } from "node:http";
import { Counter, Gauge, Histogram, Registry } from "prom-client";

const registry = new Registry();
for (const m of JSON.parse(process.argv[2] ?? "[]")) {
  const common = { name: m.name, help: m.help, labelNames: m.labelNames, registers: [registry] };
  if (m.type === "counter") {
    const c = new Counter(common);
    for (const labels of m.labelSets) c.inc(labels, 0);
  } else if (m.type === "gauge") {
    const g = new Gauge(common);
    for (const labels of m.labelSets) g.set(labels, 0);
  } else {
    const h = new Histogram({ ...common, buckets: m.buckets });
    for (const labels of m.labelSets) h.zero(labels);
  }
}

const server = createServer((req, res) => {
  if (req.method === "GET" && req.url === "/metrics") {
    registry.metrics().then((text) => {
      res.writeHead(200, { "Content-Type": registry.contentType });
      res.end(text);
    });
    return;
  }
  res.writeHead(404).end();
});
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
