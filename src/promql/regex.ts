// Label regex matchers with Prometheus' semantics: RE2 syntax (Go's regexp), fully anchored, and
// `.` matching newlines, as Prometheus compiles them: ^(?s:re)$. JavaScript's RegExp accepts
// constructs RE2 refuses (lookarounds, backreferences) and reads some differently (\z, \Z,
// Unicode classes), so matching and syntax go through an RE2 port, never through RegExp.
import { RE2JS } from "re2js";
import { deepFreeze, memoByText } from "./memo.js";

/** A Grafana variable inside a string literal: its value is only known when the dashboard runs. */
const VARIABLE = /\$\{[A-Za-z0-9_:.]+\}|\$[A-Za-z_][A-Za-z0-9_]*|\[\[[A-Za-z0-9_]+\]\]/g;

export interface RegexProblem {
  /** Index into the pattern of the construct RE2 refuses. */
  index: number;
  message: string;
  hint: string;
}

export type LabelRegex = { ok: true; test(value: string): boolean } | ({ ok: false } & RegexProblem);

export function hasGrafanaVariable(pattern: string): boolean {
  VARIABLE.lastIndex = 0;
  return VARIABLE.test(pattern);
}

/** The pattern with each Grafana variable replaced by letters of the same length, so indexes stay true. */
function maskVariables(pattern: string): string {
  return pattern.replace(VARIABLE, (v) => "x".repeat(v.length));
}

const HINTS: readonly [RegExp, string][] = [
  [/Perl syntax: `\(\?[=!]/, "Prometheus uses RE2, which has no lookahead; match the values you want (a|b), or use !~ for the ones to exclude"],
  [/Perl syntax: `\(\?<[=!]/, "Prometheus uses RE2, which has no lookbehind; match the values you want (a|b), or use !~ for the ones to exclude"],
  [/escape sequence: `\\[1-9]/, "Prometheus uses RE2, which has no backreferences; list the alternatives instead"],
  [/escape sequence: `\\Z/, "RE2 has no \\Z; Prometheus anchors the whole regex at both ends already, so no end anchor is needed"],
  [/nested repetition|\+\+|\*\+|\?\+/, "RE2 has no possessive quantifiers; drop the extra + or *"],
];

/**
 * Compiles a label matcher's regex as Prometheus would. A refused pattern names the index of the
 * offending construct: RE2's message quotes it, and it is searched for in the pattern.
 */
export const compileLabelRegex: (pattern: string) => LabelRegex = memoByText((pattern) => deepFreeze(compileUncached(pattern)), 4096);

/**
 * Patterns of letters, digits, underscores, dots, escaped dots and alternation only
 * (`success|failure`, `5..`, `5|5\.0`): always valid RE2, and JavaScript's RegExp with the s and u
 * flags (dot matches newlines and whole code points; `\.` a dot) matches them exactly as RE2 does.
 * They skip RE2's compiler, which a cold run pays for by the millisecond
 * (`test/promql-regex.test.ts` checks the two agree).
 */
const PLAIN = /^(?:[A-Za-z0-9_.|]|\\\.)*$/;

function compileUncached(pattern: string): LabelRegex {
  const masked = maskVariables(pattern);
  if (PLAIN.test(masked)) {
    const re = new RegExp(`^(?:${masked})$`, "su");
    return { ok: true, test: (value) => re.test(value) };
  }
  return compileRe2(masked);
}

/** compileLabelRegex through RE2 itself, whatever the pattern (exported for the tests). */
export function compileRe2(masked: string): LabelRegex {
  try {
    const re = RE2JS.compile(`^(?s:${masked})$`);
    return { ok: true, test: (value) => re.matches(value) };
  } catch (e) {
    const { kind, input } = syntaxError(e);
    const found = input !== "" ? masked.indexOf(input) : -1;
    const message = `${kind}${input !== "" ? `: \`${input}\`` : ""}`;
    const hint = HINTS.find(([re]) => re.test(`${kind}: \`${input}\``))?.[1] ?? "Prometheus label regexes are RE2 (Go regexp syntax), anchored at both ends";
    return { ok: false, index: found < 0 ? 0 : found, message: `invalid RE2 regular expression: ${message}`, hint };
  }
}

function syntaxError(e: unknown): { kind: string; input: string } {
  if (e instanceof Error && "error" in e && typeof e.error === "string") {
    const input = "input" in e && typeof e.input === "string" ? e.input : "";
    // RE2 reports an unclosed group with the whole (wrapped) regex as its input.
    return { kind: e.error, input: input.startsWith("^(?s:") ? "" : input };
  }
  throw e;
}

export interface Branch {
  text: string;
  /** Index of the branch's first character in the pattern. */
  index: number;
}

/**
 * The top-level alternatives of a pattern (`5..|404` → `5..`, `404`): each branch that matches no
 * declared value is dead, usually a typo. Alternation inside groups and classes is left whole.
 */
export function topLevelBranches(pattern: string): Branch[] {
  // A flag group such as (?i) reaches across later alternatives: a branch alone would lose it.
  if (/\(\?[a-zA-Z-]+\)/.test(pattern)) return [{ text: pattern, index: 0 }];
  const out: Branch[] = [];
  let depth = 0;
  let inClass = false;
  let start = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charAt(i);
    if (c === "\\") {
      i++;
      continue;
    }
    if (inClass) {
      if (c === "]" && !(pattern.charAt(i - 1) === "[" || pattern.slice(i - 2, i) === "[^")) inClass = false;
      continue;
    }
    if (c === "[") inClass = true;
    else if (c === "(") depth++;
    else if (c === ")") depth = Math.max(0, depth - 1);
    else if (c === "|" && depth === 0) {
      out.push({ text: pattern.slice(start, i), index: start });
      start = i + 1;
    }
  }
  out.push({ text: pattern.slice(start), index: start });
  return out;
}

/** Whether a matcher selects the label value `v`. An unusable regex selects nothing, as Prometheus refuses it. */
export function matcherSelects(op: string, pattern: string, v: string): boolean {
  if (op === "=") return v === pattern;
  if (op === "!=") return v !== pattern;
  const re = compileLabelRegex(pattern);
  if (!re.ok) return false;
  return op === "=~" ? re.test(v) : !re.test(v);
}

/** Index in a PromQL string literal's source (quotes included) of character `index` of its value. */
export function literalIndex(literal: string, index: number): number {
  if (literal.startsWith("`")) return 1 + index;
  let raw = 1;
  for (let seen = 0; seen < index && raw < literal.length - 1; seen++) raw += literal.charAt(raw) === "\\" ? 2 : 1;
  return raw;
}
