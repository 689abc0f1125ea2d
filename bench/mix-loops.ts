// The workload of bench/mix.ts written once per instrumentation library, each the way its users
// write it: the generated module and idiomatic prom-client with a labels object per call, the
// generated module and prom-client through `labels(…)` per call (as the reference runtime records),
// prom-client's pre-bound children (every `labels(…)` child resolved once, up front, then picked
// by index: the fastest prom-client allows), and OpenTelemetry with an attributes object per call.
// `full` is every metric's calls per operation; `core` is one recorded operation as the runtime
// records it at the least (started + outcome counted, duration observed: 2 inc + 1 observe).
import type { Counter, Gauge, Histogram } from "prom-client";
import type { Metrics } from "../generated/metrics.js";
import { ATTEMPTS, CONFLICT_OPERATIONS, COST_TICK_EVERY, ERROR_TYPES, OPERATIONS, PROJECTS, type Script } from "./mix.js";
import { otelOf, type OtelMirror } from "./otel-mirror.js";
import type { PromClientMirror } from "./prom-client-mirror.js";

export interface Loops {
  full: (s: Script) => number;
  core: (s: Script) => number;
}

const RATE = 0.015;
// The three cost estimates are written as src/runtime/cost.ts writes them: three calls, each with
// its period as a literal (not a loop over the periods, which would add the benchmark's own
// iteration to every implementation's time).
const PERIOD_HOURS = { hourly: 1, daily: 24, monthly: 730 } as const;
const u8 = (xs: Uint8Array, i: number): number => xs[i] ?? 0;
const f64 = (xs: Float64Array, i: number): number => xs[i] ?? 0;

export function generatedLoops(g: Metrics): Loops {
  return {
    full(s) {
      let active = 0;
      for (let i = 0; i < s.n; i++) {
        const operation = OPERATIONS[u8(s.op, i)] ?? "clone";
        g.gitOperationTotal.inc({ operation, status: "started" });
        if (u8(s.miss, i) === 1) {
          g.sandboxCacheMissesTotal.inc({});
          g.sandboxCreationSeconds.observe({}, f64(s.creationSeconds, i));
          g.activeSandboxesTotal.set({}, (active = (active + 1) & 63));
        } else g.sandboxCacheHitsTotal.inc({});
        const retry = u8(s.retry, i);
        if (retry > 0) {
          g.gitOperationTotal.inc({ operation: "push", status: "retry" });
          g.gitPushRetryCountTotal.inc({ attempt: ATTEMPTS[retry - 1] ?? "1" });
        }
        const conflict = u8(s.conflict, i);
        if (conflict > 0) g.gitConflictsDetectedTotal.inc({ operation: CONFLICT_OPERATIONS[conflict - 1] ?? "pull" });
        if (u8(s.failed, i) === 1) {
          g.gitOperationTotal.inc({ operation, status: "failure" });
          g.gitErrorsTotal.inc({ operation, error_type: ERROR_TYPES[u8(s.errorType, i)] ?? "other" });
        } else g.gitOperationTotal.inc({ operation, status: "success" });
        g.gitOperationDurationSeconds.observe({ operation }, f64(s.seconds, i));
        if (i % COST_TICK_EVERY === 0) {
          g.sandboxHoursTotal.inc({ project: PROJECTS[u8(s.project, i)] ?? "default" }, 0.25);
          const perHour = active * RATE;
          g.estimatedCostDollars.set({ period: "hourly" }, perHour * PERIOD_HOURS.hourly);
          g.estimatedCostDollars.set({ period: "daily" }, perHour * PERIOD_HOURS.daily);
          g.estimatedCostDollars.set({ period: "monthly" }, perHour * PERIOD_HOURS.monthly);
        }
      }
      return g.gitOperationTotal.valueFor({ operation: "push", status: "success" });
    },
    core(s) {
      for (let i = 0; i < s.n; i++) {
        const operation = OPERATIONS[u8(s.op, i)] ?? "clone";
        g.gitOperationTotal.inc({ operation, status: "started" });
        g.gitOperationTotal.inc({ operation, status: u8(s.failed, i) === 1 ? "failure" : "success" });
        g.gitOperationDurationSeconds.observe({ operation }, f64(s.seconds, i));
      }
      return g.gitOperationDurationSeconds.countOf({ operation: "push" });
    },
  };
}

// The same mix through the generated module's `labels(…)`: the label values in order, each call
// picking its series' handle (nothing resolved up front, no labels object).
export function generatedSeriesLoops(g: Metrics): Loops {
  return {
    full(s) {
      let active = 0;
      for (let i = 0; i < s.n; i++) {
        const operation = OPERATIONS[u8(s.op, i)] ?? "clone";
        g.gitOperationTotal.labels(operation, "started").inc();
        if (u8(s.miss, i) === 1) {
          g.sandboxCacheMissesTotal.labels().inc();
          g.sandboxCreationSeconds.labels().observe(f64(s.creationSeconds, i));
          g.activeSandboxesTotal.labels().set((active = (active + 1) & 63));
        } else g.sandboxCacheHitsTotal.labels().inc();
        const retry = u8(s.retry, i);
        if (retry > 0) {
          g.gitOperationTotal.labels("push", "retry").inc();
          g.gitPushRetryCountTotal.labels(ATTEMPTS[retry - 1] ?? "1").inc();
        }
        const conflict = u8(s.conflict, i);
        if (conflict > 0) g.gitConflictsDetectedTotal.labels(CONFLICT_OPERATIONS[conflict - 1] ?? "pull").inc();
        if (u8(s.failed, i) === 1) {
          g.gitOperationTotal.labels(operation, "failure").inc();
          g.gitErrorsTotal.labels(operation, ERROR_TYPES[u8(s.errorType, i)] ?? "other").inc();
        } else g.gitOperationTotal.labels(operation, "success").inc();
        g.gitOperationDurationSeconds.labels(operation).observe(f64(s.seconds, i));
        if (i % COST_TICK_EVERY === 0) {
          g.sandboxHoursTotal.labels(PROJECTS[u8(s.project, i)] ?? "default").inc(0.25);
          const perHour = active * RATE;
          g.estimatedCostDollars.labels("hourly").set(perHour * PERIOD_HOURS.hourly);
          g.estimatedCostDollars.labels("daily").set(perHour * PERIOD_HOURS.daily);
          g.estimatedCostDollars.labels("monthly").set(perHour * PERIOD_HOURS.monthly);
        }
      }
      return g.gitOperationTotal.labels("push", "success").value;
    },
    core(s) {
      for (let i = 0; i < s.n; i++) {
        const operation = OPERATIONS[u8(s.op, i)] ?? "clone";
        g.gitOperationTotal.labels(operation, "started").inc();
        g.gitOperationTotal.labels(operation, u8(s.failed, i) === 1 ? "failure" : "success").inc();
        g.gitOperationDurationSeconds.labels(operation).observe(f64(s.seconds, i));
      }
      return g.gitOperationDurationSeconds.countOf({ operation: "push" });
    },
  };
}

interface PromMetrics {
  counter: Counter<string>;
  gauge: Gauge<string>;
  histogram: Histogram<string>;
}

function promOf<K extends keyof PromMetrics>(mirror: PromClientMirror, name: string, kind: K): PromMetrics[K] {
  const m = mirror.byName.get(name);
  if (!m || m.kind !== kind) throw new Error(`prom-client mirror has no ${kind} ${name}`);
  // The kind was just checked: the union member with this kind holds this metric type.
  return m.metric as PromMetrics[K];
}

interface PromHandles {
  opTotal: Counter<string>;
  errors: Counter<string>;
  duration: Histogram<string>;
  retries: Counter<string>;
  conflicts: Counter<string>;
  hits: Counter<string>;
  misses: Counter<string>;
  creation: Histogram<string>;
  active: Gauge<string>;
  hours: Counter<string>;
  cost: Gauge<string>;
}

function promHandles(mirror: PromClientMirror): PromHandles {
  return {
    opTotal: promOf(mirror, "git_operation_total", "counter"),
    errors: promOf(mirror, "git_errors_total", "counter"),
    duration: promOf(mirror, "git_operation_duration_seconds", "histogram"),
    retries: promOf(mirror, "git_push_retry_count_total", "counter"),
    conflicts: promOf(mirror, "git_conflicts_detected_total", "counter"),
    hits: promOf(mirror, "sandbox_cache_hits_total", "counter"),
    misses: promOf(mirror, "sandbox_cache_misses_total", "counter"),
    creation: promOf(mirror, "sandbox_creation_seconds", "histogram"),
    active: promOf(mirror, "active_sandboxes_total", "gauge"),
    hours: promOf(mirror, "sandbox_hours_total", "counter"),
    cost: promOf(mirror, "estimated_cost_dollars", "gauge"),
  };
}

export function promClientLoops(mirror: PromClientMirror): Loops {
  const p = promHandles(mirror);
  return {
    full(s) {
      let active = 0;
      for (let i = 0; i < s.n; i++) {
        const operation = OPERATIONS[u8(s.op, i)] ?? "clone";
        p.opTotal.inc({ operation, status: "started" });
        if (u8(s.miss, i) === 1) {
          p.misses.inc();
          p.creation.observe(f64(s.creationSeconds, i));
          p.active.set((active = (active + 1) & 63));
        } else p.hits.inc();
        const retry = u8(s.retry, i);
        if (retry > 0) {
          p.opTotal.inc({ operation: "push", status: "retry" });
          p.retries.inc({ attempt: ATTEMPTS[retry - 1] ?? "1" });
        }
        const conflict = u8(s.conflict, i);
        if (conflict > 0) p.conflicts.inc({ operation: CONFLICT_OPERATIONS[conflict - 1] ?? "pull" });
        if (u8(s.failed, i) === 1) {
          p.opTotal.inc({ operation, status: "failure" });
          p.errors.inc({ operation, error_type: ERROR_TYPES[u8(s.errorType, i)] ?? "other" });
        } else p.opTotal.inc({ operation, status: "success" });
        p.duration.observe({ operation }, f64(s.seconds, i));
        if (i % COST_TICK_EVERY === 0) {
          p.hours.inc({ project: PROJECTS[u8(s.project, i)] ?? "default" }, 0.25);
          const perHour = active * RATE;
          p.cost.set({ period: "hourly" }, perHour * PERIOD_HOURS.hourly);
          p.cost.set({ period: "daily" }, perHour * PERIOD_HOURS.daily);
          p.cost.set({ period: "monthly" }, perHour * PERIOD_HOURS.monthly);
        }
      }
      return 1;
    },
    core(s) {
      for (let i = 0; i < s.n; i++) {
        const operation = OPERATIONS[u8(s.op, i)] ?? "clone";
        p.opTotal.inc({ operation, status: "started" });
        p.opTotal.inc({ operation, status: u8(s.failed, i) === 1 ? "failure" : "success" });
        p.duration.observe({ operation }, f64(s.seconds, i));
      }
      return 1;
    },
  };
}

// prom-client's positional form per call, the shape of the generated module's `labels(…)`: each
// call resolves its child from the values (prom-client hashes them and looks the child up).
export function promClientPositionalLoops(mirror: PromClientMirror): Loops {
  const p = promHandles(mirror);
  return {
    full(s) {
      let active = 0;
      for (let i = 0; i < s.n; i++) {
        const operation = OPERATIONS[u8(s.op, i)] ?? "clone";
        p.opTotal.labels(operation, "started").inc();
        if (u8(s.miss, i) === 1) {
          p.misses.inc();
          p.creation.observe(f64(s.creationSeconds, i));
          p.active.set((active = (active + 1) & 63));
        } else p.hits.inc();
        const retry = u8(s.retry, i);
        if (retry > 0) {
          p.opTotal.labels("push", "retry").inc();
          p.retries.labels(ATTEMPTS[retry - 1] ?? "1").inc();
        }
        const conflict = u8(s.conflict, i);
        if (conflict > 0) p.conflicts.labels(CONFLICT_OPERATIONS[conflict - 1] ?? "pull").inc();
        if (u8(s.failed, i) === 1) {
          p.opTotal.labels(operation, "failure").inc();
          p.errors.labels(operation, ERROR_TYPES[u8(s.errorType, i)] ?? "other").inc();
        } else p.opTotal.labels(operation, "success").inc();
        p.duration.labels(operation).observe(f64(s.seconds, i));
        if (i % COST_TICK_EVERY === 0) {
          p.hours.labels(PROJECTS[u8(s.project, i)] ?? "default").inc(0.25);
          const perHour = active * RATE;
          p.cost.labels("hourly").set(perHour * PERIOD_HOURS.hourly);
          p.cost.labels("daily").set(perHour * PERIOD_HOURS.daily);
          p.cost.labels("monthly").set(perHour * PERIOD_HOURS.monthly);
        }
      }
      return 1;
    },
    core(s) {
      for (let i = 0; i < s.n; i++) {
        const operation = OPERATIONS[u8(s.op, i)] ?? "clone";
        p.opTotal.labels(operation, "started").inc();
        p.opTotal.labels(operation, u8(s.failed, i) === 1 ? "failure" : "success").inc();
        p.duration.labels(operation).observe(f64(s.seconds, i));
      }
      return 1;
    },
  };
}

export function promClientBoundLoops(mirror: PromClientMirror): Loops {
  const p = promHandles(mirror);
  const ops = [...OPERATIONS];
  const byOp = <T>(f: (operation: string) => T) => ops.map(f);
  const started = byOp((operation) => p.opTotal.labels({ operation, status: "started" }));
  const success = byOp((operation) => p.opTotal.labels({ operation, status: "success" }));
  const failure = byOp((operation) => p.opTotal.labels({ operation, status: "failure" }));
  const pushRetry = p.opTotal.labels({ operation: "push", status: "retry" });
  const errors = byOp((operation) => ERROR_TYPES.map((error_type) => p.errors.labels({ operation, error_type })));
  const duration = byOp((operation) => p.duration.labels({ operation }));
  const retries = ATTEMPTS.map((attempt) => p.retries.labels({ attempt }));
  const conflicts = CONFLICT_OPERATIONS.map((operation) => p.conflicts.labels({ operation }));
  const hours = PROJECTS.map((project) => p.hours.labels({ project }));
  const costHourly = p.cost.labels({ period: "hourly" });
  const costDaily = p.cost.labels({ period: "daily" });
  const costMonthly = p.cost.labels({ period: "monthly" });
  return {
    full(s) {
      let active = 0;
      for (let i = 0; i < s.n; i++) {
        const op = u8(s.op, i);
        started[op]?.inc();
        if (u8(s.miss, i) === 1) {
          p.misses.inc();
          p.creation.observe(f64(s.creationSeconds, i));
          p.active.set((active = (active + 1) & 63));
        } else p.hits.inc();
        const retry = u8(s.retry, i);
        if (retry > 0) {
          pushRetry.inc();
          retries[retry - 1]?.inc();
        }
        const conflict = u8(s.conflict, i);
        if (conflict > 0) conflicts[conflict - 1]?.inc();
        if (u8(s.failed, i) === 1) {
          failure[op]?.inc();
          errors[op]?.[u8(s.errorType, i)]?.inc();
        } else success[op]?.inc();
        duration[op]?.observe(f64(s.seconds, i));
        if (i % COST_TICK_EVERY === 0) {
          hours[u8(s.project, i)]?.inc(0.25);
          const perHour = active * RATE;
          costHourly.set(perHour * PERIOD_HOURS.hourly);
          costDaily.set(perHour * PERIOD_HOURS.daily);
          costMonthly.set(perHour * PERIOD_HOURS.monthly);
        }
      }
      return 1;
    },
    core(s) {
      for (let i = 0; i < s.n; i++) {
        const op = u8(s.op, i);
        started[op]?.inc();
        (u8(s.failed, i) === 1 ? failure : success)[op]?.inc();
        duration[op]?.observe(f64(s.seconds, i));
      }
      return 1;
    },
  };
}

export function otelLoops(mirror: OtelMirror): Loops {
  const opTotal = otelOf(mirror, "git_operation_total", "counter");
  const errors = otelOf(mirror, "git_errors_total", "counter");
  const duration = otelOf(mirror, "git_operation_duration_seconds", "histogram");
  const retries = otelOf(mirror, "git_push_retry_count_total", "counter");
  const conflicts = otelOf(mirror, "git_conflicts_detected_total", "counter");
  const hits = otelOf(mirror, "sandbox_cache_hits_total", "counter");
  const misses = otelOf(mirror, "sandbox_cache_misses_total", "counter");
  const creation = otelOf(mirror, "sandbox_creation_seconds", "histogram");
  const activeGauge = otelOf(mirror, "active_sandboxes_total", "gauge");
  const hours = otelOf(mirror, "sandbox_hours_total", "counter");
  const cost = otelOf(mirror, "estimated_cost_dollars", "gauge");
  return {
    full(s) {
      let active = 0;
      for (let i = 0; i < s.n; i++) {
        const operation = OPERATIONS[u8(s.op, i)] ?? "clone";
        opTotal.add(1, { operation, status: "started" });
        if (u8(s.miss, i) === 1) {
          misses.add(1);
          creation.record(f64(s.creationSeconds, i));
          activeGauge.record((active = (active + 1) & 63));
        } else hits.add(1);
        const retry = u8(s.retry, i);
        if (retry > 0) {
          opTotal.add(1, { operation: "push", status: "retry" });
          retries.add(1, { attempt: ATTEMPTS[retry - 1] ?? "1" });
        }
        const conflict = u8(s.conflict, i);
        if (conflict > 0) conflicts.add(1, { operation: CONFLICT_OPERATIONS[conflict - 1] ?? "pull" });
        if (u8(s.failed, i) === 1) {
          opTotal.add(1, { operation, status: "failure" });
          errors.add(1, { operation, error_type: ERROR_TYPES[u8(s.errorType, i)] ?? "other" });
        } else opTotal.add(1, { operation, status: "success" });
        duration.record(f64(s.seconds, i), { operation });
        if (i % COST_TICK_EVERY === 0) {
          hours.add(0.25, { project: PROJECTS[u8(s.project, i)] ?? "default" });
          const perHour = active * RATE;
          cost.record(perHour * PERIOD_HOURS.hourly, { period: "hourly" });
          cost.record(perHour * PERIOD_HOURS.daily, { period: "daily" });
          cost.record(perHour * PERIOD_HOURS.monthly, { period: "monthly" });
        }
      }
      return 1;
    },
    core(s) {
      for (let i = 0; i < s.n; i++) {
        const operation = OPERATIONS[u8(s.op, i)] ?? "clone";
        opTotal.add(1, { operation, status: "started" });
        opTotal.add(1, { operation, status: u8(s.failed, i) === 1 ? "failure" : "success" });
        duration.record(f64(s.seconds, i), { operation });
      }
      return 1;
    },
  };
}
