// Alerting and recording rules of every service, as plain rule-group objects, from the service's
// on-call plan. The rule file and the prometheus-operator PrometheusRule serialize the same
// groups, so they cannot disagree.
import type { ServiceModel } from "../../model/types.js";
import { dashboardUrl, runbookUrl } from "../../model/oncall/links.js";
import { oncallPlan, type PlannedAlert } from "../../model/oncall/plan.js";
import { alertGroupName, DASHBOARD_ANNOTATION, recordingGroupName, RUNBOOK_ANNOTATION, SEVERITY_LABEL } from "./names.js";

export interface RecordingRule {
  record: string;
  expr: string;
  labels?: Record<string, string>;
}

export interface AlertingRule {
  alert: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface RuleGroup {
  name: string;
  interval?: string;
  rules: (RecordingRule | AlertingRule)[];
}

function sortedRecord(r: Readonly<Record<string, string>> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(r ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The labels every instance of the alert carries besides those of its expression. */
export function alertStaticLabels(alert: Pick<PlannedAlert, "labels" | "severity">): Record<string, string> {
  return sortedRecord({ ...alert.labels, [SEVERITY_LABEL]: alert.severity });
}

export function alertAnnotations(service: ServiceModel, alert: PlannedAlert): Record<string, string> {
  const annotations: Record<string, string> = { summary: alert.summary, description: alert.description, [RUNBOOK_ANNOTATION]: runbookUrl(service, alert) };
  const url = dashboardUrl(service, alert);
  if (url !== undefined) annotations[DASHBOARD_ANNOTATION] = url;
  return annotations;
}

export function alertingRule(service: ServiceModel, alert: PlannedAlert): AlertingRule {
  return {
    alert: alert.name,
    expr: alert.expr,
    ...(alert.for !== "0s" ? { for: alert.for } : {}),
    labels: alertStaticLabels(alert),
    annotations: alertAnnotations(service, alert),
  };
}

export function ruleGroups(service: ServiceModel): RuleGroup[] {
  const plan = oncallPlan(service);
  const interval = service.ruleIntervalExplicit ? service.ruleInterval : undefined;
  const groups: RuleGroup[] = [];
  if (plan.recording.length > 0) {
    groups.push({
      name: recordingGroupName(service.name),
      ...(interval !== undefined ? { interval } : {}),
      rules: plan.recording.map((r) => ({ record: r.record, expr: r.expr, ...(r.labels !== undefined ? { labels: sortedRecord(r.labels) } : {}) })),
    });
  }
  if (plan.alerts.length > 0) {
    groups.push({ name: alertGroupName(service.name), ...(interval !== undefined ? { interval } : {}), rules: plan.alerts.map((a) => alertingRule(service, a)) });
  }
  return groups;
}
