// The generated module against prom-client: set up to pre-create every series and register in name
// order (bench/prom-client-mirror.ts), for any sequence of events (each recorded in the generated
// module through a labels object or through `labels(…)` and its handle) the same text in both content
// types and the same JSON, so the fast path changes nothing a scraper can see; set up the way a
// user writes it (series created on first use, any declaration order), the same value for every
// series prom-client prints (the generated module also prints the untouched ones, at zero).
import fc from "fast-check";
import { AggregatorRegistry, Counter, Gauge, Histogram, Registry, type RegistryContentType } from "prom-client";
import { describe, expect, it } from "vitest";
import { createMetrics, type Metrics } from "../generated/metrics.js";
import { type AnyRegistry, EnumCounter, EnumGauge, EnumHistogram } from "obsgen/runtime";
import { type MirrorMetric, promClientMirror, withFallbacks, type PromClientMirror } from "../bench/prom-client-mirror.js";
import { camelCase } from "../src/conventions/names.js";
import { loadModel } from "../src/pipeline/load.js";
import type { MetricModel, ServiceModel } from "../src/model/types.js";

const service: ServiceModel = (() => {
  const s = loadModel("metrics-spec").model.services[0];
  if (!s) throw new Error("the bundled spec has no service");
  return s;
})();

type AnyLabels = Record<string, string>;
type Generated = EnumCounter<AnyLabels> | EnumGauge<AnyLabels> | EnumHistogram<AnyLabels>;

function generatedField(metrics: Metrics<AnyRegistry>, name: string): Generated {
  const field: unknown = (metrics as unknown as Record<string, unknown>)[camelCase(name)];
  if (field instanceof EnumCounter || field instanceof EnumGauge || field instanceof EnumHistogram) return field;
  throw new Error(`generated module has no metric field for ${name}`);
}

type Op = "inc" | "set" | "dec" | "observe";
interface Event {
  metric: number;
  labels: AnyLabels;
  op: Op;
  value: number | undefined;
  /** Recorded in the generated module through `labels(…)` and its handle, else a labels object. */
  viaHandle: boolean;
}

const anyDouble = fc.double({ min: -1e9, max: 1e9, noNaN: true, noDefaultInfinity: true });
const nonNegative = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 1000 }), fc.double({ min: 0, max: 1e9, noNaN: true, noDefaultInfinity: true }));

function labelsArb(m: MetricModel): fc.Arbitrary<AnyLabels> {
  // Labels with a fallback also get values outside their enumeration, which must land on the fallback.
  const parts = m.labels.map((l) =>
    l.fallback !== undefined ? fc.oneof({ arbitrary: fc.constantFrom(...l.values), weight: 4 }, { arbitrary: fc.string({ maxLength: 6 }), weight: 1 }) : fc.constantFrom(...l.values),
  );
  return fc.tuple(...parts).map((vs) => Object.fromEntries(m.labels.map((l, i) => [l.name, vs[i] ?? ""])));
}

function observation(m: MetricModel): fc.Arbitrary<number> {
  // Exact bucket boundaries (le is inclusive), their neighbours, and anything in between.
  const bounds = m.buckets.flatMap((b) => [b, b * (1 + Number.EPSILON), b * (1 - Number.EPSILON)]);
  return fc.oneof(fc.constantFrom(...bounds), fc.double({ min: -10, max: 2 * (m.buckets.at(-1) ?? 1), noNaN: true, noDefaultInfinity: true }));
}

function eventArb(index: number, m: MetricModel): fc.Arbitrary<Event> {
  const labels = labelsArb(m);
  const viaHandle = fc.boolean();
  if (m.type === "counter") return fc.record({ metric: fc.constant(index), labels, op: fc.constant<Op>("inc"), value: fc.option(nonNegative, { nil: undefined }), viaHandle });
  if (m.type === "histogram") return fc.record({ metric: fc.constant(index), labels, op: fc.constant<Op>("observe"), value: observation(m), viaHandle });
  return fc.oneof(
    fc.record({ metric: fc.constant(index), labels, op: fc.constant<Op>("set"), value: anyDouble, viaHandle }),
    fc.record({ metric: fc.constant(index), labels, op: fc.constantFrom<Op>("inc", "dec"), value: fc.option(anyDouble, { nil: undefined }), viaHandle }),
  );
}

const events = fc.array(fc.oneof(...service.metrics.map((m, i) => eventArb(i, m))), { maxLength: 80 });

function metricAt(i: number): MetricModel {
  const m = service.metrics[i];
  if (!m) throw new Error(`no metric ${i}`);
  return m;
}

function recordGenerated(metrics: Metrics<AnyRegistry>, e: Event): void {
  const model = metricAt(e.metric);
  const f = generatedField(metrics, model.name);
  if (e.viaHandle) {
    recordThroughHandle(f, model.labels.map((l) => e.labels[l.name] ?? ""), e);
    return;
  }
  if (f instanceof EnumHistogram) f.observe(e.labels, e.value ?? 0);
  else if (f instanceof EnumCounter) f.inc(e.labels, e.value);
  else if (e.op === "set") f.set(e.labels, e.value ?? 0);
  else if (e.op === "dec") f.dec(e.labels, e.value);
  else f.inc(e.labels, e.value);
}

function recordThroughHandle(f: Generated, values: readonly string[], e: Event): void {
  if (f instanceof EnumHistogram) f.labels(...values).observe(e.value ?? 0);
  else if (f instanceof EnumCounter) f.labels(...values).inc(e.value);
  else if (e.op === "set") f.labels(...values).set(e.value ?? 0);
  else if (e.op === "dec") f.labels(...values).dec(e.value);
  else f.labels(...values).inc(e.value);
}

function recordMirror(mirror: PromClientMirror, e: Event): void {
  const model = metricAt(e.metric);
  const m = mirror.byName.get(model.name);
  if (!m) throw new Error(`mirror has no ${model.name}`);
  const labels = withFallbacks(model, e.labels);
  if (m.kind === "histogram") m.metric.observe(labels, e.value ?? 0);
  else if (m.kind === "counter") m.metric.inc(labels, e.value);
  else if (e.op === "set") m.metric.set(labels, e.value ?? 0);
  else if (e.op === "dec") m.metric.dec(labels, e.value);
  else m.metric.inc(labels, e.value);
}

function bothWays(seq: readonly Event[], contentType: RegistryContentType, defaultLabels?: AnyLabels): { generated: Registry<RegistryContentType>; plain: Registry<RegistryContentType> } {
  const generated = new Registry<RegistryContentType>();
  const plain = new Registry<RegistryContentType>();
  generated.setContentType(contentType);
  plain.setContentType(contentType);
  if (defaultLabels) {
    generated.setDefaultLabels(defaultLabels);
    plain.setDefaultLabels(defaultLabels);
  }
  const metrics = createMetrics(generated);
  const mirror = promClientMirror(service, plain);
  for (const e of seq) {
    recordGenerated(metrics, e);
    recordMirror(mirror, e);
  }
  return { generated, plain };
}

// prom-client as a user would really set it up: one metric per spec entry with its label names and
// buckets, no series created before their first event, declared in whatever order the code has
// (here: reverse name order).
function userStyle(registry: Registry<RegistryContentType>): PromClientMirror {
  const byName = new Map<string, MirrorMetric>();
  for (const model of [...service.metrics].reverse()) {
    const common = { name: model.name, help: model.help, labelNames: model.labels.map((l) => l.name), registers: [registry] };
    if (model.type === "counter") byName.set(model.name, { kind: "counter", model, metric: new Counter(common) });
    else if (model.type === "gauge") byName.set(model.name, { kind: "gauge", model, metric: new Gauge(common) });
    else byName.set(model.name, { kind: "histogram", model, metric: new Histogram({ ...common, buckets: [...model.buckets] }) });
  }
  return { registry, byName };
}

/** Sample lines of Prometheus text by series (name and sorted labels), to their printed value. */
function samples(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split("\n")) {
    const m = /^(\w+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const labels = [...(m[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((p) => `${p[1]}=${p[2]}`).sort();
    out.set(`${m[1]}{${labels.join(",")}}`, m[3] ?? "");
  }
  return out;
}

describe("generated module exposition", () => {
  it("records the same value for every series a plain prom-client setup exposes, and zero for the series it has not created yet", async () => {
    await fc.assert(
      fc.asyncProperty(events, async (seq) => {
        const generated = new Registry<RegistryContentType>();
        const plain = new Registry<RegistryContentType>();
        const metrics = createMetrics(generated);
        const user = userStyle(plain);
        for (const e of seq) {
          recordGenerated(metrics, e);
          recordMirror(user, e);
        }
        const ours = samples(await generated.metrics());
        const theirs = samples(await plain.metrics());
        for (const [series, value] of theirs) expect([series, ours.get(series)]).toEqual([series, value]);
        for (const [series, value] of ours) if (!theirs.has(series)) expect([series, value]).toEqual([series, "0"]);
        expect(ours.size).toBe(service.totalSeries);
      }),
      { numRuns: 100 },
    );
  });

  it("prints byte-identical Prometheus text to prom-client set up to pre-create every series and register in name order, for any event sequence", async () => {
    await fc.assert(
      fc.asyncProperty(events, async (seq) => {
        const { generated, plain } = bothWays(seq, Registry.PROMETHEUS_CONTENT_TYPE);
        expect(await generated.metrics()).toBe(await plain.metrics());
      }),
      { numRuns: 150 },
    );
  });

  it("prints byte-identical OpenMetrics text to prom-client set up the same way, for any event sequence", async () => {
    await fc.assert(
      fc.asyncProperty(events, async (seq) => {
        const { generated, plain } = bothWays(seq, Registry.OPENMETRICS_CONTENT_TYPE);
        expect(await generated.metrics()).toBe(await plain.metrics());
      }),
      { numRuns: 100 },
    );
  });

  it("gives the same getMetricsAsJSON, key order included, with and without default labels", async () => {
    await fc.assert(
      fc.asyncProperty(events, fc.boolean(), async (seq, withDefaults) => {
        const { generated, plain } = bothWays(seq, Registry.PROMETHEUS_CONTENT_TYPE, withDefaults ? { instance: "a:1" } : undefined);
        expect(JSON.stringify(await generated.getMetricsAsJSON())).toBe(JSON.stringify(await plain.getMetricsAsJSON()));
        expect(await generated.metrics()).toBe(await plain.metrics());
      }),
      { numRuns: 100 },
    );
  });

  it("prints byte-identical text with default labels, one named like a series' own label, in both content types, for any event sequence", async () => {
    // The text path hands prom-client's formatter its values with an empty sharedLabels object
    // (enum-metrics.ts): default labels must still print where, and with the value, prom-client prints them.
    const defaults = fc.constantFrom<AnyLabels>({ instance: "a:1" }, { operation: "from-defaults", instance: "a:1" }, { le: "9", project: "p" });
    const contentTypes = fc.constantFrom<RegistryContentType>(Registry.PROMETHEUS_CONTENT_TYPE, Registry.OPENMETRICS_CONTENT_TYPE);
    await fc.assert(
      fc.asyncProperty(events, defaults, contentTypes, async (seq, defaultLabels, contentType) => {
        const { generated, plain } = bothWays(seq, contentType, defaultLabels);
        expect(await generated.metrics()).toBe(await plain.metrics());
      }),
      { numRuns: 100 },
    );
  });

  it("aggregates across cluster workers exactly like prom-client's own metrics", async () => {
    await fc.assert(
      fc.asyncProperty(events, events, async (a, b) => {
        const one = bothWays(a, Registry.PROMETHEUS_CONTENT_TYPE);
        const two = bothWays(b, Registry.PROMETHEUS_CONTENT_TYPE);
        const generated = AggregatorRegistry.aggregate([await one.generated.getMetricsAsJSON(), await two.generated.getMetricsAsJSON()]);
        const plain = AggregatorRegistry.aggregate([await one.plain.getMetricsAsJSON(), await two.plain.getMetricsAsJSON()]);
        expect(await generated.metrics()).toBe(await plain.metrics());
      }),
      { numRuns: 40 },
    );
  });

  it("prints the same text after reset as a freshly pre-initialised prom-client", async () => {
    const { generated } = bothWays([{ metric: 0, labels: {}, op: "set", value: 3, viaHandle: false }], Registry.PROMETHEUS_CONTENT_TYPE);
    generated.resetMetrics();
    const mirror = promClientMirror(service);
    const fresh = await mirror.registry.metrics();
    // prom-client's own reset forgets labelled series; the generated module keeps every series at zero.
    expect(await generated.metrics()).toBe(fresh);
  });
});
