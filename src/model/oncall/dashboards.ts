// The dashboards every service gets from its on-call plan, as dashboard specs the Grafana generator
// builds like the spec's own: a triage dashboard with one time series per alert, drawing the
// alert's signal with each severity's threshold as a line (the panel the alert links to), and the
// spend of the service; and an SLO dashboard with the SLI against its objective, the error budget
// left and the burn rate over every window against the burn-rate thresholds.
import { ALERT_SIGNALS_TAG, BURN_RATE_WINDOWS, burnRateFactor, SLO_LABEL, SLO_RATIO_WINDOWS, sloErrorRatioRecord } from "../../conventions/oncall.js";
import type { ServiceModel, SloModel } from "../types.js";
import { formatMatcher } from "../../promql/build.js";
import { formatNumber, ratioDenominator, withQuantile } from "../../promql/rewrite.js";
import type { DashboardModel, PanelModel } from "../types.js";
import { runbookUrl, sloDashboardUid, sloPanelId, triageDashboardUid, triagePanels } from "./links.js";
import { type PlannedAlert } from "./plan.js";

export interface OncallDashboard {
  spec: DashboardModel;
  /** Template variables the dashboard filters every selector by. */
  filters: readonly string[];
}

const COLORS: Readonly<Record<string, string>> = { critical: "red", warning: "orange", info: "blue" };
/** Ids of the cost panels on the triage dashboard, after any alert panel's. */
const COST_PANEL_BASE = 1000;

function colorOf(severity: string): string {
  return COLORS[severity] ?? "purple";
}

/** Threshold steps that draw each tier's threshold as a line, coloured by severity. */
function tierThresholds(alerts: readonly PlannedAlert[]): PanelModel["thresholds"] {
  const tiers = alerts.flatMap((a) => (a.signal ? [{ value: a.signal.threshold, color: colorOf(a.severity), op: a.signal.op }] : [])).sort((x, y) => x.value - y.value);
  const first = tiers[0];
  if (!first) return [{ color: "green" }];
  if (first.op.startsWith("<")) {
    // Below the lowest threshold is the worst; above the highest is healthy.
    return [{ color: first.color }, ...tiers.map((t, i) => ({ value: t.value, color: tiers[i + 1]?.color ?? "green" }))];
  }
  return [{ color: "green" }, ...tiers.map((t) => ({ value: t.value, color: t.color }))];
}

function unitOf(alert: PlannedAlert): string {
  if (alert.signal?.unit !== undefined) return alert.signal.unit;
  const expr = alert.signal?.expr ?? "";
  if (/histogram_quantile\(/.test(expr) && /_seconds_bucket/.test(expr)) return "s";
  if (alert.origin.kind === "spec" && ratioDenominator(alert.expr) !== undefined) return "percentunit";
  return "short";
}

function describeTiers(alerts: readonly PlannedAlert[]): string {
  return alerts.flatMap((a) => (a.signal ? [`${a.severity} when ${a.signal.op} ${formatNumber(a.signal.threshold)} for ${a.for}`] : [])).join("; ");
}

function absolute(url: string): boolean {
  return /^https?:\/\//.test(url);
}

function specPanelPath(service: ServiceModel, key: string): string | undefined {
  for (const d of service.dashboards) {
    for (const row of d.rows) {
      const p = row.panels.find((x) => x.key === key);
      if (p) return `/d/${encodeURIComponent(d.uid)}?viewPanel=${p.id}`;
    }
  }
  return undefined;
}

function alertPanel(service: ServiceModel, name: string, id: number, alerts: readonly PlannedAlert[]): PanelModel | undefined {
  const first = alerts[0];
  if (!first?.signal) return undefined;
  const runbook = runbookUrl(service, first);
  const links = [
    ...(absolute(runbook) ? [{ title: `Runbook: ${name}`, url: runbook }] : []),
    ...(first.panel !== undefined ? [{ title: "Service dashboard panel", url: specPanelPath(service, first.panel) ?? "" }].filter((l) => l.url !== "") : []),
  ];
  const quantiles = [0.5, 0.99].flatMap((q) => {
    const e = withQuantile(first.signal?.expr ?? "", q);
    return e !== undefined ? [{ expr: e, legend: `p${formatNumber(q * 100)} {{operation}}` }] : [];
  });
  const main = quantiles.length > 0 ? [{ expr: first.signal.expr, legend: "p95 {{operation}}" }, ...quantiles] : [{ expr: first.signal.expr }];
  return {
    id,
    key: name.toLowerCase(),
    title: name,
    kind: "timeseries",
    description: `${first.summary} Fires ${describeTiers(alerts)}. Runbook: ${runbook}`,
    unit: unitOf(first),
    width: 12,
    height: 8,
    legend: "table",
    thresholds: tierThresholds(alerts),
    queries: main,
    ...(links.length > 0 ? { links } : {}),
  };
}

function costPanels(service: ServiceModel): PanelModel[] {
  const cost = service.cost;
  const metric = cost?.hoursMetric !== undefined ? service.metricsByName.get(cost.hoursMetric) : undefined;
  if (!cost || metric?.type !== "counter") return [];
  const rate = formatNumber(cost.ratePerSandboxHour);
  const unit = `currency${cost.currency}`;
  const spend = (by: string): string => `sum${by}(increase(${metric.name}[$__range])) * ${rate}`;
  const total = spend("");
  const budgetHours = Math.floor(cost.monthlyBudget / cost.ratePerSandboxHour);
  const common = { kind: "stat" as const, unit, width: 6, height: 6, thresholds: [{ color: "green" }] };
  const panels: PanelModel[] = [
    { ...common, id: COST_PANEL_BASE, key: "spend-today", title: "Spend Today", timeFrom: "now/d", description: `Sandbox-hours accrued today × ${rate} ${cost.currency}.`, queries: [{ expr: total, legend: "today" }] },
    {
      ...common,
      id: COST_PANEL_BASE + 1,
      key: "spend-month-to-date",
      title: "Spend Month to Date",
      timeFrom: "now/M",
      description: `Sandbox-hours accrued this month × ${rate} ${cost.currency}; the budget is ${formatNumber(cost.monthlyBudget)} ${cost.currency}.`,
      thresholds: [{ color: "green" }, { value: cost.monthlyBudget * cost.alertFraction, color: "orange" }, { value: cost.monthlyBudget, color: "red" }],
      queries: [{ expr: total, legend: "month to date" }],
    },
    {
      kind: "gauge",
      id: COST_PANEL_BASE + 2,
      key: "budget-sandbox-hours",
      title: "Sandbox-Hours of the Monthly Budget",
      timeFrom: "now/M",
      description: `Sandbox-hours accrued this month against the budget: ${formatNumber(cost.monthlyBudget)} ${cost.currency} at ${rate} ${cost.currency} an hour is ${budgetHours} sandbox-hours.`,
      unit: "h",
      min: 0,
      max: budgetHours,
      width: 6,
      height: 6,
      thresholds: [{ color: "green" }, { value: Math.floor(budgetHours * cost.alertFraction), color: "orange" }, { value: budgetHours, color: "red" }],
      queries: [{ expr: `sum(increase(${metric.name}[$__range]))`, legend: "sandbox-hours" }],
    },
  ];
  const label = metric.labels[0];
  if (label) {
    panels.push({
      kind: "bargauge",
      id: COST_PANEL_BASE + 3,
      key: "spend-by-label",
      title: `Spend by ${label.name} (Month to Date)`,
      timeFrom: "now/M",
      description: `Sandbox-hours accrued this month by ${label.name} × ${rate} ${cost.currency}.`,
      unit,
      min: 0,
      width: 6,
      height: 6,
      thresholds: [{ color: "green" }],
      queries: [{ expr: spend(` by (${label.name}) `), legend: `{{${label.name}}}`, instant: true }],
    });
  }
  return panels;
}

function triageDashboard(service: ServiceModel): DashboardModel {
  const panels = [...triagePanels(service)].flatMap(([name, { id, alerts }]) => {
    const p = alertPanel(service, name, id, alerts);
    return p ? [p] : [];
  });
  const cost = costPanels(service);
  return {
    uid: triageDashboardUid(service),
    title: `${service.name} - Alert Triage`,
    description: `Every alert of ${service.name} as a time series of its signal, with each severity's threshold drawn as a line; alerts link here.`,
    refresh: "30s",
    timeRange: { from: "now-6h", to: "now" },
    tags: ["obsgen", "triage", ALERT_SIGNALS_TAG],
    rows: [
      { title: "Alerts", panels },
      ...(cost.length > 0 ? [{ title: "Cost", panels: cost }] : []),
    ],
  };
}

function sloSeries(slo: SloModel, window: string): string {
  return `${sloErrorRatioRecord(window)}{${formatMatcher({ label: SLO_LABEL, op: "=", value: slo.name })}}`;
}

function sloRow(slo: SloModel, index: number): DashboardModel["rows"][number] {
  const budget = formatNumber(1 - slo.objective);
  const factors = [...new Set(BURN_RATE_WINDOWS.map((w) => burnRateFactor(w, slo.windowHours)))].sort((a, b) => a - b);
  const burnColors = ["yellow", "orange", "red", "dark-red"];
  const objective = `${formatNumber(slo.objective * 100)} % over ${slo.window}`;
  return {
    title: `SLO ${slo.name}: ${objective}`,
    panels: [
      {
        id: sloPanelId(index, 0),
        key: `${slo.name}-sli`,
        title: `${slo.name}: SLI vs Objective`,
        kind: "timeseries",
        description: `${slo.description} Share of good events over the last hour; the line is the objective (${formatNumber(slo.objective * 100)} %).`,
        unit: "percentunit",
        width: 9,
        height: 8,
        legend: "table",
        thresholds: [{ color: "red" }, { value: slo.objective, color: "green" }],
        queries: [{ expr: `1 - ${sloSeries(slo, "1h")}`, legend: "{{job}} SLI (1h)" }],
      },
      {
        id: sloPanelId(index, 1),
        key: `${slo.name}-budget`,
        title: `${slo.name}: Error Budget Remaining`,
        kind: "stat",
        description: `Share of the ${slo.window} error budget (${formatNumber((1 - slo.objective) * 100)} % of events) not yet spent; negative when the SLO is missed.`,
        unit: "percentunit",
        width: 5,
        height: 8,
        thresholds: [{ color: "red" }, { value: 0, color: "orange" }, { value: 0.5, color: "green" }],
        queries: [{ expr: `1 - ${sloSeries(slo, slo.window)} / ${budget}`, legend: "{{job}}" }],
      },
      {
        id: sloPanelId(index, 2),
        key: `${slo.name}-burn`,
        title: `${slo.name}: Burn Rate per Window`,
        kind: "timeseries",
        description: `Error ratio over each window divided by the error budget: 1 spends the budget exactly over ${slo.window}. Lines at ${factors.map(formatNumber).join(", ")}: the burn rates that open a ticket or page.`,
        unit: "short",
        width: 10,
        height: 8,
        legend: "table",
        thresholds: [{ color: "green" }, ...factors.map((f, i) => ({ value: f, color: burnColors[i] ?? "dark-red" }))],
        queries: SLO_RATIO_WINDOWS.map((w) => ({ expr: `${sloSeries(slo, w)} / ${budget}`, legend: `{{job}} ${w}` })),
      },
    ],
  };
}

function sloDashboard(service: ServiceModel): DashboardModel | undefined {
  if (service.slos.length === 0) return undefined;
  return {
    uid: sloDashboardUid(service),
    title: `${service.name} - SLOs`,
    description: `The SLOs of ${service.name}: each SLI against its objective, the error budget left, and the burn rate over every alert window.`,
    refresh: "1m",
    timeRange: { from: "now-7d", to: "now" },
    tags: ["obsgen", "slo"],
    rows: service.slos.map(sloRow),
  };
}

const dashboards = new WeakMap<ServiceModel, readonly OncallDashboard[]>();

/**
 * The service's on-call dashboards, built once per resolved service (as its plan is): the
 * on-call check reads them and the Grafana generator writes them in the same run.
 */
export function oncallDashboards(service: ServiceModel): readonly OncallDashboard[] {
  const held = dashboards.get(service);
  if (held) return held;
  const slo = sloDashboard(service);
  // Recorded SLO series keep job but not instance: the SLO dashboard filters by job only.
  const built: readonly OncallDashboard[] = [{ spec: triageDashboard(service), filters: ["job", "instance"] }, ...(slo ? [{ spec: slo, filters: ["job"] }] : [])];
  dashboards.set(service, built);
  return built;
}

/** Links a spec panel gets from the alerts that name it: to each alert's triage panel and runbook. */
export function alertLinksOf(service: ServiceModel, panelKey: string): { title: string; url: string }[] {
  const links: { title: string; url: string }[] = [];
  for (const [name, { id, alerts }] of triagePanels(service)) {
    const first = alerts[0];
    if (first?.panel !== panelKey) continue;
    links.push({ title: `Alert ${name}: triage`, url: `/d/${encodeURIComponent(triageDashboardUid(service))}?viewPanel=${id}` });
    const runbook = runbookUrl(service, first);
    if (absolute(runbook)) links.push({ title: `Runbook: ${name}`, url: runbook });
  }
  return links;
}

/** The spec's dashboard with alert links on the panels alerts name. */
export function withAlertLinks(service: ServiceModel, spec: DashboardModel): DashboardModel {
  return {
    ...spec,
    rows: spec.rows.map((row) => ({
      ...row,
      panels: row.panels.map((p) => {
        const links = [...(p.links ?? []), ...alertLinksOf(service, p.key)];
        return links.length > 0 ? { ...p, links } : p;
      }),
    })),
  };
}
