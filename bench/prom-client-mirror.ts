// The same metrics as a service's generated module, written the idiomatic prom-client way:
// Counter/Gauge/Histogram with the spec's names, help, label names and buckets, every series
// pre-initialised in the generated module's order (cartesian product, last label fastest).
// The property test holds the generated module to this; the benchmark measures against it.
import { Counter, Gauge, Histogram, Registry, type RegistryContentType } from "prom-client";
import { labelProduct } from "../src/generators/metrics-module/generate.js";
import type { MetricModel, ServiceModel } from "../src/model/types.js";

export type MirrorMetric =
  | { kind: "counter"; model: MetricModel; metric: Counter<string> }
  | { kind: "gauge"; model: MetricModel; metric: Gauge<string> }
  | { kind: "histogram"; model: MetricModel; metric: Histogram<string> };

export interface PromClientMirror {
  registry: Registry<RegistryContentType>;
  byName: ReadonlyMap<string, MirrorMetric>;
}

export function promClientMirror(service: ServiceModel, registry: Registry<RegistryContentType> = new Registry()): PromClientMirror {
  const byName = new Map<string, MirrorMetric>();
  for (const model of service.metrics) {
    const common = { name: model.name, help: model.help, labelNames: model.labels.map((l) => l.name), registers: [registry] };
    const sets = labelProduct(model.labels);
    if (model.type === "counter") {
      const metric = new Counter(common);
      for (const labels of sets) metric.inc(labels, 0);
      byName.set(model.name, { kind: "counter", model, metric });
    } else if (model.type === "gauge") {
      const metric = new Gauge(common);
      for (const labels of sets) metric.set(labels, 0);
      byName.set(model.name, { kind: "gauge", model, metric });
    } else {
      const metric = new Histogram({ ...common, buckets: [...model.buckets] });
      for (const labels of sets) metric.zero(labels);
      byName.set(model.name, { kind: "histogram", model, metric });
    }
  }
  return { registry, byName };
}

/** What the generated module records for `labels`: an unknown value of a label with a fallback becomes the fallback. */
export function withFallbacks(model: MetricModel, labels: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of model.labels) {
    const v = labels[l.name] ?? "";
    out[l.name] = l.fallback !== undefined && !l.values.includes(v) ? l.fallback : v;
  }
  return out;
}
