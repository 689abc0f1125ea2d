// The pipeline's front half: load the spec files, resolve them into the Model, run the check stage.
// The cli and tests call it; generators, lint, diff and preview only ever see its result.
import { compareIssues, hasErrors, SpecError, type Issue } from "../conventions/issue.js";
import { checkModel } from "../check/index.js";
import { resolveModel, type ResolveResult } from "../model/resolve.js";
import type { Model } from "../model/types.js";
import { loadSpecs, type RawSpec } from "../spec/load.js";

export type { ResolveResult };

/** Resolves and checks raw specs: the model only when no issue is an error. */
export function resolve(raws: readonly RawSpec[], priorIssues: readonly Issue[] = []): ResolveResult {
  const resolved = resolveModel(raws, priorIssues);
  if (!resolved.model) return resolved;
  const issues = [...resolved.issues, ...checkModel(resolved.model)].sort(compareIssues);
  return hasErrors(issues) ? { issues } : { model: resolved.model, issues };
}

/** Loads, resolves and checks the specs at `path`; throws SpecError when any error is found. */
export function loadModel(path: string): { model: Model; warnings: Issue[] } {
  const loaded = loadSpecs(path);
  const result = resolve(loaded.specs, loaded.issues);
  if (!result.model || hasErrors(result.issues)) throw new SpecError(result.issues);
  return { model: result.model, warnings: result.issues };
}
