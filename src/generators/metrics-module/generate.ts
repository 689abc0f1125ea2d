// Emits generated/metrics.ts: typed, enumerated prom-client instrumentation for every service.
// Each metric gets its own class with its own recording methods, label switch and index function,
// so a call site in a service sees one class (monomorphic) however many metrics the service has.
// Spec text reaches the TypeScript only as tsStringLiteral() string literals, or through tsComment()
// in comments; names become identifiers only through camelCase/pascalCase of validated names.
import { camelCase, pascalCase } from "../../conventions/names.js";
import { lineComment, tsComment, tsStringLiteral } from "../../conventions/text-escape.js";
import type { LabelModel, MetricModel, Model, ServiceModel } from "../../model/types.js";
import { generatedHeader, type Artifact } from "../artifact.js";
import { runtimeSource } from "./runtime-source.js";

export const METRICS_MODULE_PATH = "metrics.ts";

const BASE_CLASS = { counter: "EnumCounter", gauge: "EnumGauge", histogram: "EnumHistogram" } as const;
const CLASS_SUFFIX = { counter: "Counter", gauge: "Gauge", histogram: "Histogram" } as const;

export function generateMetricsModule(model: Model): Artifact[] {
  const out: string[] = [`// ${lineComment(generatedHeader(model))}`, "//", ...MODULE_DOC.map((l) => `// ${l}`.trimEnd()), "", runtimeSource().trimEnd(), ""];
  for (const service of model.services) out.push(...serviceSection(service), ...costSection(service));
  out.push(...onlyServiceAliases(model));
  return [{ path: METRICS_MODULE_PATH, content: out.join("\n") }];
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
function onlyServiceAliases(model: Model): string[] {
  const only = model.services.find((s) => s.name === model.deployment.primary);
  if (!only) return [];
  const svc = pascalCase(only.name);
  const which = model.services.length === 1 ? "The only service of this spec" : "The primary service of these specs";
  return [
    `/** ${which}: \`createMetrics()\` is \`create${svc}Metrics()\`. */`,
    `export const createMetrics = create${svc}Metrics;`,
    `export type Metrics<R extends AnyRegistry = Registry> = ${svc}Metrics<R>;`,
    "",
    ...(only.cost !== undefined ? [`/** The ${model.services.length === 1 ? "only" : "primary"} service's cost rate, in dollars per sandbox-hour. */`, `export const ratePerSandboxHour = ${rateConstantName(only)};`, ""] : []),
  ];
}

function rateConstantName(service: ServiceModel): string {
  return `${camelCase(service.name.replace(/-/g, "_"))}RatePerSandboxHour`;
}

/**
 * The service's cost rate as a constant, so a service (the reference runtime) reads it from the
 * module it already imports instead of from the spec pipeline.
 */
function costSection(service: ServiceModel): string[] {
  const rate = service.cost?.ratePerSandboxHour;
  if (rate === undefined) return [];
  return ["/** Dollars per sandbox-hour (the spec's cost.ratePerSandboxHour). */", `export const ${rateConstantName(service)} = ${String(rate)};`, ""];
}

// Identifiers derived from a metric's (validated) name.
const ident = {
  labels: (m: MetricModel) => `${pascalCase(m.name)}Labels`,
  cls: (m: MetricModel) => `${pascalCase(m.name)}${CLASS_SUFFIX[m.type]}`,
  index: (m: MetricModel) => `${camelCase(m.name)}Index`,
  labelIndex: (m: MetricModel, l: LabelModel) => `${camelCase(m.name)}${pascalCase(l.name)}Index`,
  values: (m: MetricModel, l: LabelModel) => `${pascalCase(m.name)}${pascalCase(l.name)}Values`,
  labelNames: (m: MetricModel) => `${pascalCase(m.name)}LabelNames`,
  sets: (m: MetricModel) => `${pascalCase(m.name)}Sets`,
  bucket: (m: MetricModel) => `${camelCase(m.name)}Bucket`,
  field: (m: MetricModel) => camelCase(m.name),
};

function serviceSection(service: ServiceModel): string[] {
  const svc = pascalCase(service.name);
  const lines: string[] = [`// ---- service ${tsComment(service.name)}: ${service.metrics.length} metrics, at most ${service.totalSeries} series`, ""];

  for (const m of service.metrics) lines.push(...metricSection(m));

  lines.push(`/** Enumerated label values of ${tsComment(service.name)}, by metric and label. */`);
  lines.push(`export const ${camelCase(service.name.replace(/-/g, "_"))}LabelValues = {`);
  for (const m of service.metrics) {
    if (m.labels.length === 0) continue;
    lines.push(`  ${propertyKey(m.name)}: {`);
    for (const l of m.labels) lines.push(`    ${propertyKey(l.name)}: ${ident.values(m, l)},`);
    lines.push("  },");
  }
  lines.push("} as const;", "");

  lines.push(`export interface ${svc}Metrics<R extends AnyRegistry = Registry> {`, "  readonly registry: R;");
  for (const m of service.metrics) {
    lines.push(`  /** ${tsComment(m.help)}${m.unit ? ` Unit: ${tsComment(m.unit)}.` : ""} (${m.type}, at most ${m.maxSeries} series) */`);
    lines.push(`  readonly ${ident.field(m)}: ${ident.cls(m)};`);
  }
  lines.push("}", "");

  lines.push(
    `/**`,
    ` * Creates ${tsComment(service.name)}'s metrics in \`registry\` (a new one unless given: nothing touches`,
    ` * prom-client's global registry unless you pass it). Either content type works.`,
    ` */`,
    `export function create${svc}Metrics(): ${svc}Metrics;`,
    `export function create${svc}Metrics<R extends AnyRegistry>(registry: R): ${svc}Metrics<R>;`,
    `export function create${svc}Metrics(registry: AnyRegistry = new Registry()): ${svc}Metrics<AnyRegistry> {`,
    "  return {",
    "    registry,",
  );
  for (const m of service.metrics) lines.push(`    ${ident.field(m)}: new ${ident.cls(m)}(registry),`);
  lines.push("  };", "}", "");
  return lines;
}

function metricSection(m: MetricModel): string[] {
  return [...labelsType(m), ...labelIndexFunctions(m), ...indexFunction(m), ...labelSets(m), ...(m.type === "histogram" ? bucketFunction(m) : []), "", ...metricClass(m), ""];
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

// A switch per label: string cases compile to compares on the value, where a keyed load from a
// table object goes megamorphic once a service uses many metrics. Only a value no case matches
// reaches enumIndex, for its fallback or its RangeError.
function labelIndexFunctions(m: MetricModel): string[] {
  const lines: string[] = [];
  if (m.labels.length > 0) lines.push(`const ${ident.labelNames(m)}: readonly string[] = [${m.labels.map((l) => tsStringLiteral(l.name)).join(", ")}];`);
  for (const l of m.labels) {
    const fallback = l.fallback !== undefined ? l.values.indexOf(l.fallback) : -1;
    lines.push(`const ${ident.values(m, l)} = [${l.values.map((v) => tsStringLiteral(v)).join(", ")}] as const;`);
    lines.push(`function ${ident.labelIndex(m, l)}(value: unknown): number {`, "  switch (value) {");
    l.values.forEach((v, i) => lines.push(`    case ${tsStringLiteral(v)}: return ${i};`));
    lines.push(`    default: return enumIndex(${ident.values(m, l)}, value, ${tsStringLiteral(m.name)}, ${tsStringLiteral(l.name)}, ${fallback});`, "  }", "}");
  }
  return lines;
}

// The series index of a labels object. Counting its keys (for-in over a monomorphic object reads
// V8's enum cache) rejects an extra key as prom-client does; a missing one fails in its switch.
// Mixed radix: the last label varies fastest, matching the order of the label sets.
function indexFunction(m: MetricModel): string[] {
  const type = ident.labels(m);
  const keysError = (indent: string) =>
    `${indent}throw labelKeysError(${tsStringLiteral(m.name)}, ${m.labels.length === 0 ? "[]" : ident.labelNames(m)}, labels);`;
  if (m.labels.length === 0) {
    return [`function ${ident.index(m)}(labels: ${type}): number {`, "  for (const _key in labels) {", keysError("    "), "  }", "  return 0;", "}"];
  }
  let expr = "";
  m.labels.forEach((l, i) => {
    const call = `${ident.labelIndex(m, l)}(labels.${l.name})`;
    expr = i === 0 ? call : `${i === 1 ? expr : `(${expr})`} * ${l.values.length} + ${call}`;
  });
  return [
    `function ${ident.index(m)}(labels: ${type}): number {`,
    "  let keys = 0;",
    "  for (const _key in labels) keys++;",
    `  if (keys !== ${m.labels.length}) {`,
    keysError("    "),
    "  }",
    `  return ${expr};`,
    "}",
  ];
}

function labelSets(m: MetricModel): string[] {
  const lines = [`const ${ident.sets(m)}: readonly ${ident.labels(m)}[] = [`];
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
function bucketFunction(m: MetricModel): string[] {
  const lines = [`function ${ident.bucket(m)}(value: number): number {`];
  m.buckets.forEach((b, i) => lines.push(`  if (value <= ${numberLiteral(b)}) return ${i};`));
  lines.push(`  return ${m.buckets.length};`, "}");
  return lines;
}

function metricClass(m: MetricModel): string[] {
  const L = ident.labels(m);
  const idx = ident.index(m);
  const cfg = [`name: ${tsStringLiteral(m.name)}`, `help: ${tsStringLiteral(m.help)}`, `labelSets: ${ident.sets(m)}`];
  if (m.type === "histogram") cfg.push(`buckets: [${m.buckets.map(numberLiteral).join(", ")}]`);
  cfg.push("registry");
  const lines = [
    `/** ${tsComment(m.help)}${m.unit ? ` Unit: ${tsComment(m.unit)}.` : ""} (${m.type}, at most ${m.maxSeries} series) */`,
    `export class ${ident.cls(m)} extends ${BASE_CLASS[m.type]}<${L}> {`,
    "  constructor(registry?: AnyRegistry) {",
    `    super({ ${cfg.join(", ")} });`,
    "  }",
    "",
  ];
  if (m.type === "counter") {
    lines.push(
      `  inc(labels: ${L}, value = 1): void {`,
      `    const i = ${idx}(labels);`,
      "    if (!(value >= 0 && value < Infinity)) throw counterValueError(this.name, value);",
      "    const s = this.series;",
      "    s[i] = (s[i] ?? 0) + value;",
      "  }",
      "",
      `  valueFor(labels: ${L}): number {`,
      `    return this.series[${idx}(labels)] ?? 0;`,
      "  }",
    );
  } else if (m.type === "gauge") {
    lines.push(
      `  set(labels: ${L}, value: number): void {`,
      `    const i = ${idx}(labels);`,
      "    if (!Number.isFinite(value)) throw finiteValueError(this.name, value);",
      "    this.series[i] = value;",
      "  }",
      "",
      `  inc(labels: ${L}, value = 1): void {`,
      `    const i = ${idx}(labels);`,
      "    if (!Number.isFinite(value)) throw finiteValueError(this.name, value);",
      "    const s = this.series;",
      "    s[i] = (s[i] ?? 0) + value;",
      "  }",
      "",
      `  dec(labels: ${L}, value = 1): void {`,
      `    const i = ${idx}(labels);`,
      "    if (!Number.isFinite(value)) throw finiteValueError(this.name, value);",
      "    const s = this.series;",
      "    s[i] = (s[i] ?? 0) - value;",
      "  }",
      "",
      `  valueFor(labels: ${L}): number {`,
      `    return this.series[${idx}(labels)] ?? 0;`,
      "  }",
    );
  } else {
    const n = m.buckets.length;
    const stride = n + 3;
    lines.push(
      `  observe(labels: ${L}, value: number): void {`,
      `    const base = ${idx}(labels) * ${stride};`,
      "    if (!Number.isFinite(value)) throw finiteValueError(this.name, value);",
      "    const s = this.series;",
      `    const b = base + ${ident.bucket(m)}(value);`,
      "    s[b] = (s[b] ?? 0) + 1;",
      `    s[base + ${n + 1}] = (s[base + ${n + 1}] ?? 0) + value;`,
      `    s[base + ${n + 2}] = (s[base + ${n + 2}] ?? 0) + 1;`,
      "  }",
      "",
      `  observeSince(labels: ${L}, start: bigint): number {`,
      "    const seconds = Number(process.hrtime.bigint() - start) / 1e9;",
      "    this.observe(labels, seconds);",
      "    return seconds;",
      "  }",
      "",
      `  countOf(labels: ${L}): number {`,
      `    return this.series[${idx}(labels) * ${stride} + ${n + 2}] ?? 0;`,
      "  }",
      "",
      `  sumOf(labels: ${L}): number {`,
      `    return this.series[${idx}(labels) * ${stride} + ${n + 1}] ?? 0;`,
      "  }",
    );
  }
  lines.push("}");
  return lines;
}

/** Every label set of a metric in index order: the cartesian product, last label fastest. */
export function labelProduct(labels: readonly LabelModel[]): Record<string, string>[] {
  let sets: Record<string, string>[] = [{}];
  for (const l of labels) sets = sets.flatMap((s) => l.values.map((v) => ({ ...s, [l.name]: v })));
  return sets;
}
