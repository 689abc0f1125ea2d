import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../src/cli/main.js";
import { diffModels, renderMarkdown, runDiff, type Change, type DiffReport } from "../src/diff/index.js";
import { loadModel } from "../src/pipeline/load.js";
import { PrometheusServer } from "./support/prometheus.js";
import { edited, resolveText } from "./support/spec-edits.js";
import { PIPELINE } from "../src/pipeline/index.js";

const FIXTURES = "test/fixtures/diff";
const fixture = (name: string): string => join(FIXTURES, `${name}.yaml`);

function diffFixture(head: string): DiffReport {
  return diffModels(loadModel(fixture("base")).model, loadModel(fixture(head)).model, { base: "base", head });
}

function find(report: DiffReport, group: Change["group"], kind: Change["kind"], subject: string): Change {
  const c = report.changes.find((x) => x.group === group && x.kind === kind && x.subject === subject);
  if (!c) throw new Error(`no ${kind} ${group} ${subject} in:\n${renderMarkdown(report)}`);
  return c;
}

async function cli(args: string[], cwd = process.cwd()): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(args, { out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`), cwd });
  return { code, out, err };
}

describe("obsgen diff on fixture spec pairs", () => {
  it("reports no changes when both sides are the same spec", () => {
    const report = diffFixture("base");
    expect(report.changes).toEqual([]);
    expect(renderMarkdown(report)).toContain("No semantic changes");
  });

  it("flags a removed metric as breaking and names the panel that read it and the API call", () => {
    const report = diffFixture("metric-removed");
    const c = find(report, "metrics", "removed", "carts_open");
    expect(c.breaking?.usedBy).toEqual(['panel "Open Carts" (shop/open-carts)']);
    expect(c.breaking?.api).toEqual([{ call: "metrics.cartsOpen.set(…)", effect: "no longer exists" }]);
    find(report, "panels", "removed", "shop/open-carts");
    expect(report.cardinality.metrics).toContainEqual({ service: "shop", metric: "carts_open", base: 1 });
    expect(report.cardinality.total).toEqual({ base: 14, head: 13 });
  });

  it("detects a rename by same type, same labels and similar help, instead of a removal and an addition", () => {
    const report = diffFixture("metric-renamed");
    const c = find(report, "metrics", "renamed", "carts_open");
    expect(c.detail).toContain("open_carts");
    expect(c.breaking?.api[0]?.effect).toContain("metrics.openCarts");
    expect(report.changes.filter((x) => x.group === "metrics" && (x.kind === "added" || x.kind === "removed"))).toEqual([]);
  });

  it("flags a removed label with the API call that no longer type-checks", () => {
    const report = diffFixture("label-removed");
    const c = find(report, "labels", "removed", "order_total{method}");
    expect(c.breaking?.api[0]).toEqual({ call: 'metrics.orderTotal.inc({method: "card"})', effect: 'no longer type-checks: the labels type has no "method"' });
    expect(c.breaking?.orphanSelector).toEqual({ name: "order_total", matchers: [{ label: "method", op: "!=", value: "" }] });
    expect(report.cardinality.total).toEqual({ base: 14, head: 11 });
  });

  it("flags a removed label value with the panels and alerts that select it, regex matchers included", () => {
    const report = diffFixture("label-value-removed");
    const c = find(report, "labels", "removed", "order_total{status}");
    expect(c.detail).toBe('value "retry" removed');
    expect(c.breaking?.usedBy).toEqual(['panel "Retries" (shop/retries)', "alert ManyRetries"]);
    expect(c.breaking?.api[0]?.call).toBe('metrics.orderTotal.inc({status: "retry"})');
    expect(c.breaking?.api[0]?.effect).toContain('does not accept "retry"');
    expect(find(report, "alerts", "changed", "ManyRetries").detail).toContain('status="failure"');
  });

  it("flags a type change with the methods callers lose", () => {
    const report = diffFixture("type-changed");
    const c = find(report, "metrics", "changed", "checkout_duration_seconds");
    expect(c.detail).toBe("type histogram → gauge");
    expect(c.breaking?.usedBy).toEqual(['panel "Checkout P95" (shop/checkout-p95)']);
    expect(c.breaking?.api[0]?.call).toBe("metrics.checkoutDurationSeconds.observe(…)");
    expect(report.cardinality.metrics).toContainEqual({ service: "shop", metric: "checkout_duration_seconds", base: 7, head: 1 });
  });

  it("flags a bucket change and selects the removed bounds' series as orphaned", () => {
    const report = diffFixture("buckets-changed");
    const c = find(report, "buckets", "changed", "checkout_duration_seconds");
    expect(c.detail).toContain("(-0.5 +0.25 +10)");
    expect(c.breaking?.orphanSelector).toEqual({ name: "checkout_duration_seconds_bucket", matchers: [{ label: "le", op: "=~", value: "0.5" }] });
  });

  it("reports the compose stack's ports, bind address, images and environment keys, never their values", () => {
    const model = (text: string) => {
      const r = resolveText(text);
      if (!r.model) throw new Error(r.issues.map((i) => i.message).join("\n"));
      return r.model;
    };
    const head = edited([
      [["stack", "bindAddress"], "0.0.0.0"],
      // Required beyond loopback (OBS090): the admin API would be published too.
      [["stack", "prometheus", "adminApi"], false],
      [["stack", "grafana", "port"], 3000],
      [["stack", "prometheus", "image"], "prom/prometheus:v3.0.0"],
      [["stack", "app", "environment", "E2B_TEMPLATE"], "${E2B_TEMPLATE:-base}"],
    ]);
    const report = diffModels(model(edited([])), model(head), { base: "base", head: "head" });
    expect(report.breakingCount).toBe(0);
    expect(find(report, "stack", "changed", "bindAddress").detail).toBe("published ports bind to 127.0.0.1 → 0.0.0.0 (every published port is now reachable beyond this host)");
    expect(report.changes.filter((c) => c.group === "stack" && c.subject === "grafana").map((c) => c.detail)).toEqual(["grafana host port 3001 → 3000"]);
    expect(find(report, "stack", "changed", "prometheus").detail).toBe("prometheus image prom/prometheus:v2.53.0 → prom/prometheus:v3.0.0");
    expect(find(report, "stack", "added", "E2B_TEMPLATE").detail).toBe("runtime environment E2B_TEMPLATE added");
    expect(renderMarkdown(report)).not.toContain("E2B_TEMPLATE:-base");
  });

  it("reports additions, a wider enumeration, panel, alert and scrape changes without calling them breaking", () => {
    const report = diffFixture("additive");
    expect(report.breakingCount).toBe(0);
    find(report, "metrics", "added", "refund_total");
    expect(find(report, "metrics", "changed", "carts_open").detail).toContain("help");
    expect(find(report, "labels", "added", "order_total{method}").detail).toBe('value "voucher" added');
    expect(find(report, "panels", "changed", "shop/order-rate").detail).toBe(
      'unit opm → ops; thresholds green, 100 red → green, 80 yellow, 120 red (row "Orders", unit ops, query `sum by (status) (rate(order_total[$__rate_interval])) * 60`)',
    );
    find(report, "panels", "added", "shop/refunds");
    expect(find(report, "alerts", "changed", "ManyRetries").detail).toBe("threshold > 1 → > 2; for 5m → 10m");
    expect(find(report, "scrape", "changed", "interval").detail).toBe("interval 15s → 30s");
    expect(report.cardinality.total).toEqual({ base: 14, head: 18 });
  });

  it("renders Markdown with breaking changes first, grouped changes and a cardinality table", () => {
    const md = renderMarkdown(diffFixture("label-value-removed"));
    expect(md).toContain("**1 breaking** of 3 changes · at most 14 → 12 series (-2)");
    expect(md.indexOf("### Breaking changes")).toBeLessThan(md.indexOf("### Labels"));
    expect(md).toContain("| `order_total` | 6 | 4 | -2 |");
    expect(md).toContain("| **total** | 14 | 12 | -2 |");
  });
});

describe("the obsgen diff command", () => {
  it("exits 1 with --fail-on-breaking when a change is breaking, and 0 without it", async () => {
    const args = ["diff", "--base", fixture("base"), "--spec", fixture("label-value-removed")];
    expect((await cli(args)).code).toBe(0);
    const failing = await cli([...args, "--fail-on-breaking"]);
    expect(failing.code).toBe(1);
    expect(failing.out).toContain("### Breaking changes");
  });

  it("exits 0 with --fail-on-breaking when every change is compatible", async () => {
    expect((await cli(["diff", "--base", fixture("base"), "--spec", fixture("additive"), "--fail-on-breaking"])).code).toBe(0);
  });

  it("prints JSON with --format json", async () => {
    const r = await cli(["diff", "--base", fixture("base"), "--spec", fixture("metric-removed"), "--format", "json"]);
    const json = JSON.parse(r.out) as DiffReport;
    expect(json.breakingCount).toBe(1);
    expect(json.cardinality.total).toEqual({ base: 14, head: 13 });
  });

  it("reports a base that does not resolve clearly, with exit code 2", async () => {
    const dir = mkdtempSync(join(tmpdir(), "obsgen-diff-bad-"));
    try {
      writeFileSync(join(dir, "spec.yaml"), "version: 1\nservice: shop\nmetrics: {}\n");
      const r = await cli(["diff", "--base", dir, "--spec", fixture("base")]);
      expect(r.code).toBe(2);
      expect(r.err).toContain(`the base spec (${dir}) does not resolve`);
      expect(r.err).toContain("scrape");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("names a base that is neither a directory nor a git ref", async () => {
    const r = await cli(["diff", "--base", "no-such-ref-or-dir", "--spec", fixture("base")]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("neither a directory nor a git commit");
  });
});

describe("obsgen diff against a git ref", () => {
  let repo = "";
  const git = (...args: string[]): void => {
    const r = spawnSync("git", args, { cwd: repo, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
  };

  beforeAll(() => {
    repo = mkdtempSync(join(tmpdir(), "obsgen-diff-git-"));
    mkdirSync(join(repo, "metrics-spec"));
    git("init", "-q", "-b", "main");
    git("config", "user.email", "test@example.com");
    git("config", "user.name", "test");
    copyFileSync(fixture("base"), join(repo, "metrics-spec", "shop.yaml"));
    git("add", ".");
    git("commit", "-q", "-m", "base");
    copyFileSync(fixture("label-value-removed"), join(repo, "metrics-spec", "shop.yaml"));
  });
  afterAll(() => rmSync(repo, { recursive: true, force: true }));

  it("reads the base spec from the commit with git and compares it with the working tree", async () => {
    const report = await runDiff({ pipeline: PIPELINE, base: "main", spec: "metrics-spec", cwd: repo });
    expect(report.base).toBe("main");
    expect(find(report, "labels", "removed", "order_total{status}").breaking).toBeDefined();
    expect(report.breakingCount).toBe(1);
  });

  it("runs from the CLI with a git ref and fails on breaking changes", async () => {
    const r = await cli(["diff", "--base", "HEAD", "--fail-on-breaking"], repo);
    expect(r.code).toBe(1);
    expect(r.out).toContain("## obsgen diff: `HEAD` → `working tree`");
  });
});

describe("obsgen diff with --prometheus", () => {
  let prometheus: PrometheusServer | undefined;
  const t0 = 1_700_000_000;
  beforeAll(async () => {
    const samples = [0, 1, 2].map((i) => ({ t: t0 + i * 15, v: i }));
    prometheus = await PrometheusServer.start([
      { name: "order_total", labels: { instance: "a:8000", method: "card", status: "retry" }, samples },
      { name: "order_total", labels: { instance: "b:8000", method: "cash", status: "retry" }, samples },
      { name: "order_total", labels: { instance: "a:8000", method: "card", status: "success" }, samples },
    ]);
  }, 120_000);
  afterAll(async () => prometheus?.stop());

  it("counts the stored series a removed label value would orphan", async () => {
    const url = prometheus?.url ?? "";
    const r = await cli(["diff", "--base", fixture("base"), "--spec", fixture("label-value-removed"), "--prometheus", url, "--format", "json"]);
    const json = JSON.parse(r.out) as DiffReport;
    const c = json.changes.find((x) => x.subject === "order_total{status}" && x.kind === "removed");
    expect(c?.breaking?.orphans).toEqual({ selector: 'order_total{status="retry"}', storedSeries: 2 });
  });

  it("says so when nothing stored matches", async () => {
    const r = await cli(["diff", "--base", fixture("base"), "--spec", fixture("metric-removed"), "--prometheus", prometheus?.url ?? ""]);
    expect(r.out).toContain("Prometheus: no stored series match `carts_open`; nothing is orphaned");
  });
});
