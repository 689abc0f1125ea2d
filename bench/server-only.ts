// Runs only the runtime-process section (memory and /metrics throughput) and prints it as JSON:
// a quick before/after check while working on the runtime. `npm run bench` writes BENCHMARKS.md.
import { loadModel } from "../src/pipeline/load.js";
import { serverBench } from "./server.js";

const { model } = loadModel("metrics-spec");
const service = model.services[0];
if (!service) throw new Error("the bundled spec has no service");
const rounds = Number(process.env["ROUNDS"] ?? "3");
const r = await serverBench(service, { memoryRounds: rounds, rounds: rounds + 1, seconds: 3, connections: 8 });
process.stdout.write(`${JSON.stringify(r, null, 1)}\n`);
