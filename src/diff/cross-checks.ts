// Checks a reviewer would do by hand when an alert's threshold moves: is the line on the alert's
// panel still drawn at the old value, and does any text still quote the old number?
import type { ServiceModel } from "../model/types.js";
import type { PanelModel } from "../model/types.js";
import { alertThreshold } from "./compare.js";
import type { Change } from "./types.js";

function thresholdValue(expr: string): { op: string; value: number } | undefined {
  const t = alertThreshold(expr).threshold;
  const m = t === undefined ? undefined : /^(\S+) (-?[\d.e+-]+)$/.exec(t);
  return m?.[1] !== undefined && m[2] !== undefined ? { op: m[1], value: Number(m[2]) } : undefined;
}

function round(v: number): number {
  return Number(v.toPrecision(12));
}

/** The numbers a panel or a text may show for an alert threshold: as is, as a percentage, or its complement (success vs failure). */
function shownAs(v: number, panel: PanelModel | undefined): number[] {
  const percent = panel?.unit === "percent";
  return [...new Set([v, ...(percent && v <= 1 ? [round(v * 100), round(100 - v * 100)] : [])])];
}

function panelOf(service: ServiceModel, key: string): PanelModel | undefined {
  for (const d of service.dashboards) for (const row of d.rows) for (const p of row.panels) if (p.key === key) return p;
  return undefined;
}

function quotes(text: string, values: readonly number[]): boolean {
  return values.some((v) => new RegExp(`(?<![\\d.])${String(v).replace(".", "\\.")}(?![\\d.]*\\d)`).test(text));
}

/** One cross-check finding per alert whose threshold changed but whose panel or text did not follow. */
export function thresholdCrossChecks(base: ServiceModel, head: ServiceModel): Change[] {
  const out: Change[] = [];
  for (const h of head.alerts) {
    const b = base.alerts.find((a) => a.name === h.name);
    const [bt, ht] = [b && thresholdValue(b.expr), thresholdValue(h.expr)];
    if (!b || !bt || !ht || bt.value === ht.value) continue;
    const panel = h.panel === undefined ? undefined : panelOf(head, h.panel);
    const [was, now] = [shownAs(bt.value, panel), shownAs(ht.value, panel)];
    const findings: string[] = [];
    const steps = (panel?.thresholds ?? []).flatMap((s) => (s.value === undefined ? [] : [s.value]));
    if (panel && steps.some((s) => was.includes(s)) && !steps.some((s) => now.includes(s))) {
      findings.push(`its panel "${panel.title}" (id ${panel.id}) still draws its threshold at ${steps.filter((s) => was.includes(s)).join(", ")}`);
    }
    const texts: [string, string | undefined][] = [["summary", h.summary], ["description", h.description], [`panel "${panel?.title ?? ""}" description`, panel?.description]];
    for (const [what, text] of texts) {
      if (text !== undefined && quotes(text, was) && !quotes(text, now)) findings.push(`its ${what} still quotes ${bt.value}: "${text.replace(/\s+/g, " ").trim()}"`);
    }
    if (findings.length > 0) {
      out.push({ service: head.name, group: "cross-checks", kind: "changed", subject: h.name, detail: `threshold ${bt.op} ${bt.value} → ${ht.op} ${ht.value}, but ${findings.join("; ")}` });
    }
  }
  return out;
}
