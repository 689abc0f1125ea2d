// Child process of the hot-path benchmark: `node --import tsx [V8 flags] bench/hot-path-child.ts
// '{"operations":…,"rounds":…,"warmup":…,"withoutKeyCheck":false}'` prints one JSON HotPathResult
// on stdout. withoutKeyCheck measures the diagnostic build (bench/without-key-check.ts) instead.
import type { Metrics } from "../generated/metrics.js";
import { loadModel } from "../src/pipeline/load.js";
import { hotPath, type HotPathOptions } from "./hot-path.js";
import { writeModuleWithoutKeyCheck } from "./without-key-check.js";

const opts = JSON.parse(process.argv[2] ?? "{}") as HotPathOptions & { withoutKeyCheck?: boolean };
const service = loadModel("metrics-spec").model.services[0];
if (!service) throw new Error("the bundled spec has no service");
let createMetrics: (() => Metrics) | undefined;
let cleanup = () => {};
if (opts.withoutKeyCheck) {
  const variant = writeModuleWithoutKeyCheck();
  cleanup = variant.remove;
  try {
    const mod = (await import(`../${variant.path}`)) as { createMetrics: () => Metrics };
    createMetrics = mod.createMetrics;
  } finally {
    cleanup();
  }
}
process.stdout.write(`${JSON.stringify(await hotPath(service, opts, createMetrics))}\n`);
