// Where `obsgen generate` spends its time inside one process: each import phase (cumulative, in
// the order the CLI needs them), then loading the model and generating. Run by the benchmark as a
// child process; prints one JSON object.
const phases: [string, number][] = [];
const start = performance.now();
let last = start;
function mark(name: string): void {
  const now = performance.now();
  phases.push([name, now - last]);
  last = now;
}

await import("yaml");
mark("import yaml");
await import("zod");
mark("import zod");
const { loadModel } = await import("../src/pipeline/load.js");
mark("import spec + model (+ promql checks)");
const { generate } = await import("../src/generators/index.js");
mark("import generators (Grafana SDK, …)");
await import("../src/cli/main.js");
await import("../src/cli/commands/generate.js");
mark("import CLI (main, registry, generate command)");
const { model } = loadModel(process.argv[2] ?? "metrics-spec");
mark("load + validate spec");
const artifacts = generate(model);
mark("generate artifacts");
process.stdout.write(`${JSON.stringify({ phases, artifacts: artifacts.length, totalMs: performance.now() - start })}\n`);
