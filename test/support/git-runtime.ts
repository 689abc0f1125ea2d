// A runtime over the local sandbox provider, configured for tests: local remotes allowed, short
// backoffs, a private sandbox root so leftovers can be counted.
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLocalProvider } from "../../src/runtime/sandbox/local.ts";
import { createRuntime, type Runtime, type RuntimeOptions } from "../../src/runtime/runtime.ts";

export interface TestRuntime extends Runtime {
  sandboxRoot: string;
  /** Sandbox directories still on disk. */
  leftovers(): Promise<string[]>;
  dispose(): Promise<void>;
}

export async function createTestRuntime(overrides: Partial<RuntimeOptions> = {}): Promise<TestRuntime> {
  const sandboxRoot = await mkdtemp(join(tmpdir(), "obsgen-test-sandboxes-"));
  const runtime = createRuntime({
    provider: createLocalProvider({ root: sandboxRoot }),
    ratePerSandboxHour: 0.015,
    allowLocalRemotes: true,
    commandTimeoutMs: 20_000,
    pushRetry: { baseDelayMs: 5, maxDelayMs: 200 },
    ...overrides,
  });
  return {
    ...runtime,
    sandboxRoot,
    leftovers: () => readdir(sandboxRoot),
    async dispose() {
      await runtime.shutdown();
      await rm(sandboxRoot, { recursive: true, force: true });
    },
  };
}

/** The value of one series, by the generated module's typed labels. */
export function ops(runtime: Runtime, operation: "clone" | "status" | "diff" | "pull" | "push"): { started: number; success: number; failure: number; retry: number } {
  const c = runtime.metrics.gitOperationTotal;
  return {
    started: c.valueFor({ operation, status: "started" }),
    success: c.valueFor({ operation, status: "success" }),
    failure: c.valueFor({ operation, status: "failure" }),
    retry: c.valueFor({ operation, status: "retry" }),
  };
}
