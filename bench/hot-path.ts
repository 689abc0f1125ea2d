// The instrumentation hot path: counting an operation's outcome and observing its duration,
// through idiomatic prom-client (labels object per call), prom-client's pre-bound children
// (`labels(...)` resolved once), and the generated module.
import { createMetrics, type GitOperationTotalLabels, type GitOperationDurationSecondsLabels } from "../generated/metrics.js";
import type { ServiceModel } from "../src/model/types.js";
import { scaled, sideBySide, type Case, type Stat } from "./measure.js";
import { promClientMirror, type PromClientMirror } from "./prom-client-mirror.js";

const OPERATIONS = ["clone", "status", "diff", "pull", "push"] as const;
const STATUSES = ["started", "success", "failure", "retry"] as const;

export const HOT_PATH_CASES = {
  counter: ["prom-client inc(labels)", "prom-client labels(…).inc()", "generated inc(labels)"],
  histogram: ["prom-client observe(labels, v)", "prom-client labels(…).observe(v)", "generated observe(labels, v)"],
  operation: ["prom-client", "prom-client pre-bound", "generated"],
} as const;

export type HotPathGroup = keyof typeof HOT_PATH_CASES;
export interface HotPathResult {
  group: HotPathGroup;
  /** Nanoseconds per call (per recorded operation for the "operation" group), by case. */
  perCall: Map<string, Stat>;
}

function metricOf<K extends "counter" | "histogram">(mirror: PromClientMirror, name: string, kind: K) {
  const m = mirror.byName.get(name);
  if (!m || m.kind !== kind) throw new Error(`prom-client mirror has no ${kind} ${name}`);
  return m as Extract<typeof m, { kind: K }>;
}

/** Deterministic durations spread over the buckets (no Math.random: runs stay comparable). */
function durations(n: number): Float64Array {
  const out = new Float64Array(n);
  let x = 12345;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    out[i] = (x / 2147483648) ** 3 * 400;
  }
  return out;
}

// Every metric of each implementation records once first, so shared code paths have seen all
// the metrics a real service uses (the call sites are as polymorphic as in production).
function warmEveryMetric(service: ServiceModel, mirror: PromClientMirror, generated: ReturnType<typeof createMetrics>): void {
  for (const m of mirror.byName.values()) {
    const labels = Object.fromEntries(m.model.labels.map((l) => [l.name, l.values[0] ?? ""]));
    if (m.kind === "histogram") m.metric.observe(labels, 1);
    else m.metric.inc(labels, 1);
  }
  const g = generated;
  g.activeSandboxesTotal.inc({});
  g.estimatedCostDollars.set({ period: "daily" }, 1);
  g.gitConflictsDetectedTotal.inc({ operation: "pull" });
  g.gitErrorsTotal.inc({ operation: "push", error_type: "auth" });
  g.gitPushRetryCountTotal.inc({ attempt: "1" });
  g.sandboxCacheHitsTotal.inc({});
  g.sandboxCacheMissesTotal.inc({});
  g.sandboxCreationSeconds.observe({}, 1);
  g.sandboxHoursTotal.inc({ project: "default" }, 0.5);
  if (service.metrics.length !== mirror.byName.size) throw new Error("mirror and spec disagree");
}

export async function hotPath(service: ServiceModel, opts: { iterations: number; rounds: number; warmup: number }): Promise<HotPathResult[]> {
  const n = opts.iterations;
  const mirror = promClientMirror(service);
  const g = createMetrics();
  warmEveryMetric(service, mirror, g);
  const counter = metricOf(mirror, "git_operation_total", "counter").metric;
  const histogram = metricOf(mirror, "git_operation_duration_seconds", "histogram").metric;

  const countLabels: GitOperationTotalLabels[] = OPERATIONS.flatMap((operation) => STATUSES.map((status) => ({ operation, status })));
  const opLabels: GitOperationDurationSecondsLabels[] = OPERATIONS.map((operation) => ({ operation }));
  const boundCounters = countLabels.map((l) => counter.labels(l));
  const boundHistograms = opLabels.map((l) => histogram.labels(l));
  const secs = durations(1024);
  const C = countLabels.length;
  const O = opLabels.length;
  const at = <T>(xs: readonly T[], i: number): T => xs[i] as T;
  const probe = countLabels[1] ?? { operation: "clone", status: "success" };
  const opProbe = opLabels[0] ?? { operation: "clone" };
  const promCount = () => (counter as unknown as { hashMap: Record<string, { value: number }> }).hashMap;

  const counterCases: Case[] = [
    { key: HOT_PATH_CASES.counter[0], run: () => { for (let i = 0; i < n; i++) counter.inc(at(countLabels, i % C)); return Object.keys(promCount()).length; } },
    { key: HOT_PATH_CASES.counter[1], run: () => { for (let i = 0; i < n; i++) at(boundCounters, i % C).inc(); return Object.keys(promCount()).length; } },
    { key: HOT_PATH_CASES.counter[2], run: () => { for (let i = 0; i < n; i++) g.gitOperationTotal.inc(at(countLabels, i % C)); return g.gitOperationTotal.valueFor(probe); } },
  ];
  const histogramCases: Case[] = [
    { key: HOT_PATH_CASES.histogram[0], run: () => { for (let i = 0; i < n; i++) histogram.observe(at(opLabels, i % O), secs[i & 1023] ?? 0); return 1; } },
    { key: HOT_PATH_CASES.histogram[1], run: () => { for (let i = 0; i < n; i++) at(boundHistograms, i % O).observe(secs[i & 1023] ?? 0); return 1; } },
    { key: HOT_PATH_CASES.histogram[2], run: () => { for (let i = 0; i < n; i++) g.gitOperationDurationSeconds.observe(at(opLabels, i % O), secs[i & 1023] ?? 0); return g.gitOperationDurationSeconds.countOf(opProbe); } },
  ];
  // One recorded operation: its outcome counted and its duration observed, as the runtime does.
  const operationCases: Case[] = [
    {
      key: HOT_PATH_CASES.operation[0],
      run: () => {
        for (let i = 0; i < n; i++) {
          counter.inc(at(countLabels, i % C));
          histogram.observe(at(opLabels, (i >> 2) % O), secs[i & 1023] ?? 0);
        }
        return 1;
      },
    },
    {
      key: HOT_PATH_CASES.operation[1],
      run: () => {
        for (let i = 0; i < n; i++) {
          at(boundCounters, i % C).inc();
          at(boundHistograms, (i >> 2) % O).observe(secs[i & 1023] ?? 0);
        }
        return 1;
      },
    },
    {
      key: HOT_PATH_CASES.operation[2],
      run: () => {
        for (let i = 0; i < n; i++) {
          g.gitOperationTotal.inc(at(countLabels, i % C));
          g.gitOperationDurationSeconds.observe(at(opLabels, (i >> 2) % O), secs[i & 1023] ?? 0);
        }
        return g.gitOperationTotal.valueFor(probe) + g.gitOperationDurationSeconds.sumOf(opProbe);
      },
    },
  ];

  const out: HotPathResult[] = [];
  for (const [group, cases] of [["counter", counterCases], ["histogram", histogramCases], ["operation", operationCases]] as const) {
    const batches = await sideBySide(cases, opts.rounds, opts.warmup);
    out.push({ group, perCall: new Map([...batches].map(([k, s]) => [k, scaled(s, n)])) });
  }
  return out;
}
