// The git operations against real remotes on 127.0.0.1: git http-backend behind basic auth, a
// server that hangs, a closed port, and a sandbox killed mid-operation; each failure is produced
// for real and classified.
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closedPort, createRemotes, type GitHttpServer, type Remotes, startGitHttpServer, startHangingServer } from "./support/git-remote.ts";
import { createTestRuntime, ops, type TestRuntime } from "./support/git-runtime.ts";

const USER = "agent-bot";
const PASSWORD = "s3cret-Passw0rd-xyz";

let remotes: Remotes;
let server: GitHttpServer;

beforeAll(async () => {
  remotes = await createRemotes();
  server = await startGitHttpServer(remotes.root, USER, PASSWORD);
});

afterAll(async () => {
  await server?.stop();
  await remotes?.cleanup();
});

function req(repo_url: string, agent_id = "agent-1", extra: Record<string, unknown> = {}) {
  return { repo_url, branch: "main", agent_id, task_id: "task-1", ...extra };
}

describe("git operations over git http-backend with basic auth", () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await createTestRuntime({ credentials: { username: USER, password: PASSWORD }, credentialHosts: [`127.0.0.1:${server.port}`] });
    await remotes.bare("happy");
  });
  afterAll(() => rt.dispose());

  it("clones, shows status and diff, commits and pushes, and pulls, counting each operation once", async () => {
    const url = server.url("happy");
    expect(await rt.git.run("clone", req(url))).toMatchObject({ ok: true, operation: "clone" });
    const status = await rt.git.run("status", req(url));
    expect(status).toMatchObject({ ok: true, output: expect.stringContaining("## main...origin/main") });
    expect(await rt.git.run("diff", req(url))).toMatchObject({ ok: true, output: "" });
    const push = await rt.git.run("push", req(url, "agent-1", { commit: { message: "add notes", files: [{ path: "docs/notes.md", content: "hi\n" }] } }));
    expect(push).toMatchObject({ ok: true, retries: 0 });
    expect(await remotes.subjects("happy")).toEqual(["add notes", "initial"]);
    expect(await rt.git.run("pull", req(url))).toMatchObject({ ok: true });
    for (const op of ["clone", "status", "diff", "push", "pull"] as const) {
      expect(ops(rt, op)).toEqual({ started: 1, success: 1, failure: 0, retry: 0 });
      expect(rt.metrics.gitOperationDurationSeconds.countOf({ operation: op })).toBe(1);
    }
    // One sandbox for agent-1/task-1/happy: created once, reused four times.
    expect(rt.metrics.sandboxCacheMissesTotal.valueFor({})).toBe(1);
    expect(rt.metrics.sandboxCacheHitsTotal.valueFor({})).toBe(4);
    expect(rt.metrics.sandboxCreationSeconds.countOf({})).toBe(1);
    expect(rt.metrics.activeSandboxesTotal.valueFor({})).toBe(1);
  });

  it("takes credentials out of the URL: they reach git by askpass and appear in no result or clone config", async () => {
    const fresh = await createTestRuntime();
    try {
      const url = server.url("happy").replace("http://", `http://${USER}:${PASSWORD}@`);
      const clone = await fresh.git.run("clone", req(url, "agent-url"));
      expect(clone.ok).toBe(true);
      expect(JSON.stringify(clone)).not.toContain(PASSWORD);
      const [dir] = await fresh.leftovers();
      const config = await readFile(`${fresh.sandboxRoot}/${dir}/work/repo/.git/config`, "utf8");
      expect(config).toContain(server.url("happy"));
      expect(config).not.toContain(PASSWORD);
    } finally {
      await fresh.dispose();
    }
  });

  it("classifies wrong credentials as auth and redacts the password from the error", async () => {
    const url = server.url("happy").replace("http://", `http://${USER}:wrong-${PASSWORD}@`);
    const result = await rt.git.run("clone", req(url, "agent-wrong"));
    expect(result).toMatchObject({ ok: false, error: { type: "auth" } });
    expect(JSON.stringify(result)).not.toContain(PASSWORD);
    expect(rt.metrics.gitErrorsTotal.valueFor({ operation: "clone", error_type: "auth" })).toBe(1);
  });

  it("classifies missing credentials as auth", async () => {
    const anonymous = await createTestRuntime();
    try {
      expect(await anonymous.git.run("clone", req(server.url("happy")))).toMatchObject({ ok: false, error: { type: "auth" } });
    } finally {
      await anonymous.dispose();
    }
  });

  it("rebases a push rejected as non-fast-forward, retries it and counts the retry", async () => {
    await remotes.bare("diverge");
    const url = server.url("diverge");
    expect((await rt.git.run("clone", req(url, "agent-d"))).ok).toBe(true);
    await remotes.commitAsOther("diverge", { "other.txt": "theirs\n" }, "their change");
    const before = rt.metrics.gitPushRetryCountTotal.valueFor({ attempt: "1" });
    const retriesBefore = ops(rt, "push").retry;
    const push = await rt.git.run("push", req(url, "agent-d", { commit: { message: "our change", files: [{ path: "ours.txt", content: "ours\n" }] } }));
    expect(push).toMatchObject({ ok: true, retries: 1 });
    expect(await remotes.subjects("diverge")).toEqual(["our change", "their change", "initial"]);
    // One re-push: the response, the per-attempt counter and the retry status all say 1.
    expect(rt.metrics.gitPushRetryCountTotal.valueFor({ attempt: "1" })).toBe(before + 1);
    expect(ops(rt, "push").retry).toBe(retriesBefore + 1);
  });

  it("aborts a conflicting rebase, reports the files, keeps the local commit and never forces", async () => {
    await remotes.bare("conflict", { "shared.txt": "base\n" });
    const url = server.url("conflict");
    expect((await rt.git.run("clone", req(url, "agent-c"))).ok).toBe(true);
    await remotes.commitAsOther("conflict", { "shared.txt": "theirs\n" }, "their edit");
    const conflictsBefore = rt.metrics.gitConflictsDetectedTotal.valueFor({ operation: "push" });
    const retriesBefore = ops(rt, "push").retry;
    const attemptBefore = rt.metrics.gitPushRetryCountTotal.valueFor({ attempt: "1" });
    const push = await rt.git.run("push", req(url, "agent-c", { commit: { message: "our edit", files: [{ path: "shared.txt", content: "ours\n" }] } }));
    expect(push).toMatchObject({ ok: false, retries: 0, error: { type: "conflict", conflicting_files: ["shared.txt"] } });
    // Rejected, rebased, conflicted: no re-push was made, so no retry is counted anywhere.
    expect(ops(rt, "push").retry).toBe(retriesBefore);
    expect(rt.metrics.gitPushRetryCountTotal.valueFor({ attempt: "1" })).toBe(attemptBefore);
    expect(rt.metrics.gitConflictsDetectedTotal.valueFor({ operation: "push" })).toBe(conflictsBefore + 1);
    expect(rt.metrics.gitErrorsTotal.valueFor({ operation: "push", error_type: "conflict" })).toBe(1);
    expect(await remotes.subjects("conflict")).toEqual(["their edit", "initial"]);
    // The local commit survives the aborted rebase: the clone is one ahead, one behind, clean.
    const status = await rt.git.run("status", req(url, "agent-c"));
    expect(status).toMatchObject({ ok: true, output: "## main...origin/main [ahead 1, behind 1]\n" });
    // A pull meets the same conflict and is counted under pull.
    expect(await rt.git.run("pull", req(url, "agent-c"))).toMatchObject({ ok: false, error: { type: "conflict" } });
    expect(rt.metrics.gitConflictsDetectedTotal.valueFor({ operation: "pull" })).toBe(1);
  });
});

describe("a failed push leaves nothing for the next one", () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await createTestRuntime({ credentials: { username: USER, password: PASSWORD }, credentialHosts: [`127.0.0.1:${server.port}`] });
  });
  afterAll(() => rt.dispose());

  it("unstages and removes the files of a push whose add fails, so the next commit holds only its own files", async () => {
    await remotes.bare("leftovers", { ".gitignore": "*.log\n", "kept.txt": "base\n" });
    const url = server.url("leftovers");
    expect((await rt.git.run("clone", req(url, "agent-l"))).ok).toBe(true);
    // git stages a.txt, then refuses the ignored debug.log: the push fails after the index changed.
    const failed = await rt.git.run("push", req(url, "agent-l", {
      commit: { message: "first", files: [{ path: "a.txt", content: "a\n" }, { path: "kept.txt", content: "changed\n" }, { path: "debug.log", content: "d\n" }] },
    }));
    expect(failed).toMatchObject({ ok: false, error: { type: "other", message: expect.stringContaining("ignored") } });
    expect(await rt.git.run("status", req(url, "agent-l"))).toMatchObject({ ok: true, output: "## main...origin/main\n" });
    const second = await rt.git.run("push", req(url, "agent-l", { commit: { message: "second", files: [{ path: "b.txt", content: "b\n" }] } }));
    expect(second).toMatchObject({ ok: true, retries: 0 });
    expect(await remotes.subjects("leftovers")).toEqual(["second", "initial"]);
    expect(await remotes.lastCommitFiles("leftovers")).toEqual(["b.txt"]);
  });

  it("keeps the local commit of a push the remote refused, with a clean index, and the next commit holds only its own files", async () => {
    await remotes.bare("refused");
    const url = server.url("refused");
    expect((await rt.git.run("clone", req(url, "agent-r"))).ok).toBe(true);
    const wrong = url.replace("http://", `http://${USER}:wrong-password@`);
    const failed = await rt.git.run("push", req(wrong, "agent-r", { commit: { message: "first", files: [{ path: "a.txt", content: "a\n" }] } }));
    expect(failed).toMatchObject({ ok: false, retries: 0, error: { type: "auth" } });
    expect(await rt.git.run("status", req(url, "agent-r"))).toMatchObject({ ok: true, output: "## main...origin/main [ahead 1]\n" });
    const second = await rt.git.run("push", req(url, "agent-r", { commit: { message: "second", files: [{ path: "b.txt", content: "b\n" }] } }));
    expect(second).toMatchObject({ ok: true });
    expect(await remotes.subjects("refused")).toEqual(["second", "first", "initial"]);
    expect(await remotes.lastCommitFiles("refused")).toEqual(["b.txt"]);
  });
});

describe("a remote that moves after every fetch", () => {
  it("gives up after 5 retries as a conflict, counting attempts 1 to 5, and keeps the local commit", async () => {
    await remotes.bare("moving");
    let moves = 0;
    const moving = await startGitHttpServer(remotes.root, USER, PASSWORD, {
      afterFetch: (path) => (path.includes("moving") ? remotes.commitAsOther("moving", { [`other-${moves}.txt`]: "x\n" }, `other ${moves++}`) : Promise.resolve()),
    });
    const rt = await createTestRuntime({ credentials: { username: USER, password: PASSWORD }, credentialHosts: [`127.0.0.1:${moving.port}`] });
    try {
      const base = req(moving.url("moving"), "agent-m");
      expect((await rt.git.run("clone", base)).ok).toBe(true);
      const push = await rt.git.run("push", { ...base, commit: { message: "ours", files: [{ path: "ours.txt", content: "o\n" }] } });
      expect(push).toMatchObject({ ok: false, retries: 5, error: { type: "conflict", message: expect.stringContaining("6 times") } });
      for (const attempt of ["1", "2", "3", "4", "5"] as const) expect(rt.metrics.gitPushRetryCountTotal.valueFor({ attempt })).toBe(1);
      expect(ops(rt, "push")).toEqual({ started: 1, success: 0, failure: 1, retry: 5 });
      expect(rt.metrics.gitConflictsDetectedTotal.valueFor({ operation: "push" })).toBe(0);
      expect(await remotes.subjects("moving")).not.toContain("ours");
      const status = await rt.git.run("status", base);
      expect(status).toMatchObject({ ok: true, output: expect.stringMatching(/^## main\.\.\.origin\/main \[ahead 1/) });
    } finally {
      await rt.dispose();
      await moving.stop();
    }
  });
});

describe("failures produced for real", () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await createTestRuntime({ commandTimeoutMs: 1_500 });
  });
  afterAll(() => rt.dispose());

  it("classifies a refused connection as network", async () => {
    const port = await closedPort();
    const result = await rt.git.run("clone", req(`http://127.0.0.1:${port}/x.git`, "agent-net"));
    expect(result).toMatchObject({ ok: false, error: { type: "network" } });
    expect(rt.metrics.gitErrorsTotal.valueFor({ operation: "clone", error_type: "network" })).toBe(1);
  });

  it("classifies a remote that accepts and never answers as timeout", async () => {
    const hanging = await startHangingServer();
    try {
      const result = await rt.git.run("clone", req(hanging.url("x"), "agent-hang"));
      expect(result).toMatchObject({ ok: false, error: { type: "timeout" } });
      expect(rt.metrics.gitErrorsTotal.valueFor({ operation: "clone", error_type: "timeout" })).toBe(1);
    } finally {
      await hanging.stop();
    }
  });

  it("classifies a sandbox killed mid-operation as sandbox_not_found and drops it from the gauge", async () => {
    const hanging = await startHangingServer();
    const slow = await createTestRuntime({ commandTimeoutMs: 20_000 });
    try {
      const pending = slow.git.run("clone", req(hanging.url("x"), "agent-killed"));
      while (slow.metrics.activeSandboxesTotal.valueFor({}) === 0) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 200));
      await slow.provider.shutdown();
      expect(await pending).toMatchObject({ ok: false, error: { type: "sandbox_not_found" } });
      await slow.cache.sweep();
      expect(slow.metrics.activeSandboxesTotal.valueFor({})).toBe(0);
      expect(ops(slow, "clone")).toEqual({ started: 1, success: 0, failure: 1, retry: 0 });
    } finally {
      await slow.dispose();
      await hanging.stop();
    }
  });

  it("fails status on an agent that has not cloned, as other", async () => {
    const result = await rt.git.run("status", req("https://example.invalid/never.git", "agent-none"));
    expect(result).toMatchObject({ ok: false, error: { type: "other", message: expect.stringContaining("clone first") } });
  });
});
