import { generate } from "../../generators/index.js";
import { formatIssue } from "../../model/issue.js";
import { loadModel } from "../../model/resolve.js";
import { writeArtifacts } from "../../output/files.js";
import type { Command } from "../command.js";
import { parseCommandArgs, specOptions } from "../common.js";
import { EXIT } from "../exit-codes.js";

export const generateCommand: Command = {
  usage: "obsgen generate [--spec PATH] [--out DIR]",
  async run(args, io) {
    const { values } = parseCommandArgs(args, specOptions);
    if (values.help) return io.out(this.usage), EXIT.ok;
    const { model, warnings } = loadModel(values.spec);
    for (const w of warnings) io.err(formatIssue(w));
    const { written, removed } = writeArtifacts(generate(model), values.out);
    io.out(`obsgen: ${written.length} file(s) written, ${removed.length} removed in ${values.out}/`);
    for (const f of written) io.out(`  wrote ${f}`);
    for (const f of removed) io.out(`  removed ${f}`);
    return EXIT.ok;
  },
};
