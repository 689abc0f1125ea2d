import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { maskGrafanaVariables, parseQuery } from "../src/promql/parse.js";

// Typical mistakes and the compiler-grade message each gets, at the offending character.
const cases: { expr: string; message: string; at: string }[] = [
  { expr: 'git_operation_total{status=="success"}', message: '"==" is not a label matcher operator: expected =, !=, =~ or !~', at: "==" },
  { expr: "histogram_quantile(0.95 sum by (le) (rate(x_bucket[5m])))", message: 'expected "," or ")" after the argument "0.95", found "sum"', at: "sum" },
  { expr: "sum(rate(git_operation_total[5m]),)", message: 'expected an argument after ",", found ")"', at: ",)" },
  { expr: "rat(git_operation_total[5m])", message: 'unknown function "rat" (did you mean "rate"?)', at: "rat" },
  { expr: "sum(git_operation_total{status})", message: 'expected a matcher operator (=, !=, =~ or !~) after label "status", found "}"', at: "}" },
  { expr: "sum(rate(x[5m])) by operation", message: 'expected "(" after "by", found "operation"', at: "operation" },
  { expr: "avg_over_time(sum(x))", message: 'avg_over_time() takes a range vector, but "sum(x)" is an instant vector', at: "sum" },
];

describe("PromQL syntax errors", () => {
  for (const c of cases) {
    it(`says what was expected for ${c.expr}`, () => {
      const [problem, ...rest] = parseQuery(c.expr).problems;
      expect(rest).toEqual([]);
      expect(problem?.message).toContain(c.message);
      expect(problem?.offset).toBe(c.at === ",)" ? c.expr.indexOf(",)") + 1 : c.expr.indexOf(c.at));
      expect(problem?.hint).toBeTruthy();
    });
  }

  it("accepts ranges given as Grafana variables and subqueries", () => {
    for (const expr of ["rate(x[$__rate_interval])", "max_over_time(sum(rate(x[5m]))[1h:5m])", "quantile_over_time(0.9, x[5m])", "rate((x[5m]))"]) {
      expect(parseQuery(expr).problems, expr).toEqual([]);
    }
  });

  // One walk of the tree finds them all (src/promql/parse.ts); what a query is told stays the most
  // basic problem: a syntax error, else a range argument, else every zero window, else a regex.
  it("reports only the most basic kind of problem a query has", () => {
    const messages = (expr: string) => parseQuery(expr).problems.map((p) => p.message);
    expect(messages('rate(x{a=~"(?=b)"}[0s]) + avg_over_time(sum(x)) +')).toEqual([expect.stringContaining('after "+"')]);
    expect(messages('rate(x{a=~"(?=b)"}[0s]) + avg_over_time(sum(x)) + rate(y)')).toEqual([expect.stringContaining("avg_over_time() takes a range vector")]);
    expect(messages('rate(x{a=~"(?=b)"}[0s]) + max_over_time(y[5m:0m])')).toEqual([expect.stringContaining("[0s] is zero"), expect.stringContaining("[0m] is zero")]);
    expect(messages('x{a=~"(?=b)"} + y{b=~"(?!c)"}')).toEqual([expect.stringContaining("`(?=`")]);
    expect(parseQuery('x{a=~"(?=b)"}').problems[0]?.offset).toBe('x{a=~"'.length);
  });

  it("masks Grafana variables without moving any offset, and leaves an expression without them as it is", () => {
    const piece = fc.constantFrom("rate(x[", "$__rate_interval", "${job}", "[[job]]", "]", '"$job"', "$", "[", "a", " ", "5m", "'", "\\");
    fc.assert(fc.property(fc.array(piece, { maxLength: 12 }).map((p) => p.join("")), (expr) => {
      const masked = maskGrafanaVariables(expr);
      expect(masked).toHaveLength(expr.length);
      if (!expr.includes("$") && !expr.includes("[[")) expect(masked).toBe(expr);
    }), { numRuns: 2000 });
    expect(maskGrafanaVariables("rate(x[$__rate_interval]) * $k")).toBe("rate(x[1m              ]) * 1 ");
  });
});
