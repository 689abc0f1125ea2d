#!/usr/bin/env node
// obsgen's entry point: dispatches to a command and maps failures to documented exit codes.
import { SpecError, formatIssue } from "../conventions/issue.js";
import type { CommandEntry, CommandIO } from "./command.js";
import { commands } from "./registry.js";
import { EXIT, ToolMissingError, UsageError } from "./exit-codes.js";
import { OutputDirError } from "../output/output-dir-error.js";

function help(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    "obsgen: one metrics spec generates instrumentation, dashboards, rules and their tests.",
    "",
    "usage: obsgen <command> [options]   (obsgen <command> --help for its options)",
    "",
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "exit codes: 0 ok, 1 findings (drift, lint, validation, breaking), 2 invalid spec or output directory, 3 usage, 4 tool missing, 70 internal",
  ].join("\n");
}

export async function main(argv: string[], io: CommandIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.out(help());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const entry: CommandEntry | undefined = commands.find((c) => c.name === name);
  if (!entry) {
    io.err(`obsgen: unknown command "${name}"\n\n${help()}`);
    return EXIT.usage;
  }
  let usage = "";
  try {
    const command = await entry.load();
    usage = command.usage;
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof SpecError) {
      for (const issue of e.issues) io.err(formatIssue(issue));
      const errors = e.issues.filter((i) => i.severity === "error").length;
      io.err(`obsgen: ${errors} error(s); nothing was written`);
      return EXIT.invalidSpec;
    }
    if (e instanceof OutputDirError) {
      io.err(`obsgen ${entry.name}: ${e.message}`);
      return EXIT.invalidSpec;
    }
    if (e instanceof UsageError) {
      io.err(`obsgen ${entry.name}: ${e.message}\nusage: ${usage}`);
      return EXIT.usage;
    }
    if (e instanceof ToolMissingError) {
      io.err(`obsgen ${entry.name}: ${e.message}`);
      return EXIT.toolMissing;
    }
    if ((e as NodeJS.ErrnoException).code === "ENOENT") {
      io.err(`obsgen ${entry.name}: ${(e as Error).message}`);
      return EXIT.usage;
    }
    io.err(`obsgen ${entry.name}: internal error: ${(e as Error).stack ?? String(e)}`);
    return EXIT.internal;
  }
}
