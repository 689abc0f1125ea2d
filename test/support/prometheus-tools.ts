// Runs the real promtool and amtool in tests, and copies generated files to a scratch directory
// where a test may break them on purpose.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export interface ToolRun {
  status: number | null;
  output: string;
}

export function runTool(tool: string, args: readonly string[], cwd?: string): ToolRun {
  const r = spawnSync(tool, args, { encoding: "utf8", timeout: 120_000, ...(cwd !== undefined ? { cwd } : {}) });
  if (r.error) throw r.error;
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/** A temp directory holding copies of `files` (paths relative to `from`), removed by `dispose`. */
export function scratchCopy(from: string, files: readonly string[]): { dir: string; dispose: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "obsgen-prom-"));
  for (const f of files) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    copyFileSync(join(from, f), join(dir, f));
  }
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
