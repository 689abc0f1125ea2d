// The golden cases: each spec directory and the directory its expected output is kept in. The
// bundled spec's expected output is the committed generated/ tree itself (the drift check of this
// repository), so it is not kept twice.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { generate } from "../../src/generators/index.js";
import type { Artifact } from "../../src/generators/artifact.js";
import { loadModel } from "../../src/pipeline/load.js";
import { detectModuleLang } from "../../src/output/module-lang.js";

const REPO = fileURLToPath(new URL("../..", import.meta.url));
export const GOLDEN_DIR = join(REPO, "test", "golden");

export interface GoldenCase {
  name: string;
  /** Spec directory, relative to the repository root. */
  spec: string;
  /** Expected output directory, relative to the repository root. */
  expected: string;
}

export function goldenCases(): GoldenCase[] {
  const own = readdirSync(GOLDEN_DIR)
    .filter((name) => statSync(join(GOLDEN_DIR, name)).isDirectory())
    .sort()
    .map((name) => ({ name, spec: `test/golden/${name}/spec`, expected: `test/golden/${name}/expected` }));
  return [...own, { name: "bundled", spec: "metrics-spec", expected: "generated" }];
}

/**
 * What obsgen generates for a case today, in the module language its expected output holds (as
 * `obsgen generate` without --lang decides it).
 */
export function generateCase(c: GoldenCase): Artifact[] {
  return generate(loadModel(join(REPO, c.spec)).model, { lang: detectModuleLang(join(REPO, c.expected)) });
}

export function repoPath(relative: string): string {
  return join(REPO, relative);
}
