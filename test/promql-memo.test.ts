// Parses, ASTs and compiled regexes are shared between callers of the same text (src/promql/memo.ts):
// what one caller receives must be impossible to change for the next.
import { describe, expect, it } from "vitest";
import { memoByText } from "../src/promql/memo.js";
import { parseQuery } from "../src/promql/parse.js";
import { toAst } from "../src/promql/ast.js";
import { compileLabelRegex } from "../src/promql/regex.js";

describe("shared PromQL parses", () => {
  it("hands every caller of one text the same frozen parse and AST, which refuse to be changed", () => {
    const text = 'sum by (job) (rate(git_operation_total{status=~"fail.*"}[5m]))';
    const a = parseQuery(text);
    expect(parseQuery(text)).toBe(a);
    expect(() => (a.problems as unknown[]).push({})).toThrow(TypeError);
    const ast = toAst(a);
    expect(toAst(parseQuery(text))).toBe(ast);
    expect(ast?.kind).toBe("aggregation");
    if (ast?.kind !== "aggregation") return;
    expect(() => ast.grouping?.labels.push("instance")).toThrow(TypeError);
    expect(() => {
      ast.op = "max";
    }).toThrow(TypeError);
    expect(toAst(parseQuery(text))).toMatchObject({ op: "sum", grouping: { labels: ["job"] } });
  });

  it("keeps a refused regex's problem frozen as well", () => {
    const re = compileLabelRegex("(?=a)b");
    expect(re.ok).toBe(false);
    expect(compileLabelRegex("(?=a)b")).toBe(re);
    expect(Object.isFrozen(re)).toBe(true);
  });

  it("holds at most its bound of texts, dropping the one used longest ago", () => {
    const computed: string[] = [];
    const memo = memoByText((t) => (computed.push(t), t.length), 2);
    memo("a");
    memo("bb");
    memo("a");
    memo("ccc");
    memo("a");
    memo("bb");
    expect(computed).toEqual(["a", "bb", "ccc", "bb"]);
  });
});
