// Metrics whose label values are all enumerated: every series exists from the start, with its own
// handle (a counter's or gauge's holds its value, a histogram's its slots in the metric's typed
// array), so recording is index arithmetic instead of prom-client's hash-and-lookup per call. The classes
// here hold what every metric shares (registration, scrape, reset, error paths); the recording
// methods are generated per metric, so each call site in a service sees one class and stays
// monomorphic (a shared method would see every metric's label shape and index function).
// This file is the package's `obsgen/runtime` export (scripts/build.mjs compiles it to
// dist/metrics-runtime): every generated module imports it, so an upgrade of obsgen fixes the
// shared code without regenerating, and a project's several generated modules share one copy.
// They plug into prom-client's Registry through its metric interface (get/reset/aggregator),
// handing it the same value objects its own Counter/Gauge/Histogram build, so its formatter prints
// the same text and registries, content types, default metrics and cluster aggregation keep working.
import { Registry, type Metric, type RegistryContentType } from "prom-client";

// Read in fewer bytes of bytecode than Number.isFinite (a global and a property): V8 inlines a
// recording call by its bytecode size. It still compiles to V8's finite-number check.
const isFiniteNumber = Number.isFinite;

/** A registry of either content type (Prometheus text or OpenMetrics). */
export type AnyRegistry = Registry<RegistryContentType>;

type Labels = Record<string, string>;
type Aggregator = "sum" | "first" | "min" | "max" | "average" | "omit";

interface ExposedValue {
  value: number;
  labels: Record<string, string | number>;
  metricName?: string;
  sharedLabels?: Labels;
  exemplar?: null;
}

export interface ExposedMetric {
  name: string;
  help: string;
  type: "counter" | "gauge" | "histogram";
  values: ExposedValue[];
  aggregator: Aggregator;
}

/**
 * Index of an enumerated label value that no generated `case` matched: the fallback's index for
 * any other string, an error for anything else (a missing label, a value of a label without a
 * fallback outside its enumeration).
 */
export function enumIndex(values: readonly string[], value: unknown, metric: string, label: string, fallback: number): number {
  if (typeof value === "string") {
    const k = values.indexOf(value);
    if (k >= 0) return k;
    if (fallback >= 0) return fallback;
  }
  if (value === undefined) throw new RangeError(`${metric}: label "${label}" is missing`);
  throw new RangeError(`${metric}: label "${label}" has no value ${JSON.stringify(value)}; allowed: ${values.join(", ")}`);
}

/** The error for a labels object whose keys are not exactly the metric's label names. */
export function labelKeysError(metric: string, expected: readonly string[], labels: Readonly<Record<string, unknown>>): RangeError {
  const extra: string[] = [];
  for (const k in labels) if (!expected.includes(k)) extra.push(k);
  const missing = expected.filter((k) => labels[k] === undefined);
  const parts = [
    ...(extra.length > 0 ? [`unknown label ${extra.map((k) => JSON.stringify(k)).join(", ")}`] : []),
    ...(missing.length > 0 ? [`missing label ${missing.map((k) => JSON.stringify(k)).join(", ")}`] : []),
  ];
  return new RangeError(`${metric}: ${parts.join("; ")}; labels are: ${expected.length > 0 ? expected.join(", ") : "(none)"}`);
}

/** The error for a value a counter cannot add (negative, NaN or infinite). */
export function counterValueError(metric: string, value: number): Error {
  if (!Number.isFinite(value)) return new TypeError(`${metric}: value is not a finite number: ${String(value)}`);
  return new RangeError(`${metric}: a counter cannot decrease (got ${value})`);
}

/** The error for a gauge or histogram value that is NaN or infinite. */
export function finiteValueError(metric: string, value: number): TypeError {
  return new TypeError(`${metric}: value is not a finite number: ${String(value)}`);
}

/** The error for a `labels(…)` call with a different number of values than the metric has labels. */
export function labelCountError(metric: string, expected: readonly string[], got: number): RangeError {
  const names = expected.length > 0 ? ` (${expected.join(", ")})` : "";
  return new RangeError(`${metric}: labels() takes ${expected.length} value${expected.length === 1 ? "" : "s"}${names}, got ${got}`);
}

// The series handles `labels(…)` returns. Every metric's handles are created with the metric, one
// per series, so `labels(…)` allocates nothing; counters and gauges of every metric share one class
// each, so a call site sees one shape whichever metric it records. A counter's or gauge's handle
// holds its series' value itself: the metric's labels-object methods record through the same
// handle, and the metric reads the handles when scraped.
//
// Why the recording methods are written this way: V8 inlines a call by the callee's bytecode size.
// It inlines a function of at most 27 bytes (--max-inlined-bytecode-size-small) wherever it is
// called, however rarely, and anything larger within a budget of 920 bytes per optimized function,
// hottest call sites first. A counter's `inc()` is a field increment with anything else (a value to
// check) handed to a call: 28 bytes, compact but just above that limit, on purpose. Forced at every
// call site, it spent the budget of a function with many recording calls on its rare ones, and the
// hot `labels(…)` calls beside them stayed real calls; measured on the benchmark's full mix (bench/
// mix-loops.ts), 47 ns against 52 ns per operation. A label-less metric's `labels()` is 29 bytes for
// the same reason (45 ns against 46 ns there: its three rare calls no longer forced in, the hot
// outcome's labels(…) inlined instead). A field is what keeps inc() that small (a typed-array
// element takes two loads more). The value field starts as a heap number so that V8
// stores it as a double from the first series on: a fractional increment later then does not change
// the handles' shape (and deoptimize every call site recording them).

/** One series of a counter, as `labels(…)` returns it: records without a labels object. */
export class CounterSeries {
  /** The series' value: read it through `value`; only `inc` and the metric's reset write it. */
  current = -0;

  constructor(protected readonly metric: string) {
    this.current = 0;
  }

  inc(value?: number): void {
    if (value !== undefined) return this.add(value);
    this.current += 1;
  }

  /** `inc(value)`: checked here, so that `inc()` stays compact. */
  protected add(value: number): void {
    if (!(isFiniteNumber(value) && value >= 0)) throw counterValueError(this.metric, value);
    this.current += value;
  }

  /** The series' current value. */
  get value(): number {
    return this.current;
  }
}

/** One series of a gauge, as `labels(…)` returns it. */
export class GaugeSeries {
  /** The series' value: read it through `value`; only `set`/`inc`/`dec` and the metric's reset write it. */
  current = -0;

  constructor(protected readonly metric: string) {
    this.current = 0;
  }

  set(value: number): void {
    if (!isFiniteNumber(value)) throw this.valueError(value);
    this.current = value;
  }

  inc(value = 1): void {
    if (!isFiniteNumber(value)) throw this.valueError(value);
    this.current += value;
  }

  dec(value = 1): void {
    if (!isFiniteNumber(value)) throw this.valueError(value);
    this.current -= value;
  }

  // Thrown through a method: a recording call's bytecode stays small enough for V8 to inline it.
  protected valueError(value: number): Error {
    return finiteValueError(this.metric, value);
  }

  /** The series' current value. */
  get value(): number {
    return this.current;
  }
}

/**
 * One series of a histogram, as `labels(…)` returns it; `observe` is generated per metric (its
 * bucket bounds are constants there). `base` is the series' first slot: its buckets, then +Inf,
 * sum and count.
 */
export abstract class HistogramSeries {
  constructor(
    protected readonly metric: string,
    protected readonly values: Float64Array,
    protected readonly base: number,
  ) {}

  abstract observe(value: number): void;

  /** Observes the seconds since `start` (a process.hrtime.bigint() reading) and returns them. */
  observeSince(start: bigint): number {
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    this.observe(seconds);
    return seconds;
  }

  protected valueError(value: number): Error {
    return finiteValueError(this.metric, value);
  }
}

export interface EnumMetricConfig<L extends Labels> {
  name: string;
  help: string;
  /** Every label set, in series-index order (the cartesian product of the enumerations). */
  labelSets: readonly L[];
  registry?: AnyRegistry | undefined;
  aggregator?: Aggregator;
}

// prom-client's text formatter flattens a value's sharedLabels once per object (a WeakMap keyed by
// it) and, for a value that has none, makes a new `{}` to key it by: a new WeakMap entry for every
// counter and gauge line of every scrape, garbage for the next collection to sweep. One frozen
// empty object, as the scalars' sharedLabels and as the _sum and _count lines' own labels, prints
// the same text (no label is excluded, none added; default labels keep their place) without that.
const NO_LABELS: Labels = Object.freeze({});

abstract class EnumMetric<L extends Labels> {
  readonly name: string;
  readonly help: string;
  readonly aggregator: Aggregator;
  abstract readonly type: ExposedMetric["type"];
  /** Called before each scrape, like prom-client's `collect`; awaited only when it returns a promise. */
  collect?: () => void | Promise<void>;
  protected readonly labelSets: readonly L[];

  constructor(cfg: EnumMetricConfig<L>) {
    this.name = cfg.name;
    this.help = cfg.help;
    this.aggregator = cfg.aggregator ?? "sum";
    this.labelSets = cfg.labelSets;
  }

  /** The error for `labels(…)` called with `got` values. */
  protected countError(got: number): RangeError {
    return labelCountError(this.name, Object.keys(this.labelSets[0] ?? {}), got);
  }

  protected register(registry: AnyRegistry | undefined): void {
    // prom-client types its registry by its own classes; at run time it needs only this interface.
    registry?.registerMetric(this as unknown as Metric);
  }

  abstract get(): Promise<ExposedMetric>;
  abstract reset(): void;
}

abstract class EnumScalar<L extends Labels, H extends CounterSeries | GaugeSeries> extends EnumMetric<L> {
  /** The handle of each series, by series index: each holds its series' value. */
  protected readonly handles: readonly H[];
  /** The first series' handle: a metric without labels has only this one. */
  protected readonly only: H;

  constructor(cfg: EnumMetricConfig<L>, handle: (metric: string) => H) {
    super(cfg);
    this.handles = cfg.labelSets.map(() => handle(cfg.name));
    // Every metric has at least one series (one without labels has exactly one).
    this.only = this.handles[0] ?? handle(cfg.name);
    this.register(cfg.registry);
  }

  /** The current value of the series `labels` names. */
  abstract valueFor(labels: L): number;

  async get(): Promise<ExposedMetric> {
    const pending = this.collect?.();
    if (pending) await pending;
    const values = this.labelSets.map((labels, i) => ({ value: this.handles[i]?.current ?? 0, labels }));
    return { help: this.help, name: this.name, type: this.type, values, aggregator: this.aggregator };
  }

  // The text's values: get()'s with the empty sharedLabels (NO_LABELS). getMetricsAsJSON and
  // cluster aggregation take get()'s, which have no sharedLabels key, as prom-client's do.
  async getForPromString(): Promise<ExposedMetric> {
    const pending = this.collect?.();
    if (pending) await pending;
    const values = this.labelSets.map((labels, i) => ({ value: this.handles[i]?.current ?? 0, labels, sharedLabels: NO_LABELS }));
    return { help: this.help, name: this.name, type: this.type, values, aggregator: this.aggregator };
  }

  reset(): void {
    for (const h of this.handles) h.current = 0;
  }
}

/** A counter; `labels`, `inc` and `valueFor` are generated per metric (recording through the handles). */
export abstract class EnumCounter<L extends Labels> extends EnumScalar<L, CounterSeries> {
  readonly type = "counter";

  constructor(cfg: EnumMetricConfig<L>) {
    super(cfg, (metric) => new CounterSeries(metric));
  }

  /** The series of these label values, in the order of the metric's labels (generated per metric). */
  abstract labels(...values: string[]): CounterSeries;
  abstract inc(labels: L, value?: number): void;
}

/** A gauge; `labels`, `set`, `inc`, `dec` and `valueFor` are generated per metric (recording through the handles). */
export abstract class EnumGauge<L extends Labels> extends EnumScalar<L, GaugeSeries> {
  readonly type = "gauge";

  constructor(cfg: EnumMetricConfig<L>) {
    super(cfg, (metric) => new GaugeSeries(metric));
  }

  /** The series of these label values, in the order of the metric's labels (generated per metric). */
  abstract labels(...values: string[]): GaugeSeries;
  abstract set(labels: L, value: number): void;
  abstract inc(labels: L, value?: number): void;
  abstract dec(labels: L, value?: number): void;
}

export interface EnumHistogramConfig<L extends Labels> extends EnumMetricConfig<L> {
  buckets: readonly number[];
}

/**
 * A histogram; `observe`, `observeSince`, `countOf` and `sumOf` are generated per metric. Per
 * series: one non-cumulative count per bucket, then +Inf, sum and count.
 */
export abstract class EnumHistogram<L extends Labels, H extends HistogramSeries = HistogramSeries> extends EnumMetric<L> {
  readonly type = "histogram";
  readonly series: Float64Array;
  protected readonly bounds: Float64Array;
  protected readonly stride: number;
  /** The handle of each series, by series index. */
  protected readonly handles: readonly H[];
  /** The first series' handle: a histogram without labels has only this one. */
  protected readonly only: H;
  /** Each bucket line's own labels, the +Inf one last: made once, only read by the formatter. */
  private readonly bucketLabels: readonly { le: number | string }[];

  constructor(cfg: EnumHistogramConfig<L>, handle: (metric: string, values: Float64Array, base: number) => H) {
    super(cfg);
    this.bounds = Float64Array.from(cfg.buckets);
    this.bucketLabels = [...cfg.buckets.map((le) => ({ le })), { le: "+Inf" }];
    this.stride = cfg.buckets.length + 3;
    this.series = new Float64Array(cfg.labelSets.length * this.stride);
    this.handles = cfg.labelSets.map((_, i) => handle(cfg.name, this.series, i * this.stride));
    this.only = this.handles[0] ?? handle(cfg.name, this.series, 0);
    this.register(cfg.registry);
  }

  protected valueError(value: number): Error {
    return finiteValueError(this.name, value);
  }

  /** The series of these label values, in the order of the metric's labels (generated per metric). */
  abstract labels(...values: string[]): H;
  abstract observe(labels: L, value: number): void;
  /** Observes the seconds since `start` (a process.hrtime.bigint() reading) and returns them. */
  abstract observeSince(labels: L, start: bigint): number;
  abstract countOf(labels: L): number;
  abstract sumOf(labels: L): number;

  // The value objects prom-client's Histogram builds for its formatter: `le` first, the series'
  // labels as sharedLabels, cumulative buckets, then +Inf, _sum and _count.
  async getForPromString(): Promise<ExposedMetric> {
    const pending = this.collect?.();
    if (pending) await pending;
    const n = this.bounds.length;
    const le = this.bucketLabels;
    const bucketName = `${this.name}_bucket`;
    const values: ExposedValue[] = [];
    this.labelSets.forEach((labels, i) => {
      const base = i * this.stride;
      let acc = 0;
      for (let b = 0; b < n; b++) {
        acc += this.series[base + b] ?? 0;
        values.push({ labels: le[b] ?? NO_LABELS, sharedLabels: labels, value: acc, metricName: bucketName, exemplar: null });
      }
      const count = this.series[base + n + 2] ?? 0;
      values.push({ labels: le[n] ?? NO_LABELS, sharedLabels: labels, value: count, metricName: bucketName, exemplar: null });
      values.push({ labels: NO_LABELS, sharedLabels: labels, value: this.series[base + n + 1] ?? 0, metricName: `${this.name}_sum` });
      values.push({ labels: NO_LABELS, sharedLabels: labels, value: count, metricName: `${this.name}_count` });
    });
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  async get(): Promise<ExposedMetric> {
    const data = await this.getForPromString();
    // Like prom-client's splayLabels: `le` first, then the series' labels (key order shows in JSON).
    const values = data.values.map(({ labels, sharedLabels, ...rest }) => ({ ...rest, labels: { ...labels, ...sharedLabels } }));
    return { ...data, values };
  }

  reset(): void {
    this.series.fill(0);
  }
}
