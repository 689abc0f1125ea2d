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
