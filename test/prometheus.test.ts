import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { parse, parseDocument } from "yaml";
import { describe, expect, it } from "vitest";
import { ALERTMANAGER_CONFIG_PATH, SLACK_WEBHOOK_URL_FILE } from "../src/generators/alertmanager/index.js";
import { isGeneratedHeader } from "../src/generators/artifact.js";
import { generate } from "../src/generators/index.js";
import { CONFIG_PATH, RULE_TESTS_PATH, RULES_PATH } from "../src/generators/prometheus/names.js";
import { loadModel, resolve } from "../src/pipeline/load.js";
import { parseSpecText } from "../src/spec/load.js";
import { runTool, scratchCopy } from "./support/prometheus-tools.js";

const OUT = "generated";
const MINE = [RULES_PATH, RULE_TESTS_PATH, CONFIG_PATH, ALERTMANAGER_CONFIG_PATH];
const GUIDE_HIGH_ERROR_RATE = "100 * (rate(git_operation_total{status=\"failure\"}[5m]) / rate(git_operation_total[5m])) > 10";
const GUIDE_TOO_MANY_SANDBOXES = "active_sandboxes_total > 10";

interface RuleFile {
  groups: { name: string; interval?: string; rules: { alert?: string; expr: string; labels?: Record<string, string>; annotations?: Record<string, string> }[] }[];
}

function alertRules(): RuleFile {
  return parse(readFileSync(join(OUT, RULES_PATH), "utf8")) as RuleFile;
}

/** A copy of the rule file and its tests with one alert's expression replaced. */
function withExpr(alert: string, expr: string): { dir: string; dispose: () => void } {
  const scratch = scratchCopy(OUT, [RULES_PATH, RULE_TESTS_PATH]);
  const rules = alertRules();
  const rule = rules.groups.flatMap((g) => g.rules).find((r) => r.alert === alert);
  if (!rule) throw new Error(`no alert ${alert}`);
  rule.expr = expr;
  writeFileSync(join(scratch.dir, RULES_PATH), JSON.stringify(rules));
  return scratch;
}

describe("generated Prometheus rules", () => {
  it("match what the spec generates now, each behind the generated header", () => {
    const { model } = loadModel("metrics-spec");
    const artifacts = generate(model);
    for (const path of MINE) {
      const artifact = artifacts.find((a) => a.path === path);
      expect(artifact?.content, path).toBe(readFileSync(join(OUT, path), "utf8"));
      expect(isGeneratedHeader(artifact?.content.split("\n")[0] ?? ""), path).toBe(true);
    }
    expect(generate(loadModel("metrics-spec").model)).toEqual(artifacts);
  });

  it("pass promtool check rules", () => {
    const count = alertRules().groups.flatMap((g) => g.rules).length;
    expect(count).toBe(45);
    const r = runTool("promtool", ["check", "rules", join(OUT, RULES_PATH)]);
    expect(r.output).toContain(`SUCCESS: ${count} rules found`);
    expect(r.status).toBe(0);
  });

  it("carry severity, summary, description, runbook and dashboard links on every alert", () => {
    const alerts = alertRules().groups.flatMap((g) => g.rules).filter((r) => r.alert !== undefined);
    expect(alerts.map((a) => `${a.alert ?? ""}/${a.labels?.severity ?? ""}`)).toEqual([
      "Watchdog/none",
      "TargetDown/critical",
      "TargetAbsent/critical",
      "HighLatency/warning",
      "HighErrorRate/warning",
      "HighErrorRate/critical",
      "TooManySandboxes/warning",
      "LowCacheHitRatio/info",
      "HighMonthlyCost/warning",
      "GitAvailabilityBudgetBurn/critical",
      "GitAvailabilityBudgetBurn/warning",
      "PushLatencyBudgetBurn/critical",
      "PushLatencyBudgetBurn/warning",
    ]);
    for (const a of alerts) {
      expect(a.annotations?.runbook_url).toBe(`generated/runbooks/${a.alert ?? ""}.md`);
      if (a.alert === "Watchdog") {
        expect(Object.keys(a.annotations ?? {})).toEqual(["summary", "description", "runbook_url"]);
        continue;
      }
      expect(Object.keys(a.annotations ?? {})).toEqual(["summary", "description", "runbook_url", "dashboard_url"]);
      expect(a.annotations?.dashboard_url).toMatch(/^http:\/\/localhost:3001\/d\/git-operations-(triage|slo)\?viewPanel=\d+$/);
    }
  });

  it("keep job and the deployment labels in every aggregation of every alert and recording rule", () => {
    for (const a of alertRules().groups.flatMap((g) => g.rules)) {
      expect(a.expr, a.alert).not.toMatch(/\b(sum|avg|min|max|count)\s*\(/);
      for (const m of a.expr.matchAll(/\bsum by \(([^)]*)\)/g)) expect((m[1] ?? "").split(", "), a.expr).toEqual(expect.arrayContaining(["job", "cluster", "namespace"]));
    }
  });

  it("evaluate every rule group at the spec's interval of 30s", () => {
    expect(alertRules().groups.map((g) => [g.name, g.interval])).toEqual([
      ["git-operations.rules", "30s"],
      ["git-operations.alerts", "30s"],
    ]);
  });
});

describe("generated rule unit tests", () => {
  it("pass promtool test rules", () => {
    const r = runTool("promtool", ["test", "rules", join(OUT, RULE_TESTS_PATH)]);
    expect(r.output).toContain("SUCCESS");
    expect(r.status).toBe(0);
  });

  it("fail when a test expects a different rendered value (they are not vacuous)", () => {
    const scratch = scratchCopy(OUT, [RULES_PATH, RULE_TESTS_PATH]);
    try {
      const file = join(scratch.dir, RULE_TESTS_PATH);
      writeFileSync(file, readFileSync(file, "utf8").replace("is 9.5s across", "is 9.4s across"));
      const r = runTool("promtool", ["test", "rules", file]);
      expect(r.status).not.toBe(0);
      expect(r.output).toContain("HighLatency");
    } finally {
      scratch.dispose();
    }
  });

  it("fail on the guide's per-series error-rate expression, which fires at 8 % failures", () => {
    const scratch = withExpr("HighErrorRate", GUIDE_HIGH_ERROR_RATE);
    try {
      const r = runTool("promtool", ["test", "rules", join(scratch.dir, RULE_TESTS_PATH)]);
      expect(r.status).not.toBe(0);
      expect(r.output).toContain("eight percent failures warn but do not page");
    } finally {
      scratch.dispose();
    }
  });

  it("fail on the guide's per-instance sandbox expression, which misses 6 + 6 sandboxes", () => {
    const scratch = withExpr("TooManySandboxes", GUIDE_TOO_MANY_SANDBOXES);
    try {
      const r = runTool("promtool", ["test", "rules", join(scratch.dir, RULE_TESTS_PATH)]);
      expect(r.status).not.toBe(0);
      expect(r.output).toContain("six sandboxes on each of two instances make twelve");
    } finally {
      scratch.dispose();
    }
  });
});

describe("generated scrape config", () => {
  it("passes promtool check config, which also loads the rule file beside it", () => {
    const r = runTool("promtool", ["check", "config", join(OUT, CONFIG_PATH)]);
    expect(r.output).toContain("SUCCESS: 1 rule files found");
    expect(r.status).toBe(0);
  });

  it("scrapes the spec's job every 15s and sends alerts to Alertmanager", () => {
    const config = parse(readFileSync(join(OUT, CONFIG_PATH), "utf8")) as Record<string, unknown>;
    expect(config).toMatchObject({
      global: { scrape_interval: "15s", evaluation_interval: "15s" },
      rule_files: ["alert_rules.yml"],
      alerting: { alertmanagers: [{ static_configs: [{ targets: ["alertmanager:9093"] }] }] },
      scrape_configs: [{ job_name: "backend-api", metrics_path: "/metrics", static_configs: [{ targets: ["runtime:8000"] }] }],
    });
  });
});

describe("generated Alertmanager config", () => {
  it("passes amtool check-config", () => {
    const r = runTool("amtool", ["check-config", join(OUT, ALERTMANAGER_CONFIG_PATH)]);
    expect(r.output).toContain("SUCCESS");
    expect(r.status).toBe(0);
  });

  it("routes Watchdog to the heartbeat and each severity to its receiver, per amtool config routes test", () => {
    const route = (...labels: string[]): string => {
      const r = runTool("amtool", ["config", "routes", "test", `--config.file=${join(OUT, ALERTMANAGER_CONFIG_PATH)}`, ...labels]);
      expect(r.status, r.output).toBe(0);
      return r.output.split("\n")[0]?.trim() ?? "";
    };
    expect(route("alertname=Watchdog", "severity=none")).toBe("heartbeat");
    expect(route("alertname=TargetDown", "severity=critical", "job=backend-api")).toBe("critical");
    expect(route("alertname=HighErrorRate", "severity=warning", "job=backend-api")).toBe("warning");
    expect(route("alertname=LowCacheHitRatio", "severity=info", "job=backend-api")).toBe("info");
    expect(route("alertname=Unlabelled")).toBe("default");
  });

  it("reads the Slack webhook URL from a secret file, never inline", () => {
    const text = readFileSync(join(OUT, ALERTMANAGER_CONFIG_PATH), "utf8");
    expect(text).toContain(`api_url_file: ${SLACK_WEBHOOK_URL_FILE}`);
    expect(text).not.toMatch(/api_url:|hooks\.slack\.com|\burl:/);
  });

  it("is rejected by amtool when a route names an unknown receiver (the check is real)", () => {
    const scratch = scratchCopy(OUT, [ALERTMANAGER_CONFIG_PATH]);
    try {
      const file = join(scratch.dir, ALERTMANAGER_CONFIG_PATH);
      writeFileSync(file, readFileSync(file, "utf8").replace("receiver: info", "receiver: nobody"));
      expect(runTool("amtool", ["check-config", file]).status).not.toBe(0);
    } finally {
      scratch.dispose();
    }
  });
});

describe("recording rules", () => {
  it("are emitted as a <service>.rules group before the alerts, and pass promtool check rules", () => {
    const doc = parseDocument(readFileSync("metrics-spec/git-operations.yaml", "utf8"));
    doc.setIn(["recordingRules"], [
      { record: "operation:git_operation_duration_seconds_bucket:rate5m", expr: "sum by (le, operation) (rate(git_operation_duration_seconds_bucket[5m]))" },
      { record: "job:git_operation_total:rate5m", expr: "sum by (job) (rate(git_operation_total[5m]))", labels: { team: "git", area: "ops" } },
    ]);
    const parsed = parseSpecText("metrics-spec/git-operations.yaml", doc.toString());
    const model = resolve(parsed.spec ? [parsed.spec] : []).model;
    if (!model) throw new Error("spec with recording rules did not resolve");
    const content = generate(model).find((a) => a.path === RULES_PATH)?.content ?? "";
    const file = parse(content) as RuleFile;
    expect(file.groups.map((g) => g.name)).toEqual(["git-operations.rules", "git-operations.alerts"]);
    expect(file.groups[0]?.rules[1]).toEqual({
      record: "job:git_operation_total:rate5m",
      expr: "sum by (job) (rate(git_operation_total[5m]))",
      labels: { area: "ops", team: "git" },
    });
    const dir = mkdtempSync(join(tmpdir(), "obsgen-rec-"));
    try {
      writeFileSync(join(dir, "rules.yml"), content);
      const r = runTool("promtool", ["check", "rules", join(dir, "rules.yml")]);
      expect(r.output).toContain(`SUCCESS: ${file.groups.flatMap((g) => g.rules).length} rules found`);
      expect(r.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("dashboard links", () => {
  it("are left out when the spec sets no Grafana URL (a guessed localhost link helps nobody on call)", () => {
    const doc = parseDocument(readFileSync("metrics-spec/git-operations.yaml", "utf8"));
    doc.deleteIn(["alerting", "grafanaUrl"]);
    const parsed = parseSpecText("metrics-spec/git-operations.yaml", doc.toString());
    const model = resolve(parsed.spec ? [parsed.spec] : []).model;
    if (!model) throw new Error("spec did not resolve");
    const file = parse(generate(model).find((a) => a.path === RULES_PATH)?.content ?? "") as RuleFile;
    const alerts = file.groups.flatMap((g) => g.rules).filter((r) => r.alert !== undefined);
    expect(alerts.length).toBeGreaterThan(0);
    for (const a of alerts) expect(a.annotations?.dashboard_url, a.alert).toBeUndefined();
  });
});
