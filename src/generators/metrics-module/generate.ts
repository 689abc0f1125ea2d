// Emits generated/metrics.ts: typed, enumerated prom-client instrumentation for every service.
import { camelCase, pascalCase } from "../../conventions/names.js";
import type { LabelModel, MetricModel, Model, ServiceModel } from "../../model/types.js";
import { generatedHeader, type Artifact } from "../artifact.js";
import { lineComment, tsComment, tsStringLiteral } from "../../conventions/text-escape.js";
import { runtimeSource } from "./runtime-source.js";

export const METRICS_MODULE_PATH = "metrics.ts";

const CLASS_OF = { counter: "EnumCounter", gauge: "EnumGauge", histogram: "EnumHistogram" } as const;

export function generateMetricsModule(model: Model): Artifact[] {
  const out: string[] = [`// ${lineComment(generatedHeader(model))}`, "//", ...MODULE_DOC.map((l) => `// ${l}`.trimEnd()), "", runtimeSource().trimEnd(), ""];
  for (const service of model.services) out.push(...serviceSection(service), ...costSection(service));
  if (model.services.length === 1) {
    const only = pascalCase(model.services[0]?.name ?? "");
    out.push(
      "/** The only service of this spec: `createMetrics()` is `create" + only + "Metrics()`. */",
      `export const createMetrics = create${only}Metrics;`,
      `export type Metrics<R extends AnyRegistry = Registry> = ${only}Metrics<R>;`,
      "",
    );
    if (model.services[0]?.spec.cost !== undefined) out.push(...onlyServiceCostAlias(model.services[0]));
  }
  return [{ path: METRICS_MODULE_PATH, content: out.join("\n") }];
}

const MODULE_DOC = [
  "Every label value is enumerated by the spec, so every series exists from the start (at zero,",
  "which lets rate() and increase() see the first event) and has a fixed slot. A label value outside",
  "its enumeration is a type error, and at run time either a RangeError or, where the spec declares",
  "a fallback, the fallback value: it never creates a series the spec does not know.",
];

function rateConstantName(service: ServiceModel): string {
  return `${camelCase(service.name.replace(/-/g, "_"))}RatePerSandboxHour`;
}

/**
 * The service's cost rate as a constant, so a service (the reference runtime) reads it from the
 * module it already imports instead of from the spec pipeline.
 */
function costSection(service: ServiceModel): string[] {
  const rate = service.spec.cost?.ratePerSandboxHour;
  if (rate === undefined) return [];
  return ["/** Dollars per sandbox-hour (the spec's cost.ratePerSandboxHour). */", `export const ${rateConstantName(service)} = ${JSON.stringify(rate)};`, ""];
}

function onlyServiceCostAlias(service: ServiceModel): string[] {
  return ["/** The only service's cost rate, in dollars per sandbox-hour. */", `export const ratePerSandboxHour = ${rateConstantName(service)};`, ""];
}

function labelTypeName(metric: MetricModel): string {
  return `${pascalCase(metric.name)}Labels`;
}

function tableName(metric: MetricModel, label: LabelModel): string {
  return `${metric.name}__${label.name}`.toUpperCase();
}

function literalUnion(values: readonly string[]): string {
  return values.map((v) => tsStringLiteral(v)).join(" | ");
}

function serviceSection(service: ServiceModel): string[] {
  const svc = pascalCase(service.name);
  const lines: string[] = [`// ---- service ${service.name}: ${service.metrics.length} metrics, at most ${service.totalSeries} series`, ""];

  lines.push(`/** Enumerated label values of ${service.name}, by metric and label. */`);
  lines.push(`export const ${camelCase(service.name.replace(/-/g, "_"))}LabelValues = {`);
  for (const m of service.metrics) {
    if (m.labels.length === 0) continue;
    lines.push(`  ${m.name}: {`);
    for (const l of m.labels) lines.push(`    ${l.name}: [${l.values.map((v) => tsStringLiteral(v)).join(", ")}],`);
    lines.push("  },");
  }
  lines.push("} as const;", "");

  for (const m of service.metrics) lines.push(...metricTables(m));

  lines.push(`export interface ${svc}Metrics<R extends AnyRegistry = Registry> {`, "  readonly registry: R;");
  for (const m of service.metrics) {
    lines.push(`  /** ${tsComment(`${m.help}${m.unit ? ` Unit: ${m.unit}.` : ""} (${m.type}, at most ${m.maxSeries} series)`)} */`);
    lines.push(`  readonly ${camelCase(m.name)}: ${CLASS_OF[m.type]}<${labelTypeName(m)}>;`);
  }
  lines.push("}", "");

  lines.push(
    `/**`,
    ` * Creates ${service.name}'s metrics in \`registry\` (a new one unless given: nothing touches`,
    ` * prom-client's global registry unless you pass it). Either content type works.`,
    ` */`,
    `export function create${svc}Metrics(): ${svc}Metrics;`,
    `export function create${svc}Metrics<R extends AnyRegistry>(registry: R): ${svc}Metrics<R>;`,
    `export function create${svc}Metrics(registry: AnyRegistry = new Registry()): ${svc}Metrics<AnyRegistry> {`,
    "  return {",
    "    registry,",
  );
  for (const m of service.metrics) {
    const name = camelCase(m.name);
    const bucketArg = m.type === "histogram" ? `, buckets: [${m.buckets.join(", ")}]` : "";
    lines.push(
      `    ${name}: new ${CLASS_OF[m.type]}<${labelTypeName(m)}>({ name: ${tsStringLiteral(m.name)}, help: ${tsStringLiteral(m.help)}, labelSets: ${setsName(m)}, indexOf: ${indexName(m)}${bucketArg}, registry }),`,
    );
  }
  lines.push("  };", "}", "");
  return lines;
}

function setsName(m: MetricModel): string {
  return `${m.name.toUpperCase()}__SETS`;
}

function indexName(m: MetricModel): string {
  return `${camelCase(m.name)}Index`;
}

function labelIndexName(m: MetricModel, l: LabelModel): string {
  return `${camelCase(m.name)}${pascalCase(l.name)}Index`;
}

function metricTables(m: MetricModel): string[] {
  const type = labelTypeName(m);
  const lines: string[] = [];
  if (m.labels.length === 0) {
    lines.push(`export type ${type} = Record<string, never>;`);
  } else {
    lines.push(`export type ${type} = {`);
    for (const l of m.labels) {
      const union = literalUnion(l.values);
      lines.push(
        l.fallback !== undefined
          ? `  /** ${tsComment(`Unknown values are recorded as ${tsStringLiteral(l.fallback)}.`)} */\n  ${l.name}: ${union} | (string & {});`
          : `  ${l.name}: ${union};`,
      );
    }
    lines.push("};");
  }
  for (const l of m.labels) {
    lines.push(`const ${tableName(m, l)}: Readonly<Record<string, number>> = { ${l.values.map((v, i) => `${tsStringLiteral(v)}: ${i}`).join(", ")} };`);
  }
  // A switch per label: string cases compile to compares on the value, where a keyed load from a
  // table object goes megamorphic once a service uses many metrics (measured: bench/, BENCHMARKS.md).
  // Only an unknown value reaches enumIndex, for its fallback or its RangeError.
  for (const l of m.labels) {
    const fallback = l.fallback !== undefined ? l.values.indexOf(l.fallback) : -1;
    lines.push(`function ${labelIndexName(m, l)}(value: unknown): number {`, "  switch (value) {");
    l.values.forEach((v, i) => lines.push(`    case ${tsStringLiteral(v)}: return ${i};`));
    lines.push(`    default: return enumIndex(${tableName(m, l)}, value, ${tsStringLiteral(m.name)}, ${tsStringLiteral(l.name)}, ${fallback});`, "  }", "}");
  }
  // Mixed-radix index: the last label varies fastest, matching the order of the label sets below.
  const terms = m.labels.map((l) => ({ l, call: `${labelIndexName(m, l)}(labels.${l.name})` }));
  let expr = "0";
  terms.forEach(({ l, call }, i) => {
    expr = i === 0 ? call : `(${expr}) * ${l.values.length} + ${call}`;
  });
  const param = m.labels.length === 0 ? "_labels" : "labels";
  lines.push(`function ${indexName(m)}(${param}: ${type}): number {`, `  return ${expr};`, "}");
  lines.push(`const ${setsName(m)}: readonly ${type}[] = [`);
  for (const set of labelProduct(m.labels)) {
    const fields = Object.entries(set).map(([k, v]) => `${k}: ${tsStringLiteral(v)}`);
    lines.push(fields.length === 0 ? "  {}," : `  { ${fields.join(", ")} },`);
  }
  lines.push("];", "");
  return lines;
}

/** Every label set of a metric in index order: the cartesian product, last label fastest. */
export function labelProduct(labels: readonly LabelModel[]): Record<string, string>[] {
  let sets: Record<string, string>[] = [{}];
  for (const l of labels) sets = sets.flatMap((s) => l.values.map((v) => ({ ...s, [l.name]: v })));
  return sets;
}
