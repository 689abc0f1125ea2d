import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { generate } from "../src/generators/index.js";
import { layoutDashboard } from "../src/generators/grafana/layout.js";
import { refId } from "../src/generators/grafana/panels.js";
import { loadModel } from "../src/pipeline/load.js";
import { withMatchers, templateMatchers } from "../src/promql/build.js";
import { parseQuery } from "../src/promql/parse.js";
import { selectors, toAst } from "../src/promql/ast.js";

const { model } = loadModel("metrics-spec/git-operations.yaml");
const artifacts = generate(model);
const dashboardArtifact = artifacts.find((a) => a.path === "grafana/dashboards/git-operations-e2b.json");
if (!dashboardArtifact) throw new Error("no dashboard generated");

interface Target { refId: string; expr: string; datasource: { uid: string }; legendFormat: string; format?: string }
interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { uid: string };
  targets?: Target[];
  fieldConfig?: { defaults: { unit?: string; thresholds?: { steps: { value: number | null; color: string }[] }; custom?: Record<string, unknown> } };
  options?: Record<string, unknown>;
}
const dash = JSON.parse(dashboardArtifact.content) as { uid: string; refresh: string; editable: boolean; description: string; panels: Panel[] };
const panels = dash.panels.filter((p) => p.type !== "row");

describe("the generated Grafana dashboard", () => {
  it("validates against the foundation SDK's dashboard JSON Schema", () => {
    const schema = JSON.parse(readFileSync("test/vendor/grafana-foundation-sdk/dashboard.jsonschema.json", "utf8")) as object;
    const ajv = new Ajv({ allErrors: true, strict: false });
    const validate = ajv.compile(schema);
    const ok = validate(JSON.parse(dashboardArtifact.content));
    expect(ok ? [] : validate.errors?.map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`)).toEqual([]);
  });

  it("validates the generated triage and SLO dashboards against the same schema, links and panel time ranges included", () => {
    const schema = JSON.parse(readFileSync("test/vendor/grafana-foundation-sdk/dashboard.jsonschema.json", "utf8")) as object;
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    const generated = artifacts.filter((a) => /grafana\/dashboards\/git-operations-(triage|slo)\.json$/.test(a.path));
    expect(generated.map((a) => a.path).sort()).toEqual(["grafana/dashboards/git-operations-slo.json", "grafana/dashboards/git-operations-triage.json"]);
    for (const a of generated) {
      const json = JSON.parse(a.content) as { schemaVersion: number; links: { url: string }[]; panels: { type: string; timeFrom?: string; links?: { url: string }[] }[] };
      const ok = validate(json);
      expect(ok ? [] : validate.errors?.map((e) => `${a.path}${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`)).toEqual([]);
      expect(json.schemaVersion).toBe(42);
      expect(json.links.map((l) => l.url)).toContain("/d/git-operations-e2b");
    }
    const triage = JSON.parse(generated.find((a) => a.path.endsWith("triage.json"))?.content ?? "{}") as { panels: { title: string; timeFrom?: string }[] };
    expect(triage.panels.filter((p) => p.timeFrom !== undefined).map((p) => `${p.title}: ${p.timeFrom ?? ""}`)).toEqual([
      "Spend Today: now/d",
      "Spend Month to Date: now/M",
      "Sandbox-Hours of the Monthly Budget: now/M",
      "Spend by project (Month to Date): now/M",
    ]);
  });

  it("links each alerted panel to its alert's triage panel, and draws tiers as threshold lines there", () => {
    const success = panels.find((p) => p.title === "Operation Success Rate") as (Panel & { links?: { title: string; url: string }[] }) | undefined;
    expect(success?.links).toEqual([expect.objectContaining({ title: "Alert HighErrorRate: triage", url: "/d/git-operations-triage?viewPanel=4" })]);
    const triage = JSON.parse(artifacts.find((a) => a.path.endsWith("git-operations-triage.json"))?.content ?? "{}") as { panels: Panel[] };
    const errors = triage.panels.find((p) => p.title === "HighErrorRate");
    expect(errors?.fieldConfig?.defaults.thresholds?.steps).toEqual([
      { value: null, color: "green" },
      { value: 0.05, color: "orange" },
      { value: 0.1, color: "red" },
    ]);
    expect(errors?.fieldConfig?.defaults.custom?.thresholdsStyle).toEqual({ mode: "line" });
    expect(errors?.options?.legend).toMatchObject({ displayMode: "table", calcs: ["lastNotNull", "mean", "max"] });
  });

  it("has the guide's 12 panels with the spec's ids, grouped by row, drawn with the kind that shows what they say", () => {
    expect(panels.map((p) => `${p.id} ${p.type} ${p.title}`)).toEqual([
      "1 stat Operation Success Rate",
      "2 timeseries P95 Latency by Operation",
      "3 gauge Active Sandboxes",
      "5 timeseries Operations per Minute",
      "6 timeseries Error Rate by Type",
      "10 piechart Operations Distribution",
      "4 stat Cache Hit Ratio",
      "7 heatmap Sandbox Creation Time Heatmap",
      "8 gauge Monthly Cost Projection (Sandboxes Alive Now)",
      "9 timeseries Daily Cost Trend",
      "11 bargauge Push Retry Attempts",
      "12 timeseries Conflicts Detected",
    ]);
  });

  it("is read-only, refreshes every 30s and keeps its stable uid", () => {
    expect({ uid: dash.uid, refresh: dash.refresh, editable: dash.editable }).toEqual({ uid: "git-operations-e2b", refresh: "30s", editable: false });
    expect(dashboardArtifact.content.split("\n")[1]).toMatch(/^ {2}"description": ".*Code generated by obsgen from metrics-spec\/git-operations.yaml. DO NOT EDIT./);
  });

  it("sets a datasource, a unit and refIds on every panel and target, and filters every selector by job and instance", () => {
    for (const p of panels) {
      expect(p.datasource?.uid, p.title).toBe("${datasource}");
      expect(p.fieldConfig?.defaults.unit, p.title).toBeTruthy();
      p.targets?.forEach((t, i) => {
        expect(t.refId).toBe(refId(i));
        expect(t.datasource.uid).toBe("${datasource}");
        const ast = toAst(parseQuery(t.expr));
        expect(ast, t.expr).toBeDefined();
        for (const s of ast ? selectors(ast) : []) {
          expect(s.matchers.map((m) => `${m.label}${m.op}${m.value}`), t.expr).toEqual(expect.arrayContaining(["job=~$job", "instance=~$instance"]));
        }
      });
    }
  });

  it("draws thresholds as lines on time series, stacks the error rate, and reads the heatmap from buckets", () => {
    const byTitle = new Map(panels.map((p) => [p.title, p]));
    expect(byTitle.get("P95 Latency by Operation")?.fieldConfig?.defaults.custom?.thresholdsStyle).toEqual({ mode: "line" });
    expect(byTitle.get("P95 Latency by Operation")?.fieldConfig?.defaults.thresholds?.steps).toEqual([{ value: null, color: "green" }, { value: 5, color: "red" }]);
    expect(byTitle.get("Error Rate by Type")?.fieldConfig?.defaults.custom?.stacking).toEqual({ mode: "normal", group: "A" });
    const heat = byTitle.get("Sandbox Creation Time Heatmap");
    expect(heat?.options?.calculate).toBe(false);
    expect(heat?.targets?.[0]?.format).toBe("heatmap");
  });

  it("lays panels out row by row on 24 columns without overlaps", () => {
    const boxes = dash.panels.map((p) => p.gridPos);
    for (const [i, a] of boxes.entries()) {
      expect(a.x + a.w).toBeLessThanOrEqual(24);
      for (const b of boxes.slice(i + 1)) {
        const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
        expect(overlap).toBe(false);
      }
    }
  });

  it("keeps a panel's position when a panel in a later row changes", () => {
    const spec = model.services[0]?.dashboards[0];
    if (!spec) throw new Error("no dashboard in spec");
    const changed = { ...spec, rows: spec.rows.map((r, i) => (i === 3 ? { ...r, panels: r.panels.map((p) => ({ ...p, width: 12, height: 10 })) } : r)) };
    const before = layoutDashboard(spec).slice(0, 3);
    const after = layoutDashboard(changed).slice(0, 3);
    expect(after).toEqual(before);
  });

  it("is byte-for-byte deterministic", () => {
    expect(generate(model).map((a) => a.content)).toEqual(artifacts.map((a) => a.content));
  });
});

describe("Grafana provisioning", () => {
  it("points the datasource at Prometheus with the uid the dashboards default to", () => {
    const file = artifacts.find((a) => a.path === "grafana/provisioning/datasources/prometheus.yml");
    expect(file?.content.startsWith("# Code generated by obsgen")).toBe(true);
    const doc = parse(file?.content ?? "") as { datasources: { uid: string; url: string; type: string; jsonData: { timeInterval: string } }[] };
    expect(doc.datasources[0]).toMatchObject({ uid: "prometheus", url: "http://prometheus:9090", type: "prometheus", jsonData: { timeInterval: "15s" } });
  });

  it("provides the dashboards from the mounted directory", () => {
    const file = artifacts.find((a) => a.path === "grafana/provisioning/dashboards/obsgen.yml");
    const doc = parse(file?.content ?? "") as { providers: { type: string; options: { path: string } }[] };
    expect(doc.providers[0]).toMatchObject({ type: "file", options: { path: "/var/lib/grafana/dashboards" } });
  });
});

describe("the PromQL builder", () => {
  const m = templateMatchers(["job", "instance"]);
  it.each([
    ["x", 'x{job=~"$job",instance=~"$instance"}'],
    ['x{a="b"}', 'x{job=~"$job",instance=~"$instance",a="b"}'],
    ["x{}", 'x{job=~"$job",instance=~"$instance"}'],
    ['x{job="api"}', 'x{instance=~"$instance",job="api"}'],
    ["sum(rate(x[$__rate_interval])) / sum(y)", 'sum(rate(x{job=~"$job",instance=~"$instance"}[$__rate_interval])) / sum(y{job=~"$job",instance=~"$instance"})'],
  ])("adds the template matchers to %s", (input, want) => {
    const out = withMatchers(input, m);
    expect(out).toBe(want);
    expect(parseQuery(out).problems).toEqual([]);
  });

  it("keeps offsets when masking Grafana variables", () => {
    const q = parseQuery("rate(x[$__rate_interval]) * $scale");
    expect(q.masked.length).toBe(q.text.length);
    expect(q.problems).toEqual([]);
  });
});
