// Validates raw specs (schema, then semantic rules), collecting every issue, and builds the Model.
import { compareNames } from "../conventions/collation.js";
import type { z } from "zod";
import {
  LABEL_NAME,
  METRIC_NAME,
  NON_BASE_UNITS,
  COUNTER_SUFFIX,
  HISTOGRAM_SUFFIXES,
  isReservedLabel,
  unitSuffixOf,
  camelCase,
  pascalCase,
} from "../conventions/names.js";
import type { RawSpec } from "../spec/load.js";
import { didYouMean } from "../promql/suggest.js";
import { metricExports, MODULE_IMPORTS } from "../conventions/module.js";
import { fieldsAt } from "../spec/fields.js";
import { serviceSpec, type LabelSpec, type MetricSpec, type ServiceSpec } from "../spec/schema.js";
import { checkNumericLabelValue } from "./label-values.js";
import { resolveSlos } from "./slos.js";
import { compareIssues, type Issue } from "../conventions/issue.js";
import { Reporter } from "./reporter.js";
import { RULES, SUPPRESSIBLE_RULE_IDS, type RuleInfo } from "../conventions/rules.js";
import { GLOBAL_INTERVAL, resolveDeployment, type DeclaredService } from "./deployment.js";
import type { LabelModel, MetricModel, Model, ServiceModel } from "./types.js";

export interface ResolveResult {
  model?: Model;
  issues: Issue[];
}

/**
 * Validates raw specs against the schema and the naming and cardinality rules, and builds the
 * Model with its deployment. The model comes back whenever the documents parse, errors or not, so
 * the check stage (src/check) can report its findings in the same run; a caller acts on it only
 * when no issue is an error (src/pipeline does).
 */
export function resolveModel(raws: readonly RawSpec[], priorIssues: readonly Issue[] = []): ResolveResult {
  const issues: Issue[] = [...priorIssues];
  const services: ServiceModel[] = [];
  const reporters: Reporter[] = [];
  const declared: DeclaredService[] = [];
  for (const raw of raws) {
    const report = new Reporter(raw.source);
    reporters.push(report);
    // jitless: zod would otherwise compile a parser per object schema (new Function) on first use,
    // which costs a one-shot CLI run more than the one parse it speeds up; the result is the same.
    const parsed = serviceSpec.safeParse(raw.data, { jitless: true });
    if (!parsed.success) {
      reportSchemaIssues(report, parsed.error.issues);
      continue;
    }
    const service = resolveService(parsed.data, raw, report);
    services.push(service);
    declared.push({ service, report, primary: parsed.data.primary === true, ...(parsed.data.stack !== undefined ? { stack: parsed.data.stack } : {}) });
  }
  checkAcrossServices(services, reporters);
  const model: Model = {
    services: [...services].sort((a, b) => a.name.localeCompare(b.name)),
    deployment: resolveDeployment(declared),
    files: raws.map((r) => r.source.projectFile).sort(),
  };
  for (const r of reporters) issues.push(...r.issues);
  issues.sort(compareIssues);
  if (raws.length === 0 && priorIssues.length === 0) {
    return { issues: [{ severity: "error", code: RULES.noSpecFiles.code, message: "no spec files found", file: "", line: 0, column: 0, path: "" }] };
  }
  return { model, issues };
}

function reportSchemaIssues(report: Reporter, zodIssues: readonly z.core.$ZodIssue[]): void {
  for (const zi of zodIssues) {
    const path = zi.path.filter((p): p is string | number => typeof p !== "symbol");
    if (zi.code === "unrecognized_keys") {
      for (const key of zi.keys) {
        const fields = fieldsAt(path);
        report.error(RULES.schema, [...path, key], `unknown field "${key}"${didYouMean(key, fields)}`, {
          key: true,
          hint: fields.length > 0 ? `fields allowed here: ${fields.join(", ")}` : "remove it",
        });
      }
      continue;
    }
    report.error(RULES.schema, path, describeZodIssue(zi, path[path.length - 1]));
  }
}

function describeZodIssue(zi: z.core.$ZodIssue, field: string | number | undefined): string {
  if (zi.code === "invalid_type") {
    const got = (zi as { input?: unknown }).input;
    const name = typeof field === "string" ? ` "${field}"` : "";
    return got === undefined ? `missing required field${name} (expected ${zi.expected})` : `expected ${zi.expected}, got ${typeName(got)}`;
  }
  if (zi.code === "invalid_value") return `expected one of ${zi.values.map((v) => JSON.stringify(v)).join(", ")}`;
  if (zi.code === "invalid_union") return "expected a list of values, or {values: [...], fallback: ...}";
  return zi.message.startsWith("Invalid") || zi.message.startsWith("Too") ? zi.message : `expected ${zi.message}`;
}

function typeName(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  return `${typeof v} ${JSON.stringify(v)}`;
}

function resolveService(spec: ServiceSpec, raw: RawSpec, report: Reporter): ServiceModel {
  const metrics: MetricModel[] = [];
  for (const [name, metric] of Object.entries(spec.metrics).sort(([a], [b]) => compareNames(a, b))) {
    metrics.push(resolveMetric(name, metric, report, spec.limits.maxSeriesPerMetric));
  }
  checkSeriesCollisions(metrics, report);
  checkIdentifierCollisions(metrics, report);
  const totalSeries = metrics.reduce((n, m) => n + m.maxSeries, 0);
  if (totalSeries > spec.limits.maxSeriesTotal) {
    const top = [...metrics].sort((a, b) => b.maxSeries - a.maxSeries).slice(0, 3).map((m) => `${m.name} ${m.maxSeries}`);
    report.error(RULES.cardinalityTotal, ["limits", "maxSeriesTotal"],
      `service "${spec.service}" can produce ${totalSeries} series, over its budget of ${spec.limits.maxSeriesTotal}`,
      { hint: `largest: ${top.join(", ")}; remove label values or raise limits.maxSeriesTotal` });
  }
  return {
    name: spec.service,
    ...(spec.description !== undefined ? { description: spec.description } : {}),
    source: raw.source,
    scrape: spec.scrape,
    alerting: spec.alerting,
    ...(spec.cost !== undefined ? { cost: spec.cost } : {}),
    limits: spec.limits,
    recordingRules: spec.recordingRules,
    ruleInterval: spec.alerting.interval ?? spec.scrape.evaluationInterval,
    ruleIntervalExplicit: spec.alerting.interval !== undefined || spec.scrape.evaluationInterval !== GLOBAL_INTERVAL,
    testInterval: spec.scrape.evaluationInterval,
    metrics,
    metricsByName: new Map(metrics.map((m) => [m.name, m])),
    dashboards: spec.dashboards,
    alerts: spec.alerts,
    slos: resolveSlos(spec, new Map(metrics.map((m) => [m.name, m])), report),
    totalSeries,
  };
}

function resolveMetric(name: string, metric: MetricSpec, report: Reporter, budget: number): MetricModel {
  const path = ["metrics", name];
  const suppressions = new Map<string, string>((metric.suppress ?? []).map((s) => [s.rule, s.reason]));
  const used = new Set<string>();
  const finding = (rule: RuleInfo, at: (string | number)[], message: string, hint: string, key = false): void => {
    if (rule.id !== undefined && suppressions.has(rule.id)) {
      used.add(rule.id);
      return;
    }
    const suffix = rule.id !== undefined ? ` (suppress with {rule: ${rule.id}, reason: …} if intended)` : "";
    report.error(rule, at, message, { hint: hint + suffix, key });
  };

  if (!METRIC_NAME.test(name)) {
    finding(RULES.metricName, path, `metric name "${name}" is not a valid Prometheus name`, "use [a-zA-Z_:][a-zA-Z0-9_:]*, in snake_case", true);
  } else if (name.includes(":")) {
    // Prometheus reserves colons for recording rules; the generated module could not name it either.
    finding(RULES.metricName, path, `metric name "${name}" contains a colon, which Prometheus reserves for recording rules`, "use [a-zA-Z_][a-zA-Z0-9_]*, in snake_case", true);
  }
  if (metric.type === "counter" && !name.endsWith(COUNTER_SUFFIX)) {
    // Propose a name only when it is one: "http-requests_total" would trade one error for another.
    const renamed = `${name}${COUNTER_SUFFIX}`;
    finding(RULES.counterSuffix, path, `counter "${name}" must end in _total`, METRIC_NAME.test(renamed) ? `rename it to "${renamed}"` : "end its name in _total", true);
  }
  if (metric.type !== "counter" && name.endsWith(COUNTER_SUFFIX)) {
    finding(RULES.totalOnNonCounter, path, `${metric.type} "${name}" ends in _total, which Prometheus reserves for counters`,
      `rename it without _total (promtool check metrics flags it)`, true);
  }
  const suffixUnit = unitSuffixOf(name);
  if (metric.unit !== undefined && suffixUnit !== metric.unit) {
    finding(RULES.unitSuffix, [...path, "unit"], `unit "${metric.unit}" is declared but the name ${suffixUnit ? `ends in _${suffixUnit}` : `has no _${metric.unit} suffix`}`,
      `name a metric in ${metric.unit} "…_${metric.unit}${metric.type === "counter" ? "_total" : ""}"`);
  } else if (metric.unit === undefined && suffixUnit !== undefined) {
    finding(RULES.unitSuffix, path, `the name ends in _${suffixUnit} but no unit is declared`, `add unit: ${suffixUnit}`, true);
  }
  const unit = metric.unit ?? suffixUnit;
  if (unit !== undefined && NON_BASE_UNITS[unit] !== undefined) {
    finding(RULES.nonBaseUnit, metric.unit !== undefined ? [...path, "unit"] : path, `"${unit}" is not a base unit`, `Prometheus recommends ${NON_BASE_UNITS[unit]}`);
  }

  const labels: LabelModel[] = [];
  for (const [labelName, labelSpec] of Object.entries(metric.labels ?? {})) {
    labels.push(resolveLabel(labelName, labelSpec, [...path, "labels", labelName], report));
  }

  let buckets: number[] = [];
  if (metric.type === "histogram") {
    if (metric.buckets === undefined) {
      report.error(RULES.bucketsMisplaced, path, `histogram "${name}" declares no buckets`, { hint: "add buckets: [0.1, 0.5, 1, …] in the metric's unit", key: true });
    } else {
      buckets = metric.buckets;
      metric.buckets.forEach((b, i) => {
        if (!(b > 0) || !Number.isFinite(b)) {
          report.error(RULES.buckets, [...path, "buckets", i], `bucket ${b} must be a positive finite number`, { hint: "+Inf is added automatically" });
        } else if (i > 0 && b <= (metric.buckets?.[i - 1] ?? -Infinity)) {
          report.error(RULES.buckets, [...path, "buckets", i], `bucket ${b} must be greater than the bucket before it (${metric.buckets?.[i - 1]})`, { hint: "list buckets in strictly increasing order" });
        }
      });
    }
  } else if (metric.buckets !== undefined) {
    report.error(RULES.bucketsMisplaced, [...path, "buckets"], `${metric.type} "${name}" has buckets; only histograms do`);
  }

  const labelSets = labels.reduce((n, l) => n * l.values.length, 1);
  const maxSeries = metric.type === "histogram" ? labelSets * (buckets.length + 3) : labelSets;
  if (maxSeries > budget) {
    const factors = labels.map((l) => `${l.name} ${l.values.length}`);
    if (metric.type === "histogram") factors.push(`${buckets.length + 3} series per label set (buckets, +Inf, _sum, _count)`);
    report.error(RULES.cardinalityMetric, path, `"${name}" can produce ${maxSeries} series, over the per-metric budget of ${budget}`,
      { hint: `${factors.join(" × ")}; remove label values or raise limits.maxSeriesPerMetric`, key: true });
  }

  for (const rule of suppressions.keys()) {
    const at = [...path, "suppress", (metric.suppress ?? []).findIndex((s) => s.rule === rule), "rule"];
    if (!SUPPRESSIBLE_RULE_IDS.includes(rule)) {
      report.error(RULES.suppression, at, `"${rule}" is not a rule that can be suppressed`, { hint: `suppressible rules: ${SUPPRESSIBLE_RULE_IDS.join(", ")}` });
    } else if (!used.has(rule)) {
      report.warning(RULES.suppression, at, `suppression of "${rule}" is unused: the metric does not break that rule`, { hint: "remove the suppression" });
    }
  }

  return {
    name,
    type: metric.type,
    help: metric.help,
    ...(unit !== undefined ? { unit } : {}),
    labels,
    buckets,
    suppressions,
    maxSeries,
    path,
  };
}

function resolveLabel(name: string, spec: LabelSpec, path: (string | number)[], report: Reporter): LabelModel {
  if (!LABEL_NAME.test(name)) {
    report.error(RULES.labelName, path, `label name "${name}" is not a valid Prometheus label name`, { key: true, hint: "use [a-zA-Z_][a-zA-Z0-9_]*" });
  } else if (isReservedLabel(name)) {
    report.error(RULES.reservedLabel, path, `label "${name}" is reserved`, {
      key: true,
      hint: name.startsWith("__") ? "names starting with __ are internal to Prometheus" : `"${name}" is set by Prometheus or the client library; choose another name`,
    });
  }
  const values = Array.isArray(spec) ? spec : spec.values;
  const valuesPath = Array.isArray(spec) ? path : [...path, "values"];
  const seen = new Set<string>();
  values.forEach((v, i) => {
    if (v.trim() === "") {
      report.error(RULES.labelValue, [...valuesPath, i], `label "${name}" has an empty value`, { hint: "an empty value equals an absent label in PromQL" });
    } else if (v !== v.trim() || /[\n\r"\\]/.test(v)) {
      report.error(RULES.labelValue, [...valuesPath, i], `label value ${JSON.stringify(v)} has surrounding spaces, quotes, backslashes or line breaks`);
    }
    checkNumericLabelValue(report, [...valuesPath, i], v);
    if (seen.has(v)) report.error(RULES.labelValue, [...valuesPath, i], `label "${name}" lists value "${v}" twice`);
    seen.add(v);
  });
  const fallback = Array.isArray(spec) ? undefined : spec.fallback;
  if (fallback !== undefined) checkNumericLabelValue(report, [...path, "fallback"], fallback);
  if (fallback !== undefined && !values.includes(fallback)) {
    report.error(RULES.fallback, [...path, "fallback"], `fallback "${fallback}" is not one of the values of "${name}"`, { hint: `add "${fallback}" to values, or pick one of: ${values.join(", ")}` });
  }
  const additive = Array.isArray(spec) ? undefined : spec.additive;
  return { name, values, ...(fallback !== undefined ? { fallback } : {}), ...(additive !== undefined ? { additive } : {}) };
}

function checkSeriesCollisions(metrics: readonly MetricModel[], report: Reporter): void {
  const owner = new Map<string, string>();
  for (const m of metrics) {
    const series = m.type === "histogram" ? HISTOGRAM_SUFFIXES.map((s) => m.name + s) : [m.name];
    for (const s of series) {
      const other = owner.get(s);
      if (other !== undefined) {
        report.error(RULES.seriesCollision, m.path, `"${m.name}" exposes series "${s}", which "${other}" exposes too`, { key: true });
      }
      owner.set(s, m.name);
    }
  }
}

/**
 * The generated module names each metric by its camelCase and its upper-case name: two metrics
 * that differ only in underscores or case (a_b and aB, ab and aB) would declare one name twice.
 * Its exported names must not be one it imports (a counter "enum" would be class EnumCounter).
 */
function checkIdentifierCollisions(metrics: readonly MetricModel[], report: Reporter): void {
  const owner = new Map<string, string>();
  for (const m of metrics) {
    const imported = metricExports(pascalCase(m.name), m.type).find((name) => MODULE_IMPORTS.includes(name));
    if (imported !== undefined) {
      report.error(RULES.duplicate, m.path, `metric "${m.name}" would be ${imported} in the generated module, a name it imports from prom-client or obsgen/runtime`, {
        key: true,
        hint: "choose another metric name",
      });
    }
    for (const id of new Set([camelCase(m.name), m.name.toUpperCase()])) {
      const other = owner.get(id);
      if (other !== undefined && other !== m.name) {
        report.error(RULES.duplicate, m.path, `metrics "${other}" and "${m.name}" both become ${id} in the generated module`, {
          key: true,
          hint: "metric names must differ in more than underscores and letter case",
        });
        break;
      }
      owner.set(id, m.name);
    }
  }
}

function checkAcrossServices(services: readonly ServiceModel[], reporters: readonly Reporter[]): void {
  const byName = new Map<string, ServiceModel>();
  const metricOwner = new Map<string, ServiceModel>();
  for (const s of services) {
    const report = reporters.find((r) => r.source === s.source);
    if (!report) continue;
    const other = byName.get(s.name);
    if (other) report.error(RULES.duplicate, ["service"], `service "${s.name}" is also declared in ${other.source.file}`);
    byName.set(s.name, s);
    for (const m of s.metrics) {
      const o = metricOwner.get(m.name);
      if (o && o !== s) {
        report.error(RULES.duplicate, m.path, `metric "${m.name}" is also declared by service "${o.name}" in ${o.source.file}`, {
          key: true,
          hint: "services share one Prometheus: metric names must be unique across specs",
        });
      }
      metricOwner.set(m.name, s);
    }
  }
}
