// `obsgen lint`: runs the dashboard rules over dashboard JSON files, with the spec as context.
import { oncallDashboards } from "../model/oncall/dashboards.js";
import type { Model, ServiceModel } from "../model/types.js";
import { readDashboard } from "./dashboard-json.js";
import { lintDashboard, type LintContext, type LintFinding } from "./rules.js";

export { LINT_RULES, lintDashboard, type LintContext, type LintFinding, type LintRule } from "./rules.js";
export { readDashboard } from "./dashboard-json.js";

/**
 * The spec knowledge a dashboard's rules use: every metric, and the scrape interval of the service
 * the dashboard belongs to (its own or a generated triage or SLO dashboard); a dashboard of no
 * service gets the deployment's, the longest scrape interval, which Grafana's datasource uses.
 */
export function lintContext(model: Model | undefined, dashboardUid: string | undefined): LintContext {
  if (!model) return { metrics: new Map() };
  const owns = (s: ServiceModel): boolean => s.dashboards.some((d) => d.uid === dashboardUid) || oncallDashboards(s).some((d) => d.spec.uid === dashboardUid);
  const service = model.services.find(owns);
  const metrics = new Map(model.services.flatMap((s) => s.metrics.map((m) => [m.name, m] as const)));
  if (model.services.length === 0) return { metrics };
  return { metrics, scrapeInterval: service?.scrape.interval ?? model.deployment.grafanaTimeInterval };
}

/** Lints one dashboard's JSON text; a file that is not JSON or not a dashboard is one finding. */
export function lintDashboardText(text: string, model: Model | undefined): LintFinding[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return [{ rule: "dashboard-json", message: `not valid JSON: ${(e as Error).message}` }];
  }
  try {
    const dash = readDashboard(json);
    return lintDashboard(dash, lintContext(model, dash.uid));
  } catch (e) {
    return [{ rule: "dashboard-json", message: (e as Error).message }];
  }
}

export function formatFinding(file: string, f: LintFinding): string {
  return `${file}: ${f.rule}: ${f.panel !== undefined ? `panel "${f.panel}": ` : ""}${f.message}`;
}
