#!/usr/bin/env node
// obsgen's entry point: prints the help or hands the arguments to a command (./run-command.ts).
import type { CommandEntry, CommandIO } from "./command.js";
import { commands } from "./registry.js";
import { EXIT } from "./exit-codes.js";
import { runCommand } from "./run-command.js";

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
  return runCommand(entry.name, rest, io);
}
