// Runs the CLI against this process's streams and exit code (bin.ts).
import type { CommandIO } from "./command.js";
import { main } from "./main.js";

export function runCli(argv: string[]): Promise<void> {
  const io: CommandIO = {
    out: (t) => process.stdout.write(`${t}\n`),
    err: (t) => process.stderr.write(`${t}\n`),
    cwd: process.cwd(),
  };
  return main(argv, io).then((code) => {
    process.exitCode = code;
  });
}
