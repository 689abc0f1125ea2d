import { describe, expect, it } from "vitest";
import { parseSeries } from "../src/promql/series.js";
import { formatIssue, type Issue } from "../src/conventions/issue.js";
import { RULES } from "../src/conventions/rules.js";
import { BUNDLED_SPEC, BUNDLED_TEXT, edited, issuesAfter, issuesOf, resolveText } from "./support/spec-edits.js";

const ALERT_CODES: readonly string[] = [RULES.alertName, RULES.alertSeverity, RULES.alertSummary, RULES.alertDescription, RULES.alertFor, RULES.alertCoverage, RULES.alertTestCase].map((r) => r.code);

function alertIssues(issues: readonly Issue[]): string[] {
  return issues.filter((i) => ALERT_CODES.includes(i.code)).map(formatIssue);
}

interface Case {
  rule: string;
  code: string;
  failing: [readonly (string | number)[], unknown][];
  passing: [readonly (string | number)[], unknown][];
  path: string;
  message: string;
}

const cases: Case[] = [
  {
    rule: "alert names are CamelCase",
    code: RULES.alertName.code,
    failing: [[["alerts", 2, "name"], "too_many_sandboxes"]],
    passing: [[["alerts", 2, "name"], "TooManyActiveSandboxes"]],
    path: "alerts[2].name",
    message: 'alert name "too_many_sandboxes" is not CamelCase',
  },
  {
    rule: "severity is critical, warning or info",
    code: RULES.alertSeverity.code,
    failing: [[["alerts", 0, "severity"], "page"]],
    passing: [[["alerts", 0, "severity"], "critical"]],
    path: "alerts[0].severity",
    message: 'severity "page" is not one of critical, warning, info',
  },
  {
    rule: "the summary is a capitalised sentence",
    code: RULES.alertSummary.code,
    failing: [[["alerts", 1, "summary"], "high error rate detected"]],
    passing: [[["alerts", 1, "summary"], "High error rate detected."]],
    path: "alerts[1].summary",
    message: 'summary of "HighErrorRate" is not a capitalised one-line sentence',
  },
  {
    rule: "the description shows the value unformatted",
    code: RULES.alertDescription.code,
    failing: [[["alerts", 1, "description"], "Error rate is {{ $value }} (threshold: 10%)."]],
    passing: [[["alerts", 1, "description"], "Error rate is {{ $value | humanizePercentage }} (threshold: 10%)."]],
    path: "alerts[1].description",
    message: 'description of "HighErrorRate" shows {{ $value }} unformatted',
  },
  {
    rule: "the description shows no value at all",
    code: RULES.alertDescription.code,
    failing: [[["alerts", 2, "description"], "Too many sandboxes."]],
    passing: [[["alerts", 2, "description"], "{{ $value | humanize }} sandboxes."]],
    path: "alerts[2].description",
    message: 'description of "TooManySandboxes" does not show the value',
  },
  {
    rule: "for is a positive pending period",
    code: RULES.alertFor.code,
    failing: [[["alerts", 2, "for"], "0s"]],
    passing: [[["alerts", 2, "for"], "1m"]],
    path: "alerts[2].for",
    message: 'alert "TooManySandboxes" has no pending period (for: 0s)',
  },
  {
    rule: "every alert has a firing case",
    code: RULES.alertCoverage.code,
    failing: [[["alerts", 2, "tests", 0], undefined]],
    passing: [],
    path: "alerts[2].tests",
    message: 'alert "TooManySandboxes" lacks a firing case (firing: [ … ])',
  },
  {
    rule: "every alert has a silent case",
    code: RULES.alertCoverage.code,
    failing: [[["alerts", 1, "tests", 3], undefined], [["alerts", 1, "tests", 2], undefined]],
    passing: [[["alerts", 1, "tests", 3], undefined]],
    path: "alerts[1].tests",
    message: 'alert "HighErrorRate" lacks a silent case (firing: [])',
  },
  {
    rule: "every alert has a case with two instances",
    code: RULES.alertCoverage.code,
    failing: [
      [["alerts", 2, "tests", 0, "input", 1, "series"], 'active_sandboxes_total{job="backend-api",instance="a:8000"}'],
      [["alerts", 2, "tests", 1, "input", 1, "series"], 'active_sandboxes_total{job="backend-api",instance="a:8000",x="y"}'],
    ],
    passing: [[["alerts", 2, "tests", 0, "input", 1, "series"], 'active_sandboxes_total{job="backend-api",instance="a:8000",x="y"}']],
    path: "alerts[2].tests",
    message: 'alert "TooManySandboxes" lacks a case whose input has two instance values',
  },
  {
    rule: "an alert without tests names everything it lacks",
    code: RULES.alertCoverage.code,
    failing: [[["alerts", 3, "tests"], undefined]],
    passing: [],
    path: "alerts[3].name",
    message: 'alert "LowCacheHitRatio" lacks a firing case (firing: [ … ]), a silent case (firing: []), a case whose input has two instance values',
  },
  {
    rule: "a firing case states the rendered templated annotations",
    code: RULES.alertTestCase.code,
    failing: [[["alerts", 2, "tests", 0, "firing", 0, "annotations"], undefined]],
    passing: [[["alerts", 2, "tests", 0, "firing", 0, "annotations", "description"], "12 sandboxes."]],
    path: "alerts[2].tests[0].firing[0]",
    message: 'firing case "six sandboxes on each of two instances make twelve" does not state the rendered description of "TooManySandboxes"',
  },
  {
    rule: "input series are written as metric{label=\"value\"}",
    code: RULES.alertTestCase.code,
    failing: [[["alerts", 2, "tests", 1, "input", 0, "series"], "active_sandboxes_total{instance=a}"]],
    passing: [[["alerts", 2, "tests", 1, "input", 0, "series"], 'active_sandboxes_total{instance="a", job="x"}']],
    path: "alerts[2].tests[1].input[0].series",
    message: '"active_sandboxes_total{instance=a}" is not a series like metric{label="value"}',
  },
];

describe("alert lint", () => {
  it("finds nothing to report in the bundled spec's four alerts", () => {
    expect(alertIssues(issuesAfter([]))).toEqual([]);
  });

  for (const c of cases) {
    it(`reports a violation of "${c.rule}" at its position, and accepts the fix`, () => {
      const issues = issuesAfter(c.failing);
      const hit = issues.find((i) => i.code === c.code && i.message.includes(c.message));
      expect(hit, `no ${c.code} "${c.message}" among:\n${issues.map(formatIssue).join("\n")}`).toBeDefined();
      expect(hit?.path).toBe(c.path);
      expect(hit?.file).toBe(BUNDLED_SPEC);
      // The position is that of the node the path names, inside the spec file.
      expect(hit?.line).toBeGreaterThan(BUNDLED_TEXT.split("\n").findIndex((l) => l.startsWith("alerts:")));
      expect(alertIssues(issuesAfter(c.passing))).toEqual([]);
    });
  }

  it("points a bad severity at the line of that severity in the file", () => {
    const text = edited([[["alerts", 0, "severity"], "page"]]);
    const hit = issuesOf(text).find((i) => i.code === RULES.alertSeverity.code);
    const lines = text.split("\n");
    const first = lines.findIndex((l) => l.includes("- name: HighLatency"));
    const sev = lines.findIndex((l, n) => n > first && l.trim().startsWith("severity:"));
    expect(hit?.line).toBe(sev + 1);
    expect(hit?.column).toBe((lines[sev] ?? "").indexOf("severity:") + "severity: ".length + 1);
  });

  it("yields no model, so nothing is generated, from a spec with an untested alert", () => {
    const result = resolveText(edited([[["alerts", 0, "tests"], undefined]]));
    expect(result.issues.some((i) => i.severity === "error" && i.code === RULES.alertCoverage.code)).toBe(true);
    expect(result.model).toBeUndefined();
  });
});

describe("promtool series notation", () => {
  it("reads the metric name and labels, including escaped quotes", () => {
    const s = parseSeries('m_total{a="x", b="say \\"hi\\""}');
    expect(s?.name).toBe("m_total");
    expect(Object.fromEntries(s?.labels ?? [])).toEqual({ a: "x", b: 'say "hi"' });
  });

  it("rejects unquoted label values and missing names", () => {
    expect(parseSeries("m{a=x}")).toBeUndefined();
    expect(parseSeries('{a="x"}')).toBeUndefined();
    expect(parseSeries('{__name__="m"}')?.name).toBe("m");
  });
});
