// Runs only the runtime-at-concurrency section (status/diff by many agents at once against raw
// git; the push queue when PUSH_AGENTS is set) and prints it as JSON: a quick before/after check
// while working on the runtime. `npm run bench` writes BENCHMARKS.md.
import { concurrencyBench } from "./concurrency.js";

const num = (name: string, fallback: number): number => Number(process.env[name] ?? String(fallback));
const pushAgents = (process.env["PUSH_AGENTS"] ?? "").split(",").filter((s) => s !== "").map(Number);
const r = await concurrencyBench({ agents: num("AGENTS", 50), opsPerAgent: num("OPS", 3), rounds: num("ROUNDS", 5), pushAgents, pushRounds: num("PUSH_ROUNDS", 1) });
process.stdout.write(`${JSON.stringify({ ...r, ratio: r.runtimeOpsPerSec.median / r.rawOpsPerSec.median }, null, 1)}\n`);
