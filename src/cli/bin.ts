#!/usr/bin/env node
// The `obsgen` command. scripts/build.mjs compiles it to dist/cli/obsgen.js, the package's bin,
// which plain node runs; each command's modules are imported when that command runs.
import { runCli } from "./run.js";

void runCli(process.argv.slice(2));
