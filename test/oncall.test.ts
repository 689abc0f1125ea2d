// The on-call rules: expression rewrites parse back and mean what they say, and every new spec
// field is validated with a positioned error.
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { generate } from "../src/generators/index.js";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { RULE_TESTS_PATH, RULES_PATH } from "../src/generators/prometheus/names.js";
import { runTool } from "./support/prometheus-tools.js";
import { formatIssue } from "../src/conventions/issue.js";
import { loadModel, resolve } from "../src/pipeline/load.js";
import { parseSpecText } from "../src/spec/load.js";
import { RULES } from "../src/conventions/rules.js";
import { selectors, toAst } from "../src/promql/ast.js";
import { parseQuery } from "../src/promql/parse.js";
import { comparisonOf, keepingLabels, ratioDenominator, withThreshold, withTrafficFloor } from "../src/promql/rewrite.js";
import { burnRateFactor, BURN_RATE_WINDOWS } from "../src/conventions/oncall.js";
import { edited, issuesAfter, resolveFiles, resolveText, type SpecEdit } from "./support/spec-edits.js";

function parsesBack(expr: string): void {
  expect(parseQuery(expr).problems, expr).toEqual([]);
}

describe("alert expression rewrites", () => {
  it("makes a bare sum keep job and the deployment labels, and extends by (…) and on (…)", () => {
    const cases: [string, string][] = [
      ["sum(rate(x_total[5m])) > 1", "sum by (job, cluster) (rate(x_total[5m])) > 1"],
      ["sum by (le, operation) (rate(h_bucket[5m]))", "sum by (le, operation, job, cluster) (rate(h_bucket[5m]))"],
      ["sum(rate(x_total[5m])) by (op)", "sum(rate(x_total[5m])) by (op, job, cluster)"],
      ["a / on (op) b", "a / on (op, job, cluster) b"],
      ["sum without (instance) (x)", "sum without (instance) (x)"],
      ["max by () (x)", "max by (job, cluster) (x)"],
    ];
    for (const [input, output] of cases) {
      const got = keepingLabels(input, ["job", "cluster"]);
      expect(got).toBe(output);
      parsesBack(got);
    }
  });

  it("finds an alert's threshold and signal, through a traffic floor", () => {
    const expr = 'sum(rate(e_total[5m])) / sum(rate(t_total[5m])) > 0.1\nand sum(rate(t_total[5m])) > 0.5';
    const c = comparisonOf(expr);
    expect(c?.threshold).toBe(0.1);
    expect(c?.op).toBe(">");
    expect(c?.signal).toBe("(sum(rate(e_total[5m])) / sum(rate(t_total[5m])))");
    expect(comparisonOf("absent(up)")).toBeUndefined();
  });

  it("swaps the threshold of a tier and keeps the rest byte for byte", () => {
    expect(withThreshold("sum(rate(e_total[5m])) / sum(rate(t_total[5m])) > 0.05", 0.1)).toBe("sum(rate(e_total[5m])) / sum(rate(t_total[5m])) > 0.1");
  });

  it("puts the traffic floor on the ratio's denominator, parenthesised where precedence needs it", () => {
    const plain = withTrafficFloor("sum(rate(e_total[5m])) / sum(rate(t_total[5m])) > 0.1", 0.5);
    expect(plain).toBe("sum(rate(e_total[5m])) / sum(rate(t_total[5m])) > 0.1\nand sum(rate(t_total[5m])) > 0.5");
    const sumOfTwo = withTrafficFloor("sum(rate(h_total[10m])) / (sum(rate(h_total[10m])) + sum(rate(m_total[10m]))) < 0.5", 0.2);
    expect(sumOfTwo.endsWith("and (sum(rate(h_total[10m])) + sum(rate(m_total[10m]))) > 0.2")).toBe(true);
    expect(ratioDenominator("100 * sum(rate(e_total[5m])) / sum(rate(t_total[5m])) > 10")).toBe("sum(rate(t_total[5m]))");
    expect(ratioDenominator("sum(x) > 10")).toBeUndefined();
    parsesBack(plain);
    parsesBack(sumOfTwo);
  });

  it("scales the workbook's burn-rate factors with the SLO window", () => {
    expect(BURN_RATE_WINDOWS.map((w) => burnRateFactor(w, 30 * 24))).toEqual([14.4, 6, 3, 1]);
    expect(BURN_RATE_WINDOWS.map((w) => Number(burnRateFactor(w, 28 * 24).toFixed(4)))).toEqual([13.44, 5.6, 2.8, 0.9333]);
  });
});

function rulesOf(edits: readonly SpecEdit[]): { alert?: string; record?: string; expr: string; annotations?: Record<string, string> }[] {
  const r = resolveText(edited(edits));
  if (!r.model) throw new Error(r.issues.map(formatIssue).join("\n"));
  const content = generate(r.model).find((a) => a.path === RULES_PATH)?.content ?? "";
  return (parse(content) as { groups: { rules: { alert?: string; record?: string; expr: string; annotations?: Record<string, string> }[] }[] }).groups.flatMap((g) => g.rules);
}

describe("the alerting selector", () => {
  it("lands on every selector of every alert and SLO recording rule, through the parse tree", () => {
    const rules = rulesOf([[["alerting", "selector"], 'cluster="prod"']]);
    for (const rule of rules) {
      const ast = toAst(parseQuery(rule.expr));
      if (!ast) continue;
      for (const sel of selectors(ast)) {
        if (sel.name?.startsWith("slo:") === true) continue;
        expect(sel.matchers.some((m) => m.label === "cluster" && m.op === "=" && m.value === "prod"), `${rule.alert ?? rule.record ?? ""}: ${rule.expr}`).toBe(true);
      }
    }
    expect(rules.find((r) => r.alert === "TargetDown")?.expr).toBe('up{job="backend-api",cluster="prod"} == 0');
  });
});

/** Edits the bundled spec and expects one error: its code, its path, and a line inside the spec. */
function expectError(edits: readonly SpecEdit[], code: string, path: string, message: string): void {
  const text = edited(edits);
  const issues = resolveText(text).issues;
  const hit = issues.find((i) => i.code === code && i.path === path);
  expect(hit, `no ${code} at ${path} among:\n${issues.map(formatIssue).join("\n")}`).toBeDefined();
  expect(hit?.message).toContain(message);
  // The line is the edited field's own line in the file.
  const key = [...(edits[0]?.[0] ?? [])].reverse().find((p): p is string => typeof p === "string") ?? "";
  expect(text.split("\n")[(hit?.line ?? 0) - 1] ?? "").toContain(key);
}

const sloIndex = 1;

describe("positioned errors of the on-call fields", () => {
  it("rejects a latency SLO whose threshold is not a bucket boundary, naming the nearest ones", () => {
    expectError([[["slos", sloIndex, "sli", "latency", "threshold"], 4]], RULES.slo.code, `slos[${sloIndex}].sli.latency.threshold`, "latency threshold 4 is not a bucket boundary");
    const issues = issuesAfter([[["slos", sloIndex, "sli", "latency", "threshold"], 4]]);
    expect(issues.find((i) => i.code === RULES.slo.code)?.hint).toContain("use 2 or 5");
  });

  it("rejects an SLI whose events are a gauge", () => {
    expectError([[["slos", 0, "sli", "events", "good"], "active_sandboxes_total"]], RULES.slo.code, "slos[0].sli.events.good", '"active_sandboxes_total" is a gauge');
  });

  it("rejects a traffic floor on an alert that is no ratio", () => {
    expectError([[["alerts", 2, "minRate"], 1]], RULES.alertTier.code, "alerts[2].minRate", "its expression is no ratio");
  });

  it("rejects a critical tier that fires before the warning threshold", () => {
    expectError([[["alerts", 1, "tiers", 0, "threshold"], 0.01]], RULES.alertTier.code, "alerts[1].tiers[0].threshold", "a more severe tier must need a worse signal");
  });

  it("rejects a tier summary that is no capitalised sentence, and uses a good one for that tier only", () => {
    expectError([[["alerts", 1, "tiers", 0, "summary"], "ten percent fail"]], RULES.alertSummary.code, "alerts[1].tiers[0].summary", "is not a capitalised one-line sentence");
    const rules = rulesOf([]).filter((r) => r.alert === "HighErrorRate");
    expect(rules.map((r) => r.annotations?.summary)).toEqual(["More than 5 % of git operations fail.", "More than 10 % of git operations fail."]);
  });

  it("rejects an alerting selector that is no list of matchers", () => {
    expectError([[["alerting", "selector"], "cluster prod"]], RULES.alertingConfig.code, "alerting.selector", "is not a list of label matchers");
  });

  it("rejects a cost hours metric that is not a counter", () => {
    expectError([[["cost", "hoursMetric"], "estimated_cost_dollars"]], RULES.cost.code, "cost.hoursMetric", "is a gauge");
  });

  it("reports a good-events selector naming an undeclared label at the SLO, as the analysis of the generated rule", () => {
    const issues = issuesAfter([[["slos", 0, "sli", "events", "good"], 'git_operation_total{outcome="success"}']]);
    const hit = issues.find((i) => i.code === RULES.promqlLabel.code && i.path === "slos[0].sli");
    expect(hit, issues.map(formatIssue).join("\n")).toBeDefined();
    expect(hit?.message).toContain('has no label "outcome"');
  });

  it("rejects a webhook receiver whose URL is not a URL", () => {
    expectError([[["alerting", "receivers", "webhook", "url"], "not a url"]], RULES.schema.code, "alerting.receivers.webhook.url", "");
  });
});

describe("runbooks", () => {
  it("exist for every alert name of the rule file, each naming its expression and the spec's causes", () => {
    const artifacts = generate(loadBundled());
    const rules = parse(artifacts.find((a) => a.path === RULES_PATH)?.content ?? "") as { groups: { rules: { alert?: string; expr: string; annotations?: Record<string, string> }[] }[] };
    const alerts = rules.groups.flatMap((g) => g.rules).filter((r) => r.alert !== undefined);
    for (const a of alerts) {
      const page = artifacts.find((x) => x.path === `runbooks/${a.alert ?? ""}.md`)?.content;
      expect(page, a.alert).toBeDefined();
      expect(a.annotations?.runbook_url).toBe(`generated/runbooks/${a.alert ?? ""}.md`);
      expect(page).toContain(a.expr);
    }
    const errors = artifacts.find((x) => x.path === "runbooks/HighErrorRate.md")?.content ?? "";
    expect(errors).toContain("- auth: the credentials for the remote expired");
    expect(errors).toContain("1. Split the failures by type");
  });

  it("link to runbookBaseUrl when the spec sets one", () => {
    const rules = rulesOf([[["alerting", "runbookBaseUrl"], "https://wiki.example.org/ops/"]]);
    expect(rules.find((r) => r.alert === "TargetDown")).toMatchObject({ annotations: { runbook_url: "https://wiki.example.org/ops/runbooks/TargetDown.md" } });
  });

  it("keep spec text from adding headings, HTML or code fences", () => {
    const r = resolveText(edited([[["alerts", 1, "causes"], ["line one\n# Injected heading\n<script>x</script>\n```"]]]));
    if (!r.model) throw new Error(r.issues.map(formatIssue).join("\n"));
    const page = generate(r.model).find((x) => x.path === "runbooks/HighErrorRate.md")?.content ?? "";
    expect(page).toContain("- line one # Injected heading &lt;script&gt;x&lt;/script&gt; ```");
    expect(page.split("\n").filter((l) => l.startsWith("#"))).toEqual(["# HighErrorRate", "## What fires it", "## Why it matters", "## Where to look", "## Queries to run", "## Likely causes", "## First steps"]);
  });
});

function loadBundled(): ReturnType<typeof loadModel>["model"] {
  return loadModel("metrics-spec").model;
}

describe("a second service in the same repository", () => {
  const second = (edits: readonly SpecEdit[]): string =>
    edited([
      [["service"], "other-service"],
      [["metrics"], { other_events_total: { type: "counter", help: "Other events." } }],
      [["dashboards"], []],
      [["alerts"], []],
      [["slos"], []],
      [["cost"], undefined],
      [["stack"], undefined],
      [["scrape", "job"], "other"],
      ...edits,
    ]);

  it("gets its own outage alerts, triage dashboard and runbook sections, next to the first service's", () => {
    const files: [string, string][] = [["metrics-spec/git-operations.yaml", edited([])], ["metrics-spec/other.yaml", second([])]];
    const r = resolveFiles(files);
    expect(r.filter((i) => i.severity === "error").map(formatIssue)).toEqual([]);
    const model = resolveModel(files);
    const artifacts = generate(model);
    expect(artifacts.map((a) => a.path)).toEqual(expect.arrayContaining(["grafana/dashboards/other-service-triage.json", "grafana/dashboards/git-operations-triage.json"]));
    const rules = parse(artifacts.find((a) => a.path === RULES_PATH)?.content ?? "") as { groups: { name: string; rules: { alert?: string; expr: string }[] }[] };
    const other = rules.groups.find((g) => g.name === "other-service.alerts");
    expect(other?.rules.map((x) => x.alert)).toEqual(["Watchdog", "TargetDown", "TargetAbsent"]);
    expect(other?.rules[1]?.expr).toBe('up{job="other"} == 0');
    const runbook = artifacts.find((a) => a.path === "runbooks/TargetDown.md")?.content ?? "";
    expect(runbook).toContain("## Service git-operations");
    expect(runbook).toContain("## Service other-service");
  });

  it("shares one rule file whose unit tests pass promtool, though both services have a Watchdog, TargetDown and TargetAbsent", () => {
    const artifacts = generate(resolveModel([["metrics-spec/git-operations.yaml", edited([])], ["metrics-spec/other.yaml", second([])]]));
    const dir = mkdtempSync(join(tmpdir(), "obsgen-two-"));
    try {
      for (const path of [RULES_PATH, RULE_TESTS_PATH]) {
        mkdirSync(dirname(join(dir, path)), { recursive: true });
        writeFileSync(join(dir, path), artifacts.find((a) => a.path === path)?.content ?? "");
      }
      expect(runTool("promtool", ["check", "rules", join(dir, RULES_PATH)]).status).toBe(0);
      const r = runTool("promtool", ["test", "rules", join(dir, RULE_TESTS_PATH)]);
      expect(r.status, r.output).toBe(0);
      expect(r.output).toContain("SUCCESS");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);

  it("may not declare receivers that differ from the first service's: they share one Alertmanager", () => {
    const issues = resolveFiles([
      ["metrics-spec/git-operations.yaml", edited([])],
      ["metrics-spec/other.yaml", second([[["alerting", "receivers"], { slack: { channel: "#other" } }]])],
    ]);
    const hit = issues.find((i) => i.code === RULES.alertingConfig.code && i.file === "metrics-spec/other.yaml");
    expect(hit, issues.map(formatIssue).join("\n")).toBeDefined();
    expect(hit?.path).toBe("alerting.receivers");
  });
});

function resolveModel(files: readonly [string, string][]): NonNullable<ReturnType<typeof resolveText>["model"]> {
  const parsed = files.map(([file, text]) => parseSpecText(file, text));
  const r = resolve(parsed.flatMap((p) => (p.spec ? [p.spec] : [])));
  if (!r.model) throw new Error(r.issues.map(formatIssue).join("\n"));
  return r.model;
}

describe("spec text in generated annotations", () => {
  it("cannot run Go template code in Prometheus, and the generated unit tests expect the literal text", () => {
    const edits: SpecEdit[] = [
      [["slos", 0, "description"], 'Git operations succeed {{ printf "%s" "injected" }}.'],
      [["cost", "currency"], "{{ .Foo }}"],
    ];
    const rules = rulesOf(edits);
    const burn = rules.find((r) => r.alert === "GitAvailabilityBudgetBurn");
    expect(burn?.annotations?.description).toContain('Git operations succeed {{ "{{" }} printf "%s" "injected" }}.');
    const r = resolveText(edited(edits));
    if (!r.model) throw new Error(r.issues.map(formatIssue).join("\n"));
    const artifacts = generate(r.model);
    const dir = mkdtempSync(join(tmpdir(), "obsgen-tmpl-"));
    try {
      for (const path of [RULES_PATH, RULE_TESTS_PATH]) {
        mkdirSync(dirname(join(dir, path)), { recursive: true });
        writeFileSync(join(dir, path), artifacts.find((a) => a.path === path)?.content ?? "");
      }
      const t = runTool("promtool", ["test", "rules", join(dir, RULE_TESTS_PATH)]);
      expect(t.status, t.output).toBe(0);
      const tests = readFileSync(join(dir, RULE_TESTS_PATH), "utf8");
      expect(tests).toContain("the month costs 90 {{ .Foo }}");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);
});
