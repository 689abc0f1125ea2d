// Scrape cost: rendering /metrics at the spec's maximum cardinality (every series of every metric
// exists, as the generated module pre-initialises all of them) through the generated module,
// through plain prom-client holding the same series with the same values, and through
// OpenTelemetry's Prometheus exporter holding the same series (each touched once, then the same
// events).
import { createMetrics } from "../generated/metrics.js";
import { labelProduct } from "../src/generators/metrics-module/generate.js";
import type { ServiceModel } from "../src/model/types.js";
import { sideBySide, type Stat } from "./measure.js";
import { otelMirror, otelOf } from "./otel-mirror.js";
import { promClientMirror } from "./prom-client-mirror.js";

export interface ScrapeResult {
  series: number;
  bytes: number;
  identical: boolean;
  generated: Stat;
  promClient: Stat;
  otel: Stat;
  otelBytes: number;
}

export async function scrape(service: ServiceModel, opts: { rounds: number; warmup: number }): Promise<ScrapeResult> {
  const g = createMetrics();
  const mirror = promClientMirror(service);
  const counter = mirror.byName.get("git_operation_total");
  const histogram = mirror.byName.get("git_operation_duration_seconds");
  if (counter?.kind !== "counter" || histogram?.kind !== "histogram") throw new Error("spec lacks the git operation metrics");
  const otel = otelMirror(service);
  for (const m of service.metrics) {
    for (const labels of labelProduct(m.labels)) {
      if (m.type === "counter") otelOf(otel, m.name, "counter").add(0, labels);
      else if (m.type === "gauge") otelOf(otel, m.name, "gauge").record(0, labels);
      else otelOf(otel, m.name, "histogram").record(0, labels);
    }
  }
  const otelCounter = otelOf(otel, "git_operation_total", "counter");
  const otelHistogram = otelOf(otel, "git_operation_duration_seconds", "histogram");
  // Non-zero values so the formatter prints real numbers, recorded identically on both sides.
  for (let i = 0; i < 1000; i++) {
    const operation = (["clone", "status", "diff", "pull", "push"] as const)[i % 5] ?? "clone";
    const status = (["started", "success", "failure", "retry"] as const)[i % 4] ?? "started";
    const v = (i % 97) / 7;
    g.gitOperationTotal.inc({ operation, status }, i % 3);
    counter.metric.inc({ operation, status }, i % 3);
    g.gitOperationDurationSeconds.observe({ operation }, v);
    histogram.metric.observe({ operation }, v);
    otelCounter.add(i % 3, { operation, status });
    otelHistogram.record(v, { operation });
  }
  const otelText = await otel.render();
  const generatedText = await g.registry.metrics();
  const plainText = await mirror.registry.metrics();
  const stats = await sideBySide(
    [
      { key: "generated", run: async () => (await g.registry.metrics()).length },
      { key: "prom-client", run: async () => (await mirror.registry.metrics()).length },
      { key: "otel", run: async () => (await otel.render()).length },
    ],
    opts.rounds,
    opts.warmup,
    "cpu",
  );
  await otel.shutdown();
  const none: Stat = { median: NaN, min: NaN, max: NaN, samples: 0 };
  return {
    series: service.totalSeries,
    bytes: generatedText.length,
    identical: generatedText === plainText,
    generated: stats.get("generated") ?? none,
    promClient: stats.get("prom-client") ?? none,
    otel: stats.get("otel") ?? none,
    otelBytes: otelText.length,
  };
}
