// Tests that run the runtime as its users do — `npm start`, `node dist/runtime/main.js` — need the
// build. `npm start` builds by itself (prestart); the others call buildDist() first. The build
// writes every file atomically, so test files building at the same time do not disturb each other.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";

export const ROOT = join(import.meta.dirname, "..", "..");
/** The runtime's compiled entry point, the command an MCP client configuration runs. */
export const RUNTIME_ENTRY = join(ROOT, "dist", "runtime", "main.js");

export async function buildDist(): Promise<void> {
  await promisify(execFile)(process.execPath, [join(ROOT, "scripts", "build.mjs")], { cwd: ROOT });
}
