// Load and faults: 20 agents push 5 commits each, concurrently, to one bare repository on this
// machine (a local path, so two cores spend their time in git rather than in CGI processes; the
// http-backend remote is exercised in git-operations.test.ts). Every commit lands, none is lost,
// and the counters equal what was performed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OperationResult } from "../src/runtime/git/runtime.ts";
import { createRemotes, type Remotes } from "./support/git-remote.ts";
import { createTestRuntime, ops, type TestRuntime } from "./support/git-runtime.ts";

const AGENTS = Number(process.env["LOAD_AGENTS"] ?? 20);
const COMMITS = 5;

let remotes: Remotes;
let url: string;
let rt: TestRuntime;

beforeAll(async () => {
  remotes = await createRemotes();
  url = await remotes.bare("shared");
  rt = await createTestRuntime();
});

afterAll(async () => {
  await rt?.dispose();
  await remotes?.cleanup();
});

describe(`${AGENTS} agents pushing ${COMMITS} commits each to one remote`, () => {
  it("lands every commit, loses none, and counts exactly the operations performed", async () => {
    const performed = { pushes: 0, pushSuccess: 0, pushFailure: 0, retries: 0, conflicts: 0 };
    const agent = async (n: number) => {
      const base = { repo_url: url, branch: "main", agent_id: `agent-${n}`, task_id: "load" };
      const clone = await rt.git.run("clone", base);
      expect(clone.ok).toBe(true);
      for (let c = 0; c < COMMITS; c++) {
        const commit = { message: `agent-${n} commit ${c}`, files: [{ path: `agents/${n}/${c}.txt`, content: `${n}/${c}\n` }] };
        let result: OperationResult = await rt.git.run("push", { ...base, commit });
        performed.pushes++;
        // An agent whose push lost every retry pushes again: its commit is still there.
        while (!result.ok) {
          expect(result.error.type).toBe("conflict");
          performed.pushFailure++;
          performed.retries += 5;
          if (result.error.conflicting_files) performed.conflicts++;
          result = await rt.git.run("push", base);
          performed.pushes++;
        }
        performed.pushSuccess++;
        performed.retries += result.retries ?? 0;
      }
    };
    await Promise.all(Array.from({ length: AGENTS }, (_, n) => agent(n)));

    expect(await remotes.countCommits("shared")).toBe(1 + AGENTS * COMMITS);
    const subjects = new Set(await remotes.subjects("shared"));
    for (let n = 0; n < AGENTS; n++) for (let c = 0; c < COMMITS; c++) expect(subjects).toContain(`agent-${n} commit ${c}`);

    expect(ops(rt, "clone")).toEqual({ started: AGENTS, success: AGENTS, failure: 0, retry: 0 });
    expect(ops(rt, "push")).toEqual({ started: performed.pushes, success: performed.pushSuccess, failure: performed.pushFailure, retry: performed.retries });
    const byAttempt = (["1", "2", "3", "4", "5"] as const).map((attempt) => rt.metrics.gitPushRetryCountTotal.valueFor({ attempt }));
    expect(byAttempt.reduce((a, b) => a + b, 0)).toBe(performed.retries);
    // Attempt k+1 only happens after attempt k.
    for (let i = 1; i < byAttempt.length; i++) expect(byAttempt[i]).toBeLessThanOrEqual(byAttempt[i - 1] ?? 0);
    expect(rt.metrics.gitErrorsTotal.valueFor({ operation: "push", error_type: "conflict" })).toBe(performed.pushFailure);
    expect(rt.metrics.gitConflictsDetectedTotal.valueFor({ operation: "push" })).toBe(performed.conflicts);
    expect(rt.metrics.gitOperationDurationSeconds.countOf({ operation: "push" })).toBe(performed.pushes);
    expect(rt.metrics.sandboxCacheMissesTotal.valueFor({})).toBe(AGENTS);
    expect(rt.metrics.sandboxCacheHitsTotal.valueFor({})).toBe(performed.pushes);
    expect(rt.metrics.activeSandboxesTotal.valueFor({})).toBe(AGENTS);
  }, 300_000);

  it("shuts down gracefully: every sandbox killed, the gauge at 0, no sandbox directory left", async () => {
    await rt.shutdown();
    expect(rt.metrics.activeSandboxesTotal.valueFor({})).toBe(0);
    expect(rt.metrics.estimatedCostDollars.valueFor({ period: "monthly" })).toBe(0);
    expect(await rt.leftovers()).toEqual([]);
  });
});
