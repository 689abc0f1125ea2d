// The proof that dashboards and alerts tell the truth: a real Prometheus holding a known workload
// of two instances evaluates every panel query of the generated dashboard and every generated
// alert expression, and the numbers must be the ones the workload implies. The guide's original
// expressions are evaluated too, and must come out wrong.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RULES_PATH } from "../src/generators/prometheus/names.js";
import { PrometheusServer, type VectorResult } from "./support/prometheus.js";
import { EVAL_AT, workload } from "./support/prometheus-workload.js";

const DASHBOARDS = "generated/grafana/dashboards";
/** What Grafana substitutes: "All" for the filters, a 1m rate interval, a 20m dashboard range. */
const VARIABLES: Readonly<Record<string, string>> = { $__rate_interval: "1m", $__range: "20m", $job: ".+", $instance: ".+" };

function substitute(expr: string): string {
  return Object.entries(VARIABLES).reduce((e, [name, value]) => e.split(name).join(value), expr);
}

interface PanelQuery {
  id: number;
  title: string;
  expr: string;
}

function dashboardQueries(): PanelQuery[] {
  return readdirSync(DASHBOARDS)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .flatMap((f) => {
      const dash = JSON.parse(readFileSync(join(DASHBOARDS, f), "utf8")) as { panels: { id: number; title: string; targets?: { expr?: string }[] }[] };
      return dash.panels.flatMap((p) => (p.targets ?? []).flatMap((t) => (t.expr === undefined ? [] : [{ id: p.id, title: p.title, expr: t.expr }])));
    });
}

interface Rule {
  alert?: string;
  expr: string;
}

function alertExprs(): Map<string, string> {
  const file = parse(readFileSync(join("generated", RULES_PATH), "utf8")) as { groups: { rules: Rule[] }[] };
  return new Map(file.groups.flatMap((g) => g.rules).flatMap((r) => (r.alert === undefined ? [] : [[r.alert, r.expr] as const])));
}

/** The alert's signal: its expression without the final comparison against the threshold. */
function signalOf(expr: string): string {
  const m = /^([\s\S]*?)\s*(>|<|>=|<=)\s*[0-9.]+\s*$/.exec(expr);
  if (!m?.[1]) throw new Error(`no trailing threshold comparison in ${expr}`);
  return m[1];
}

/** Results keyed by one label (or "" for a single unlabelled value). */
function byLabel(results: readonly VectorResult[], label?: string): Record<string, number> {
  return Object.fromEntries(results.map((r) => [label === undefined ? "" : (r.metric[label] ?? ""), r.value]));
}

function expectValues(actual: Record<string, number>, expected: Record<string, number>): void {
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  for (const [k, v] of Object.entries(expected)) expect(actual[k], k).toBeCloseTo(v, 6);
}

/** What each panel (by title) must show for the workload, fleet-wide. */
const PANEL_TRUTH: Readonly<Record<string, { label?: string; values: Record<string, number> }>> = {
  "Operation Success Rate": { values: { "": 92 } },
  "P95 Latency by Operation": { label: "operation", values: { clone: 9.25, push: 1.95 } },
  "Active Sandboxes": { values: { "": 12 } },
  "Cache Hit Ratio": { values: { "": (100 * 35) / 60 } },
  "Operations per Minute": { label: "operation", values: { clone: 60, push: 40 } },
  "Error Rate by Type": { label: "error_type", values: { timeout: 2, auth: 4, conflict: 2 } },
  "Sandbox Creation Time Heatmap": {
    label: "le",
    values: { "0.05": 0, "0.1": 0, "0.25": 0, "0.5": 0, "1": 10 / 60, "2": 10 / 60, "5": 25 / 60, "10": 25 / 60, "30": 25 / 60, "+Inf": 25 / 60 },
  },
  "Estimated Monthly Cost": { values: { "": 80 } },
  "Daily Cost Trend": { values: { "": 2.75 } },
  "Operations Distribution": { label: "operation", values: { clone: 60 * 20, push: 40 * 20 } },
  "Push Retry Attempts": { label: "attempt", values: { "1": 7 * 20, "2": 1 * 20 } },
  "Conflicts Detected": { label: "operation", values: { pull: 0, push: 2 } },
};

/** Each alert's signal for the workload, and the series its full expression returns (fires on). */
const ALERT_TRUTH: Readonly<Record<string, { label?: string; signal: Record<string, number>; fires: Record<string, number> }>> = {
  HighLatency: { label: "operation", signal: { clone: 9.25, push: 1.95 }, fires: { clone: 9.25 } },
  HighErrorRate: { signal: { "": 0.08 }, fires: {} },
  TooManySandboxes: { signal: { "": 12 }, fires: { "": 12 } },
  HighMonthlyCost: { signal: { "": 80 }, fires: { "": 80 } },
  LowCacheHitRatio: { signal: { "": 35 / 60 }, fires: {} },
};

let prom: PrometheusServer | undefined;

async function query(expr: string): Promise<VectorResult[]> {
  if (!prom) throw new Error("prometheus is not running");
  return prom.query(expr, EVAL_AT);
}

beforeAll(async () => {
  prom = await PrometheusServer.start(workload());
});

afterAll(async () => {
  await prom?.stop();
});

describe("truth on a real Prometheus: the generated dashboard", () => {
  const queries = dashboardQueries();

  it("has a stated truth for every panel query, so no panel goes unchecked", () => {
    expect(queries.length).toBeGreaterThanOrEqual(12);
    expect([...new Set(queries.map((q) => q.title))].sort()).toEqual(Object.keys(PANEL_TRUTH).sort());
  });

  for (const q of queries) {
    it(`shows the fleet-wide numbers on "${q.title}"`, async () => {
      const truth = PANEL_TRUTH[q.title];
      if (!truth) throw new Error(`no truth for panel "${q.title}"`);
      expectValues(byLabel(await query(substitute(q.expr)), truth.label), truth.values);
    });
  }
});

describe("truth on a real Prometheus: the generated alerts", () => {
  const alerts = alertExprs();

  it("has a stated truth for every alert", () => {
    expect([...alerts.keys()].sort()).toEqual(Object.keys(ALERT_TRUTH).sort());
  });

  for (const [name, expr] of alerts) {
    it(`computes ${name}'s signal across both instances and fires only past its threshold`, async () => {
      const truth = ALERT_TRUTH[name];
      if (!truth) throw new Error(`no truth for alert ${name}`);
      expectValues(byLabel(await query(signalOf(expr)), truth.label), truth.signal);
      expectValues(byLabel(await query(expr), truth.label), truth.fires);
    });
  }
});

describe("the guide's original expressions on the same workload (negative cases)", () => {
  it("success rate: 100 on every series instead of 92 overall", async () => {
    const r = await query('100 * (rate(git_operation_total{status="success"}[5m]) / rate(git_operation_total[5m]))');
    expect(r.length).toBe(4);
    for (const s of r) expect(s.value).toBe(100);
  });

  it("p95 latency: one quantile per instance, none of them the fleet's 9.25s for clone", async () => {
    const r = await query("histogram_quantile(0.95, rate(git_operation_duration_seconds_bucket[5m]))");
    const clone = r.filter((s) => s.metric.operation === "clone").map((s) => s.value).sort((a, b) => a - b);
    expect(clone).toHaveLength(2);
    expect(clone[0]).toBeCloseTo(0.48, 6);
    expect(clone[1]).toBeCloseTo(9.75, 6);
  });

  it("cache hit ratio: lifetime ratios per instance (86 % and 25 %) instead of the window's 58.3 %", async () => {
    const r = await query("100 * (sandbox_cache_hits_total / (sandbox_cache_hits_total + sandbox_cache_misses_total))");
    expectValues(byLabel(r, "instance"), { "runtime-a:8000": (100 * 1900) / 2200, "runtime-b:8000": 25 });
  });

  it("operations per minute: every status counted, 208 instead of 100", async () => {
    const r = await query("rate(git_operation_total[1m]) * 60");
    expect(r.reduce((n, s) => n + s.value, 0)).toBeCloseTo(208, 6);
  });

  it("monthly cost: $45 and $35 per instance, never the fleet's $80", async () => {
    expectValues(byLabel(await query('estimated_cost_dollars{period="monthly"}'), "instance"), { "runtime-a:8000": 45, "runtime-b:8000": 35 });
  });

  it("HighErrorRate fires at 8 % failures: each failure series divided by itself is 100 %", async () => {
    const r = await query('100 * (rate(git_operation_total{status="failure"}[5m]) / rate(git_operation_total[5m])) > 10');
    expect(r.length).toBeGreaterThan(0);
    for (const s of r) expect(s.value).toBe(100);
  });

  it("TooManySandboxes and HighMonthlyCost stay silent at 12 sandboxes and $80", async () => {
    expect(await query("active_sandboxes_total > 10")).toEqual([]);
    expect(await query('estimated_cost_dollars{period="monthly"} > 75')).toEqual([]);
  });

  it("LowCacheHitRatio fires on one instance although the fleet hits 58 %", async () => {
    const r = await query("100 * (sandbox_cache_hits_total / (sandbox_cache_hits_total + sandbox_cache_misses_total)) < 50");
    expectValues(byLabel(r, "instance"), { "runtime-b:8000": 25 });
  });
});
