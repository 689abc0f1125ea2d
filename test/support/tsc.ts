// The repository's own TypeScript compiler, run as a child process: the tests that typecheck the
// project, a user's file against the generated module, or a walkthrough's project all run it so.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const TSC = join(fileURLToPath(new URL("../..", import.meta.url)), "node_modules", "typescript", "bin", "tsc");

/** `tsc …args` in `cwd` (the current directory when omitted): its exit status and everything it printed. */
export function runTsc(args: readonly string[], cwd?: string): { status: number | null; output: string } {
  const r = spawnSync(process.execPath, [TSC, ...args], { cwd, encoding: "utf8", timeout: 120_000, maxBuffer: 16 * 1024 * 1024 });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}
