// Each command's module, imported when the command runs: `obsgen --help` loads none of them.
import type { Command, CommandName } from "./command.js";

export async function loadCommand(name: CommandName): Promise<Command> {
  switch (name) {
    case "init":
      return (await import("./commands/init.js")).initCommand;
    case "generate":
      return (await import("./commands/generate.js")).generateCommand;
    case "check":
      return (await import("./commands/check.js")).checkCommand;
    case "lint":
      return (await import("./commands/lint.js")).lintCommand;
    case "validate":
      return (await import("./commands/validate.js")).validateCommand;
    case "diff":
      return (await import("./commands/diff.js")).diffCommand;
    case "preview":
      return (await import("./commands/preview.js")).previewCommand;
    case "doctor":
      return (await import("./commands/doctor.js")).doctorCommand;
  }
}
