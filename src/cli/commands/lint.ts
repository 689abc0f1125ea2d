import { readFileSync } from "node:fs";
import { join } from "node:path";
import { generate } from "../../generators/index.js";
import { formatIssue } from "../../conventions/issue.js";
import { loadModel } from "../../pipeline/load.js";
import { formatFinding, lintDashboardText } from "../../lint/index.js";
import type { Command } from "../command.js";
import { DEFAULT_OUT, DEFAULT_SPEC, parseCommandArgs } from "../common.js";
import { EXIT } from "../exit-codes.js";
import { GRAFANA_DIR } from "../../generators/grafana/names.js";

export const lintCommand: Command = {
  usage: "obsgen lint [--spec PATH] [--out DIR] [FILE.json …]   (default: the generated dashboards)",
  async run(args, io) {
    const parsed = parseCommandArgs(args, { spec: { type: "string", default: DEFAULT_SPEC }, out: { type: "string", default: DEFAULT_OUT } }, { positionals: true });
    const { values, positionals } = parsed;
    if (values.help) return io.out(this.usage), EXIT.ok;
    const { model, warnings } = loadModel(values.spec);
    for (const w of warnings) io.err(formatIssue(w));
    const files =
      positionals.length > 0
        ? positionals
        : generate(model)
            .filter((a) => a.path.startsWith(`${GRAFANA_DIR}/dashboards/`))
            .map((a) => join(values.out, a.path));
    let findings = 0;
    for (const file of files) {
      for (const f of lintDashboardText(readFileSync(file, "utf8"), model)) {
        io.out(formatFinding(file, f));
        findings++;
      }
    }
    if (findings > 0) {
      io.err(`obsgen lint: ${findings} finding(s) in ${files.length} dashboard(s)`);
      return EXIT.findings;
    }
    io.out(`obsgen lint: ${files.length} dashboard(s), no findings`);
    return EXIT.ok;
  },
};
