// A realistic instrumentation workload: what the git runtime records per operation (its call
// pattern copied from src/runtime/git/runtime.ts, sandbox/cache.ts and cost.ts), with every label
// value drawn at random from its enumeration and every metric of the spec in use. The random
// choices are drawn once (seeded: runs stay comparable) into typed arrays, so the timed loops only
// record. Each implementation gets its own loop, as a service has one instrumentation library:
// the call sites of one loop are as polymorphic as that library makes them, no more.
import { gitOperationsLabelValues as V } from "../generated/metrics.js";

export const OPERATIONS = V.git_operation_total.operation;
export const ERROR_TYPES = V.git_errors_total.error_type;
export const ATTEMPTS = V.git_push_retry_count_total.attempt;
export const PROJECTS = V.sandbox_hours_total.project;
export const PERIODS = V.estimated_cost_dollars.period;
export const CONFLICT_OPERATIONS = V.git_conflicts_detected_total.operation;

/** The random draws of one batch of operations. */
export interface Script {
  n: number;
  /** Index into OPERATIONS. */
  op: Uint8Array;
  /** 1 when the operation failed. */
  failed: Uint8Array;
  /** Index into ERROR_TYPES (used when failed). */
  errorType: Uint8Array;
  /** Duration of the operation, seconds. */
  seconds: Float64Array;
  /** 1 when the sandbox cache missed (a sandbox is created). */
  miss: Uint8Array;
  creationSeconds: Float64Array;
  /** 0: no push retry; k: a rejected push retried, attempt k (index k-1 into ATTEMPTS). */
  retry: Uint8Array;
  /** Index into CONFLICT_OPERATIONS + 1 when a rebase conflict was detected, else 0. */
  conflict: Uint8Array;
  /** Index into PROJECTS of the cost tick's sandbox. */
  project: Uint8Array;
  /** Metric calls the batch makes (for ns per call). */
  calls: number;
}

/** Cost accrual and the cost estimate run once every this many operations (a timer in the runtime). */
export const COST_TICK_EVERY = 16;

/** A seeded uniform draw in [0, 1) (xorshift32): the same sequence on every run. */
export function prng(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    // xorshift32: uniform enough for choosing label values.
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 4294967296;
  };
}

export function makeScript(n: number, seed = 0x5eed): Script {
  const r = prng(seed);
  const pick = (k: number) => Math.floor(r() * k);
  const s: Script = {
    n,
    op: new Uint8Array(n),
    failed: new Uint8Array(n),
    errorType: new Uint8Array(n),
    seconds: new Float64Array(n),
    miss: new Uint8Array(n),
    creationSeconds: new Float64Array(n),
    retry: new Uint8Array(n),
    conflict: new Uint8Array(n),
    project: new Uint8Array(n),
    calls: 0,
  };
  let calls = 0;
  for (let i = 0; i < n; i++) {
    const op = pick(OPERATIONS.length);
    s.op[i] = op;
    s.failed[i] = r() < 0.1 ? 1 : 0;
    s.errorType[i] = pick(ERROR_TYPES.length);
    // Long-tailed durations over the whole bucket range (0 s to 400 s).
    s.seconds[i] = r() ** 3 * 400;
    s.miss[i] = r() < 0.1 ? 1 : 0;
    s.creationSeconds[i] = r() ** 2 * 30;
    const operation = OPERATIONS[op];
    s.retry[i] = operation === "push" && r() < 0.2 ? 1 + pick(ATTEMPTS.length) : 0;
    const conflictIndex = CONFLICT_OPERATIONS.indexOf(operation as (typeof CONFLICT_OPERATIONS)[number]);
    s.conflict[i] = conflictIndex >= 0 && r() < 0.05 ? conflictIndex + 1 : 0;
    s.project[i] = pick(PROJECTS.length);
    calls += 3 + (s.failed[i] ?? 0) + (s.miss[i] ? 3 : 1) + (s.retry[i] ? 2 : 0) + (s.conflict[i] ? 1 : 0);
    if (i % COST_TICK_EVERY === 0) calls += 1 + PERIODS.length;
  }
  s.calls = calls;
  return s;
}

