// The runtime at concurrency: many agents at once doing status/diff on their cached sandboxes
// through GitRuntime (validation, the sandbox cache, the local provider, classification, metrics),
// against the same git commands driven at the same concurrency straight from Node in the same
// clones, spawned as the sandbox spawns them (bench/raw-git.ts); and the push queue: N agents pushing one commit each to one branch of one remote.
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { OperationResult } from "../src/runtime/git/runtime.js";
import { createRuntime, type Runtime } from "../src/runtime/runtime.js";
import { createLocalProvider } from "../src/runtime/sandbox/local.js";
import { stat, type Stat } from "./measure.js";
import { rawGit } from "./raw-git.js";

const run = promisify(execFile);

async function git(cwd: string, ...args: string[]): Promise<string> {
  return (await run("git", args, { cwd, maxBuffer: 64 * 1024 * 1024 })).stdout;
}

// The commands the runtime's status and diff run (src/runtime/git/runtime.ts).
const RAW = { status: ["status", "--porcelain=v1", "--branch"], diff: ["diff", "HEAD", "--"] } as const;
type ReadOp = keyof typeof RAW;

export interface ConcurrencyResult {
  agents: number;
  opsPerAgent: number;
  /** Operations per second over a phase (all agents at once), per round. */
  runtimeOpsPerSec: Stat;
  rawOpsPerSec: Stat;
  /**
   * Per round, the runtime's operations per second over raw git's in the same round (the two
   * phases run back to back): the ratio with the load that drifts between rounds taken out, and
   * its min–max shows how far one round's ratio strays on this machine.
   */
  pairedRatio: Stat;
  /** Latency of one operation in ms, over every operation of every round. */
  runtimeLatency: { p50: number; p99: number };
  rawLatency: { p50: number; p99: number };
  push: { agents: number; seconds: Stat; pushesPerSec: Stat; retries: number }[];
}

function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}

/** A repository of a few hundred files; returns the path of a bare copy to clone and push to. */
async function fixture(dir: string): Promise<string> {
  const work = join(dir, "seed");
  mkdirSync(join(work, "src"), { recursive: true });
  await git(work, "init", "-q", "-b", "main");
  for (let i = 0; i < 300; i++) writeFileSync(join(work, "src", `file${i}.txt`), `${"line of text\n".repeat(40)}${i}\n`);
  await git(work, "add", "-A");
  await git(work, "-c", "user.name=bench", "-c", "user.email=bench@example.invalid", "commit", "-q", "-m", "fixture");
  const bare = join(dir, "origin.git");
  await git(dir, "clone", "-q", "--bare", work, bare);
  return bare;
}

function newRuntime(root: string): Runtime {
  return createRuntime({
    provider: createLocalProvider({ root }),
    ratePerSandboxHour: 0.015,
    allowLocalRemotes: true,
    commandTimeoutMs: 120_000,
    maxActiveSandboxes: 1000,
    pushRetry: { baseDelayMs: 5, maxDelayMs: 200 },
  });
}

function must(r: OperationResult): OperationResult {
  if (!r.ok) throw new Error(`${r.operation} failed: ${r.error.type}: ${r.error.message}`);
  return r;
}

export async function concurrencyBench(opts: { agents: number; opsPerAgent: number; rounds: number; pushAgents: readonly number[]; pushRounds: number }): Promise<ConcurrencyResult> {
  const dir = mkdtempSync(join(tmpdir(), "obsgen-bench-concurrency-"));
  const root = join(dir, "sandboxes");
  mkdirSync(root);
  const runtime = newRuntime(root);
  try {
    const origin = await fixture(dir);
    const request = (n: number) => ({ repo_url: origin, agent_id: `agent-${n}`, task_id: "read" });
    // One sandbox per agent, cloned all at once; every clone gets the same edits, so status and
    // diff print the same bytes in each and raw git can take any clone as its agent's.
    const before = new Set(readdirSync(root));
    await Promise.all(Array.from({ length: opts.agents }, (_, n) => runtime.git.run("clone", request(n)).then(must)));
    const clones = readdirSync(root)
      .filter((d) => !before.has(d))
      .map((d) => join(root, d, "work", "repo"));
    if (clones.length !== opts.agents) throw new Error(`${opts.agents} agents made ${clones.length} sandboxes`);
    for (const repo of clones) for (let i = 0; i < 300; i += 10) writeFileSync(join(repo, "src", `file${i}.txt`), `changed ${i}\n`);
    const opOf = (k: number): ReadOp => (k % 2 === 0 ? "status" : "diff");
    const phase = async (one: (n: number, op: ReadOp) => Promise<unknown>, latencies: number[]): Promise<number> => {
      const t0 = process.hrtime.bigint();
      await Promise.all(
        clones.map(async (_, n) => {
          // Every agent asks at the start of the phase, then again as soon as an answer arrives.
          // (Its clock must not start when the call is made: raw git spawns within the call, so the
          // 50th agent would call only after 49 spawns and never count that wait; the runtime
          // takes every request first and spawns later, and would count it for all.)
          let asked = t0;
          for (let k = 0; k < opts.opsPerAgent; k++) {
            await one(n, opOf(k + n));
            const answered = process.hrtime.bigint();
            latencies.push(Number(answered - asked) / 1e6);
            asked = answered;
          }
        }),
      );
      return (clones.length * opts.opsPerAgent) / (Number(process.hrtime.bigint() - t0) / 1e9);
    };
    const viaRuntime = (n: number, op: ReadOp) => runtime.git.run(op, request(n)).then(must);
    const direct = rawGit(join(dir, "raw-home"));
    const viaGit = (n: number, op: ReadOp) => direct(clones[n] ?? "", ...RAW[op]);
    const [first] = clones;
    if (first === undefined) throw new Error("no agents");
    for (const op of ["status", "diff"] as const) {
      const output = must(await runtime.git.run(op, request(0)));
      if (output.ok && output.output !== (await direct(first, ...RAW[op]))) throw new Error(`${op} through the runtime differs from raw git`);
    }
    // Warm both paths once, then alternate which goes first each round.
    await phase(viaRuntime, []);
    await phase(viaGit, []);
    const rt: number[] = [];
    const raw: number[] = [];
    const rtLat: number[] = [];
    const rawLat: number[] = [];
    for (let r = 0; r < opts.rounds; r++) {
      if (r % 2 === 0) {
        rt.push(await phase(viaRuntime, rtLat));
        raw.push(await phase(viaGit, rawLat));
      } else {
        raw.push(await phase(viaGit, rawLat));
        rt.push(await phase(viaRuntime, rtLat));
      }
    }

    const push: ConcurrencyResult["push"] = [];
    for (const agents of opts.pushAgents) {
      const seconds: number[] = [];
      let retries = 0;
      for (let r = 0; r < opts.pushRounds; r++) {
        const task = `push-${agents}-${r}`;
        const base = (n: number) => ({ repo_url: origin, branch: "main", agent_id: `pusher-${n}`, task_id: task });
        await Promise.all(Array.from({ length: agents }, (_, n) => runtime.git.run("clone", base(n)).then(must)));
        const t0 = process.hrtime.bigint();
        await Promise.all(
          Array.from({ length: agents }, async (_, n) => {
            const commit = { message: `${task} agent ${n}`, files: [{ path: `pushes/${task}/${n}.txt`, content: `${n}\n` }] };
            let result = await runtime.git.run("push", { ...base(n), commit });
            // A push that lost every retry keeps its commit; the agent pushes again, as agents do.
            while (!result.ok) result = await runtime.git.run("push", base(n));
            retries += result.retries ?? 0;
          }),
        );
        seconds.push(Number(process.hrtime.bigint() - t0) / 1e9);
      }
      push.push({ agents, seconds: stat(seconds), pushesPerSec: stat(seconds.map((s) => agents / s)), retries });
    }
    return {
      agents: opts.agents,
      opsPerAgent: opts.opsPerAgent,
      runtimeOpsPerSec: stat(rt),
      rawOpsPerSec: stat(raw),
      pairedRatio: stat(rt.map((x, r) => x / (raw[r] ?? NaN))),
      runtimeLatency: { p50: percentile(rtLat, 50), p99: percentile(rtLat, 99) },
      rawLatency: { p50: percentile(rawLat, 50), p99: percentile(rawLat, 99) },
      push,
    };
  } finally {
    await runtime.shutdown();
    rmSync(dir, { recursive: true, force: true });
  }
}
