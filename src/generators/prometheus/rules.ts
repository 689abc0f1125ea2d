// Alerting and recording rules of every service, as plain rule-group objects. The rule file and
// the prometheus-operator PrometheusRule serialize the same groups, so they cannot disagree.
import type { ServiceModel } from "../../model/types.js";
import type { AlertSpec } from "../../spec/schema.js";
import { alertGroupName, DASHBOARD_ANNOTATION, recordingGroupName, RUNBOOK_ANNOTATION, SEVERITY_LABEL } from "./names.js";

export interface RecordingRule {
  record: string;
  expr: string;
  labels?: Record<string, string>;
}

export interface AlertingRule {
  alert: string;
  expr: string;
  for: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface RuleGroup {
  name: string;
  rules: (RecordingRule | AlertingRule)[];
}

function sortedRecord(r: Readonly<Record<string, string>> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(r ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Link to the panel that shows an alert's signal: `<base>/d/<uid>?viewPanel=<id>`. */
export function panelUrl(service: ServiceModel, panelKey: string): string | undefined {
  for (const dash of service.dashboards) {
    for (const row of dash.rows) {
      const panel = row.panels.find((p) => p.key === panelKey);
      if (!panel) continue;
      const path = `/d/${encodeURIComponent(dash.uid)}?${new URLSearchParams({ viewPanel: String(panel.id) }).toString()}`;
      const base = service.spec.alerting.grafanaUrl;
      return base === undefined ? path : base.replace(/\/+$/, "") + path;
    }
  }
  return undefined;
}

/** The labels every instance of the alert carries besides those of its expression. */
export function alertStaticLabels(alert: AlertSpec): Record<string, string> {
  return sortedRecord({ ...alert.labels, [SEVERITY_LABEL]: alert.severity });
}

export function alertAnnotations(service: ServiceModel, alert: AlertSpec): Record<string, string> {
  const annotations: Record<string, string> = { summary: alert.summary, description: alert.description };
  if (alert.runbook !== undefined) annotations[RUNBOOK_ANNOTATION] = alert.runbook;
  const url = alert.panel === undefined ? undefined : panelUrl(service, alert.panel);
  if (url !== undefined) annotations[DASHBOARD_ANNOTATION] = url;
  return annotations;
}

export function alertingRule(service: ServiceModel, alert: AlertSpec): AlertingRule {
  return {
    alert: alert.name,
    expr: alert.expr,
    for: alert.for,
    labels: alertStaticLabels(alert),
    annotations: alertAnnotations(service, alert),
  };
}

export function ruleGroups(service: ServiceModel): RuleGroup[] {
  const groups: RuleGroup[] = [];
  const recording = service.spec.recordingRules;
  if (recording.length > 0) {
    groups.push({
      name: recordingGroupName(service.name),
      rules: recording.map((r) => ({
        record: r.record,
        expr: r.expr,
        ...(r.labels !== undefined ? { labels: sortedRecord(r.labels) } : {}),
      })),
    });
  }
  if (service.alerts.length > 0) {
    groups.push({ name: alertGroupName(service.name), rules: service.alerts.map((a) => alertingRule(service, a)) });
  }
  return groups;
}
