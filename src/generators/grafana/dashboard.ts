// Dashboards from the spec, built with the Grafana foundation SDK and serialized once.
import type * as cog from "@grafana/grafana-foundation-sdk/cog";
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import { labelValuesQuery } from "../../promql/build.js";
import type { DashboardModel } from "../../model/types.js";
import type { Model, ServiceModel } from "../../model/types.js";
import { serviceHeader, type Artifact } from "../artifact.js";
import { layoutDashboard } from "./layout.js";
import { ALL_VALUE, DATASOURCE_NAME, DATASOURCE_REF, DATASOURCE_TYPE, DATASOURCE_UID, DATASOURCE_VARIABLE, FILTER_VARIABLES, dashboardPath } from "./names.js";
import { buildPanel } from "./panels.js";
import { oncallDashboards, withAlertLinks } from "../../model/oncall/dashboards.js";

/** Row panels take ids above any the spec may reasonably use, so panel ids stay the spec's. */
export const ROW_ID_BASE = 10000;

/** The metric whose series list the job and instance variables: the service's first, by name. */
function variableSourceMetric(service: ServiceModel): string {
  const first = service.metrics[0];
  if (!first) throw new Error(`internal: service "${service.name}" has a dashboard but no metrics`);
  return first.type === "histogram" ? `${first.name}_count` : first.name;
}

function variables(service: ServiceModel, filterVariables: readonly string[]): cog.Builder<dashboard.VariableModel>[] {
  const source = variableSourceMetric(service);
  const ds = new dashboard.DatasourceVariableBuilder(DATASOURCE_VARIABLE)
    .label("Data source")
    .type(DATASOURCE_TYPE)
    .current({ selected: true, text: DATASOURCE_NAME, value: DATASOURCE_UID });
  const filters = filterVariables.map((name, i) => {
    const query = labelValuesQuery(source, filterVariables.slice(0, i), name);
    return new dashboard.QueryVariableBuilder(name)
      .label(name)
      .datasource({ ...DATASOURCE_REF })
      .query(query)
      .definition(query)
      .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
      .sort(dashboard.VariableSort.AlphabeticalAsc)
      .multi(true)
      .includeAll(true)
      .allValue(ALL_VALUE)
      .current({ selected: true, text: ["All"], value: ["$__all"] });
  });
  return [ds, ...filters];
}

export interface DashboardLink {
  title: string;
  url: string;
}

/**
 * `filters`: the template variables every selector is filtered by (the SLO dashboard reads
 * recorded series, which carry job but no instance). `siblings`: the service's other dashboards,
 * linked from the header.
 */
export function buildDashboard(service: ServiceModel, spec: DashboardModel, header: string, filters: readonly string[] = FILTER_VARIABLES, siblings: readonly DashboardLink[] = []): Record<string, unknown> {
  const b = new dashboard.DashboardBuilder(spec.title)
    .uid(spec.uid)
    .tags([...spec.tags])
    .refresh(spec.refresh)
    .time({ ...spec.timeRange })
    .timezone("browser")
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .readonly();
  // The dashboard schema allows no extra fields, so the generated-file header lives in the
  // description, serialized first so `obsgen check` recognises the file as generated.
  b.description(spec.description !== undefined ? `${spec.description} (${header})` : header);
  // Every dashboard offers both variables, so links between them carry the selection (includeVars).
  b.variables(variables(service, FILTER_VARIABLES));
  const links = [...siblings, ...(spec.links ?? [])];
  if (links.length > 0) {
    // keepTime and includeVars: the linked dashboard opens on the same range, job and instance.
    b.links(links.map((l) => new dashboard.DashboardLinkBuilder(l.title).type(dashboard.DashboardLinkType.Link).url(l.url).icon("dashboard").tooltip("").tags([]).asDropdown(false).targetBlank(false).includeVars(true).keepTime(true)));
  }
  layoutDashboard(spec).forEach((row, r) => {
    const rowBuilder = new dashboard.RowBuilder(row.title).id(ROW_ID_BASE + r).gridPos(row.gridPos).collapsed(row.collapsed).datasource({ ...DATASOURCE_REF });
    b.withRow(rowBuilder);
    for (const p of row.panels) b.withPanel(buildPanel(p.panel, p.gridPos, filters));
  });
  // Round-trip through JSON: drops undefined fields and detaches the result from builder state.
  const built = JSON.parse(JSON.stringify(b.build())) as Record<string, unknown>;
  const { description, ...rest } = built;
  return { description, ...rest, version: 1 };
}

export function generateGrafanaDashboards(model: Model): Artifact[] {
  return model.services.flatMap((service) => {
    const header = serviceHeader(service);
    const all = [...service.dashboards.map((spec) => ({ spec: withAlertLinks(service, spec), filters: FILTER_VARIABLES as readonly string[] })), ...oncallDashboards(service)];
    return all.map(({ spec, filters }) => {
      const siblings = all.filter((o) => o.spec.uid !== spec.uid).map((o) => ({ title: o.spec.title, url: `/d/${encodeURIComponent(o.spec.uid)}` }));
      return { path: dashboardPath(spec.uid), content: `${JSON.stringify(buildDashboard(service, spec, header, filters, siblings), null, 2)}\n` };
    });
  });
}
