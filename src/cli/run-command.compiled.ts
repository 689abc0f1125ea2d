// The compiled CLI's runCommand (scripts/build.mjs puts it in place of ./run-command.ts in
// dist/cli/obsgen.js): the commands live in dist/cli/commands.cjs next to the entry, run with V8's
// code cache (./code-cache.ts). The cache is written once the command has run, so it holds the
// code that command needed.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { CommandIO, CommandName } from "./command.js";
import { codeCacheDir, runCommonJsBundle } from "./code-cache.js";
import { EXIT, internalError } from "./exit-codes.js";
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
  let code: number = EXIT.internal;
  try {
    code = await (bundle.exports as typeof RunCommand).runCommand(name, args, io);
    return code;
  } finally {
    // Only a run that did the command's work (its result, or its findings) has compiled the code
    // the next runs need. A cache is written once and then used as it is, so the code cache of a
    // first run stopped early (an invalid spec, a usage error) would leave every later run to
    // compile the rest of the code again.
    if (code === EXIT.ok || code === EXIT.findings) bundle.save();
  }
}
