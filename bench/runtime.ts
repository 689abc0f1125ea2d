// The runtime's overhead over git: warm `status` and `diff` run through the sandbox cache and the
// local sandbox provider against the same commands spawned directly, on the same repository; and
// the first operation of a new sandbox against one that finds its sandbox cached.
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { createMetrics } from "../generated/metrics.js";
import { sideBySide, stat, type Stat } from "./measure.js";

const run = promisify(execFile);

export type RuntimeResult =
  | { kind: "todo"; reason: string }
  | { kind: "measured"; scope: string; rows: { what: string; runtime: Stat; raw: Stat }[]; coldFirst: Stat; warmFirst: Stat };

const ms = (s: Stat): Stat => ({ median: s.median / 1e6, min: s.min / 1e6, max: s.max / 1e6, samples: s.samples });

async function git(cwd: string, ...args: string[]): Promise<string> {
  return (await run("git", args, { cwd, maxBuffer: 64 * 1024 * 1024 })).stdout;
}

/** A repository of a few hundred files with uncommitted changes, so status and diff have work. */
async function fixtureRepo(dir: string): Promise<string> {
  const repo = join(dir, "origin");
  mkdirSync(join(repo, "src"), { recursive: true });
  await git(repo, "init", "-q", "-b", "main");
  for (let i = 0; i < 300; i++) writeFileSync(join(repo, "src", `file${i}.txt`), `${"line of text\n".repeat(40)}${i}\n`);
  await git(repo, "add", "-A");
  await git(repo, "-c", "user.name=bench", "-c", "user.email=bench@example.invalid", "commit", "-q", "-m", "fixture");
  return repo;
}

export async function runtimeBench(opts: { rounds: number }): Promise<RuntimeResult> {
  const needed = ["src/runtime/sandbox/local.ts", "src/runtime/sandbox/cache.ts", "src/runtime/cost.ts"];
  const missing = needed.filter((f) => !existsSync(f));
  if (missing.length > 0) return { kind: "todo", reason: `the runtime is not built yet (missing ${missing.join(", ")}); rerun \`npm run bench\` once it is.` };
  const { createLocalProvider } = await import("../src/runtime/sandbox/local.js");
  const { SandboxCache } = await import("../src/runtime/sandbox/cache.js");
  const { CostMeter } = await import("../src/runtime/cost.js");

  const dir = mkdtempSync(join(tmpdir(), "obsgen-bench-runtime-"));
  const provider = createLocalProvider({ root: dir });
  const metrics = createMetrics();
  const cache = new SandboxCache({ provider, metrics, cost: new CostMeter({ metrics, ratePerSandboxHour: 0.015 }), ttlMs: 3_600_000, maxActive: 1000 });
  try {
    const origin = await fixtureRepo(dir);
    const key = { agentId: "bench", taskId: "warm", repoUrl: origin };
    const timeoutMs = 60_000;
    // The cached sandbox holds a clone with edits; raw git runs in that very clone.
    const repo = await cache.withSandbox(key, async (s) => {
      const r = await s.exec(["git", "clone", "-q", origin, "repo"], { timeoutMs });
      if (r.exitCode !== 0) throw new Error(`clone failed: ${r.stderr}`);
      const path = join(s.workdir, "repo");
      for (let i = 0; i < 300; i += 10) await s.writeFile(join(path, "src", `file${i}.txt`), `changed ${i}\n`);
      return path;
    });
    const viaRuntime = (args: string[]) => () =>
      cache.withSandbox(key, async (s) => (await s.exec(["git", ...args], { cwd: repo, timeoutMs })).stdout.length);
    const raw = (args: string[]) => async () => (await git(repo, ...args)).length;
    const ops = [
      { what: "git status --porcelain", args: ["status", "--porcelain"] },
      { what: "git diff", args: ["diff"] },
    ];
    const rows: { what: string; runtime: Stat; raw: Stat }[] = [];
    for (const op of ops) {
      const s = await sideBySide([{ key: "runtime", run: viaRuntime(op.args) }, { key: "raw", run: raw(op.args) }], opts.rounds, 3);
      rows.push({ what: op.what, runtime: ms(s.get("runtime") ?? stat([])), raw: ms(s.get("raw") ?? stat([])) });
    }

    // The first operation for an agent/task/repository: a miss creates a sandbox and clones; a hit
    // finds the clone in its cached sandbox.
    let n = 0;
    const first = await sideBySide(
      [
        {
          key: "cold",
          run: () =>
            cache.withSandbox({ agentId: "bench", taskId: `cold-${n++}`, repoUrl: origin }, async (s) => {
              await s.exec(["git", "clone", "-q", origin, "repo"], { timeoutMs });
              return (await s.exec(["git", "status", "--porcelain"], { cwd: join(s.workdir, "repo"), timeoutMs })).exitCode;
            }),
        },
        { key: "warm", run: () => cache.withSandbox(key, async (s) => (await s.exec(["git", "status", "--porcelain"], { cwd: repo, timeoutMs })).exitCode) },
      ],
      opts.rounds,
      1,
    );
    return {
      kind: "measured",
      scope:
        "Through `SandboxCache.withSandbox` and the local sandbox provider (`src/runtime/sandbox/`), against the same git command spawned directly from Node (`execFile`) in the same clone. The git operations layer above the sandbox is not built yet, so its own cost (argument checks, classification, metrics) is not included.",
      rows,
      coldFirst: ms(first.get("cold") ?? stat([])),
      warmFirst: ms(first.get("warm") ?? stat([])),
    };
  } finally {
    await cache.close();
    await provider.shutdown();
    rmSync(dir, { recursive: true, force: true });
  }
}
