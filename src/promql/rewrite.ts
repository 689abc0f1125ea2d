// Rewrites of alert expressions at positions of their parse tree, as build.ts does for dashboard
// filters: the aggregations keep the deployment labels, a threshold is swapped for another tier's,
// a traffic floor is appended, and an alert's signal (the expression before its threshold) is
// cut out for a panel. Only small fragments are produced here; tests parse every result back.
import { toAst, walk, type Binary, type Expr } from "./ast.js";
import { formatMatcher, withMatchers, type MatcherSpec } from "./build.js";
import { parseQuery } from "./parse.js";

const COMPARISONS: ReadonlySet<string> = new Set([">", ">=", "<", "<=", "==", "!="]);
const SET_OPS: ReadonlySet<string> = new Set(["and", "or", "unless"]);

interface Edit {
  at: number;
  text: string;
  /** Characters replaced from `at` (0: an insertion). */
  cut?: number;
}

function astOf(expr: string): Expr | undefined {
  const parsed = parseQuery(expr);
  const first = parsed.problems[0];
  if (first) throw new Error(`cannot rewrite a query that does not parse: ${first.message} at offset ${first.offset}`);
  return toAst(parsed);
}

function applyEdits(expr: string, edits: readonly Edit[]): string {
  let out = expr;
  for (const e of [...edits].sort((a, b) => b.at - a.at)) out = out.slice(0, e.at) + e.text + out.slice(e.at + (e.cut ?? 0));
  return out;
}

/** A label list as PromQL writes it in by (…) and on (…). */
function labelList(labels: readonly string[]): string {
  return labels.join(", ");
}

/**
 * Every `by (…)` aggregation and every `on (…)` match of `expr` keeps `labels` too, and a bare
 * aggregation (`sum(x)`) becomes `sum by (labels) (x)`, so one ruler holding several jobs or
 * clusters alerts on each of them apart. `without (…)` already keeps them, unless it names them.
 */
export function keepingLabels(expr: string, labels: readonly string[]): string {
  if (labels.length === 0) return expr;
  const ast = astOf(expr);
  if (!ast) return expr;
  const edits: Edit[] = [];
  walk(ast, (e) => {
    if (e.kind === "aggregation") {
      const g = e.grouping;
      if (!g) {
        const at = e.from + e.op.length;
        edits.push({ at, text: ` by (${labelList(labels)})${expr.charAt(at) === "(" ? " " : ""}` });
      } else if (g.mode === "by") {
        const missing = labels.filter((l) => !g.labels.includes(l));
        if (missing.length > 0) edits.push(closingInsert(expr, g.to, g.labels.length, missing));
      }
    } else if (e.kind === "binary" && e.matching?.mode === "on") {
      const m = e.matching;
      const missing = labels.filter((l) => !m.labels.includes(l));
      if (missing.length > 0) edits.push(closingInsert(expr, m.to, m.labels.length, missing));
    }
  });
  return applyEdits(expr, edits);
}

/** Inserts labels before the `)` that ends a grouping clause at `to`. */
function closingInsert(expr: string, to: number, had: number, labels: readonly string[]): Edit {
  const close = expr.lastIndexOf(")", to - 1);
  return { at: close, text: `${had > 0 ? ", " : ""}${labelList(labels)}` };
}

/** Adds the alerting selector's matchers to every selector of `expr`. */
export function withSelector(expr: string, matchers: readonly MatcherSpec[]): string {
  return matchers.length === 0 ? expr : withMatchers(expr, matchers);
}

/** The comparison an alert's expression ends in: `signal op threshold`, under any `and`/`unless` it carries. */
export interface Comparison {
  /** The node of the comparison. */
  node: Binary;
  op: string;
  threshold: number;
  /** Span of the threshold literal. */
  thresholdSpan: { from: number; to: number };
  /** The signal side as written (parenthesised when it is itself a binary expression). */
  signal: string;
  /** The signal side's node. */
  signalNode: Expr;
}

function parenthesised(expr: string, node: Expr): string {
  const text = expr.slice(node.from, node.to);
  return node.kind === "binary" ? `(${text})` : text;
}

/** The final comparison of an alert expression against a number, or undefined when it has none. */
export function comparisonOf(expr: string): Comparison | undefined {
  let node = astOf(expr);
  while (node?.kind === "binary" && SET_OPS.has(node.op)) node = node.lhs;
  if (node?.kind !== "binary" || !COMPARISONS.has(node.op) || node.bool) return undefined;
  if (node.rhs.kind !== "number") return undefined;
  return {
    node,
    op: node.op,
    threshold: node.rhs.value,
    thresholdSpan: { from: node.rhs.from, to: node.rhs.to },
    signal: parenthesised(expr, node.lhs),
    signalNode: node.lhs,
  };
}

/** The same alert expression compared against `threshold` instead (another severity tier). */
export function withThreshold(expr: string, threshold: number): string {
  const c = comparisonOf(expr);
  if (!c) throw new Error(`internal: no threshold comparison in ${expr}`);
  return applyEdits(expr, [{ at: c.thresholdSpan.from, cut: c.thresholdSpan.to - c.thresholdSpan.from, text: formatNumber(threshold) }]);
}

/** The denominator of the ratio an alert compares, parenthesised when needed; undefined when the signal is no ratio. */
export function ratioDenominator(expr: string): string | undefined {
  const c = comparisonOf(expr);
  if (!c) return undefined;
  let n: Expr = c.signalNode;
  // `100 * a / b` parses as `(100 * a) / b`; `a / b * 100` as `(a / b) * 100`: look through the scaling.
  while (n.kind === "binary" && (n.op === "*" || n.op === "/") && (n.rhs.kind === "number" || n.lhs.kind === "number") && !(n.op === "/" && n.lhs.kind !== "number")) {
    n = n.lhs.kind === "number" ? n.rhs : n.lhs;
  }
  if (n.kind !== "binary" || n.op !== "/") return undefined;
  return parenthesised(expr, n.rhs);
}

/** `expr and <denominator> > floor`: the ratio alert holds only while there is traffic. */
export function withTrafficFloor(expr: string, floor: number): string {
  const denominator = ratioDenominator(expr);
  if (denominator === undefined) throw new Error(`internal: no ratio in ${expr}`);
  const ast = astOf(expr);
  const head = ast?.kind === "binary" && SET_OPS.has(ast.op) && ast.op !== "and" ? `(${expr})` : expr;
  return `${head}\nand ${denominator} > ${formatNumber(floor)}`;
}

/** A number as PromQL reads it back exactly (no exponent surprises for ordinary values). */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return n > 0 ? "+Inf" : n < 0 ? "-Inf" : "NaN";
  return String(Number(n.toPrecision(12)));
}

/** The matchers of a selector text such as `cluster="prod", namespace=~"git-.*"`; throws when it does not parse. */
export function parseMatchers(text: string): MatcherSpec[] {
  const ast = astOf(`{${text}}`);
  if (ast?.kind !== "selector") throw new Error(`"${text}" is not a list of label matchers`);
  return ast.matchers.map((m) => ({ label: m.label, op: m.op, value: m.value }));
}

/** A selector's text with `matchers` added (`metric{a="b"}`), for generated expressions. */
export function selectorText(metric: string, matchers: readonly MatcherSpec[]): string {
  return matchers.length === 0 ? metric : `${metric}{${matchers.map(formatMatcher).join(",")}}`;
}

/** The same `histogram_quantile(φ, …)` at another φ, or undefined when the expression is no quantile. */
export function withQuantile(expr: string, phi: number): string | undefined {
  const ast = astOf(expr);
  if (ast?.kind !== "call" || ast.fn !== "histogram_quantile" || ast.args[0]?.kind !== "number") return undefined;
  const arg = ast.args[0];
  return applyEdits(expr, [{ at: arg.from, cut: arg.to - arg.from, text: formatNumber(phi) }]);
}
