import { describe, expect, it } from "vitest";
import { generate } from "../src/generators/index.js";
import { LINT_RULES, lintDashboardText } from "../src/lint/index.js";
import { loadModel } from "../src/pipeline/load.js";
import { main } from "../src/cli/main.js";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const { model } = loadModel("metrics-spec/git-operations.yaml");
const generated = generate(model).find((a) => a.path === "grafana/dashboards/git-operations-e2b.json");
if (!generated) throw new Error("the bundled spec generates no dashboard");
const dashboardText = generated.content;

// Dashboard JSON as the mutations below reach into it, narrowed at each step.
type Json = Record<string, unknown>;
function obj(v: unknown): Json {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new Error(`not an object: ${JSON.stringify(v)}`);
  return v as Json;
}
function list(v: unknown): Json[] {
  if (!Array.isArray(v)) throw new Error(`not a list: ${JSON.stringify(v)}`);
  return v.map(obj);
}
function mutated(change: (d: Json) => void): string {
  const d = obj(JSON.parse(dashboardText));
  change(d);
  return JSON.stringify(d);
}
const firstPanel = (d: Json): Json => obj(list(d.panels).find((p) => p.type !== "row"));
const firstTarget = (d: Json): Json => obj(list(firstPanel(d).targets)[0]);
const defaults = (d: Json): Json => obj(obj(firstPanel(d).fieldConfig).defaults);
const variables = (d: Json): Json => obj(d.templating);
const variable = (d: Json, name: string): Json => obj(list(variables(d).list).find((v) => v.name === name));
const setExpr = (expr: string) => (d: Json) => {
  firstTarget(d).expr = expr;
};

function rulesHit(text: string): string[] {
  return [...new Set(lintDashboardText(text, model).map((f) => f.rule))].sort();
}

const F = 'job=~"$job",instance=~"$instance"';
const cases: Record<string, (d: Json) => void> = {
  "template-datasource-rule": (d) => {
    variables(d).list = list(variables(d).list).filter((v) => v.name !== "datasource");
  },
  "template-job-rule": (d) => {
    variable(d, "job").allValue = ".*";
  },
  "template-instance-rule": (d) => {
    variable(d, "instance").multi = false;
  },
  "panel-datasource-rule": (d) => {
    firstTarget(d).datasource = { type: "prometheus", uid: "prometheus" };
  },
  "panel-title-description-rule": (d) => {
    delete firstPanel(d).description;
  },
  "panel-units-rule": (d) => {
    delete defaults(d).unit;
  },
  "panel-no-targets-rule": (d) => {
    firstPanel(d).targets = [];
  },
  "target-promql-rule": setExpr(`sum(rate(git_operation_total{${F}}[$__rate_interval])`),
  "target-job-rule": setExpr(`sum(rate(git_operation_total{instance=~"$instance"}[$__rate_interval]))`),
  "target-instance-rule": setExpr(`sum(rate(git_operation_total{job=~"$job"}[$__rate_interval]))`),
  "target-rate-interval-rule": setExpr(`sum(rate(git_operation_total{${F}}[5m]))`),
  "target-counter-agg-rule": setExpr(`sum(git_operation_total{${F}})`),
  "target-rate-over-counter-rule": setExpr(`sum(rate(active_sandboxes_total{${F}}[$__rate_interval]))`),
  "dashboard-refresh-rule": (d) => {
    d.refresh = "5s";
  },
  "uneditable-dashboard-rule": (d) => {
    d.editable = true;
  },
};

describe("obsgen lint rules", () => {
  it("passes the generated dashboard with no findings", () => {
    expect(lintDashboardText(dashboardText, model)).toEqual([]);
  });

  it("has a failing case for every rule", () => {
    expect(Object.keys(cases).sort()).toEqual(LINT_RULES.map((r) => r.id).sort());
  });

  for (const [rule, change] of Object.entries(cases)) {
    it(`reports ${rule} and nothing else when only that rule is broken`, () => {
      expect(rulesHit(mutated(change))).toEqual([rule]);
    });
  }

  it("names the panel and the offending selector in a finding", () => {
    const findings = lintDashboardText(mutated(setExpr(`sum(rate(git_operation_total{${F}}[5m]))`)), model);
    expect(findings).toEqual([
      {
        rule: "target-rate-interval-rule",
        panel: "Operation Success Rate",
        message: "target A: rate(git_operation_total[5m]) uses a fixed window; use [$__rate_interval]",
      },
    ]);
  });

  it("accepts increase over $__range for whole-range totals", () => {
    const text = mutated(setExpr(`sum(increase(git_operation_total{${F}}[$__range]))`));
    expect(rulesHit(text)).toEqual([]);
  });
});

describe("obsgen lint command", () => {
  it("exits 1 and prints file: rule: panel: message for a bad dashboard, 0 for the generated one", async () => {
    const dir = mkdtempSync(join(tmpdir(), "obsgen-lint-"));
    try {
      const bad = join(dir, "bad.json");
      writeFileSync(bad, mutated((d) => void (defaults(d).unit = "")));
      const out: string[] = [];
      const io = { out: (t: string) => void out.push(t), err: () => undefined, cwd: process.cwd() };
      expect(await main(["lint", "--spec", "metrics-spec", bad], io)).toBe(1);
      expect(out).toContain(`${bad}: panel-units-rule: panel "Operation Success Rate": the panel has no unit (fieldConfig.defaults.unit); use short for plain counts`);
      expect(await main(["lint", "--spec", "metrics-spec"], io)).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
