// grafana/dashboard-linter's rules, over dashboard JSON, plus the spec-aware ones it cannot have:
// a counter must be rated, only counters may be rated, and refresh is bounded by the scrape.
import { selectors, toAst, walk, type Expr, type Selector } from "../promql/ast.js";
import { parseDuration } from "../promql/duration.js";
import { isCounterSafe, isRateFunction } from "../promql/functions.js";
import { parseQuery } from "../promql/parse.js";
import { splitHistogramSeries } from "../conventions/names.js";
import { ALL_VALUE, DATASOURCE_TYPE, DATASOURCE_VARIABLE } from "../conventions/grafana.js";
import { ALERT_SIGNALS_TAG } from "../conventions/oncall.js";
import type { MetricModel } from "../model/types.js";
import { datasourceUid, type LintDashboard, type LintPanel, type LintTarget } from "./dashboard-json.js";

export interface LintContext {
  /** Metrics of the spec, by series name (histograms under their _bucket/_sum/_count names too). */
  metrics: ReadonlyMap<string, MetricModel>;
  /** The spec's scrape interval, when a spec is known. */
  scrapeInterval?: string;
}

export interface LintFinding {
  rule: string;
  /** Panel title, when the finding is about a panel or one of its targets. */
  panel?: string;
  message: string;
}

export interface LintRule {
  id: string;
  description: string;
  check(dash: LintDashboard, ctx: LintContext): LintFinding[];
}


const VARIABLE_REF = new RegExp(`^\\$\\{?${DATASOURCE_VARIABLE}\\}?$`);

function panelRule(id: string, description: string, check: (p: LintPanel, ctx: LintContext) => string[]): LintRule {
  return { id, description, check: (dash, ctx) => dash.panels.flatMap((p) => check(p, ctx).map((message) => ({ rule: id, panel: p.title, message }))) };
}

interface ParsedTarget {
  target: LintTarget;
  ast?: Expr;
  error?: string;
}

function parsedTargets(p: LintPanel): ParsedTarget[] {
  return p.targets.flatMap((target): ParsedTarget[] => {
    if (target.expr === undefined) return [];
    const q = parseQuery(target.expr);
    const problem = q.problems[0];
    if (problem) return [{ target, error: `${problem.message} at offset ${problem.offset}` }];
    const ast = toAst(q);
    return ast ? [{ target, ast }] : [];
  });
}

function targetRule(id: string, description: string, check: (t: ParsedTarget & { ast: Expr }, ctx: LintContext) => string[]): LintRule {
  return panelRule(id, description, (p, ctx) =>
    parsedTargets(p).flatMap((t) => (t.ast ? check({ ...t, ast: t.ast }, ctx).map((m) => `target ${t.target.refId}: ${m}`) : [])),
  );
}

function filterVariableRule(name: "job" | "instance"): LintRule {
  return {
    id: `template-${name}-rule`,
    description: `a multi-value "${name}" query variable with All = ${ALL_VALUE}`,
    check(dash) {
      const v = dash.variables.find((x) => x.name === name);
      const problems: string[] = [];
      if (!v) problems.push(`the dashboard has no "${name}" template variable; add a query variable label_values(<metric>, ${name})`);
      else {
        if (v.type !== "query") problems.push(`variable "${name}" is a ${v.type} variable; it must be a query variable`);
        if (datasourceUid(v.datasource) === undefined || !VARIABLE_REF.test(datasourceUid(v.datasource) ?? "")) {
          problems.push(`variable "${name}" must query the $${DATASOURCE_VARIABLE} datasource`);
        }
        if (v.multi !== true) problems.push(`variable "${name}" must allow several values (multi: true)`);
        if (v.includeAll !== true) problems.push(`variable "${name}" must offer All (includeAll: true)`);
        else if (v.allValue !== ALL_VALUE) problems.push(`variable "${name}" must use allValue "${ALL_VALUE}", not ${JSON.stringify(v.allValue ?? null)}, so All matches every series`);
      }
      return problems.map((message) => ({ rule: `template-${name}-rule`, message }));
    },
  };
}

function hasVariableMatcher(sel: Selector, label: string): boolean {
  return sel.matchers.some((m) => m.label === label && (m.op === "=~" || m.op === "=") && (m.value === `$${label}` || m.value === `\${${label}}`));
}

/** A series recorded by a rule (level:metric:operations): its aggregation may have removed the label. */
function isRecorded(sel: Selector): boolean {
  return sel.name?.includes(":") === true;
}

/** Pinned to one value by an equality matcher: narrower than any value of the variable. */
function isPinned(sel: Selector, label: string): boolean {
  return sel.matchers.some((m) => m.label === label && m.op === "=" && !m.value.startsWith("$"));
}

function filterTargetRule(label: "job" | "instance"): LintRule {
  return targetRule(`target-${label}-rule`, `every selector of a scraped series is filtered by ${label}=~"$${label}" (or pinned to one ${label})`, (t) =>
    selectors(t.ast)
      .filter((s) => !hasVariableMatcher(s, label) && !isPinned(s, label) && !(label === "instance" && isRecorded(s)))
      .map((s) => `selector ${s.name ?? "{…}"} is not filtered by ${label}=~"$${label}"`),
  );
}

function specMetric(ctx: LintContext, series: string): { metric: MetricModel; histogramSeries: boolean } | undefined {
  const direct = ctx.metrics.get(series);
  if (direct) return { metric: direct, histogramSeries: false };
  const split = splitHistogramSeries(series);
  const base = split ? ctx.metrics.get(split.base) : undefined;
  return base?.type === "histogram" ? { metric: base, histogramSeries: true } : undefined;
}

/** Selectors with the functions that enclose them. */
function selectorsWithParents(ast: Expr): { sel: Selector; parents: readonly Expr[] }[] {
  const out: { sel: Selector; parents: readonly Expr[] }[] = [];
  walk(ast, (e, parents) => {
    if (e.kind === "selector") out.push({ sel: e, parents });
  });
  return out;
}

// increase over a fixed window is a count over a stated window ("conflicts per hour"), not a rate.
const rateIntervalRule = targetRule("target-rate-interval-rule", "rate and irate use $__rate_interval (alert-signal dashboards draw the alerts' own windows)", (t) =>
  selectorsWithParents(t.ast).flatMap(({ sel, parents }) => {
    const fn = parents[parents.length - 1];
    if (fn?.kind !== "call" || !isRateFunction(fn.fn) || fn.fn === "increase") return [];
    return sel.range === "$__rate_interval" ? [] : [`${fn.fn}(${sel.name ?? "…"}[${sel.range ?? ""}]) uses a fixed window; use [$__rate_interval]`];
  }),
);

export const LINT_RULES: readonly LintRule[] = [
  {
    id: "template-datasource-rule",
    description: `a "${DATASOURCE_VARIABLE}" variable of type ${DATASOURCE_TYPE}`,
    check(dash) {
      const v = dash.variables.find((x) => x.name === DATASOURCE_VARIABLE);
      const fail = (message: string): LintFinding[] => [{ rule: "template-datasource-rule", message }];
      if (!v) return fail(`the dashboard has no "${DATASOURCE_VARIABLE}" template variable; add a datasource variable of type ${DATASOURCE_TYPE}`);
      if (v.type !== "datasource") return fail(`variable "${DATASOURCE_VARIABLE}" is a ${v.type} variable; it must be a datasource variable`);
      if (v.query !== DATASOURCE_TYPE) return fail(`variable "${DATASOURCE_VARIABLE}" lists ${JSON.stringify(v.query)} datasources; it must list ${DATASOURCE_TYPE}`);
      return [];
    },
  },
  filterVariableRule("job"),
  filterVariableRule("instance"),
  panelRule("panel-datasource-rule", `every panel and target uses the $${DATASOURCE_VARIABLE} variable`, (p) => {
    const out: string[] = [];
    if (!VARIABLE_REF.test(datasourceUid(p.datasource) ?? "")) out.push(`the panel's datasource is ${JSON.stringify(p.datasource ?? null)}, not $${DATASOURCE_VARIABLE}`);
    for (const t of p.targets) {
      if (!VARIABLE_REF.test(datasourceUid(t.datasource) ?? "")) out.push(`target ${t.refId}: datasource is ${JSON.stringify(t.datasource ?? null)}, not $${DATASOURCE_VARIABLE}`);
    }
    return out;
  }),
  panelRule("panel-title-description-rule", "every panel has a title and a description", (p) => [
    ...(p.title.trim() === "" ? ["the panel has no title"] : []),
    ...((p.description ?? "").trim() === "" ? ["the panel has no description; say what it shows and how to read it"] : []),
  ]),
  panelRule("panel-units-rule", "every panel states its unit", (p) => (p.unit === undefined || p.unit === "" ? ["the panel has no unit (fieldConfig.defaults.unit); use short for plain counts"] : [])),
  panelRule("panel-no-targets-rule", "every panel has a query", (p) => (p.targets.length === 0 ? ["the panel has no targets"] : [])),
  panelRule("target-promql-rule", "every target's expression parses", (p) =>
    parsedTargets(p).flatMap((t) => (t.error !== undefined ? [`target ${t.target.refId}: PromQL does not parse: ${t.error}`] : [])),
  ),
  filterTargetRule("job"),
  filterTargetRule("instance"),
  // A triage panel must show exactly what its alert evaluates, window included.
  { ...rateIntervalRule, check: (dash, ctx) => (dash.tags.includes(ALERT_SIGNALS_TAG) ? [] : rateIntervalRule.check(dash, ctx)) },
  targetRule("target-counter-agg-rule", "counters are graphed through rate or increase", (t, ctx) =>
    selectorsWithParents(t.ast).flatMap(({ sel, parents }) => {
      const found = sel.name !== undefined ? specMetric(ctx, sel.name) : undefined;
      const isCounter = found ? found.metric.type === "counter" || found.histogramSeries : sel.name?.endsWith("_total") === true;
      if (!isCounter) return [];
      const safe = parents.some((p) => p.kind === "call" && isCounterSafe(p.fn));
      return safe ? [] : [`counter ${sel.name ?? ""} is graphed raw; wrap it in rate() or increase()`];
    }),
  ),
  targetRule("target-rate-over-counter-rule", "rate, irate and increase only over counters", (t, ctx) =>
    selectorsWithParents(t.ast).flatMap(({ sel, parents }) => {
      const fn = parents[parents.length - 1];
      if (fn?.kind !== "call" || !isRateFunction(fn.fn) || sel.name === undefined) return [];
      const found = specMetric(ctx, sel.name);
      if (!found || found.metric.type === "counter" || found.histogramSeries) return [];
      return [`${fn.fn}() over ${sel.name}, a ${found.metric.type}: ${fn.fn} assumes a counter that only grows; use the gauge's value, or deriv() for its slope`];
    }),
  ),
  {
    id: "dashboard-refresh-rule",
    description: "refresh is not faster than the scrape interval",
    check(dash, ctx) {
      if (dash.refresh === undefined || dash.refresh === "" || ctx.scrapeInterval === undefined) return [];
      const refresh = parseDuration(dash.refresh);
      const scrape = parseDuration(ctx.scrapeInterval);
      if (refresh === undefined || scrape === undefined || refresh >= scrape) return [];
      return [{ rule: "dashboard-refresh-rule", message: `refresh ${dash.refresh} is faster than the scrape interval ${ctx.scrapeInterval}: every other refresh shows the same data; use ${ctx.scrapeInterval} or slower` }];
    },
  },
  {
    id: "uneditable-dashboard-rule",
    description: "generated dashboards are not editable",
    check(dash) {
      return dash.editable === false ? [] : [{ rule: "uneditable-dashboard-rule", message: "the dashboard is editable; generated dashboards set editable: false (edit the spec instead)" }];
    },
  },
];

export function lintDashboard(dash: LintDashboard, ctx: LintContext): LintFinding[] {
  return LINT_RULES.flatMap((r) => r.check(dash, ctx));
}
