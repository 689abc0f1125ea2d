// The runtime's overhead over git: warm `status` and `diff` requests through the git runtime
// (request validation, the sandbox cache, the local sandbox provider, error classification and the
// generated metrics) against the same git commands spawned directly from Node in the same clone;
// and the first request of a new sandbox against one whose sandbox is cached.
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { createRuntime } from "../src/runtime/runtime.js";
import { createLocalProvider } from "../src/runtime/sandbox/local.js";
import { sideBySide, stat, type Stat } from "./measure.js";
import { rawGit } from "./raw-git.js";

const run = promisify(execFile);

export interface RuntimeResult {
  scope: string;
  rows: { what: string; runtime: Stat; raw: Stat }[];
  coldFirst: Stat;
  warmFirst: Stat;
}

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

/** The one clone under the local provider's sandbox root (<root>/<sandbox>/work/repo). */
function cloneIn(sandboxRoot: string): string {
  const [sandbox, ...more] = readdirSync(sandboxRoot);
  if (sandbox === undefined || more.length > 0) throw new Error(`expected one sandbox under ${sandboxRoot}`);
  return join(sandboxRoot, sandbox, "work", "repo");
}

export async function runtimeBench(opts: { rounds: number }): Promise<RuntimeResult> {
  const dir = mkdtempSync(join(tmpdir(), "obsgen-bench-runtime-"));
  const sandboxRoot = join(dir, "sandboxes");
  mkdirSync(sandboxRoot);
  const runtime = createRuntime({
    provider: createLocalProvider({ root: sandboxRoot }),
    ratePerSandboxHour: 0.015,
    allowLocalRemotes: true,
    commandTimeoutMs: 60_000,
    maxActiveSandboxes: 1000,
  });
  try {
    const origin = await fixtureRepo(dir);
    const request = (task: string) => ({ repo_url: origin, agent_id: "bench", task_id: task });
    const must = async (p: ReturnType<typeof runtime.git.run>) => {
      const r = await p;
      if (!r.ok) throw new Error(`${r.operation} failed: ${r.error.type}: ${r.error.message}`);
      return r;
    };
    await must(runtime.git.run("clone", request("warm")));
    const repo = cloneIn(sandboxRoot);
    for (let i = 0; i < 300; i += 10) writeFileSync(join(repo, "src", `file${i}.txt`), `changed ${i}\n`);
    // The same commands the runtime's status and diff run (src/runtime/git/runtime.ts).
    const direct = rawGit(join(dir, "raw-home"));
    const ops = [
      { what: "status", raw: ["status", "--porcelain=v1", "--branch"] },
      { what: "diff", raw: ["diff", "HEAD", "--"] },
    ] as const;
    const rows: { what: string; runtime: Stat; raw: Stat }[] = [];
    for (const op of ops) {
      const [viaRuntime, viaGit] = [(await must(runtime.git.run(op.what, request("warm")))).output, await direct(repo, ...op.raw)];
      if (viaRuntime !== viaGit) throw new Error(`${op.what} through the runtime differs from git ${op.raw.join(" ")}`);
      const s = await sideBySide(
        [
          { key: "runtime", run: async () => (await must(runtime.git.run(op.what, request("warm")))).output.length },
          { key: "raw", run: async () => (await direct(repo, ...op.raw)).length },
        ],
        opts.rounds,
        3,
      );
      rows.push({ what: `${op.what} (git ${op.raw.join(" ")})`, runtime: ms(s.get("runtime") ?? stat([])), raw: ms(s.get("raw") ?? stat([])) });
    }

    // An agent's first request for a task: a new task creates a sandbox and clones; a task whose
    // sandbox is cached finds its clone there.
    let n = 0;
    const first = await sideBySide(
      [
        { key: "cold", run: async () => (await must(runtime.git.run("clone", request(`cold-${n++}`)))).output.length },
        { key: "warm", run: async () => (await must(runtime.git.run("clone", request("warm")))).output.length },
      ],
      opts.rounds,
      1,
    );
    return {
      scope:
        "Requests through the git runtime (`GitRuntime.run`: input validation, the sandbox cache, the local sandbox provider, classification and metrics), against the same git command spawned directly from Node in the same clone, as the sandbox spawns it (stdin closed, the sandbox's environment: bench/raw-git.ts); both print the same bytes (checked before measuring). The first request is a `clone`: for a new task it creates a sandbox and clones, for a cached task it finds the clone.",
      rows,
      coldFirst: ms(first.get("cold") ?? stat([])),
      warmFirst: ms(first.get("warm") ?? stat([])),
    };
  } finally {
    await runtime.shutdown();
    rmSync(dir, { recursive: true, force: true });
  }
}
