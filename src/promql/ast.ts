// A small typed AST over the lezer tree: only what the checks and the builder need, with offsets.
import type { SyntaxNode } from "@lezer/common";
import type { ParsedQuery } from "./parse.js";
import { unquote } from "./quote.js";
import { deepFreeze } from "./memo.js";

export interface Span {
  from: number;
  to: number;
}

export type MatchOp = "=" | "!=" | "=~" | "!~";

export interface Matcher extends Span {
  label: string;
  op: MatchOp;
  value: string;
  /** Span of the quoted value. */
  valueSpan: Span;
}

export interface Selector extends Span {
  kind: "selector";
  /** Metric name, or undefined for `{__name__=…}` selectors. */
  name?: string;
  nameSpan: Span;
  matchers: Matcher[];
  /** `{…}` span, when written. */
  matchersSpan?: Span;
  /** The range of a matrix selector (`[5m]`), as written. */
  range?: string;
}

export interface Call extends Span {
  kind: "call";
  fn: string;
  args: Expr[];
}

export interface Aggregation extends Span {
  kind: "aggregation";
  op: string;
  /** `by` or `without`, with its labels. */
  grouping?: { mode: "by" | "without"; labels: string[] } & Span;
  param?: Expr;
  expr: Expr;
}

export interface Binary extends Span {
  kind: "binary";
  op: string;
  lhs: Expr;
  rhs: Expr;
  /** `on(…)` / `ignoring(…)`, when written. */
  matching?: { mode: "on" | "ignoring"; labels: string[] } & Span;
  bool: boolean;
}

export interface NumberLit extends Span {
  kind: "number";
  value: number;
}

export interface Other extends Span {
  kind: "other";
  args: Expr[];
}

export type Expr = Selector | Call | Aggregation | Binary | NumberLit | Other;

const BINARY_OPS = new Set(["Pow", "Mul", "Div", "Mod", "Add", "Sub", "Eql", "Gte", "Gtr", "Lte", "Lss", "Neq", "And", "Or", "Unless", "Atan2"]);
const OP_TEXT: Readonly<Record<string, string>> = { EqlSingle: "=", Neq: "!=", EqlRegex: "=~", NeqRegex: "!~" };

const astOf = new WeakMap<ParsedQuery, Expr | null>();

/**
 * Converts a parsed query (without syntax problems) into the typed AST. A parse is shared by every
 * caller of the same text (parse.ts), and so is its AST: frozen, kept as long as the parse is.
 */
export function toAst(q: ParsedQuery): Expr | undefined {
  const held = astOf.get(q);
  if (held !== undefined) return held ?? undefined;
  const top = q.tree.topNode.firstChild;
  // Slices come from the text as written (same offsets as the masked text the tree was parsed from).
  const ast = top ? deepFreeze(convert(top, q.text)) : undefined;
  astOf.set(q, ast ?? null);
  return ast;
}

function text(src: string, n: { from: number; to: number }): string {
  return src.slice(n.from, n.to);
}

function children(n: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = n.firstChild; c; c = c.nextSibling) out.push(c);
  return out;
}

function exprChildren(n: SyntaxNode, src: string): Expr[] {
  return children(n).flatMap((c) => {
    const e = convert(c, src);
    return e ? [e] : [];
  });
}

export { unquote };

function labelNames(n: SyntaxNode | null, src: string): string[] {
  return n ? children(n).filter((c) => c.name === "LabelName" || c.name === "QuotedLabelName").map((c) => (c.name === "QuotedLabelName" ? unquote(text(src, c)) : text(src, c))) : [];
}

function convert(n: SyntaxNode, src: string): Expr | undefined {
  const span = { from: n.from, to: n.to };
  switch (n.name) {
    case "ParenExpr":
    case "FunctionCallBody": {
      const inner = exprChildren(n, src);
      return inner.length === 1 ? inner[0] : { kind: "other", ...span, args: inner };
    }
    case "VectorSelector":
      return selector(n, src, undefined);
    case "MatrixSelector": {
      const vs = n.getChild("VectorSelector");
      if (!vs) return { kind: "other", ...span, args: [] };
      const range = src.slice(vs.to, n.to).trim().replace(/^\[/, "").replace(/\]$/, "").trim();
      const sel = selector(vs, src, range);
      return { ...sel, ...span };
    }
    case "NumberDurationLiteral":
      return { kind: "number", ...span, value: Number(text(src, n)) };
    case "FunctionCall": {
      const id = n.getChild("FunctionIdentifier");
      const body = n.getChild("FunctionCallBody");
      return { kind: "call", ...span, fn: id ? text(src, id) : "", args: body ? exprChildren(body, src) : [] };
    }
    case "AggregateExpr": {
      const op = n.getChild("AggregateOp");
      const mod = n.getChild("AggregateModifier");
      const body = n.getChild("FunctionCallBody");
      const args = body ? exprChildren(body, src) : [];
      const expr = args[args.length - 1] ?? { kind: "other", ...span, args: [] };
      const agg: Aggregation = { kind: "aggregation", ...span, op: op ? text(src, op) : "", expr };
      if (args.length > 1 && args[0]) agg.param = args[0];
      if (mod) {
        agg.grouping = { mode: mod.getChild("Without") ? "without" : "by", labels: labelNames(mod.getChild("GroupingLabels"), src), from: mod.from, to: mod.to };
      }
      return agg;
    }
    case "BinaryExpr": {
      const parts = children(n);
      const opNode = parts.find((c) => BINARY_OPS.has(c.name));
      const sides = parts.filter((c) => c !== opNode).flatMap((c) => {
        const e = convert(c, src);
        return e ? [e] : [];
      });
      const mm = n.getChild("MatchingModifierClause");
      const [lhs, rhs] = sides;
      if (!lhs || !rhs) return { kind: "other", ...span, args: sides };
      const bin: Binary = { kind: "binary", ...span, op: opNode ? text(src, opNode).toLowerCase() : "", lhs, rhs, bool: n.getChild("BoolModifier") !== null };
      if (mm) bin.matching = { mode: mm.getChild("Ignoring") ? "ignoring" : "on", labels: labelNames(mm.getChild("GroupingLabels"), src), from: mm.from, to: mm.to };
      return bin;
    }
    case "UnaryExpr":
    case "SubqueryExpr":
    case "OffsetExpr":
    case "StepInvariantExpr":
    case "AnchoredExpr":
    case "SmoothedExpr": {
      const inner = exprChildren(n, src);
      if (n.name !== "UnaryExpr" && inner.length >= 1 && inner[0]) return inner[0];
      return inner.length === 1 && inner[0] ? inner[0] : { kind: "other", ...span, args: inner };
    }
    case "StringLiteral":
      return { kind: "other", ...span, args: [] };
    default:
      return undefined;
  }
}

function selector(n: SyntaxNode, src: string, range: string | undefined): Selector {
  const id = n.getChild("Identifier");
  const lm = n.getChild("LabelMatchers");
  const matchers: Matcher[] = [];
  let name = id ? text(src, id) : undefined;
  if (lm) {
    for (const m of children(lm)) {
      if (m.name !== "UnquotedLabelMatcher" && m.name !== "QuotedLabelMatcher") continue;
      const ln = m.getChild("LabelName") ?? m.getChild("QuotedLabelName");
      const op = m.getChild("MatchOp");
      const strs = m.getChildren("StringLiteral");
      const val = strs[strs.length - 1];
      if (!op || !val) {
        // `{"metric_name"}`: a quoted metric name.
        if (val && !ln) name = unquote(text(src, val));
        continue;
      }
      const label = ln ? (ln.name === "QuotedLabelName" ? unquote(text(src, ln)) : text(src, ln)) : "";
      const opText = OP_TEXT[op.firstChild?.name ?? ""] ?? "=";
      matchers.push({ from: m.from, to: m.to, label, op: opText as MatchOp, value: unquote(text(src, val)), valueSpan: { from: val.from, to: val.to } });
    }
  }
  const nameMatcher = matchers.find((m) => m.label === "__name__" && m.op === "=");
  if (name === undefined && nameMatcher) name = nameMatcher.value;
  const sel: Selector = {
    kind: "selector",
    from: n.from,
    to: n.to,
    nameSpan: id ? { from: id.from, to: id.to } : { from: n.from, to: n.to },
    matchers,
  };
  if (name !== undefined) sel.name = name;
  if (lm) sel.matchersSpan = { from: lm.from, to: lm.to };
  if (range !== undefined) sel.range = range;
  return sel;
}

/** Every selector in the expression, in source order. */
export function selectors(e: Expr): Selector[] {
  const out: Selector[] = [];
  walk(e, (x) => {
    if (x.kind === "selector") out.push(x);
  });
  return out.sort((a, b) => a.from - b.from);
}

export function walk(e: Expr, visit: (e: Expr, parents: readonly Expr[]) => void, parents: Expr[] = []): void {
  visit(e, parents);
  const next = [...parents, e];
  switch (e.kind) {
    case "call":
    case "other":
      e.args.forEach((a) => walk(a, visit, next));
      break;
    case "aggregation":
      if (e.param) walk(e.param, visit, next);
      walk(e.expr, visit, next);
      break;
    case "binary":
      walk(e.lhs, visit, next);
      walk(e.rhs, visit, next);
      break;
    default:
      break;
  }
}
