import { BaseError, renderMarkdown, runDiff } from "../../diff/index.js";
import { PIPELINE } from "../../pipeline/index.js";
import type { Command } from "../command.js";
import { DEFAULT_OUT, DEFAULT_SPEC, parseCommandArgs } from "../common.js";
import { EXIT, UsageError } from "../exit-codes.js";

export const diffCommand: Command = {
  usage: "obsgen diff --base <git-ref | dir> [--spec PATH] [--out DIR] [--format markdown|json] [--fail-on-breaking] [--prometheus URL]",
  async run(args, io) {
    const { values } = parseCommandArgs(args, {
      base: { type: "string" },
      spec: { type: "string", default: DEFAULT_SPEC },
      // The base's committed generated files are read from here, to spot generator changes.
      out: { type: "string", default: DEFAULT_OUT },
      format: { type: "string", default: "markdown" },
      "fail-on-breaking": { type: "boolean", default: false },
      prometheus: { type: "string" },
    });
    if (values.help) return io.out(this.usage), EXIT.ok;
    if (values.base === undefined) throw new UsageError("--base is required");
    if (values.format !== "markdown" && values.format !== "json") throw new UsageError(`--format must be markdown or json, not "${values.format}"`);
    let report;
    try {
      report = await runDiff({ pipeline: PIPELINE, base: values.base, spec: values.spec, out: values.out, cwd: io.cwd, ...(values.prometheus !== undefined ? { prometheus: values.prometheus } : {}) });
    } catch (e) {
      if (!(e instanceof BaseError)) throw e;
      io.err(`obsgen diff: ${e.message}`);
      return EXIT.invalidSpec;
    }
    io.out(values.format === "json" ? JSON.stringify(report, null, 2) : renderMarkdown(report).trimEnd());
    return values["fail-on-breaking"] && report.breakingCount > 0 ? EXIT.findings : EXIT.ok;
  },
};
