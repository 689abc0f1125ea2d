import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { formatIssue, type Issue } from "../src/conventions/issue.js";
import { resolve } from "../src/pipeline/load.js";
import { parseSpecText } from "../src/spec/load.js";

// The bundled spec's metrics, with one panel (or alert, or recording rule) under test.
const bundled = readFileSync("metrics-spec/git-operations.yaml", "utf8");
const head = bundled.slice(0, bundled.indexOf("\ndashboards:"));
const FILE = "test/promql.yaml";

function panelSpec(expr: string, extra: { legend?: string; thresholds?: number[] } = {}): string {
  const lines = [
    head,
    "dashboards:",
    "  - uid: t",
    "    title: T",
    "    rows:",
    "      - title: R",
    "        panels:",
    "          - id: 1",
    "            key: p",
    "            title: Under Test",
    "            kind: timeseries",
    "            unit: short",
  ];
  if (extra.thresholds) {
    lines.push("            thresholds:", "              - {color: green}", ...extra.thresholds.map((v) => `              - {value: ${v}, color: red}`));
  }
  lines.push("            queries:", "              - expr: |-", `                  ${expr}`);
  if (extra.legend !== undefined) lines.push(`                legend: ${JSON.stringify(extra.legend)}`);
  return `${lines.join("\n")}\n`;
}

/** Line of the expression's first character in panelSpec's output, and its column. */
function exprPosition(text: string): { line: number; column: number } {
  const lines = text.split("\n");
  const i = lines.findIndex((l) => l.includes("- expr: |-"));
  return { line: i + 2, column: 19 };
}

function issuesOf(text: string): Issue[] {
  const parsed = parseSpecText(FILE, text);
  return resolve(parsed.spec ? [parsed.spec] : [], parsed.issues).issues;
}

interface Case {
  rule: string;
  bad: string;
  code: string;
  /** Fragment the message must contain. */
  message: string;
  /** Offset inside the expression the issue must point at. */
  at: number | string;
  good: string;
  legend?: string;
  severity?: "error" | "warning";
}

const cases: Case[] = [
  {
    rule: "syntax errors, with the position of the unclosed bracket",
    bad: "sum(rate(git_operation_total[5m])",
    code: "OBS050",
    message: 'PromQL syntax error: "(" is never closed',
    at: 3,
    good: "sum(rate(git_operation_total[5m]))",
  },
  {
    rule: "a rate over an instant vector, where the range belongs",
    bad: "sum(rate(git_operation_total))",
    code: "OBS050",
    message: "PromQL syntax error: expected a range such as [5m] after git_operation_total: rate() takes a range vector, not an instant vector",
    at: "))",
    good: "sum(rate(git_operation_total[$__rate_interval]))",
  },
  {
    rule: "a range written without brackets",
    bad: "sum(rate(git_operation_total 5m))",
    code: "OBS050",
    message: 'PromQL syntax error: expected "[" before the range 5m',
    at: "5m",
    good: "sum(rate(git_operation_total[5m]))",
  },
  {
    rule: "an unclosed string, at its opening quote",
    bad: 'sum(rate(git_operation_total{status="success}[5m]))',
    code: "OBS050",
    message: 'PromQL syntax error: the string "success… that starts here is never closed: expected a closing "',
    at: '"success',
    good: 'sum(rate(git_operation_total{status="success"}[5m]))',
  },
  {
    rule: "a binary operator without its right-hand operand",
    bad: "sum(rate(git_operation_total[5m])) /",
    code: "OBS050",
    message: 'PromQL syntax error: expected an expression after "/", found the end of the query',
    at: "sum(rate(git_operation_total[5m])) /".length,
    good: "sum(rate(git_operation_total[5m])) / 60",
  },
  {
    rule: "a by clause without parentheses",
    bad: "sum by operation (rate(git_operation_total[5m]))",
    code: "OBS050",
    message: 'PromQL syntax error: expected "(" after "by", found "operation": the grouping labels go in parentheses',
    at: "operation",
    good: "sum by (operation) (rate(git_operation_total[5m]))",
  },
  {
    rule: "an unquoted label value",
    bad: "sum(rate(git_operation_total{status=success}[5m]))",
    code: "OBS050",
    message: "PromQL syntax error: expected a quoted label value after status=, found \"success\"",
    at: "success",
    good: 'sum(rate(git_operation_total{status="success"}[5m]))',
  },
  {
    rule: "a metric the spec does not declare, with a suggestion",
    bad: "sum(rate(git_operaton_total[5m]))",
    code: "OBS051",
    message: 'metric "git_operaton_total" is not declared in the spec (did you mean "git_operation_total"?)',
    at: "git_operaton_total",
    good: "sum(rate(git_operation_total[5m]))",
  },
  {
    rule: "a histogram used without _bucket, _sum or _count",
    bad: "sum(rate(git_operation_duration_seconds[5m]))",
    code: "OBS051",
    message: '"git_operation_duration_seconds" is a histogram; Prometheus stores it only as',
    at: "git_operation_duration_seconds",
    good: "sum(rate(git_operation_duration_seconds_count[5m]))",
  },
  {
    rule: "a counter's series named without _total",
    bad: "sum(rate(git_errors[5m]))",
    code: "OBS051",
    message: 'counter "git_errors_total" is exposed as "git_errors_total", not "git_errors"',
    at: "git_errors",
    good: "sum(rate(git_errors_total[5m]))",
  },
  {
    rule: "a label the metric does not have",
    bad: 'sum(rate(git_errors_total{error="auth"}[5m]))',
    code: "OBS052",
    message: '"git_errors_total" has no label "error" (did you mean "error_type"?)',
    at: "error=",
    good: 'sum(rate(git_errors_total{error_type="auth"}[5m]))',
  },
  {
    rule: "an equality matcher value outside the enumeration",
    bad: 'sum(rate(git_operation_total{status="sucess"}[5m]))',
    code: "OBS053",
    message: 'label "status" of "git_operation_total" has no value "sucess" (did you mean "success"?)',
    at: "sucess",
    good: 'sum(rate(git_operation_total{status="success"}[5m]))',
  },
  {
    rule: "a regex alternative outside the enumeration",
    bad: 'sum(rate(git_operation_total{status=~"success|failed"}[5m]))',
    code: "OBS053",
    message: 'label "status" of "git_operation_total" has no value "failed" (an alternative of "success|failed")',
    at: "failed",
    good: 'sum(rate(git_operation_total{status=~"success|failure"}[5m]))',
  },
  {
    rule: "rate over a gauge",
    bad: "sum(rate(active_sandboxes_total[5m]))",
    code: "OBS054",
    message: 'rate() over gauge "active_sandboxes_total"',
    at: "rate(",
    good: "sum(active_sandboxes_total)",
  },
  {
    rule: "a counter graphed raw",
    bad: "sum by (operation) (git_operation_total)",
    code: "OBS054",
    message: 'counter series "git_operation_total" is used raw',
    at: "git_operation_total",
    good: "sum by (operation) (rate(git_operation_total[5m]))",
  },
  {
    rule: "histogram_quantile not aggregated with sum by (le, …)",
    bad: "histogram_quantile(0.95, rate(git_operation_duration_seconds_bucket[5m]))",
    code: "OBS055",
    message: "does not sum the buckets across series",
    at: "rate(",
    good: "histogram_quantile(0.95, sum by (le) (rate(git_operation_duration_seconds_bucket[5m])))",
  },
  {
    rule: "histogram_quantile over a sum that drops le",
    bad: "histogram_quantile(0.95, sum by (operation) (rate(git_operation_duration_seconds_bucket[5m])))",
    code: "OBS055",
    message: 'loses the "le" label',
    at: "by (operation)",
    good: "histogram_quantile(0.95, sum by (le, operation) (rate(git_operation_duration_seconds_bucket[5m])))",
  },
  {
    rule: "an outer grouping on a label the inner aggregation removed",
    bad: "max by (operation) (sum by (status) (rate(git_operation_total[5m])))",
    code: "OBS056",
    message: 'groups by "operation", which the inner sum by (status) already removed',
    at: "by (operation)",
    good: "max by (status) (sum by (status) (rate(git_operation_total[5m])))",
  },
  {
    rule: "a ratio whose sides aggregate differently",
    bad: "sum by (operation) (rate(git_errors_total[5m])) / sum(rate(git_operation_total[5m]))",
    code: "OBS058",
    message: "this ratio divides sum by (operation) (operation) by sum (no labels)",
    at: 0,
    good: "sum by (operation) (rate(git_errors_total[5m])) / sum by (operation) (rate(git_operation_total[5m]))",
  },
  {
    rule: "the guide's success rate, which divides each series by itself",
    bad: 'rate(git_operation_total{status="success"}[5m]) / rate(git_operation_total[5m])',
    code: "OBS058",
    message: 'keeps label "status" on both sides, so each series is divided by the one with the same "status" on the other side',
    at: 0,
    good: 'sum(rate(git_operation_total{status="success"}[5m])) / sum(rate(git_operation_total{status=~"success|failure"}[5m]))',
  },
  {
    rule: "a gauge summed across a label whose values must not be added (additive: false)",
    bad: "sum(estimated_cost_dollars)",
    code: "OBS059",
    message: 'sum merges the "hourly", "daily", "monthly" series of gauge "estimated_cost_dollars", but label "period" is not additive',
    at: 0,
    good: 'sum(estimated_cost_dollars{period="monthly"})',
  },
  {
    rule: "two views of a non-additive label added by a binary operator",
    bad: 'estimated_cost_dollars{period="daily"} + ignoring(period) estimated_cost_dollars{period="monthly"}',
    code: "OBS059",
    message: '"+" with ignoring(period) pairs the "daily", "monthly" series of gauge "estimated_cost_dollars"',
    at: "ignoring(",
    good: 'sum(estimated_cost_dollars{period="daily"}) + sum(estimated_cost_dollars{period="daily"})',
  },
];

describe("PromQL checks against the spec", () => {
  for (const c of cases) {
    it(`reports ${c.rule} at its position in the query`, () => {
      const text = panelSpec(c.bad);
      const issues = issuesOf(text);
      const hit = issues.find((i) => i.code === c.code && i.message.includes(c.message));
      expect(hit, `no ${c.code} "${c.message}" among:\n${issues.map(formatIssue).join("\n")}`).toBeDefined();
      const start = exprPosition(text);
      const offset = typeof c.at === "number" ? c.at : c.bad.indexOf(c.at);
      expect({ line: hit?.line, column: hit?.column, file: hit?.file }).toEqual({ line: start.line, column: start.column + offset, file: FILE });
      expect(hit?.message).toMatch(/^panel "Under Test": /);
      expect(hit?.hint).toBeTruthy();
    });
    it(`accepts the corrected query for: ${c.rule}`, () => {
      expect(issuesOf(panelSpec(c.good)).map(formatIssue)).toEqual([]);
    });
  }

  it("reports a legend that names a label the aggregation removed", () => {
    const issues = issuesOf(panelSpec("sum by (operation) (rate(git_operation_total[5m]))", { legend: "{{status}}" }));
    expect(issues.map((i) => `${i.code} ${i.message}`)).toEqual([
      'OBS056 panel "Under Test": legend "{{status}}" names label "status", which the query\'s result does not have (sum by (operation) keeps only operation)',
    ]);
    expect(issuesOf(panelSpec("sum by (operation) (rate(git_operation_total[5m]))", { legend: "{{operation}}" }))).toEqual([]);
  });

  it("warns about a quantile threshold that is not a bucket boundary, naming the nearest ones", () => {
    const expr = "histogram_quantile(0.95, sum by (le) (rate(git_operation_duration_seconds_bucket[5m])))";
    const issues = issuesOf(panelSpec(expr, { thresholds: [4] }));
    expect(issues.map((i) => `${i.severity} ${i.code} ${i.message} | ${i.hint}`)).toEqual([
      'warning OBS057 panel "Under Test": threshold 4 is not a bucket boundary of "git_operation_duration_seconds": it lies between the buckets 2 and 5, where histogram_quantile only interpolates, so the threshold is crossed at an estimate | use 2 or 5, or add 4 to the histogram\'s buckets',
    ]);
    expect(issuesOf(panelSpec(expr, { thresholds: [5] }))).toEqual([]);
  });

  it("keeps offsets true when Grafana variables are in the query", () => {
    const bad = 'sum(rate(git_operation_total{job=~"$job"}[$__rate_interval])) / sum(rate(git_operaton_total[$__rate_interval]))';
    const text = panelSpec(bad);
    const hit = issuesOf(text).find((i) => i.code === "OBS051");
    expect(hit?.column).toBe(exprPosition(text).column + bad.indexOf("git_operaton_total"));
  });
});

describe("labels declared additive: false", () => {
  const codes = (expr: string) => issuesOf(panelSpec(expr)).map((i) => i.code);
  it("rejects every aggregation that merges the views, at the aggregation", () => {
    for (const expr of [
      "sum without (period) (estimated_cost_dollars)",
      'avg(estimated_cost_dollars{period=~"daily|monthly"})',
      'max(estimated_cost_dollars{period!="hourly"})',
      "sum(sum by (period) (estimated_cost_dollars))",
      "sum(avg_over_time(estimated_cost_dollars[1h]))",
      "sum(estimated_cost_dollars * 2)",
      'estimated_cost_dollars + on(instance) group_left estimated_cost_dollars{period="monthly"}',
    ]) {
      expect(codes(expr), expr).toEqual(["OBS059"]);
    }
  });

  it("accepts aggregations that keep the label, pin one view, or only count series", () => {
    for (const expr of [
      "sum by (period) (estimated_cost_dollars)",
      "sum without (instance) (estimated_cost_dollars)",
      'sum(estimated_cost_dollars{period=~"monthly"})',
      "count(estimated_cost_dollars)",
      "estimated_cost_dollars",
      'sum(estimated_cost_dollars{period="monthly"}) / sum(estimated_cost_dollars{period="daily"})',
    ]) {
      expect(codes(expr), expr).toEqual([]);
    }
  });

  it("allows the sum when the spec does not mark the label additive: false", () => {
    const additive = panelSpec("sum(estimated_cost_dollars)").replace("        additive: false\n", "");
    expect(issuesOf(additive).map(formatIssue)).toEqual([]);
  });
});

describe("alerts and recording rules", () => {
  function withRules(extra: string): string {
    return `${head}\n${extra}\n`;
  }

  it("checks alert expressions, including their quantile thresholds", () => {
    const text = withRules(
      [
        "alerts:",
        "  - name: SlowOps",
        "    expr: histogram_quantile(0.95, sum by (le) (rate(git_operation_duration_seconds_bucket[5m]))) > 4",
        "    for: 5m",
        "    severity: warning",
        "    summary: slow",
        "    description: slow",
        "  - name: Typo",
        "    expr: sum(rate(git_operation_total{status=\"failed\"}[5m])) > 0",
        "    for: 5m",
        "    severity: warning",
        "    summary: s",
        "    description: d",
      ].join("\n"),
    );
    // Only the PromQL codes: the alert linter (another check) has its own findings about these alerts.
    const issues = issuesOf(text).filter((i) => /^OBS05/.test(i.code));
    const lines = text.split("\n");
    const slow = lines.findIndex((l) => l.includes("> 4")) + 1;
    const typo = lines.findIndex((l) => l.includes("failed")) + 1;
    expect(issues.map((i) => `${i.line}:${i.column} ${i.severity} ${i.code} ${i.message.split(":")[0]}`)).toEqual([
      `${slow}:${(lines[slow - 1] ?? "").indexOf("4") + 1} warning OBS057 alert "SlowOps"`,
      `${typo}:${(lines[typo - 1] ?? "").indexOf("failed") + 1} error OBS053 alert "Typo"`,
    ]);
  });

  it("accepts a series a recording rule defines, with the labels its expression keeps", () => {
    const rules = [
      "recordingRules:",
      "  - record: operation:git_operation:rate5m",
      "    expr: sum by (operation) (rate(git_operation_total[5m]))",
      "alerts:",
      "  - name: Busy",
      "    expr: sum by (operation) (operation:git_operation:rate5m) > 10",
      "    for: 5m",
      "    severity: warning",
      "    summary: s",
      "    description: d",
    ];
    const promql = (text: string) => issuesOf(text).filter((i) => /^OBS05/.test(i.code));
    expect(promql(withRules(rules.join("\n"))).map(formatIssue)).toEqual([]);
    const bad = rules.map((l) => l.replace("sum by (operation) (operation:", "sum by (status) (operation:"));
    expect(promql(withRules(bad.join("\n"))).map((i) => i.code)).toEqual(["OBS056"]);
  });
});

describe("the bundled spec", () => {
  it("has no PromQL findings", () => {
    expect(issuesOf(bundled).map(formatIssue)).toEqual([]);
  });

  it("uses exactly the corrected queries the table of the guide's six examples in docs/dashboards.md shows", () => {
    const page = readFileSync("docs/dashboards.md", "utf8");
    const start = page.indexOf("**The guide's six queries, corrected**");
    expect(start).toBeGreaterThan(-1);
    const end = page.indexOf("\n## ", start);
    const section = page.slice(start, end === -1 ? undefined : end);
    const ours = section
      .split("\n")
      .filter((l) => l.startsWith("| `"))
      .map((l) => (/^\| `(?:[^`])*` \| `((?:[^`])*)` \|/.exec(l)?.[1] ?? "").replace(/\\\|/g, "|"));
    const panels = ["Operation Success Rate", "P95 Latency by Operation", "Cache Hit Ratio", "Operations per Minute", "Error Rate by Type", "Monthly Cost Projection (Sandboxes Alive Now)"];
    const spec = parseYaml(bundled) as { dashboards: { rows: { panels: { title: string; queries: { expr: string }[] }[] }[] }[] };
    const exprOf = new Map(spec.dashboards.flatMap((d) => d.rows.flatMap((r) => r.panels.map((p) => [p.title, p.queries[0]?.expr ?? ""] as const))));
    const normal = (e: string) => e.replace(/\s+/g, " ").replace(/\( /g, "(").trim();
    expect(ours.map(normal)).toEqual(panels.map((t) => normal(exprOf.get(t) ?? `no panel "${t}"`)));
  });
});
