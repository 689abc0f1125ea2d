// Runs the CLI against this process's streams and exit code (bin.ts).
import type { CommandIO } from "./command.js";
import { main } from "./main.js";

/**
 * Ends the process once the command is done and its output written. Left to itself, node would
 * first let V8 finish the garbage collection it had started in the background (marking a heap
 * that is about to be discarded, then collecting it): 10 to 20 ms of a 250 ms run. Output still
 * buffered (a pipe is written asynchronously on some systems) is never cut off: then the process
 * ends as node ends it, once everything is written.
 */
function exitWhenWritten(code: number): void {
  process.exitCode = code;
  if (process.stdout.writableLength === 0 && process.stderr.writableLength === 0) process.exit();
}

export function runCli(argv: string[]): Promise<void> {
  const io: CommandIO = {
    out: (t) => process.stdout.write(`${t}\n`),
    err: (t) => process.stderr.write(`${t}\n`),
    cwd: process.cwd(),
  };
  return main(argv, io).then(exitWhenWritten);
}
