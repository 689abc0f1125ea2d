// `obsgen diff`: loads the base and working-tree specs, resolves both, and compares the Models.
import { resolve } from "node:path";
import { formatIssue, SpecError } from "../conventions/issue.js";
import type { Pipeline } from "../model/pipeline.js";
import type { Model } from "../model/types.js";
import { BaseError, materializeBase, readBaseGenerated } from "./base.js";
import { diffAll } from "./report.js";
import { checkOrphans } from "./orphans.js";
import type { DiffReport } from "./types.js";

export { BaseError } from "./base.js";
export { diffModels } from "./compare.js";
export { diffAll } from "./report.js";
export { compareArtifacts } from "./artifacts.js";
export { renderMarkdown } from "./markdown.js";
export type { DiffReport, Change, Breaking, GeneratedChange } from "./types.js";

export interface DiffOptions {
  base: string;
  spec: string;
  cwd: string;
  prometheus?: string;
  /** Where generated files live, relative to the repository (`generated`). */
  out?: string;
  /** How a spec is loaded and generated (src/pipeline's PIPELINE). */
  pipeline: Pipeline;
}

/** Loads the base's Model; a base that does not resolve is a BaseError listing its issues. */
export function loadBaseModel(base: string, spec: string, cwd: string, pipeline: Pipeline): { model: Model; dispose: () => void } {
  const materialized = materializeBase(base, spec, cwd);
  try {
    return { model: pipeline.load(materialized.specPath), dispose: materialized.dispose };
  } catch (e) {
    materialized.dispose();
    if (e instanceof SpecError) {
      const errors = e.issues.filter((i) => i.severity === "error");
      throw new BaseError(`the base spec (${base}) does not resolve, so there is nothing to compare against:\n${errors.map(formatIssue).join("\n")}`);
    }
    throw e;
  }
}

export async function runDiff(options: DiffOptions): Promise<DiffReport> {
  const head = options.pipeline.load(resolve(options.cwd, options.spec));
  const base = loadBaseModel(options.base, options.spec, options.cwd, options.pipeline);
  try {
    const baseCommitted = readBaseGenerated(options.base, options.out ?? "generated", options.cwd);
    const report = diffAll(base.model, head, { base: options.base, head: "working tree" }, { generate: options.pipeline.generate, ...(baseCommitted !== undefined ? { baseCommitted } : {}) });
    if (options.prometheus !== undefined) await checkOrphans(report, options.prometheus);
    return report;
  } finally {
    base.dispose();
  }
}
