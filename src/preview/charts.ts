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

function lastValue(s: NamedSeries | undefined): number {
  return s?.points[s.points.length - 1]?.[1] ?? 0;
}

function thresholdColor(panel: GrafanaPanel, v: number): string {
  let c = "green";
  for (const s of steps(panel)) if (typeof s.value !== "number" || v >= s.value) c = s.color;
  return color(c);
}

const text = { color: THEME.text, fontFamily: FONT_FAMILY, fontSize: 11 };

function legend(series: readonly NamedSeries[]): Record<string, unknown> {
  return { show: series.length > 1 || (series[0]?.name ?? "") !== "", bottom: 0, left: 4, icon: "rect", itemWidth: 10, itemHeight: 3, textStyle: text, data: series.map((s) => s.name) };
}

function timeseries(panel: GrafanaPanel, series: readonly NamedSeries[]): Record<string, unknown> {
  const unit = panel.fieldConfig.defaults.unit;
  const stacked = panel.fieldConfig.defaults.custom?.stacking?.mode === "normal";
  const marks = steps(panel).filter((s): s is { value: number; color: string } => typeof s.value === "number");
  return {
    grid: { left: 8, right: 16, top: 12, bottom: legend(series).show === true ? 30 : 8, containLabel: true },
    legend: legend(series),
    xAxis: { type: "time", axisLabel: { ...text, formatter: "{HH}:{mm}", hideOverlap: true }, axisLine: { lineStyle: { color: THEME.grid } }, splitLine: { show: true, lineStyle: { color: THEME.grid } } },
    yAxis: {
      type: "value",
      ...(panel.fieldConfig.defaults.min !== undefined ? { min: panel.fieldConfig.defaults.min } : {}),
      // Grafana shows threshold lines even above the data; ECharts would leave them off the axis.
      ...(panel.fieldConfig.defaults.max !== undefined
        ? { max: panel.fieldConfig.defaults.max }
        : marks.length > 0
          ? { max: (extent: { max: number }) => Math.max(extent.max, ...marks.map((m) => m.value * 1.1)) }
          : {}),
      axisLabel: { ...text, formatter: (v: number) => formatValue(unit, v) },
      splitLine: { lineStyle: { color: THEME.grid } },
    },
    series: series.map((s, i) => ({
      type: "line",
      name: s.name,
      data: s.points.map(([t, v]) => [t, v]),
      showSymbol: false,
      lineStyle: { width: 1.5 },
      color: PALETTE[i % PALETTE.length],
      ...(stacked ? { stack: "total", areaStyle: { opacity: 0.55 } } : { areaStyle: { opacity: 0.08 } }),
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

function heatmap(panel: GrafanaPanel, series: readonly NamedSeries[]): Record<string, unknown> {
  const times = series[0]?.points.map(([t]) => t) ?? [];
  const data: [number, number, number][] = [];
  let top = 0;
  series.forEach((s, y) => s.points.forEach(([, v], x) => {
    data.push([x, y, v]);
    top = Math.max(top, v);
  }));
  const unit = panel.fieldConfig.defaults.unit;
  return {
    grid: { left: 8, right: 16, top: 12, bottom: 8, containLabel: true },
    xAxis: { type: "category", data: times.map((t) => new Date(t).toISOString().slice(11, 16)), axisLabel: { ...text, hideOverlap: true }, axisLine: { lineStyle: { color: THEME.grid } } },
    yAxis: { type: "category", data: series.map((s) => (s.name === "+Inf" ? "+Inf" : formatValue(unit, Number(s.name)))), axisLabel: text },
    visualMap: { show: false, min: 0, max: top || 1, inRange: { color: ["#1f1d3a", "#5b2a86", "#c7447a", "#ff9830", "#fade2a"] } },
    series: [{ type: "heatmap", data, itemStyle: { borderColor: THEME.panel, borderWidth: 0.5 } }],
  };
}

function pie(panel: GrafanaPanel, series: readonly NamedSeries[]): Record<string, unknown> {
  return {
    legend: { ...legend(series), orient: "vertical", right: 4, left: "auto", top: "middle", bottom: "auto", itemWidth: 10, itemHeight: 10 },
    series: [
      {
        type: "pie",
        radius: ["0%", "72%"],
        center: ["38%", "52%"],
        label: { show: false },
        itemStyle: { borderColor: THEME.panel, borderWidth: 1 },
        data: series.map((s, i) => ({ name: s.name, value: lastValue(s), itemStyle: { color: PALETTE[i % PALETTE.length] } })),
      },
    ],
  };
}

function bar(panel: GrafanaPanel, series: readonly NamedSeries[]): Record<string, unknown> {
  const unit = panel.fieldConfig.defaults.unit;
  return {
    grid: { left: 8, right: 16, top: 12, bottom: 8, containLabel: true },
    xAxis: { type: "category", data: series.map((s) => s.name), axisLabel: { ...text, interval: 0, hideOverlap: true }, axisLine: { lineStyle: { color: THEME.grid } } },
    yAxis: { type: "value", axisLabel: { ...text, formatter: (v: number) => formatValue(unit, v) }, splitLine: { lineStyle: { color: THEME.grid } } },
    series: [{ type: "bar", barWidth: "60%", data: series.map((s, i) => ({ value: lastValue(s), itemStyle: { color: PALETTE[i % PALETTE.length] } })) }],
  };
}

export const DRAWN_KINDS = ["timeseries", "gauge", "stat", "heatmap", "piechart", "barchart", "bargauge"] as const;

export function chartOption(panel: GrafanaPanel, series: readonly NamedSeries[]): Record<string, unknown> {
  const option =
    panel.type === "gauge" || panel.type === "stat"
      ? gauge(panel, series)
      : panel.type === "heatmap"
        ? heatmap(panel, series)
        : panel.type === "piechart"
          ? pie(panel, series)
          : panel.type === "barchart" || panel.type === "bargauge"
            ? bar(panel, series)
            : timeseries(panel, series);
  return { animation: false, useUTC: true, backgroundColor: "transparent", textStyle: { fontFamily: FONT_FAMILY, color: THEME.text }, ...option };
}

/** The chart as a standalone SVG document of the given size. */
export function renderChartSvg(panel: GrafanaPanel, series: readonly NamedSeries[], width: number, height: number): string {
  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width, height });
  try {
    chart.setOption(chartOption(panel, series));
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}
