// Entry of the V8 start-up snapshot that bin/obsgen starts from (built by scripts/build-cli.mjs).
// Everything here runs once, at build time: the modules are loaded and evaluated, and codegen runs
// three times on the bundled spec so its functions are compiled before the heap is frozen. A run
// from the snapshot then starts at the deserialize function with argv and cwd of that run.
import { startupSnapshot } from "node:v8";
import { generate } from "../generators/index.js";
import { runtimeSource } from "../generators/metrics-module/runtime-source.js";
import { loadModel } from "../model/resolve.js";
import { DEFAULT_SPEC } from "./common.js";
import { runCli } from "./run.js";

// Read now: the bundle has no file next to runtime-source.ts to read at run time.
runtimeSource();
try {
  for (let i = 0; i < 3; i++) generate(loadModel(DEFAULT_SPEC).model);
} catch {
  // The spec may be mid-edit or absent where obsgen is installed: warming is only an optimisation,
  // and the run that follows reports the spec's errors itself.
}

startupSnapshot.setDeserializeMainFunction(() => {
  // argv is [node, ...args]: the snapshot takes the place of a script path.
  void runCli(process.argv.slice(1));
});
