import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../src/cli/main.js";
import { EXIT } from "../src/cli/exit-codes.js";
import { ALERTMANAGER_CONFIG_PATH } from "../src/generators/alertmanager/index.js";
import { CONFIG_PATH, RULE_TESTS_PATH, RULES_PATH } from "../src/generators/prometheus/names.js";
import { findTool, missingTools, validationChecks } from "../src/validate/index.js";
import { scratchCopy } from "./support/prometheus-tools.js";

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(args, { out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`), cwd: process.cwd() });
  return { code, out, err };
}

describe("obsgen validate", () => {
  it("runs promtool check rules, check config, test rules and amtool check-config, each reported", async () => {
    const r = await run(["validate"]);
    expect(r.err).toBe("");
    expect(r.out).toContain("ok    rule files are valid: promtool check rules generated/prometheus/alert_rules.yml");
    expect(r.out).toContain("ok    scrape config is valid: promtool check config generated/prometheus/prometheus.yml");
    expect(r.out).toContain("ok    alert unit tests pass: promtool test rules generated/prometheus/alert_rules.test.yml");
    expect(r.out).toContain("ok    Alertmanager config is valid: amtool check-config generated/alertmanager/alertmanager.yml");
    expect(r.out).toContain("4 checks passed");
    expect(r.code).toBe(EXIT.ok);
  });

  it("fails with exit 1 and the tool's message when a generated file is broken", async () => {
    const scratch = scratchCopy("generated", [RULES_PATH, RULE_TESTS_PATH, CONFIG_PATH, ALERTMANAGER_CONFIG_PATH]);
    try {
      writeFileSync(join(scratch.dir, RULES_PATH), "groups:\n  - name: x\n    rules:\n      - alert: Broken\n        expr: sum(\n");
      const r = await run(["validate", "--out", scratch.dir]);
      expect(r.out).toMatch(/FAIL {2}rule files are valid/);
      expect(r.out).toMatch(/ok {4}Alertmanager config is valid/);
      expect(r.out).toContain("checks failed");
      expect(r.code).toBe(EXIT.findings);
    } finally {
      scratch.dispose();
    }
  });

  it("reports a missing generated file as a failure, not a skip", async () => {
    const scratch = scratchCopy("generated", [RULES_PATH, CONFIG_PATH, ALERTMANAGER_CONFIG_PATH]);
    try {
      const r = await run(["validate", "--out", scratch.dir]);
      expect(r.out).toMatch(/FAIL {2}alert unit tests pass/);
      expect(r.out).toContain("does not exist; run `npx obsgen generate`");
      expect(r.code).toBe(EXIT.findings);
    } finally {
      scratch.dispose();
    }
  });

  it("exits 4 with install instructions when promtool or amtool is not on PATH", async () => {
    const bin = mkdtempSync(join(tmpdir(), "obsgen-path-"));
    const saved = process.env.PATH;
    try {
      // A PATH holding only promtool: amtool is missing.
      symlinkSync(findTool("promtool") ?? "/usr/bin/promtool", join(bin, "promtool"));
      expect(missingTools(validationChecks("generated"), bin)).toEqual(["amtool"]);
      process.env.PATH = bin;
      const r = await run(["validate"]);
      expect(r.code).toBe(EXIT.toolMissing);
      expect(r.err).toContain("amtool not found on PATH");
      expect(r.err).toContain("apt-get install prometheus prometheus-alertmanager");
      expect(r.out).toBe("");
    } finally {
      process.env.PATH = saved;
      rmSync(bin, { recursive: true, force: true });
    }
  });

  it("finds tools on PATH the way a shell does", () => {
    expect(findTool("promtool")).toMatch(/\/promtool$/);
    expect(findTool("promtool", dirname(findTool("promtool") ?? ""))).toBeDefined();
    expect(findTool("no-such-tool-obsgen")).toBeUndefined();
  });
});
