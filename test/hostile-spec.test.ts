// The hostile-spec corpus: specs an attacker (or an accident) would feed obsgen. Each one is
// refused with its code and position (file:line:column; a directory by its name), exit code 2,
// no stack trace, and nothing written. The expectation is the fixture's first line:
//   # expect: <line>:<column> <OBSnnn> <part of the message>
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { EXIT } from "../src/cli/exit-codes.js";
import { main } from "../src/cli/main.js";
import { formatIssue, type Issue } from "../src/conventions/issue.js";
import { resolve } from "../src/pipeline/load.js";
import { decodeSpecBytes, loadSpecs, parseSpecText } from "../src/spec/load.js";
import { buildDist, CLI_ENTRY } from "./support/build.ts";
import { expectationOf, type Expectation } from "./support/fixture-expectation.ts";

const DIR = "test/fixtures/hostile";

/** Issues of a spec file or directory, as `obsgen generate` finds them (bytes read as bytes). */
function issuesOf(path: string): Issue[] {
  if (statSync(path).isDirectory()) {
    const loaded = loadSpecs(path);
    return resolve(loaded.specs, loaded.issues).issues;
  }
  const decoded = decodeSpecBytes(path, readFileSync(path));
  if (decoded.text === undefined) return decoded.issues;
  const parsed = parseSpecText(path, decoded.text);
  return resolve(parsed.spec ? [parsed.spec] : [], parsed.issues).issues;
}

interface Case {
  name: string;
  spec: string;
  expect: Expectation;
}

const cases: Case[] = readdirSync(DIR)
  .sort()
  .flatMap((entry): Case[] => {
    const spec = join(DIR, entry);
    if (entry.endsWith(".yaml")) return [{ name: entry.replace(/\.yaml$/, ""), spec, expect: expectationOf(readFileSync(spec, "latin1")) }];
    if (statSync(spec).isDirectory()) return [{ name: entry, spec, expect: expectationOf(readFileSync(`${spec}.expect`, "utf8")) }];
    return [];
  });

const scratch = mkdtempSync(join(tmpdir(), "obsgen-hostile-spec-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("hostile specs", () => {
  it("has a case for each attack of issue 12", () => {
    const names = cases.map((c) => c.name);
    for (const required of ["alias-bomb", "invalid-utf8", "malformed-series-values", "zero-scrape-interval", "js-function-tag", "local-tag", "recording-rule-records-declared-metric", "empty-spec-directory"]) {
      expect(names).toContain(required);
    }
  });

  for (const c of cases) {
    it(`reports ${c.name.replace(/-/g, " ")} with its code at its position`, () => {
      const issues = issuesOf(c.spec);
      const match = issues.find((i) => i.code === c.expect.code && i.message.includes(c.expect.message));
      expect(match, `no ${c.expect.code} "${c.expect.message}" among:\n${issues.map(formatIssue).join("\n")}`).toBeDefined();
      expect({ file: match?.file, line: match?.line, column: match?.column, severity: match?.severity }).toEqual({
        file: c.spec,
        line: c.expect.line,
        column: c.expect.column,
        severity: "error",
      });
    });

    it(`refuses ${c.name.replace(/-/g, " ")} with exit 2, no stack trace and nothing written`, async () => {
      const out = join(scratch, c.name);
      const err: string[] = [];
      const code = await main(["generate", "--spec", c.spec, "--out", out], { out: () => undefined, err: (t) => err.push(t), cwd: process.cwd() });
      const text = err.join("\n");
      expect(code, text).toBe(EXIT.invalidSpec);
      const at = c.expect.line > 0 ? `${c.spec}:${c.expect.line}:${c.expect.column} error ${c.expect.code}` : `${c.spec}: error ${c.expect.code}`;
      expect(text).toContain(at);
      expect(text).not.toMatch(/internal error|\n\s+at .*\(.*:\d+:\d+\)/);
      expect(existsSync(out)).toBe(false);
    });
  }

  it("refuses the alias bomb through the obsgen executable with exit 2 and a position", async () => {
    await buildDist("cli");
    const r = spawnSync(process.execPath, [CLI_ENTRY, "generate", "--spec", join(DIR, "alias-bomb.yaml"), "--out", join(scratch, "bin-bomb")], { encoding: "utf8", timeout: 120_000 });
    expect(r.status, r.stderr).toBe(EXIT.invalidSpec);
    expect(r.stderr).toContain(`${join(DIR, "alias-bomb.yaml")}:7:9 error OBS006`);
    expect(r.stderr).not.toContain("ReferenceError");
  });
});
