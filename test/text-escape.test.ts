// The one module through which spec text enters generated source: properties over arbitrary
// strings (any code unit, lone surrogates included).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { htmlComment, lineComment, markdownCell, markdownCode, markdownCodeInCell, markdownParagraph, tsComment, tsStringLiteral } from "../src/conventions/text-escape.js";

const LINE_BREAK = /[\n\r\u0085\u2028\u2029]/;
const pieces = fc.constantFrom("*/", "/*", "--", "-->", "|", "\\", "\\|", "`", "``", "<", "\n", "\r", "\u2028", "\u2029", "\u0085", "\u0000", "\ud800", "#", "1.", "> ", " ");
const text = fc.array(fc.oneof(pieces, fc.string({ unit: "binary", maxLength: 4 }), fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 4 })), { maxLength: 10 }).map((p) => p.join(""));

describe("text escaping", () => {
  it("makes a string literal that reads back as the same string, on one line", () => {
    fc.assert(fc.property(text, (s) => {
      const lit = tsStringLiteral(s);
      expect(LINE_BREAK.test(lit)).toBe(false);
      expect(JSON.parse(lit)).toBe(s);
    }));
  });

  it("keeps comment text from ending the comment or the line", () => {
    fc.assert(fc.property(text, (s) => {
      expect(tsComment(s)).not.toContain("*/");
      expect(`/** ${tsComment(s)} */`.indexOf("*/")).toBe(`/** ${tsComment(s)} `.length);
      for (const c of [tsComment(s), lineComment(s), htmlComment(s)]) expect(LINE_BREAK.test(c)).toBe(false);
      expect(htmlComment(s)).not.toContain("--");
    }));
  });

  it("keeps Markdown text in its table cell or paragraph", () => {
    fc.assert(fc.property(text, (s) => {
      for (const cell of [markdownCell(s), markdownCodeInCell(s)]) {
        expect(LINE_BREAK.test(cell)).toBe(false);
        expect(`| ${cell} |`.split(/(?<!\\)(?:\\\\)*\|/).length).toBe(3);
      }
      expect(markdownCell(s)).not.toContain("<");
      expect(markdownParagraph(s)).toMatch(/^(?:[^#>+\-=*_~`\d]|\\|\d+\\[.)]|\d+[^.)\d]|\d+$|$)/);
    }));
  });

  it("fences a code span with more backticks than any run inside", () => {
    fc.assert(fc.property(text, (s) => {
      const span = markdownCode(s);
      const fence = /^`+/.exec(span)?.[0] ?? "";
      expect(span.endsWith(fence)).toBe(true);
      const inner = span.slice(fence.length, span.length - fence.length);
      expect(Math.max(0, ...[...inner.matchAll(/`+/g)].map((m) => m[0].length))).toBeLessThan(fence.length);
    }));
  });
});
