// The preview's PromQL evaluator against a real Prometheus: the synthetic workload is backfilled
// into Prometheus as samples every 15 s, and every panel query and alert expression of the spec
// must give the same numbers both ways (Prometheus extrapolates rates, hence a small tolerance).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadModel } from "../src/pipeline/load.js";
import type { ServiceModel } from "../src/model/types.js";
import { toAst } from "../src/promql/ast.js";
import { parseQuery } from "../src/promql/parse.js";
import { substituteVariables } from "../src/preview/data.js";
import { evaluate } from "../src/preview/evaluate.js";
import { Workload } from "../src/preview/workload.js";
import { PrometheusServer, type Series } from "./support/prometheus.js";

const END = 1_700_003_400_000;
const WINDOW = { start: END - 3_600_000, end: END, stepMs: 60_000 };
const SCRAPE_MS = 15_000;

function serviceOf(spec: string): ServiceModel {
  const s = loadModel(spec).model.services[0];
  if (!s) throw new Error(`no service in ${spec}`);
  return s;
}

/** The workload as scraped samples: gauges as they are, counters as their running total. */
function backfill(workload: Workload): Series[] {
  return workload.series.map((s) => {
    const { __name__: name = "", ...labels } = s.labels;
    const samples: { t: number; v: number }[] = [];
    let total = 0;
    for (let t = WINDOW.start - 1_800_000; t <= WINDOW.end; t += SCRAPE_MS) {
      if (s.kind === "counter") total += s.at(t - SCRAPE_MS / 2) * (SCRAPE_MS / 1000);
      samples.push({ t: t / 1000, v: s.kind === "counter" ? total : s.at(t) });
    }
    return { name, labels, samples };
  });
}

function key(labels: Readonly<Record<string, string>>): string {
  return JSON.stringify(Object.entries(labels).filter(([k]) => k !== "__name__").sort(([a], [b]) => (a < b ? -1 : 1)));
}

describe.each(["metrics-spec", "test/fixtures/diff/base.yaml"])("the preview's evaluator on %s", (spec) => {
  const service = serviceOf(spec);
  const workload = Workload.of(service, "normal", WINDOW);
  let prometheus: PrometheusServer | undefined;
  beforeAll(async () => {
    prometheus = await PrometheusServer.start(backfill(workload));
  }, 120_000);
  afterAll(async () => prometheus?.stop());

  const queries = [
    ...service.dashboards.flatMap((d) => d.rows.flatMap((r) => r.panels.flatMap((p) => p.queries.map((q) => ({ where: `panel ${p.title}`, expr: q.expr }))))),
    ...service.alerts.map((a) => {
      const ast = toAst(parseQuery(a.expr));
      return { where: `alert ${a.name}`, expr: ast?.kind === "binary" ? a.expr.slice(0, ast.lhs.to) : a.expr };
    }),
  ];

  it("gives the numbers Prometheus gives for every panel query and alert expression", async () => {
    for (const q of queries) {
      const expr = substituteVariables(q.expr, WINDOW);
      const ast = toAst(parseQuery(expr));
      if (!ast) throw new Error(`does not parse: ${expr}`);
      const ours = evaluate(ast, workload.series, END);
      const theirs = (await prometheus?.query(expr, END / 1000)) ?? [];
      const mine = ours.kind === "scalar" ? [{ labels: {}, value: ours.value }] : ours.samples;
      expect(mine.length, `${q.where}: ${expr} gives nothing`).toBeGreaterThan(0);
      expect(mine.map((s) => key(s.labels)).sort(), `${q.where}: ${expr}`).toEqual(theirs.map((s) => key(s.metric)).sort());
      for (const s of mine) {
        const other = theirs.find((x) => key(x.metric) === key(s.labels))?.value ?? NaN;
        if (Number.isNaN(s.value)) expect(other, `${q.where} ${key(s.labels)}`).toBeNaN();
        else expect(Math.abs(s.value - other) / Math.max(1e-9, Math.abs(other)), `${q.where} ${key(s.labels)}: ${s.value} vs Prometheus ${other}`).toBeLessThan(0.03);
      }
    }
  }, 120_000);
});
