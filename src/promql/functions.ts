// PromQL's functions, in one place: which names exist comes from the official lezer grammar (so a
// grammar upgrade brings its new functions with it), what each takes and means comes from the
// signature table below, as Prometheus' promql/parser/functions.go states it. The parser's
// messages, the generate-time query checks and the dashboard lint all read this module.
import type { NodeType } from "@lezer/common";
import { parser } from "@prometheus-io/lezer-promql";

export type ValueType = "scalar" | "vector" | "matrix" | "string";

export interface FunctionSignature {
  args: readonly ValueType[];
  /**
   * As Prometheus' Variadic: 0 takes exactly `args`; n > 0 lets the last argument be left out or
   * repeated up to n times; -1 repeats it without bound.
   */
  variadic: number;
  returns: ValueType;
  /**
   * Reads a counter without treating its value as a level (a running total since the process
   * started, reset on every restart): a raw counter is meaningful under these functions.
   */
  counterSafe?: true;
  /** Computes a per-second rate or an increase, so it assumes a counter that only grows. */
  rate?: true;
}

const V = "vector";
const M = "matrix";
const S = "scalar";
const STR = "string";

const f = (args: readonly ValueType[], returns: ValueType, more: Partial<FunctionSignature> = {}): FunctionSignature => ({ args, variadic: 0, returns, ...more });
const math = f([V], V);
const overTime = f([M], V);
const dateFn = f([V], V, { variadic: 1 });

/** Every function of the grammar; a test fails when the grammar and this table disagree. */
const SIGNATURES: Readonly<Record<string, FunctionSignature>> = {
  abs: math, absent: f([V], V, { counterSafe: true }), absent_over_time: f([M], V, { counterSafe: true }),
  acos: math, acosh: math, asin: math, asinh: math, atan: math, atanh: math,
  avg_over_time: overTime, ceil: math, changes: f([M], V, { counterSafe: true }),
  clamp: f([V, S, S], V), clamp_max: f([V, S], V), clamp_min: f([V, S], V),
  cos: math, cosh: math, count_over_time: f([M], V, { counterSafe: true }),
  days_in_month: dateFn, day_of_month: dateFn, day_of_week: dateFn, day_of_year: dateFn,
  deg: math, delta: overTime, deriv: overTime, double_exponential_smoothing: f([M, S, S], V),
  exp: math, first_over_time: overTime, floor: math,
  histogram_avg: math, histogram_count: math, histogram_fraction: f([S, S, V], V), histogram_quantile: f([S, V], V),
  histogram_quantiles: f([V, STR, S], V, { variadic: -1 }), histogram_stddev: math, histogram_stdvar: math, histogram_sum: math,
  hour: dateFn, idelta: overTime,
  increase: f([M], V, { counterSafe: true, rate: true }), info: f([V, V], V, { variadic: 1 }),
  irate: f([M], V, { counterSafe: true, rate: true }),
  label_join: f([V, STR, STR, STR], V, { variadic: -1 }), label_replace: f([V, STR, STR, STR, STR], V),
  last_over_time: overTime, ln: math, log10: math, log2: math,
  mad_over_time: overTime, max_over_time: overTime, min_over_time: overTime, minute: dateFn, month: dateFn,
  pi: f([], S), predict_linear: f([M, S], V), present_over_time: f([M], V, { counterSafe: true }),
  quantile_over_time: f([S, M], V), rad: math, range: f([], S),
  rate: f([M], V, { counterSafe: true, rate: true }), resets: f([M], V, { counterSafe: true }),
  round: f([V, S], V, { variadic: 1 }), scalar: f([V], S), sgn: math,
  sin: math, sinh: math, sort: math, sort_by_label: f([V, STR], V, { variadic: -1 }), sort_by_label_desc: f([V, STR], V, { variadic: -1 }), sort_desc: math,
  sqrt: math, start_timestamp: f([V], V), step: f([], S), stddev_over_time: overTime, stdvar_over_time: overTime, sum_over_time: overTime,
  tan: math, tanh: math, time: f([], S), timestamp: f([V], V, { counterSafe: true }),
  ts_of_first_over_time: f([M], V, { counterSafe: true }), ts_of_last_over_time: f([M], V, { counterSafe: true }),
  ts_of_max_over_time: overTime, ts_of_min_over_time: overTime,
  vector: f([S], V), year: dateFn,
};

/** Snake-case spellings a grammar term name may stand for: HistogramStdDev → histogram_stddev, histogram_std_dev, … */
function spellings(term: string): string[] {
  const words = (term.match(/[A-Z][a-z]*[0-9]*/g) ?? []).map((w) => w.toLowerCase());
  const out: string[] = [];
  for (let joins = 0; joins < 1 << Math.max(0, words.length - 1); joins++) {
    out.push(words.reduce((s, w, i) => (i === 0 ? w : s + (joins & (1 << (i - 1)) ? "" : "_") + w), ""));
  }
  return out;
}

/**
 * The grammar names each function by a term (CountOverTime) but keeps the spelling in its
 * tokenizer: a spelling is the function's when the grammar parses `spelling()` as a call of it.
 */
function grammarFunctions(): string[] {
  const names: string[] = [];
  const isCallOf = (spelling: string, term: NodeType): boolean =>
    parser.parse(`${spelling}()`).topNode.firstChild?.getChild("FunctionIdentifier")?.firstChild?.type === term;
  for (const term of parser.nodeSet.types) {
    if (!/^[A-Z]/.test(term.name)) continue;
    const spelling = spellings(term.name).find((s) => isCallOf(s, term));
    if (spelling !== undefined) names.push(spelling);
  }
  return names.sort();
}

let known: readonly string[] | undefined;

/** The names of PromQL's functions, as the grammar knows them, sorted. */
export function functionNames(): readonly string[] {
  known ??= grammarFunctions();
  return known;
}

export function signatureOf(fn: string): FunctionSignature | undefined {
  return Object.hasOwn(SIGNATURES, fn) ? SIGNATURES[fn] : undefined;
}

/** Names in the signature table, for the test that holds it to the grammar. */
export function describedFunctions(): readonly string[] {
  return Object.keys(SIGNATURES).sort();
}

/** The index of the range-vector argument of `fn`, if it takes one. */
export function rangeArgumentIndex(fn: string): number | undefined {
  const i = signatureOf(fn)?.args.indexOf(M) ?? -1;
  return i >= 0 ? i : undefined;
}

/** Whether a raw counter means something under `fn` (rate, increase, count_over_time, absent, …). */
export function isCounterSafe(fn: string): boolean {
  return signatureOf(fn)?.counterSafe === true;
}

/** rate, irate and increase: per-second rates and increases that assume a counter. */
export function isRateFunction(fn: string): boolean {
  return signatureOf(fn)?.rate === true;
}
