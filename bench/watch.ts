// Save → written with `obsgen generate --watch` (`node dist/cli/obsgen.js`, the package's bin as a
// user runs it; bench/codegen.ts builds it first) on a copy of the
// bundled spec: each save changes one help text (alternating two versions, so every save changes
// the output); the time runs from just before the file is written until the watcher reports the
// regenerated files (it prints after they are renamed into place).
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stat, type Stat } from "./measure.js";

const SPEC_FILE = "git-operations.yaml";
const HELP = "help: Sandboxes currently alive.";
const DONE = /regenerated in (\d+) ms; watching/;

export interface WatchResult {
  /** Save to files written, as the user sees it (ms). */
  saveToWritten: Stat;
  /** The regeneration inside the watcher (load, validate, generate, write), as it reports it (ms). */
  inProcess: Stat;
  /** Files written per save. */
  filesPerSave: number;
}

export async function watchBench(opts: { saves: number; warmup: number }): Promise<WatchResult> {
  const dir = mkdtempSync(join(tmpdir(), "obsgen-bench-watch-"));
  const spec = join(dir, "spec");
  cpSync("metrics-spec", spec, { recursive: true });
  const specPath = join(spec, SPEC_FILE);
  const original = readFileSync(specPath, "utf8");
  const child = spawn(process.execPath, ["dist/cli/obsgen.js", "generate", "--watch", "--spec", spec, "--out", join(dir, "out")], { stdio: ["ignore", "pipe", "pipe"] });
  let buffer = "";
  let stderr = "";
  let pending: ((line: string) => void) | undefined;
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  child.stdout.on("data", (d: Buffer) => {
    buffer += d.toString();
    const m = DONE.exec(buffer);
    if (m && pending) {
      const chunk = buffer;
      buffer = "";
      const resolve = pending;
      pending = undefined;
      resolve(chunk);
    }
  });
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  const next = (timeoutMs: number) =>
    new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`obsgen --watch did not regenerate within ${timeoutMs} ms: ${stderr}`)), timeoutMs);
      pending = (chunk) => {
        clearTimeout(timer);
        resolve(chunk);
      };
      if (DONE.test(buffer)) {
        const chunk = buffer;
        buffer = "";
        pending = undefined;
        clearTimeout(timer);
        resolve(chunk);
      }
    });
  try {
    await next(120_000);
    // A moment's rest after start-up, so the first timed saves do not share the core with the
    // start-up's own leftovers (and a build from before the watch was set up ahead of the first
    // regeneration missed a save made right after its first line).
    await new Promise((r) => setTimeout(r, 1000));
    const wall: number[] = [];
    const inside: number[] = [];
    const files: number[] = [];
    for (let i = 0; i < opts.warmup + opts.saves; i++) {
      const text = i % 2 === 0 ? original.replace(HELP, `help: Sandboxes alive right now.`) : original;
      const t0 = process.hrtime.bigint();
      const done = next(30_000);
      writeFileSync(specPath, text);
      const chunk = await done;
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (i < opts.warmup) continue;
      wall.push(ms);
      inside.push(Number(DONE.exec(chunk)?.[1] ?? NaN));
      files.push([...chunk.matchAll(/^ {2}wrote /gm)].length);
      // Let the editor's next save come a moment later, as a person's would.
      await new Promise((r) => setTimeout(r, 50));
    }
    return { saveToWritten: stat(wall), inProcess: stat(inside), filesPerSave: stat(files).median };
  } finally {
    child.kill("SIGINT");
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
}
