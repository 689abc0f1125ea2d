import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatIssue, type Issue } from "../src/conventions/issue.js";
import { resolve } from "../src/pipeline/load.js";
import { compileLabelRegex, compileRe2, topLevelBranches } from "../src/promql/regex.js";
import { parseSpecText } from "../src/spec/load.js";

// An HTTP service whose status codes are enumerated: regex matchers are judged against them.
const FILE = "test/http.yaml";
const HEAD = `version: 1
service: checkout
scrape:
  job: checkout
  targets: ["checkout:8080"]
metrics:
  http_requests_total:
    type: counter
    help: HTTP requests by method and status code.
    labels:
      method: [GET, POST]
      status_code: ["200", "404", "500", "502", "503"]
dashboards:
  - uid: t
    title: T
    rows:
      - title: R
        panels:
          - id: 1
            key: p
            title: Under Test
            kind: timeseries
            unit: short
            queries:
              - expr: |-
`;
const EXPR_LINE = HEAD.split("\n").length;
const EXPR_COLUMN = 19;

function issuesOf(expr: string): Issue[] {
  const parsed = parseSpecText(FILE, `${HEAD}                  ${expr}\n`);
  return resolve(parsed.spec ? [parsed.spec] : [], parsed.issues).issues;
}

/** Issues as "line:column CODE message", the column counted from the expression's first character. */
function located(expr: string): string[] {
  return issuesOf(expr).map((i) => `${i.line === EXPR_LINE ? "expr" : i.line}+${i.column - EXPR_COLUMN} ${i.code} ${i.message.replace(/^panel "Under Test": /, "")}`);
}

const rate = (matchers: string): string => `sum(rate(http_requests_total{${matchers}}[5m]))`;

describe("regex label matchers, with Prometheus' semantics", () => {
  it("accepts a regex that matches some declared values: 5.. over 500, 502, 503", () => {
    expect(issuesOf(rate('status_code=~"5.."')).map(formatIssue)).toEqual([]);
  });

  it("accepts RE2 constructs JavaScript reads differently: \\z ends the text, \\pN is a Unicode class", () => {
    expect(issuesOf(rate('status_code=~"5\\\\d\\\\d\\\\z"')).map(formatIssue)).toEqual([]);
    expect(issuesOf(rate('status_code=~"\\\\pN+"')).map(formatIssue)).toEqual([]);
  });

  it("accepts a regex that uses a Grafana variable, whose value is only known in the dashboard", () => {
    expect(issuesOf(rate('status_code=~"$status"')).map(formatIssue)).toEqual([]);
  });

  it("reports a regex that matches no declared value at the regex", () => {
    const expr = rate('status_code=~"3.."');
    expect(located(expr)).toEqual([
      `expr+${expr.indexOf("3..")} OBS053 the regex "3.." matches no declared value of label "status_code" of "http_requests_total"`,
    ]);
  });

  it("anchors the regex at both ends: 50 matches no declared value, though 500 contains it", () => {
    const expr = rate('status_code=~"50"');
    expect(located(expr)).toEqual([
      `expr+${expr.indexOf("50")} OBS053 label "status_code" of "http_requests_total" has no value "50" (did you mean "500"?)`,
    ]);
  });

  it("reports a dead alternative at its own position, and keeps the live ones", () => {
    const expr = rate('status_code=~"5..|40[5-9]"');
    expect(located(expr)).toEqual([
      `expr+${expr.indexOf("40[")} OBS053 the alternative "40[5-9]" of "5..|40[5-9]" matches no declared value of label "status_code" of "http_requests_total"`,
    ]);
  });

  it("reports a !~ regex that excludes every declared value", () => {
    const expr = rate('status_code!~"[2-5]0[0-9]"');
    expect(located(expr)).toEqual([
      `expr+${expr.indexOf("[2-5]")} OBS053 the regex "[2-5]0[0-9]" excludes every declared value of label "status_code" of "http_requests_total" (200, 404, 500, 502, 503): the selector selects nothing`,
    ]);
    expect(issuesOf(rate('status_code!~"5.."')).map(formatIssue)).toEqual([]);
  });

  it("refuses a lookahead, which RE2 does not have, at the construct", () => {
    const expr = rate('status_code=~"(?!200).*"');
    const issues = issuesOf(expr);
    expect(located(expr)).toEqual([
      `expr+${expr.indexOf("(?!")} OBS050 PromQL syntax error: invalid RE2 regular expression: invalid or unsupported Perl syntax: \`(?!\``,
    ]);
    expect(issues[0]?.hint).toMatch(/no lookahead.*!~/);
  });

  it("refuses a backreference at the escape, counting the escaped backslash of the PromQL string", () => {
    const expr = rate('status_code=~"(5)0\\\\1"');
    expect(located(expr)).toEqual([
      `expr+${expr.indexOf("\\\\1")} OBS050 PromQL syntax error: invalid RE2 regular expression: invalid escape sequence: \`\\1\``,
    ]);
  });

  it("refuses \\Z and an unclosed group, each at its position", () => {
    const z = rate('status_code=~"500\\\\Z"');
    expect(located(z)).toEqual([`expr+${z.indexOf("\\\\Z")} OBS050 PromQL syntax error: invalid RE2 regular expression: invalid escape sequence: \`\\Z\``]);
    const open = rate('status_code=~"(500"');
    expect(located(open)).toEqual([`expr+${open.indexOf("(500")} OBS050 PromQL syntax error: invalid RE2 regular expression: missing closing )`]);
  });
});

describe("the RE2 matcher", () => {
  it("lets . match a newline, as Prometheus' (?s) does", () => {
    const re = compileLabelRegex("a.b");
    expect(re.ok && re.test("a\nb")).toBe(true);
  });

  it("splits only top-level alternatives, not those inside groups or classes", () => {
    expect(topLevelBranches("a(b|c)|[|]d|\\|e").map((b) => [b.text, b.index])).toEqual([["a(b|c)", 0], ["[|]d", 7], ["\\|e", 12]]);
    expect(topLevelBranches("[]|]x|y").map((b) => b.text)).toEqual(["[]|]x", "y"]);
  });

  it("keeps a pattern with a flag group whole, since (?i) reaches across later alternatives", () => {
    expect(topLevelBranches("(?i)get|post").map((b) => b.text)).toEqual(["(?i)get|post"]);
    expect(issuesOf(rate('method=~"(?i)get|post"')).map(formatIssue)).toEqual([]);
  });

  // Patterns from pieces on which RE2 and JavaScript agree, with groups, classes, alternation and repetition.
  const piece = fc.constantFrom("5", "0", "a", ".", "[0-4]", "[^a]", "\\d", "\\|", "x?", "0*", "(5|a)", "(?:0|1)+");
  const pattern = fc.array(fc.array(piece, { minLength: 1, maxLength: 4 }).map((p) => p.join("")), { minLength: 1, maxLength: 3 }).map((bs) => bs.join("|"));
  const value = fc.array(fc.constantFrom("5", "0", "1", "a", "|", "x"), { maxLength: 5 }).map((cs) => cs.join(""));

  it("matches like an anchored JavaScript RegExp on the syntax both share", () => {
    fc.assert(fc.property(pattern, value, (p, v) => {
      const re = compileLabelRegex(p);
      expect(re.ok && re.test(v)).toBe(new RegExp(`^(?:${p})$`, "s").test(v));
    }));
  });

  it("matches a plain pattern (letters, digits, _, ., \\. and |), which skips RE2's compiler, exactly as RE2 does", () => {
    const plain = fc.string({ unit: fc.constantFrom("a", "B", "5", "_", ".", "\\.", "|"), maxLength: 8 });
    const text = fc.string({ unit: fc.constantFrom("a", "B", "5", "_", ".", "|", "\n", "😀", "\u00e9", ""), maxLength: 6 });
    fc.assert(fc.property(plain, text, (p, v) => {
      const fast = compileLabelRegex(p);
      const re2 = compileRe2(p);
      expect(fast.ok && re2.ok).toBe(true);
      expect(fast.ok && fast.test(v)).toBe(re2.ok && re2.test(v));
    }), { numRuns: 3000 });
  });

  it("splits a pattern into branches that together match what the whole matches", () => {
    fc.assert(fc.property(pattern, value, (p, v) => {
      const whole = compileLabelRegex(p);
      const branches = topLevelBranches(p).map((b) => compileLabelRegex(b.text));
      expect(branches.some((b) => b.ok && b.test(v))).toBe(whole.ok && whole.test(v));
      expect(topLevelBranches(p).map((b) => p.slice(b.index, b.index + b.text.length))).toEqual(topLevelBranches(p).map((b) => b.text));
    }));
  });
});
