// The git runtime is provider-agnostic: the same operations through the E2B provider (its
// unmodified SDK against the local emulator), recorded by the same metrics.
import { mkdtemp, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ValidationError } from "../src/runtime/git/input.ts";
import { createRuntime, type Runtime } from "../src/runtime/runtime.ts";
import { createE2BProvider } from "../src/runtime/sandbox/e2b.ts";
import { startE2BEmulator } from "./e2b-emulator/emulator.ts";
import { createRemotes, type Remotes } from "./support/git-remote.ts";
import { ops } from "./support/git-runtime.ts";

let remotes: Remotes;
let emulator: Awaited<ReturnType<typeof startE2BEmulator>>;
let rt: Runtime;

beforeAll(async () => {
  remotes = await createRemotes();
  emulator = await startE2BEmulator();
  rt = createRuntime({
    provider: createE2BProvider({ apiKey: emulator.apiKey, apiUrl: emulator.url, sandboxUrl: emulator.url }),
    ratePerSandboxHour: 0.015,
    allowLocalRemotes: true,
    commandTimeoutMs: 20_000,
  });
});

afterAll(async () => {
  await rt?.shutdown();
  await emulator?.stop();
  await remotes?.cleanup();
});

describe("a hostile repository in an E2B sandbox (SDK against the emulator)", () => {
  it("refuses a push through a symlink as a validation error and runs no hook planted in .git", async () => {
    const outside = await mkdtemp(join(tmpdir(), "obsgen-e2b-outside-"));
    const hostile = createRuntime({
      provider: createE2BProvider({ apiKey: emulator.apiKey, apiUrl: emulator.url, sandboxUrl: emulator.url }),
      ratePerSandboxHour: 0.015,
      allowLocalRemotes: true,
      commandTimeoutMs: 20_000,
    });
    try {
      const repo = await remotes.bareWith("e2b-hostile", async (dir) => {
        await writeFile(join(dir, "README.md"), "# hostile\n");
        await symlink(outside, join(dir, "out"));
        await symlink(".git", join(dir, "g"));
      });
      const base = { repo_url: repo, branch: "main", agent_id: "e2b-hostile", task_id: "t" };
      expect(await hostile.git.run("clone", base)).toMatchObject({ ok: true });
      for (const [path, field] of [["out/x.txt", "out is a symbolic link"], ["g/config", "g is a symbolic link"]] as const) {
        const refused = await hostile.git.run("push", { ...base, commit: { message: "attack", files: [{ path, content: "[core]\n\tfsmonitor = touch pwned\n" }] } }).then(
          () => undefined,
          (error: unknown) => error,
        );
        expect(refused).toBeInstanceOf(ValidationError);
        expect(refused).toMatchObject({ problems: [{ field: "commit.files.0.path", message: expect.stringContaining(field) }] });
      }
      expect(await readdir(outside)).toEqual([]);
      const marker = join(outside, "hook-ran");
      await hostile.cache.withSandbox({ agentId: base.agent_id, taskId: base.task_id, repoUrl: repo }, async (sandbox) => {
        const plant = `for h in pre-commit post-commit pre-push reference-transaction; do printf '#!/bin/sh\\ntouch ${marker}\\n' > repo/.git/hooks/$h; chmod +x repo/.git/hooks/$h; done`;
        expect((await sandbox.exec(["sh", "-c", plant], { timeoutMs: 10_000 })).exitCode).toBe(0);
      });
      const push = await hostile.git.run("push", { ...base, commit: { message: "ordinary", files: [{ path: "ok.txt", content: "ok\n" }] } });
      expect(push).toMatchObject({ ok: true, retries: 0 });
      expect(await readdir(outside)).toEqual([]);
    } finally {
      await hostile.shutdown();
      await rm(outside, { recursive: true, force: true });
    }
  }, 60_000);
});

describe("git operations in E2B sandboxes (SDK against the emulator)", () => {
  it("clones, commits, pushes and reports status through the E2B provider", async () => {
    const repo = await remotes.bare("e2b");
    const base = { repo_url: repo, branch: "main", agent_id: "e2b-agent", task_id: "t" };
    expect(await rt.git.run("clone", base)).toMatchObject({ ok: true });
    const push = await rt.git.run("push", { ...base, commit: { message: "from e2b", files: [{ path: "e.txt", content: "e\n" }] } });
    expect(push).toMatchObject({ ok: true, retries: 0 });
    expect(await rt.git.run("status", base)).toMatchObject({ ok: true, output: "## main...origin/main\n" });
    expect(await remotes.subjects("e2b")).toEqual(["from e2b", "initial"]);
    expect(ops(rt, "push")).toEqual({ started: 1, success: 1, failure: 0, retry: 0 });
    expect(rt.metrics.activeSandboxesTotal.valueFor({})).toBe(1);
    await rt.shutdown();
    expect(rt.metrics.activeSandboxesTotal.valueFor({})).toBe(0);
  }, 60_000);
});
