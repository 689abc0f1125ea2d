import { describe, expect, it } from "vitest";
import { generate } from "../src/generators/index.js";
import { lintDashboardText } from "../src/lint/index.js";
import { formatIssue } from "../src/conventions/issue.js";
import { loadModel } from "../src/pipeline/load.js";
import { describedFunctions, functionNames, signatureOf } from "../src/promql/functions.js";
import { parseQuery } from "../src/promql/parse.js";
import { edited, issuesOf } from "./support/spec-edits.js";

const { model } = loadModel("metrics-spec/git-operations.yaml");
const dashboard = generate(model).find((a) => a.path === "grafana/dashboards/git-operations-e2b.json")?.content ?? "";
const QUERY = ["dashboards", 0, "rows", 0, "panels", 0, "queries", 0, "expr"] as const;
const FILTER = 'job=~"$job",instance=~"$instance"';

/** Whether `obsgen generate` (the spec's query check) calls the counter in `expr` raw. */
function generateCallsRaw(expr: string): boolean {
  return issuesOf(edited([[QUERY, expr]])).some((i) => i.code === "OBS054" && i.message.includes("is used raw"));
}

/** Whether `obsgen lint` calls the counter in `expr` raw, in the generated dashboard's first target. */
function lintCallsRaw(expr: string): boolean {
  const d = JSON.parse(dashboard) as { panels: { type: string; targets?: { expr: string }[] }[] };
  const target = d.panels.find((p) => p.type !== "row")?.targets?.[0];
  if (!target) throw new Error("the generated dashboard has no target");
  target.expr = expr;
  return lintDashboardText(JSON.stringify(d), model).some((f) => f.rule === "target-counter-agg-rule");
}

describe("PromQL's functions, from the grammar", () => {
  it("has a signature for every function the lezer grammar knows, and for no other", () => {
    expect(functionNames().length).toBeGreaterThan(80);
    expect(describedFunctions()).toEqual(functionNames());
  });

  it("knows functions a hand-kept list missed, for did-you-mean", () => {
    const q = parseQuery("sort_by_labl_desc(git_operation_total)");
    expect(q.problems[0]?.message).toBe('unknown function "sort_by_labl_desc" (did you mean "sort_by_label_desc"?)');
  });

  it("asks for a range where any grammar function takes a range vector", () => {
    const q = parseQuery("ts_of_first_over_time(git_operation_total)");
    expect(q.problems[0]?.message).toBe("expected a range such as [5m] after git_operation_total: ts_of_first_over_time() takes a range vector, not an instant vector");
  });

  it("judges sum(count_over_time(counter[5m])) the same in generate and lint: a count of samples reads no counter value", () => {
    const expr = `sum(count_over_time(git_operation_total{${FILTER}}[$__rate_interval]))`;
    expect(issuesOf(edited([[QUERY, expr]])).map(formatIssue)).toEqual([]);
    expect(lintCallsRaw(expr)).toBe(false);
  });

  it("judges a counter under every range function the same in generate and lint", () => {
    const verdicts = functionNames()
      .filter((fn) => signatureOf(fn)?.args.length === 1 && signatureOf(fn)?.args[0] === "matrix")
      .map((fn) => {
        const expr = `sum(${fn}(git_operation_total{${FILTER}}[$__rate_interval]))`;
        return { fn, generate: generateCallsRaw(expr), lint: lintCallsRaw(expr) };
      });
    expect(verdicts.length).toBeGreaterThan(20);
    expect(verdicts.filter((v) => v.generate !== v.lint)).toEqual([]);
    // Both sides do judge: a level read of a counter is refused, a count or rate is not.
    expect(verdicts.find((v) => v.fn === "max_over_time")?.generate).toBe(true);
    expect(verdicts.find((v) => v.fn === "rate")?.generate).toBe(false);
  });
});
