// The spec's metrics through OpenTelemetry's metrics SDK, the way its documentation sets them up:
// a MeterProvider with the Prometheus exporter as its reader (no server: the benchmark renders
// the text in-process), one instrument per metric, attributes objects per call, histogram buckets
// given as advice. Gauges are synchronous gauges.
import type { Attributes, Counter, Gauge, Histogram } from "@opentelemetry/api";
import { PrometheusExporter, PrometheusSerializer } from "@opentelemetry/exporter-prometheus";
import { MeterProvider } from "@opentelemetry/sdk-metrics";
import type { ServiceModel } from "../src/model/types.js";

export type OtelMetric =
  | { kind: "counter"; instrument: Counter<Attributes> }
  | { kind: "gauge"; instrument: Gauge<Attributes> }
  | { kind: "histogram"; instrument: Histogram<Attributes> };

export interface OtelMirror {
  byName: ReadonlyMap<string, OtelMetric>;
  /** Collects and renders the Prometheus text, as the exporter's /metrics handler does. */
  render: () => Promise<string>;
  shutdown: () => Promise<void>;
}

export function otelMirror(service: ServiceModel): OtelMirror {
  const exporter = new PrometheusExporter({ preventServerStart: true, withoutScopeInfo: true, withoutTargetInfo: true });
  const provider = new MeterProvider({ readers: [exporter] });
  const meter = provider.getMeter(service.name);
  const byName = new Map<string, OtelMetric>();
  for (const m of service.metrics) {
    if (m.type === "counter") byName.set(m.name, { kind: "counter", instrument: meter.createCounter(m.name, { description: m.help }) });
    else if (m.type === "gauge") byName.set(m.name, { kind: "gauge", instrument: meter.createGauge(m.name, { description: m.help }) });
    else byName.set(m.name, { kind: "histogram", instrument: meter.createHistogram(m.name, { description: m.help, advice: { explicitBucketBoundaries: [...m.buckets] } }) });
  }
  const serializer = new PrometheusSerializer(undefined, false, undefined, true, true);
  return {
    byName,
    render: async () => {
      const { resourceMetrics } = await exporter.collect();
      return serializer.serialize(resourceMetrics);
    },
    shutdown: () => provider.shutdown(),
  };
}

interface OtelInstruments {
  counter: Counter<Attributes>;
  gauge: Gauge<Attributes>;
  histogram: Histogram<Attributes>;
}

export function otelOf<K extends keyof OtelInstruments>(mirror: OtelMirror, name: string, kind: K): OtelInstruments[K] {
  const m = mirror.byName.get(name);
  if (!m || m.kind !== kind) throw new Error(`OpenTelemetry mirror has no ${kind} ${name}`);
  // The kind was just checked: the union member with this kind holds this instrument type.
  return m.instrument as OtelInstruments[K];
}
