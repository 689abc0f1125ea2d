// Reads spec files and parses them as YAML, keeping source positions for every node. What the
// parser would accept but a spec must not hold is refused here, positioned: bytes that are not
// UTF-8, tags other than YAML's core ones, aliases that expand without bound, forbidden characters.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative, isAbsolute } from "node:path";
import { LineCounter, parseDocument, visit, type Document } from "yaml";
import { formatPath, type Issue } from "../conventions/issue.js";
import { RULES, type RuleInfo } from "../conventions/rules.js";
import { projectRelative, projectRootOf } from "./project.js";
import { SpecSource } from "./source.js";
import { checkSpecText } from "./text-policy.js";
import { firstYamlError } from "./yaml-errors.js";
import { deepFreeze, memoByText } from "../promql/memo.js";

export interface RawSpec {
  source: SpecSource;
  data: unknown;
}

export interface LoadResult {
  specs: RawSpec[];
  issues: Issue[];
}

/**
 * How many nodes aliases may expand to, in total (the yaml library's count). A spec needs few or
 * none; a "billion laughs" document needs millions.
 */
export const MAX_ALIAS_COUNT = 100;

/** Spec files under `path` (a file, or a directory of *.yaml / *.yml), sorted for determinism. */
export function specFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => join(path, f));
}

/** Names a file as messages and generated headers show it: relative to the working directory. */
export function displayPath(file: string, cwd = process.cwd()): string {
  const rel = isAbsolute(file) ? relative(cwd, file) : file;
  return rel.split("\\").join("/");
}

function issue(rule: RuleInfo, file: string, pos: { line: number; column: number }, message: string, hint?: string, path = ""): Issue {
  return { severity: "error", code: rule.code, message, file, line: pos.line, column: pos.column, path, ...(hint !== undefined ? { hint } : {}) };
}

/** Offset of the first byte that does not start a complete, well-formed UTF-8 sequence, or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] ?? 0;
    if (b < 0x80) {
      i++;
      continue;
    }
    // Lead byte: sequence length and the allowed range of the second byte (no overlong forms,
    // no surrogates, nothing above U+10FFFF), as in the WHATWG decoder.
    let n: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) n = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      n = 2;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      n = 3;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= n; k++) {
      const c = bytes[i + k];
      if (c === undefined || c < (k === 1 ? lo : 0x80) || c > (k === 1 ? hi : 0xbf)) return i;
    }
    i += n + 1;
  }
  return -1;
}

/** The file's text, or a positioned issue at the first byte that is not UTF-8. */
export function decodeSpecBytes(file: string, bytes: Uint8Array): { text?: string; issues: Issue[] } {
  try {
    return { text: new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes), issues: [] };
  } catch {
    const bad = firstInvalidUtf8(bytes);
    const at = bad < 0 ? bytes.length : bad;
    const lineStart = bytes.lastIndexOf(0x0a, at - 1) + 1;
    const line = bytes.subarray(0, lineStart).filter((b) => b === 0x0a).length + 1;
    const column = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes.subarray(lineStart, at)).length + 1;
    const byte = (bytes[at] ?? 0).toString(16).toUpperCase().padStart(2, "0");
    return {
      issues: [issue(RULES.encoding, file, { line, column }, `byte 0x${byte} at offset ${at} does not start a valid UTF-8 sequence`, "save the file as UTF-8; nothing else is checked until it decodes")],
    };
  }
}

/** Position of the first alias node: where an alias bomb starts expanding. */
function firstAlias(doc: Document): number {
  let offset = 0;
  visit(doc, {
    Alias(_, node) {
      offset = node.range?.[0] ?? 0;
      return visit.BREAK;
    },
  });
  return offset;
}

export function parseSpecText(file: string, text: string, projectFile = file): { spec?: RawSpec; issues: Issue[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const source = new SpecSource(file, text, doc, lines, projectFile);
  const at = (offset: number) => {
    const p = lines.linePos(offset);
    return { line: p.line, column: p.col };
  };
  const issues: Issue[] = firstYamlError(file, text, doc.errors, lines);
  // The yaml library resolves an unknown tag (`!foo`, `!!js/function`, `!!binary`) as a plain
  // string with a warning; a spec must not mean something other than what it says.
  for (const w of issues.length > 0 ? [] : doc.warnings) {
    const tag = /Unresolved tag: (\S+)/.exec(w.message)?.[1]?.replace(/^tag:yaml\.org,2002:/, "!!");
    issues.push(
      w.code === "TAG_RESOLVE_FAILED"
        ? issue(RULES.yamlTag, file, at(w.pos[0]), `unknown YAML tag ${tag ?? ""}`.trimEnd(), "remove the tag: spec values are plain strings, numbers, booleans, lists and maps")
        : issue(RULES.yamlSyntax, file, at(w.pos[0]), `YAML: ${w.message.split("\n")[0]}`),
    );
  }
  if (issues.length > 0) return { issues };
  for (const f of checkSpecText(doc)) {
    const pos = f.key ? source.locate(f.path, { key: true }) : source.locateInScalar(f.path, f.index);
    issues.push(issue(RULES.specText, file, pos, f.message, "spec text must be printable: remove the character (write a line break as a real new line)", formatPath(f.path)));
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    if (!(e instanceof ReferenceError) || !doc.contents || !hasAlias(doc)) throw e;
    issues.push(issue(RULES.yamlAliases, file, at(firstAlias(doc)), `YAML aliases expand to more than ${MAX_ALIAS_COUNT} nodes`,
      "write the values out instead of aliasing them; a spec needs no deep aliases"));
  }
  if (issues.length > 0) return { issues };
  return { spec: { source, data }, issues };
}

function hasAlias(doc: Document): boolean {
  let found = false;
  visit(doc, {
    Alias() {
      found = true;
      return visit.BREAK;
    },
  });
  return found;
}

// `generate --watch` loads every spec file on each save, though only the saved one changed. A
// file's parse is a pure function of its display name, project path and text, so it is kept under
// exactly those (as memoByText keeps PromQL parses), deep-frozen so that no stage can change what
// the next load receives; the bound holds a few directories' worth of files.
const sharedParses = memoByText((key) => {
  const [file, text, projectFile] = JSON.parse(key) as [string, string, string];
  const result = parseSpecText(file, text, projectFile);
  deepFreeze(result.issues);
  if (result.spec) deepFreeze(result.spec.data);
  return result;
}, 64);

function parseSpecTextShared(file: string, text: string, projectFile: string): { spec?: RawSpec; issues: readonly Issue[] } {
  return sharedParses(JSON.stringify([file, text, projectFile]));
}

export function loadSpecs(path: string): LoadResult {
  const specs: RawSpec[] = [];
  const issues: Issue[] = [];
  const files = specFiles(path);
  if (files.length === 0) {
    issues.push(issue(RULES.noSpecFiles, displayPath(path), { line: 0, column: 0 }, "no spec files (*.yaml, *.yml) in this directory",
      "pass --spec a spec file or a directory that holds one (obsgen init writes one)"));
  }
  const root = projectRootOf(path);
  for (const file of files) {
    const name = displayPath(file);
    const decoded = decodeSpecBytes(name, readFileSync(file));
    if (decoded.text === undefined) {
      issues.push(...decoded.issues);
      continue;
    }
    const result = parseSpecTextShared(name, decoded.text, projectRelative(file, root));
    issues.push(...result.issues);
    if (result.spec) specs.push(result.spec);
  }
  return { specs, issues };
}
