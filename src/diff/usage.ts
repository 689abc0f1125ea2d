// What in a spec reads a metric, label, label value or bucket: the panels, alerts and recording
// rules whose PromQL references it (parsed with the project's PromQL AST), and the generated
// module's API that embedding services call.
import { HISTOGRAM_SUFFIXES, camelCase } from "../conventions/names.js";
import type { MetricModel, MetricType, ServiceModel } from "../model/types.js";
import { selectors, toAst, walk, type Expr, type Selector } from "../promql/ast.js";
import { parseQuery } from "../promql/parse.js";

export interface QuerySite {
  /** Human description: `panel "Active Sandboxes" (git-operations-e2b/active-sandboxes)`. */
  where: string;
  expr: Expr;
  legends: readonly string[];
}

export function querySites(service: ServiceModel): QuerySite[] {
  const sites: QuerySite[] = [];
  const add = (where: string, exprs: readonly { expr: string; legend?: string | undefined }[]): void => {
    for (const q of exprs) {
      const parsed = parseQuery(q.expr);
      const ast = parsed.problems.length === 0 ? toAst(parsed) : undefined;
      if (ast) sites.push({ where, expr: ast, legends: q.legend !== undefined ? [q.legend] : [] });
    }
  };
  for (const d of service.dashboards) {
    for (const row of d.rows) for (const p of row.panels) add(`panel "${p.title}" (${d.uid}/${p.key})`, p.queries);
  }
  for (const a of service.alerts) add(`alert ${a.name}`, [{ expr: a.expr }]);
  for (const r of service.recordingRules) add(`recording rule ${r.record}`, [{ expr: r.expr }]);
  return sites;
}

function seriesNames(metric: MetricModel): string[] {
  return metric.type === "histogram" ? HISTOGRAM_SUFFIXES.map((s) => metric.name + s) : [metric.name];
}

function selectorsOf(site: QuerySite, metric: MetricModel): Selector[] {
  const names = new Set(seriesNames(metric));
  return selectors(site.expr).filter((s) => s.name !== undefined && names.has(s.name));
}

function unique(xs: readonly string[]): string[] {
  return [...new Set(xs)];
}

export function usesOfMetric(sites: readonly QuerySite[], metric: MetricModel): string[] {
  return unique(sites.filter((s) => selectorsOf(s, metric).length > 0).map((s) => s.where));
}

/** Sites that match on, group by or print a label of the metric. */
export function usesOfLabel(sites: readonly QuerySite[], metric: MetricModel, label: string): string[] {
  return unique(
    sites
      .filter((site) => {
        if (selectorsOf(site, metric).length === 0) return false;
        if (selectorsOf(site, metric).some((sel) => sel.matchers.some((m) => m.label === label))) return true;
        if (site.legends.some((l) => l.includes(`{{${label}}}`))) return true;
        let grouped = false;
        walk(site.expr, (e) => {
          if (e.kind === "aggregation" && e.grouping?.labels.includes(label)) grouped = true;
          if (e.kind === "binary" && e.matching?.labels.includes(label)) grouped = true;
        });
        return grouped;
      })
      .map((s) => s.where),
  );
}

function matchesValue(op: string, pattern: string, value: string): boolean {
  if (op === "=") return pattern === value;
  if (op !== "=~") return false;
  try {
    return new RegExp(`^(?:${pattern})$`).test(value);
  } catch {
    return false;
  }
}

/** Sites that select the value explicitly (`label="v"`, or a regex that matches it). */
export function usesOfLabelValue(sites: readonly QuerySite[], metric: MetricModel, label: string, value: string): string[] {
  return unique(
    sites
      .filter((site) => selectorsOf(site, metric).some((sel) => sel.matchers.some((m) => m.label === label && matchesValue(m.op, m.value, value))))
      .map((s) => s.where),
  );
}

/** Sites that read the histogram's buckets: their quantiles and heatmaps change with the layout. */
export function usesOfBuckets(sites: readonly QuerySite[], metric: MetricModel): string[] {
  const bucketSeries = metric.name + HISTOGRAM_SUFFIXES[0];
  return unique(sites.filter((s) => selectors(s.expr).some((sel) => sel.name === bucketSeries)).map((s) => s.where));
}

const METHODS: Readonly<Record<MetricType, string>> = { counter: "inc", gauge: "set", histogram: "observe" };

/** The call an embedding service writes, e.g. `metrics.gitOperationTotal.inc({status: "retry"})`. */
export function apiCall(metric: MetricModel, labels?: Readonly<Record<string, string>>): string {
  const args = labels === undefined ? "…" : `{${Object.entries(labels).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join(", ")}}`;
  return `metrics.${camelCase(metric.name)}.${METHODS[metric.type]}(${args})`;
}

export function methodsOf(type: MetricType): string {
  return { counter: "inc()", gauge: "set()/inc()/dec()", histogram: "observe()" }[type];
}

