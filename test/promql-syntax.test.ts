import { describe, expect, it } from "vitest";
import { parseQuery } from "../src/promql/parse.js";

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
});
