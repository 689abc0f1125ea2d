// `obsgen generate --watch` as a user runs it: a real CLI process watching a real spec directory,
// edited on disk the way an editor saves; stopped with a real SIGINT.
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const SPEC_FILE = "git-operations.yaml";
const HELP = "help: Sandboxes currently alive.";

interface Watcher {
  child: ChildProcessWithoutNullStreams;
  out: () => string;
  err: () => string;
  /** Resolves once `pattern` matches the output (stdout + stderr) written after `from` characters. */
  waitFor: (pattern: RegExp, from: number) => Promise<void>;
  exited: Promise<number | null>;
}

function startWatcher(spec: string, out: string): Watcher {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/bin.ts", "generate", "--watch", "--spec", spec, "--out", out], { stdio: "pipe" });
  let stdout = "";
  let stderr = "";
  let all = "";
  const waiters: { pattern: RegExp; from: number; resolve: () => void }[] = [];
  const check = () => {
    for (const w of [...waiters]) {
      if (w.pattern.test(all.slice(w.from))) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  child.stdout.on("data", (d: Buffer) => {
    stdout += d.toString();
    all += d.toString();
    check();
  });
  child.stderr.on("data", (d: Buffer) => {
    stderr += d.toString();
    all += d.toString();
    check();
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return {
    child,
    out: () => stdout,
    err: () => stderr,
    waitFor: (pattern, from) =>
      new Promise<void>((resolve, reject) => {
        waiters.push({ pattern, from, resolve });
        check();
        exited.then((code) => reject(new Error(`watcher exited (${code}) before ${pattern}; output:\n${all}`)), reject);
      }),
    exited,
  };
}

/** Every file under `dir` with its bytes and modification time. */
function snapshot(dir: string): Map<string, { text: string; mtimeMs: number }> {
  const out = new Map<string, { text: string; mtimeMs: number }>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const full = join(d, name);
      const st = statSync(full);
      if (st.isDirectory()) walk(full);
      else out.set(relative(dir, full), { text: readFileSync(full, "utf8"), mtimeMs: st.mtimeMs });
    }
  };
  walk(dir);
  return out;
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe("obsgen generate --watch", () => {
  it("regenerates on a save writing only the changed files, writes nothing for an invalid save, and stops on SIGINT", async () => {
    const dir = mkdtempSync(join(tmpdir(), "obsgen-watch-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const spec = join(dir, "spec");
    const out = join(dir, "out");
    cpSync("metrics-spec", spec, { recursive: true });
    const specPath = join(spec, SPEC_FILE);
    const original = readFileSync(specPath, "utf8");
    expect(original).toContain(HELP);

    const w = startWatcher(spec, out);
    cleanups.push(async () => {
      if (w.child.exitCode === null) {
        w.child.kill("SIGKILL");
        await w.exited;
      }
    });
    await w.waitFor(/regenerated in \d+ ms; watching/, 0);
    const before = snapshot(out);
    expect(before.get("metrics.ts")?.text).toContain('"Sandboxes currently alive."');

    // A valid save: one help text changes, so only the files that print it change.
    let mark = w.out().length + w.err().length;
    writeFileSync(specPath, original.replace(HELP, "help: Sandboxes alive right now."));
    await w.waitFor(/regenerated in \d+ ms; watching/, mark);
    const after = snapshot(out);
    expect(after.get("metrics.ts")?.text).toContain('"Sandboxes alive right now."');
    const changed = [...after].filter(([f, v]) => before.get(f)?.text !== v.text).map(([f]) => f).sort();
    const touched = [...after].filter(([f, v]) => before.get(f)?.mtimeMs !== v.mtimeMs).map(([f]) => f).sort();
    expect(changed).toContain("metrics.ts");
    expect(touched).toEqual(changed);
    expect(changed.length).toBeLessThan(after.size);
    const reported = [...w.out().slice(mark).matchAll(/^ {2}wrote (\S+)$/gm)].map((m) => m[1]).sort();
    expect(reported).toEqual(changed);

    // An invalid save: reported with its position and code, nothing written.
    mark = w.out().length + w.err().length;
    writeFileSync(specPath, original.replace("type: gauge", "type: gauges"));
    await w.waitFor(/nothing was written; watching/, mark);
    expect(w.err()).toMatch(new RegExp(`${SPEC_FILE}:\\d+:\\d+ error OBS\\d{3} `));
    expect(snapshot(out)).toEqual(after);

    w.child.kill("SIGINT");
    expect(await w.exited).toBe(0);
    expect(w.out()).toMatch(/stopped watching\n$/);
  }, 120_000);
});
