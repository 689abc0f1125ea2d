// Several services in one repository: each keeps its own settings, what they share is resolved by
// stated rules (a disagreement names both files), and adding a service changes none of another
// service's files. Runs on the two-services golden spec, copied and grown in a scratch directory.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { formatIssue, type Issue } from "../src/conventions/issue.js";
import type { Artifact } from "../src/conventions/artifact.js";
import { generate } from "../src/generators/index.js";
import { METRICS_MODULE_PATH } from "../src/generators/metrics-module/generate.js";
import { CONFIG_PATH, RULE_TESTS_PATH, RULES_PATH } from "../src/generators/prometheus/names.js";
import { lintContext } from "../src/lint/index.js";
import { loadModel } from "../src/pipeline/load.js";
import { SpecError } from "../src/conventions/issue.js";
import { runTool } from "./support/prometheus-tools.js";

const TWO = "test/golden/two-services/spec";
const WORKER_TESTS = "prometheus/alert_rules.60s.test.yml";

const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

/** A spec directory holding the two golden services plus `extra` files (name → YAML text). */
function specDir(extra: Record<string, string> = {}, edit?: (name: string, text: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), "obsgen-multi-"));
  scratch.push(dir);
  cpSync(TWO, dir, { recursive: true });
  if (edit) {
    for (const name of ["api.yaml", "worker.yaml"]) writeFileSync(join(dir, name), edit(name, readFileSync(join(dir, name), "utf8")));
  }
  for (const [name, text] of Object.entries(extra)) writeFileSync(join(dir, name), text);
  return dir;
}

function byPath(artifacts: readonly Artifact[]): Map<string, string> {
  return new Map(artifacts.map((a) => [a.path, a.content]));
}

function yamlOf(files: Map<string, string>, path: string): Record<string, unknown> {
  const text = files.get(path);
  if (text === undefined) throw new Error(`${path} was not generated`);
  return parse(text) as Record<string, unknown>;
}

interface Group {
  name: string;
  interval?: string;
}

const groups = (files: Map<string, string>): Group[] => (yamlOf(files, RULES_PATH).groups as Group[]);
const testNames = (files: Map<string, string>, path: string): string[] => (yamlOf(files, path).tests as { name: string }[]).map((t) => t.name);

/** A third service unrelated to the other two: its own metric, dashboard, alert, and a 30s evaluation. */
const THIRD = `version: 1
service: billing
scrape:
  job: billing
  interval: 30s
  evaluationInterval: 30s
  targets: ["billing:9200"]
metrics:
  billing_invoices_total:
    type: counter
    help: Invoices issued, by outcome.
    labels:
      outcome: [paid, failed]
dashboards:
  - uid: billing
    title: Billing
    rows:
      - title: Invoices
        panels:
          - id: 1
            key: invoices
            title: Invoices
            kind: timeseries
            queries:
              - expr: sum by (outcome) (rate(billing_invoices_total[$__rate_interval]))
                legend: "{{outcome}}"
alerts:
  - name: InvoicesFailing
    expr: sum(rate(billing_invoices_total{outcome="failed"}[5m])) > 1
    for: 10m
    severity: warning
    summary: More than one invoice a second fails.
    description: "{{ $value | humanize }} invoices a second fail across all instances (threshold: 1)."
    tests:
      - name: two instances fail an invoice a second each
        input:
          - {series: 'billing_invoices_total{job="billing",instance="a:9200",outcome="failed"}', values: 0+60x30}
          - {series: 'billing_invoices_total{job="billing",instance="b:9200",outcome="failed"}', values: 0+60x30}
        evalAt: 20m
        firing:
          - annotations:
              description: "2 invoices a second fail across all instances (threshold: 1)."
      - name: one failure a minute stays silent
        input:
          - {series: 'billing_invoices_total{job="billing",instance="a:9200",outcome="failed"}', values: 0+1x30}
        evalAt: 20m
        firing: []
`;

function issuesOf(dir: string): Issue[] {
  try {
    return loadModel(dir).warnings;
  } catch (e) {
    if (e instanceof SpecError) return [...e.issues];
    throw e;
  }
}

describe("services with their own evaluation intervals", () => {
  const files = byPath(generate(loadModel(TWO).model));

  it("run each service's rule groups at its own interval, and the global one is no service's", () => {
    const config = yamlOf(files, CONFIG_PATH) as { global: Record<string, string>; scrape_configs: { job_name: string; scrape_interval: string }[] };
    expect(config.global).toEqual({ scrape_interval: "15s", evaluation_interval: "15s" });
    expect(config.scrape_configs.map((s) => [s.job_name, s.scrape_interval])).toEqual([["api", "15s"], ["worker", "60s"]]);
    const intervals = Object.fromEntries(groups(files).map((g) => [g.name, g.interval ?? "global"]));
    expect(intervals["worker.alerts"]).toBe("60s");
    expect(intervals["api.alerts"]).toBe("global");
  });

  it("test each service's alerts at its own evaluation interval, in a file of that interval", () => {
    expect(yamlOf(files, RULE_TESTS_PATH).evaluation_interval).toBe("15s");
    expect(yamlOf(files, WORKER_TESTS).evaluation_interval).toBe("60s");
    expect(testNames(files, RULE_TESTS_PATH).every((n) => !n.startsWith("WorkerBacklog"))).toBe(true);
    expect(testNames(files, WORKER_TESTS).some((n) => n.startsWith("WorkerBacklog"))).toBe(true);
    expect(testNames(files, WORKER_TESTS).every((n) => !n.startsWith("ApiFailing"))).toBe(true);
  });

  it("pass promtool test rules, each file at its interval", () => {
    const dir = mkdtempSync(join(tmpdir(), "obsgen-multi-out-"));
    scratch.push(dir);
    mkdirSync(join(dir, "prometheus"));
    for (const [path, content] of files) if (path.startsWith("prometheus/")) writeFileSync(join(dir, path), content);
    for (const path of [RULE_TESTS_PATH, WORKER_TESTS]) {
      const r = runTool("promtool", ["test", "rules", join(dir, path)]);
      expect(r.status, r.output).toBe(0);
    }
  });

  it("lint each dashboard against its own service's scrape interval, and one of no service against the slowest", () => {
    const model = loadModel(TWO).model;
    expect(lintContext(model, "api").scrapeInterval).toBe("15s");
    expect(lintContext(model, "worker-triage").scrapeInterval).toBe("60s");
    expect(lintContext(model, "hand-made").scrapeInterval).toBe("60s");
  });

  it("point Grafana's rate interval at the slowest scrape, so $__rate_interval covers every service", () => {
    const datasources = yamlOf(files, "grafana/provisioning/datasources/prometheus.yml") as { datasources: { jsonData: { timeInterval: string } }[] };
    expect(datasources.datasources[0]?.jsonData.timeInterval).toBe("60s");
  });
});

describe("adding a third, unrelated service", () => {
  const dir = specDir();
  const before = byPath(generate(loadModel(dir).model));
  // Named to sort first: nothing may depend on which spec file comes first.
  writeFileSync(join(dir, "aaa-billing.yaml"), THIRD);
  const after = byPath(generate(loadModel(dir).model));

  it("changes no byte of a file that belongs to another service (dashboards and runbooks, headers included)", () => {
    const own = [...before.keys()].filter((p) => p.startsWith("grafana/dashboards/") || ["runbooks/ApiFailing.md", "runbooks/WorkerBacklog.md"].includes(p));
    expect(own.sort()).toEqual(["grafana/dashboards/api-triage.json", "grafana/dashboards/api.json", "grafana/dashboards/worker-triage.json", "runbooks/ApiFailing.md", "runbooks/WorkerBacklog.md"]);
    for (const path of own) expect(after.get(path), path).toBe(before.get(path));
    expect(after.has("grafana/dashboards/billing.json")).toBe(true);
  });

  it("names only its own spec file in the header of each per-service file", () => {
    expect(before.get("grafana/dashboards/api.json")).toContain("Code generated by obsgen from ");
    expect(before.get("grafana/dashboards/api.json")).not.toContain("worker.yaml");
    expect(before.get("runbooks/WorkerBacklog.md")?.split("\n")[0]).toMatch(/worker\.yaml\. DO NOT EDIT\. -->$/);
    expect(before.get("runbooks/WorkerBacklog.md")?.split("\n")[0]).not.toContain("api.yaml");
  });

  it("leaves the other services' rule groups, scrape jobs, global intervals and Grafana interval as they were", () => {
    const mine = (files: Map<string, string>) => groups(files).filter((g) => !g.name.startsWith("billing."));
    expect(mine(after)).toEqual(mine(before));
    type Config = { global: unknown; scrape_configs: { job_name: string }[] };
    const config = (files: Map<string, string>) => yamlOf(files, CONFIG_PATH) as Config;
    expect(config(after).global).toEqual(config(before).global);
    expect(config(after).scrape_configs.filter((s) => s.job_name !== "billing")).toEqual(config(before).scrape_configs);
    const datasources = (files: Map<string, string>) => yamlOf(files, "grafana/provisioning/datasources/prometheus.yml");
    expect(datasources(after)).toEqual(datasources(before));
    // The third service's own interval gets its own group interval and test file.
    expect(groups(after).find((g) => g.name === "billing.alerts")?.interval).toBe("30s");
    expect(testNames(after, "prometheus/alert_rules.30s.test.yml").some((n) => n.startsWith("InvoicesFailing"))).toBe(true);
  });

  it("keeps createMetrics() on the service that had it", () => {
    expect(before.get(METRICS_MODULE_PATH)).toContain("export const createMetrics = createApiMetrics;");
    expect(after.get(METRICS_MODULE_PATH)).toContain("export const createMetrics = createApiMetrics;");
  });
});

describe("the generated module's createMetrics() with several specs", () => {
  const only = (extra: Record<string, string>, edit?: (name: string, text: string) => string) => byPath(generate(loadModel(specDir(extra, edit)).model)).get(METRICS_MODULE_PATH) ?? "";
  const noPrimary = (_: string, text: string) => text.replace(/^primary: true\n/m, "");

  it("names the spec marked primary, whatever the other files are called", () => {
    expect(only({ "aaa-billing.yaml": THIRD })).toContain("export const createMetrics = createApiMetrics;");
  });

  it("names the service of the spec that declares the stack when none is primary: the one embedding the module", () => {
    const bundled = readFileSync("metrics-spec/git-operations.yaml", "utf8");
    const dir = mkdtempSync(join(tmpdir(), "obsgen-multi-bundled-"));
    scratch.push(dir);
    writeFileSync(join(dir, "git-operations.yaml"), bundled);
    writeFileSync(join(dir, "aaa-billing.yaml"), THIRD);
    const module = byPath(generate(loadModel(dir).model)).get(METRICS_MODULE_PATH) ?? "";
    expect(module).toContain("export const createMetrics = createGitOperationsMetrics;");
    expect(module).toContain("export const ratePerSandboxHour = gitOperationsRatePerSandboxHour;");
  });

  it("falls back to the first spec file by name with a warning that says how to pin it", () => {
    const dir = specDir({}, noPrimary);
    const warning = issuesOf(dir).find((i) => i.severity === "warning" && i.code === "OBS009");
    expect(warning && formatIssue(warning)).toMatch(/api\.yaml:\d+:\d+ warning OBS009 several services and none is primary/);
    expect(warning?.hint).toContain("primary: true");
    expect(only({}, noPrimary)).toContain("export const createMetrics = createApiMetrics;");
  });

  it("refuses two specs marked primary, naming both files", () => {
    const dir = specDir({}, (_, text) => (text.includes("primary: true") ? text : text.replace(/^service: (.*)$/m, "service: $1\nprimary: true")));
    const error = issuesOf(dir).find((i) => i.severity === "error" && i.code === "OBS009");
    expect(error && formatIssue(error)).toMatch(/worker\.yaml:\d+:1 error OBS009 service "api" at .*api\.yaml:\d+:1 is primary already/);
  });
});

describe("settings every service shares", () => {
  it("refuse two spec files that give one external label two values, naming both positions", () => {
    const dir = specDir({}, (name, text) => text.replace(/^  targets: (.*)$/m, `  targets: $1\n  externalLabels: {cluster: ${name === "api.yaml" ? "eu-1" : "us-1"}}`));
    const error = issuesOf(dir).find((i) => i.code === "OBS009" && i.severity === "error");
    expect(error && formatIssue(error)).toMatch(
      /worker\.yaml:\d+:\d+ error OBS009 external label "cluster" is "us-1" here but "eu-1" for service "api" at .*api\.yaml:\d+:\d+; the services share one Prometheus/,
    );
    expect(error?.path).toBe('scrape.externalLabels.cluster');
  });

  it("merge external labels that agree", () => {
    const dir = specDir({}, (_, text) => text.replace(/^  targets: (.*)$/m, "  targets: $1\n  externalLabels: {cluster: eu-1}"));
    const config = parse(byPath(generate(loadModel(dir).model)).get(CONFIG_PATH) ?? "") as { global: { external_labels?: Record<string, string> } };
    expect(config.global.external_labels).toEqual({ cluster: "eu-1" });
  });

  it("refuse two Slack channels, naming both files", () => {
    const dir = specDir({}, (name, text) => text.replace(/^metrics:$/m, `alerting:\n  slackChannel: "#${name.replace(".yaml", "")}"\nmetrics:`));
    const error = issuesOf(dir).find((i) => i.code === "OBS009" && i.severity === "error");
    expect(error && formatIssue(error)).toMatch(/worker\.yaml:\d+:\d+ error OBS009 alerting\.slackChannel differs from the one of service "api" at .*api\.yaml:\d+:\d+/);
  });

  it("refuse two different receivers, naming both files", () => {
    const dir = specDir({}, (name, text) => text.replace(/^metrics:$/m, `alerting:\n  receivers:\n    slack: {channel: "#${name.replace(".yaml", "")}"}\nmetrics:`));
    const error = issuesOf(dir).find((i) => i.path === "alerting.receivers" && i.severity === "error");
    expect(error && formatIssue(error)).toMatch(/worker\.yaml:\d+:\d+ error OBS073 alerting\.receivers differs from the one of service "api" at .*api\.yaml:\d+:\d+/);
  });
});
