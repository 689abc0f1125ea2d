// The one place that produces PromQL text: small fragments, spliced in at positions of the parse
// tree so the rest of the expression stays byte-for-byte as written. Tests parse the output back.
import { selectors, toAst, type MatchOp } from "./ast.js";
import { parseQuery } from "./parse.js";

export interface MatcherSpec {
  label: string;
  op: MatchOp;
  value: string;
}

/** `label op "value"`, with the value quoted the way PromQL reads it. */
export function formatMatcher(m: MatcherSpec): string {
  const quoted = `"${m.value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
  return `${m.label}${m.op}${quoted}`;
}

/**
 * Adds `matchers` to every selector of `expr` that does not already constrain their labels, e.g.
 * job=~"$job",instance=~"$instance" for a dashboard's template variables.
 * Throws when `expr` does not parse: callers only pass expressions the spec checks accepted.
 */
export function withMatchers(expr: string, matchers: readonly MatcherSpec[]): string {
  const parsed = parseQuery(expr);
  const first = parsed.problems[0];
  if (first) throw new Error(`cannot add matchers to a query that does not parse: ${first.message} at offset ${first.offset}`);
  const ast = toAst(parsed);
  if (!ast) return expr;
  const edits: { at: number; text: string }[] = [];
  for (const sel of selectors(ast)) {
    const add = matchers.filter((m) => !sel.matchers.some((have) => have.label === m.label)).map(formatMatcher);
    if (add.length === 0) continue;
    if (sel.matchersSpan) {
      const hasAny = sel.matchersSpan.to - sel.matchersSpan.from > 2 && /[^\s{}]/.test(expr.slice(sel.matchersSpan.from + 1, sel.matchersSpan.to - 1));
      edits.push({ at: sel.matchersSpan.from + 1, text: add.join(",") + (hasAny ? "," : "") });
    } else {
      edits.push({ at: sel.nameSpan.to, text: `{${add.join(",")}}` });
    }
  }
  let out = expr;
  for (const e of edits.sort((a, b) => b.at - a.at)) out = out.slice(0, e.at) + e.text + out.slice(e.at);
  return out;
}

/** The matchers a dashboard's `job` and `instance` variables put on every selector. */
export function templateMatchers(variables: readonly string[]): MatcherSpec[] {
  return variables.map((v) => ({ label: v, op: "=~", value: `$${v}` }));
}

/**
 * A Grafana `label_values(selector, label)` variable query. Each earlier variable narrows the
 * selector, so `instance` lists only the instances of the chosen jobs.
 */
export function labelValuesQuery(metric: string, narrowBy: readonly string[], label: string): string {
  return `label_values(${withMatchers(metric, templateMatchers(narrowBy))}, ${label})`;
}

/** `metric{label="value",…}`: a selector with equality or regex matchers. */
export function selector(metric: string, matchers: readonly MatcherSpec[]): string {
  return matchers.length === 0 ? metric : `${metric}{${matchers.map(formatMatcher).join(",")}}`;
}

/** `op by (labels) (expr)`, or `op(expr)` without grouping labels. */
export function aggregate(op: "count" | "sum" | "max" | "group", by: readonly string[], expr: string): string {
  return by.length === 0 ? `${op}(${expr})` : `${op} by (${by.join(", ")}) (${expr})`;
}
