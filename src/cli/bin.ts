#!/usr/bin/env node
// The `obsgen` command. scripts/build.mjs compiles it to dist/cli/obsgen.js, the package's bin,
// which plain node runs; each command's modules are imported when that command runs.
import module from "node:module";
import { runCli } from "./run.js";

// Node ≥ 22.1 keeps the compiled code of this entry in its compile cache (under the OS temp
// directory, checked against node's version and the file's content, ignored on any mismatch or
// error; NODE_DISABLE_COMPILE_CACHE=1 turns it off), as tsc does; Node 20 has no such function.
// The commands' bundle, nearly all of the code, has a code cache of its own on every node version
// (./code-cache.ts).
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

void runCli(process.argv.slice(2));
