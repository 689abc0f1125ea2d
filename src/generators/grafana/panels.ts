// One builder per panel kind. Every builder is fresh (the SDK's build() returns shared state) and
// sets what Grafana would otherwise default: datasource, ids, refIds, legend, reduce options.
import * as barchart from "@grafana/grafana-foundation-sdk/barchart";
import * as bargauge from "@grafana/grafana-foundation-sdk/bargauge";
import type * as cog from "@grafana/grafana-foundation-sdk/cog";
import * as common from "@grafana/grafana-foundation-sdk/common";
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import * as gauge from "@grafana/grafana-foundation-sdk/gauge";
import * as heatmap from "@grafana/grafana-foundation-sdk/heatmap";
import * as piechart from "@grafana/grafana-foundation-sdk/piechart";
import * as prometheus from "@grafana/grafana-foundation-sdk/prometheus";
import * as stat from "@grafana/grafana-foundation-sdk/stat";
import * as timeseries from "@grafana/grafana-foundation-sdk/timeseries";
import { templateMatchers, withMatchers } from "../../promql/build.js";
import type { PanelModel } from "../../model/types.js";
import type { GridPos } from "./layout.js";
import { DATASOURCE_REF, FILTER_VARIABLES } from "./names.js";

/** Query refIds in Grafana's order: A, B, …, Z, AA, AB, … */
export function refId(index: number): string {
  const letter = String.fromCharCode(65 + (index % 26));
  return index < 26 ? letter : refId(Math.floor(index / 26) - 1) + letter;
}

/** The spec's query with every selector filtered by the dashboard's job and instance variables. */
export function dashboardExpr(expr: string, filters: readonly string[] = FILTER_VARIABLES): string {
  return withMatchers(expr, templateMatchers(filters));
}

function targets(panel: PanelModel, filters: readonly string[]): cog.Builder<cog.Dataquery>[] {
  return panel.queries.map((q, i) => {
    const t = new prometheus.DataqueryBuilder()
      .datasource({ ...DATASOURCE_REF })
      .refId(refId(i))
      .expr(dashboardExpr(q.expr, filters))
      .editorMode(prometheus.QueryEditorMode.Code)
      .legendFormat(q.legend ?? "__auto");
    if (q.format !== undefined) t.format(q.format as prometheus.PromQueryFormat);
    return q.instant ? t.instant() : t.range();
  });
}

function thresholds(panel: PanelModel): dashboard.ThresholdsConfigBuilder {
  const steps = (panel.thresholds ?? [{ color: "green" }]).map((s) => ({ value: s.value ?? null, color: s.color }));
  return new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps(steps);
}

function listLegend(): common.VizLegendOptionsBuilder {
  return new common.VizLegendOptionsBuilder()
    .showLegend(true)
    .displayMode(common.LegendDisplayMode.List)
    .placement(common.LegendPlacement.Bottom)
    .calcs([]);
}

/** A legend table with each series' last, mean and max, sorted by the last value. */
function tableLegend(): common.VizLegendOptionsBuilder {
  return new common.VizLegendOptionsBuilder()
    .showLegend(true)
    .displayMode(common.LegendDisplayMode.Table)
    .placement(common.LegendPlacement.Bottom)
    .calcs(["lastNotNull", "mean", "max"])
    .sortBy("Last *")
    .sortDesc(true);
}

function legendOf(panel: PanelModel): common.VizLegendOptionsBuilder {
  return panel.legend === "table" ? tableLegend() : listLegend();
}

function lastValue(): common.ReduceDataOptionsBuilder {
  return new common.ReduceDataOptionsBuilder().values(false).calcs(["lastNotNull"]).fields("");
}

function tooltip(): common.VizTooltipOptionsBuilder {
  return new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending);
}

interface CommonPanelBuilder {
  id(id: number): this;
  title(title: string): this;
  description(description: string): this;
  datasource(ref: common.DataSourceRef): this;
  gridPos(pos: dashboard.GridPos): this;
  unit(unit: string): this;
  min(min: number): this;
  max(max: number): this;
  thresholds(t: cog.Builder<dashboard.ThresholdsConfig>): this;
  targets(t: cog.Builder<cog.Dataquery>[]): this;
  timeFrom(timeFrom: string): this;
  links(links: cog.Builder<dashboard.DashboardLink>[]): this;
}

function withCommon<B extends CommonPanelBuilder>(b: B, panel: PanelModel, pos: GridPos, filters: readonly string[]): B {
  b.id(panel.id).title(panel.title).datasource({ ...DATASOURCE_REF }).gridPos({ ...pos }).thresholds(thresholds(panel)).targets(targets(panel, filters));
  if (panel.timeFrom !== undefined) b.timeFrom(panel.timeFrom);
  if (panel.links !== undefined && panel.links.length > 0) {
    b.links(panel.links.map((l) => new dashboard.DashboardLinkBuilder(l.title).type(dashboard.DashboardLinkType.Link).url(l.url).targetBlank(true)));
  }
  if (panel.description !== undefined) b.description(panel.description);
  if (panel.unit !== undefined) b.unit(panel.unit);
  if (panel.min !== undefined) b.min(panel.min);
  if (panel.max !== undefined) b.max(panel.max);
  return b;
}

export function buildPanel(panel: PanelModel, pos: GridPos, filters: readonly string[] = FILTER_VARIABLES): cog.Builder<dashboard.Panel> {
  switch (panel.kind) {
    case "gauge":
      return withCommon(new gauge.PanelBuilder(), panel, pos, filters)
        .reduceOptions(lastValue())
        .showThresholdMarkers(true)
        .showThresholdLabels(false)
        .orientation(common.VizOrientation.Auto);
    case "stat":
      return withCommon(new stat.PanelBuilder(), panel, pos, filters)
        .reduceOptions(lastValue())
        .graphMode(common.BigValueGraphMode.Area)
        .colorMode(common.BigValueColorMode.Value);
    case "timeseries": {
      const b = withCommon(new timeseries.PanelBuilder(), panel, pos, filters)
        .legend(legendOf(panel))
        .tooltip(tooltip())
        .drawStyle(common.GraphDrawStyle.Line)
        .lineWidth(1)
        .fillOpacity(panel.stacked ? 60 : 10)
        .showPoints(common.VisibilityMode.Never)
        .stacking(new common.StackingConfigBuilder().mode(panel.stacked ? common.StackingMode.Normal : common.StackingMode.None).group("A"))
        .thresholdsStyle(
          new common.GraphThresholdsStyleConfigBuilder().mode(
            (panel.thresholds?.length ?? 0) > 1 ? common.GraphThresholdsStyleMode.Line : common.GraphThresholdsStyleMode.Off,
          ),
        );
      return b;
    }
    case "heatmap":
      return withCommon(new heatmap.PanelBuilder(), panel, pos, filters)
        .calculate(false)
        .rowsFrame(new heatmap.RowsHeatmapOptionsBuilder().layout(common.HeatmapCellLayout.Le))
        .color(new heatmap.HeatmapColorOptionsBuilder().mode(heatmap.HeatmapColorMode.Scheme).scheme("Oranges").steps(64))
        .yAxis(new heatmap.YAxisConfigBuilder().unit(panel.unit ?? "short"))
        // Cells hold per-second rates of the buckets: operations per second.
        .cellValues(new heatmap.CellValuesBuilder().unit("ops"))
        .tooltip(new heatmap.HeatmapTooltipBuilder().mode(common.TooltipDisplayMode.Single).yHistogram(true))
        .showLegend();
    case "piechart":
      return withCommon(new piechart.PanelBuilder(), panel, pos, filters)
        .reduceOptions(lastValue())
        .pieType(piechart.PieChartType.Pie)
        .displayLabels([piechart.PieChartLabels.Name, piechart.PieChartLabels.Percent])
        .legend(
          new piechart.PieChartLegendOptionsBuilder()
            .showLegend(true)
            .displayMode(common.LegendDisplayMode.List)
            .placement(common.LegendPlacement.Right)
            .values([piechart.PieChartLegendValues.Value, piechart.PieChartLegendValues.Percent]),
        )
        .tooltip(tooltip());
    case "barchart":
      return withCommon(new barchart.PanelBuilder(), panel, pos, filters)
        .legend(listLegend())
        .tooltip(tooltip())
        .orientation(common.VizOrientation.Auto)
        .showValue(common.VisibilityMode.Auto)
        .stacking(common.StackingMode.None)
        .xTickLabelRotation(0);
    case "bargauge":
      // One bar per series, each reduced to its last value: unlike a bar chart, no join on time.
      return withCommon(new bargauge.PanelBuilder(), panel, pos, filters)
        .reduceOptions(lastValue())
        .displayMode(common.BarGaugeDisplayMode.Gradient)
        .valueMode(common.BarGaugeValueMode.Color)
        .namePlacement(common.BarGaugeNamePlacement.Auto)
        .showUnfilled(true)
        .orientation(common.VizOrientation.Horizontal);
  }
}
