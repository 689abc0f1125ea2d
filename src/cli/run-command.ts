// Runs one command and maps its failures to the documented exit codes. The compiled CLI runs this
// module from dist/cli/commands.cjs (./run-command.compiled.ts), so the error classes it tests
// against are the very ones the commands throw.
import { SpecError, formatIssue } from "../conventions/issue.js";
import type { CommandIO, CommandName } from "./command.js";
import { EXIT, internalError, ToolMissingError, UsageError } from "./exit-codes.js";
import { loadCommand } from "./load-command.js";
import { OutputDirError } from "../output/output-dir-error.js";

export async function runCommand(name: CommandName, args: string[], io: CommandIO): Promise<number> {
  let usage = "";
  try {
    const command = await loadCommand(name);
    usage = command.usage;
    return await command.run(args, io);
  } catch (e) {
    if (e instanceof SpecError) {
      for (const issue of e.issues) io.err(formatIssue(issue));
      const errors = e.issues.filter((i) => i.severity === "error").length;
      io.err(`obsgen: ${errors} error(s); nothing was written`);
      return EXIT.invalidSpec;
    }
    if (e instanceof OutputDirError) {
      io.err(`obsgen ${name}: ${e.message}`);
      return EXIT.invalidSpec;
    }
    if (e instanceof UsageError) {
      io.err(`obsgen ${name}: ${e.message}\nusage: ${usage}`);
      return EXIT.usage;
    }
    if (e instanceof ToolMissingError) {
      io.err(`obsgen ${name}: ${e.message}`);
      return EXIT.toolMissing;
    }
    if ((e as NodeJS.ErrnoException).code === "ENOENT") {
      io.err(`obsgen ${name}: ${(e as Error).message}`);
      return EXIT.usage;
    }
    return internalError(name, e, io.err);
  }
}
