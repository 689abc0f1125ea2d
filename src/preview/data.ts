// Where a preview's numbers come from: a live Prometheus (query_range / query), or a synthetic
// workload derived from the spec — label values from its enumerations, buckets from its
// histograms, values from a seeded PRNG — so the same spec always draws the same picture.
import { BUCKET_LABEL, formatBucketBound, splitHistogramSeries } from "../conventions/names.js";
import type { ServiceModel } from "../model/types.js";
import { selectors, toAst, walk } from "../promql/ast.js";
import { parseQuery } from "../promql/parse.js";
import type { GrafanaPanel } from "./dashboard.js";

export interface Series {
  labels: Readonly<Record<string, string>>;
  /** [unix ms, value], ascending. */
  points: readonly (readonly [number, number])[];
}

export interface TimeWindow {
  /** Unix ms. */
  start: number;
  end: number;
  stepMs: number;
}

export type Target = GrafanaPanel["targets"][number];

export interface DataSource {
  query(panel: GrafanaPanel, target: Target, window: TimeWindow, seedKey: string): Promise<Series[]>;
}

/** mulberry32: a small, well-known seeded PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a, to turn a panel and series name into a seed. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

interface QueryShape {
  metric?: string;
  /** Labels of the outermost `sum by (…)`. */
  groupBy: string[];
  /** Equality matchers on the selected metric, which pin a label to one value. */
  pinned: Record<string, string>;
}

function shapeOf(expr: string): QueryShape {
  const parsed = parseQuery(expr);
  const ast = parsed.problems.length === 0 ? toAst(parsed) : undefined;
  if (!ast) return { groupBy: [], pinned: {} };
  let groupBy: string[] | undefined;
  walk(ast, (e) => {
    if (groupBy === undefined && e.kind === "aggregation" && e.grouping?.mode === "by") groupBy = e.grouping.labels;
  });
  const first = selectors(ast)[0];
  const pinned: Record<string, string> = {};
  for (const m of first?.matchers ?? []) if (m.op === "=") pinned[m.label] = m.value;
  // histogram_quantile() consumes `le`: the result is split by the other grouping labels only.
  const quantile = ast.kind === "call" && ast.fn === "histogram_quantile";
  const labels = (groupBy ?? []).filter((l) => !(quantile && l === BUCKET_LABEL));
  return { ...(first?.name !== undefined ? { metric: first.name } : {}), groupBy: labels, pinned };
}

function steps(window: TimeWindow): number[] {
  const out: number[] = [];
  for (let t = window.start; t <= window.end; t += window.stepMs) out.push(t);
  return out;
}

/** A level in the panel's range: inside min..max, or below the highest threshold, or a small count. */
function levelFor(panel: GrafanaPanel, rnd: () => number): number {
  const d = panel.fieldConfig.defaults;
  const marks = (d.thresholds?.steps ?? []).flatMap((s) => (typeof s.value === "number" ? [s.value] : []));
  if (d.min !== undefined && d.max !== undefined) return d.min + (d.max - d.min) * (0.45 + 0.45 * rnd());
  if (d.unit === "percent") return 60 + 38 * rnd();
  const top = marks.length > 0 ? Math.max(...marks) : 20;
  return top * (0.2 + 0.6 * rnd());
}

export class SyntheticData implements DataSource {
  constructor(private readonly service: ServiceModel | undefined) {}

  async query(panel: GrafanaPanel, target: Target, window: TimeWindow, seedKey: string): Promise<Series[]> {
    const shape = shapeOf(target.expr);
    const base = shape.metric !== undefined ? (splitHistogramSeries(shape.metric)?.base ?? shape.metric) : undefined;
    const metric = base !== undefined ? (this.service?.metricsByName.get(base) ?? this.service?.metricsByName.get(shape.metric ?? "")) : undefined;
    const valuesOf = (label: string): string[] => {
      if (label === BUCKET_LABEL) return metric ? [...metric.buckets.map(formatBucketBound), formatBucketBound(Infinity)] : ["+Inf"];
      const pinned = shape.pinned[label];
      if (pinned !== undefined) return [pinned];
      return [...(metric?.labels.find((l) => l.name === label)?.values ?? [label])];
    };
    let sets: Record<string, string>[] = [{}];
    for (const label of shape.groupBy) sets = sets.flatMap((s) => valuesOf(label).map((v) => ({ ...s, [label]: v })));
    const times = steps(window);
    const heatmap = panel.type === "heatmap" && shape.groupBy.includes(BUCKET_LABEL);
    return sets.map((labels, index) => {
      const rnd = prng(hash(`${seedKey}\u0000${JSON.stringify(labels)}`));
      if (heatmap) {
        // Per-bucket (not cumulative) counts peaking in a middle bucket, as a latency spread does.
        const peak = Math.floor(sets.length * 0.4);
        const weight = Math.exp(-((index - peak) ** 2) / 3);
        return { labels, points: times.map((t) => [t, Math.round(40 * weight * (0.5 + rnd()))] as const) };
      }
      const level = levelFor(panel, rnd) / (shape.groupBy.length > 0 && panel.type !== "gauge" ? Math.max(1, sets.length / 2) : 1);
      const phase = rnd() * Math.PI * 2;
      const period = 0.25 + rnd() * 0.5;
      const points = times.map((t, i) => {
        const wave = Math.sin((i / times.length / period) * Math.PI * 2 + phase);
        return [t, Math.max(0, level * (1 + 0.25 * wave + 0.12 * (rnd() - 0.5)))] as const;
      });
      return { labels, points };
    });
  }
}

/** Grafana's variables, given the values a preview uses: every job and instance, the window's range. */
export function substituteVariables(expr: string, window: TimeWindow): string {
  const rateInterval = Math.max(60, (window.stepMs / 1000) * 4);
  const range = Math.round((window.end - window.start) / 1000);
  return expr
    .replace(/\$__rate_interval|\$\{__rate_interval\}/g, `${rateInterval}s`)
    .replace(/\$__range|\$\{__range\}/g, `${range}s`)
    .replace(/"\$\{?[A-Za-z_][A-Za-z0-9_]*\}?"/g, '".+"');
}

export class PrometheusData implements DataSource {
  constructor(private readonly url: string) {}

  private async get(path: string, params: Record<string, string>): Promise<{ metric: Record<string, string>; values?: [number, string][]; value?: [number, string] }[]> {
    const url = new URL(path, this.url.endsWith("/") ? this.url : `${this.url}/`);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    const res = await fetch(url);
    const body = (await res.json()) as { status?: string; error?: string; data?: { result?: unknown } };
    if (body.status !== "success" || !Array.isArray(body.data?.result)) throw new Error(`${url.pathname}: ${body.error ?? res.status}`);
    return body.data.result as { metric: Record<string, string>; values?: [number, string][]; value?: [number, string] }[];
  }

  async query(panel: GrafanaPanel, target: Target, window: TimeWindow): Promise<Series[]> {
    const expr = substituteVariables(target.expr, window);
    if (target.instant === true || panel.type === "gauge") {
      const rows = await this.get("api/v1/query", { query: expr, time: String(window.end / 1000) });
      return rows.map((r) => ({ labels: r.metric, points: r.value ? [[r.value[0] * 1000, Number(r.value[1])] as const] : [] }));
    }
    const rows = await this.get("api/v1/query_range", { query: expr, start: String(window.start / 1000), end: String(window.end / 1000), step: String(window.stepMs / 1000) });
    const series = rows.map((r) => ({ labels: r.metric, points: (r.values ?? []).map(([t, v]) => [t * 1000, Number(v)] as const) }));
    return panel.type === "heatmap" ? decumulate(series) : series;
  }
}

/** Prometheus' cumulative `le` buckets to per-bucket counts, as Grafana's heatmap format does. */
function decumulate(series: Series[]): Series[] {
  const bound = (s: Series): number => (s.labels[BUCKET_LABEL] === "+Inf" ? Infinity : Number(s.labels[BUCKET_LABEL]));
  const sorted = [...series].sort((a, b) => bound(a) - bound(b));
  return sorted.map((s, i) => {
    const below = sorted[i - 1];
    return { labels: s.labels, points: s.points.map(([t, v], j) => [t, Math.max(0, v - (below?.points[j]?.[1] ?? 0))] as const) };
  });
}
