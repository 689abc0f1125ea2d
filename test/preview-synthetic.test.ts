// The synthetic workload behind previews: one simulation per service, on which the panels' and
// alerts' own PromQL is evaluated, so the numbers agree with each other and with the spec.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../src/cli/main.js";
import { EXIT } from "../src/cli/exit-codes.js";
import type { Model, ServiceModel } from "../src/model/types.js";
import { toAst } from "../src/promql/ast.js";
import { parseQuery } from "../src/promql/parse.js";
import { chartOption, niceCeil } from "../src/preview/charts.js";
import type { GrafanaDashboard, GrafanaPanel } from "../src/preview/dashboard.js";
import { evaluate } from "../src/preview/evaluate.js";
import { dashboardsOf, panelChanges, runPreview, SYNTHETIC_END, SyntheticData, Workload } from "../src/preview/index.js";
import { timeWindow } from "../src/preview/render.js";
import { formatValue } from "../src/preview/units.js";
import { edited, resolveText, type SpecEdit } from "./support/spec-edits.js";
import { PIPELINE } from "../src/pipeline/index.js";

function model(edits: readonly SpecEdit[] = []): Model {
  const r = resolveText(edited(edits));
  if (!r.model) throw new Error(r.issues.map((i) => i.message).join("\n"));
  return r.model;
}

function only<T>(xs: readonly T[]): T {
  if (xs.length !== 1 || xs[0] === undefined) throw new Error(`expected one, got ${xs.length}`);
  return xs[0];
}

/** The service's own dashboard (the generator adds a triage and an SLO dashboard beside it). */
function mainDashboard(m: Model): ReturnType<typeof dashboardsOf>[number] {
  const main = dashboardsOf(m, PIPELINE).filter((d) => m.services.some((s) => s.dashboards.some((x) => x.uid === d.dashboard.uid)));
  return only(main);
}

const MODEL = model();
const { dashboard: DASH, service: SERVICE } = mainDashboard(MODEL);
const WINDOW = timeWindow(DASH, SYNTHETIC_END);

function service(m: Model = MODEL): ServiceModel {
  return only(m.services);
}

function panel(title: string, dash: GrafanaDashboard = DASH): GrafanaPanel {
  const p = dash.panels.find((x) => x.title === title);
  if (!p) throw new Error(`no panel ${title}`);
  return p;
}

/** The panel's series, by legend label values, at the end of the window (instant) or over it. */
async function values(title: string, data = new SyntheticData(SERVICE), dash: GrafanaDashboard = DASH): Promise<Map<string, number[]>> {
  const p = panel(title, dash);
  const out = new Map<string, number[]>();
  for (const t of p.targets) for (const s of await data.query(p, t, WINDOW)) out.set(JSON.stringify(s.labels), s.points.map(([, v]) => v));
  return out;
}

function at(workload: Workload, expr: string, t: number): number[] {
  const ast = toAst(parseQuery(expr));
  if (!ast) throw new Error(expr);
  const v = evaluate(ast, workload.series, t);
  return v.kind === "scalar" ? [v.value] : v.samples.map((s) => s.value);
}

describe("the synthetic workload", () => {
  const normal = Workload.of(service(), "normal", WINDOW);

  it("counts each started operation once: started = success + failure, at every instant", () => {
    for (const t of [WINDOW.start + 3_600_000, WINDOW.end]) {
      const started = only(at(normal, 'sum(rate(git_operation_total{status="started"}[5m]))', t));
      const finished = only(at(normal, 'sum(rate(git_operation_total{status=~"success|failure"}[5m]))', t));
      expect(started).toBeCloseTo(finished, 9);
    }
  });

  it("makes the errors by type add up to the failed operations, for each operation and in every scenario", () => {
    for (const workload of [normal, Workload.of(service(), "alerting", WINDOW)]) {
      for (const t of [WINDOW.start + 1_800_000, WINDOW.end]) {
        const errors = at(workload, "sum by (operation) (rate(git_errors_total[5m]))", t);
        const failures = at(workload, 'sum by (operation) (rate(git_operation_total{status="failure"}[5m]))', t);
        expect(errors).toHaveLength(5);
        errors.forEach((e, i) => expect(e).toBeCloseTo(failures[i] ?? NaN, 9));
      }
    }
  });

  it("draws the same rate on two panels: the success-rate gauge is 100 minus the error-rate alert's percentage", async () => {
    const gauge = only([...(await values("Operation Success Rate")).values()]);
    const errorRatio = only(at(normal, 'sum(rate(git_operation_total{status="failure"}[5m])) / sum(rate(git_operation_total{status=~"success|failure"}[5m]))', WINDOW.end));
    expect((gauge[0] ?? 0) + 100 * errorRatio).toBeCloseTo(100, 0);
  });

  it("retries less at each later attempt", async () => {
    const retries = await values("Push Retry Attempts");
    const byAttempt = ["1", "2", "3", "4", "5"].map((a) => retries.get(JSON.stringify({ attempt: a }))?.[0] ?? NaN);
    for (let i = 1; i < byAttempt.length; i++) expect(byAttempt[i]).toBeLessThan(byAttempt[i - 1] ?? 0);
  });

  it("makes the daily cost the monthly cost / 30.4, at every instant", () => {
    for (let t = WINDOW.start; t <= WINDOW.end; t += 3_600_000) {
      const daily = only(at(normal, 'sum(estimated_cost_dollars{period="daily"})', t));
      const monthly = only(at(normal, 'sum(estimated_cost_dollars{period="monthly"})', t));
      expect(monthly / daily).toBeCloseTo(30.4, 9);
    }
  });

  it("keeps every alert of the spec silent over the whole window by default, and fires each one with the alerting scenario", () => {
    const alerting = Workload.of(service(), "alerting", WINDOW);
    for (const alert of service().alerts) {
      for (let t = WINDOW.start; t <= WINDOW.end; t += WINDOW.stepMs * 4) expect(at(normal, alert.expr, t), `${alert.name} at ${t}`).toEqual([]);
      expect(at(alerting, alert.expr, WINDOW.end).length, `${alert.name} fires`).toBeGreaterThan(0);
    }
  });

  it("keeps the gauges out of the red without an alerting scenario", async () => {
    for (const p of DASH.panels.filter((x) => x.type === "gauge")) {
      const value = only([...(await values(p.title)).values()])[0] ?? NaN;
      const steps = p.fieldConfig.defaults.thresholds?.steps ?? [];
      let colour = "";
      for (const s of steps) if (typeof s.value !== "number" || value >= s.value) colour = s.color;
      expect(colour, `${p.title} = ${value}`).not.toBe("red");
    }
  });

  it("leaves the other series as they were when a label value and a metric are added (seeded by series name, not position)", async () => {
    const grown = model([
      [["metrics", "git_operation_total", "labels", "operation"], ["clone", "status", "diff", "pull", "push", "fetch"]],
      [["metrics", "aaa_first_total"], { type: "counter", help: "A metric sorted before every other." }],
    ]);
    const { dashboard, service: svc } = mainDashboard(grown);
    const before = await values("Operations per Minute");
    const after = await values("Operations per Minute", new SyntheticData(svc), dashboard);
    expect(after.size).toBe(before.size + 1);
    for (const [labels, series] of before) expect(after.get(labels), labels).toEqual(series);
  });
});

describe("the preview's fidelity to Grafana", () => {
  const size = { width: 500, height: 240 };

  it("labels pie slices and fills its legend with the values the panel configures", () => {
    const pie = panel("Operations Distribution");
    expect(pie.options.displayLabels).toEqual(["name", "percent"]);
    expect(pie.options.legend?.values).toEqual(["value", "percent"]);
    const option = chartOption(pie, [{ name: "clone", points: [[0, 30]] }, { name: "push", points: [[0, 10]] }], size, WINDOW) as {
      legend: { formatter: (n: string) => string };
      series: { label: { formatter: (p: { name: string }) => string } }[];
    };
    expect(option.series[0]?.label.formatter({ name: "clone" })).toBe("clone: 75%");
    expect(option.legend.formatter("push")).toBe("push  10  25%");
  });

  it("puts the unit on axis values, hours included", () => {
    expect(formatValue("h", 2)).toBe("2 hours");
    expect(formatValue("h", 0.5)).toBe("30 min");
    expect(formatValue("suffix: jobs", 3)).toBe("3 jobs");
    expect(formatValue("widgets", 3)).toBe("3 widgets");
    const p: GrafanaPanel = { ...panel("Daily Cost Trend"), fieldConfig: { defaults: { unit: "h" } } };
    const option = chartOption(p, [{ name: "a", points: [[WINDOW.start, 1]] }], size, WINDOW) as { yAxis: { axisLabel: { formatter: (v: number) => string } } };
    expect(option.yAxis.axisLabel.formatter(4)).toBe("4 hours");
  });

  it("spans the dashboard's time range on the x-axis even when the data covers only its end", () => {
    const young = [{ name: "a", points: [[WINDOW.end - 300_000, 1], [WINDOW.end, 2]] as const }];
    const option = chartOption(panel("Conflicts Detected"), young, size, WINDOW) as { xAxis: { min: number; max: number } };
    expect([option.xAxis.min, option.xAxis.max]).toEqual([WINDOW.start, WINDOW.end]);
  });

  it("draws a stat panel as a number in its threshold colour, not as a gauge arc", () => {
    const stat: GrafanaPanel = { ...panel("Active Sandboxes"), type: "stat" };
    const option = chartOption(stat, [{ name: "", points: [[0, 12]] }], size, WINDOW) as { series?: { type: string }[]; graphic: { style: { text: string; fill: string } }[] };
    expect(option.series?.some((s) => s.type === "gauge") ?? false).toBe(false);
    expect(option.graphic[0]?.style).toMatchObject({ text: "12", fill: "#f2495c" });
  });

  it("lays heatmap columns over the dashboard's whole range when the data covers only its end", () => {
    const young = [{ name: "1", points: [[WINDOW.end - 120_000, 3], [WINDOW.end - 60_000, 4], [WINDOW.end, 5]] as const }];
    const option = chartOption(panel("Sandbox Creation Time Heatmap"), young, size, WINDOW) as { xAxis: { data: string[] }; series: { data: number[][] }[] };
    expect(option.xAxis.data).toHaveLength((WINDOW.end - WINDOW.start) / 60_000 + 1);
    expect(option.xAxis.data[0]).toBe("06:00");
    expect(option.series[0]?.data.map((d) => d[0])).toEqual([358, 359, 360]);
  });

  it("gives heatmaps a colour scale with its range", () => {
    const option = chartOption(panel("Sandbox Creation Time Heatmap"), [{ name: "0.5", points: [[0, 4]] }, { name: "+Inf", points: [[0, 1]] }], size, WINDOW) as {
      visualMap: { show: boolean; text: string[] };
    };
    expect(option.visualMap.show).toBe(true);
    expect(option.visualMap.text).toEqual(["4 ops/s", "0 ops/s"]);
  });

  it("wraps a long legend and gives it the rows it needs below the plot", () => {
    const many = Array.from({ length: 12 }, (_, i) => ({ name: `a fairly long series name ${i}`, points: [[WINDOW.end, i]] as const }));
    const option = chartOption(panel("Conflicts Detected"), many, size, WINDOW) as { grid: { bottom: number }; legend: { width: number } };
    expect(option.legend.width).toBeLessThan(size.width);
    expect(option.grid.bottom).toBeGreaterThanOrEqual(4 * 18);
  });

  it("shows legend calcs, line width, fill and threshold lines as the time series panel configures them", () => {
    const base = panel("P95 Latency by Operation");
    const configured: GrafanaPanel = {
      ...base,
      options: { ...base.options, legend: { ...base.options.legend, calcs: ["mean", "max"] } },
      fieldConfig: { defaults: { ...base.fieldConfig.defaults, custom: { lineWidth: 3, fillOpacity: 0, thresholdsStyle: { mode: "off" } } } },
    };
    const data = [{ name: "clone", points: [[WINDOW.start, 1], [WINDOW.end, 3]] as const }, { name: "push", points: [[WINDOW.end, 2]] as const }];
    const option = chartOption(configured, data, size, WINDOW) as { legend: { formatter: (n: string) => string }; series: Record<string, unknown>[] };
    // A table legend (as generated): the name, then each calc in a column of its own.
    expect(option.legend.formatter("clone")).toBe("{n|clone}{v|mean: 2 s}{v|max: 3 s}");
    expect(option.series[0]).toMatchObject({ lineStyle: { width: 3 } });
    expect(option.series[0]?.areaStyle).toBeUndefined();
    expect(option.series[0]?.markLine).toBeUndefined();
    const asGenerated = chartOption(base, data, size, WINDOW) as { series: Record<string, unknown>[] };
    expect(asGenerated.series[0]).toMatchObject({ lineStyle: { width: 1 }, areaStyle: { opacity: 0.1 } });
    expect(asGenerated.series[0]?.markLine).toBeDefined();
  });

  it("rounds the top of a y-axis raised for a threshold line up to a round number", () => {
    expect([niceCeil(132), niceCeil(5.5), niceCeil(0.11), niceCeil(200)]).toEqual([150, 6, 0.12, 200]);
  });

  it("says No data for a value Prometheus cannot compute yet (0/0), never NaN", () => {
    expect(formatValue("percent", NaN)).toBe("No data");
  });
});

describe("obsgen preview --base marks what changed", () => {
  let out = "";
  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), "obsgen-preview-changes-"));
    await runPreview({ pipeline: PIPELINE, spec: "test/fixtures/diff/additive.yaml", base: "test/fixtures/diff/base.yaml", out, cwd: process.cwd() });
  }, 120_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it("outlines changed and new panels and dims unchanged ones, on both sides, under the synthetic-data mark", () => {
    const html = readFileSync(join(out, "shop.compare.html"), "utf8");
    expect(html).toContain("SYNTHETIC DATA: simulated from the spec");
    expect(html).toContain("<title>Shop: base and change (synthetic data)</title>");
    const marked = [...html.matchAll(/<g (opacity="0.35" )?data-change="(\w+)"><rect[^>]*\/><text[^>]*>([^<]*)</g)].map((m) => `${m[2]} ${m[3]}`);
    expect(marked).toEqual(expect.arrayContaining(["changed Order Rate", "added Refunds", "unchanged Open Carts", "unchanged Retries"]));
    expect(html).toMatch(/<g opacity="0.35" data-change="unchanged"><rect[^>]*\/><text[^>]*>Open Carts</);
    expect(html).not.toMatch(/<g data-change="unchanged"/);
  });

  it("compares panels by id: same JSON is unchanged, other JSON changed, missing on the other side added or removed", () => {
    const base = mainDashboard(MODEL).dashboard;
    const head = { ...base, panels: base.panels.map((p) => (p.title === "Active Sandboxes" ? { ...p, title: "Sandboxes" } : p)).filter((p) => p.title !== "Conflicts Detected") };
    const changes = panelChanges(base, head, "removed");
    expect(changes.get(panel("Active Sandboxes").id ?? -1)).toBe("changed");
    expect(changes.get(panel("Conflicts Detected").id ?? -1)).toBe("removed");
    expect(changes.get(panel("Cache Hit Ratio").id ?? -1)).toBe("unchanged");
  });
});

describe("obsgen preview --scenario", () => {
  async function cli(args: string[]): Promise<{ code: number; err: string }> {
    let err = "";
    const code = await main(["preview", ...args], { out: () => undefined, err: (t) => (err += `${t}\n`), cwd: process.cwd() });
    return { code, err };
  }

  it("accepts normal or alerting only, and refuses it with measured data", async () => {
    const bogus = await cli(["--scenario", "panic"]);
    expect(bogus.code).toBe(EXIT.usage);
    expect(bogus.err).toContain('--scenario must be normal or alerting, not "panic"');
    const measured = await cli(["--scenario", "alerting", "--prometheus", "http://127.0.0.1:9"]);
    expect(measured.code).toBe(EXIT.usage);
    expect(measured.err).toContain("with --prometheus the data is measured");
  });

  it("marks an alerting preview as such", async () => {
    const out = mkdtempSync(join(tmpdir(), "obsgen-preview-alerting-"));
    try {
      expect((await main(["preview", "--spec", "test/fixtures/diff/base.yaml", "--out", out, "--scenario", "alerting"], { out: () => undefined, err: () => undefined, cwd: process.cwd() }))).toBe(EXIT.ok);
      expect(readFileSync(join(out, "shop.html"), "utf8")).toContain("SYNTHETIC DATA: simulated from the spec, alerting scenario (every alert firing), not measured");
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);
});
