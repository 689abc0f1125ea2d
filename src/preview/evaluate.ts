// Evaluates the PromQL a dashboard or alert uses against a simulated workload, as Prometheus
// would at one instant: selectors, rate/increase over counters, aggregations, binary operators
// with one-to-one matching, comparisons and histogram_quantile. What it does not know it refuses
// (UnsupportedQuery), so a synthetic preview never draws a number it made up by accident.
import { parseDuration } from "../promql/duration.js";
import type { Aggregation, Binary, Call, Expr, Matcher, Selector } from "../promql/ast.js";

export type Labels = Readonly<Record<string, string>>;

/** One simulated series: a gauge's value, or a counter's per-second rate, at any instant (unix ms). */
export interface SimSeries {
  labels: Labels;
  kind: "counter" | "gauge";
  at(t: number): number;
}

export interface Sample {
  labels: Labels;
  value: number;
}

export type Value = { kind: "vector"; samples: Sample[] } | { kind: "scalar"; value: number };

export class UnsupportedQuery extends Error {}

const NAME = "__name__";
/** Samples taken across a range window to average a rate. */
const RANGE_SAMPLES = 12;

function matches(m: Matcher, value: string): boolean {
  switch (m.op) {
    case "=":
      return value === m.value;
    case "!=":
      return value !== m.value;
    case "=~":
      return new RegExp(`^(?:${m.value})$`).test(value);
    case "!~":
      return !new RegExp(`^(?:${m.value})$`).test(value);
  }
}

function select(series: readonly SimSeries[], sel: Selector): SimSeries[] {
  return series.filter((s) => (sel.name === undefined || s.labels[NAME] === sel.name) && sel.matchers.every((m) => matches(m, s.labels[m.label] ?? "")));
}

function withoutName(labels: Labels): Record<string, string> {
  const { [NAME]: _name, ...rest } = labels;
  return rest;
}

function key(labels: Labels): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** The mean of a counter's rate over [t - range, t]. */
function meanRate(s: SimSeries, t: number, range: number): number {
  let sum = 0;
  for (let i = 0; i < RANGE_SAMPLES; i++) sum += s.at(t - range + (range * (i + 0.5)) / RANGE_SAMPLES);
  return sum / RANGE_SAMPLES;
}

function rangeOf(sel: Selector): number {
  const ms = sel.range === undefined ? undefined : parseDuration(sel.range);
  if (ms === undefined) throw new UnsupportedQuery(`range ${sel.range ?? "(none)"} of ${sel.name ?? "a selector"}`);
  return ms;
}

const OVER_TIME = new Set(["avg_over_time", "max_over_time", "min_over_time", "last_over_time"]);

function call(e: Call, series: readonly SimSeries[], t: number): Value {
  const arg = e.args[0];
  if ((e.fn === "rate" || e.fn === "increase" || e.fn === "irate") && arg?.kind === "selector") {
    const range = rangeOf(arg);
    const samples = select(series, arg).map((s) => {
      const rate = s.kind === "counter" ? meanRate(s, t, range) : 0;
      return { labels: withoutName(s.labels), value: e.fn === "increase" ? rate * (range / 1000) : rate };
    });
    return { kind: "vector", samples };
  }
  if (OVER_TIME.has(e.fn) && arg?.kind === "selector") {
    const range = rangeOf(arg);
    const samples = select(series, arg).map((s) => {
      const values = Array.from({ length: RANGE_SAMPLES }, (_, i) => s.at(t - range + (range * (i + 0.5)) / RANGE_SAMPLES));
      const v = e.fn === "max_over_time" ? Math.max(...values) : e.fn === "min_over_time" ? Math.min(...values) : e.fn === "last_over_time" ? s.at(t) : values.reduce((a, b) => a + b, 0) / values.length;
      return { labels: withoutName(s.labels), value: v };
    });
    return { kind: "vector", samples };
  }
  if (e.fn === "histogram_quantile") {
    const q = e.args[0] ? evaluate(e.args[0], series, t) : undefined;
    const inner = e.args[1] ? evaluate(e.args[1], series, t) : undefined;
    if (q?.kind !== "scalar" || inner?.kind !== "vector") throw new UnsupportedQuery("histogram_quantile arguments");
    return { kind: "vector", samples: histogramQuantile(q.value, inner.samples) };
  }
  const [first, second] = e.args;
  if ((e.fn === "clamp_min" || e.fn === "clamp_max") && first && second) {
    const v = evaluate(first, series, t);
    const bound = evaluate(second, series, t);
    if (v.kind !== "vector" || bound.kind !== "scalar") throw new UnsupportedQuery(e.fn);
    const f = e.fn === "clamp_min" ? Math.max : Math.min;
    return { kind: "vector", samples: v.samples.map((s) => ({ labels: s.labels, value: f(s.value, bound.value) })) };
  }
  if (e.fn === "abs" && arg) {
    const v = evaluate(arg, series, t);
    if (v.kind !== "vector") throw new UnsupportedQuery("abs of a scalar");
    return { kind: "vector", samples: v.samples.map((s) => ({ labels: s.labels, value: Math.abs(s.value) })) };
  }
  if (e.fn === "vector" && arg) {
    const v = evaluate(arg, series, t);
    if (v.kind !== "scalar") throw new UnsupportedQuery("vector of a vector");
    return { kind: "vector", samples: [{ labels: {}, value: v.value }] };
  }
  throw new UnsupportedQuery(`function ${e.fn}`);
}

/** Prometheus' histogram_quantile: linear interpolation inside the bucket that holds the rank. */
export function histogramQuantile(q: number, samples: readonly Sample[]): Sample[] {
  const groups = new Map<string, { labels: Labels; buckets: [number, number][] }>();
  for (const s of samples) {
    const le = s.labels.le;
    if (le === undefined) continue;
    const { le: _le, ...rest } = s.labels;
    const k = key(rest);
    const g = groups.get(k) ?? { labels: rest, buckets: [] };
    g.buckets.push([le === "+Inf" ? Infinity : Number(le), s.value]);
    groups.set(k, g);
  }
  const out: Sample[] = [];
  for (const g of groups.values()) {
    const b = g.buckets.sort((x, y) => x[0] - y[0]);
    const total = b[b.length - 1]?.[1] ?? 0;
    if (b.length < 2 || b[b.length - 1]?.[0] !== Infinity || total <= 0) {
      out.push({ labels: g.labels, value: NaN });
      continue;
    }
    const rank = q * total;
    let value = NaN;
    let previous: [number, number] = [0, 0];
    for (const [upper, count] of b) {
      if (count < rank) {
        previous = [upper, count];
        continue;
      }
      // The rank falls in +Inf: Prometheus answers the highest finite bound.
      if (upper === Infinity) {
        value = b[b.length - 2]?.[0] ?? NaN;
        break;
      }
      const [lower, below] = previous;
      value = count === below ? upper : lower + ((upper - lower) * (rank - below)) / (count - below);
      break;
    }
    out.push({ labels: g.labels, value });
  }
  return out;
}

function aggregate(e: Aggregation, series: readonly SimSeries[], t: number): Value {
  const inner = evaluate(e.expr, series, t);
  if (inner.kind !== "vector") throw new UnsupportedQuery(`${e.op} of a scalar`);
  const groups = new Map<string, { labels: Labels; values: number[] }>();
  for (const s of inner.samples) {
    const labels: Record<string, string> = {};
    if (e.grouping?.mode === "by") for (const l of e.grouping.labels) if (s.labels[l] !== undefined) labels[l] = s.labels[l];
    if (e.grouping?.mode === "without") Object.assign(labels, Object.fromEntries(Object.entries(s.labels).filter(([k]) => !e.grouping?.labels.includes(k))));
    const k = key(labels);
    const g = groups.get(k) ?? { labels, values: [] };
    g.values.push(s.value);
    groups.set(k, g);
  }
  const fold: Record<string, (v: number[]) => number> = {
    sum: (v) => v.reduce((a, b) => a + b, 0),
    avg: (v) => v.reduce((a, b) => a + b, 0) / v.length,
    min: (v) => Math.min(...v),
    max: (v) => Math.max(...v),
    count: (v) => v.length,
  };
  const f = fold[e.op];
  if (!f) throw new UnsupportedQuery(`aggregation ${e.op}`);
  return { kind: "vector", samples: [...groups.values()].map((g) => ({ labels: g.labels, value: f(g.values) })) };
}

const ARITHMETIC: Readonly<Record<string, (a: number, b: number) => number>> = {
  "+": (a, b) => a + b,
  "-": (a, b) => a - b,
  "*": (a, b) => a * b,
  "/": (a, b) => a / b,
  "%": (a, b) => a % b,
  "^": (a, b) => a ** b,
};
const COMPARISON: Readonly<Record<string, (a: number, b: number) => boolean>> = {
  ">": (a, b) => a > b,
  "<": (a, b) => a < b,
  ">=": (a, b) => a >= b,
  "<=": (a, b) => a <= b,
  "==": (a, b) => a === b,
  "!=": (a, b) => a !== b,
};

function binary(e: Binary, series: readonly SimSeries[], t: number): Value {
  const lhs = evaluate(e.lhs, series, t);
  const rhs = evaluate(e.rhs, series, t);
  const arith = ARITHMETIC[e.op];
  const cmp = COMPARISON[e.op];
  if (!arith && !cmp) throw new UnsupportedQuery(`operator ${e.op}`);
  const apply = (a: number, b: number): number | undefined => (arith ? arith(a, b) : cmp?.(a, b) ? (e.bool ? 1 : a) : e.bool ? 0 : undefined);
  if (lhs.kind === "scalar" && rhs.kind === "scalar") return { kind: "scalar", value: apply(lhs.value, rhs.value) ?? NaN };
  if (lhs.kind === "vector" && rhs.kind === "scalar") {
    return { kind: "vector", samples: lhs.samples.flatMap((s) => {
      const v = apply(s.value, rhs.value);
      return v === undefined ? [] : [{ labels: s.labels, value: v }];
    }) };
  }
  if (lhs.kind === "scalar" && rhs.kind === "vector") {
    return { kind: "vector", samples: rhs.samples.flatMap((s) => {
      const v = apply(lhs.value, s.value);
      return v === undefined ? [] : [{ labels: s.labels, value: cmp ? s.value : v }];
    }) };
  }
  if (lhs.kind !== "vector" || rhs.kind !== "vector") throw new UnsupportedQuery("operands");
  const signature = (l: Labels): string => {
    if (e.matching?.mode === "on") return key(Object.fromEntries(e.matching.labels.map((n) => [n, l[n] ?? ""])));
    const ignored = e.matching?.mode === "ignoring" ? e.matching.labels : [];
    return key(Object.fromEntries(Object.entries(l).filter(([k]) => !ignored.includes(k))));
  };
  const right = new Map(rhs.samples.map((s) => [signature(s.labels), s]));
  return {
    kind: "vector",
    samples: lhs.samples.flatMap((s) => {
      const r = right.get(signature(s.labels));
      const v = r === undefined ? undefined : apply(s.value, r.value);
      return v === undefined ? [] : [{ labels: s.labels, value: v }];
    }),
  };
}

export function evaluate(e: Expr, series: readonly SimSeries[], t: number): Value {
  switch (e.kind) {
    case "number":
      return { kind: "scalar", value: e.value };
    case "selector":
      if (e.range !== undefined) throw new UnsupportedQuery("a range vector outside a function");
      return { kind: "vector", samples: select(series, e).map((s) => ({ labels: s.labels, value: s.at(t) })) };
    case "call":
      return call(e, series, t);
    case "aggregation":
      return aggregate(e, series, t);
    case "binary":
      return binary(e, series, t);
    case "other":
      throw new UnsupportedQuery("an expression the preview does not simulate");
  }
}
