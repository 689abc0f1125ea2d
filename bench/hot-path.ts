// The instrumentation hot path under a realistic mix (bench/mix.ts): every metric of the spec,
// random enumerated label values, the runtime's own call pattern, against idiomatic prom-client,
// prom-client's pre-bound children and OpenTelemetry's metrics SDK. Warm-up is the mix itself,
// so every shared code path has seen every metric before timing. Runs in a child process
// (bench/hot-path-child.ts) so no other benchmark's JIT state leaks in, and so run.ts can repeat
// it under --no-lazy-feedback-allocation (V8 then collects call feedback from the first call: a
// warm-up that left call sites monomorphic by calling too few times would show as a difference).
import { createMetrics as createGeneratedMetrics, type Metrics } from "../generated/metrics.js";
import type { ServiceModel } from "../src/model/types.js";
import { scaled, sideBySide, type Case, type Stat } from "./measure.js";
import { generatedLoops, generatedSeriesLoops, otelLoops, promClientBoundLoops, promClientLoops, promClientPositionalLoops, type Loops } from "./mix-loops.js";
import { makeScript } from "./mix.js";
import { otelMirror } from "./otel-mirror.js";
import { promClientMirror } from "./prom-client-mirror.js";

export const IMPLEMENTATIONS = [
  "prom-client (idiomatic: labels object per call)",
  "prom-client labels(…) per call",
  "prom-client pre-bound labels() children",
  "OpenTelemetry sdk-metrics",
  "generated module (labels object per call)",
  "generated module (labels(…) per call)",
] as const;
export type Implementation = (typeof IMPLEMENTATIONS)[number];
export const [PROM_CLIENT, PROM_CLIENT_POSITIONAL, PROM_CLIENT_BOUND, OTEL, GENERATED, GENERATED_SERIES] = IMPLEMENTATIONS;

export interface HotPathResult {
  operations: number;
  callsPerOperation: number;
  /** Nanoseconds per operation of the full mix, by implementation. */
  full: Record<Implementation, Stat>;
  /** Nanoseconds per core operation (2 inc + 1 observe), by implementation. */
  core: Record<Implementation, Stat>;
  /** The three prom-client-compatible registries printed the same text after the same events. */
  identical: boolean;
}

/** What the hot-path child measures; `createMetrics` swaps in another build of the generated module (a diagnostic). */
export interface HotPathOptions {
  operations: number;
  rounds: number;
  warmup: number;
}

export async function hotPath(service: ServiceModel, opts: HotPathOptions, createMetrics: () => Metrics = createGeneratedMetrics): Promise<HotPathResult> {
  const script = makeScript(opts.operations);
  const generated = createMetrics();
  const series = createMetrics();
  const plain = promClientMirror(service);
  const bound = promClientMirror(service);
  const positional = promClientMirror(service);
  const otel = otelMirror(service);
  const loops: Record<Implementation, Loops> = {
    [PROM_CLIENT]: promClientLoops(plain),
    [PROM_CLIENT_POSITIONAL]: promClientPositionalLoops(positional),
    [PROM_CLIENT_BOUND]: promClientBoundLoops(bound),
    [OTEL]: otelLoops(otel),
    [GENERATED]: generatedLoops(generated),
    [GENERATED_SERIES]: generatedSeriesLoops(series),
  };
  try {
    const cases = (which: keyof Loops): Case<Implementation>[] => IMPLEMENTATIONS.map((key) => ({ key, run: () => loops[key][which](script) }));
    const perOperation = (m: Map<Implementation, Stat>) =>
      Object.fromEntries(IMPLEMENTATIONS.map((k) => [k, scaled(m.get(k) ?? { median: NaN, min: NaN, max: NaN, samples: 0 }, script.n)])) as Record<Implementation, Stat>;
    const full = perOperation(await sideBySide(cases("full"), opts.rounds, opts.warmup, "cpu"));
    const core = perOperation(await sideBySide(cases("core"), opts.rounds, opts.warmup, "cpu"));
    const text = await generated.registry.metrics();
    const identical = text === (await plain.registry.metrics()) && text === (await bound.registry.metrics()) && text === (await series.registry.metrics()) && text === (await positional.registry.metrics());
    return { operations: script.n, callsPerOperation: script.calls / script.n, full, core, identical };
  } finally {
    await otel.shutdown();
  }
}
