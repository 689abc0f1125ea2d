// Checks of the on-call parts of a spec, with positions: the alerting selector and kept labels,
// severity tiers and traffic floors that fit their expressions, the cost counter, the SLIs'
// selectors; then every expression of the on-call plan (rewritten alerts, outage and SLO rules)
// goes through the same PromQL analysis as the spec's own queries.
import { COUNTER_SUFFIX, isReservedLabel, LABEL_NAME } from "../conventions/names.js";
import { JOB_LABEL, UP_SERIES } from "../conventions/oncall.js";
import { SEVERITIES } from "../conventions/alerting.js";
import type { Reporter } from "../model/reporter.js";
import { RULES } from "../conventions/rules.js";
import type { Model, ServiceModel, SloModel } from "../model/types.js";
import { QueryAnalyzer, type Catalogue } from "../promql/analyze.js";
import { selectors, toAst } from "../promql/ast.js";
import { parseQuery } from "../promql/parse.js";
import { comparisonOf, parseMatchers, ratioDenominator } from "../promql/rewrite.js";
import { oncallDashboards } from "../model/oncall/dashboards.js";
import { oncallPlan } from "../model/oncall/plan.js";
import { RULE_OF } from "./queries.js";

function parses(expr: string): boolean {
  return parseQuery(expr).problems.length === 0;
}

function checkAlerting(service: ServiceModel, report: Reporter): boolean {
  const { alerting } = service;
  let ok = true;
  if (alerting.selector !== undefined) {
    try {
      parseMatchers(alerting.selector);
    } catch {
      ok = false;
      report.error(RULES.alertingConfig, ["alerting", "selector"], `alerting.selector "${alerting.selector}" is not a list of label matchers`, {
        hint: 'write matchers as inside {…}: cluster="prod", namespace=~"git-.*"',
      });
    }
  }
  alerting.keepLabels.forEach((label, i) => {
    if (label !== JOB_LABEL && LABEL_NAME.test(label) && isReservedLabel(label) && label !== "instance") {
      report.error(RULES.alertingConfig, ["alerting", "keepLabels", i], `"${label}" cannot be kept by alert aggregations`, { hint: "keep deployment labels such as cluster or namespace" });
    }
  });
  for (const kind of ["webhook", "heartbeat"] as const) {
    const hook = alerting.receivers?.[kind];
    if (!hook) continue;
    let parsed: URL | undefined;
    try {
      parsed = new URL(hook.url);
    } catch {
      parsed = undefined;
    }
    // The URL is written into alertmanager.yml: a token in it would be a secret in a generated file.
    if (parsed && (parsed.username !== "" || parsed.password !== "" || parsed.search !== "")) {
      report.error(RULES.alertingConfig, ["alerting", "receivers", kind, "url"], `the ${kind} URL carries a credential (a user, password or query string), which would be written into alertmanager.yml`, {
        hint: "put the token in a file the deployment mounts and name it in bearerTokenFile",
      });
    }
  }
  if (!(SEVERITIES as readonly string[]).includes(alerting.outage.severity)) {
    report.error(RULES.alertSeverity, ["alerting", "outage", "severity"], `severity "${alerting.outage.severity}" is not one of ${SEVERITIES.join(", ")}`);
  }
  return ok;
}

function checkSpecAlerts(service: ServiceModel, report: Reporter): void {
  service.alerts.forEach((alert, a) => {
    if (!parses(alert.expr)) return;
    const at = ["alerts", a];
    if (alert.minRate !== undefined && ratioDenominator(alert.expr) === undefined) {
      report.error(RULES.alertTier, [...at, "minRate"], `alert "${alert.name}" has a traffic floor but its expression is no ratio compared against a number`, {
        hint: "minRate applies to alerts like sum(rate(errors[5m])) / sum(rate(total[5m])) > 0.1: the floor is on the denominator",
      });
    }
    const tiers = alert.tiers ?? [];
    if (tiers.length === 0) return;
    const comparison = comparisonOf(alert.expr);
    if (!comparison) {
      report.error(RULES.alertTier, [...at, "tiers"], `alert "${alert.name}" has severity tiers but its expression does not end in a comparison with a number`, {
        hint: "write the expression as <signal> > <threshold of severity>; each tier replaces the threshold",
      });
      return;
    }
    const seen = new Set([alert.severity]);
    tiers.forEach((tier, t) => {
      if (!(SEVERITIES as readonly string[]).includes(tier.severity)) {
        report.error(RULES.alertSeverity, [...at, "tiers", t, "severity"], `severity "${tier.severity}" is not one of ${SEVERITIES.join(", ")}`);
      } else if (seen.has(tier.severity)) {
        report.error(RULES.alertTier, [...at, "tiers", t, "severity"], `alert "${alert.name}" has two tiers of severity "${tier.severity}"`);
      }
      seen.add(tier.severity);
      const summary = tier.summary?.trim();
      if (summary !== undefined && (!/^[A-Z]/.test(summary) || !summary.endsWith(".") || summary.includes("\n"))) {
        report.error(RULES.alertSummary, [...at, "tiers", t, "summary"], `summary of tier "${tier.severity}" of "${alert.name}" is not a capitalised one-line sentence`, {
          hint: 'start with a capital letter and end with a period, e.g. "More than 10 % of git operations fail."',
        });
      }
      const rank = (s: string): number => SEVERITIES.indexOf(s as (typeof SEVERITIES)[number]);
      const above = comparison.op.startsWith(">");
      const stricter = rank(tier.severity) < rank(alert.severity);
      const further = above ? tier.threshold > comparison.threshold : tier.threshold < comparison.threshold;
      if (tier.threshold !== comparison.threshold && stricter !== further) {
        report.error(RULES.alertTier, [...at, "tiers", t, "threshold"],
          `tier "${tier.severity}" of "${alert.name}" fires at ${tier.threshold}, ${further ? "past" : "before"} the ${alert.severity} threshold ${comparison.threshold}: a more severe tier must need a worse signal`,
          { hint: `with "${comparison.op}", put critical ${above ? "above" : "below"} warning` });
      }
    });
  });
}

function checkCost(service: ServiceModel, report: Reporter): void {
  const name = service.cost?.hoursMetric;
  if (name === undefined) return;
  const metric = service.metricsByName.get(name);
  if (metric?.type !== "counter") {
    const counters = service.metrics.filter((m) => m.type === "counter" && m.name.endsWith(COUNTER_SUFFIX)).map((m) => m.name);
    report.error(RULES.cost, ["cost", "hoursMetric"], metric ? `"${name}" is a ${metric.type}; spend is computed from a counter of sandbox-hours` : `"${name}" is not a declared metric`, {
      hint: `declared counters: ${counters.join(", ")}`,
    });
  }
}

function checkSli(service: ServiceModel, slo: SloModel, report: Reporter): void {
  if (slo.sli.kind === "latency") {
    if (slo.sli.matchers !== undefined) {
      try {
        parseMatchers(slo.sli.matchers);
      } catch {
        report.error(RULES.slo, [...slo.path, "sli", "latency", "matchers"], `"${slo.sli.matchers}" is not a list of label matchers`, { hint: 'e.g. operation="push"' });
      }
    }
    return;
  }
  const sides = { good: slo.sli.good, total: slo.sli.total };
  for (const [side, text] of Object.entries(sides)) {
    const at = [...slo.path, "sli", "events", side];
    const parsed = parseQuery(text);
    const ast = parsed.problems.length === 0 ? toAst(parsed) : undefined;
    const metric = ast?.kind === "selector" && ast.range === undefined && ast.name !== undefined ? service.metricsByName.get(ast.name) : undefined;
    if (!ast || ast.kind !== "selector" || ast.range !== undefined) {
      report.error(RULES.slo, at, `the ${side} events of SLO "${slo.name}" must be one series selector, e.g. git_operation_total{status="success"}`, { hint: "obsgen wraps it in rate(…[window]) and sums it" });
    } else if (metric?.type !== "counter") {
      report.error(RULES.slo, at, `the ${side} events of SLO "${slo.name}" must count events: ${metric ? `"${metric.name}" is a ${metric.type}` : `"${ast.name ?? "?"}" is not a declared metric`}`, {
        hint: "name a declared counter",
      });
    } else if (selectors(ast).length !== 1) {
      report.error(RULES.slo, at, `the ${side} events of SLO "${slo.name}" must be one selector`);
    }
  }
}

export function checkOncall(service: ServiceModel, report: Reporter, model: Model): void {
  const selectorOk = checkAlerting(service, report);
  checkSpecAlerts(service, report);
  checkCost(service, report);
  for (const slo of service.slos) checkSli(service, slo, report);
  if (!selectorOk) return;
  const plan = oncallPlan(service);
  const recorded = new Map<string, ReadonlySet<string> | undefined>([[UP_SERIES, new Set([JOB_LABEL, "instance"])]]);
  for (const r of plan.recording) recorded.set(r.record, undefined);
  const extra = [...new Set([...service.alerting.keepLabels, ...plan.selector.map((m) => m.label)])].filter((l) => l !== JOB_LABEL);
  for (const label of extra) recorded.set(UP_SERIES, new Set([...(recorded.get(UP_SERIES) ?? []), label]));
  const cat: Catalogue = { metrics: service.metricsByName, recorded, targetLabels: extra };
  const seen = new Set<string>();
  const findings = (expr: string): QueryAnalyzer["findings"] => {
    const analyzer = new QueryAnalyzer(parseQuery(expr), cat);
    analyzer.run();
    return analyzer.findings;
  };
  /** `known`: findings of the spec's own expression, which the query check reports already. */
  const analyse = (owner: string, path: readonly (string | number)[], expr: string, known: ReadonlySet<string> = new Set()): void => {
    for (const f of findings(expr)) {
      if (f.severity !== "error" || known.has(`${f.kind}|${f.message}`)) continue;
      const key = `${path.join(".")}|${f.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      report.error(RULE_OF[f.kind], path, `${owner}, as generated: ${f.message}`, { hint: `${f.hint} (generated expression: ${expr.replace(/\s+/g, " ")})` });
    }
  };
  // Spec expressions that do not parse are reported by the query check; their rewrites are not analysed again.
  for (const r of plan.recording) if (r.path[0] !== "recordingRules") analyse(`recording rule "${r.record}"`, r.path, r.expr);
  for (const a of plan.alerts) {
    const original = a.origin.kind === "spec" ? (service.alerts[a.origin.index]?.expr ?? "") : undefined;
    if (original !== undefined && !parses(original)) continue;
    const known = new Set(original !== undefined ? findings(original).map((f) => `${f.kind}|${f.message}`) : []);
    analyse(`alert "${a.name}" (${a.severity})`, a.path, a.expr, known);
  }
  // Triage panels draw the spec's alert signals: findings of the spec's expressions are reported there already.
  const specFindings = new Set(service.alerts.filter((a) => parses(a.expr)).flatMap((a) => findings(a.expr).map((f) => `${f.kind}|${f.message}`)));
  for (const d of oncallDashboards(service)) {
    for (const row of d.spec.rows) {
      for (const panel of row.panels) {
        for (const q of panel.queries) analyse(`panel "${panel.title}" of the generated dashboard "${d.spec.uid}"`, ["alerting"], q.expr, specFindings);
      }
    }
  }
}
