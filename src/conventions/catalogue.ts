// The catalogue's vocabulary: metrics, their labels and SLOs as the model resolves them. PromQL
// analysis reads them as much as the model does, so they live below both.
export type MetricType = "counter" | "gauge" | "histogram";

export interface LabelModel {
  name: string;
  values: readonly string[];
  /** Unknown values are recorded as this declared value; without it they are rejected. */
  fallback?: string;
  /** False when the values are views of one quantity that must never be added up (absent: additive). */
  additive?: boolean;
}

export interface MetricModel {
  name: string;
  type: MetricType;
  help: string;
  unit?: string;
  labels: readonly LabelModel[];
  /** Histogram bucket upper bounds, ascending, without +Inf. */
  buckets: readonly number[];
  /** Rule ids the spec suppresses for this metric, with reasons. */
  suppressions: ReadonlyMap<string, string>;
  /** Series this metric can produce (histograms: buckets + +Inf + _sum + _count per label set). */
  maxSeries: number;
  /** Document path of the metric in its spec, for diagnostics. */
  path: readonly (string | number)[];
}

/** A resolved SLO: the SLI as the series it reads, the objective as a fraction. */
export interface SloModel {
  name: string;
  description: string;
  /** Objective as a fraction (99 % → 0.99); the error budget is 1 − objective. */
  objective: number;
  window: string;
  windowHours: number;
  minRate?: number;
  sli:
    | { kind: "events"; good: string; total: string }
    | { kind: "latency"; histogram: MetricModel; threshold: number; matchers?: string };
  causes: readonly string[];
  firstSteps: readonly string[];
  /** Document path of the SLO in its spec. */
  path: readonly (string | number)[];
}
