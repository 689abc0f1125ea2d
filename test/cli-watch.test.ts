// `obsgen generate --watch` as a user runs it: a real CLI process watching a real spec directory,
// edited on disk the way an editor saves; stopped with a real SIGINT.
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { closeSync, cpSync, mkdtempSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { MANIFEST_PATH } from "../src/conventions/artifact.js";

const SPEC_FILE = "git-operations.yaml";
const HELP = "help: Sandboxes currently alive.";

interface Watcher {
  child: ChildProcessWithoutNullStreams;
  out: () => string;
  err: () => string;
  /** stdout and stderr as they came, interleaved. */
  all: () => string;
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
    all: () => all,
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

/** Every file under `dir` with its bytes only. */
function contents(dir: string): Map<string, string> {
  return new Map([...snapshot(dir)].map(([f, v]) => [f, v.text]));
}

/** A cold `obsgen generate` of `spec` into `out`, in a process of its own (nothing carried over from the watcher). */
async function coldGenerate(spec: string, out: string): Promise<void> {
  rmSync(out, { recursive: true, force: true });
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/bin.ts", "generate", "--spec", spec, "--out", out], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  if (code !== 0) throw new Error(`obsgen generate exited ${code}: ${stderr}`);
}

const REGENERATED = /regenerated in \d+ ms; watching/;
const regenerationsIn = (text: string): number => text.split(/regenerated in \d+ ms; watching/).length - 1;

/** Polls `done` until it holds; fails with `describe()` after a minute. */
async function until(done: () => boolean, describe: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${describe()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/**
 * A copy of the spec directory `from` in a temp directory, watched into `out` there until the
 * test ends; resolves after the first regeneration.
 */
async function watchedCopy(prefix: string, from = "metrics-spec"): Promise<{ dir: string; spec: string; out: string; w: Watcher }> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const spec = join(dir, "spec");
  const out = join(dir, "out");
  cpSync(from, spec, { recursive: true });
  const w = startWatcher(spec, out);
  cleanups.push(async () => {
    if (w.child.exitCode === null) {
      w.child.kill("SIGKILL");
      await w.exited;
    }
  });
  await w.waitFor(REGENERATED, 0);
  return { dir, spec, out, w };
}

describe("obsgen generate --watch", () => {
  it("regenerates on a save writing only the changed files, writes nothing for an invalid save, and stops on SIGINT", async () => {
    const { spec, out, w } = await watchedCopy("obsgen-watch-");
    const specPath = join(spec, SPEC_FILE);
    const original = readFileSync(specPath, "utf8");
    expect(original).toContain(HELP);
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

  it("writes after every save exactly what a cold generate writes, though it reuses work between saves", async () => {
    const { dir, spec, out, w } = await watchedCopy("obsgen-watch-cold-");
    const cold = join(dir, "cold");
    const specPath = join(spec, SPEC_FILE);
    const original = readFileSync(specPath, "utf8");

    const save = async (text: string, expect: RegExp = REGENERATED): Promise<void> => {
      const mark = w.out().length + w.err().length;
      writeFileSync(specPath, text);
      await w.waitFor(expect, mark);
    };
    const matchesCold = async (label: string): Promise<void> => {
      await coldGenerate(spec, cold);
      // The manifest of generated files too: it is right after every save.
      expect(contents(cold).has(MANIFEST_PATH), label).toBe(true);
      expect(contents(out), label).toEqual(contents(cold));
    };

    const metric = "metrics:\n  watch_test_events_total:\n    type: counter\n    help: Events the watch test counts.\n\n";
    const withMetric = original.replace("metrics:\n", metric);
    expect(withMetric).not.toBe(original);
    await save(withMetric);
    expect(readFileSync(join(out, "metrics.ts"), "utf8")).toContain("watch_test_events_total");
    await matchesCold("a metric added");

    const statuses = "status: [started, success, failure, retry]";
    expect(withMetric).toContain(statuses);
    const moreStatuses = withMetric.replace(statuses, "status: [started, success, failure, retry, cancelled]").replace("operation: [pull, push]", "operation: [pull, push, status]");
    await save(moreStatuses);
    expect(readFileSync(join(out, "metrics.ts"), "utf8")).toContain('"cancelled"');
    await matchesCold("label enumerations changed");

    // An alert renamed (its runbook is removed, another written), its pending time and summary
    // changed: the Prometheus rules and the rule tests (YAML) change.
    const HIGH_LATENCY = "severity: warning\n    summary: Git operations are slow at the 95th percentile.";
    expect(moreStatuses).toContain(`for: 5m\n    ${HIGH_LATENCY}`);
    const slowerAlert = moreStatuses
      .replace(`for: 5m\n    ${HIGH_LATENCY}`, `for: 6m\n    ${HIGH_LATENCY.replace("slow", "sluggish")}`)
      .replaceAll("HighLatency", "SlowGitOperations");
    const mark = w.all().length;
    await save(slowerAlert);
    expect(readFileSync(join(out, "prometheus", "alert_rules.yml"), "utf8")).toContain("sluggish");
    expect(w.all().slice(mark)).toMatch(/^ {2}removed runbooks\/HighLatency\.md$/m);
    await matchesCold("an alert changed");

    await save(slowerAlert.replace(metric, "metrics:\n"));
    expect(readFileSync(join(out, "metrics.ts"), "utf8")).not.toContain("watch_test_events_total");
    await matchesCold("a metric removed");

    const beforeError = contents(out);
    await save(original.replace("type: gauge", "type: gauges"), /nothing was written; watching/);
    expect(contents(out)).toEqual(beforeError);
    await save(original.replace(HELP, "help: Sandboxes alive right now."));
    await matchesCold("an error fixed");

    // Back to the text of the first save: every document is one the watcher made before.
    await save(withMetric);
    await matchesCold("the first save again");

    // Hand edits of the output while watching: one file deleted, one changed at the same size.
    const files = [...contents(out).keys()].sort();
    const deleted = files.find((f) => f.endsWith(".yml"));
    const edited = files.find((f) => f.endsWith(".json") && f !== deleted);
    if (deleted === undefined || edited === undefined) throw new Error(`no .yml or .json output among ${files.join(", ")}`);
    unlinkSync(join(out, deleted));
    const text = readFileSync(join(out, edited), "utf8");
    writeFileSync(join(out, edited), text.replace("obsgen", "OBSGEN"));
    expect(readFileSync(join(out, edited), "utf8")).not.toBe(text);
    await save(withMetric);
    await matchesCold("after an output file was deleted and another edited by hand");

    w.child.kill("SIGINT");
    expect(await w.exited).toBe(0);
  }, 180_000);

  it("regenerates once for each save, whether the editor renames a new file over the spec or truncates and writes it", async () => {
    const { spec, out, w } = await watchedCopy("obsgen-watch-saves-");
    const specPath = join(spec, SPEC_FILE);
    const original = readFileSync(specPath, "utf8");
    let n = 0;
    const edited = () => original.replace(HELP, `help: Sandboxes alive, save ${++n}.`);

    const saves: Record<string, (text: string) => void> = {
      // VS Code's and JetBrains' safe write: a temporary file beside the spec, renamed over it.
      "temporary file renamed over it": (text) => {
        const tmp = join(spec, `.${SPEC_FILE}.tmp`);
        writeFileSync(tmp, text);
        renameSync(tmp, specPath);
      },
      // vim (backupcopy=no): the spec moved to a backup, a new file written, the backup deleted.
      "backup, new file, backup deleted": (text) => {
        const backup = `${specPath}~`;
        renameSync(specPath, backup);
        writeFileSync(specPath, text);
        unlinkSync(backup);
      },
      // Editors that write in place: truncate, then the text in two writes.
      "truncated and written in place": (text) => {
        const fd = openSync(specPath, "w");
        try {
          writeSync(fd, text.slice(0, text.length >> 1));
          writeSync(fd, text.slice(text.length >> 1));
        } finally {
          closeSync(fd);
        }
      },
    };
    for (const [how, saveAs] of Object.entries(saves)) {
      const mark = w.out().length + w.err().length;
      const text = edited();
      saveAs(text);
      await w.waitFor(REGENERATED, mark);
      expect(readFileSync(join(out, "metrics.ts"), "utf8"), how).toContain(`save ${n}.`);
      // A second, plain save: a regeneration the first save still owed would come before this one's,
      // so once this one's text is written, the count since the first save is exact.
      const second = edited();
      writeFileSync(specPath, second);
      const regenerations = () => regenerationsIn(w.all().slice(mark));
      await until(() => regenerations() >= 2 && readFileSync(join(out, "metrics.ts"), "utf8").includes(`save ${n}.`), () => `${how}: ${w.all().slice(mark)}`);
      expect(regenerations(), how).toBe(2);
      expect(w.err(), how).not.toMatch(/error/);
    }

    w.child.kill("SIGINT");
    expect(await w.exited).toBe(0);
  }, 120_000);

  it("writes what a cold generate writes after saves of either file of a two-service spec, the other file's parse reused", async () => {
    const { dir, spec, out, w } = await watchedCopy("obsgen-watch-two-", "test/golden/two-services/spec");
    const cold = join(dir, "cold");
    const api = join(spec, "api.yaml");
    const worker = join(spec, "worker.yaml");
    const apiText = readFileSync(api, "utf8");
    const workerText = readFileSync(worker, "utf8");
    const steps: [string, string, RegExp?][] = [
      [api, apiText.replace("help: API requests, by outcome.", "help: API requests served, by outcome.")],
      [worker, workerText.replace("help: Jobs waiting for the worker.", "help: Jobs queued for the worker.")],
      // An error in one file, then the other file saved while it stands, then the error fixed.
      [api, apiText.replace("help: API requests, by outcome.", "help: API requests, by outcome.\n    type: histogramm"), /nothing was written; watching/],
      [worker, workerText, /nothing was written; watching/],
      [api, apiText],
    ];
    for (const [file, text, expected] of steps) {
      const mark = w.all().length;
      writeFileSync(file, text);
      await w.waitFor(expected ?? REGENERATED, mark);
      if (expected) continue;
      await coldGenerate(spec, cold);
      expect(contents(out), `${file} saved`).toEqual(contents(cold));
    }
    w.child.kill("SIGINT");
    expect(await w.exited).toBe(0);
  }, 180_000);
});
