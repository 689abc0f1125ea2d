// Runs only the one-request-at-a-time runtime section (warm status and diff against raw git) and
// prints it as JSON: a quick before/after check while working on the runtime. `npm run bench`
// writes BENCHMARKS.md.
import { runtimeBench } from "./runtime.js";

const r = await runtimeBench({ rounds: Number(process.env["ROUNDS"] ?? "15") });
const rows = r.rows.map((row) => ({ what: row.what, runtimeMs: row.runtime, rawMs: row.raw, ratio: row.runtime.median / row.raw.median }));
process.stdout.write(`${JSON.stringify({ rows, coldFirst: r.coldFirst, warmFirst: r.warmFirst }, null, 1)}\n`);
