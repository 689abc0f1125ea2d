// What only the E2B provider does: the SDK's failures mapped to the guide's error types, the
// sandbox configuration it sends, and the shell quoting of argv. All against the local emulator,
// which the unmodified `e2b` SDK talks to over HTTP and Connect RPC.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { Sandbox as SdkSandbox } from "e2b";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createE2BProvider,
  DEFAULT_E2B_COST_PER_SANDBOX_HOUR,
  type E2BProviderOptions,
  e2bOptionsFromEnv,
  shellQuote,
} from "../src/runtime/sandbox/e2b.ts";
import { type E2BEmulator, startE2BEmulator } from "./e2b-emulator/emulator.ts";
import { sandboxFailure } from "./support/sandbox-contract.ts";

const T = { timeoutMs: 20_000 };
const SLOW = 30_000;

async function eventually(check: () => Promise<boolean>, attempts = 50): Promise<boolean> {
  for (let i = 0; i < attempts; i++) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

describe("the E2B provider against the emulator", () => {
  let emulator: E2BEmulator;
  let base: E2BProviderOptions;

  beforeAll(async () => {
    emulator = await startE2BEmulator();
    base = { apiKey: emulator.apiKey, apiUrl: emulator.url, sandboxUrl: emulator.url };
  });
  afterAll(async () => {
    await emulator.stop();
  });

  it("raises auth when E2B rejects the API key", async () => {
    const provider = createE2BProvider({ ...base, apiKey: "e2b_wrong_key" });
    expect((await sandboxFailure(provider.create())).errorType).toBe("auth");
    expect(emulator.aliveIds()).toEqual([]);
  });

  it("sends the template, metadata and lifetime to E2B's control plane", async () => {
    const provider = createE2BProvider({ ...base, template: "git-runtime", timeoutMs: 120_000 });
    const sandbox = await provider.create({ metadata: { agent: "a1", task: "t1", repo: "r" } });
    const listed = await SdkSandbox.list({ ...base }).nextItems();
    const info = listed.find((s) => s.sandboxId === sandbox.id);
    expect(info?.templateId).toBe("git-runtime");
    expect(info?.metadata).toEqual({ agent: "a1", task: "t1", repo: "r" });
    const lifetimeMs = (info?.endAt.getTime() ?? 0) - (info?.startedAt.getTime() ?? 0);
    expect(Math.round(lifetimeMs / 1000)).toBe(120);
    await provider.shutdown();
    expect(emulator.aliveIds()).not.toContain(sandbox.id);
  }, SLOW);

  it("raises sandbox_not_found for a sandbox E2B ended (exec, writeFile), and reports it dead", async () => {
    const provider = createE2BProvider(base);
    const sandbox = await provider.create();
    expect(await emulator.killSandbox(sandbox.id)).toBe(true);
    expect(await sandbox.isAlive()).toBe(false);
    expect((await sandboxFailure(sandbox.exec(["echo", "x"], T))).errorType).toBe("sandbox_not_found");
    expect((await sandboxFailure(sandbox.writeFile("f.txt", "x"))).errorType).toBe("sandbox_not_found");
    await sandbox.kill(); // E2B no longer knows it: still a clean kill
    await provider.shutdown();
  }, SLOW);

  it("raises sandbox_not_found when the sandbox is killed in the middle of a command", async () => {
    const provider = createE2BProvider(base);
    const sandbox = await provider.create();
    const running = sandboxFailure(sandbox.exec(["sh", "-c", "touch started; sleep 60"], T));
    expect(await eventually(async () => (await sandbox.exec(["test", "-e", "started"], T)).exitCode === 0)).toBe(true);
    await emulator.killSandbox(sandbox.id);
    expect((await running).errorType).toBe("sandbox_not_found");
    expect(existsSync(sandbox.workdir)).toBe(false); // the emulator's sandbox root is gone with it
    await provider.shutdown();
  }, SLOW);

  it("lets E2B end a sandbox at the end of its configured lifetime", async () => {
    const provider = createE2BProvider({ ...base, timeoutMs: 1_000 });
    const sandbox = await provider.create();
    expect(await eventually(async () => !(await sandbox.isAlive()))).toBe(true);
    expect((await sandboxFailure(sandbox.exec(["true"], T))).errorType).toBe("sandbox_not_found");
    await provider.shutdown();
  }, SLOW);

  it("raises network when E2B cannot be reached, on create and on exec", async () => {
    const own = await startE2BEmulator();
    const provider = createE2BProvider({ apiKey: own.apiKey, apiUrl: own.url, sandboxUrl: own.url });
    const sandbox = await provider.create();
    await own.stop();
    expect((await sandboxFailure(provider.create())).errorType).toBe("network");
    expect((await sandboxFailure(sandbox.exec(["echo", "x"], T))).errorType).toBe("network");
    expect((await sandboxFailure(sandbox.writeFile("f.txt", "x"))).errorType).toBe("network");
    expect(await sandbox.isAlive()).toBe(false);
  }, SLOW);
});

describe("E2B configuration", () => {
  it("selects E2B only when E2B_API_KEY is set", () => {
    expect(e2bOptionsFromEnv({})).toBeUndefined();
    expect(e2bOptionsFromEnv({ E2B_API_KEY: "" })).toBeUndefined();
    expect(e2bOptionsFromEnv({ E2B_API_KEY: "k" })?.apiKey).toBe("k");
  });

  it("reads template, lifetime and cost rate from the environment", () => {
    const options = e2bOptionsFromEnv({
      E2B_API_KEY: "k",
      E2B_TEMPLATE: "git",
      E2B_SANDBOX_TIMEOUT_MS: "600000",
      E2B_COST_PER_SANDBOX_HOUR: "0.1",
    });
    expect(options).toMatchObject({ template: "git", timeoutMs: 600_000, costPerSandboxHour: 0.1 });
    expect(createE2BProvider({ apiKey: "k", costPerSandboxHour: 0.1 }).costPerSandboxHour).toBe(0.1);
  });

  it("defaults the rate to the guide's $0.015 per sandbox-hour", () => {
    expect(DEFAULT_E2B_COST_PER_SANDBOX_HOUR).toBe(0.015);
    expect(createE2BProvider({ apiKey: "k" }).costPerSandboxHour).toBe(0.015);
  });

  it("rejects a rate or lifetime that is not a positive number, naming the variable", () => {
    expect(() => e2bOptionsFromEnv({ E2B_API_KEY: "k", E2B_COST_PER_SANDBOX_HOUR: "cheap" })).toThrow(
      /E2B_COST_PER_SANDBOX_HOUR/,
    );
    expect(() => e2bOptionsFromEnv({ E2B_API_KEY: "k", E2B_SANDBOX_TIMEOUT_MS: "-1" })).toThrow(/E2B_SANDBOX_TIMEOUT_MS/);
  });
});

describe("argv quoting for the sandbox shell", () => {
  const awkward = fc.constantFrom("'", '"', "\\", "$", "`", "\n", " ", "!", "*", "?", ";", "|", "&", "(", "~", "-", "é");
  const arg = fc.string({ unit: fc.oneof(awkward, fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 })) }).filter((s) => !s.includes("\0"));

  it("gives bash back exactly the argv it was given", () => {
    fc.assert(
      fc.property(fc.array(arg, { minLength: 1, maxLength: 6 }), (argv) => {
        const out = spawnSync("bash", ["-c", `printf '%s\\0' ${shellQuote(argv)}`], { encoding: "utf8" });
        expect(out.stdout.split("\0").slice(0, -1)).toEqual(argv);
      }),
      { numRuns: 60 },
    );
  });

  it("refuses an empty argv and an argument with a NUL byte", () => {
    expect(() => shellQuote([])).toThrow(/program/);
    expect(() => shellQuote(["a\0b"])).toThrow(/NUL/);
  });
});
