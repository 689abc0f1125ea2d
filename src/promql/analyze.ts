// Checks one PromQL expression against the spec's metrics: what each selector names, which labels
// survive each aggregation, and whether rates, quantiles and ratios are computed soundly.
import { BUCKET_LABEL, COUNTER_SUFFIX, HISTOGRAM_SUFFIXES, splitHistogramSeries } from "../conventions/names.js";
import type { LabelModel, MetricModel } from "../conventions/catalogue.js";
import { toAst, type Aggregation, type Binary, type Call, type Expr, type Matcher, type Selector } from "./ast.js";
import { isCounterSafe, isRateFunction } from "./functions.js";
import type { ParsedQuery } from "./parse.js";
import { compileLabelRegex, hasGrafanaVariable, literalIndex, matcherSelects, topLevelBranches } from "./regex.js";
import { didYouMean } from "./suggest.js";

/** Labels every scraped series carries, whatever the metric declares. */
export const TARGET_LABELS = ["job", "instance"] as const;
const KEEPS_LABELS: ReadonlySet<string> = new Set(["topk", "bottomk", "limitk", "limit_ratio"]);
const COMPARISONS: ReadonlySet<string> = new Set([">", ">=", "<", "<=", "==", "!="]);
/** Aggregations whose value mixes the values of the series they merge; count and group only count them. */
const COMBINES_VALUES: ReadonlySet<string> = new Set(["sum", "avg", "min", "max", "stddev", "stdvar", "quantile"]);
/** Operators that add views up; a ratio of two views (monthly / daily) is a legitimate comparison. */
const ADDITIVE_OPS: ReadonlySet<string> = new Set(["+", "-"]);

export type FindingKind =
  | "syntax"
  | "unknownMetric"
  | "seriesName"
  | "unknownLabel"
  | "labelValue"
  | "rateOverGauge"
  | "rawCounter"
  | "quantile"
  | "removedLabel"
  | "bucketThreshold"
  | "ratio"
  | "nonAdditive";

export interface Finding {
  kind: FindingKind;
  severity: "error" | "warning";
  offset: number;
  message: string;
  hint: string;
}

/** What the analysis knows of an expression's result. */
export interface ResultInfo {
  scalar: boolean;
  /** Label names of the result series; undefined when they cannot be known. */
  labels?: ReadonlySet<string>;
  /** Labels pinned to one value by an equality matcher, still present in the result. */
  pinned: ReadonlySet<string>;
  /** The histogram a histogram_quantile result estimates. */
  quantileOf?: MetricModel;
  /** How the result was aggregated, for messages: "sum by (operation)", "no aggregation". */
  shape: string;
  /** Non-additive labels still present in the result, with the values they may take, by label name. */
  views?: ReadonlyMap<string, View>;
}

/** A label whose values are views of one quantity (`additive: false`), and the views a selector lets through. */
export interface View {
  metric: MetricModel;
  label: string;
  values: readonly string[];
}

/** Views on both sides of a one-to-one match: equal label values pair, so only common values survive. */
function commonViews(lhs: ReadonlyMap<string, View> | undefined, rhs: ReadonlyMap<string, View> | undefined): ReadonlyMap<string, View> | undefined {
  if (!lhs || !rhs) return lhs ?? rhs;
  const out = new Map(lhs);
  for (const [l, v] of rhs) {
    const mine = lhs.get(l);
    out.set(l, mine ? { ...mine, values: mine.values.filter((x) => v.values.includes(x)) } : v);
  }
  return out;
}

/** Keeps the views whose label is still in `labels` (all of them when the labels are unknown). */
function keepViews(views: ReadonlyMap<string, View> | undefined, labels: ReadonlySet<string> | undefined): { views?: ReadonlyMap<string, View> } {
  if (!views) return {};
  const kept = new Map([...views].filter(([l]) => labels?.has(l) ?? true));
  return kept.size > 0 ? { views: kept } : {};
}

export interface Catalogue {
  metrics: ReadonlyMap<string, MetricModel>;
  /** Series that recording rules define, with the labels their expressions keep. */
  recorded: ReadonlyMap<string, ReadonlySet<string> | undefined>;
  /** Target labels every scraped series carries besides job and instance (cluster, namespace, …). */
  targetLabels?: readonly string[];
}

const UNKNOWN: ResultInfo = { scalar: false, pinned: new Set(), shape: "an expression" };

function fmtLabels(labels: ReadonlySet<string> | undefined): string {
  if (labels === undefined) return "unknown labels";
  return labels.size === 0 ? "no labels" : [...labels].sort().join(", ");
}

function allSeriesNames(cat: Catalogue): string[] {
  const out: string[] = [...cat.recorded.keys()];
  for (const m of cat.metrics.values()) {
    if (m.type === "histogram") out.push(...HISTOGRAM_SUFFIXES.map((s) => m.name + s));
    else out.push(m.name);
  }
  return out;
}

export class QueryAnalyzer {
  readonly findings: Finding[] = [];
  private readonly text: string;

  constructor(private readonly q: ParsedQuery, private readonly cat: Catalogue) {
    this.text = q.text;
  }

  /** Runs every check; returns what is known of the result, or undefined when it does not parse. */
  run(): ResultInfo | undefined {
    const problem = this.q.problems[0];
    if (problem) {
      this.add("syntax", "error", problem.offset, `PromQL syntax error: ${problem.message}`, problem.hint);
      return undefined;
    }
    const ast = toAst(this.q);
    return ast ? this.infer(ast, []) : undefined;
  }

  private add(kind: FindingKind, severity: "error" | "warning", offset: number, message: string, hint: string): void {
    this.findings.push({ kind, severity, offset, message, hint });
  }

  private src(e: { from: number; to: number }): string {
    const s = this.text.slice(e.from, e.to).replace(/\s+/g, " ");
    return s.length > 60 ? `${s.slice(0, 57)}...` : s;
  }

  private infer(e: Expr, parents: readonly Expr[]): ResultInfo {
    switch (e.kind) {
      case "number":
        return { scalar: true, labels: new Set(), pinned: new Set(), shape: "a number" };
      case "selector":
        return this.selector(e, parents);
      case "call":
        return this.call(e, parents);
      case "aggregation":
        return this.aggregation(e, parents);
      case "binary":
        return this.binary(e, parents);
      case "other":
        e.args.forEach((a) => this.infer(a, [...parents, e]));
        return UNKNOWN;
    }
  }

  private selector(sel: Selector, parents: readonly Expr[]): ResultInfo {
    const name = sel.name;
    if (name === undefined) return UNKNOWN;
    const at = sel.nameSpan.from;
    let labels: Set<string> | undefined;
    let metric: MetricModel | undefined;
    let counterLike = false;
    const recorded = this.cat.recorded.get(name);
    const direct = this.cat.metrics.get(name);
    const split = splitHistogramSeries(name);
    const base = split ? this.cat.metrics.get(split.base) : undefined;
    if (this.cat.recorded.has(name)) {
      labels = recorded ? new Set(recorded) : undefined;
    } else if (direct && direct.type === "histogram") {
      this.add("seriesName", "error", at, `"${name}" is a histogram; Prometheus stores it only as ${HISTOGRAM_SUFFIXES.map((s) => `${name}${s}`).join(", ")}`,
        `use ${name}_bucket inside histogram_quantile(…, sum by (le) (rate(…))), or ${name}_sum / ${name}_count for averages and rates`);
      return UNKNOWN;
    } else if (direct) {
      metric = direct;
      counterLike = direct.type === "counter";
      labels = new Set([...direct.labels.map((l) => l.name), ...TARGET_LABELS, ...(this.cat.targetLabels ?? [])]);
    } else if (split && base?.type === "histogram") {
      metric = base;
      counterLike = true;
      labels = new Set([...base.labels.map((l) => l.name), ...TARGET_LABELS, ...(this.cat.targetLabels ?? []), ...(split.suffix === "_bucket" ? [BUCKET_LABEL] : [])]);
    } else {
      const counter = this.cat.metrics.get(name + COUNTER_SUFFIX);
      if (counter?.type === "counter") {
        this.add("seriesName", "error", at, `counter "${counter.name}" is exposed as "${counter.name}", not "${name}"`, `write ${counter.name}: client libraries add _total to a counter's series`);
      } else if (split && base) {
        this.add("seriesName", "error", at, `"${name}": ${base.type} "${base.name}" has no ${split.suffix} series; only histograms do`, `write ${base.name}`);
      } else {
        this.add("unknownMetric", "error", at, `metric "${name}" is not declared in the spec${didYouMean(name, allSeriesNames(this.cat))}`,
          `declare it under metrics:, or use one of the declared series (see METRICS.md)`);
      }
      return UNKNOWN;
    }
    this.matchers(sel, name, metric, labels);
    if (counterLike && !parents.some((p) => p.kind === "call" && isCounterSafe(p.fn))) {
      this.add("rawCounter", "error", at, `counter series "${name}" is used raw: its value is a running total since the process started, and drops to 0 on every restart`,
        `wrap it in rate(${name}[$__rate_interval]) for a per-second rate, or increase(…[$__range]) for a count over the range`);
    }
    const pinned = new Set(sel.matchers.filter((m) => m.op === "=" && labels?.has(m.label)).map((m) => m.label));
    return { scalar: false, ...(labels ? { labels } : {}), pinned, shape: "no aggregation", ...this.views(sel, metric) };
  }

  /** The metric's non-additive labels that the selector leaves free to take more than one value. */
  private views(sel: Selector, metric: MetricModel | undefined): { views?: ReadonlyMap<string, View> } {
    const views = new Map<string, View>();
    for (const l of metric?.labels ?? []) {
      if (l.additive !== false) continue;
      const selected = sel.matchers.filter((m) => m.label === l.name).reduce((vals, m) => vals.filter((v) => matcherSelects(m.op, m.value, v)), [...l.values]);
      if (metric) views.set(l.name, { metric, label: l.name, values: selected });
    }
    return views.size > 0 ? { views } : {};
  }

  private matchers(sel: Selector, name: string, metric: MetricModel | undefined, labels: ReadonlySet<string> | undefined): void {
    for (const m of sel.matchers) {
      if (m.label === "__name__") continue;
      if (labels && !labels.has(m.label)) {
        this.add("unknownLabel", "error", m.from, `"${name}" has no label "${m.label}"${didYouMean(m.label, labels)}`,
          `its labels are: ${fmtLabels(labels)}; a matcher on a missing label ${m.op === "=" || m.op === "=~" ? "matches nothing" : "matches everything"}`);
        continue;
      }
      const declared = metric?.labels.find((l) => l.name === m.label);
      if (!declared) continue;
      if (m.op === "=" || m.op === "!=") this.equalityValue(m, name, declared);
      else this.regexValues(m, name, declared);
    }
  }

  private equalityValue(m: Matcher, name: string, declared: LabelModel): void {
    if (declared.values.includes(m.value)) return;
    this.add("labelValue", "error", m.valueSpan.from + 1,
      `label "${m.label}" of "${name}" has no value "${m.value}"${didYouMean(m.value, declared.values)}`,
      `declared values: ${declared.values.join(", ")}; any other value never occurs, so the matcher ${m.op === "=" ? "selects nothing" : "excludes nothing"}`);
  }

  /**
   * A regex is judged by the declared values it matches, with Prometheus' semantics: a branch of a
   * top-level alternation that matches none is dead (a typo, or a value the spec lacks), and a
   * `!~` that matches every declared value leaves nothing to select.
   */
  private regexValues(m: Matcher, name: string, declared: LabelModel): void {
    if (hasGrafanaVariable(m.value)) return;
    const whole = compileLabelRegex(m.value);
    if (!whole.ok) return;
    const literal = this.text.slice(m.valueSpan.from, m.valueSpan.to);
    const at = (index: number): number => m.valueSpan.from + literalIndex(literal, index);
    const branches = topLevelBranches(m.value);
    for (const b of branches) {
      const re = compileLabelRegex(b.text);
      if (!re.ok || declared.values.some((v) => re.test(v))) continue;
      const what = branches.length > 1 ? `alternative "${b.text}" of ${JSON.stringify(m.value)}` : `regex ${JSON.stringify(m.value)}`;
      const plain = /^[A-Za-z0-9_:-]+$/.test(b.text);
      this.add("labelValue", "error", at(b.index),
        plain ? `label "${m.label}" of "${name}" has no value "${b.text}"${branches.length > 1 ? ` (an alternative of ${JSON.stringify(m.value)})` : ""}${didYouMean(b.text, declared.values)}`
          : `the ${what} matches no declared value of label "${m.label}" of "${name}"`,
        `declared values: ${declared.values.join(", ")}; Prometheus anchors regexes at both ends (^(?:…)$), so ${m.op === "=~" ? "this selects nothing" : "this excludes nothing"}`);
    }
    if (m.op === "!~" && declared.values.every((v) => whole.test(v))) {
      this.add("labelValue", "error", at(0),
        `the regex ${JSON.stringify(m.value)} excludes every declared value of label "${m.label}" of "${name}" (${declared.values.join(", ")}): the selector selects nothing`,
        `exclude only the values you mean to drop, or remove the matcher`);
    }
  }

  private call(c: Call, parents: readonly Expr[]): ResultInfo {
    const next = [...parents, c];
    const args = c.args.map((a) => this.infer(a, next));
    if (isRateFunction(c.fn)) {
      const arg = c.args[0];
      if (arg?.kind === "selector" && arg.name !== undefined) {
        const m = this.cat.metrics.get(arg.name);
        if (m?.type === "gauge") {
          this.add("rateOverGauge", "error", c.from, `${c.fn}() over gauge "${m.name}": ${c.fn} assumes a counter that only grows, and reads every decrease as a reset`,
            `graph the gauge itself (e.g. sum(${m.name})), or use deriv(${m.name}[$__rate_interval]) for its slope`);
        }
      }
      const inner = args[0] ?? UNKNOWN;
      return { ...inner, quantileOf: undefined, shape: inner.shape } as ResultInfo;
    }
    if (c.fn === "histogram_quantile") return this.quantile(c, args[1] ?? UNKNOWN);
    if (c.fn === "label_replace" || c.fn === "label_join" || c.fn === "info") return { ...UNKNOWN };
    if (c.fn === "absent" || c.fn === "absent_over_time") return { ...UNKNOWN };
    if (c.fn === "vector" || c.fn === "time") return { scalar: c.fn === "time", labels: new Set(), pinned: new Set(), shape: "no labels" };
    if (c.fn === "scalar") return { scalar: true, labels: new Set(), pinned: new Set(), shape: "a number" };
    return args.find((a) => !a.scalar) ?? UNKNOWN;
  }

  private quantile(c: Call, inner: ResultInfo): ResultInfo {
    const arg = c.args[1];
    const fix = "histogram_quantile(0.95, sum by (le, <labels to keep>) (rate(<histogram>_bucket[$__rate_interval])))";
    const bucketSelector = (e: Expr | undefined): Selector | undefined => {
      if (e?.kind === "call" && isRateFunction(e.fn) && e.args[0]?.kind === "selector") return e.args[0];
      return undefined;
    };
    let histogram: MetricModel | undefined;
    if (arg === undefined) return UNKNOWN;
    if (arg.kind !== "aggregation" || arg.op !== "sum") {
      const sel = bucketSelector(arg);
      this.add("quantile", "error", arg.from,
        `histogram_quantile over ${this.src(arg)} does not sum the buckets across series: each instance's quantile is computed alone, and a fleet of N replicas shows N lines`,
        `aggregate first: ${fix}`);
      if (sel?.name) histogram = splitHistogramSeries(sel.name) ? this.cat.metrics.get(splitHistogramSeries(sel.name)?.base ?? "") : undefined;
    } else {
      const keepsLe = arg.grouping === undefined ? false : arg.grouping.mode === "by" ? arg.grouping.labels.includes(BUCKET_LABEL) : !arg.grouping.labels.includes(BUCKET_LABEL);
      if (!keepsLe) {
        this.add("quantile", "error", arg.grouping?.from ?? arg.from,
          `histogram_quantile over ${arg.grouping ? `sum ${arg.grouping.mode} (${arg.grouping.labels.join(", ")})` : "sum"} loses the "le" label: without bucket bounds there is no quantile to compute (the result is empty)`,
          `keep le in the grouping: ${fix}`);
      }
      const sel = bucketSelector(arg.expr);
      const split = sel?.name !== undefined ? splitHistogramSeries(sel.name) : undefined;
      if (!sel || split?.suffix !== "_bucket") {
        this.add("quantile", "error", arg.expr.from,
          `histogram_quantile needs the per-second rate of a histogram's _bucket series here, not ${this.src(arg.expr)}`,
          `${fix}; raw bucket counters give the quantile since the process started`);
      } else {
        histogram = this.cat.metrics.get(split.base);
      }
    }
    const labels = inner.labels ? new Set([...inner.labels].filter((l) => l !== BUCKET_LABEL)) : undefined;
    return {
      scalar: false,
      ...(labels ? { labels } : {}),
      pinned: new Set([...inner.pinned].filter((l) => l !== BUCKET_LABEL)),
      ...(histogram?.type === "histogram" ? { quantileOf: histogram } : {}),
      shape: inner.shape,
    };
  }

  private aggregation(a: Aggregation, parents: readonly Expr[]): ResultInfo {
    const next = [...parents, a];
    if (a.param) this.infer(a.param, next);
    const inner = this.infer(a.expr, next);
    const g = a.grouping;
    if (g && inner.labels) {
      for (const l of g.labels) {
        if (inner.labels.has(l)) continue;
        const removed = inner.shape !== "no aggregation" && inner.shape !== "an expression";
        this.add("removedLabel", "error", g.from,
          `${a.op} ${g.mode} (${g.labels.join(", ")}) groups by "${l}", which ${removed ? `the inner ${inner.shape} already removed` : "the aggregated series do not have"}${didYouMean(l, inner.labels)}`,
          `the series here have: ${fmtLabels(inner.labels)}; ${removed ? `keep "${l}" in the inner aggregation, or drop it here` : `remove "${l}" from the grouping`}`);
      }
    }
    if (KEEPS_LABELS.has(a.op)) return { ...inner, shape: a.op };
    let labels: Set<string> | undefined;
    if (!g) labels = new Set();
    else if (g.mode === "by") labels = new Set(g.labels);
    else labels = inner.labels ? new Set([...inner.labels].filter((l) => !g.labels.includes(l))) : undefined;
    const shape = !g ? a.op : `${a.op} ${g.mode} (${g.labels.join(", ")})`;
    const pinned = new Set([...inner.pinned].filter((l) => labels?.has(l) ?? false));
    if (COMBINES_VALUES.has(a.op)) {
      for (const v of inner.views?.values() ?? []) {
        if (v.values.length < 2) continue;
        const removed = !g ? true : g.mode === "by" ? !g.labels.includes(v.label) : g.labels.includes(v.label);
        const kept = g?.mode === "by" ? [...g.labels, v.label].join(", ") : v.label;
        if (removed) this.nonAdditive(a.from, `${shape} merges`, v, `pin one view with ${v.metric.name}{${v.label}="${v.values[v.values.length - 1] ?? ""}"}, or keep the views apart with ${a.op} by (${kept})`);
      }
    }
    return { scalar: false, ...(labels ? { labels } : {}), pinned, shape, ...keepViews(inner.views, labels) };
  }

  private binary(b: Binary, parents: readonly Expr[]): ResultInfo {
    const next = [...parents, b];
    const lhs = this.infer(b.lhs, next);
    const rhs = this.infer(b.rhs, next);
    if (lhs.scalar && rhs.scalar) return lhs;
    if (COMPARISONS.has(b.op)) this.threshold(lhs, b.rhs, rhs, b.lhs);
    if (COMPARISONS.has(b.op)) this.threshold(rhs, b.lhs, lhs, b.rhs);
    if (lhs.scalar) return { ...rhs, quantileOf: rhs.quantileOf };
    if (rhs.scalar) return lhs;
    if (b.op === "/" && b.matching === undefined) this.ratio(b, lhs, rhs);
    if (b.op === "and" || b.op === "or" || b.op === "unless") return lhs;
    const m = b.matching;
    if (m && ADDITIVE_OPS.has(b.op)) {
      // on(…) without the label, or ignoring(…) with it, pairs one view on one side with another view on the other.
      const crossed = (v: View): boolean => (m.mode === "on" ? !m.labels.includes(v.label) : m.labels.includes(v.label));
      const both = commonViews(lhs.views, rhs.views);
      for (const [label, v] of both ?? []) {
        if (!crossed(v)) continue;
        const sides = [lhs.views?.get(label)?.values ?? [], rhs.views?.get(label)?.values ?? []];
        const paired = [...new Set(sides.flat())];
        const values = v.metric.labels.find((l) => l.name === label)?.values.filter((x) => paired.includes(x)) ?? paired;
        const fix = m.mode === "on" ? `on(${[...m.labels, label].join(", ")})` : m.labels.length > 1 ? `ignoring(${m.labels.filter((l) => l !== label).join(", ")})` : `a plain "${b.op}" (without ignoring(${label}))`;
        if (paired.length > 1) this.nonAdditive(m.from, `"${b.op}" with ${m.mode}(${m.labels.join(", ")}) pairs`, { ...v, values }, `match the views one to one with ${fix}, or pin the same view on both sides`);
      }
    }
    const views = m ? undefined : commonViews(lhs.views, rhs.views);
    return { scalar: false, ...(lhs.labels ? { labels: lhs.labels } : {}), pinned: new Set([...lhs.pinned].filter((l) => rhs.pinned.has(l))), shape: lhs.shape, ...keepViews(views, lhs.labels) };
  }

  private nonAdditive(at: number, what: string, v: View, hint: string): void {
    this.add("nonAdditive", "error", at,
      `${what} the ${v.values.map((x) => `"${x}"`).join(", ")} series of ${v.metric.type} "${v.metric.name}", but label "${v.label}" is not additive (additive: false in the spec): its values are views of one quantity, so combining them is meaningless`,
      hint);
  }

  private threshold(side: ResultInfo, otherExpr: Expr, other: ResultInfo, _sideExpr: Expr): void {
    if (!side.quantileOf || otherExpr.kind !== "number" || !other.scalar) return;
    const note = bucketNote(otherExpr.value, side.quantileOf);
    if (note) this.add("bucketThreshold", "warning", otherExpr.from, note.message, note.hint);
  }

  private ratio(b: Binary, lhs: ResultInfo, rhs: ResultInfo): void {
    if (lhs.labels && rhs.labels) {
      const same = lhs.labels.size === rhs.labels.size && [...lhs.labels].every((l) => rhs.labels?.has(l));
      if (!same) {
        this.add("ratio", "error", b.lhs.from,
          `this ratio divides ${lhs.shape} (${fmtLabels(lhs.labels)}) by ${rhs.shape} (${fmtLabels(rhs.labels)}): series match only when all their labels agree, so the result is empty or partial`,
          `aggregate both sides the same way, e.g. sum by (${[...lhs.labels].sort().join(", ")}) (…) / sum by (${[...lhs.labels].sort().join(", ")}) (…)`);
        return;
      }
    }
    const selfMatched = [...lhs.pinned, ...rhs.pinned].find((l) => (lhs.labels?.has(l) ?? false) && (rhs.labels?.has(l) ?? false) && !(lhs.pinned.has(l) && rhs.pinned.has(l)));
    if (selfMatched !== undefined) {
      this.add("ratio", "error", b.lhs.from,
        `this ratio keeps label "${selfMatched}" on both sides, so each series is divided by the one with the same "${selfMatched}" on the other side — itself: the result is 1 (100%) whenever there is any data`,
        `aggregate "${selfMatched}" away on both sides, e.g. sum(rate(x{${selfMatched}="a"}[$__rate_interval])) / sum(rate(x{${selfMatched}=~"a|b"}[$__rate_interval]))`);
    }
  }
}

/** A warning when `value` is not a bucket boundary of `histogram`, naming the nearest ones. */
export function bucketNote(value: number, histogram: MetricModel): { message: string; hint: string } | undefined {
  if (histogram.buckets.includes(value)) return undefined;
  const below = [...histogram.buckets].reverse().find((b) => b < value);
  const above = histogram.buckets.find((b) => b > value);
  const between = below !== undefined && above !== undefined ? `between the buckets ${below} and ${above}` : below === undefined ? `below the first bucket ${above}` : `above the last bucket ${below}`;
  const choices = [below, above].filter((b): b is number => b !== undefined).join(" or ");
  return {
    message: `threshold ${value} is not a bucket boundary of "${histogram.name}": it lies ${between}, where histogram_quantile only interpolates, so the threshold is crossed at an estimate`,
    hint: `use ${choices}, or add ${value} to the histogram's buckets`,
  };
}

