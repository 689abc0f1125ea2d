// The bundled spec with edits applied to its YAML document, resolved like `obsgen check` would:
// tests of spec checks start from a valid spec and break one thing.
import { readFileSync } from "node:fs";
import { parseDocument } from "yaml";
import type { Issue } from "../../src/conventions/issue.js";
import { resolve, type ResolveResult } from "../../src/pipeline/load.js";
import { parseSpecText } from "../../src/spec/load.js";

export const BUNDLED_SPEC = "metrics-spec/git-operations.yaml";
export const BUNDLED_TEXT = readFileSync(BUNDLED_SPEC, "utf8");

export type SpecEdit = [readonly (string | number)[], unknown];

/** The bundled spec's text with each path set to a new value (undefined deletes it). */
export function edited(edits: readonly SpecEdit[]): string {
  const doc = parseDocument(BUNDLED_TEXT);
  for (const [path, value] of edits) {
    if (value === undefined) doc.deleteIn(path);
    else doc.setIn(path, value);
  }
  return doc.toString();
}

export function resolveText(text: string, file = BUNDLED_SPEC): ResolveResult {
  const parsed = parseSpecText(file, text);
  return resolve(parsed.spec ? [parsed.spec] : [], parsed.issues);
}

export function issuesOf(text: string, file = BUNDLED_SPEC): Issue[] {
  return resolveText(text, file).issues;
}

export function issuesAfter(edits: readonly SpecEdit[]): Issue[] {
  return issuesOf(edited(edits));
}

/** Issues of several spec files resolved together, as one spec directory. */
export function resolveFiles(files: readonly [file: string, text: string][]): Issue[] {
  const parsed = files.map(([file, text]) => parseSpecText(file, text));
  return resolve(parsed.flatMap((p) => (p.spec ? [p.spec] : [])), parsed.flatMap((p) => p.issues)).issues;
}
