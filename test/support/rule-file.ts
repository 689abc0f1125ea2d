// The generated rule file, read for truth tests: its alerts, and its recording rules inlined into
// the expressions that use them, so a Prometheus holding only backfilled raw series evaluates the
// alerts exactly as the ruler would (the ruler would evaluate the recorded series first).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { RULES_PATH } from "../../src/generators/prometheus/names.js";
import { selectors, toAst } from "../../src/promql/ast.js";
import { parseQuery } from "../../src/promql/parse.js";

export interface GeneratedRule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
}

export function generatedRules(dir = "generated"): GeneratedRule[] {
  const file = parse(readFileSync(join(dir, RULES_PATH), "utf8")) as { groups: { rules: GeneratedRule[] }[] };
  return file.groups.flatMap((g) => g.rules);
}

/** The alerting rules, in file order. */
export function generatedAlerts(dir = "generated"): (GeneratedRule & { alert: string })[] {
  return generatedRules(dir).flatMap((r) => (r.alert === undefined ? [] : [{ ...r, alert: r.alert }]));
}

/**
 * Replaces each selector of a recorded series (by name and the labels the rule adds) with the
 * rule's expression in parentheses. The inlined result lacks the rule's static labels (slo=…),
 * which matching on the other labels does not need.
 */
export function inlineRecorded(expr: string, rules: readonly GeneratedRule[]): string {
  const parsed = parseQuery(expr);
  if (parsed.problems.length > 0) throw new Error(`does not parse: ${expr}`);
  const ast = toAst(parsed);
  if (!ast) return expr;
  const edits: { from: number; to: number; text: string }[] = [];
  for (const sel of selectors(ast)) {
    const rule = rules.find(
      (r) => r.record === sel.name && Object.entries(r.labels ?? {}).every(([k, v]) => sel.matchers.some((m) => m.label === k && m.op === "=" && m.value === v)),
    );
    if (rule) edits.push({ from: sel.from, to: sel.to, text: `(${inlineRecorded(rule.expr, rules)})` });
  }
  let out = expr;
  for (const e of edits.sort((a, b) => b.from - a.from)) out = out.slice(0, e.from) + e.text + out.slice(e.to);
  return out;
}

/** The group interval the ruler evaluates at (the bundled spec's alerting.interval). */
export const EVAL_STEP_S = 30;

function seconds(duration: string | undefined): number {
  const m = /^(\d+)(s|m|h)$/.exec(duration ?? "0s");
  if (!m) throw new Error(`unsupported duration ${duration ?? ""}`);
  return Number(m[1]) * ({ s: 1, m: 60, h: 3600 } as const)[m[2] as "s" | "m" | "h"];
}

export interface RangeQuerier {
  queryRange(expr: string, start: number, end: number, step: number): Promise<{ metric: Record<string, string>; values: [number, number][] }[]>;
}

/**
 * The series of an alert that would be firing at `at`: its (inlined) expression held at every
 * evaluation over its pending period, as the ruler requires before an alert leaves pending.
 */
export async function firingAt(prom: RangeQuerier, rule: GeneratedRule, rules: readonly GeneratedRule[], at: number): Promise<{ metric: Record<string, string>; value: number }[]> {
  const pending = seconds(rule.for);
  const expr = inlineRecorded(rule.expr, rules);
  const steps = Math.floor(pending / EVAL_STEP_S) + 1;
  const series = await prom.queryRange(expr, at - (steps - 1) * EVAL_STEP_S, at, EVAL_STEP_S);
  return series.filter((s) => s.values.length === steps).map((s) => ({ metric: s.metric, value: s.values[s.values.length - 1]?.[1] ?? NaN }));
}
