// Where each alert links to: the triage panel that draws its signal with its thresholds, the SLO
// dashboard for burn-rate alerts, and its runbook. Uids and panel ids derive from names only, so
// links stay stable while alerts are added.
import { runbookPath, WATCHDOG_ALERT } from "../../conventions/oncall.js";
import type { ServiceModel } from "../types.js";
import { alertsByName, oncallPlan, type PlannedAlert } from "./plan.js";

/** Where runbooks are in the repository when the spec sets no runbookBaseUrl. */
export const DEFAULT_RUNBOOK_BASE = "generated/";
const UID_MAX = 40;

function uidFor(service: string, suffix: string): string {
  return `${service.slice(0, UID_MAX - suffix.length - 1)}-${suffix}`;
}

export function triageDashboardUid(service: ServiceModel): string {
  return uidFor(service.name, "triage");
}

export function sloDashboardUid(service: ServiceModel): string {
  return uidFor(service.name, "slo");
}

export interface TriagePanelRef {
  uid: string;
  id: number;
}

/** Alert names that get a triage panel, in plan order, with their panel ids (1, 2, …). */
export function triagePanels(service: ServiceModel): Map<string, { id: number; alerts: PlannedAlert[] }> {
  const out = new Map<string, { id: number; alerts: PlannedAlert[] }>();
  let id = 1;
  for (const [name, alerts] of alertsByName(oncallPlan(service))) {
    if (name === WATCHDOG_ALERT || alerts.some((a) => a.origin.kind === "slo")) continue;
    out.set(name, { id: id++, alerts });
  }
  return out;
}

/** The panel of an SLO's burn-rate alert on the SLO dashboard: two per SLO (SLI, burn rate), burn second. */
export function sloPanelId(sloIndex: number, offset: 0 | 1 | 2): number {
  return 100 * (sloIndex + 1) + offset;
}

export function panelFor(service: ServiceModel, alert: PlannedAlert): TriagePanelRef | undefined {
  if (alert.origin.kind === "slo") return { uid: sloDashboardUid(service), id: sloPanelId(alert.origin.index, 2) };
  const p = triagePanels(service).get(alert.name);
  return p ? { uid: triageDashboardUid(service), id: p.id } : undefined;
}

/** `<grafanaUrl>/d/<uid>?viewPanel=<id>`; undefined without a Grafana URL (a link to localhost helps nobody on call). */
export function dashboardUrl(service: ServiceModel, alert: PlannedAlert): string | undefined {
  const base = service.alerting.grafanaUrl;
  const ref = panelFor(service, alert);
  if (base === undefined || !ref) return undefined;
  return `${base.replace(/\/+$/, "")}/d/${encodeURIComponent(ref.uid)}?${new URLSearchParams({ viewPanel: String(ref.id) }).toString()}`;
}

export function runbookUrl(service: ServiceModel, alert: PlannedAlert): string {
  if (alert.runbookUrl !== undefined) return alert.runbookUrl;
  const base = service.alerting.runbookBaseUrl ?? DEFAULT_RUNBOOK_BASE;
  const sep = base.endsWith("/") ? "" : "/";
  return `${base}${sep}${runbookPath(alert.name)}`;
}
