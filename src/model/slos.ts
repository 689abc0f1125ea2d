// Resolves the spec's SLOs: objective as a fraction, window in hours, and a latency SLI's histogram
// and threshold, which must be one of its buckets (a quantile between buckets is an estimate; a
// ratio of requests under a bound is exact only at a bound).
import { parseDuration } from "../promql/duration.js";
import type { ServiceSpec } from "../spec/schema.js";
import type { Reporter } from "./reporter.js";
import { RULES } from "../conventions/rules.js";
import type { MetricModel, SloModel } from "./types.js";

const HOUR_MS = 3_600_000;

export function resolveSlos(spec: ServiceSpec, metrics: ReadonlyMap<string, MetricModel>, report: Reporter): SloModel[] {
  const out: SloModel[] = [];
  const seen = new Set<string>();
  spec.slos.forEach((slo, i) => {
    const path = ["slos", i];
    if (seen.has(slo.name)) report.error(RULES.sloDuplicate, [...path, "name"], `SLO "${slo.name}" is declared twice`);
    seen.add(slo.name);
    const windowHours = (parseDuration(slo.window) ?? 0) / HOUR_MS;
    if (windowHours < 1) {
      report.error(RULES.slo, [...path, "window"], `SLO window ${slo.window} is shorter than an hour`, { hint: "SLO windows are days or weeks: 28d or 30d" });
      return;
    }
    const base = {
      name: slo.name,
      description: slo.description,
      objective: slo.objective / 100,
      window: slo.window,
      windowHours,
      ...(slo.minRate !== undefined ? { minRate: slo.minRate } : {}),
      causes: slo.causes ?? [],
      firstSteps: slo.firstSteps ?? [],
      path,
    };
    if ("events" in slo.sli) {
      out.push({ ...base, sli: { kind: "events", good: slo.sli.events.good, total: slo.sli.events.total } });
      return;
    }
    const { histogram, threshold, matchers } = slo.sli.latency;
    const at = [...path, "sli", "latency"];
    const metric = metrics.get(histogram);
    if (metric?.type !== "histogram") {
      const histograms = [...metrics.values()].filter((m) => m.type === "histogram").map((m) => m.name);
      report.error(RULES.slo, [...at, "histogram"], metric ? `"${histogram}" is a ${metric.type}, not a histogram` : `histogram "${histogram}" is not declared`, {
        hint: `declared histograms: ${histograms.join(", ") || "none"}`,
      });
      return;
    }
    if (!metric.buckets.includes(threshold)) {
      const below = [...metric.buckets].reverse().find((b) => b < threshold);
      const above = metric.buckets.find((b) => b > threshold);
      report.error(RULES.slo, [...at, "threshold"], `latency threshold ${threshold} is not a bucket boundary of "${histogram}": the share of requests under it cannot be counted`, {
        hint: `use ${[below, above].filter((b) => b !== undefined).join(" or ")}, or add ${threshold} to the histogram's buckets`,
      });
      return;
    }
    out.push({ ...base, sli: { kind: "latency", histogram: metric, threshold, ...(matchers !== undefined ? { matchers } : {}) } });
  });
  return out;
}
