import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compareArtifacts, diffAll, renderMarkdown, runDiff, type Change, type DiffReport } from "../src/diff/index.js";
import { generate } from "../src/generators/index.js";
import type { Model } from "../src/model/types.js";
import { loadModel } from "../src/pipeline/load.js";
import { edited, resolveText, type SpecEdit } from "./support/spec-edits.js";
import { PIPELINE } from "../src/pipeline/index.js";

function model(text: string): Model {
  const r = resolveText(text);
  if (!r.model) throw new Error(r.issues.map((i) => i.message).join("\n"));
  return r.model;
}

const BASE = model(edited([]));
const P95 = ["dashboards", 0, "rows", 0, "panels", 1] as const;

function diffAfter(edits: readonly SpecEdit[]): DiffReport {
  return diffAll(BASE, model(edited(edits)), { base: "base", head: "head" }, { generate });
}

function only(report: DiffReport, group: Change["group"]): Change[] {
  return report.changes.filter((c) => c.group === group);
}

describe("obsgen diff compares the generated artifacts as well as the spec", () => {
  it("reports a panel id change (2 → 20) as breaking, naming the triage panel whose link used viewPanel=2", () => {
    const report = diffAfter([[[...P95, "id"], 20]]);
    expect(report.breakingCount).toBe(1);
    const [panel] = only(report, "panels");
    expect(panel?.subject).toBe("git-operations-e2b/p95-latency-by-operation");
    expect(panel?.detail).toMatch(/^id 2 → 20 \(row "Health", unit s, query `histogram_quantile/);
    expect(panel?.breaking?.reason).toContain("links to /d/git-operations-e2b?viewPanel=2 stop resolving (now id 20)");
    // The alert's dashboard_url points at its triage panel, whose link leads back to this panel.
    expect(panel?.breaking?.usedBy).toEqual(['dashboard git-operations-triage panel "HighLatency" link "Service dashboard panel"']);
    expect(only(report, "alerts")).toEqual([]);
    const dashboard = report.generated?.find((g) => g.path === "grafana/dashboards/git-operations-e2b.json");
    expect(dashboard?.details).toEqual(['panel "P95 Latency by Operation" id 2 → 20']);
    expect(report.generated?.find((g) => g.path === "grafana/dashboards/git-operations-triage.json")?.details).toEqual([
      'panel 3 "HighLatency": links[0].url "/d/git-operations-e2b?viewPanel=2" → "/d/git-operations-e2b?viewPanel=20"',
    ]);
    expect(report.generated?.some((g) => g.path === "prometheus/alert_rules.yml")).toBe(false);
    expect(renderMarkdown(report)).not.toContain("No semantic changes");
  });

  it("reports a dashboard uid change once, as a breaking rename that every link to the dashboard used", () => {
    const report = diffAfter([[["dashboards", 0, "uid"], "git-ops"]]);
    expect(report.changes).toHaveLength(1);
    const [rename] = report.changes;
    expect(rename).toMatchObject({ group: "dashboards", kind: "renamed", subject: "git-operations-e2b", detail: "uid git-operations-e2b → git-ops" });
    expect(rename?.breaking?.reason).toContain("links to /d/git-operations-e2b stop resolving (renamed to git-ops)");
    expect(rename?.breaking?.usedBy).toEqual([
      'dashboard git-operations-slo link "Git Operations - E2B Sandbox Monitoring"',
      'dashboard git-operations-triage link "Git Operations - E2B Sandbox Monitoring"',
      'dashboard git-operations-triage panel "HighLatency" link "Service dashboard panel"',
      'dashboard git-operations-triage panel "HighErrorRate" link "Service dashboard panel"',
      'dashboard git-operations-triage panel "TooManySandboxes" link "Service dashboard panel"',
      'dashboard git-operations-triage panel "LowCacheHitRatio" link "Service dashboard panel"',
    ]);
    expect(report.generated?.find((g) => g.path === "grafana/dashboards/git-ops.json")?.details).toEqual([
      "renamed from grafana/dashboards/git-operations-e2b.json",
      "uid git-operations-e2b → git-ops",
    ]);
    expect(report.generated?.some((g) => g.kind === "removed" || g.kind === "added")).toBe(false);
  });

  it("reports an alert's description and runbook changes with the old and new text", () => {
    const description = "P95 of {{ $labels.operation }} is {{ $value | humanizeDuration }}; the limit is 5s.";
    const report = diffAfter([[["alerts", 0, "description"], description], [["alerts", 0, "runbook"], "https://runbooks.example.com/latency"]]);
    const [alert] = only(report, "alerts");
    expect(alert?.subject).toBe("HighLatency");
    expect(alert?.detail).toContain(`description "P95 latency of {{ $labels.operation }} is {{ $value | humanizeDuration }} across all instances (threshold: 5s)." → ${JSON.stringify(description)}`);
    expect(alert?.detail).toContain('runbook_url "generated/runbooks/HighLatency.md" → "https://runbooks.example.com/latency"');
    expect(report.breakingCount).toBe(0);
  });

  it("names generated output that changed without a spec change (a generator change), down to the changed field", () => {
    // The base's committed output, as an older generator with another line width wrote it.
    const committed = generate(BASE).map((a) => (a.path === "grafana/dashboards/git-operations-e2b.json" ? { ...a, content: a.content.replace('"lineWidth": 1', '"lineWidth": 2') } : a));
    expect(committed.some((a, i) => a.content !== generate(BASE)[i]?.content)).toBe(true);
    const report = diffAll(BASE, BASE, { base: "base", head: "head" }, { generate, baseCommitted: committed });
    expect(report.changes).toEqual([]);
    expect(report.withoutSpecChange).toHaveLength(1);
    const [file] = report.withoutSpecChange ?? [];
    expect(file?.path).toBe("grafana/dashboards/git-operations-e2b.json");
    expect(file?.details[0]).toMatch(/^panel \d+ "[^"]+": fieldConfig\.defaults\.custom\.lineWidth 2 → 1$/);
    const md = renderMarkdown(report);
    expect(md).toContain("### Generated output changed without a spec change (1 file)");
    expect(md).toContain("- changed `grafana/dashboards/git-operations-e2b.json`: panel ");
  });

  it("lists a metric rename once: one renamed metric, no removed or added metric, and no second change from the artifacts", () => {
    const base = loadModel("test/fixtures/diff/base.yaml").model;
    const report = diffAll(base, loadModel("test/fixtures/diff/metric-renamed.yaml").model, { base: "base", head: "head" }, { generate });
    const mentions = report.changes.filter((c) => c.subject === "carts_open" || c.subject === "open_carts");
    expect(mentions.map((c) => `${c.group} ${c.kind}`)).toEqual(["metrics renamed"]);
    expect(report.generated?.map((g) => g.path)).toContain("metrics.ts");
  });

  it("compares Alertmanager routes and compose services by name, never printing environment values", () => {
    const base = generate(BASE);
    const head = generate(model(edited([[["stack", "app", "environment", "RUNTIME_TOKEN"], "${OTHER_TOKEN:?set it}"], [["stack", "grafana", "image"], "grafana/grafana:12.1.0"]])));
    const compose = compareArtifacts(base, head).find((g) => g.path === "docker-compose.yml");
    expect(compose?.details).toEqual(["service grafana: image grafana/grafana:12.0.2 → grafana/grafana:12.1.0", "service runtime: environment RUNTIME_TOKEN changed"]);
    const routes = compareArtifacts(
      base,
      base.map((a) => (a.path === "alertmanager/alertmanager.yml" ? { ...a, content: a.content.replace("repeat_interval: 24h", "repeat_interval: 12h") } : a)),
    );
    expect(routes).toEqual([{ path: "alertmanager/alertmanager.yml", kind: "changed", details: ['route default › info {severity="info"}: repeat_interval 24h → 12h'] }]);
  });
});

describe("changes only the generated files show", () => {
  it("reports a panel's description change, and lists the generated file under 'No semantic changes' when nothing else changed", () => {
    const report = diffAfter([[[...P95, "description"], "95th percentile latency of each operation."]]);
    expect(only(report, "panels")[0]?.detail).toContain('description "95th percentile latency of each operation, across all instances; the alert fires above 5 s." → "95th percentile latency of each operation."');
    const quiet = diffAll(BASE, BASE, { base: "base", head: "head" }, { generate });
    quiet.generated = [{ path: "grafana/dashboards/git-operations-e2b.json", kind: "changed", details: ["panel 2: description changed"] }];
    expect(renderMarkdown(quiet)).toContain("The spec change still changes generated output:\n\n- changed `grafana/dashboards/git-operations-e2b.json`: panel 2: description changed");
  });
});

describe("cross-checks of a change", () => {
  it("flags an alert threshold that moved while its panel still draws the old one and its texts still quote it", () => {
    const report = diffAfter([[["alerts", 2, "expr"], "sum(active_sandboxes_total) > 20"]]);
    const [check] = only(report, "cross-checks");
    expect(check?.subject).toBe("TooManySandboxes");
    expect(check?.detail).toContain('threshold > 10 → > 20, but its panel "Active Sandboxes" (id 3) still draws its threshold at 10');
    expect(check?.detail).toContain('its description still quotes 10: "{{ $value | humanize }} sandboxes are active across all instances (threshold: 10)."');
    expect(renderMarkdown(report).indexOf("### Cross-checks")).toBeLessThan(renderMarkdown(report).indexOf("### Alerts"));
  });

  it("stays quiet when the panel and the texts follow the new threshold", () => {
    const report = diffAfter([
      [["alerts", 2, "expr"], "sum(active_sandboxes_total) > 20"],
      [["alerts", 2, "summary"], "More than 20 sandboxes are active."],
      [["alerts", 2, "description"], "{{ $value | humanize }} sandboxes are active across all instances (threshold: 20)."],
      [[...["dashboards", 0, "rows", 0, "panels", 2], "thresholds", 1, "value"], 20],
      [[...["dashboards", 0, "rows", 0, "panels", 2], "description"], "Sandboxes alive now; the alert fires above 20."],
    ]);
    expect(only(report, "cross-checks")).toEqual([]);
  });

  it("shows a new panel's query, unit and row", () => {
    const panel = { id: 13, key: "cache-misses", title: "Cache Misses", kind: "timeseries", unit: "ops", queries: [{ expr: "sum(rate(sandbox_cache_misses_total[$__rate_interval]))" }] };
    const report = diffAfter([[["dashboards", 0, "rows", 1, "panels", 3], panel]]);
    const [added] = only(report, "panels");
    expect(added?.detail).toBe('timeseries "Cache Misses" added (row "Throughput", unit ops, query `sum(rate(sandbox_cache_misses_total[$__rate_interval]))`)');
  });
});

describe("obsgen diff against a git ref with committed generated files", () => {
  let repo = "";
  const git = (...args: string[]): void => {
    const r = spawnSync("git", args, { cwd: repo, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
  };
  beforeAll(() => {
    repo = mkdtempSync(join(tmpdir(), "obsgen-diff-generated-"));
    mkdirSync(join(repo, "metrics-spec"));
    copyFileSync("test/fixtures/diff/base.yaml", join(repo, "metrics-spec", "shop.yaml"));
    for (const a of generate(loadModel(join(repo, "metrics-spec")).model)) {
      const file = join(repo, "generated", a.path);
      mkdirSync(dirname(file), { recursive: true });
      // What an older generator wrote: thicker lines on the dashboard.
      writeFileSync(file, a.path.startsWith("grafana/dashboards/") ? a.content.replace(/"lineWidth": 1/g, '"lineWidth": 3') : a.content);
    }
    git("init", "-q", "-b", "main");
    git("config", "user.email", "test@example.com");
    git("config", "user.name", "test");
    git("add", ".");
    git("commit", "-q", "-m", "base");
  });
  afterAll(() => rmSync(repo, { recursive: true, force: true }));

  it("reads the base's generated/ from the commit and names the files a generator change altered", async () => {
    const report = await runDiff({ pipeline: PIPELINE, base: "main", spec: "metrics-spec", cwd: repo });
    expect(report.changes).toEqual([]);
    // The older generator drew every dashboard with thicker lines: the service's and its triage dashboard.
    expect(report.withoutSpecChange?.map((g) => g.path).sort()).toEqual(["grafana/dashboards/shop-triage.json", "grafana/dashboards/shop.json"]);
    expect(renderMarkdown(report)).toContain("lineWidth 3 → 1");
  });
});

describe("links into the triage dashboard", () => {
  it("reports a triage panel that moved (an alert removed before it) as breaking, naming the alert, the service panel and the runbook that link to it", () => {
    const report = diffAfter([[["alerts", 0], undefined]]);
    const moved = report.changes.filter((c) => c.breaking?.reason.includes("/d/git-operations-triage?viewPanel=4") === true);
    expect(moved).toHaveLength(1);
    // The id still resolves, to the next alert's panel: worse than a link that fails.
    expect(moved[0]?.breaking?.reason).toContain('now open "TooManySandboxes" (now id 3)');
    expect(moved[0]?.breaking?.usedBy).toEqual(
      expect.arrayContaining([
        "alert HighErrorRate (dashboard_url)",
        'dashboard git-operations-e2b panel "Operation Success Rate" link "Alert HighErrorRate: triage"',
        "runbook runbooks/HighErrorRate.md",
      ]),
    );
    // The alerts' moved dashboard_url belongs to those breaking changes, not to changes of their own.
    expect(only(report, "alerts").map((c) => `${c.kind} ${c.subject}`)).toEqual(["removed HighLatency"]);
    // Recording rules of one name are told apart by their SLO: none of them changed.
    const rules = report.generated?.find((g) => g.path === "prometheus/alert_rules.yml")?.details ?? [];
    expect(rules[0]).toBe('alert HighLatency{severity="warning"} removed from group git-operations.alerts');
    expect(rules.filter((d) => d.startsWith("record"))).toEqual([]);
  });
});
