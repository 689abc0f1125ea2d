// The whole project typechecks under tsconfig.json (src, test, generated, bench, scripts). Vitest
// strips types without checking them, and nothing imports bench/ or scripts/ in a test, so without
// this a type error there (a broken template literal in bench/run.ts once) passed `npm test`.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runTsc } from "./support/tsc.ts";

const REPO = fileURLToPath(new URL("..", import.meta.url));
const tsc = (project: string) => runTsc(["--noEmit", "--pretty", "false", "-p", project], REPO);

describe("typecheck", () => {
  it("finds no type error anywhere in the project (tsc --noEmit -p tsconfig.json)", () => {
    const r = tsc(join(REPO, "tsconfig.json"));
    expect(r.output).toBe("");
    expect(r.status).toBe(0);
  }, 120_000);

  it("fails on a type error under the project's compiler options (the check above is not vacuous)", () => {
    const dir = mkdtempSync(join(tmpdir(), "obsgen-typecheck-"));
    try {
      writeFileSync(join(dir, "bad.ts"), 'const n: number = "not a number";\nexport default n;\n');
      writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ extends: join(REPO, "tsconfig.json"), compilerOptions: { paths: {}, typeRoots: [join(REPO, "node_modules", "@types")] }, include: [], files: [join(dir, "bad.ts")] }));
      const r = tsc(join(dir, "tsconfig.json"));
      expect(r.status).not.toBe(0);
      expect(r.output).toMatch(/bad\.ts\(1,7\): error TS2322: Type 'string' is not assignable to type 'number'/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
