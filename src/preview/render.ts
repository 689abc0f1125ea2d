// Lays a Grafana dashboard out as Grafana does (24 columns, 30 px grid rows) and draws every
// panel with ECharts into one SVG; rasterises it with resvg and wraps it in a static HTML page.
import { existsSync } from "node:fs";
import { Resvg } from "@resvg/resvg-js";
import { FONT_FAMILY, renderChartSvg, THEME, type NamedSeries } from "./charts.js";
import type { GrafanaDashboard, GrafanaPanel } from "./dashboard.js";
import type { DataSource, Series } from "./data.js";
import { dashboardWindow, describeTimeFrom, panelWindow, type TimeWindow } from "./time-window.js";
import { el, raw, serialize, type Element } from "./markup.js";

export const PAGE_WIDTH = 1600;
const GRID_COLUMNS = 24;
const PAD = 12;
const HEADER = 48;
const UNIT_HEIGHT = 30;
const GAP = 8;
const TITLE_BAND = 30;

/** The instant a synthetic preview ends at: fixed, so pictures do not change with the clock. */
export const SYNTHETIC_END = Date.UTC(2024, 0, 1, 12, 0, 0);

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface DrawnPanel {
  title: string;
  type: string;
  rect: Rect;
  /** With a base: how the panel differs from the base's panel of the same id. */
  change?: PanelChange;
}

export type PanelChange = "added" | "changed" | "removed" | "unchanged";

export interface RenderOptions {
  end: number;
  caption?: string;
  offsetX?: number;
  idPrefix?: string;
  /** Panel id → change against the other side: changed panels are outlined, unchanged ones dimmed. */
  changes?: ReadonlyMap<number, PanelChange>;
  /** Set for a synthetic workload: the mark every synthetic picture carries, naming the scenario. */
  synthetic?: string;
}

/** The words a synthetic picture carries, so nobody mistakes it for measured data. */
export const SYNTHETIC_MARK = "SYNTHETIC DATA";
const MARK_COLOR = "#ff9830";
const CHANGE_STYLE: Readonly<Record<Exclude<PanelChange, "unchanged">, { color: string; tag: string }>> = {
  added: { color: "#73bf69", tag: "new" },
  changed: { color: "#ff9830", tag: "changed" },
  removed: { color: "#f2495c", tag: "removed" },
};
const DIMMED_OPACITY = 0.35;

export interface RenderedDashboard {
  uid: string;
  title: string;
  width: number;
  height: number;
  /** The page as one SVG element (no XML declaration), to embed or rasterise. */
  svg: Element;
  panels: DrawnPanel[];
}

/** Panel rectangle in pixels from its gridPos. */
export function panelRect(gridPos: GrafanaPanel["gridPos"], offsetX = 0): Rect {
  const col = (PAGE_WIDTH - 2 * PAD) / GRID_COLUMNS;
  return { x: offsetX + PAD + gridPos.x * col, y: HEADER + gridPos.y * UNIT_HEIGHT, w: gridPos.w * col - GAP, h: gridPos.h * UNIT_HEIGHT - GAP };
}

export function timeWindow(dash: GrafanaDashboard, end: number): TimeWindow {
  return dashboardWindow(dash.time.from, end);
}

function legendName(target: GrafanaPanel["targets"][number], s: Series, panel: GrafanaPanel): string {
  if (panel.type === "heatmap" && s.labels.le !== undefined) return s.labels.le;
  const format = target.legendFormat;
  if (format !== undefined && format !== "" && format !== "__auto") return format.replace(/\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, (_, l: string) => s.labels[l] ?? "");
  const labels = Object.entries(s.labels).filter(([k]) => k !== "__name__");
  return labels.length === 0 ? "" : `{${labels.map(([k, v]) => `${k}="${v}"`).join(", ")}}`;
}

/**
 * Gives each chart's ids a prefix, so clip paths of one panel never resolve to another's, and
 * drops zrender's process-wide counters (`zr7-c0`, `zr7-cls-12`), so output is byte-stable.
 */
function scopeIds(svg: string, prefix: string): string {
  const scoped = (id: string): string => prefix + id.replace(/^zr\d+-/, "");
  return svg
    .replace(/\bid="([^"]+)"/g, (_, id: string) => `id="${scoped(id)}"`)
    .replace(/url\(#([^)]+)\)/g, (_, id: string) => `url(#${scoped(id)})`)
    .replace(/href="#([^"]+)"/g, (_, id: string) => `href="#${scoped(id)}"`)
    // Hover styles only, named by a process-wide counter: a static picture has no use for them.
    .replace(/<style[^>]*>[\s\S]*?<\/style>/g, "")
    .replace(/ class="[^"]*"/g, "");
}

/** Places ECharts' root <svg> at (x, y) inside the page. */
function placeChart(svg: string, x: number, y: number): string {
  return svg.replace(/^<svg /, `<svg x="${Math.round(x * 100) / 100}" y="${Math.round(y * 100) / 100}" `);
}

export async function renderDashboard(dash: GrafanaDashboard, data: DataSource, options: RenderOptions): Promise<RenderedDashboard> {
  const window = timeWindow(dash, options.end);
  const offsetX = options.offsetX ?? 0;
  const prefix = options.idPrefix ?? dash.uid;
  const children: Element[] = [];
  const panels: DrawnPanel[] = [];
  const bottom = Math.max(0, ...dash.panels.map((p) => p.gridPos.y + p.gridPos.h));
  const height = HEADER + bottom * UNIT_HEIGHT + PAD;
  children.push(el("rect", { x: offsetX, y: 0, width: PAGE_WIDTH, height, fill: THEME.background }));
  children.push(el("text", { x: offsetX + PAD, y: 30, fill: THEME.text, "font-family": FONT_FAMILY, "font-size": 18, "font-weight": "bold" }, dash.title));
  if (options.caption !== undefined) {
    children.push(el("text", { x: offsetX + PAGE_WIDTH - PAD, y: 30, fill: THEME.muted, "font-family": FONT_FAMILY, "font-size": 13, "text-anchor": "end" }, options.caption));
  }
  if (options.synthetic !== undefined) {
    const label = `${SYNTHETIC_MARK}: ${options.synthetic}`;
    // Bold DejaVu Sans at 14 px is about 8.6 px a character; the box is sized to hold the text.
    const width = label.length * 8.6 + 24;
    const cx = offsetX + PAGE_WIDTH / 2 + 120;
    children.push(
      el(
        "g",
        { "data-mark": "synthetic" },
        el("rect", { x: cx - width / 2, y: 10, width, height: 28, rx: 4, fill: "none", stroke: MARK_COLOR, "stroke-width": 2 }),
        el("text", { x: cx, y: 29, fill: MARK_COLOR, "font-family": FONT_FAMILY, "font-size": 14, "font-weight": "bold", "text-anchor": "middle" }, label),
      ),
    );
  }
  for (const [index, panel] of dash.panels.entries()) {
    const rect = panelRect(panel.gridPos, offsetX);
    if (panel.type === "row") {
      children.push(el("text", { x: rect.x, y: rect.y + 20, fill: THEME.text, "font-family": FONT_FAMILY, "font-size": 14, "font-weight": "bold" }, panel.title));
      continue;
    }
    const change = panel.id !== undefined ? options.changes?.get(panel.id) : undefined;
    const series: NamedSeries[] = [];
    const own = panelWindow(panel.timeFrom, window);
    for (const target of panel.targets) {
      const result = await data.query(panel, target, own);
      for (const s of result) series.push({ name: legendName(target, s, panel), points: s.points });
    }
    const style = change !== undefined && change !== "unchanged" ? CHANGE_STYLE[change] : undefined;
    const parts: Element[] = [];
    parts.push(el("rect", { x: rect.x, y: rect.y, width: rect.w, height: rect.h, rx: 3, fill: THEME.panel, stroke: style?.color ?? THEME.border, "stroke-width": style ? 3 : 1 }));
    parts.push(el("text", { x: rect.x + 10, y: rect.y + 20, fill: THEME.text, "font-family": FONT_FAMILY, "font-size": 13, "font-weight": "bold" }, panel.title));
    // Grafana writes a panel's own time range beside its title; the change tag goes left of it.
    const timeInfo = panel.timeFrom !== undefined ? describeTimeFrom(panel.timeFrom) : "";
    if (timeInfo !== "") parts.push(el("text", { x: rect.x + rect.w - 10, y: rect.y + 20, fill: THEME.muted, "font-family": FONT_FAMILY, "font-size": 12, "text-anchor": "end", "data-time-from": panel.timeFrom ?? "" }, timeInfo));
    const tagRight = rect.x + rect.w - 10 - (timeInfo === "" ? 0 : Math.round(timeInfo.length * 6.7 + 10));
    if (style) parts.push(el("text", { x: tagRight, y: rect.y + 20, fill: style.color, "font-family": FONT_FAMILY, "font-size": 12, "font-weight": "bold", "text-anchor": "end" }, style.tag));
    const chartW = Math.max(10, Math.round(rect.w - 8));
    const chartH = Math.max(10, Math.round(rect.h - TITLE_BAND - 4));
    const drawn = series.filter((s) => s.points.some(([, v]) => Number.isFinite(v)));
    const chart = drawn.length > 0 ? renderChartSvg(panel, drawn, chartW, chartH, own) : undefined;
    if (chart !== undefined) parts.push(el("g", {}, raw(placeChart(scopeIds(chart, `${prefix}-p${index}-`), rect.x + 4, rect.y + TITLE_BAND))));
    else parts.push(el("text", { x: rect.x + rect.w / 2, y: rect.y + rect.h / 2, fill: THEME.muted, "font-family": FONT_FAMILY, "font-size": 13, "text-anchor": "middle" }, "No data"));
    children.push(change === "unchanged" ? el("g", { opacity: DIMMED_OPACITY, "data-change": "unchanged" }, ...parts) : el("g", change ? { "data-change": change } : {}, ...parts));
    panels.push({ title: panel.title, type: panel.type, rect, ...(change ? { change } : {}) });
  }
  const svg = el("svg", { xmlns: "http://www.w3.org/2000/svg", width: PAGE_WIDTH + offsetX, height, viewBox: `0 0 ${PAGE_WIDTH + offsetX} ${height}` }, ...children);
  return { uid: dash.uid, title: dash.title, width: PAGE_WIDTH, height, svg, panels };
}

/** Several pages side by side (base beside change) in one SVG. */
export function sideBySide(pages: readonly RenderedDashboard[]): Element {
  const width = PAGE_WIDTH * pages.length;
  const height = Math.max(...pages.map((p) => p.height));
  const parts = pages.flatMap((p) => p.svg.children);
  return el("svg", { xmlns: "http://www.w3.org/2000/svg", width, height, viewBox: `0 0 ${width} ${height}` }, el("rect", { x: 0, y: 0, width, height, fill: THEME.background }), ...parts);
}

const FONT_FILES = ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"];

/** The font files resvg is given; empty when DejaVu is not installed (then system fonts are used). */
export function fontFiles(): string[] {
  return FONT_FILES.filter((f) => existsSync(f));
}

export function toPng(svg: Element): { png: Buffer; width: number; height: number } {
  const files = fontFiles();
  const resvg = new Resvg(serialize(svg), {
    fitTo: { mode: "original" },
    font: files.length > 0 ? { loadSystemFonts: false, fontFiles: files, defaultFontFamily: FONT_FAMILY } : { loadSystemFonts: true },
  });
  const image = resvg.render();
  return { png: image.asPng(), width: image.width, height: image.height };
}

export function toHtml(title: string, svg: Element): string {
  const page = el(
    "html",
    { lang: "en" },
    el("head", {}, el("meta", { charset: "utf-8" }), el("title", {}, title), el("style", {}, `body{margin:0;background:${THEME.background}}svg{display:block}`)),
    el("body", {}, svg),
  );
  return `<!DOCTYPE html>\n${serialize(page)}\n`;
}
