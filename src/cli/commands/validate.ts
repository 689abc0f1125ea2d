import { INSTALL_HINT, missingTools, runValidation, validationChecks } from "../../validate/index.js";
import type { Command } from "../command.js";
import { DEFAULT_OUT, parseCommandArgs } from "../common.js";
import { EXIT, ToolMissingError } from "../exit-codes.js";

export const validateCommand: Command = {
  usage: "obsgen validate [--out DIR]",
  async run(args, io) {
    const { values } = parseCommandArgs(args, { out: { type: "string", default: DEFAULT_OUT } });
    if (values.help) return io.out(this.usage), EXIT.ok;
    const missing = missingTools(validationChecks(values.out));
    if (missing.length > 0) throw new ToolMissingError(`${missing.join(" and ")} not found on PATH; ${INSTALL_HINT}`);
    const results = runValidation(values.out);
    for (const r of results) {
      io.out(`${r.ok ? "ok  " : "FAIL"}  ${r.check.title}: ${r.command}`);
      if (!r.ok) io.out(r.output.split("\n").map((l) => `      ${l}`).join("\n"));
    }
    const failed = results.filter((r) => !r.ok).length;
    io.out(failed === 0 ? `obsgen: ${results.length} checks passed` : `obsgen: ${failed} of ${results.length} checks failed`);
    return failed === 0 ? EXIT.ok : EXIT.findings;
  },
};
