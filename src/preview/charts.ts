// One ECharts option per Grafana panel kind, drawn on the server to SVG (no DOM, no animation,
// UTC time), so a panel's picture depends only on its JSON and its data.
import * as echarts from "echarts";
import type { GrafanaPanel, ThresholdStep } from "./dashboard.js";
import type { Series } from "./data.js";
import { formatValue } from "./units.js";

export const FONT_FAMILY = "DejaVu Sans";
export const THEME = { background: "#111217", panel: "#181b1f", border: "#2c3235", text: "#ccccdc", muted: "#8e8e9e", grid: "#2c3235" } as const;

/** Grafana's named colours (dark theme), and its classic palette for series. */
const NAMED: Readonly<Record<string, string>> = {
  green: "#73bf69",
  "dark-green": "#37872d",
  yellow: "#fade2a",
  orange: "#ff9830",
  red: "#f2495c",
  "dark-red": "#c4162a",
  blue: "#5794f2",
  purple: "#b877d9",
  text: THEME.text,
};
const PALETTE = ["#73bf69", "#f2cc0c", "#8ab8ff", "#ff780a", "#f2495c", "#5794f2", "#b877d9", "#705da0", "#37872d", "#fade2a"];

export function color(name: string): string {
  return NAMED[name] ?? name;
}

export interface NamedSeries {
  name: string;
  points: Series["points"];
}

function steps(panel: GrafanaPanel): ThresholdStep[] {
  return panel.fieldConfig.defaults.thresholds?.steps ?? [];
}

/** Grafana's lastNotNull: the last finite value, NaN when there is none. */
function lastValue(s: NamedSeries | undefined): number {
  const points = s?.points ?? [];
  for (let i = points.length - 1; i >= 0; i--) {
    const v = points[i]?.[1];
    if (v !== undefined && Number.isFinite(v)) return v;
  }
  return NaN;
}

function thresholdColor(panel: GrafanaPanel, v: number): string {
  let c = "green";
  for (const s of steps(panel)) if (typeof s.value !== "number" || v >= s.value) c = s.color;
  return color(c);
}

const text = { color: THEME.text, fontFamily: FONT_FAMILY, fontSize: 11 };
const LEGEND_ROW = 18;

/** The time window a chart's x-axis spans: the dashboard's range, not only where data is. */
export interface Span {
  start: number;
  end: number;
}

/** Width of a label in DejaVu Sans 11 px, near enough to lay legends out without overlap. */
function textWidth(label: string): number {
  return label.length * 7.5;
}

/** Rows a bottom legend wraps into at this width (ECharts wraps a plain legend given a width). */
function legendRows(names: readonly string[], width: number): number {
  let rows = 1;
  let x = 0;
  for (const n of names) {
    const w = 10 + 5 + textWidth(n) + 10;
    if (x > 0 && x + w > width) {
      rows++;
      x = 0;
    }
    x += w;
  }
  return rows;
}

function shown(series: readonly NamedSeries[]): boolean {
  return series.length > 1 || (series[0]?.name ?? "") !== "";
}

/** Grafana's legend calcs (mean, max, last…) of a series, as its legend shows them after the name. */
const CALCS: Readonly<Record<string, (v: number[]) => number>> = {
  mean: (v) => v.reduce((a, b) => a + b, 0) / v.length,
  max: (v) => Math.max(...v),
  min: (v) => Math.min(...v),
  last: (v) => v[v.length - 1] ?? NaN,
  lastNotNull: (v) => v[v.length - 1] ?? NaN,
  sum: (v) => v.reduce((a, b) => a + b, 0),
};

function legendLabel(panel: GrafanaPanel, s: NamedSeries): string {
  const calcs = panel.options.legend?.calcs ?? [];
  const values = s.points.map(([, v]) => v).filter((v) => Number.isFinite(v));
  const parts = calcs.flatMap((c) => {
    const f = CALCS[c];
    return f && values.length > 0 ? [`${c === "lastNotNull" ? "last" : c}: ${formatValue(panel.fieldConfig.defaults.unit, f(values))}`] : [];
  });
  return parts.length > 0 ? `${s.name}  ${parts.join("  ")}` : s.name;
}

/** Grafana's legend sort key ("Last *", "Mean", "Max") as a calc of CALCS. */
function sortCalc(sortBy: string | undefined): string | undefined {
  const name = sortBy?.replace(/\s*\*$/, "").toLowerCase();
  return name === undefined ? undefined : name === "last" ? "lastNotNull" : name in CALCS ? name : undefined;
}

/**
 * A table legend (displayMode table) as Grafana draws it under the plot: one series a row, its
 * calcs in aligned columns, sorted as the panel says. Grafana scrolls a table taller than its
 * share of the panel; a picture cannot, so it keeps the rows that fit (the top ones by the sort).
 */
function tableLegend(panel: GrafanaPanel, series: readonly NamedSeries[], size: { width: number; height: number }): { option: Record<string, unknown>; height: number } {
  const legend = panel.options.legend;
  const calcs = legend?.calcs ?? [];
  const unit = panel.fieldConfig.defaults.unit;
  const values = (s: NamedSeries): number[] => s.points.map(([, v]) => v).filter((v) => Number.isFinite(v));
  const cell = (s: NamedSeries, c: string): string => {
    const f = CALCS[c];
    const v = values(s);
    return f && v.length > 0 ? `${c === "lastNotNull" ? "last" : c}: ${formatValue(unit, f(v))}` : "";
  };
  const by = sortCalc(legend?.sortBy);
  const sortFn = by !== undefined ? CALCS[by] : undefined;
  const key = (s: NamedSeries): number => {
    const v = values(s);
    return sortFn && v.length > 0 ? sortFn(v) : -Infinity;
  };
  const sorted = sortFn ? [...series].sort((a, b) => (legend?.sortDesc === false ? key(a) - key(b) : key(b) - key(a))) : [...series];
  const fit = Math.max(1, Math.floor((size.height * 0.45) / LEGEND_ROW));
  const rows = sorted.slice(0, fit);
  const inner = size.width - 16 - 10 - 5;
  const valueWidth = Math.max(40, ...rows.flatMap((s) => calcs.map((c) => textWidth(cell(s, c)) + 12)));
  // The columns that fit beside a readable name, from the left, as a narrow Grafana panel hides the rest.
  let columns = calcs.length;
  while (columns > 0 && inner - columns * valueWidth < Math.min(100, inner * 0.3)) columns--;
  const shownCalcs = calcs.slice(0, columns);
  const nameWidth = Math.max(20, inner - valueWidth * columns);
  const rich = { n: { ...text, width: nameWidth, overflow: "truncate" }, v: { ...text, width: valueWidth, overflow: "truncate", align: "right" } };
  // A rich-text token ends at the first "}": a label set such as {job="api"} loses its braces
  // (text outside a token has no fixed width, so the columns would not line up).
  const name = (n: string): string => `{n|${n.replace(/^\{(.*)\}$/, "$1").replaceAll("}", "")}}`;
  const labels = new Map(rows.map((s) => [s.name, [name(s.name), ...shownCalcs.map((c) => `{v|${cell(s, c)}}`)].join("")]));
  return {
    option: { show: true, type: "plain", orient: "vertical", bottom: 0, left: 4, icon: "rect", itemWidth: 10, itemHeight: 3, itemGap: LEGEND_ROW - 14, textStyle: { ...text, rich }, data: rows.map((s) => s.name), formatter: (n: string) => labels.get(n) ?? n },
    height: rows.length * LEGEND_ROW,
  };
}

function bottomLegend(panel: GrafanaPanel, series: readonly NamedSeries[], size: { width: number; height: number }): { option: Record<string, unknown>; height: number } {
  if (!shown(series) || panel.options.legend?.showLegend === false) return { option: { show: false }, height: 0 };
  if (panel.options.legend?.displayMode === "table") return tableLegend(panel, series, size);
  const width = size.width;
  const names = series.map((s) => s.name);
  const labels = new Map(series.map((s) => [s.name, legendLabel(panel, s)]));
  const rows = legendRows([...labels.values()], width - 16);
  return {
    option: { show: true, type: "plain", bottom: 0, left: 4, width: width - 16, icon: "rect", itemWidth: 10, itemHeight: 3, itemGap: 10, textStyle: text, data: names, formatter: (n: string) => labels.get(n) ?? n },
    height: rows * LEGEND_ROW,
  };
}

/** The next round number (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10^k) at or above v, so the top tick is not squeezed under a threshold's. */
export function niceCeil(v: number): number {
  if (!(v > 0)) return v;
  const power = 10 ** Math.floor(Math.log10(v));
  const step = [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].find((m) => m * power >= v - 1e-9) ?? 10;
  return step * power;
}

function timeseries(panel: GrafanaPanel, series: readonly NamedSeries[], size: { width: number; height: number }, span: Span): Record<string, unknown> {
  const unit = panel.fieldConfig.defaults.unit;
  const stacked = panel.fieldConfig.defaults.custom?.stacking?.mode === "normal";
  const custom = panel.fieldConfig.defaults.custom;
  // Threshold lines only where the panel draws them (thresholdsStyle line/dashed), as Grafana.
  const drawMarks = (custom?.thresholdsStyle?.mode ?? "line") !== "off";
  const marks = drawMarks ? steps(panel).filter((s): s is { value: number; color: string } => typeof s.value === "number") : [];
  const lineWidth = custom?.lineWidth ?? 1;
  const fill = (custom?.fillOpacity ?? (stacked ? 55 : 8)) / 100;
  const legend = bottomLegend(panel, series, size);
  const plotHeight = size.height - legend.height - 30;
  const hours = (span.end - span.start) / 3_600_000;
  return {
    grid: { left: 8, right: 16, top: 12, bottom: legend.height + 8, containLabel: true },
    legend: legend.option,
    xAxis: {
      type: "time",
      // The dashboard's whole time range, even where a young Prometheus has no data yet.
      min: span.start,
      max: span.end,
      splitNumber: Math.max(2, Math.floor(size.width / 90)),
      axisLabel: { ...text, formatter: hours > 48 ? "{MM}-{dd}" : "{HH}:{mm}", hideOverlap: true },
      axisLine: { lineStyle: { color: THEME.grid } },
      splitLine: { show: true, lineStyle: { color: THEME.grid } },
    },
    yAxis: {
      type: "value",
      splitNumber: Math.max(2, Math.min(5, Math.floor(plotHeight / 35))),
      ...(panel.fieldConfig.defaults.min !== undefined ? { min: panel.fieldConfig.defaults.min } : {}),
      // Grafana shows threshold lines even above the data; ECharts would leave them off the axis.
      ...(panel.fieldConfig.defaults.max !== undefined
        ? { max: panel.fieldConfig.defaults.max }
        : marks.length > 0
          ? { max: (extent: { max: number }) => niceCeil(Math.max(extent.max, ...marks.map((m) => m.value * 1.1))) }
          : {}),
      axisLabel: { ...text, hideOverlap: true, formatter: (v: number) => formatValue(unit, v) },
      splitLine: { lineStyle: { color: THEME.grid } },
    },
    series: series.map((s, i) => ({
      type: "line",
      name: s.name,
      data: s.points.map(([t, v]) => [t, Number.isFinite(v) ? v : null]),
      showSymbol: false,
      connectNulls: false,
      lineStyle: { width: lineWidth },
      color: PALETTE[i % PALETTE.length],
      ...(stacked ? { stack: "total" } : {}),
      ...(fill > 0 ? { areaStyle: { opacity: fill } } : {}),
      ...(i === 0 && marks.length > 0
        ? { markLine: { silent: true, symbol: "none", label: { show: false }, lineStyle: { type: "dashed", width: 2 }, data: marks.map((m) => ({ yAxis: m.value, lineStyle: { color: color(m.color), type: "dashed", width: 2 } })) } }
        : {}),
    })),
  };
}

function gauge(panel: GrafanaPanel, series: readonly NamedSeries[]): Record<string, unknown> {
  const d = panel.fieldConfig.defaults;
  const value = lastValue(series[0]);
  const min = d.min ?? 0;
  const max = d.max ?? Math.max(100, value * 1.5);
  const span = max - min || 1;
  const defined = steps(panel);
  const bands = defined.map((s, i) => {
    const next = defined[i + 1]?.value;
    const upper = typeof next === "number" ? Math.min(1, Math.max(0, (next - min) / span)) : 1;
    return [upper, color(s.color)];
  });
  return {
    series: [
      {
        type: "gauge",
        min,
        max,
        startAngle: 210,
        endAngle: -30,
        radius: "88%",
        center: ["50%", "58%"],
        progress: { show: true, width: 14, itemStyle: { color: thresholdColor(panel, value) } },
        axisLine: { lineStyle: { width: 4, color: bands.length > 0 ? bands : [[1, color("green")]] } },
        axisTick: { show: false },
        splitLine: { show: false },
        axisLabel: { show: false },
        pointer: { show: false },
        anchor: { show: false },
        title: { show: false },
        detail: { valueAnimation: false, offsetCenter: [0, "5%"], fontSize: 26, fontFamily: FONT_FAMILY, color: thresholdColor(panel, value), formatter: (v: number) => formatValue(d.unit, v) },
        data: [{ value, name: series[0]?.name ?? "" }],
      },
    ],
  };
}

/** A stat panel as Grafana draws it: the value, large, in its threshold colour; a sparkline under it when there is a history. */
function stat(panel: GrafanaPanel, series: readonly NamedSeries[], size: { width: number; height: number }): Record<string, unknown> {
  const value = lastValue(series[0]);
  const fill = thresholdColor(panel, value);
  const points = series[0]?.points ?? [];
  const fontSize = Math.max(14, Math.min(48, Math.floor(size.height / 3), Math.floor(size.width / 6)));
  return {
    // Separate font fields: resvg does not read the SVG `font` shorthand ECharts writes for `font`.
    graphic: [
      {
        type: "text",
        left: "center",
        top: points.length > 1 ? "20%" : "middle",
        style: { text: formatValue(panel.fieldConfig.defaults.unit, value), fill, fontSize, fontWeight: "bold", fontFamily: FONT_FAMILY },
      },
    ],
    ...(points.length > 1
      ? {
          grid: { left: 0, right: 0, top: "60%", bottom: 0 },
          xAxis: { type: "time", show: false },
          yAxis: { type: "value", show: false },
          series: [{ type: "line", data: points.map(([t, v]) => [t, v]), showSymbol: false, lineStyle: { width: 1, color: fill }, areaStyle: { opacity: 0.2, color: fill } }],
        }
      : {}),
  };
}

/** The data's step: the smallest gap between two of its timestamps, a minute when there is one point. */
function stepOf(series: readonly NamedSeries[]): number {
  let step = Infinity;
  for (const s of series) for (let i = 1; i < s.points.length; i++) step = Math.min(step, (s.points[i]?.[0] ?? 0) - (s.points[i - 1]?.[0] ?? 0));
  return Number.isFinite(step) && step > 0 ? step : 60_000;
}

function heatmap(panel: GrafanaPanel, series: readonly NamedSeries[], size: { width: number; height: number }, span: Span): Record<string, unknown> {
  // Columns over the dashboard's whole range, aligned on the data's step: a young Prometheus
  // fills only the last ones, as Grafana shows it.
  const step = stepOf(series);
  const anchor = series[0]?.points[0]?.[0] ?? span.start;
  const first = anchor - Math.floor((anchor - span.start) / step) * step;
  const times: number[] = [];
  for (let t = first; t <= span.end; t += step) times.push(t);
  const data: [number, number, number][] = [];
  let top = 0;
  series.forEach((s, y) => s.points.forEach(([t, v]) => {
    if (!Number.isFinite(v)) return;
    data.push([Math.round((t - first) / step), y, v]);
    top = Math.max(top, v);
  }));
  const unit = panel.fieldConfig.defaults.unit;
  const cellUnit = panel.options.cellValues?.unit;
  const labels = series.map((s) => (s.name === "+Inf" ? "+Inf" : formatValue(unit, Number(s.name))));
  return {
    // Room on the right for the colour scale, as Grafana's heatmap legend.
    grid: { left: 8, right: 70, top: 12, bottom: 8, containLabel: true },
    xAxis: { type: "category", data: times.map((t) => new Date(t).toISOString().slice(11, 16)), axisLabel: { ...text, hideOverlap: true }, axisLine: { lineStyle: { color: THEME.grid } } },
    yAxis: { type: "category", data: labels, axisLabel: { ...text, hideOverlap: true, interval: Math.max(0, Math.ceil(labels.length / Math.max(1, Math.floor((size.height - 30) / 14))) - 1) } },
    visualMap: {
      show: true,
      type: "continuous",
      min: 0,
      max: top || 1,
      orient: "vertical",
      right: 4,
      top: "middle",
      itemWidth: 10,
      itemHeight: Math.max(40, size.height - 70),
      calculable: false,
      text: [formatValue(cellUnit, top || 1), formatValue(cellUnit, 0)],
      textGap: 4,
      textStyle: text,
      inRange: { color: ["#1f1d3a", "#5b2a86", "#c7447a", "#ff9830", "#fade2a"] },
    },
    series: [{ type: "heatmap", data, itemStyle: { borderColor: THEME.panel, borderWidth: 0.5 } }],
  };
}

/** Grafana's pie: slice labels and legend values as the panel's options say (name, value, percent). */
function pie(panel: GrafanaPanel, series: readonly NamedSeries[], size: { width: number; height: number }): Record<string, unknown> {
  const unit = panel.fieldConfig.defaults.unit;
  const legendValues = panel.options.legend?.values ?? [];
  const labels = panel.options.displayLabels ?? [];
  const total = series.reduce((sum, s) => sum + lastValue(s), 0) || 1;
  const values = new Map(series.map((s) => [s.name, lastValue(s)]));
  const percent = (v: number): string => `${trim1((100 * v) / total)}%`;
  const describe = (name: string, parts: readonly string[], sep: string): string =>
    [parts.includes("name") ? name : undefined, parts.includes("value") ? formatValue(unit, values.get(name) ?? 0) : undefined, parts.includes("percent") ? percent(values.get(name) ?? 0) : undefined]
      .filter((x): x is string => x !== undefined)
      .join(sep);
  const right = (panel.options.legend?.placement ?? "right") === "right";
  const legendWidth = right ? Math.min(size.width * 0.45, 16 + Math.max(...series.map((s) => textWidth(describe(s.name, ["name", ...legendValues], "  "))))) : 0;
  const legendShown = panel.options.legend?.showLegend !== false;
  return {
    legend: legendShown
      ? right
        ? { show: true, orient: "vertical", right: 4, top: "middle", width: legendWidth, icon: "rect", itemWidth: 10, itemHeight: 10, textStyle: text, formatter: (name: string) => describe(name, ["name", ...legendValues], "  "), data: series.map((s) => s.name) }
        : { show: true, bottom: 0, left: 4, icon: "rect", itemWidth: 10, itemHeight: 10, textStyle: text, formatter: (name: string) => describe(name, ["name", ...legendValues], "  "), data: series.map((s) => s.name) }
      : { show: false },
    series: [
      {
        type: "pie",
        radius: ["0%", "62%"],
        center: [right && legendShown ? `${Math.round((100 * (size.width - legendWidth)) / 2 / size.width)}%` : "50%", right || !legendShown ? "52%" : "45%"],
        label: labels.length > 0 ? { show: true, color: THEME.text, fontFamily: FONT_FAMILY, fontSize: 10, formatter: (p: { name: string }) => describe(p.name, labels, ": ") } : { show: false },
        labelLine: { show: labels.length > 0, length: 6, length2: 6 },
        labelLayout: { hideOverlap: true },
        itemStyle: { borderColor: THEME.panel, borderWidth: 1 },
        data: series.map((s, i) => ({ name: s.name, value: lastValue(s), itemStyle: { color: PALETTE[i % PALETTE.length] } })),
      },
    ],
  };
}

function trim1(n: number): string {
  return Number(n.toFixed(1)).toString();
}

function bar(panel: GrafanaPanel, series: readonly NamedSeries[], size: { width: number; height: number }): Record<string, unknown> {
  const unit = panel.fieldConfig.defaults.unit;
  const names = series.map((s) => s.name);
  // Rotate category labels when they do not fit side by side, as Grafana does.
  const slot = (size.width - 60) / Math.max(1, names.length);
  const rotate = Math.max(...names.map(textWidth)) > slot ? 30 : 0;
  return {
    grid: { left: 8, right: 16, top: 12, bottom: 8, containLabel: true },
    xAxis: { type: "category", data: names, axisLabel: { ...text, interval: 0, rotate, hideOverlap: true }, axisLine: { lineStyle: { color: THEME.grid } } },
    yAxis: { type: "value", splitNumber: Math.max(2, Math.min(5, Math.floor((size.height - 40) / 35))), axisLabel: { ...text, hideOverlap: true, formatter: (v: number) => formatValue(unit, v) }, splitLine: { lineStyle: { color: THEME.grid } } },
    series: [{ type: "bar", barWidth: "60%", data: series.map((s, i) => ({ value: lastValue(s), itemStyle: { color: PALETTE[i % PALETTE.length] } })) }],
  };
}

export const DRAWN_KINDS = ["timeseries", "gauge", "stat", "heatmap", "piechart", "barchart", "bargauge"] as const;

export function chartOption(panel: GrafanaPanel, series: readonly NamedSeries[], size: { width: number; height: number }, span: Span): Record<string, unknown> {
  const option =
    panel.type === "gauge"
      ? gauge(panel, series)
      : panel.type === "stat"
        ? stat(panel, series, size)
        : panel.type === "heatmap"
          ? heatmap(panel, series, size, span)
          : panel.type === "piechart"
            ? pie(panel, series, size)
            : panel.type === "barchart" || panel.type === "bargauge"
              ? bar(panel, series, size)
              : timeseries(panel, series, size, span);
  return { animation: false, useUTC: true, backgroundColor: "transparent", textStyle: { fontFamily: FONT_FAMILY, color: THEME.text }, ...option };
}

/** The chart as a standalone SVG document of the given size. */
export function renderChartSvg(panel: GrafanaPanel, series: readonly NamedSeries[], width: number, height: number, span: Span): string {
  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width, height });
  try {
    chart.setOption(chartOption(panel, series, { width, height }, span));
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}
