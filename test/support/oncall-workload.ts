// Workloads of the on-call truth scenarios: jobs of runtime instances doing git operations at a
// stated rate and failure ratio, with their `up` series, and instances that go down part-way
// (their series stop, as a dead process's do, and `up` turns 0). Only the series the alerts read.
import type { Series } from "./prometheus.js";
import { START, STEP_S } from "./prometheus-workload.js";

export interface InstanceLoad {
  instance: string;
  /** Finished operations (success + failure) a minute. */
  perMinute: number;
  failureRatio: number;
  /** Seconds after START at which the instance dies; alive throughout when absent. */
  downAt?: number;
}

export interface JobLoad {
  job: string;
  instances: readonly InstanceLoad[];
}

const PUSH_SECONDS = 1.5;
const DURATION_BUCKETS = [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300];

function times(durationS: number, until = durationS): number[] {
  const out: number[] = [];
  for (let t = START; t <= START + Math.min(durationS, until); t += STEP_S) out.push(t);
  return out;
}

function counter(name: string, labels: Record<string, string>, perMinute: number, durationS: number, until?: number): Series {
  return { name, labels, samples: times(durationS, until).map((t) => ({ t, v: (perMinute * (t - START)) / 60 })) };
}

export function oncallWorkload(jobs: readonly JobLoad[], durationS: number): Series[] {
  const out: Series[] = [];
  for (const { job, instances } of jobs) {
    for (const load of instances) {
      const base = { job, instance: load.instance };
      const until = load.downAt;
      const failures = load.perMinute * load.failureRatio;
      const successes = load.perMinute - failures;
      out.push(counter("git_operation_total", { ...base, operation: "push", status: "started" }, load.perMinute, durationS, until));
      out.push(counter("git_operation_total", { ...base, operation: "push", status: "success" }, successes, durationS, until));
      out.push(counter("git_operation_total", { ...base, operation: "push", status: "failure" }, failures, durationS, until));
      for (const le of [...DURATION_BUCKETS.map(String), "+Inf"]) {
        const fast = le === "+Inf" || Number(le) >= PUSH_SECONDS;
        out.push(counter("git_operation_duration_seconds_bucket", { ...base, operation: "push", le }, fast ? load.perMinute : 0, durationS, until));
      }
      out.push(counter("git_operation_duration_seconds_count", { ...base, operation: "push" }, load.perMinute, durationS, until));
      out.push({ name: "up", labels: base, samples: times(durationS).map((t) => ({ t, v: until !== undefined && t - START >= until ? 0 : 1 })) });
    }
  }
  return out;
}
