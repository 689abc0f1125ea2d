// Prometheus naming rules and the names of derived series: the one place that spells them.
export const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
export const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
export const COUNTER_SUFFIX = "_total";

/** Labels Prometheus or the client library owns. */
export const RESERVED_LABELS = ["le", "quantile", "job", "instance"] as const;

export const HISTOGRAM_SUFFIXES = ["_bucket", "_sum", "_count"] as const;
export type HistogramSuffix = (typeof HISTOGRAM_SUFFIXES)[number];
export const BUCKET_LABEL = "le";

/** Base units Prometheus recommends, and the suffix a metric carrying them ends with. */
export const BASE_UNITS = ["seconds", "bytes", "ratio", "meters", "volts", "amperes", "joules", "grams", "celsius", "dollars", "info"] as const;
/** Units that have a base unit the name should use instead. */
export const NON_BASE_UNITS: Readonly<Record<string, string>> = {
  milliseconds: "seconds",
  microseconds: "seconds",
  minutes: "seconds",
  hours: "seconds",
  days: "seconds",
  kilobytes: "bytes",
  megabytes: "bytes",
  percent: "ratio",
};

export function isReservedLabel(name: string): boolean {
  return name.startsWith("__") || (RESERVED_LABELS as readonly string[]).includes(name);
}

export function stripCounterSuffix(name: string): string {
  return name.endsWith(COUNTER_SUFFIX) ? name.slice(0, -COUNTER_SUFFIX.length) : name;
}

/** The unit a metric name ends with (before `_total`), if any known unit. */
export function unitSuffixOf(name: string): string | undefined {
  const stem = stripCounterSuffix(name);
  const units = [...BASE_UNITS, ...Object.keys(NON_BASE_UNITS)];
  return units.find((u) => stem.endsWith(`_${u}`));
}

export function histogramSeries(name: string, suffix: HistogramSuffix): string {
  return name + suffix;
}

/** Splits a series name into the metric it belongs to and its histogram suffix, if any. */
export function splitHistogramSeries(series: string): { base: string; suffix: HistogramSuffix } | undefined {
  for (const suffix of HISTOGRAM_SUFFIXES) {
    if (series.endsWith(suffix)) return { base: series.slice(0, -suffix.length), suffix };
  }
  return undefined;
}

/** Prometheus' float formatting for `le` label values (prom-client and Prometheus agree). */
export function formatBucketBound(bound: number): string {
  return bound === Infinity ? "+Inf" : String(bound);
}

/** camelCase identifier for a snake_case metric or label name. */
export function camelCase(name: string): string {
  return name.replace(/[_:]+([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase()).replace(/[_:]+$/, "");
}

export function pascalCase(name: string): string {
  const c = camelCase(name.replace(/-/g, "_"));
  return c.charAt(0).toUpperCase() + c.slice(1);
}
