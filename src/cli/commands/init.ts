import { initProject, InitRefused } from "../../init/index.js";
import type { Command } from "../command.js";
import { parseCommandArgs } from "../common.js";
import { EXIT, UsageError } from "../exit-codes.js";

export const initCommand: Command = {
  usage: "obsgen init [--service NAME] [--dir metrics-spec]",
  async run(args, io) {
    const { values } = parseCommandArgs(args, { service: { type: "string" }, dir: { type: "string" } });
    if (values.help) return io.out(this.usage), EXIT.ok;
    let result;
    try {
      result = initProject({ cwd: io.cwd, ...(values.service !== undefined ? { service: values.service } : {}), ...(values.dir !== undefined ? { dir: values.dir } : {}) });
    } catch (e) {
      if (e instanceof InitRefused) throw new UsageError(e.message);
      throw e;
    }
    io.out(`obsgen: wrote ${result.specFile}`);
    const added = Object.entries(result.scripts);
    if (added.length > 0) io.out(`obsgen: added to ${result.packageJson ?? "package.json"}: ${added.map(([n, c]) => `"${n}": "${c}"`).join(", ")}`);
    if (result.keptScripts.length > 0) io.out(`obsgen: kept your existing ${result.keptScripts.map((n) => `"${n}"`).join(", ")} script(s)`);
    io.out([
      "",
      "next:",
      "  npm install obsgen prom-client   (if not installed yet: the generated module imports both at run time)",
      "  npx obsgen generate    write generated/ from the spec; commit it",
      "  npx obsgen validate    check the rules, rule tests and configs with promtool and amtool",
      "  npx obsgen check       in CI: fail when generated/ is out of date with the spec",
    ].join("\n"));
    return EXIT.ok;
  },
};
