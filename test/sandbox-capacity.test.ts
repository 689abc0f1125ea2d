// MAX_ACTIVE_SANDBOXES under concurrency, over the real HTTP API with real git: three agents keep
// every slot busy with clones that hang (a listener that never answers, until git's timeout), and
// ten new agents arrive at once. A sandbox in use is never evicted, the new agents wait for a slot
// and then succeed, and at no moment do more than three sandboxes exist — by the gauge or on disk.
// When the wait is shorter than the busy spell, the newcomers get 503 with Retry-After.
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMetrics } from "../generated/metrics.ts";
import { CostMeter } from "../src/runtime/cost.ts";
import { SandboxBusyError, SandboxCache } from "../src/runtime/sandbox/cache.ts";
import { createLocalProvider } from "../src/runtime/sandbox/local.ts";
import type { Sandbox } from "../src/runtime/sandbox/provider.ts";
import { type RunningServer, startHttpServer } from "../src/runtime/http/server.ts";
import { createRemotes, type Remotes, startHangingServer } from "./support/git-remote.ts";
import { createTestRuntime, type TestRuntime } from "./support/git-runtime.ts";

const LIMIT = 3;

let remotes: Remotes;
let repo: string;
let hanging: Awaited<ReturnType<typeof startHangingServer>>;

beforeAll(async () => {
  remotes = await createRemotes();
  repo = await remotes.bare("capacity");
  hanging = await startHangingServer();
});

afterAll(async () => {
  await hanging?.stop();
  await remotes?.cleanup();
});

interface Answer {
  status: number;
  retryAfter: string | null;
  body: { ok: boolean; error?: { type: string } };
}

async function clone(server: RunningServer, repoUrl: string, agent: string): Promise<Answer> {
  const res = await fetch(`${server.url}/v1/git/clone`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ repo_url: repoUrl, agent_id: agent, task_id: "burst" }),
  });
  return { status: res.status, retryAfter: res.headers.get("retry-after"), body: (await res.json()) as Answer["body"] };
}

/** Samples the active gauge and the sandbox directories on disk until `done` settles. */
async function sample(rt: TestRuntime, done: Promise<unknown>): Promise<{ gauge: number[]; dirs: number[] }> {
  const gauge: number[] = [];
  const dirs: number[] = [];
  let finished = false;
  void done.finally(() => (finished = true));
  while (!finished) {
    gauge.push(rt.metrics.activeSandboxesTotal.valueFor({}));
    dirs.push((await rt.leftovers()).length);
    await new Promise((r) => setTimeout(r, 5));
  }
  return { gauge, dirs };
}

describe(`MAX_ACTIVE_SANDBOXES=${LIMIT} with every slot busy`, () => {
  it("makes ten new agents wait for a slot and then succeed, never evicting a busy sandbox nor exceeding the limit", async () => {
    const rt = await createTestRuntime({ maxActiveSandboxes: LIMIT, sandboxWaitMs: 30_000, commandTimeoutMs: 1_500 });
    const server = await startHttpServer(rt, { host: "127.0.0.1", port: 0 });
    try {
      const busy = Array.from({ length: LIMIT }, (_, i) => clone(server, hanging.url(`slow-${i}`), `holder-${i}`));
      for (let i = 0; i < 200 && rt.metrics.activeSandboxesTotal.valueFor({}) < LIMIT; i++) await new Promise((r) => setTimeout(r, 10));
      expect(rt.metrics.activeSandboxesTotal.valueFor({})).toBe(LIMIT);

      const order: string[] = [];
      const track = (name: string, p: Promise<Answer>) => p.then((a) => (order.push(name), a));
      const holders = busy.map((p, i) => track(`holder-${i}`, p));
      const newcomers = Array.from({ length: 10 }, (_, i) => track(`new-${i}`, clone(server, repo, `new-${i}`)));
      const all = Promise.all([...holders, ...newcomers]);
      const { gauge, dirs } = await sample(rt, all);
      const [held, came] = [await Promise.all(holders), await Promise.all(newcomers)];

      // The holders' sandboxes were never taken from them: their clones ran into git's timeout.
      expect(held.map((a) => a.body.error?.type)).toEqual(Array(LIMIT).fill("timeout"));
      // The newcomers waited for those slots, then all succeeded.
      expect(came.map((a) => a.status)).toEqual(Array(10).fill(200));
      expect(order.findIndex((n) => n.startsWith("new-"))).toBeGreaterThanOrEqual(1);
      expect(rt.metrics.gitErrorsTotal.valueFor({ operation: "clone", error_type: "sandbox_not_found" })).toBe(0);
      expect(Math.max(...gauge)).toBe(LIMIT);
      expect(Math.max(...dirs)).toBeLessThanOrEqual(LIMIT);
      expect(rt.metrics.sandboxCacheMissesTotal.valueFor({})).toBe(LIMIT + 10);
    } finally {
      await server.close();
      await rt.dispose();
    }
  }, 60_000);

  it("answers 503 with Retry-After when no slot frees up within SANDBOX_WAIT_SECONDS", async () => {
    const rt = await createTestRuntime({ maxActiveSandboxes: LIMIT, sandboxWaitMs: 300, commandTimeoutMs: 2_000 });
    const server = await startHttpServer(rt, { host: "127.0.0.1", port: 0 });
    try {
      const busy = Array.from({ length: LIMIT }, (_, i) => clone(server, hanging.url(`stuck-${i}`), `holder-${i}`));
      for (let i = 0; i < 200 && rt.metrics.activeSandboxesTotal.valueFor({}) < LIMIT; i++) await new Promise((r) => setTimeout(r, 10));
      const refused = await Promise.all(Array.from({ length: 4 }, (_, i) => clone(server, repo, `late-${i}`)));
      for (const answer of refused) {
        expect(answer.status).toBe(503);
        expect(answer.retryAfter).toBe("1");
        expect(answer.body).toMatchObject({ ok: false, operation: "clone", error: { type: "busy", retry_after_seconds: 1 } });
      }
      // Counted as failed operations of type other (the spec's error types have no "busy").
      expect(rt.metrics.gitErrorsTotal.valueFor({ operation: "clone", error_type: "other" })).toBe(4);
      expect(rt.metrics.activeSandboxesTotal.valueFor({})).toBe(LIMIT);
      expect((await readdir(rt.sandboxRoot)).length).toBe(LIMIT);
      await Promise.all(busy);
    } finally {
      await server.close();
      await rt.dispose();
    }
  }, 60_000);
});

describe("the sandbox cache's slots, driven directly", () => {
  async function setup(waitMs: number) {
    const root = await mkdtemp(join(tmpdir(), "obsgen-slots-"));
    const metrics = createMetrics();
    const cost = new CostMeter({ metrics, ratePerSandboxHour: 0.015 });
    const cache = new SandboxCache({ provider: createLocalProvider({ root }), metrics, cost, ttlMs: 60_000, maxActive: 1, waitMs });
    const key = (agent: string) => ({ agentId: agent, taskId: "t", repoUrl: "https://example.invalid/r.git" });
    /** Holds agent's sandbox until the returned release() is called. */
    function hold(agent: string) {
      let release: () => void = () => undefined;
      const released = new Promise<void>((r) => (release = r));
      let started: (s: Sandbox) => void = () => undefined;
      const sandbox = new Promise<Sandbox>((r) => (started = r));
      const done = cache.withSandbox(key(agent), async (s) => {
        started(s);
        await released;
        return s;
      });
      return { release: () => release(), done, sandbox };
    }
    const dispose = async () => {
      await cache.close();
      await rm(root, { recursive: true, force: true });
    };
    return { cache, metrics, key, hold, dispose, dirs: () => readdir(root) };
  }

  it("gives a waiting agent the slot once the sandbox in use is released, killing it only then", async () => {
    const { cache, key, hold, dispose, dirs } = await setup(30_000);
    try {
      const a = hold("a");
      const first = await a.sandbox;
      const b = cache.withSandbox(key("b"), async (s) => s.id);
      // Give b every chance to take the slot: it must not, while a holds it.
      await new Promise((r) => setTimeout(r, 100));
      expect(await first.isAlive()).toBe(true);
      expect(await dirs()).toHaveLength(1);
      a.release();
      await a.done;
      expect(await b).not.toBe(first.id);
      expect(await first.isAlive()).toBe(false);
      expect(await dirs()).toHaveLength(1);
    } finally {
      await dispose();
    }
  });

  it("refuses with SandboxBusyError once the wait runs out, and ends a wait when the cache closes", async () => {
    const { cache, key, hold, dispose } = await setup(50);
    const a = hold("a");
    try {
      await expect(cache.withSandbox(key("b"), async () => "never")).rejects.toBeInstanceOf(SandboxBusyError);
    } finally {
      a.release();
      await a.done;
    }
    const { cache: patient, key: k2, hold: hold2, dispose: dispose2 } = await setup(30_000);
    const held = hold2("a");
    const waiting = patient.withSandbox(k2("b"), async () => "never");
    await new Promise((r) => setTimeout(r, 50));
    const closing = dispose2();
    await expect(waiting).rejects.toThrow(/closed/);
    held.release();
    await held.done.catch(() => undefined);
    await closing;
    await dispose();
  });
});
