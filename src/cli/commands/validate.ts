import { INSTALL_HINT, missingTools, runValidation, validationChecks } from "../../validate/index.js";
import type { Command } from "../command.js";
import { existsSync } from "node:fs";
import { generate } from "../../generators/index.js";
import { loadModel } from "../../pipeline/load.js";
import { DEFAULT_OUT, DEFAULT_SPEC, parseCommandArgs } from "../common.js";
import { EXIT, ToolMissingError } from "../exit-codes.js";

export const validateCommand: Command = {
  usage: "obsgen validate [--spec PATH] [--out DIR]",
  async run(args, io) {
    const { values } = parseCommandArgs(args, { spec: { type: "string", default: DEFAULT_SPEC }, out: { type: "string", default: DEFAULT_OUT } });
    if (values.help) return io.out(this.usage), EXIT.ok;
    const missing = missingTools(validationChecks(values.out));
    if (missing.length > 0) throw new ToolMissingError(`${missing.join(" and ")} not found on PATH; ${INSTALL_HINT}`);
    // The spec says which files exist to check: one without alerts generates no rules.
    const generated = existsSync(values.spec) ? new Set(generate(loadModel(values.spec).model).map((a) => a.path)) : undefined;
    const results = runValidation(values.out, generated);
    for (const r of results) {
      if (r.skipped) {
        io.out(`skip  ${r.check.title}: ${r.output}`);
        continue;
      }
      io.out(`${r.ok ? "ok  " : "FAIL"}  ${r.check.title}: ${r.command}`);
      if (!r.ok) io.out(r.output.split("\n").map((l) => `      ${l}`).join("\n"));
    }
    const failed = results.filter((r) => !r.ok).length;
    const ran = results.filter((r) => !r.skipped).length;
    io.out(failed === 0 ? `obsgen: ${ran} checks passed` : `obsgen: ${failed} of ${ran} checks failed`);
    return failed === 0 ? EXIT.ok : EXIT.findings;
  },
};
