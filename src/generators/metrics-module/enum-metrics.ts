// obsgen:runtime-begin
// Metrics whose label values are all enumerated: every series has a fixed slot in a typed array,
// so recording is index arithmetic instead of prom-client's hash-and-lookup per call. They plug
// into prom-client's Registry through its metric interface (get/reset/aggregator), handing it the
// same value objects its own Counter/Gauge/Histogram build, so its formatter prints the same text
// and registries, content types, default metrics and cluster aggregation keep working.
import { Registry, type Metric, type RegistryContentType } from "prom-client";

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

/** Index of an enumerated label value, or of the fallback; throws for an unknown value without one. */
export function enumIndex(table: Readonly<Record<string, number>>, value: unknown, metric: string, label: string, fallback: number): number {
  const k = typeof value === "string" ? table[value] : undefined;
  if (typeof k === "number") return k;
  if (fallback >= 0) return fallback;
  throw new RangeError(`${metric}: label "${label}" has no value ${JSON.stringify(value)}; allowed: ${Object.keys(table).join(", ")}`);
}

export interface EnumMetricConfig<L extends Labels> {
  name: string;
  help: string;
  /** Every label set, in series-index order (the cartesian product of the enumerations). */
  labelSets: readonly L[];
  indexOf: (labels: L) => number;
  registry?: AnyRegistry | undefined;
  aggregator?: Aggregator;
}

abstract class EnumMetric<L extends Labels> {
  readonly name: string;
  readonly help: string;
  readonly aggregator: Aggregator;
  abstract readonly type: ExposedMetric["type"];
  /** Called before each scrape, like prom-client's `collect`. */
  collect?: () => void | Promise<void>;
  protected readonly labelSets: readonly L[];
  protected readonly indexOf: (labels: L) => number;

  constructor(cfg: EnumMetricConfig<L>) {
    this.name = cfg.name;
    this.help = cfg.help;
    this.aggregator = cfg.aggregator ?? "sum";
    this.labelSets = cfg.labelSets;
    this.indexOf = cfg.indexOf;
  }

  protected register(registry: AnyRegistry | undefined): void {
    // prom-client types its registry by its own classes; at run time it needs only this interface.
    registry?.registerMetric(this as unknown as Metric);
  }

  abstract get(): Promise<ExposedMetric>;
  abstract reset(): void;
}

function finite(metric: string, value: number): number {
  if (!Number.isFinite(value)) throw new TypeError(`${metric}: value is not a finite number: ${String(value)}`);
  return value;
}

abstract class EnumScalar<L extends Labels> extends EnumMetric<L> {
  readonly series: Float64Array;

  constructor(cfg: EnumMetricConfig<L>) {
    super(cfg);
    this.series = new Float64Array(cfg.labelSets.length);
    this.register(cfg.registry);
  }

  valueFor(labels: L): number {
    return this.series[this.indexOf(labels)] ?? 0;
  }

  async get(): Promise<ExposedMetric> {
    if (this.collect) await this.collect();
    const values = this.labelSets.map((labels, i) => ({ value: this.series[i] ?? 0, labels }));
    return { help: this.help, name: this.name, type: this.type, values, aggregator: this.aggregator };
  }

  reset(): void {
    this.series.fill(0);
  }
}

export class EnumCounter<L extends Labels> extends EnumScalar<L> {
  readonly type = "counter";

  inc(labels: L, value = 1): void {
    if (!(value >= 0) || value === Infinity) {
      finite(this.name, value);
      throw new RangeError(`${this.name}: a counter cannot decrease (got ${value})`);
    }
    this.addAt(this.indexOf(labels), value);
  }

  /** The hot path: a series index from the generated tables. */
  addAt(index: number, value: number): void {
    const s = this.series;
    s[index] = (s[index] ?? 0) + value;
  }
}

export class EnumGauge<L extends Labels> extends EnumScalar<L> {
  readonly type = "gauge";

  set(labels: L, value: number): void {
    this.series[this.indexOf(labels)] = finite(this.name, value);
  }

  inc(labels: L, value = 1): void {
    const i = this.indexOf(labels);
    this.series[i] = (this.series[i] ?? 0) + finite(this.name, value);
  }

  dec(labels: L, value = 1): void {
    this.inc(labels, -value);
  }
}

export interface EnumHistogramConfig<L extends Labels> extends EnumMetricConfig<L> {
  buckets: readonly number[];
}

/** Per series: one non-cumulative count per bucket, then +Inf, sum and count. */
export class EnumHistogram<L extends Labels> extends EnumMetric<L> {
  readonly type = "histogram";
  readonly series: Float64Array;
  private readonly bounds: Float64Array;
  private readonly stride: number;

  constructor(cfg: EnumHistogramConfig<L>) {
    super(cfg);
    this.bounds = Float64Array.from(cfg.buckets);
    this.stride = cfg.buckets.length + 3;
    this.series = new Float64Array(cfg.labelSets.length * this.stride);
    this.register(cfg.registry);
  }

  observe(labels: L, value: number): void {
    this.observeAt(this.indexOf(labels), finite(this.name, value));
  }

  /** The hot path: a series index from the generated tables. */
  observeAt(index: number, value: number): void {
    const bounds = this.bounds;
    const n = bounds.length;
    let b = 0;
    while (b < n && value > (bounds[b] ?? Infinity)) b++;
    const s = this.series;
    const base = index * this.stride;
    s[base + b] = (s[base + b] ?? 0) + 1;
    s[base + n + 1] = (s[base + n + 1] ?? 0) + value;
    s[base + n + 2] = (s[base + n + 2] ?? 0) + 1;
  }

  /** Observes the seconds since `start` (a process.hrtime.bigint() reading) and returns them. */
  observeSince(labels: L, start: bigint): number {
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    this.observeAt(this.indexOf(labels), seconds);
    return seconds;
  }

  countOf(labels: L): number {
    return this.series[this.indexOf(labels) * this.stride + this.bounds.length + 2] ?? 0;
  }

  sumOf(labels: L): number {
    return this.series[this.indexOf(labels) * this.stride + this.bounds.length + 1] ?? 0;
  }

  // The value objects prom-client's Histogram builds for its formatter: `le` first, the series'
  // labels as sharedLabels, cumulative buckets, then +Inf, _sum and _count.
  async getForPromString(): Promise<ExposedMetric> {
    if (this.collect) await this.collect();
    const n = this.bounds.length;
    const bucketName = `${this.name}_bucket`;
    const values: ExposedValue[] = [];
    this.labelSets.forEach((labels, i) => {
      const base = i * this.stride;
      let acc = 0;
      for (let b = 0; b < n; b++) {
        acc += this.series[base + b] ?? 0;
        values.push({ labels: { le: this.bounds[b] ?? 0 }, sharedLabels: labels, value: acc, metricName: bucketName, exemplar: null });
      }
      const count = this.series[base + n + 2] ?? 0;
      values.push({ labels: { le: "+Inf" }, sharedLabels: labels, value: count, metricName: bucketName, exemplar: null });
      values.push({ labels: {}, sharedLabels: labels, value: this.series[base + n + 1] ?? 0, metricName: `${this.name}_sum` });
      values.push({ labels: {}, sharedLabels: labels, value: count, metricName: `${this.name}_count` });
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
// obsgen:runtime-end
