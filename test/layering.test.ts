// The layering of .dependency-cruiser.cjs, enforced by the real dependency-cruiser: the source tree
// keeps every arrow, and a tree that breaks them is caught rule by rule (so the rules are not vacuous).
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const REPO = fileURLToPath(new URL("..", import.meta.url));
const DEPCRUISE = join(REPO, "node_modules", "dependency-cruiser", "bin", "dependency-cruise.mjs");
const CONFIG = ".dependency-cruiser.cjs";

interface Violation {
  from: string;
  to: string;
  rule: { name: string };
}

function cruise(cwd: string): Violation[] {
  const r = spawnSync(process.execPath, [DEPCRUISE, "src", "--config", join(REPO, CONFIG), "--output-type", "json"], { cwd, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (r.stdout.trim() === "") throw new Error(`dependency-cruiser printed nothing (exit ${r.status}): ${r.stderr}`);
  const out = JSON.parse(r.stdout) as { summary: { violations: Violation[]; totalCruised: number } };
  if (out.summary.totalCruised === 0) throw new Error("dependency-cruiser read no module: is a TypeScript transpiler installed?");
  return out.summary.violations;
}

const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

/** A small tree under src/ with the given files, cruised with the project's rules. */
function cruiseTree(files: Record<string, string>): Violation[] {
  const dir = mkdtempSync(join(tmpdir(), "obsgen-layering-"));
  scratch.push(dir);
  cpSync(join(REPO, "tsconfig.json"), join(dir, "tsconfig.json"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return cruise(dir);
}

describe("the layering rules", () => {
  it("hold for the source tree: no forbidden arrow and no cycle", () => {
    const violations = cruise(REPO);
    expect(violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`)).toEqual([]);
  }, 120_000);

  it("catch a generator that reads the spec schema, a check that reaches a generator, and the model reaching the checks", () => {
    const violations = cruiseTree({
      "src/spec/schema.ts": "export const schema = 1;\n",
      "src/model/types.ts": 'import { schema } from "../spec/schema.js";\nexport const model = schema;\n',
      "src/generators/bad.ts": 'import { schema } from "../spec/schema.js";\nimport { model } from "../model/types.js";\nexport const out = schema + model;\n',
      "src/check/bad.ts": 'import { out } from "../generators/bad.js";\nexport const found = out;\n',
      "src/model/resolve.ts": 'import { found } from "../check/bad.js";\nexport const resolved = found;\n',
    });
    const names = violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);
    expect(names).toContain("generators-imports-only-model-conventions-promql: src/generators/bad.ts → src/spec/schema.ts");
    expect(names).toContain("check-imports-only-model-promql-conventions: src/check/bad.ts → src/generators/bad.ts");
    expect(names).toContain("model-imports-only-spec-conventions-promql: src/model/resolve.ts → src/check/bad.ts");
    expect(names).not.toContain("generators-imports-only-model-conventions-promql: src/generators/bad.ts → src/model/types.ts");
  }, 120_000);

  it("catch the runtime importing the pipeline, diff reaching the model's resolver, and a cycle", () => {
    const violations = cruiseTree({
      "src/model/resolve.ts": "export const resolve = 1;\n",
      "src/runtime/main.ts": 'import { resolve } from "../model/resolve.js";\nexport const run = resolve;\n',
      "src/diff/index.ts": 'import { resolve } from "../model/resolve.js";\nexport const diff = resolve;\n',
      "src/promql/a.ts": 'import { b } from "./b.js";\nexport const a = () => b;\n',
      "src/promql/b.ts": 'import { a } from "./a.js";\nexport const b = () => a;\n',
    });
    const rules = new Set(violations.map((v) => `${v.rule.name}: ${v.from}`));
    expect(rules).toContain("runtime-imports-only-generated: src/runtime/main.ts");
    expect(rules).toContain("model-internals-stay-inside: src/diff/index.ts");
    expect(rules).toContain("no-cycles: src/promql/a.ts");
  }, 120_000);
});
