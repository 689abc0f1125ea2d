// The generated metrics module's files, by language: the generator writes them, and the output
// stage reads which language a project's module is in.
export const METRICS_MODULE_PATH = "metrics.ts";
export const METRICS_MODULE_JS_PATH = "metrics.js";
export const METRICS_MODULE_DTS_PATH = "metrics.d.ts";

/** The language of a project's generated module: TypeScript, or JavaScript with declarations. */
export type ModuleLang = "ts" | "js";
export const MODULE_LANGS: readonly ModuleLang[] = ["ts", "js"];

/** The files the metrics module of a language is written as. */
export const MODULE_PATHS: Readonly<Record<ModuleLang, readonly string[]>> = {
  ts: [METRICS_MODULE_PATH],
  js: [METRICS_MODULE_JS_PATH, METRICS_MODULE_DTS_PATH],
};

/** The base class of each metric type, in obsgen/runtime. */
export const BASE_CLASS = { counter: "EnumCounter", gauge: "EnumGauge", histogram: "EnumHistogram" } as const;
/** What `labels(…)` returns: obsgen/runtime's handle classes (a histogram's is extended per metric). */
export const SERIES_CLASS = { counter: "CounterSeries", gauge: "GaugeSeries", histogram: "HistogramSeries" } as const;
/** The suffix of each metric type's generated class. */
export const CLASS_SUFFIX = { counter: "Counter", gauge: "Gauge", histogram: "Histogram" } as const;

/** Every name the generated module imports (from prom-client and obsgen/runtime). */
export const MODULE_IMPORTS: readonly string[] = ["Registry", "AnyRegistry", "enumIndex", "labelKeysError", ...Object.values(BASE_CLASS), ...Object.values(SERIES_CLASS)];

/** The names the generated module exports for a metric, from its PascalCase name. */
export function metricExports(pascal: string, type: keyof typeof CLASS_SUFFIX): string[] {
  return [`${pascal}Labels`, `${pascal}${CLASS_SUFFIX[type]}`, ...(type === "histogram" ? [`${pascal}Series`] : [])];
}
