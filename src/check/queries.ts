// The service check that analyses every PromQL expression of a spec: panel queries, alert rules
// and recording rules, each finding located at file:line:column inside the query.
import type { Reporter } from "../model/reporter.js";
import { RULES } from "../conventions/rules.js";
import type { RuleInfo } from "../conventions/rules.js";
import type { ServiceModel } from "../model/types.js";
import type { DocPath } from "../conventions/issue.js";
import { bucketNote, QueryAnalyzer, type Catalogue, type FindingKind, type ResultInfo } from "../promql/analyze.js";
import { parseQuery } from "../promql/parse.js";

/** The issue code of each kind of PromQL finding, wherever the expression comes from. */
export const RULE_OF: Readonly<Record<FindingKind, RuleInfo>> = {
  syntax: RULES.promqlSyntax,
  unknownMetric: RULES.promqlMetric,
  seriesName: RULES.promqlMetric,
  unknownLabel: RULES.promqlLabel,
  labelValue: RULES.promqlLabelValue,
  rateOverGauge: RULES.promqlCounterUse,
  rawCounter: RULES.promqlCounterUse,
  quantile: RULES.promqlQuantile,
  removedLabel: RULES.promqlGrouping,
  bucketThreshold: RULES.promqlBucketThreshold,
  ratio: RULES.promqlRatio,
  nonAdditive: RULES.promqlNonAdditive,
};

interface Expression {
  /** "panel \"Operation Success Rate\"", "alert \"HighErrorRate\"", … */
  owner: string;
  path: DocPath;
  expr: string;
}

function analyse(expr: string, cat: Catalogue): { analyzer: QueryAnalyzer; result: ResultInfo | undefined } {
  const analyzer = new QueryAnalyzer(parseQuery(expr), cat);
  return { analyzer, result: analyzer.run() };
}

/** Labels each recording rule's series carry; rules may use each other, in any order. */
function recordedLabels(service: ServiceModel): Map<string, ReadonlySet<string> | undefined> {
  const rules = service.recordingRules;
  const recorded = new Map<string, ReadonlySet<string> | undefined>(rules.map((r) => [r.record, undefined]));
  for (let pass = 0; pass < Math.max(1, rules.length); pass++) {
    for (const r of rules) {
      const { result } = analyse(r.expr, { metrics: service.metricsByName, recorded });
      const extra = Object.keys(r.labels ?? {});
      recorded.set(r.record, result?.labels ? new Set([...result.labels, ...extra]) : undefined);
    }
  }
  return recorded;
}

export function checkQueries(service: ServiceModel, report: Reporter): void {
  const cat: Catalogue = { metrics: service.metricsByName, recorded: recordedLabels(service) };
  const emit = (owner: string, path: DocPath, severity: "error" | "warning", rule: RuleInfo, message: string, hint: string, offset?: number): void => {
    const opts = offset !== undefined ? { hint, offset } : { hint };
    if (severity === "error") report.error(rule, path, `${owner}: ${message}`, opts);
    else report.warning(rule, path, `${owner}: ${message}`, opts);
  };
  const run = (e: Expression): ResultInfo | undefined => {
    const { analyzer, result } = analyse(e.expr, cat);
    for (const f of analyzer.findings) emit(e.owner, e.path, f.severity, RULE_OF[f.kind], f.message, f.hint, f.offset);
    return result;
  };

  service.dashboards.forEach((dash, d) =>
    dash.rows.forEach((row, r) =>
      row.panels.forEach((panel, p) => {
        const panelPath = ["dashboards", d, "rows", r, "panels", p];
        const owner = `panel "${panel.title}"`;
        const results = panel.queries.map((q, i) => {
          const result = run({ owner, path: [...panelPath, "queries", i, "expr"], expr: q.expr });
          if (result?.labels && q.legend !== undefined) checkLegend(q.legend, result, owner, [...panelPath, "queries", i, "legend"], emit);
          return result;
        });
        const histogram = results.find((res) => res?.quantileOf)?.quantileOf;
        if (histogram) {
          panel.thresholds?.forEach((step, s) => {
            const note = step.value !== undefined ? bucketNote(step.value, histogram) : undefined;
            if (note) emit(owner, [...panelPath, "thresholds", s, "value"], "warning", RULES.promqlBucketThreshold, note.message, note.hint);
          });
        }
      }),
    ),
  );
  service.alerts.forEach((alert, a) => run({ owner: `alert "${alert.name}"`, path: ["alerts", a, "expr"], expr: alert.expr }));
  service.recordingRules.forEach((rule, i) => run({ owner: `recording rule "${rule.record}"`, path: ["recordingRules", i, "expr"], expr: rule.expr }));
}

type Emit = (owner: string, path: DocPath, severity: "error" | "warning", rule: RuleInfo, message: string, hint: string, offset?: number) => void;

function checkLegend(legend: string, result: ResultInfo, owner: string, path: DocPath, emit: Emit): void {
  for (const m of legend.matchAll(/\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g)) {
    const label = m[1] ?? "";
    if (result.labels?.has(label)) continue;
    const kept = result.labels && result.labels.size > 0 ? `keeps only ${[...result.labels].sort().join(", ")}` : "keeps no labels";
    emit(owner, path, "error", RULES.promqlGrouping, `legend "${legend}" names label "${label}", which the query's result does not have (${result.shape} ${kept})`,
      `add "${label}" to the aggregation's by (…), or write the legend as fixed text`, m.index);
  }
}
