// The runtime's composition root: one metrics registry (the generated module), the cost meter,
// the sandbox cache over a provider, and the git operations on top. The HTTP API, the MCP server
// and the tests all build it here.
import { createMetrics, type Metrics } from "../../generated/metrics.ts";
import { CostMeter } from "./cost.ts";
import type { Project } from "./project.ts";
import type { Operation } from "./git/input.ts";
import { type CallContext, GitRuntime, type GitRuntimeOptions, type LogLine } from "./git/runtime.ts";
import type { RunResult } from "./results.ts";
import { SandboxBusyError, SandboxCache } from "./sandbox/cache.ts";
import type { SandboxProvider } from "./sandbox/provider.ts";

export interface RuntimeOptions extends Omit<GitRuntimeOptions, "metrics" | "cache" | "cost"> {
  provider: SandboxProvider;
  /** Dollars per sandbox-hour (the spec's cost.ratePerSandboxHour unless overridden). */
  ratePerSandboxHour: number;
  /** An idle sandbox is killed after this long. */
  sandboxTtlMs?: number;
  maxActiveSandboxes?: number;
  /** How long a request waits for a sandbox slot when all are busy before it is refused. */
  sandboxWaitMs?: number;
  /** Project that sandbox-hours are booked to: one the spec declares (default: `default`). */
  project?: Project;
  /** How often expired sandboxes are swept and sandbox-hours accrued. */
  tickMs?: number;
  /** Monotonic milliseconds; injectable for tests of TTL and cost. */
  now?: () => number;
}

export interface Runtime {
  readonly metrics: Metrics;
  readonly git: GitRuntime;
  readonly cache: SandboxCache;
  readonly cost: CostMeter;
  readonly provider: SandboxProvider;
  /**
   * Validates and runs one operation (throws ValidationError). A request refused for want of a
   * sandbox slot is a BusyResult; it is also counted as a failed operation of type "other". The
   * call's request id, when given, is on every log line the operation writes.
   */
  run(operation: Operation, body: unknown, call?: CallContext): Promise<RunResult>;
  /** The runtime's log (a no-op unless RuntimeOptions.log is given); the HTTP API logs requests to it. */
  readonly log: (line: LogLine) => void;
  /** Kills every sandbox; the active gauge ends at 0 and the last sandbox-hours are booked. */
  shutdown(): Promise<void>;
}

export function createRuntime(opts: RuntimeOptions): Runtime {
  const metrics = createMetrics();
  const cost = new CostMeter({ metrics, ratePerSandboxHour: opts.ratePerSandboxHour, now: opts.now });
  const cache = new SandboxCache({
    provider: opts.provider,
    metrics,
    cost,
    ttlMs: opts.sandboxTtlMs ?? 15 * 60_000,
    maxActive: opts.maxActiveSandboxes ?? 50,
    waitMs: opts.sandboxWaitMs,
    project: opts.project,
    now: opts.now,
  });
  const git = new GitRuntime({ ...opts, metrics, cache, cost });
  const log = opts.log;
  const timer = setInterval(() => {
    cache.sweep().catch((error: unknown) => log?.({ level: "error", msg: "sandbox sweep failed", error: git.redactor.text(String(error)) }));
  }, opts.tickMs ?? 15_000);
  timer.unref();
  let stopping: Promise<void> | undefined;
  return {
    metrics,
    git,
    cache,
    cost,
    provider: opts.provider,
    async run(operation, body, call) {
      try {
        return await git.run(operation, body, call);
      } catch (error) {
        if (!(error instanceof SandboxBusyError)) throw error;
        return { ok: false, operation, error: { type: "busy", message: error.message, retry_after_seconds: error.retryAfterSeconds } };
      }
    },
    log: log ?? (() => undefined),
    shutdown() {
      stopping ??= (async () => {
        clearInterval(timer);
        await cache.close();
        await opts.provider.shutdown();
        cost.tick();
      })();
      return stopping;
    },
  };
}
