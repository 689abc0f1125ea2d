// The git runtime is provider-agnostic: the same operations through the E2B provider (its
// unmodified SDK against the local emulator), recorded by the same metrics.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
