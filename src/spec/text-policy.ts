// Which characters spec text may hold. Every string of a spec ends up in generated source, YAML
// read by Go (where U+0085, U+2028 and U+2029 break lines), Markdown and dashboards, so text is
// printable: no control characters but tab and line feed, no line or paragraph separators, no
// bidirectional formatting characters (they make code read differently than it runs, the
// "Trojan Source" attack, CVE-2021-42574), no byte order mark inside text, no unpaired surrogates.
// The generators escape text regardless (src/conventions/text-escape.ts); this keeps the
// generated files free of invisible characters and names where they came from.
import { isMap, isPair, isScalar, isSeq, type Document } from "yaml";
import type { DocPath } from "./source.js";

const FORBIDDEN: readonly [RegExp, string][] = [
  [/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/u, "a control character"],
  [/[\u2028\u2029]/u, "a line or paragraph separator"],
  [/[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u, "a bidirectional formatting character"],
  [/\ufeff/u, "a byte order mark"],
  [/[\ud800-\udfff]/u, "an unpaired surrogate"],
];

export interface TextFinding {
  path: DocPath;
  /** The finding is in the map key at `path`, not in its value. */
  key: boolean;
  /** Index of the character in the string. */
  index: number;
  message: string;
}

/** Any character FORBIDDEN names: one test of each clean string instead of five. */
const ANY_FORBIDDEN = new RegExp(FORBIDDEN.map(([re]) => re.source).join("|"), "u");

/** The first forbidden character of `text`, described, or undefined when the text is clean. */
export function forbiddenCharacter(text: string): { index: number; message: string } | undefined {
  if (!ANY_FORBIDDEN.test(text)) return undefined;
  let first: { index: number; message: string } | undefined;
  for (const [re, what] of FORBIDDEN) {
    const m = re.exec(text);
    if (m && (first === undefined || m.index < first.index)) {
      const code = (m[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0");
      first = { index: m.index, message: `text contains U+${code}, ${what}` };
    }
  }
  return first;
}

/** Every string scalar of the document (keys included) that holds a forbidden character. */
export function checkSpecText(doc: Document): TextFinding[] {
  const findings: TextFinding[] = [];
  const visit = (node: unknown, path: (string | number)[]): void => {
    if (isScalar(node)) {
      if (typeof node.value !== "string") return;
      const f = forbiddenCharacter(node.value);
      if (f) findings.push({ path, key: false, ...f });
    } else if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = isScalar(pair.key) ? pair.key.value : undefined;
        const name = typeof key === "string" || typeof key === "number" ? String(key) : "";
        if (typeof key === "string") {
          const f = forbiddenCharacter(key);
          if (f) findings.push({ path: [...path, name], key: true, ...f });
        }
        visit(pair.value, [...path, name]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => visit(item, [...path, i]));
    }
  };
  visit(doc.contents, []);
  return findings;
}
