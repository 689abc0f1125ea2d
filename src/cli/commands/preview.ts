import type { Command } from "../command.js";
import { DEFAULT_SPEC, parseCommandArgs } from "../common.js";
import { EXIT, UsageError } from "../exit-codes.js";
import { loadPreview } from "../preview-renderer.js";

export const previewCommand: Command = {
  usage: "obsgen preview [--spec PATH] [--out DIR] [--prometheus URL] [--base <git-ref | dir>] [--scenario normal|alerting]",
  async run(args, io) {
    const { values } = parseCommandArgs(args, {
      spec: { type: "string", default: DEFAULT_SPEC },
      out: { type: "string", default: "preview" },
      prometheus: { type: "string" },
      base: { type: "string" },
      scenario: { type: "string" },
    });
    if (values.help) return io.out(this.usage), EXIT.ok;
    const scenario = values.scenario;
    if (scenario !== undefined && scenario !== "normal" && scenario !== "alerting") throw new UsageError(`--scenario must be normal or alerting, not "${scenario}"`);
    if (scenario !== undefined && values.prometheus !== undefined) throw new UsageError("--scenario shapes synthetic data; with --prometheus the data is measured");
    // Loaded on use: echarts and resvg take seconds to import, and are optional.
    const { runPreview } = await loadPreview();
    const { PIPELINE } = await import("../../pipeline/index.js");
    const result = await runPreview({
      pipeline: PIPELINE,
      spec: values.spec,
      out: values.out,
      cwd: io.cwd,
      // Live data ends now; synthetic data ends at a fixed instant so its pictures are stable.
      ...(values.prometheus !== undefined ? { prometheus: values.prometheus, end: Math.floor(Date.now() / 60_000) * 60_000 } : {}),
      ...(values.base !== undefined ? { base: values.base } : {}),
      ...(scenario !== undefined ? { scenario } : {}),
    });
    for (const f of result.files) io.out(`wrote ${f.path} (${f.width}×${f.height})`);
    return EXIT.ok;
  },
};
