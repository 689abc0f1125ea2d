import { diagnose } from "../../doctor/index.js";
import type { Command } from "../command.js";
import { parseCommandArgs, specOptions } from "../common.js";
import { EXIT } from "../exit-codes.js";

export const doctorCommand: Command = {
  usage: "obsgen doctor [--spec PATH] [--out DIR]",
  async run(args, io) {
    const { values } = parseCommandArgs(args, specOptions);
    if (values.help) return io.out(this.usage), EXIT.ok;
    const found = diagnose({ cwd: io.cwd, spec: values.spec, out: values.out });
    const width = Math.max(...found.map((d) => d.what.length));
    for (const d of found) {
      io.out(`${d.ok ? "ok  " : "FAIL"}  ${d.what.padEnd(width)}  ${d.detail}`);
      if (!d.ok && d.fix !== undefined) io.out(`${" ".repeat(width + 8)}fix: ${d.fix}`);
    }
    const failed = found.filter((d) => !d.ok).length;
    io.out(failed === 0 ? "obsgen: everything obsgen needs is here" : `obsgen: ${failed} problem(s)`);
    return failed === 0 ? EXIT.ok : EXIT.findings;
  },
};
