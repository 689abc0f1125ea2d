// Structural rules of dashboards and alert links: unique panel ids and keys, known references.
import type { Reporter } from "../model/reporter.js";
import { RULES } from "../conventions/rules.js";
import type { ServiceModel } from "../model/types.js";

export function checkDashboardStructure(service: ServiceModel, report: Reporter): void {
  const uids = new Set<string>();
  const panelKeys = new Set<string>();
  service.dashboards.forEach((dash, d) => {
    if (uids.has(dash.uid)) report.error(RULES.duplicate, ["dashboards", d, "uid"], `dashboard uid "${dash.uid}" is declared twice`);
    uids.add(dash.uid);
    const ids = new Map<number, string>();
    dash.rows.forEach((row, r) =>
      row.panels.forEach((panel, p) => {
        const path = ["dashboards", d, "rows", r, "panels", p];
        const other = ids.get(panel.id);
        if (other !== undefined) {
          report.error(RULES.dashboardLayout, [...path, "id"], `panel id ${panel.id} is already used by "${other}"`, {
            hint: "panel ids are stable references (links, alerts); give each panel its own",
          });
        }
        ids.set(panel.id, panel.title);
        if (panelKeys.has(panel.key)) {
          report.error(RULES.dashboardLayout, [...path, "key"], `panel key "${panel.key}" is already used in this service`);
        }
        panelKeys.add(panel.key);
        panel.thresholds?.forEach((step, s) => {
          const prev = s > 0 ? panel.thresholds?.[s - 1]?.value : undefined;
          if (s === 0 && step.value !== undefined) {
            report.error(RULES.dashboardLayout, [...path, "thresholds", s, "value"], "the first threshold step is the base and takes no value", {
              hint: "write the base step as {color: green}",
            });
          } else if (s > 0 && step.value === undefined) {
            report.error(RULES.dashboardLayout, [...path, "thresholds", s], "every threshold step after the base needs a value");
          } else if (prev !== undefined && step.value !== undefined && step.value <= prev) {
            report.error(RULES.dashboardLayout, [...path, "thresholds", s, "value"], `threshold ${step.value} must be greater than the step before it (${prev})`);
          }
        });
      }),
    );
  });
  service.alerts.forEach((alert, a) => {
    if (alert.panel !== undefined && !panelKeys.has(alert.panel)) {
      report.error(RULES.alertReference, ["alerts", a, "panel"], `alert "${alert.name}" links to panel "${alert.panel}", which no dashboard declares`, {
        hint: `declared panel keys: ${[...panelKeys].sort().join(", ")}`,
      });
    }
  });
}
