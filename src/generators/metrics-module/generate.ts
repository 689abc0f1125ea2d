// Emits generated/metrics.ts: typed, enumerated prom-client instrumentation for every service.
// Each metric gets its own class with its own recording methods, label switch and index function,
// so a call site in a service sees one class (monomorphic) however many metrics the service has.
// Spec text reaches the TypeScript only as tsStringLiteral() string literals, or through tsComment()
// in comments; names become identifiers only through camelCase/pascalCase of validated names.
//
// For a JavaScript project (`--lang js`) the same module is written as metrics.js, the TypeScript
// with its types erased, and metrics.d.ts, its types: one generator emits all three flavours line by
// line, so the JavaScript runs exactly the code the TypeScript does and the declarations give the
// same label unions and excess-key errors. The shared base classes are imported from the package's
// `obsgen/runtime` export (enum-metrics.ts), with prom-client, the user's own dependency.
import { camelCase, pascalCase } from "../../conventions/names.js";
import { lineComment, tsComment, tsStringLiteral } from "../../conventions/text-escape.js";
import type { LabelModel, MetricModel, Model, ServiceModel } from "../../model/types.js";
import { generatedHeader, type Artifact } from "../artifact.js";

import { BASE_CLASS, CLASS_SUFFIX, METRICS_MODULE_DTS_PATH, METRICS_MODULE_JS_PATH, METRICS_MODULE_PATH, SERIES_CLASS, type ModuleLang } from "../../conventions/module.js";

export { METRICS_MODULE_DTS_PATH, METRICS_MODULE_JS_PATH, METRICS_MODULE_PATH, MODULE_LANGS, MODULE_PATHS, type ModuleLang } from "../../conventions/module.js";

/** The specifier of the shared runtime the generated module imports (package.json "exports"). */
export const RUNTIME_SPECIFIER = "obsgen/runtime";

// What one rendering of the module keeps: TypeScript keeps code and types, JavaScript only code,
// declarations only types.
type Flavor = "ts" | "js" | "dts";


export function generateMetricsModule(model: Model, lang: ModuleLang = "ts"): Artifact[] {
  if (lang === "ts") return [{ path: METRICS_MODULE_PATH, content: render(model, "ts") }];
  return [
    { path: METRICS_MODULE_JS_PATH, content: render(model, "js") },
    { path: METRICS_MODULE_DTS_PATH, content: render(model, "dts") },
  ];
}

function render(model: Model, f: Flavor): string {
  const out: string[] = [`// ${lineComment(generatedHeader(model))}`, "//", ...MODULE_DOC.map((l) => `// ${l}`.trimEnd()), "", ...imports(model, f), "", ...finiteCheck(model, f)];
  for (const service of model.services) out.push(...serviceSection(service, f), ...costSection(service, f));
  out.push(...onlyServiceAliases(model, f));
  // A declaration file exports only what says `export` once it has an explicit export list.
  if (f === "dts") out.push("export {};", "");
  return out.join("\n");
}

// Only what the module uses: a strict project's noUnusedLocals must pass on it.
function imports(model: Model, f: Flavor): string[] {
  const metrics = model.services.flatMap((s) => s.metrics);
  const has = (type: MetricModel["type"]) => metrics.some((m) => m.type === type);
  const classes = (["counter", "gauge", "histogram"] as const).filter(has).map((t) => BASE_CLASS[t]);
  const helpers = f === "dts" ? [] : [
    ...(metrics.some((m) => m.labels.length > 0) ? ["enumIndex"] : []),
    ...(metrics.length > 0 ? ["labelKeysError"] : []),
  ];
  // Counter and gauge handles are only named in types; a histogram's handle class is extended.
  const handles = [
    ...(f !== "js" ? (["counter", "gauge"] as const).filter(has).map((t) => `type ${SERIES_CLASS[t]}`) : []),
    ...(has("histogram") ? [SERIES_CLASS.histogram] : []),
  ];
  const bare = (name: string) => name.replace(/^type /, "").toLowerCase();
  const names = [...helpers, ...classes, ...handles].sort((a, b) => (bare(a) < bare(b) ? -1 : 1));
  if (f !== "js") names.push("type AnyRegistry");
  return [`import { Registry } from "prom-client";`, `import { ${names.join(", ")} } from ${tsStringLiteral(RUNTIME_SPECIFIER)};`];
}

/** What an observation checks its value with, when the module has a histogram. */
const IS_FINITE = "$isFinite";

// A module constant is read in fewer bytes of bytecode than Number.isFinite (a global and a
// property), and V8 inlines a recording call by its bytecode size; it still compiles to V8's
// finite-number check. `$` keeps it apart from every name derived from the spec.
function finiteCheck(model: Model, f: Flavor): string[] {
  if (f === "dts" || !model.services.some((s) => s.metrics.some((m) => m.type === "histogram"))) return [];
  return [`const ${IS_FINITE} = Number.isFinite;`, ""];
}

const MODULE_DOC = [
  "Every label value is enumerated by the spec, so every series exists from the start (at zero,",
  "which lets rate() and increase() see the first event) and has a fixed slot. A label value outside",
  "its enumeration is a type error, and at run time either a RangeError or, where the spec declares",
  "a fallback, the fallback value: it never creates a series the spec does not know. A labels object",
  "must name exactly the metric's labels: an extra or a missing key is a type error and a RangeError.",
];

/** A property key: bare when it is an identifier, else a string literal. */
function propertyKey(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : tsStringLiteral(name);
}

/**
 * `createMetrics()` and `Metrics` name the primary service (model/deployment.ts): the only one, or
 * the one a spec marks `primary: true`, so a project keeps its entry point when a spec is added.
 */
function onlyServiceAliases(model: Model, f: Flavor): string[] {
  const only = model.services.find((s) => s.name === model.deployment.primary);
  if (!only) return [];
  const svc = pascalCase(only.name);
  const which = model.services.length === 1 ? "The only service of this spec" : "The primary service of these specs";
  const alias = (name: string, of: string) => (f === "dts" ? `export declare const ${name}: typeof ${of};` : `export const ${name} = ${of};`);
  return [
    `/** ${which}: \`createMetrics()\` is \`create${svc}Metrics()\`. */`,
    alias("createMetrics", `create${svc}Metrics`),
    ...(f === "js" ? [] : [`export type Metrics<R extends AnyRegistry = Registry> = ${svc}Metrics<R>;`]),
    "",
    ...(only.cost !== undefined ? [`/** The ${model.services.length === 1 ? "only" : "primary"} service's cost rate, in dollars per sandbox-hour. */`, alias("ratePerSandboxHour", rateConstantName(only)), ""] : []),
  ];
}

function rateConstantName(service: ServiceModel): string {
  return `${camelCase(service.name.replace(/-/g, "_"))}RatePerSandboxHour`;
}

/**
 * The service's cost rate as a constant, so a service (the reference runtime) reads it from the
 * module it already imports instead of from the spec pipeline.
 */
function costSection(service: ServiceModel, f: Flavor): string[] {
  const rate = service.cost?.ratePerSandboxHour;
  if (rate === undefined) return [];
  return ["/** Dollars per sandbox-hour (the spec's cost.ratePerSandboxHour). */", `export ${f === "dts" ? "declare " : ""}const ${rateConstantName(service)} = ${String(rate)};`, ""];
}

// Identifiers derived from a metric's (validated) name. The exported ones are the metric's
// PascalCase name and one of a fixed set of suffixes, none a suffix of another, so two metrics
// (whose camelCase names the model keeps distinct) cannot share one, and the model refuses a name
// that would become one of obsgen/runtime's. The module's own ones join the metric's camelCase
// name, a label's name as written and what the constant is with `$`, which no metric or label
// name contains: one identifier for one (metric, label, role), whatever the names (a label
// "slow" next to a metric's slow path, labels a_b and aB).
const ident = {
  labels: (m: MetricModel) => `${pascalCase(m.name)}Labels`,
  cls: (m: MetricModel) => `${pascalCase(m.name)}${CLASS_SUFFIX[m.type]}`,
  series: (m: MetricModel) => (m.type === "histogram" ? `${pascalCase(m.name)}Series` : SERIES_CLASS[m.type]),
  index: (m: MetricModel) => `${camelCase(m.name)}$index`,
  slowIndex: (m: MetricModel) => `${camelCase(m.name)}$slowIndex`,
  labelIndex: (m: MetricModel, l: LabelModel) => `${camelCase(m.name)}$${l.name}$index`,
  values: (m: MetricModel, l: LabelModel) => `${camelCase(m.name)}$${l.name}$values`,
  labelNames: (m: MetricModel) => `${camelCase(m.name)}$labelNames`,
  sets: (m: MetricModel) => `${camelCase(m.name)}$sets`,
  bucket: (m: MetricModel) => `${camelCase(m.name)}$bucket`,
  field: (m: MetricModel) => camelCase(m.name),
};

function serviceSection(service: ServiceModel, f: Flavor): string[] {
  const svc = pascalCase(service.name);
  const lines: string[] = [`// ---- service ${tsComment(service.name)}: ${service.metrics.length} metrics, at most ${service.totalSeries} series`, ""];

  for (const m of service.metrics) lines.push(...metricSection(m, f));

  lines.push(`/** Enumerated label values of ${tsComment(service.name)}, by metric and label. */`);
  const labelValues = `${camelCase(service.name.replace(/-/g, "_"))}LabelValues`;
  lines.push(f === "dts" ? `export declare const ${labelValues}: {` : `export const ${labelValues} = {`);
  const readonly = f === "dts" ? "readonly " : "";
  for (const m of service.metrics) {
    if (m.labels.length === 0) continue;
    lines.push(`  ${readonly}${propertyKey(m.name)}: {`);
    for (const l of m.labels) lines.push(f === "dts" ? `    readonly ${propertyKey(l.name)}: typeof ${ident.values(m, l)};` : `    ${propertyKey(l.name)}: ${ident.values(m, l)},`);
    lines.push(f === "dts" ? "  };" : "  },");
  }
  lines.push(f === "ts" ? "} as const;" : "};", "");

  if (f !== "js") {
    lines.push(`export interface ${svc}Metrics<R extends AnyRegistry = Registry> {`, "  readonly registry: R;");
    for (const m of service.metrics) {
      lines.push(`  /** ${tsComment(m.help)}${m.unit ? ` Unit: ${tsComment(m.unit)}.` : ""} (${m.type}, at most ${m.maxSeries} series) */`);
      lines.push(`  readonly ${ident.field(m)}: ${ident.cls(m)};`);
    }
    lines.push("}", "");
  }

  lines.push(
    `/**`,
    ` * Creates ${tsComment(service.name)}'s metrics in \`registry\` (a new one unless given: nothing touches`,
    ` * prom-client's global registry unless you pass it). Either content type works.`,
    ` */`,
  );
  if (f === "dts") {
    lines.push(`export declare function create${svc}Metrics(): ${svc}Metrics;`, `export declare function create${svc}Metrics<R extends AnyRegistry>(registry: R): ${svc}Metrics<R>;`, "");
    return lines;
  }
  if (f === "ts") {
    lines.push(
      `export function create${svc}Metrics(): ${svc}Metrics;`,
      `export function create${svc}Metrics<R extends AnyRegistry>(registry: R): ${svc}Metrics<R>;`,
      `export function create${svc}Metrics(registry: AnyRegistry = new Registry()): ${svc}Metrics<AnyRegistry> {`,
    );
  } else {
    lines.push(`export function create${svc}Metrics(registry = new Registry()) {`);
  }
  lines.push("  return {", "    registry,");
  for (const m of service.metrics) lines.push(`    ${ident.field(m)}: new ${ident.cls(m)}(registry),`);
  lines.push("  };", "}", "");
  return lines;
}

function metricSection(m: MetricModel, f: Flavor): string[] {
  if (f === "dts") return [...labelsType(m), ...labelValueDeclarations(m), "", ...classDeclaration(m), ""];
  const histogram = m.type === "histogram" ? [...bucketFunction(m, f), ...histogramSeriesClass(m, f)] : [];
  const code = [...labelIndexFunctions(m, f), ...indexFunction(m, f), ...labelSets(m, f), ...histogram, "", ...metricClass(m, f), ""];
  return f === "ts" ? [...labelsType(m), ...code] : code;
}

/** The types of the (unexported) enumerations the exported label-values object refers to. */
function labelValueDeclarations(m: MetricModel): string[] {
  return m.labels.map((l) => `declare const ${ident.values(m, l)}: readonly [${l.values.map((v) => tsStringLiteral(v)).join(", ")}];`);
}

function classDeclaration(m: MetricModel): string[] {
  const L = ident.labels(m);
  const methods: Record<MetricModel["type"], string[]> = {
    counter: [`inc(labels: ${L}, value?: number): void;`, `valueFor(labels: ${L}): number;`],
    gauge: [`set(labels: ${L}, value: number): void;`, `inc(labels: ${L}, value?: number): void;`, `dec(labels: ${L}, value?: number): void;`, `valueFor(labels: ${L}): number;`],
    histogram: [`observe(labels: ${L}, value: number): void;`, `observeSince(labels: ${L}, start: bigint): number;`, `countOf(labels: ${L}): number;`, `sumOf(labels: ${L}): number;`],
  };
  const series = m.type === "histogram"
    ? [seriesDoc(m), `export declare class ${ident.series(m)} extends HistogramSeries {`, "  observe(value: number): void;", "}", ""]
    : [];
  return [
    ...series,
    metricDoc(m),
    `export declare class ${ident.cls(m)} extends ${BASE_CLASS[m.type]}<${L}${m.type === "histogram" ? `, ${ident.series(m)}` : ""}> {`,
    "  constructor(registry?: AnyRegistry);",
    `  ${labelsDoc(m)}`,
    `  labels(${positionalParams(m).join(", ")}): ${ident.series(m)};`,
    ...methods[m.type].map((l) => `  ${l}`),
    "}",
  ];
}

function seriesDoc(m: MetricModel): string {
  return `/** One series of ${tsComment(m.name)}, as its \`labels(…)\` returns it. */`;
}

function labelsDoc(m: MetricModel): string {
  const order = m.labels.length === 0 ? "no label values" : `the values of ${m.labels.map((l) => tsComment(l.name)).join(", ")}, in this order`;
  return `/** The series of ${order}: record on it without building a labels object. */`;
}

/**
 * Parameter names of `labels(…)`: each label's name in camelCase with a `Value` suffix, which no
 * reserved word, global or identifier of the generated module ends with, so no label can shadow
 * what the method's body uses; `v0`… if two labels would get the same name.
 */
function positionalNames(m: MetricModel): string[] {
  const names = m.labels.map((l) => `${camelCase(l.name)}Value`);
  return new Set(names).size === names.length ? names : m.labels.map((_, i) => `v${i}`);
}

function positionalParams(m: MetricModel): string[] {
  const names = positionalNames(m);
  return m.labels.map((l, i) => `${names[i] ?? `v${i}`}: ${ident.labels(m)}[${tsStringLiteral(l.name)}]`);
}

function metricDoc(m: MetricModel): string {
  return `/** ${tsComment(m.help)}${m.unit ? ` Unit: ${tsComment(m.unit)}.` : ""} (${m.type}, at most ${m.maxSeries} series) */`;
}

function labelsType(m: MetricModel): string[] {
  if (m.labels.length === 0) return [`export type ${ident.labels(m)} = Record<string, never>;`];
  const lines = [`export type ${ident.labels(m)} = {`];
  for (const l of m.labels) {
    const union = l.values.map((v) => tsStringLiteral(v)).join(" | ");
    if (l.fallback !== undefined) lines.push(`  /** Unknown values are recorded as ${tsComment(tsStringLiteral(l.fallback))}. */`, `  ${propertyKey(l.name)}: ${union} | (string & {});`);
    else lines.push(`  ${propertyKey(l.name)}: ${union};`);
  }
  lines.push("};");
  return lines;
}

// Up to this many values a label's index is a sum of compares, above it a switch. Each compare
// of an interned string is one pointer compare without a branch, so a value that varies call by
// call (an operation name, an error type) costs no mispredicted branch, which is most of what a
// switch costs then; past a few dozen values the compares outweigh that.
export const BRANCHLESS_MAX_VALUES = 16;

// The constants a metric's index function needs: its label names and each label's values, and for
// a label with more than BRANCHLESS_MAX_VALUES values a switch (the value's position from 1, 0 for no match).
function labelIndexFunctions(m: MetricModel, f: Flavor): string[] {
  const ts = f === "ts";
  const lines: string[] = [];
  if (m.labels.length > 0) lines.push(`const ${ident.labelNames(m)}${ts ? ": readonly string[]" : ""} = [${m.labels.map((l) => tsStringLiteral(l.name)).join(", ")}];`);
  for (const l of m.labels) {
    lines.push(`const ${ident.values(m, l)} = [${l.values.map((v) => tsStringLiteral(v)).join(", ")}]${ts ? " as const" : ""};`);
    if (l.values.length <= BRANCHLESS_MAX_VALUES) continue;
    lines.push(`function ${ident.labelIndex(m, l)}(${ts ? "value: unknown): number" : "value)"} {`, "  switch (value) {");
    l.values.forEach((v, i) => lines.push(`    case ${tsStringLiteral(v)}: return ${i + 1};`));
    lines.push("    default: return 0;", "  }", "}");
  }
  return lines;
}

// The series index of a labels object, in one function so that V8 inlines a whole recording call
// into its caller more often (it inlines by bytecode size). Every key must be one of the metric's
// label names, as prom-client requires (for-in over a monomorphic object reads V8's enum cache).
// Each label's value position is the sum of compares (or its switch), 0 when nothing matched; only
// then (or for a key that is no label) does the slow path run, for a fallback or the RangeError. Mixed radix:
// the last label varies fastest, matching the order of the label sets. Locals are numbered, not
// named after labels, so no label name can shadow anything.
function indexFunction(m: MetricModel, f: Flavor): string[] {
  const ts = f === "ts";
  const signature = ts ? `(labels: ${ident.labels(m)}): number` : "(labels)";
  const keysError = `throw labelKeysError(${tsStringLiteral(m.name)}, ${m.labels.length === 0 ? "[]" : ident.labelNames(m)}, labels);`;
  if (m.labels.length === 0) {
    return [`function ${ident.index(m)}${signature} {`, "  for (const _key in labels) {", `    ${keysError}`, "  }", "  return 0;", "}"];
  }
  const unknownKey = m.labels.map((l) => `key !== ${tsStringLiteral(l.name)}`).join(" && ");
  const lines = [`function ${ident.index(m)}${signature} {`, "  for (const key in labels) {", `    if (${unknownKey}) return ${ident.slowIndex(m)}(labels);`, "  }"];
  // A value compared many times is read into a local once; a switch reads it once anyway.
  const switched = (l: LabelModel) => l.values.length > BRANCHLESS_MAX_VALUES;
  m.labels.forEach((l, i) => {
    if (!switched(l)) lines.push(`  const v${i} = labels.${l.name};`);
  });
  lines.push(...valueIndexLines(m, m.labels.map((l, i) => (switched(l) ? `labels.${l.name}` : `v${i}`))));
  lines.push(`  return ${seriesIndexExpr(m)} : ${ident.slowIndex(m)}(labels);`, "}");
  const slowTerms = m.labels.map((l) => {
    const fallback = l.fallback !== undefined ? l.values.indexOf(l.fallback) : -1;
    return `enumIndex(${ident.values(m, l)}, labels.${l.name}, ${tsStringLiteral(m.name)}, ${tsStringLiteral(l.name)}, ${fallback})`;
  });
  const missing = m.labels.map((l) => `labels.${l.name} === undefined`).join(" || ");
  lines.push(
    `function ${ident.slowIndex(m)}${signature} {`,
    "  for (const key in labels) {",
    `    if (${unknownKey}) ${keysError}`,
    "  }",
    `  if (${missing}) ${keysError}`,
    `  return ${mixedRadix(m, slowTerms)};`,
    "}",
  );
  return lines;
}

/**
 * `const kN = …;` for each label: the position of its value (the expression `values[N]`) among the
 * label's values counted from 1, 0 for none (so that `k0 && k1` is the check, fewer bytes of
 * bytecode than comparing against -1, and one constant corrects the series index).
 */
function valueIndexLines(m: MetricModel, values: readonly string[], indent = "  "): string[] {
  return m.labels.map((l, i) => {
    const v = values[i] ?? "undefined";
    if (l.values.length > BRANCHLESS_MAX_VALUES) return `${indent}const k${i} = ${ident.labelIndex(m, l)}(${v});`;
    const terms = l.values.map((x, j) => `${j === 0 ? "" : `${j + 1} * `}+(${v} === ${tsStringLiteral(x)})`);
    return `${indent}const k${i} = ${terms.join(" + ")};`;
  });
}

/** `k0 && k1 [&& also] ? <series index>`: the caller adds the slow path after the colon. */
function seriesIndexExpr(m: MetricModel, also?: string): string {
  const ks = m.labels.map((_, i) => `k${i}`);
  // The positions count from 1: the index of the series whose every position is 1 is subtracted.
  let offset = 0;
  m.labels.forEach((l) => (offset = offset * l.values.length + 1));
  return `${[...ks, ...(also !== undefined ? [also] : [])].join(" && ")} ? ${positionsRadix(m, ks)} - ${offset}`;
}

/**
 * `c + (b + a * n1) * n2`: the same series index as mixedRadix, each position (a local) on the left of
 * its `+`, where V8 reads it without moving it to a register first: 3 bytes of bytecode fewer per
 * label after the first, in a `labels(…)` V8 inlines by its size. Only for positions already
 * computed: the slow path keeps mixedRadix's order, so the first bad label is the one reported.
 */
function positionsRadix(m: MetricModel, ks: readonly string[]): string {
  let expr = "";
  ks.forEach((k, i) => {
    expr = i === 0 ? k : `${k} + ${i === 1 ? expr : `(${expr})`} * ${m.labels[i]?.values.length ?? 1}`;
  });
  return expr;
}

/** `((a * n1 + b) * n2 + c)`: the series index from each label's value index. */
function mixedRadix(m: MetricModel, terms: readonly string[]): string {
  let expr = "";
  terms.forEach((t, i) => {
    expr = i === 0 ? t : `${i === 1 ? expr : `(${expr})`} * ${m.labels[i]?.values.length ?? 1} + ${t}`;
  });
  return expr;
}

function labelSets(m: MetricModel, f: Flavor): string[] {
  const lines = [`const ${ident.sets(m)}${f === "ts" ? `: readonly ${ident.labels(m)}[]` : ""} = [`];
  for (const set of labelProduct(m.labels)) {
    const fields = Object.entries(set).map(([k, v]) => `${propertyKey(k)}: ${tsStringLiteral(v)}`);
    lines.push(fields.length === 0 ? "  {}," : `  { ${fields.join(", ")} },`);
  }
  lines.push("];");
  return lines;
}

function numberLiteral(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`not a finite number: ${n}`);
  return Object.is(n, -0) ? "0" : String(n);
}

// The bucket an observation falls in (le is inclusive), as constant compares: no bounds array load.
// Up to BRANCHLESS_MAX_VALUES bounds it counts the bounds below the value, compares without
// branches (latencies land in a different bucket call by call, and a mispredicted branch per
// observation costs more than all the compares), written into observe() itself: a function of its
// own takes 8 bytes of bytecode more to call, and V8 inlines a recording call by its size. In
// parentheses: their sum is a small integer that V8 adds up without overflow checks, where adding
// each compare to the slot index in turn would check every addition (measured: the core operation
// 16.7 ns against 16.0 ns). Above that many bounds, a function of compares and returns.
function bucketExpr(m: MetricModel): string {
  if (m.buckets.length > BRANCHLESS_MAX_VALUES) return `${ident.bucket(m)}(value)`;
  const below = m.buckets.map((b) => `+(value > ${numberLiteral(b)})`);
  if (below.length <= 1) return below[0] ?? "0";
  return `(${below.join(" + ")})`;
}

function bucketFunction(m: MetricModel, f: Flavor): string[] {
  if (m.buckets.length <= BRANCHLESS_MAX_VALUES) return [];
  const lines = [`function ${ident.bucket(m)}(${f === "ts" ? "value: number): number" : "value)"} {`];
  m.buckets.forEach((b, i) => lines.push(`  if (value <= ${numberLiteral(b)}) return ${i};`));
  lines.push(`  return ${m.buckets.length};`, "}", "");
  return lines;
}

// The class's code. JavaScript erases its types by the same rules tsc would: parameter and return
// annotations and the base class's type argument go, nothing else changes.
function metricClass(m: MetricModel, f: Flavor): string[] {
  const ts = f === "ts";
  const L = ident.labels(m);
  const idx = ident.index(m);
  const sig = (params: string, returns: string) => (ts ? `(${params}): ${returns}` : `(${params.replace(/\??: [^,]+/g, "")})`);
  const cfg = [`name: ${tsStringLiteral(m.name)}`, `help: ${tsStringLiteral(m.help)}`, `labelSets: ${ident.sets(m)}`];
  if (m.type === "histogram") cfg.push(`buckets: [${m.buckets.map(numberLiteral).join(", ")}]`);
  cfg.push("registry");
  const histogram = m.type === "histogram";
  const newHandle = histogram ? `, (metric${ts ? ": string" : ""}, values${ts ? ": Float64Array" : ""}, base${ts ? ": number" : ""}) => new ${ident.series(m)}(metric, values, base)` : "";
  const lines = [
    metricDoc(m),
    `export class ${ident.cls(m)} extends ${BASE_CLASS[m.type]}${ts ? `<${L}${histogram ? `, ${ident.series(m)}` : ""}>` : ""} {`,
    `  constructor(${ts ? "registry?: AnyRegistry" : "registry"}) {`,
    `    super({ ${cfg.join(", ")} }${newHandle});`,
    "  }",
    "",
    ...labelsMethod(m, f),
    "",
  ];
  // A counter's or gauge's labels-object methods record through the series' handle, so both ways
  // of recording run the same checks on the same value.
  const at = ts ? `(this.handles[${idx}(labels)] as ${ident.series(m)})` : `this.handles[${idx}(labels)]`;
  if (m.type === "counter") {
    lines.push(
      `  inc${sig(`labels: ${L}, value?: number`, "void")} {`,
      `    ${at}.inc(value);`,
      "  }",
      "",
      `  valueFor${sig(`labels: ${L}`, "number")} {`,
      `    return ${at}.current;`,
      "  }",
    );
  } else if (m.type === "gauge") {
    for (const method of ["set", "inc", "dec"] as const) {
      lines.push(`  ${method}${sig(`labels: ${L}, value${method === "set" ? "" : "?"}: number`, "void")} {`, `    ${at}.${method}(value);`, "  }", "");
    }
    lines.push(
      `  valueFor${sig(`labels: ${L}`, "number")} {`,
      `    return ${at}.current;`,
      "  }",
    );
  } else {
    const n = m.buckets.length;
    const stride = n + 3;
    lines.push(
      `  observe${sig(`labels: ${L}, value: number`, "void")} {`,
      `    const base = ${idx}(labels) * ${stride};`,
      `    if (!${IS_FINITE}(value)) throw this.valueError(value);`,
      "    const s = this.series;",
      ...observation(m, f),
      "  }",
      "",
      `  observeSince${sig(`labels: ${L}, start: bigint`, "number")} {`,
      "    const seconds = Number(process.hrtime.bigint() - start) / 1e9;",
      "    this.observe(labels, seconds);",
      "    return seconds;",
      "  }",
      "",
      `  countOf${sig(`labels: ${L}`, "number")} {`,
      `    return this.series[${idx}(labels) * ${stride} + ${n + 2}] ?? 0;`,
      "  }",
      "",
      `  sumOf${sig(`labels: ${L}`, "number")} {`,
      `    return this.series[${idx}(labels) * ${stride} + ${n + 1}] ?? 0;`,
      "  }",
    );
  }
  lines.push("}");
  return lines;
}

// `labels(…)` with the label values in order, as prom-client's `labels(…)` takes them: the same
// compares as the index function but no object to build, enumerate or read, which is what a
// labels object costs once V8 has inlined the rest. It checks the number of values as prom-client
// does (`arguments.length` is a constant once inlined); a wrong count or a value outside the
// enumeration takes slowLabels (count error, then the index function's slow path: fallback or
// RangeError), the only place that builds an object.
function labelsMethod(m: MetricModel, f: Flavor): string[] {
  const ts = f === "ts";
  const names = positionalNames(m);
  const params = ts ? positionalParams(m) : names;
  const returns = ts ? `: ${ident.series(m)}` : "";
  const pick = (index: string) => (ts ? `this.handles[${index}] as ${ident.series(m)}` : `this.handles[${index}]`);
  const head = [`  ${labelsDoc(m)}`, `  labels(${params.join(", ")})${returns} {`];
  // 29 bytes of bytecode: compact, but just above the size V8 inlines wherever it is called, as a
  // handle's inc() is (obsgen/runtime's handles say why): a function recording many metrics then
  // spends its inlining budget on its hot calls, not on a label-less metric's rare ones.
  if (m.labels.length === 0) return [...head, "    if (arguments.length) throw this.countError(arguments.length);", "    return this.only;", "  }"];
  // The fast path is as few bytes of bytecode as it can be (V8 inlines by bytecode size): the count
  // of values is read once and checked beside the value compares; everything else (a fallback, a
  // value outside the enumeration, a wrong count) is one call with the values as they came.
  const count = `n === ${m.labels.length}`;
  const object = m.labels.map((l, i) => `${propertyKey(l.name)}: ${names[i] ?? `v${i}`}`).join(", ");
  return [
    ...head,
    "    const n = arguments.length;",
    ...valueIndexLines(m, names, "    "),
    `    return ${pick(`${seriesIndexExpr(m, count)} : this.slowLabels(n, ${names.join(", ")})`)};`,
    "  }",
    "",
    "  // labels(…) for anything but its values in the enumeration: the fallback, or the error.",
    `  ${ts ? "protected " : ""}slowLabels(${ts ? ["n: number", ...params].join(", ") : ["n", ...names].join(", ")})${ts ? ": number" : ""} {`,
    `    if (n !== ${m.labels.length}) throw this.countError(n);`,
    `    return ${ident.slowIndex(m)}({ ${object} });`,
    "  }",
  ];
}

// A histogram's handle: observe() with the metric's bucket bounds as constants, as its own class
// so that a call site observing one histogram sees one shape.
function histogramSeriesClass(m: MetricModel, f: Flavor): string[] {
  return [
    seriesDoc(m),
    `export class ${ident.series(m)} extends HistogramSeries {`,
    `  observe(${f === "ts" ? "value: number): void" : "value)"} {`,
    `    if (!${IS_FINITE}(value)) throw this.valueError(value);`,
    "    const s = this.values;",
    "    const base = this.base;",
    ...observation(m, f),
    "  }",
    "}",
  ];
}

/** One observation of `value` into the series at `base` of the array `s`: its bucket, sum and count. */
function observation(m: MetricModel, f: Flavor): string[] {
  const n = m.buckets.length;
  // A slot inside the series always exists: an assertion instead of `?? 0` keeps the bytecode small,
  // as does each slot's index computed once.
  const at = (expr: string) => (f === "ts" ? `(s[${expr}] as number)` : `s[${expr}]`);
  return [
    `    const b = base + ${bucketExpr(m)};`,
    `    s[b] = ${at("b")} + 1;`,
    `    const sum = base + ${n + 1};`,
    `    s[sum] = ${at("sum")} + value;`,
    `    const count = base + ${n + 2};`,
    `    s[count] = ${at("count")} + 1;`,
  ];
}

/** Every label set of a metric in index order: the cartesian product, last label fastest. */
export function labelProduct(labels: readonly LabelModel[]): Record<string, string>[] {
  let sets: Record<string, string>[] = [{}];
  for (const l of labels) sets = sets.flatMap((s) => l.values.map((v) => ({ ...s, [l.name]: v })));
  return sets;
}
