// One simulated workload per service, derived from its spec, from which every synthetic panel is
// computed by evaluating its own PromQL: a rate drawn on two panels is the same rate. Each series'
// level is seeded by its name (metric and labels), never by its position, so adding a series or
// a label value leaves the others as they were. Label values that name an order or a period are
// read as such: retry attempt 2 is rarer than attempt 1, a daily figure is a monthly one / 30.4.
// The workload is then calibrated against the spec's alerts: inside every threshold by default,
// beyond them with the `alerting` scenario.
import { BUCKET_LABEL, formatBucketBound, histogramSeries } from "../conventions/names.js";
import type { LabelModel, MetricModel, ServiceModel } from "../model/types.js";
import { selectors, toAst, type Expr } from "../promql/ast.js";
import { parseQuery } from "../promql/parse.js";
import { evaluate, UnsupportedQuery, type SimSeries } from "./evaluate.js";
import { substituteVariables } from "./variables.js";
import { SLO_LABEL, UP_SERIES } from "../conventions/oncall.js";
import { formatNumber } from "../promql/rewrite.js";
import { oncallPlan, type PlannedRecording } from "../model/oncall/plan.js";

export type Scenario = "normal" | "alerting";

/** Hours in a period a label value may name: a cost "per day" is 24 hourly costs. */
const PERIOD_HOURS: Readonly<Record<string, number>> = { hourly: 1, hour: 1, daily: 24, day: 24, weekly: 168, week: 168, monthly: 24 * 30.4, month: 24 * 30.4, yearly: 24 * 365, year: 24 * 365 };
/** Shares of an outcome label: most operations succeed, few fail or retry; started counts each once. */
const OUTCOME_SHARE: Readonly<Record<string, number>> = { success: 0.97, succeeded: 0.97, ok: 0.97, hit: 0.8, started: 1, total: 1, failure: 0.03, failed: 0.03, error: 0.03, errors: 0.03, retry: 0.06, timeout: 0.01, miss: 0.2 };
/** Outside the alert thresholds by this margin in the normal scenario, beyond it by this much when alerting. */
const INSIDE = 0.7;
/** Outcome values that count every operation once: the sum of their outcome siblings. */
const TOTALS = new Set(["started", "total"]);
const RETRIES = new Set(["retry", "retries"]);
const BEYOND = 1.3;
const DAY_MS = 86_400_000;

/** FNV-1a: a series' seed from its name. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** A number in [0, 1) fixed by the text. */
function unit(text: string): number {
  return hash(text) / 4294967296;
}

/** How often a label value occurs relative to its siblings, from what the value says. */
export function valueWeight(label: string, value: string): number {
  const period = PERIOD_HOURS[value.toLowerCase()];
  if (period !== undefined) return period;
  const share = OUTCOME_SHARE[value.toLowerCase()];
  if (share !== undefined) return share;
  // An ordinal (attempt 1, 2, 3…): each step half as frequent as the one before.
  if (/^\d+$/.test(value)) return 0.5 ** (Number(value) - 1);
  // Otherwise a spread fixed by the label and value (not the metric: clones are the same share of
  // every metric split by operation); "other" is a fallback, rarely hit.
  return value === "other" ? 0.05 : 0.2 + 0.8 * unit(`${label}\u0000${value}`);
}

interface Knobs {
  /** Per metric: a counter's rate, a gauge's value, a histogram's typical observation. */
  level: Map<string, number>;
  /** Per `metric\u0000label\u0000value`: a multiplier on that label value's weight. */
  weight: Map<string, number>;
}

function combos(metric: MetricModel): Record<string, string>[] {
  let sets: Record<string, string>[] = [{}];
  for (const l of metric.labels) sets = sets.flatMap((s) => l.values.map((v) => ({ ...s, [l.name]: v })));
  return sets;
}

/** A slow swell and a little noise, the same shape for every series of a metric, phase from its name. */
function wave(name: string, t: number): number {
  const phase = unit(name) * Math.PI * 2;
  const noise = unit(`${name}\u0000${Math.floor(t / 60_000)}`) - 0.5;
  return 1 + 0.18 * Math.sin((t / (DAY_MS / 3)) * Math.PI * 2 + phase) + 0.06 * noise;
}

/** Counters of rare events (errors, conflicts, retries) run at a few percent of the operations' rate. */
const RARE_EVENT = /error|fail|conflict|retr|timeout|reject/;

function defaultLevel(m: MetricModel): number {
  const u = unit(m.name);
  if (m.type === "counter" && RARE_EVENT.test(m.name)) return 0.03 * (0.1 + 0.6 * u);
  if (m.type === "histogram") {
    // A typical observation a third of the way up the bucket layout.
    const b = m.buckets;
    return b[Math.floor(b.length / 3)] ?? 1;
  }
  return m.type === "counter" ? 0.1 + 0.6 * u : 2 + 6 * u;
}

/** Share of observations at or below `le` for a log-normal spread around `typical`. */
function cdf(le: number, typical: number): number {
  if (le === Infinity) return 1;
  const z = Math.log(le / typical) / 0.8;
  // The logistic approximation of the normal CDF is plenty for a picture.
  return 1 / (1 + Math.exp(-1.702 * z));
}

export class Workload {
  private constructor(
    readonly service: ServiceModel,
    private readonly knobs: Knobs,
    readonly series: SimSeries[],
  ) {}

  static of(service: ServiceModel, scenario: Scenario, window: { start: number; end: number }): Workload {
    const knobs: Knobs = { level: new Map(service.metrics.map((m) => [m.name, defaultLevel(m)])), weight: new Map() };
    let w = new Workload(service, knobs, build(service, knobs));
    // A figure no alert reads (a cost projection) still stays out of its panel's red: the picture
    // says "inside every threshold". The alerts come last, so their state is what the scenario says.
    if (scenario === "normal") for (const expr of [...redLines(service, window), ...budgetLines(service)]) w = w.calibrate(expr, scenario, window);
    // The generated alerts (cost, SLO burn rates) by their signal, then the spec's own alerts.
    for (const alert of oncallPlan(service).alerts) {
      if ((alert.origin.kind === "cost" || alert.origin.kind === "slo") && alert.signal) w = w.calibrate(`${alert.signal.expr} ${alert.signal.op} ${alert.signal.threshold}`, scenario, window);
    }
    for (const alert of service.alerts) w = w.calibrate(alert.expr, scenario, window);
    return w;
  }

  /** Turns one knob at a time until the alert's condition is as the scenario wants it. */
  private calibrate(expr: string, scenario: Scenario, window: { start: number; end: number }): Workload {
    const parsed = parseQuery(expr);
    const ast = parsed.problems.length === 0 ? toAst(parsed) : undefined;
    if (!ast || ast.kind !== "binary" || ast.rhs.kind !== "number" || ![">", ">=", "<", "<="].includes(ast.op)) return this;
    const above = ast.op.startsWith(">");
    const threshold = ast.rhs.value;
    const target = scenario === "normal" ? (above ? threshold * INSIDE : threshold / INSIDE) : above ? threshold * BEYOND : threshold / BEYOND;
    const lhs = ast.lhs;
    const wanted = (w: Workload): boolean | undefined => {
      const values = w.lhsValues(lhs, window);
      if (values === undefined || values.length === 0) return undefined;
      if (scenario === "normal") return above ? Math.max(...values) <= target : Math.min(...values) >= target;
      // Beyond the threshold at the end, yet a plausible reading: within three times of it.
      const last = values[values.length - 1] ?? NaN;
      return above ? last >= target && last <= threshold * 3 : last <= target && last >= threshold / 3;
    };
    if (wanted(this) !== false) return this;
    // Halve or double one knob at a time until the condition holds (20 steps: a factor of a million).
    for (const knob of knobsOf(ast, this.service)) {
      for (const factor of [0.5, 2]) {
        let next: Workload = this;
        for (let i = 0; i < 20; i++) {
          next = next.turned(knob, factor);
          if (wanted(next) === true) return next;
        }
      }
    }
    return this;
  }

  private lhsValues(lhs: Expr, window: { start: number; end: number }): number[] | undefined {
    const out: number[] = [];
    try {
      for (let t = window.start; t <= window.end; t += Math.max(60_000, (window.end - window.start) / 24)) {
        const v = evaluate(lhs, this.series, t);
        if (v.kind === "scalar") out.push(v.value);
        else out.push(...v.samples.map((s) => s.value).filter((x) => Number.isFinite(x)));
      }
    } catch (e) {
      if (e instanceof UnsupportedQuery) return undefined;
      throw e;
    }
    return out;
  }

  private turned(knob: Knob, factor: number): Workload {
    const level = new Map(this.knobs.level);
    const weight = new Map(this.knobs.weight);
    if (knob.kind === "level") level.set(knob.metric, (level.get(knob.metric) ?? 1) * factor);
    else weight.set(knob.key, (weight.get(knob.key) ?? 1) * factor);
    const knobs = { level, weight };
    return new Workload(this.service, knobs, build(this.service, knobs));
  }
}

/** "query > value" for each single-query gauge or stat panel whose top threshold step is red. */
function redLines(service: ServiceModel, window: { start: number; end: number }): string[] {
  const out: string[] = [];
  for (const dashboard of service.dashboards) {
    for (const panel of dashboard.rows.flatMap((r) => r.panels)) {
      const top = panel.thresholds?.[panel.thresholds.length - 1];
      const query = panel.queries[0];
      if ((panel.kind !== "gauge" && panel.kind !== "stat") || panel.queries.length !== 1 || !query || top?.value === undefined || !/red/i.test(top.color)) continue;
      out.push(`(${substituteVariables(query.expr, { ...window, stepMs: 60_000 })}) > ${top.value}`);
    }
  }
  return out;
}

/** "burn over the SLO's window > 1" for each SLO: inside every threshold, no error budget is spent beyond its window's share. */
function budgetLines(service: ServiceModel): string[] {
  const recording = oncallPlan(service).recording;
  return service.slos.flatMap((slo) => {
    const rule = recording.find((r) => r.labels?.[SLO_LABEL] === slo.name && r.record.endsWith(`:ratio_rate${slo.window}`) && r.record.includes("error"));
    return rule ? [`${rule.record}{${SLO_LABEL}="${slo.name}"} / ${formatNumber(1 - slo.objective)} > 1`] : [];
  });
}

type Knob = { kind: "level"; metric: string } | { kind: "weight"; key: string };

/** What may be turned to move an alert's expression: each metric it reads, and each label value it selects. */
function knobsOf(ast: Expr, service: ServiceModel): Knob[] {
  const out: Knob[] = [];
  // A recorded series (an SLO's error ratio) is turned through the metrics its rule reads.
  const recorded = (name: string | undefined): Expr[] =>
    oncallPlan(service).recording.flatMap((r) => (r.record === name ? [toAst(parseQuery(r.expr))].filter((x): x is Expr => x !== undefined) : []));
  const all = selectors(ast).flatMap((sel) => {
    const rules = recorded(sel.name);
    return rules.length > 0 ? rules.flatMap((e) => selectors(e)) : [sel];
  });
  for (const sel of all) {
    const metric = service.metrics.find((m) => sel.name === m.name || (m.type === "histogram" && sel.name?.startsWith(m.name) === true));
    if (!metric) continue;
    for (const matcher of sel.matchers) {
      const label = metric.labels.find((l) => l.name === matcher.label);
      for (const v of label?.values ?? []) {
        // A period's factor and a total of outcomes are arithmetic, not a share to adjust.
        if (PERIOD_HOURS[v.toLowerCase()] !== undefined || TOTALS.has(v.toLowerCase())) continue;
        const hit = matcher.op === "=" ? v === matcher.value : matcher.op === "=~" && new RegExp(`^(?:${matcher.value})$`).test(v);
        if (hit) out.push({ kind: "weight", key: `${metric.name}\u0000${matcher.label}\u0000${v}` });
      }
    }
    out.push({ kind: "level", metric: metric.name });
  }
  const seen = new Set<string>();
  return out.filter((k) => {
    const id = k.kind === "level" ? k.metric : k.key;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

const FAILURES = new Set(["failure", "failed", "error", "errors"]);
const ERROR_COUNTER = /error|fail/;

/** The weight of a label value under the knobs, with started/total as the sum of its outcomes. */
function weigher(m: MetricModel, knobs: Knobs): (label: LabelModel, v: string) => number {
  const one = (label: string, v: string): number => valueWeight(label, v) * (knobs.weight.get(`${m.name}\u0000${label}\u0000${v}`) ?? 1);
  return (label, v) =>
    TOTALS.has(v.toLowerCase())
      ? label.values.filter((x) => !TOTALS.has(x.toLowerCase()) && !RETRIES.has(x.toLowerCase())).reduce((sum, x) => sum + one(label.name, x), 0)
      : one(label.name, v);
}

/** Labels whose siblings move together: a period (one figure over several periods) or an outcome (parts of one total). */
function together(m: MetricModel): Set<string> {
  return new Set(m.labels.filter((l) => l.values.some((v) => PERIOD_HOURS[v.toLowerCase()] !== undefined || TOTALS.has(v.toLowerCase()))).map((l) => l.name));
}

/** Sum over every combination of `labels` (restricted by `keep`) of the product of their weights. */
function totalWeight(labels: readonly LabelModel[], weight: (l: LabelModel, v: string) => number, keep: (l: LabelModel, v: string) => boolean = () => true): number {
  return labels.reduce((product, l) => product * l.values.filter((v) => keep(l, v)).reduce((sum, v) => sum + weight(l, v), 0), 1);
}

/**
 * A counter of errors (git_errors_total) counts the failures another counter's outcome label
 * counts (git_operation_total{status="failure"}): its level is derived from that counter's, and
 * it follows that counter's shape, so the errors panel adds up to the failures.
 */
function failureSource(m: MetricModel, metrics: readonly MetricModel[]): { source: MetricModel; outcome: LabelModel } | undefined {
  if (m.type !== "counter" || !ERROR_COUNTER.test(m.name)) return undefined;
  for (const source of metrics) {
    if (source === m || source.type !== "counter") continue;
    const outcome = source.labels.find((l) => l.values.some((v) => FAILURES.has(v.toLowerCase())));
    if (outcome && !m.labels.some((l) => l.name === outcome.name)) return { source, outcome };
  }
  return undefined;
}

function build(service: ServiceModel, knobs: Knobs): SimSeries[] {
  const job = service.scrape.job;
  const instance = service.scrape.targets[0] ?? "localhost";
  const out: SimSeries[] = [];
  for (const m of service.metrics) {
    const weight = weigher(m, knobs);
    const linked = failureSource(m, service.metrics);
    let level = knobs.level.get(m.name) ?? 1;
    let shapeOf = m;
    if (linked) {
      const { source, outcome } = linked;
      const shared = new Set(m.labels.map((l) => l.name));
      const failures = totalWeight(source.labels.filter((l) => !shared.has(l.name)), weigher(source, knobs), (l, v) => l !== outcome || FAILURES.has(v.toLowerCase()));
      const spread = totalWeight(m.labels.filter((l) => !source.labels.some((x) => x.name === l.name)), weight);
      // The knob still scales it: calibration may turn errors up or down on their own.
      level = ((knobs.level.get(source.name) ?? 1) * failures) / spread * ((knobs.level.get(m.name) ?? 1) / defaultLevel(m));
      shapeOf = source;
    }
    const moving = together(shapeOf);
    for (const labels of combos(m)) {
      const w = m.labels.reduce((product, l) => product * weight(l, labels[l.name] ?? ""), 1);
      const base = { ...labels, job, instance };
      // The series' shape: named by the labels that do not move together (and, for a linked
      // error counter, by the labels it shares with the counter it follows).
      const shapeLabels = Object.entries(labels).filter(([k]) => !moving.has(k) && shapeOf.labels.some((l) => l.name === k));
      const name = `${shapeOf.name}${JSON.stringify(shapeLabels)}`;
      if (m.type !== "histogram") {
        out.push({ labels: { __name__: m.name, ...base }, kind: m.type === "counter" ? "counter" : "gauge", at: (t) => level * w * wave(name, t) });
        continue;
      }
      // A histogram: observations at a rate fixed by the label values, spread around a typical
      // value of their own (a clone takes longer than a status).
      const rate = (t: number): number => 0.3 * w * wave(name, t);
      const typical = m.labels.length === 0 ? level : level * (0.5 + unit(name));
      for (const le of [...m.buckets, Infinity]) {
        out.push({ labels: { __name__: histogramSeries(m.name, "_bucket"), ...base, [BUCKET_LABEL]: formatBucketBound(le) }, kind: "counter", at: (t) => rate(t) * cdf(le, typical * wave(`${name}\u0000typical`, t)) });
      }
      out.push({ labels: { __name__: histogramSeries(m.name, "_count"), ...base }, kind: "counter", at: rate });
      out.push({ labels: { __name__: histogramSeries(m.name, "_sum"), ...base }, kind: "counter", at: (t) => rate(t) * typical * 1.38 });
    }
  }
  // Every target is up (the outage alerts stay silent), and the recording rules are series too:
  // the SLO dashboard and burn-rate alerts read them.
  for (const target of service.scrape.targets) out.push({ labels: { __name__: UP_SERIES, job, instance: target }, kind: "gauge", at: () => 1 });
  for (const rule of oncallPlan(service).recording) out.push(...recordedSeries(rule, out));
  return out;
}

const SHAPES = new WeakMap<PlannedRecording, { labels: Readonly<Record<string, string>> }[]>();

/** The series a recording rule writes, evaluated on demand from the series it reads. */
function recordedSeries(rule: PlannedRecording, from: readonly SimSeries[]): SimSeries[] {
  const ast = toAst(parseQuery(rule.expr));
  if (!ast) return [];
  const inputs = [...from];
  const memo = new Map<number, Map<string, number>>();
  const key = (labels: Readonly<Record<string, string>>): string => JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)));
  const at = (t: number): Map<string, number> => {
    let values = memo.get(t);
    if (!values) {
      const v = evaluate(ast, inputs, t);
      values = new Map(v.kind === "scalar" ? [[key({}), v.value]] : v.samples.map((s) => [key(s.labels), s.value]));
      if (memo.size > 4096) memo.clear();
      memo.set(t, values);
    }
    return values;
  };
  try {
    // The label sets a rule writes do not depend on the knobs: computed once per rule.
    let samples = SHAPES.get(rule);
    if (!samples) {
      const shape = evaluate(ast, inputs, 0);
      samples = shape.kind === "scalar" ? [{ labels: {} }] : shape.samples.map((x) => ({ labels: x.labels }));
      SHAPES.set(rule, samples);
    }
    return samples.map((s) => {
      const k = key(s.labels);
      return { labels: { ...s.labels, ...rule.labels, __name__: rule.record }, kind: "gauge" as const, at: (t: number) => at(t).get(k) ?? NaN };
    });
  } catch (e) {
    if (e instanceof UnsupportedQuery) return [];
    throw e;
  }
}
