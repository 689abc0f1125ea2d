// Synthetic specs for the codegen benchmark: the bundled spec's metrics, panels and alerts copied
// under renamed metrics until a spec holds the requested counts, so every copy is as valid (and as
// expensive to check) as the original.
import { readFileSync } from "node:fs";
import { parse, stringify } from "yaml";

export interface SyntheticSize {
  metrics: number;
  panels: number;
  alerts: number;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Doc = { [k: string]: Json };

function isDoc(v: Json | undefined): v is Doc {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function docs(v: Json | undefined): Doc[] {
  return Array.isArray(v) ? v.filter(isDoc) : [];
}

function copyName(name: string, copy: number): string {
  return `s${String(copy).padStart(3, "0")}_${name}`;
}

/** Renames every metric of `names` in `value` (selectors, series strings, label-free mentions) to its copy. */
function renamed(value: Json, names: readonly string[], copy: number): Json {
  let text = JSON.stringify(value);
  for (const n of names) text = text.replace(new RegExp(`(?<![A-Za-z0-9_:])${n}`, "g"), copyName(n, copy));
  return JSON.parse(text) as Json;
}

export function syntheticSpec(basePath: string, size: SyntheticSize): string {
  const base = parse(readFileSync(basePath, "utf8")) as Doc;
  const metrics = isDoc(base.metrics) ? base.metrics : {};
  const names = Object.keys(metrics).sort((a, b) => b.length - a.length);
  const dashboard = docs(base.dashboards)[0];
  const alerts = docs(base.alerts);
  if (!dashboard || alerts.length === 0) throw new Error(`${basePath} needs a dashboard and alerts to scale`);

  const outMetrics: Doc = {};
  for (let i = 0; i < size.metrics; i++) {
    const name = Object.keys(metrics)[i % names.length] ?? "";
    const m = metrics[name];
    if (m !== undefined) outMetrics[copyName(name, Math.floor(i / names.length))] = m;
  }

  const dashboards: Doc[] = [];
  const panelKeys = new Set<string>();
  for (let copy = 0, left = size.panels; left > 0; copy++) {
    const rows: Doc[] = [];
    for (const row of docs(dashboard.rows)) {
      const panels = docs(row.panels).slice(0, left);
      left -= panels.length;
      if (panels.length === 0) break;
      const keyed = panels.map((p) => ({ ...p, key: `${String(p.key)}-s${copy}` }));
      for (const p of keyed) panelKeys.add(p.key);
      rows.push({ ...row, panels: renamed(keyed, names, copy) });
    }
    dashboards.push({ ...dashboard, uid: `${String(dashboard.uid)}-s${copy}`, title: `${String(dashboard.title)} (copy ${copy})`, rows });
  }

  const outAlerts: Json[] = [];
  for (let i = 0; i < size.alerts; i++) {
    const copy = Math.floor(i / alerts.length);
    const a = alerts[i % alerts.length];
    if (!a) continue;
    const { panel, ...rest } = a;
    const key = `${String(panel)}-s${copy}`;
    outAlerts.push(renamed({ ...rest, name: `${String(a.name)}S${copy}`, ...(panelKeys.has(key) ? { panel: key } : {}) }, names, copy));
  }

  const series = Object.keys(outMetrics).length * 100;
  // Whatever else names a metric (cost accrual, SLOs) names the first copy's.
  const { metrics: _metrics, dashboards: _dashboards, alerts: _alerts, ...rest } = base;
  const restRenamed = renamed(rest, names, 0);
  return stringify({
    ...(isDoc(restRenamed) ? restRenamed : {}),
    limits: { maxSeriesPerMetric: 1000, maxSeriesTotal: Math.max(series, 10_000) },
    metrics: outMetrics,
    dashboards,
    alerts: outAlerts,
  });
}
