// The compiled CLI delays V8's optimising compiler for a one-shot command (src/cli/tier-up.ts).
// What V8 optimises is read from its own trace (--trace-opt), one line per function compiled.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT } from "../src/cli/exit-codes.js";
import { forTests, ONE_SHOT_INTERRUPT_BUDGET, V8_INTERRUPT_BUDGET } from "../src/cli/tier-up.js";
import { buildDist, CLI_ENTRY, ROOT } from "./support/build.ts";

const dir = mkdtempSync(join(tmpdir(), "obsgen-tier-up-"));
beforeAll(() => buildDist("cli"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** How many functions V8 optimised during `obsgen generate`, run with these node arguments. */
function optimisedDuringGenerate(nodeArgs: string[]): number {
  const r = spawnSync(process.execPath, ["--trace-opt", ...nodeArgs, CLI_ENTRY, "generate", "--out", join(dir, "out")], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, NODE_DISABLE_COMPILE_CACHE: "1" },
    timeout: 120_000,
  });
  expect(r.status, r.stderr).toBe(EXIT.ok);
  return r.stdout.split("\n").filter((l) => l.includes("completed optimizing")).length;
}

describe("the one-shot budget of V8's optimising compiler", () => {
  it("names V8's own default budget, as the running node reports it", () => {
    const r = spawnSync(process.execPath, ["--v8-options"], { encoding: "utf8" });
    const own = /--interrupt-budget=(\d+)/.exec(r.stdout.slice(r.stdout.indexOf("  --interrupt-budget ")))?.[1];
    expect(Number(own)).toBe(V8_INTERRUPT_BUDGET);
    expect(ONE_SHOT_INTERRUPT_BUDGET).toBeGreaterThan(V8_INTERRUPT_BUDGET);
  });

  it("leaves most of a generate run to the interpreter, unless the user chose a budget", () => {
    const oneShot = optimisedDuringGenerate([]);
    const usersOwn = optimisedDuringGenerate([`--interrupt-budget=${V8_INTERRUPT_BUDGET}`]);
    expect(usersOwn).toBeGreaterThan(20);
    expect(oneShot).toBeLessThan(usersOwn / 4);
  }, 120_000);

  it("recognises a budget chosen in node's arguments or NODE_OPTIONS", () => {
    expect(forTests.userChoseBudget(["--interrupt-budget=1000"], undefined)).toBe(true);
    expect(forTests.userChoseBudget([], "--max-old-space-size=100 --interrupt_budget=5")).toBe(true);
    expect(forTests.userChoseBudget(["--trace-opt"], "--max-old-space-size=100")).toBe(false);
  });
});
