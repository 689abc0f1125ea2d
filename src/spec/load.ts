// Reads spec files and parses them as YAML, keeping source positions for every node.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative, isAbsolute } from "node:path";
import { LineCounter, parseDocument } from "yaml";
import type { Issue } from "../model/issue.js";
import { projectRelative, projectRootOf } from "./project.js";
import { SpecSource } from "./source.js";
import { firstYamlError } from "./yaml-errors.js";

export interface RawSpec {
  source: SpecSource;
  data: unknown;
}

export interface LoadResult {
  specs: RawSpec[];
  issues: Issue[];
}

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

export function parseSpecText(file: string, text: string, projectFile = file): { spec?: RawSpec; issues: Issue[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const source = new SpecSource(file, text, doc, lines, projectFile);
  const issues: Issue[] = firstYamlError(file, text, doc.errors, lines);
  if (issues.length > 0) return { issues };
  return { spec: { source, data: doc.toJS() }, issues };
}

export function loadSpecs(path: string): LoadResult {
  const specs: RawSpec[] = [];
  const issues: Issue[] = [];
  const root = projectRootOf(path);
  for (const file of specFiles(path)) {
    const result = parseSpecText(displayPath(file), readFileSync(file, "utf8"), projectRelative(file, root));
    issues.push(...result.issues);
    if (result.spec) specs.push(result.spec);
  }
  return { specs, issues };
}
