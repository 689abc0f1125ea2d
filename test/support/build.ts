// Tests that run obsgen's programs as their users do — `npm start`, `node dist/runtime/main.js`,
// the compiled `obsgen` bin — need the build. `npm start` builds by itself (prestart); the others
// call buildDist() first. The build writes every file atomically, so test files building at the
// same time do not disturb each other.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";

export const ROOT = join(import.meta.dirname, "..", "..");
/** The runtime's compiled entry point, the command an MCP client configuration runs. */
export const RUNTIME_ENTRY = join(ROOT, "dist", "runtime", "main.js");
/** The compiled CLI: the package's `obsgen` bin. */
export const CLI_ENTRY = join(ROOT, "dist", "cli", "obsgen.js");

/** Builds the given targets of scripts/build.mjs (cli, runtime), or all of them. */
export async function buildDist(...targets: ("cli" | "runtime")[]): Promise<void> {
  await promisify(execFile)(process.execPath, [join(ROOT, "scripts", "build.mjs"), ...targets], { cwd: ROOT });
}
