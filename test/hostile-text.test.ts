// Spec strings as an attacker would write them: none may change the code or structure of a
// generated file. Generation either refuses the spec (exit 2, a positioned issue) or emits files
// that carry the strings as data: a module that compiles and runs nothing on import, whose
// exposition carries the help text, YAML that parses back to the strings, dashboards whose titles
// equal them, and a catalogue whose table keeps its columns.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { escapedHelp, generateFromText, importModules, metricsModule, scratchDir } from "./support/generated-module.js";
import { PLAIN_TEXTS, specText, type SpecTexts } from "./support/hostile-spec.js";

let scratch: { dir: string; dispose: () => void };
beforeAll(() => {
  scratch = scratchDir("obsgen-hostile-");
});
afterAll(() => scratch.dispose());

function helpLine(exposition: string): string | undefined {
  return exposition.split("\n").find((l) => l.startsWith("# HELP jobs_total "));
}

describe("the doc-comment exploit (issue 12, item 4)", () => {
  // The reported exploit, and the form that also closes the interface around the doc comment so
  // that, unescaped, the statement runs at module level when the module is imported.
  const exploits = (marker: string): Record<string, string> => ({
    reported: `x */ require('fs').writeFileSync(${JSON.stringify(marker)},'pwned') /*`,
    "closing the interface": `x */ }; process.getBuiltinModule("fs").writeFileSync(${JSON.stringify(marker)}, "pwned"); export interface Pwned { /*`,
  });

  for (const name of ["reported", "closing the interface"]) {
    it(`does not run a help text that closes the doc comment (${name}) when the module is imported`, () => {
      const marker = join(scratch.dir, `pwned-${name.replace(/\s+/g, "-")}`);
      const help = exploits(marker)[name] ?? "";
      const texts: SpecTexts = { ...PLAIN_TEXTS, help };
      const generated = generateFromText(specText(texts));
      expect(generated.ok, JSON.stringify(generated.issues)).toBe(true);
      if (!generated.ok) return;
      const [exposition] = importModules(scratch.dir, [metricsModule(generated.artifacts)]);
      expect(existsSync(marker)).toBe(false);
      expect(helpLine(exposition ?? "")).toBe(`# HELP jobs_total ${escapedHelp(help)}`);
    });
  }
});
