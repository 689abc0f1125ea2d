// The proof that dashboards and alerts tell the truth: a real Prometheus holding a known workload
// of two instances evaluates every panel query of the generated dashboard and every generated
// alert expression, and the numbers must be the ones the workload implies. The guide's original
// expressions are evaluated too, and must come out wrong.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { comparisonOf } from "../src/promql/rewrite.js";
import { PrometheusServer, type VectorResult } from "./support/prometheus.js";
import { EVAL_AT, workload } from "./support/prometheus-workload.js";
import { firingAt, generatedAlerts, generatedRules, inlineRecorded } from "./support/rule-file.js";

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

/** The spec's own dashboard; the generated triage and SLO dashboards have their truth in truth-oncall.test.ts. */
function dashboardQueries(): PanelQuery[] {
  return readdirSync(DASHBOARDS)
    .filter((f) => f === "git-operations-e2b.json")
    .sort()
    .flatMap((f) => {
      const dash = JSON.parse(readFileSync(join(DASHBOARDS, f), "utf8")) as { panels: { id: number; title: string; targets?: { expr?: string }[] }[] };
      return dash.panels.flatMap((p) => (p.targets ?? []).flatMap((t) => (t.expr === undefined ? [] : [{ id: p.id, title: p.title, expr: t.expr }])));
    });
}

/** The alert's signal: its expression without the final comparison against the threshold (nor its traffic floor). */
function signalOf(expr: string): string {
  const c = comparisonOf(expr);
  if (!c) throw new Error(`no trailing threshold comparison in ${expr}`);
  return c.signal;
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
  "Monthly Cost Projection (Sandboxes Alive Now)": { values: { "": 80 } },
  "Daily Cost Trend": { values: { "": 2.75 } },
  "Operations Distribution": { label: "operation", values: { clone: 60 * 20, push: 40 * 20 } },
  "Push Retry Attempts": { label: "attempt", values: { "1": 7 * 20, "2": 1 * 20 } },
  // Over the fixed hour before the last sample: 2 conflicts a minute on instance b.
  "Conflicts Detected": { label: "operation", values: { pull: 0, push: 120 } },
};

/**
 * Each alert (by name/severity) for the workload: its signal, and the series it fires on, by one
 * label. Fleet-wide alerts keep job, so their one series is keyed by job. SLO alerts have no single
 * signal: the availability SLI fails 8 % (burn 8: past 6 over 6h and 30m, and 3 over 1d and 2h),
 * while every push finishes in 1.5 s (the latency SLO is met).
 */
const ALERT_TRUTH: Readonly<Record<string, { label: string; signal?: Record<string, number>; fires: Record<string, number> }>> = {
  "Watchdog/none": { label: "alertname", fires: { "": 1 } },
  "TargetDown/critical": { label: "instance", signal: { "runtime-a:8000": 1, "runtime-b:8000": 1 }, fires: {} },
  "TargetAbsent/critical": { label: "job", fires: {} },
  "HighLatency/warning": { label: "operation", signal: { clone: 9.25, push: 1.95 }, fires: { clone: 9.25 } },
  "HighErrorRate/warning": { label: "job", signal: { "backend-api": 0.08 }, fires: { "backend-api": 0.08 } },
  "HighErrorRate/critical": { label: "job", signal: { "backend-api": 0.08 }, fires: {} },
  "TooManySandboxes/warning": { label: "job", signal: { "backend-api": 12 }, fires: { "backend-api": 12 } },
  "LowCacheHitRatio/info": { label: "job", signal: { "backend-api": 35 / 60 }, fires: {} },
  // 12 sandbox-hours an hour × 24 × 30 × $0.015 = $129.60 a month, over the $75 threshold.
  "HighMonthlyCost/warning": { label: "job", signal: { "backend-api": 129.6 }, fires: { "backend-api": 129.6 } },
  "GitAvailabilityBudgetBurn/critical": { label: "job", fires: { "backend-api": 0.08 } },
  "GitAvailabilityBudgetBurn/warning": { label: "job", fires: { "backend-api": 0.08 } },
  "PushLatencyBudgetBurn/critical": { label: "job", fires: {} },
  "PushLatencyBudgetBurn/warning": { label: "job", fires: {} },
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
  const alerts = generatedAlerts();
  const rules = generatedRules();
  const key = (a: { alert: string; labels?: Record<string, string> }): string => `${a.alert}/${a.labels?.severity ?? ""}`;

  it("has a stated truth for every alert", () => {
    expect(alerts.map(key).sort()).toEqual(Object.keys(ALERT_TRUTH).sort());
  });

  for (const rule of alerts) {
    it(`computes ${key(rule)}'s signal across both instances and fires only past its threshold, for its pending period`, async () => {
      const truth = ALERT_TRUTH[key(rule)];
      if (!truth) throw new Error(`no truth for alert ${key(rule)}`);
      if (truth.signal) expectValues(byLabel(await query(inlineRecorded(signalOf(rule.expr), rules)), truth.label), truth.signal);
      if (!prom) throw new Error("prometheus is not running");
      const firing = await firingAt(prom, rule, rules, EVAL_AT);
      // A burn-rate alert's value is the error ratio of its first true window pair: here 8 %.
      expectValues(byLabel(firing, truth.label), truth.fires);
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

  it("cache hit ratio: lifetime ratios per instance (79 % and 25 %) instead of the window's 58.3 %", async () => {
    const r = await query("100 * (sandbox_cache_hits_total / (sandbox_cache_hits_total + sandbox_cache_misses_total))");
    // 1000 hits before the window, then 30 hits and 10 misses a minute for 130 minutes.
    expectValues(byLabel(r, "instance"), { "runtime-a:8000": (100 * 4900) / 6200, "runtime-b:8000": 25 });
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

/**
 * The generated triage and SLO dashboards on the same workload. Panels with their own time range
 * (timeFrom) get the $__range Grafana would give them at the end of the workload: "today so far"
 * one hour, "month to date" the whole 130 minutes of the workload.
 */
const RANGE_OF: Readonly<Record<string, string>> = { "now/d": "1h", "now/M": "130m" };

interface GeneratedPanel {
  title: string;
  timeFrom?: string;
  targets?: { expr: string }[];
}

function generatedPanels(uid: string): GeneratedPanel[] {
  const dash = JSON.parse(readFileSync(join(DASHBOARDS, `${uid}.json`), "utf8")) as { panels: (GeneratedPanel & { type: string })[] };
  return dash.panels.filter((p) => p.type !== "row");
}

/** Per panel, per query in order: the values by one label. */
const GENERATED_TRUTH: Readonly<Record<string, readonly { label: string; values: Record<string, number> }[]>> = {
  TargetDown: [{ label: "instance", values: { "runtime-a:8000": 1, "runtime-b:8000": 1 } }],
  TargetAbsent: [{ label: "job", values: { "backend-api": 2 } }],
  // 40 clones a minute take 0.3 s and 20 take 8 s; every push takes 1.5 s.
  HighLatency: [
    { label: "operation", values: { clone: 9.25, push: 1.95 } },
    { label: "operation", values: { clone: 0.4, push: 1.5 } },
    { label: "operation", values: { clone: 9.85, push: 1.99 } },
  ],
  HighErrorRate: [{ label: "job", values: { "backend-api": 0.08 } }],
  TooManySandboxes: [{ label: "job", values: { "backend-api": 12 } }],
  LowCacheHitRatio: [{ label: "job", values: { "backend-api": 35 / 60 } }],
  HighMonthlyCost: [{ label: "job", values: { "backend-api": 129.6 } }],
  // (e) Spend: 12 sandbox-hours an hour at $0.015: $0.18 in the last hour, $0.39 over 130 minutes.
  "Spend Today": [{ label: "", values: { "": 0.18 } }],
  "Spend Month to Date": [{ label: "", values: { "": 0.39 } }],
  "Sandbox-Hours of the Monthly Budget": [{ label: "", values: { "": 26 } }],
  "Spend by project (Month to Date)": [{ label: "project", values: { default: (7 * 130 * 0.015) / 60, other: (5 * 130 * 0.015) / 60 } }],
  // 8 % of operations fail: the availability SLI is 92 %, every window burns 8× the budget, and
  // the 30-day budget is overspent seven times over. Every push finishes in 1.5 s, under 5 s.
  "git-availability: SLI vs Objective": [{ label: "job", values: { "backend-api": 0.92 } }],
  "git-availability: Error Budget Remaining": [{ label: "job", values: { "backend-api": -7 } }],
  "git-availability: Burn Rate per Window": Array.from({ length: 7 }, () => ({ label: "job", values: { "backend-api": 8 } })),
  "push-latency: SLI vs Objective": [{ label: "job", values: { "backend-api": 1 } }],
  "push-latency: Error Budget Remaining": [{ label: "job", values: { "backend-api": 1 } }],
  "push-latency: Burn Rate per Window": Array.from({ length: 7 }, () => ({ label: "job", values: { "backend-api": 0 } })),
};

describe("truth on a real Prometheus: the generated triage and SLO dashboards", () => {
  const panels = [...generatedPanels("git-operations-triage"), ...generatedPanels("git-operations-slo")];
  const rules = generatedRules();

  it("has a stated truth for every panel", () => {
    expect(panels.map((p) => p.title).sort()).toEqual(Object.keys(GENERATED_TRUTH).sort());
  });

  for (const panel of panels) {
    it(`shows the workload's numbers on "${panel.title}"`, async () => {
      const truth = GENERATED_TRUTH[panel.title];
      if (!truth) throw new Error(`no truth for panel "${panel.title}"`);
      const targets = panel.targets ?? [];
      expect(targets.length).toBe(truth.length);
      for (const [i, t] of targets.entries()) {
        const range = panel.timeFrom !== undefined ? RANGE_OF[panel.timeFrom] : undefined;
        const expr = inlineRecorded(substitute(range !== undefined ? t.expr.split("$__range").join(range) : t.expr), rules);
        const want = truth[i];
        if (!want) throw new Error(`no truth for query ${i} of "${panel.title}"`);
        expectValues(byLabel(await query(expr), want.label === "" ? undefined : want.label), want.values);
      }
    });
  }
});
