// `obsgen preview`: renders the dashboards generated from the spec (and, with a base, the base's
// beside them) as PNG and static HTML, with data from Prometheus or a synthetic workload.
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Pipeline } from "../model/pipeline.js";
import type { Model, ServiceModel } from "../model/types.js";
import { oncallDashboards } from "../model/oncall/dashboards.js";
import { readDashboard, type GrafanaDashboard } from "./dashboard.js";
import { PrometheusData, SyntheticData, type DataSource } from "./data.js";
import { PAGE_WIDTH, renderDashboard, sideBySide, SYNTHETIC_END, toHtml, toPng, type PanelChange, type RenderedDashboard } from "./render.js";
import type { Scenario } from "./workload.js";

export { renderDashboard, toHtml, toPng, panelRect, PAGE_WIDTH, SYNTHETIC_END, SYNTHETIC_MARK } from "./render.js";
export { Workload, type Scenario } from "./workload.js";
export { SyntheticData, PrometheusData } from "./data.js";
export { readDashboard } from "./dashboard.js";

export interface PreviewOptions {
  /** How a spec is loaded and its dashboards generated (src/pipeline's PIPELINE). */
  pipeline: Pipeline;
  spec: string;
  out: string;
  cwd: string;
  prometheus?: string;
  /** With Prometheus: the instant the preview ends at (the CLI passes the current time). */
  end?: number;
  base?: string;
  /** Synthetic data only: `alerting` drives every alert's signal beyond its threshold. */
  scenario?: Scenario;
}

export interface PreviewFile {
  path: string;
  uid: string;
  width: number;
  height: number;
}

export interface PreviewResult {
  files: PreviewFile[];
  dashboards: RenderedDashboard[];
}

/** Every dashboard the generator emits for the Model, with the service it belongs to. */
export function dashboardsOf(model: Model, pipeline: Pipeline): { dashboard: GrafanaDashboard; service: ServiceModel | undefined }[] {
  return pipeline.dashboards(model).map((a) => {
    const dashboard = readDashboard(a.content, a.path);
    // The service's own dashboards and the triage and SLO dashboards generated for it.
    const owns = (s: ServiceModel): boolean => s.dashboards.some((d) => d.uid === dashboard.uid) || oncallDashboards(s).some((d) => d.spec.uid === dashboard.uid);
    return { dashboard, service: model.services.find(owns) };
  });
}

function source(options: PreviewOptions, service: ServiceModel | undefined): DataSource {
  return options.prometheus !== undefined ? new PrometheusData(options.prometheus) : new SyntheticData(service, options.scenario ?? "normal");
}

/** The mark a synthetic picture carries, or undefined for measured data. */
function syntheticMark(options: PreviewOptions): string | undefined {
  if (options.prometheus !== undefined) return undefined;
  return (options.scenario ?? "normal") === "alerting"
    ? "simulated from the spec, alerting scenario (every alert firing), not measured"
    : "simulated from the spec, inside every alert threshold, not measured";
}

/** Each panel of `side` against the panel with the same id on `other`: unchanged, changed, or only here. */
export function panelChanges(side: GrafanaDashboard | undefined, other: GrafanaDashboard | undefined, onlyHere: PanelChange): Map<number, PanelChange> {
  const out = new Map<number, PanelChange>();
  const others = new Map((other?.panels ?? []).flatMap((p) => (p.id !== undefined ? [[p.id, JSON.stringify(p)] as const] : [])));
  for (const p of side?.panels ?? []) {
    if (p.id === undefined || p.type === "row") continue;
    const theirs = others.get(p.id);
    out.set(p.id, theirs === undefined ? onlyHere : theirs === JSON.stringify(p) ? "unchanged" : "changed");
  }
  return out;
}

export async function runPreview(options: PreviewOptions): Promise<PreviewResult> {
  const head = options.pipeline.load(resolve(options.cwd, options.spec));
  const end = options.prometheus !== undefined && options.end !== undefined ? options.end : SYNTHETIC_END;
  const out = resolve(options.cwd, options.out);
  mkdirSync(out, { recursive: true });
  const files: PreviewFile[] = [];
  const dashboards: RenderedDashboard[] = [];
  const write = (name: string, uid: string, content: string | Buffer, width: number, height: number): void => {
    const path = join(out, name);
    writeFileSync(path, content);
    files.push({ path, uid, width, height });
  };

  const heads = dashboardsOf(head, options.pipeline);
  for (const { dashboard, service } of heads) {
    const mark = syntheticMark(options);
    const page = await renderDashboard(dashboard, source(options, service), { end, ...(mark !== undefined ? { synthetic: mark } : {}) });
    dashboards.push(page);
    const png = toPng(page.svg);
    write(`${dashboard.uid}.png`, dashboard.uid, png.png, png.width, png.height);
    write(`${dashboard.uid}.html`, dashboard.uid, toHtml(mark !== undefined ? `${dashboard.title} (synthetic data)` : dashboard.title, page.svg), page.width, page.height);
  }

  if (options.base !== undefined) {
    const base = options.pipeline.loadBase(options.base, options.spec, options.cwd);
    try {
      const bases = dashboardsOf(base.model, options.pipeline);
      const uids = [...new Set([...bases.map((b) => b.dashboard.uid), ...heads.map((h) => h.dashboard.uid)])].sort();
      for (const uid of uids) {
        const b = bases.find((x) => x.dashboard.uid === uid);
        const h = heads.find((x) => x.dashboard.uid === uid);
        const pages: RenderedDashboard[] = [];
        const absent = (caption: string): GrafanaDashboard => ({ uid, title: caption, time: { from: "now-6h", to: "now" }, panels: [] });
        const mark = syntheticMark(options);
        const common = { end, ...(mark !== undefined ? { synthetic: mark } : {}) };
        pages.push(
          await renderDashboard(b?.dashboard ?? absent("(not in the base)"), source(options, b?.service), {
            ...common,
            caption: `base: ${options.base}`,
            idPrefix: `base-${uid}`,
            changes: panelChanges(b?.dashboard, h?.dashboard, "removed"),
          }),
        );
        pages.push(
          await renderDashboard(h?.dashboard ?? absent("(removed by this change)"), source(options, h?.service), {
            ...common,
            caption: "this change",
            offsetX: PAGE_WIDTH,
            idPrefix: `head-${uid}`,
            changes: panelChanges(h?.dashboard, b?.dashboard, "added"),
          }),
        );
        const svg = sideBySide(pages);
        const png = toPng(svg);
        write(`${uid}.compare.png`, uid, png.png, png.width, png.height);
        write(`${uid}.compare.html`, uid, toHtml(`${h?.dashboard.title ?? b?.dashboard.title ?? uid}: base and change${mark !== undefined ? " (synthetic data)" : ""}`, svg), png.width, png.height);
      }
    } finally {
      base.dispose();
    }
  }
  return { files, dashboards };
}
