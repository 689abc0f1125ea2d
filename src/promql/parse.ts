// Parses PromQL with the official lezer grammar, after masking Grafana's template variables.
// Masks keep every character offset, so positions in the tree are positions in the spec's text.
import type { SyntaxNode, Tree } from "@lezer/common";
import { parser } from "@prometheus-io/lezer-promql";
import { unquote } from "./quote.js";
import { parseDuration } from "./duration.js";
import { functionNames, rangeArgumentIndex } from "./functions.js";
import { compileLabelRegex, literalIndex } from "./regex.js";
import { didYouMean } from "./suggest.js";
import { deepFreeze, memoByText } from "./memo.js";

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
  problems: readonly SyntaxProblem[];
}

/**
 * Replaces each Grafana variable outside string literals with PromQL of the same length: a
 * duration inside `[...]` (where $__rate_interval and $__range sit) and a number elsewhere.
 * Variables inside strings (`job=~"$job"`) are left alone: they are already valid PromQL.
 */
export function maskGrafanaVariables(expr: string): string {
  // Every variable starts with "$" or "[[": most expressions (all that obsgen writes) hold neither.
  if (!expr.includes("$") && !expr.includes("[[")) return expr;
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

/** The parse of `text`, shared by every caller that asks for the same text (frozen: see memo.ts). */
export const parseQuery: (text: string) => ParsedQuery = memoByText((text) => deepFreeze(parseQueryUncached(text)), 4096);

function parseQueryUncached(text: string): ParsedQuery {
  const masked = maskGrafanaVariables(text);
  const tree = parser.parse(masked);
  const problems = bracketProblems(masked);
  return { text, masked, tree, problems: problems.length > 0 ? problems : treeProblems(text, masked, tree) };
}

/**
 * What the tree shows, in order of precedence: the first syntax error; else the first range
 * argument that is no range; else every zero window; else the first regex RE2 refuses. One walk
 * gathers the first three (a walk of a lezer tree costs more than what each step looks at); the
 * regexes are compiled only when the others found nothing, so a query with a syntax error never
 * has its matchers compiled.
 */
function treeProblems(text: string, masked: string, tree: Tree): SyntaxProblem[] {
  let syntax: SyntaxProblem | undefined;
  let range: SyntaxProblem | undefined;
  const zero: SyntaxProblem[] = [];
  const matchers: SyntaxNode[] = [];
  tree.iterate({
    enter(ref) {
      if (syntax !== undefined) return false;
      if (ref.type.isError) {
        syntax = describeError(masked, ref.from, ref.node);
        return false;
      }
      switch (ref.name) {
        case "FunctionCall":
          if (range === undefined) range = rangeArgumentProblem(text, ref.node);
          break;
        case "DurationExpr":
          {
            const problem = zeroWindowProblem(masked, ref.node);
            if (problem) zero.push(problem);
          }
          break;
        case "UnquotedLabelMatcher":
        case "QuotedLabelMatcher":
          matchers.push(ref.node);
          break;
      }
      return undefined;
    },
  });
  if (syntax !== undefined) return [syntax];
  if (range !== undefined) return [range];
  if (zero.length > 0) return zero;
  for (const m of matchers) {
    const problem = regexProblem(text, m);
    if (problem) return [problem];
  }
  return [];
}

/** A range or subquery window of zero, which Prometheus refuses ("duration must be greater than 0"). */
function zeroWindowProblem(masked: string, node: SyntaxNode): SyntaxProblem | undefined {
  const parent = node.parent?.name;
  if (parent !== "MatrixSelector" && parent !== "SubqueryExpr") return undefined;
  const written = masked.slice(node.from, node.to).trim();
  const ms = parseDuration(written) ?? (/^[0-9.]+$/.test(written) ? Number(written) * 1000 : undefined);
  if (ms !== 0) return undefined;
  return { offset: node.from, message: `the window [${written}] is zero: Prometheus refuses it (duration must be greater than 0)`, hint: "use a positive window, e.g. [5m]" };
}

const CLOSER: Readonly<Record<string, string>> = { "(": ")", "[": "]", "{": "}" };

/** Unbalanced brackets, found before the grammar's error recovery blurs where they are. */
function bracketProblems(expr: string): SyntaxProblem[] {
  const open: { c: string; at: number }[] = [];
  let quote: string | undefined;
  let quoteAt = 0;
  for (let i = 0; i < expr.length; i++) {
    const c = expr.charAt(i);
    if (quote !== undefined) {
      if (c === "\\") i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === '"' || c === "'" || c === "`") {
      quote = c;
      quoteAt = i;
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
  if (quote !== undefined) {
    const value = /^[A-Za-z0-9_.:|-]*/.exec(expr.slice(quoteAt + 1))?.[0] ?? "";
    return [{
      offset: quoteAt,
      message: `the string ${quote}${value}… that starts here is never closed: expected a closing ${quote}`,
      hint: `close it: ${quote}${value || "…"}${quote}; everything after an unclosed ${quote} is read as part of the string`,
    }];
  }
  const top = open.pop();
  if (top) return [{ offset: top.at, message: `"${top.c}" is never closed`, hint: `add "${CLOSER[top.c]}" where the ${top.c === "(" ? "call or group ends" : top.c === "[" ? "range ends" : "label matchers end"}` }];
  return [];
}

/** Lezer node names of binary operators, as the grammar spells them. */
const BINARY_OP_NODES: Readonly<Record<string, string>> = {
  Pow: "^", Mul: "*", Div: "/", Mod: "%", Add: "+", Sub: "-", Eql: "==", Gte: ">=", Gtr: ">", Lte: "<=", Lss: "<", Neq: "!=", And: "and", Or: "or", Unless: "unless", Atan2: "atan2",
};
const DURATION = /^[0-9]+(ms|s|m|h|d|w|y)([0-9]+(ms|s|m|h|d|w|y))*$/;

function describeError(expr: string, offset: number, node: SyntaxNode): SyntaxProblem {
  const rest = expr.slice(offset).trimStart();
  const at = expr.length - rest.length;
  const token = /^([A-Za-z_:][A-Za-z0-9_:]*|[0-9.]+[a-z]*|"[^"]*"|==|!=|=~|!~|.)/.exec(rest)?.[0] ?? rest.charAt(0);
  const found = rest === "" ? "the end of the query" : `"${token}"`;
  const prev = previousNode(node);
  const before = expr.slice(0, at).trimEnd();
  const parent = node.parent;

  if (prev && (prev.name === "By" || prev.name === "Without")) {
    const kw = expr.slice(prev.from, prev.to);
    const labels = /^[A-Za-z_][A-Za-z0-9_]*(\s*,\s*[A-Za-z_][A-Za-z0-9_]*)*/.exec(rest)?.[0];
    return {
      offset: at,
      message: `expected "(" after "${kw}", found ${found}: the grouping labels go in parentheses`,
      hint: labels ? `write ${kw} (${labels})` : `write ${kw} (label, …)`,
    };
  }
  if (parent && (parent.name === "UnquotedLabelMatcher" || parent.name === "QuotedLabelMatcher") && prev) {
    const label = expr.slice(parent.from, prev.name === "MatchOp" ? prev.from : prev.to).trim();
    if (prev.name === "MatchOp") {
      const op = expr.slice(prev.from, prev.to);
      if (/^[=~!]/.test(token)) {
        return { offset: prev.from, message: `"${op}${token}" is not a label matcher operator: expected =, !=, =~ or !~`, hint: `write ${label}="value" (equality in a selector is a single "=")` };
      }
      const value = /^[A-Za-z0-9_.:|-]+/.exec(rest)?.[0];
      return {
        offset: at,
        message: `expected a quoted label value after ${label}${op}, found ${found}`,
        hint: value ? `quote it: ${label}${op}"${value}"` : `write ${label}${op}"value"`,
      };
    }
    return { offset: at, message: `expected a matcher operator (=, !=, =~ or !~) after label "${label}", found ${found}`, hint: `write ${label}="value"` };
  }
  if (prev && BINARY_OP_NODES[prev.name] !== undefined) {
    const op = BINARY_OP_NODES[prev.name] ?? "";
    return {
      offset: at,
      message: `expected an expression after "${op}", found ${found}: the operator has no right-hand operand`,
      hint: `add the operand after "${op}", or remove the operator`,
    };
  }
  if (token === "(" && prev?.name === "Identifier" && parent?.name === "VectorSelector") {
    const name = expr.slice(prev.from, prev.to);
    return { offset: prev.from, message: `unknown function "${name}"${didYouMean(name, functionNames())}`, hint: "see the PromQL function list: https://prometheus.io/docs/prometheus/latest/querying/functions/" };
  }
  if (prev && parent?.name === "VectorSelector" && DURATION.test(token)) {
    const sel = expr.slice(parent.from, prev.to).trim();
    return { offset: at, message: `expected "[" before the range ${token}: a range is written in brackets after the selector`, hint: `write ${sel}[${token}]` };
  }
  if (before.endsWith(",") && (token === ")" || rest === "")) {
    return { offset: at, message: `expected an argument after ",", found ${found}`, hint: `remove the trailing "," or add the missing argument` };
  }
  if (rest === "") {
    const context = parent?.name ?? "expression";
    return { offset: at, message: `the query ends inside ${article(context)}`, hint: "complete the expression" };
  }
  if (insideCall(node) && prev) {
    return {
      offset: at,
      message: `expected "," or ")" after the argument ${quoteSnippet(expr, prev)}, found ${found}`,
      hint: `separate arguments with "," (histogram_quantile(0.95, sum by (le) (…))), or close the call with ")"`,
    };
  }
  if (prev) {
    return { offset: at, message: `expected an operator, found ${found} after ${quoteSnippet(expr, prev)}`, hint: "two expressions need an operator between them (+, -, *, /, and, or, …)" };
  }
  return { offset: at, message: `unexpected ${found}`, hint: "check the operator or separator before it (PromQL: sum by (l) (rate(m[5m])))" };
}

/** The last complete node before an error node, skipping other error nodes. */
function previousNode(node: SyntaxNode): SyntaxNode | null {
  let p = node.prevSibling;
  while (p?.type.isError) p = p.prevSibling;
  return p;
}

function insideCall(node: SyntaxNode): boolean {
  return node.parent?.name === "FunctionCallBody";
}

function quoteSnippet(expr: string, node: { from: number; to: number }): string {
  const s = expr.slice(node.from, node.to).replace(/\s+/g, " ");
  return `"${s.length > 40 ? `…${s.slice(-37)}` : s}"`;
}

/**
 * Range-vector arguments: rate(m) parses, but Prometheus rejects it at query time
 * ("expected type range vector"); say so at generate time, where the range belongs.
 */
function rangeArgumentProblem(text: string, call: SyntaxNode): SyntaxProblem | undefined {
  const id = call.getChild("FunctionIdentifier");
  const fn = id ? text.slice(id.from, id.to) : "";
  const index = rangeArgumentIndex(fn);
  const body = call.getChild("FunctionCallBody");
  if (index === undefined || !body) return undefined;
  const args: SyntaxNode[] = [];
  for (let c = body.firstChild; c; c = c.nextSibling) if (!c.type.isError) args.push(c);
  let arg = args[index];
  while (arg?.name === "ParenExpr" && arg.firstChild) arg = arg.firstChild;
  if (!arg || arg.name === "MatrixSelector" || arg.name === "SubqueryExpr") return undefined;
  const argText = text.slice(arg.from, arg.to);
  if (arg.name === "VectorSelector") {
    return {
      offset: arg.to,
      message: `expected a range such as [5m] after ${argText}: ${fn}() takes a range vector, not an instant vector`,
      hint: `write ${fn}(${index > 0 ? "…, " : ""}${argText}[$__rate_interval])`,
    };
  }
  return {
    offset: arg.from,
    message: `${fn}() takes a range vector, but ${quoteSnippet(text, arg)} is an instant vector`,
    hint: `select a range (metric[5m]), or make a subquery of the expression: (${argText.length > 30 ? "…" : argText})[5m:1m]`,
  };
}

/** A regex matcher Prometheus refuses at parse time ("invalid regular expression"): RE2 syntax only. */
function regexProblem(text: string, matcher: SyntaxNode): SyntaxProblem | undefined {
  const op = matcher.getChild("MatchOp")?.firstChild?.name;
  const literal = matcher.getChildren("StringLiteral").at(-1);
  if ((op !== "EqlRegex" && op !== "NeqRegex") || !literal) return undefined;
  const source = text.slice(literal.from, literal.to);
  const re = compileLabelRegex(unquote(source));
  return re.ok ? undefined : { offset: literal.from + literalIndex(source, re.index), message: re.message, hint: re.hint };
}

function article(name: string): string {
  const words = name.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
  return /^[aeiou]/.test(words) ? `an ${words}` : `a ${words}`;
}
