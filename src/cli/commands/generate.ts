import { generate } from "../../generators/index.js";
import type { ModuleLang } from "../../generators/metrics-module/generate.js";
import { formatIssue, SpecError } from "../../conventions/issue.js";
import { loadModel } from "../../pipeline/load.js";
import { writeArtifacts } from "../../output/files.js";
import { watchSpec } from "../../output/watch.js";
import type { Command, CommandIO } from "../command.js";
import { parseCommandArgs, specOptions } from "../common.js";
import { EXIT } from "../exit-codes.js";
import { langOption, resolveLang } from "./lang-option.js";
import { tierUpAsUsual } from "../tier-up.js";

/** Loads, validates and generates; writes only the files whose bytes changed. Throws SpecError. */
function generateOnce(spec: string, out: string, lang: ModuleLang, io: CommandIO): void {
  const { model, warnings } = loadModel(spec);
  for (const w of warnings) io.err(formatIssue(w));
  const { written, removed, overwrittenEdits } = writeArtifacts(generate(model, { lang }), out);
  io.out(`obsgen: ${written.length} file(s) written, ${removed.length} removed in ${out}/`);
  for (const f of written) io.out(`  wrote ${f}`);
  for (const f of removed) io.out(`  removed ${f}`);
  for (const f of overwrittenEdits) io.err(`obsgen: warning: ${out}/${f} had been edited by hand since obsgen wrote it; the edit is gone (change the spec instead, or recover it from version control)`);
}

// Watch mode: every save regenerates in this process (modules loaded and compiled once), so a
// save costs the work, not a start-up. An invalid save is reported and writes nothing; the
// watcher keeps going until SIGINT or SIGTERM.
async function watchMode(spec: string, out: string, lang: ModuleLang, io: CommandIO): Promise<number> {
  // The compiled CLI delays V8's optimising compiler for a one-shot run (../tier-up.ts); the
  // watcher keeps running, and each save should find the code that regenerates optimised.
  tierUpAsUsual();
  const regenerate = () => {
    const started = performance.now();
    try {
      generateOnce(spec, out, lang, io);
      io.out(`obsgen: regenerated in ${(performance.now() - started).toFixed(0)} ms; watching ${spec}`);
    } catch (e) {
      if (!(e instanceof SpecError)) throw e;
      for (const issue of e.issues) io.err(formatIssue(issue));
      io.err(`obsgen: ${e.issues.filter((i) => i.severity === "error").length} error(s); nothing was written; watching ${spec}`);
    }
  };
  const stop = new AbortController();
  const signals = ["SIGINT", "SIGTERM"] as const;
  const onSignal = () => stop.abort();
  for (const s of signals) process.once(s, onSignal);
  try {
    // The watch is in place before the first regeneration says "watching": a save the moment after
    // that line is seen (and one made during the first regeneration runs it again).
    const watching = watchSpec(spec, regenerate, { signal: stop.signal });
    try {
      regenerate();
    } catch (e) {
      stop.abort();
      await watching;
      throw e;
    }
    await watching;
  } finally {
    for (const s of signals) process.removeListener(s, onSignal);
  }
  io.out("obsgen: stopped watching");
  return EXIT.ok;
}

export const generateCommand: Command = {
  usage: "obsgen generate [--spec PATH] [--out DIR] [--lang ts|js] [--watch]",
  async run(args, io) {
    const { values } = parseCommandArgs(args, { ...specOptions, ...langOption, watch: { type: "boolean", default: false } });
    if (values.help) return io.out(this.usage), EXIT.ok;
    const lang = resolveLang(values.lang, values.out);
    if (values.watch) return watchMode(values.spec, values.out, lang, io);
    generateOnce(values.spec, values.out, lang, io);
    return EXIT.ok;
  },
};
