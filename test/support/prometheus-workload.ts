// The known workload of the truth harness: two runtime instances of job backend-api, 130 minutes
// of samples every 15s, with rates chosen so the fleet-wide numbers are easy to state:
//   92 successes and 8 failures a minute (92 % success, 8 % errors), 100 operations started a
//   minute (60 clone, 40 push), clone latency fast on one instance and slow on the other, a
//   58.3 % cache hit ratio, 12 sandboxes, $80 monthly cost, 12 sandbox-hours accrued an hour
//   (7 billed to project default, 5 to other), both targets up.
import type { Series } from "./prometheus.js";

export const JOB = "backend-api";
export const INSTANCES = ["runtime-a:8000", "runtime-b:8000"] as const;
/** Start of the workload (unix seconds, on a 2 h block boundary) and its length. */
export const START = 1_699_999_200;
// Two hours and ten: HighMonthlyCost reads a 1h rate and must hold it for its 1h pending period.
export const DURATION_S = 130 * 60;
export const STEP_S = 15;
/** The time every query is evaluated at: the workload's last sample. */
export const EVAL_AT = START + DURATION_S;

const DURATION_BUCKETS = [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300];
const CREATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30];

type Labels = Record<string, string>;

function times(): number[] {
  const out: number[] = [];
  for (let t = START; t <= START + DURATION_S; t += STEP_S) out.push(t);
  return out;
}

/** A counter growing by `perMinute` from `initial`. */
function counter(name: string, labels: Labels, perMinute: number, initial = 0): Series {
  return { name, labels, samples: times().map((t) => ({ t, v: initial + (perMinute * (t - START)) / 60 })) };
}

function gauge(name: string, labels: Labels, value: number): Series {
  return { name, labels, samples: times().map((t) => ({ t, v: value })) };
}

/** A histogram whose observations, `perMinute` of them, all take `seconds`. */
function histogram(name: string, buckets: readonly number[], labels: Labels, perMinute: number, seconds: number): Series[] {
  const les = [...buckets.map(String), "+Inf"];
  const bounds = [...buckets, Infinity];
  return [
    ...les.map((le, i) => counter(`${name}_bucket`, { ...labels, le }, seconds <= (bounds[i] ?? Infinity) ? perMinute : 0)),
    counter(`${name}_sum`, labels, perMinute * seconds),
    counter(`${name}_count`, labels, perMinute),
  ];
}

interface InstanceLoad {
  ops: Record<string, Record<string, number>>;
  latency: Record<string, number>;
  errors: [string, string, number][];
  retries: Record<string, number>;
  conflicts: Record<string, number>;
  sandboxes: number;
  cache: { hits: number; misses: number; initialHits: number };
  creation: { perMinute: number; seconds: number };
  cost: Record<string, number>;
  /** Sandbox-hours accrued per hour (sandboxes alive), and the project they are billed to. */
  sandboxHours: { project: string; perHour: number };
}

export const LOAD: Readonly<Record<(typeof INSTANCES)[number], InstanceLoad>> = {
  "runtime-a:8000": {
    ops: { clone: { started: 40, success: 38, failure: 2 }, push: { started: 22, success: 22, failure: 0, retry: 5 } },
    latency: { clone: 0.3, push: 1.5 },
    errors: [["clone", "timeout", 2]],
    retries: { "1": 4, "2": 1 },
    conflicts: {},
    sandboxes: 7,
    // 1000 hits before the window: the guide's lifetime ratio sees them, a windowed ratio does not.
    cache: { hits: 30, misses: 10, initialHits: 1000 },
    creation: { perMinute: 10, seconds: 0.7 },
    cost: { hourly: 0.0625, daily: 1.5, monthly: 45 },
    sandboxHours: { project: "default", perHour: 7 },
  },
  "runtime-b:8000": {
    ops: { clone: { started: 20, success: 16, failure: 4 }, push: { started: 18, success: 16, failure: 2, retry: 3 } },
    latency: { clone: 8, push: 1.5 },
    errors: [["clone", "auth", 4], ["push", "conflict", 2]],
    retries: { "1": 3 },
    conflicts: { push: 2 },
    sandboxes: 5,
    cache: { hits: 5, misses: 15, initialHits: 0 },
    creation: { perMinute: 15, seconds: 3 },
    cost: { hourly: 0.05, daily: 1.25, monthly: 35 },
    sandboxHours: { project: "other", perHour: 5 },
  },
};

export function workload(): Series[] {
  const out: Series[] = [];
  for (const instance of INSTANCES) {
    const load = LOAD[instance];
    const base = { job: JOB, instance };
    for (const [operation, statuses] of Object.entries(load.ops)) {
      for (const [status, perMinute] of Object.entries(statuses)) out.push(counter("git_operation_total", { ...base, operation, status }, perMinute));
      const finished = (statuses.success ?? 0) + (statuses.failure ?? 0);
      out.push(...histogram("git_operation_duration_seconds", DURATION_BUCKETS, { ...base, operation }, finished, load.latency[operation] ?? 0));
    }
    for (const [operation, errorType, perMinute] of load.errors) out.push(counter("git_errors_total", { ...base, operation, error_type: errorType }, perMinute));
    for (const [attempt, perMinute] of Object.entries(load.retries)) out.push(counter("git_push_retry_count_total", { ...base, attempt }, perMinute));
    for (const operation of ["pull", "push"]) out.push(counter("git_conflicts_detected_total", { ...base, operation }, load.conflicts[operation] ?? 0));
    out.push(gauge("active_sandboxes_total", base, load.sandboxes));
    out.push(counter("sandbox_cache_hits_total", base, load.cache.hits, load.cache.initialHits));
    out.push(counter("sandbox_cache_misses_total", base, load.cache.misses));
    out.push(...histogram("sandbox_creation_seconds", CREATION_BUCKETS, base, load.creation.perMinute, load.creation.seconds));
    for (const [period, dollars] of Object.entries(load.cost)) out.push(gauge("estimated_cost_dollars", { ...base, period }, dollars));
    out.push(counter("sandbox_hours_total", { ...base, project: load.sandboxHours.project }, load.sandboxHours.perHour / 60));
    out.push(gauge("up", base, 1));
  }
  return out;
}
