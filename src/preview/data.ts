// Where a preview's numbers come from: a live Prometheus (query_range / query), or a synthetic
// workload simulated from the spec (workload.ts), on which the panels' own PromQL is evaluated.
import { BUCKET_LABEL } from "../conventions/names.js";
import type { ServiceModel } from "../model/types.js";
import { toAst } from "../promql/ast.js";
import { parseQuery } from "../promql/parse.js";
import type { GrafanaPanel } from "./dashboard.js";
import { evaluate, UnsupportedQuery } from "./evaluate.js";
import type { TimeWindow } from "./time-window.js";
import { substituteVariables } from "./variables.js";
import { Workload, type Scenario } from "./workload.js";

export { substituteVariables } from "./variables.js";

export interface Series {
  labels: Readonly<Record<string, string>>;
  /** [unix ms, value], ascending. */
  points: readonly (readonly [number, number])[];
}

export type { TimeWindow } from "./time-window.js";

export type Target = GrafanaPanel["targets"][number];

export interface DataSource {
  query(panel: GrafanaPanel, target: Target, window: TimeWindow): Promise<Series[]>;
  /** True when the numbers are made up (simulated), so the picture must say so. */
  readonly synthetic: boolean;
}

function steps(window: TimeWindow): number[] {
  const out: number[] = [];
  for (let t = window.start; t <= window.end; t += window.stepMs) out.push(t);
  return out;
}

/**
 * Numbers computed from one simulated workload of the service (see workload.ts) by evaluating
 * each panel's own PromQL: the same spec always draws the same picture, a rate shown on two
 * panels is the same rate, and values stay inside the alert thresholds unless the scenario is
 * `alerting`.
 */
export class SyntheticData implements DataSource {
  readonly synthetic = true;
  private readonly workloads = new Map<string, Workload>();

  constructor(
    private readonly service: ServiceModel | undefined,
    private readonly scenario: Scenario = "normal",
  ) {}

  private workload(window: TimeWindow): Workload | undefined {
    if (!this.service) return undefined;
    const key = `${window.start}-${window.end}`;
    let w = this.workloads.get(key);
    if (!w) {
      w = Workload.of(this.service, this.scenario, window);
      this.workloads.set(key, w);
    }
    return w;
  }

  async query(panel: GrafanaPanel, target: Target, window: TimeWindow): Promise<Series[]> {
    const workload = this.workload(window);
    const parsed = parseQuery(substituteVariables(target.expr, window));
    const ast = parsed.problems.length === 0 ? toAst(parsed) : undefined;
    if (!workload || !ast) return [];
    // As Grafana (and PrometheusData): a stat panel asks for a range, for its sparkline; its value is the last point.
    const instant = target.instant === true || panel.type === "gauge";
    const times = instant ? [window.end] : steps(window);
    const byLabels = new Map<string, { labels: Record<string, string>; points: [number, number][] }>();
    try {
      for (const t of times) {
        const v = evaluate(ast, workload.series, t);
        const samples = v.kind === "scalar" ? [{ labels: {}, value: v.value }] : v.samples;
        for (const sample of samples) {
          const k = JSON.stringify(Object.entries(sample.labels).sort(([x], [y]) => (x < y ? -1 : 1)));
          const entry = byLabels.get(k) ?? { labels: { ...sample.labels }, points: [] };
          entry.points.push([t, sample.value]);
          byLabels.set(k, entry);
        }
      }
    } catch (e) {
      if (e instanceof UnsupportedQuery) return [];
      throw e;
    }
    const series = [...byLabels.values()].sort((a, b) => (JSON.stringify(a.labels) < JSON.stringify(b.labels) ? -1 : 1));
    return panel.type === "heatmap" ? decumulate(series) : series;
  }
}

export class PrometheusData implements DataSource {
  readonly synthetic = false;
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
