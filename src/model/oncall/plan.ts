// The on-call plan of one service: every alerting and recording rule Prometheus will evaluate,
// resolved from the spec once. The spec's alerts keep job and the deployment labels, carry the
// alerting selector, their severity tiers and traffic floor; the service gets outage alerts, a
// Watchdog, SLO recording rules and burn-rate alerts, and a cost alert derived from its budget.
// The rule file, its unit tests, the runbooks, the triage dashboards and Alertmanager all read
// this plan, so they cannot disagree; the check stage analyses every expression in it.
import { pascalCase } from "../../conventions/names.js";
import {
  BURN_RATE_WINDOWS,
  burnRateFactor,
  COST_ALERT,
  JOB_LABEL,
  SLO_LABEL,
  TARGET_ABSENT_ALERT,
  TARGET_DOWN_ALERT,
  UP_SERIES,
  WATCHDOG_ALERT,
} from "../../conventions/oncall.js";
import type { MatcherSpec } from "../../promql/build.js";
import { comparisonOf, formatNumber, keepingLabels, parseMatchers, withSelector, withThreshold, withTrafficFloor } from "../../promql/rewrite.js";
import { sloRecordingRules, sloBurnExpr, sloBurnSignal, type SloRule } from "../../promql/slo.js";
import type { ServiceModel, SloModel } from "../types.js";
import type { DocPath } from "../../spec/source.js";

/** Where a planned rule comes from, for diagnostics and for the runbook's "source" line. */
export type Origin =
  | { kind: "spec"; index: number; tier?: number }
  | { kind: "outage" }
  | { kind: "watchdog" }
  | { kind: "slo"; index: number }
  | { kind: "cost" };

export interface Signal {
  /** The expression the alert compares (without its threshold), for a panel. */
  expr: string;
  op: string;
  threshold: number;
  unit?: string;
}

export interface PlannedAlert {
  name: string;
  expr: string;
  for: string;
  severity: string;
  /** Static labels besides severity. */
  labels: Readonly<Record<string, string>>;
  summary: string;
  description: string;
  /** An explicit runbook URL from the spec; the generated runbook's otherwise. */
  runbookUrl?: string;
  origin: Origin;
  /** Spec path that diagnostics about this rule point at. */
  path: DocPath;
  signal?: Signal;
  why: string;
  causes: readonly string[];
  firstSteps: readonly string[];
  /** Queries worth running while on call, besides the expression. */
  queries: readonly string[];
  /** The spec panel (by key) that shows the signal, when the spec names one. */
  panel?: string;
}

export interface PlannedRecording {
  record: string;
  expr: string;
  labels?: Readonly<Record<string, string>>;
  path: DocPath;
}

export interface OncallPlan {
  recording: PlannedRecording[];
  alerts: PlannedAlert[];
  /** Labels every alert aggregation keeps: job and the spec's keepLabels. */
  keep: readonly string[];
  selector: readonly MatcherSpec[];
}

const plans = new WeakMap<ServiceModel, OncallPlan>();

/** The service's plan, computed once per resolved service. Throws only on internal errors. */
export function oncallPlan(service: ServiceModel): OncallPlan {
  const cached = plans.get(service);
  if (cached) return cached;
  const plan = buildPlan(service);
  plans.set(service, plan);
  return plan;
}

/** The alerting selector's matchers, or [] when it is absent or does not parse (the check reports it). */
export function alertingSelector(service: ServiceModel): MatcherSpec[] {
  const text = service.alerting.selector;
  if (text === undefined) return [];
  try {
    return parseMatchers(text);
  } catch {
    return [];
  }
}

export function keptLabels(service: ServiceModel): string[] {
  return [JOB_LABEL, ...service.alerting.keepLabels.filter((l) => l !== JOB_LABEL)];
}

/**
 * Spec text placed in a generated annotation, which Prometheus expands as a Go template: any
 * `{{` is written as a template that prints it, so the text cannot run template code.
 */
export function templateText(text: string): string {
  return text.replace(/\{\{/g, '{{ "{{" }}');
}

/** An expression rewrite that fails (a spec expression that does not parse) leaves the text alone: the check reports it. */
function safely(expr: string, f: (e: string) => string): string {
  try {
    return f(expr);
  } catch {
    return expr;
  }
}

function buildPlan(service: ServiceModel): OncallPlan {
  const keep = keptLabels(service);
  const selector = alertingSelector(service);
  const alerts: PlannedAlert[] = [
    ...outageAlerts(service, selector),
    ...service.alerts.flatMap((_, i) => specAlert(service, i, keep, selector)),
    ...costAlert(service, keep, selector),
    ...service.slos.flatMap((slo, i) => sloAlerts(service, slo, i)),
  ];
  const recording: PlannedRecording[] = [
    ...service.recordingRules.map((r, i) => ({ record: r.record, expr: r.expr, ...(r.labels !== undefined ? { labels: r.labels } : {}), path: ["recordingRules", i] })),
    ...service.slos.flatMap((slo) => sloRecordingRules(slo, keep, selector).map((r: SloRule) => ({ ...r, path: [...slo.path, "sli"] }))),
  ];
  return { recording, alerts, keep, selector };
}

function jobMatcher(service: ServiceModel, selector: readonly MatcherSpec[]): MatcherSpec[] {
  return [{ label: JOB_LABEL, op: "=", value: service.scrape.job }, ...selector.filter((m) => m.label !== JOB_LABEL)];
}

function outageAlerts(service: ServiceModel, selector: readonly MatcherSpec[]): PlannedAlert[] {
  const { outage } = service.alerting;
  const job = service.scrape.job;
  const up = withSelector(UP_SERIES, jobMatcher(service, selector));
  const common = {
    for: outage.for,
    severity: outage.severity,
    labels: {},
    origin: { kind: "outage" } as const,
    path: ["scrape", "job"],
    queries: [up, `count by (${JOB_LABEL}) (${up})`, `sum by (${JOB_LABEL}) (${up})`],
  };
  return [
    {
      ...common,
      name: WATCHDOG_ALERT,
      expr: "vector(1)",
      for: "0s",
      severity: "none",
      origin: { kind: "watchdog" },
      summary: "The alerting pipeline works: this alert always fires.",
      description: "Watchdog fires all the time so that a dead man's switch outside this stack notices when Prometheus or Alertmanager stop delivering alerts.",
      why: "If the dead man's switch stops receiving it, nothing else can page either: Prometheus, its rules or Alertmanager are down or cut off.",
      causes: ["Prometheus is down, restarting or overloaded.", "Alertmanager is down or cannot reach the heartbeat receiver.", "The rule file failed to load (promtool check rules)."],
      firstSteps: ["Never silence Watchdog: it firing is the healthy state.", "When the dead man's switch raises its own alarm, open Prometheus' /alerts page and Alertmanager's UI and check both are up."],
      queries: ["ALERTS{alertname=\"Watchdog\"}", "prometheus_notifications_dropped_total", "prometheus_rule_evaluation_failures_total"],
    },
    {
      ...common,
      name: TARGET_DOWN_ALERT,
      expr: `${up} == 0`,
      summary: "A scrape target is down.",
      description: `{{ $labels.instance }} of job {{ $labels.job }} has not answered Prometheus' scrapes for ${outage.for}.`,
      // up is 1 or 0: a line at 0.5 separates the two.
      signal: { expr: up, op: "<", threshold: 0.5 },
      why: `Every other alert of ${job} reads metrics this target no longer reports: while it is down they stay silent, whatever the service does.`,
      causes: ["The process crashed or is restarting.", "Its metrics port is unreachable from Prometheus (network, firewall, DNS).", "Scrapes time out because the process is overloaded."],
      firstSteps: [`Check the process: \`curl -sf http://<instance>${service.scrape.metricsPath}\` from the Prometheus host.`, "Read the target's error on Prometheus' /targets page.", "Restart the instance if it hangs; the job's other alerts are inhibited until it is back."],
    },
    {
      ...common,
      name: TARGET_ABSENT_ALERT,
      expr: `absent(${up})`,
      summary: "A scrape job has no targets.",
      description: `Prometheus has had no target of job ${templateText(job)} for ${outage.for}: the job is not scraped at all.`,
      signal: { expr: `count by (${JOB_LABEL}) (${up})`, op: "<", threshold: 1 },
      why: `Without any target, ${job} reports nothing, and TargetDown cannot fire either: an unscraped service is silent.`,
      causes: ["The scrape config lost the job (a bad deploy of prometheus.yml).", "Service discovery returns no targets.", "Every replica of the service was removed."],
      firstSteps: ["Open Prometheus' /targets and /config pages and look for the job.", "Run `npx obsgen check` to see whether the deployed config is the generated one."],
    },
  ];
}

function specAlert(service: ServiceModel, index: number, keep: readonly string[], selector: readonly MatcherSpec[]): PlannedAlert[] {
  const alert = service.alerts[index];
  if (!alert) return [];
  const base = safely(safely(alert.expr, (e) => withSelector(e, selector)), (e) => keepingLabels(e, keep));
  const comparison = tryComparison(base);
  interface Tier {
    severity: string;
    threshold?: number;
    for: string;
    /** Index in the spec's tiers; absent for the alert's own severity. */
    tier?: number;
    summary?: string;
  }
  const own: Tier = { severity: alert.severity, for: alert.for, ...(comparison ? { threshold: comparison.threshold } : {}) };
  const tiers: Tier[] = [own, ...(alert.tiers ?? []).map((t, k) => ({ severity: t.severity, threshold: t.threshold, for: t.for ?? alert.for, tier: k, ...(t.summary !== undefined ? { summary: t.summary } : {}) }))];
  return tiers.map((t) => {
    const threshold = t.threshold;
    let expr = t.tier === undefined || threshold === undefined ? base : safely(base, (e) => withThreshold(e, threshold));
    if (alert.minRate !== undefined) expr = safely(expr, (e) => withTrafficFloor(e, alert.minRate ?? 0));
    const panel = alert.panel;
    return {
      name: alert.name,
      expr,
      for: t.for,
      severity: t.severity,
      labels: alert.labels ?? {},
      summary: t.summary ?? alert.summary,
      description: alert.description,
      ...(alert.runbook !== undefined ? { runbookUrl: alert.runbook } : {}),
      origin: { kind: "spec", index, ...(t.tier !== undefined ? { tier: t.tier } : {}) },
      path: t.tier === undefined ? ["alerts", index, "expr"] : ["alerts", index, "tiers", t.tier, "threshold"],
      ...(comparison && threshold !== undefined ? { signal: { expr: comparison.signal, op: comparison.op, threshold } } : {}),
      why: alert.impact ?? `${alert.summary} ${alert.description.replace(/\{\{[^}]*\}\}/g, "…")}`,
      causes: alert.causes ?? [],
      firstSteps: alert.firstSteps ?? [],
      queries: comparison ? [comparison.signal] : [],
      ...(panel !== undefined ? { panel } : {}),
    };
  });
}

function tryComparison(expr: string): ReturnType<typeof comparisonOf> {
  try {
    return comparisonOf(expr);
  } catch {
    return undefined;
  }
}

/** The window whose pace of sandbox-hours HighMonthlyCost extrapolates to a month. */
export const COST_WINDOW = "1h";

/** Projected monthly spend: the pace of sandbox-hours over the last hour, over 30 days, × the hourly rate. */
function costAlert(service: ServiceModel, keep: readonly string[], selector: readonly MatcherSpec[]): PlannedAlert[] {
  const cost = service.cost;
  if (cost?.hoursMetric === undefined) return [];
  const metric = service.metricsByName.get(cost.hoursMetric);
  if (metric?.type !== "counter") return [];
  const threshold = cost.monthlyBudget * cost.alertFraction;
  // rate() is sandbox-hours per second: × 3600 × 24 × 30 makes sandbox-hours per 30-day month.
  const signal = safely(`sum(rate(${metric.name}[${COST_WINDOW}])) * 3600 * 24 * 30 * ${formatNumber(cost.ratePerSandboxHour)}`, (e) => keepingLabels(withSelector(e, selector), keep));
  const percent = formatNumber(cost.alertFraction * 100);
  return [
    {
      name: COST_ALERT,
      expr: `${signal} > ${formatNumber(threshold)}`,
      for: "1h",
      severity: "warning",
      labels: {},
      summary: `The projected monthly spend exceeds ${percent} % of the budget.`,
      description: `At the pace of sandbox-hours over the last ${COST_WINDOW}, the month costs {{ $value | humanize }} ${templateText(cost.currency)} (threshold: ${formatNumber(threshold)} ${templateText(cost.currency)}, ${percent} % of the ${formatNumber(cost.monthlyBudget)} ${templateText(cost.currency)} budget, ${formatNumber(Math.floor(cost.monthlyBudget / cost.ratePerSandboxHour))} sandbox-hours).`,
      origin: { kind: "cost" },
      path: ["cost", "hoursMetric"],
      signal: { expr: signal, op: ">", threshold, unit: `currency${cost.currency}` },
      why: `The month's bill follows sandbox-hours at ${formatNumber(cost.ratePerSandboxHour)} ${cost.currency} each; at this pace the budget of ${formatNumber(cost.monthlyBudget)} ${cost.currency} runs out before the month does.`,
      causes: ["Sandboxes are kept alive after their work is done (idle sandboxes in the cache).", "A burst of agents or tasks, each with its own sandbox.", "A stuck operation holding its sandbox until the timeout."],
      firstSteps: [
        `Find who spends: \`sum by (project) (increase(${metric.name}[1d]))\`.`,
        "Lower the sandbox cache's idle timeout, or the maximum number of live sandboxes.",
        "Kill sandboxes whose operations are stuck (see the runbook of TooManySandboxes).",
      ],
      queries: [`sum by (project) (increase(${metric.name}[1d]))`, `sum(increase(${metric.name}[30d])) * ${formatNumber(cost.ratePerSandboxHour)}`],
    },
  ];
}

export function sloAlertName(slo: SloModel): string {
  return `${pascalCase(slo.name)}BudgetBurn`;
}

function sloAlerts(service: ServiceModel, slo: SloModel, index: number): PlannedAlert[] {
  const budget = 1 - slo.objective;
  const objective = `${formatNumber(slo.objective * 100)} % over ${slo.window}`;
  return (["critical", "warning"] as const).map((severity) => {
    const windows = BURN_RATE_WINDOWS.filter((w) => w.severity === severity);
    const page = severity === "critical";
    const fastest = windows[0];
    const factors = windows.map((w, i) => `${formatNumber(burnRateFactor(w, slo.windowHours))}×${i === 0 ? " the sustainable rate" : ""} over ${w.long} and ${w.short}`).join(", or ");
    return {
      name: sloAlertName(slo),
      expr: sloBurnExpr(slo, windows, page ? slo.minRate : undefined),
      for: fastest?.for ?? "2m",
      severity,
      labels: { [SLO_LABEL]: slo.name },
      summary: page ? `SLO ${slo.name} burns its error budget fast.` : `SLO ${slo.name} burns its error budget steadily.`,
      description: `${templateText(slo.description)} The error budget (${objective}) burns at more than ${factors}${page ? ": it is gone within days" : ": it runs out before the window ends"}.`,
      origin: { kind: "slo", index },
      path: [...slo.path, "objective"],
      signal: { expr: sloBurnSignal(slo, fastest?.long ?? "1h"), op: ">", threshold: fastest ? burnRateFactor(fastest, slo.windowHours) : 1 },
      why: `${slo.description} Objective ${objective}; the error budget is ${formatNumber(budget * 100)} % of events. ${page ? "At this burn rate the budget is spent within days: act now." : "At this burn rate the budget is spent before the window ends: plan a fix."}`,
      causes: slo.causes,
      firstSteps: slo.firstSteps,
      queries: [sloBurnSignal(slo, "5m"), sloBurnSignal(slo, "1h"), sloBurnSignal(slo, "6h"), sloBurnSignal(slo, "1d")],
    };
  });
}

/** Alerts grouped by name, in plan order: one runbook and one triage panel per name. */
export function alertsByName(plan: OncallPlan): Map<string, PlannedAlert[]> {
  const out = new Map<string, PlannedAlert[]>();
  for (const a of plan.alerts) out.set(a.name, [...(out.get(a.name) ?? []), a]);
  return out;
}

