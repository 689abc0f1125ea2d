// The compiled CLI's runCommand (scripts/build.mjs puts it in place of ./run-command.ts in
// dist/cli/obsgen.js): the commands live in dist/cli/commands.cjs next to the entry, run with V8's
// code cache (./code-cache.ts). The cache is written once the command has run, so it holds the
// code that command needed.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { CommandIO, CommandName } from "./command.js";
import { codeCacheDir, runCommonJsBundle } from "./code-cache.js";
import { internalError } from "./exit-codes.js";
import { tierUpLate } from "./tier-up.js";
import type * as RunCommand from "./run-command.js";

// This module is only ever part of dist/cli/obsgen.js, so import.meta.url is the entry's.
const BUNDLE = join(dirname(fileURLToPath(import.meta.url)), "commands.cjs");

export async function runCommand(name: CommandName, args: string[], io: CommandIO): Promise<number> {
  let bundle;
  // Before the bundle runs, so that every function of it gets the one-shot budget.
  tierUpLate();
  try {
    bundle = runCommonJsBundle(BUNDLE, { dir: codeCacheDir(), purpose: name });
  } catch (e) {
    return internalError(name, e, io.err);
  }
  try {
    return await (bundle.exports as typeof RunCommand).runCommand(name, args, io);
  } finally {
    bundle.save();
  }
}
