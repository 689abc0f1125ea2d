// `node --import ./test/support/trace-imports.mjs`: appends the URL of every module the process
// loads to the file named by OBSGEN_TRACE_IMPORTS, one per line. Tests read it to prove which
// packages a command loads. It sees what the ES module loader loads (its own, and each package's
// entry, CommonJS ones included), what require() loads (node 20's loader hooks do not see it),
// and every script compiled through node:vm (the compiled CLI runs dist/cli/commands.cjs so).
import { appendFileSync } from "node:fs";
import Module, { register, syncBuiltinESMExports } from "node:module";
import { pathToFileURL } from "node:url";
import vm from "node:vm";

const log = process.env.OBSGEN_TRACE_IMPORTS;
register("./trace-imports-hooks.mjs", import.meta.url, { data: { log } });

const record = (filename) => {
  if (typeof filename === "string" && filename.startsWith("/")) appendFileSync(log, `${pathToFileURL(filename).href}\n`);
};

const Script = vm.Script;
vm.Script = class TracedScript extends Script {
  constructor(code, options) {
    record(options?.filename);
    super(code, options);
  }
};
const load = Module.prototype.load;
Module.prototype.load = function tracedLoad(filename) {
  record(filename);
  return load.call(this, filename);
};
// `import { Script } from "node:vm"` reads the patched class from here on.
syncBuiltinESMExports();
