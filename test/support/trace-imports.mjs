// `node --import ./test/support/trace-imports.mjs`: appends the URL of every module the process
// loads through the ES module loader (its own, and each package's entry, CommonJS ones included)
// to the file named by OBSGEN_TRACE_IMPORTS, one per line. Tests read it to prove which packages a
// command loads.
import { register } from "node:module";

register("./trace-imports-hooks.mjs", import.meta.url, { data: { log: process.env.OBSGEN_TRACE_IMPORTS } });
