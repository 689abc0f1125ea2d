// Every CLI command, in the order `obsgen --help` lists them.
import type { Command } from "./command.js";
import { checkCommand } from "./commands/check.js";
import { diffCommand } from "./commands/diff.js";
import { doctorCommand } from "./commands/doctor.js";
import { generateCommand } from "./commands/generate.js";
import { initCommand } from "./commands/init.js";
import { lintCommand } from "./commands/lint.js";
import { previewCommand } from "./commands/preview.js";
import { validateCommand } from "./commands/validate.js";

export const commands: readonly Command[] = [initCommand, generateCommand, checkCommand, lintCommand, validateCommand, diffCommand, previewCommand, doctorCommand];
