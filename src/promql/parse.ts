// Parses PromQL with the official lezer grammar, after masking Grafana's template variables.
// Masks keep every character offset, so positions in the tree are positions in the spec's text.
import type { SyntaxNode, Tree } from "@lezer/common";
import { parser } from "@prometheus-io/lezer-promql";

/** A Grafana variable reference outside string literals: $__rate_interval, ${job}, [[job]]. */
const VARIABLE = /\$\{[A-Za-z0-9_:.]+\}|\$[A-Za-z_][A-Za-z0-9_]*|\[\[[A-Za-z0-9_]+\]\]/y;

export interface SyntaxProblem {
  /** Offset of the offending character in the expression. */
  offset: number;
  message: string;
  hint: string;
}

export interface ParsedQuery {
  /** The expression as written. */
  text: string;
  /** The same expression with Grafana variables replaced by same-length PromQL. */
  masked: string;
  tree: Tree;
  problems: SyntaxProblem[];
}

/**
 * Replaces each Grafana variable outside string literals with PromQL of the same length: a
 * duration inside `[...]` (where $__rate_interval and $__range sit) and a number elsewhere.
 * Variables inside strings (`job=~"$job"`) are left alone: they are already valid PromQL.
 */
export function maskGrafanaVariables(expr: string): string {
  let out = "";
  let quote: string | undefined;
  let inRange = false;
  for (let i = 0; i < expr.length; ) {
    const c = expr.charAt(i);
    if (quote !== undefined) {
      out += c;
      if (c === "\\" && i + 1 < expr.length) {
        out += expr.charAt(i + 1);
        i += 2;
        continue;
      }
      if (c === quote) quote = undefined;
      i++;
      continue;
    }
    if (c === '"' || c === "'" || c === "`") quote = c;
    if (c === "[" && !expr.startsWith("[[", i)) inRange = true;
    if (c === "]") inRange = false;
    VARIABLE.lastIndex = i;
    const m = VARIABLE.exec(expr);
    if (m) {
      const filler = inRange ? "1m" : "1";
      out += filler.padEnd(m[0].length, " ").slice(0, Math.max(m[0].length, filler.length));
      i += m[0].length;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

export function parseQuery(text: string): ParsedQuery {
  const masked = maskGrafanaVariables(text);
  const tree = parser.parse(masked);
  const problems = bracketProblems(masked);
  if (problems.length === 0) {
    tree.iterate({
      enter(node) {
        if (problems.length === 0 && node.type.isError) problems.push(describeError(masked, node.from, node.node));
      },
    });
  }
  return { text, masked, tree, problems };
}

const CLOSER: Readonly<Record<string, string>> = { "(": ")", "[": "]", "{": "}" };

/** Unbalanced brackets, found before the grammar's error recovery blurs where they are. */
function bracketProblems(expr: string): SyntaxProblem[] {
  const open: { c: string; at: number }[] = [];
  let quote: string | undefined;
  for (let i = 0; i < expr.length; i++) {
    const c = expr.charAt(i);
    if (quote !== undefined) {
      if (c === "\\") i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === '"' || c === "'" || c === "`") {
      quote = c;
      continue;
    }
    if (c === "#") {
      while (i < expr.length && expr.charAt(i) !== "\n") i++;
      continue;
    }
    if (CLOSER[c] !== undefined) open.push({ c, at: i });
    else if (c === ")" || c === "]" || c === "}") {
      const top = open.pop();
      if (!top) return [{ offset: i, message: `"${c}" closes nothing`, hint: `remove it, or add the opening bracket it closes` }];
      if (CLOSER[top.c] !== c) {
        return [{
          offset: i,
          message: `"${c}" cannot close the "${top.c}" opened before "${expr.slice(top.at + 1, Math.min(i, top.at + 13)).trim()}"`,
          hint: `close "${top.c}" with "${CLOSER[top.c]}" first`,
        }];
      }
    }
  }
  if (quote !== undefined) return [{ offset: expr.length, message: `the string opened with ${quote} is never closed`, hint: `add the closing ${quote}` }];
  const top = open.pop();
  if (top) return [{ offset: top.at, message: `"${top.c}" is never closed`, hint: `add "${CLOSER[top.c]}" where the ${top.c === "(" ? "call or group ends" : top.c === "[" ? "range ends" : "label matchers end"}` }];
  return [];
}

function describeError(expr: string, offset: number, node: SyntaxNode): SyntaxProblem {
  const rest = expr.slice(offset).trimStart();
  const at = expr.length - rest.length;
  if (rest === "") {
    const context = node.parent?.name ?? "expression";
    return { offset: at, message: `the query ends inside ${article(context)}`, hint: "complete the expression" };
  }
  const token = /^([A-Za-z_:][A-Za-z0-9_:]*|[0-9.]+[a-z]*|"[^"]*"|.)/.exec(rest)?.[0] ?? rest.charAt(0);
  return { offset: at, message: `unexpected "${token}"`, hint: "check the operator or separator before it (PromQL: sum by (l) (rate(m[5m])))" };
}

function article(name: string): string {
  const words = name.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
  return /^[aeiou]/.test(words) ? `an ${words}` : `a ${words}`;
}
