// Child process of the hot-path benchmark: `node --import tsx [V8 flags] bench/hot-path-child.ts
// '{"operations":…,"rounds":…,"warmup":…}'` prints one JSON HotPathResult on stdout.
import { loadModel } from "../src/pipeline/load.js";
import { hotPath, type HotPathOptions } from "./hot-path.js";

const opts = JSON.parse(process.argv[2] ?? "{}") as HotPathOptions;
const service = loadModel("metrics-spec").model.services[0];
if (!service) throw new Error("the bundled spec has no service");
process.stdout.write(`${JSON.stringify(await hotPath(service, opts))}\n`);
