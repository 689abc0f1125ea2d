import { generate } from "../../generators/index.js";
import { MANIFEST_PATH } from "../../conventions/artifact.js";
import { formatIssue } from "../../conventions/issue.js";
import { loadModel } from "../../pipeline/load.js";
import { compare, hasDrift } from "../../output/files.js";
import type { Command } from "../command.js";
import { parseCommandArgs, specOptions } from "../common.js";
import { EXIT } from "../exit-codes.js";
import { langOption, resolveLang } from "./lang-option.js";

export const checkCommand: Command = {
  usage: "obsgen check [--spec PATH] [--out DIR] [--lang ts|js]",
  async run(args, io) {
    const { values } = parseCommandArgs(args, { ...specOptions, ...langOption });
    if (values.help) return io.out(this.usage), EXIT.ok;
    const lang = resolveLang(values.lang, values.out);
    const { model, warnings } = loadModel(values.spec);
    for (const w of warnings) io.err(formatIssue(w));
    const drift = compare(generate(model, { lang }), values.out);
    if (!hasDrift(drift)) {
      io.out(`obsgen: ${values.out}/ is up to date`);
      return EXIT.ok;
    }
    io.err(`obsgen: ${values.out}/ is out of date with ${model.files.join(", ")}:`);
    for (const f of drift.stale) io.err(`  stale    ${f}`);
    for (const f of drift.edited) io.err(`  edited   ${f} (changed by hand since obsgen wrote it: generate overwrites it; change the spec instead)`);
    for (const f of drift.missing) io.err(`  missing  ${f}`);
    for (const f of drift.obsolete) io.err(`  obsolete ${f} (obsgen wrote it, the spec no longer generates it: generate removes it)`);
    if (drift.manifest === "missing") io.err(`  missing  ${MANIFEST_PATH} (the list of files obsgen generated; an older obsgen wrote none)`);
    if (drift.manifest === "stale") io.err(`  stale    ${MANIFEST_PATH} (the list of files obsgen generated, with their sha256)`);
    io.err(`run \`npx obsgen generate${lang === "js" ? " --lang js" : ""}\` and commit the result`);
    return EXIT.findings;
  },
};
