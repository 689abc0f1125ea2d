// The shape of a CLI command: parsing and exit codes only; the work lives in the modules it calls.
export interface CommandIO {
  out: (text: string) => void;
  err: (text: string) => void;
  cwd: string;
}

export interface Command {
  usage: string;
  run(args: string[], io: CommandIO): Promise<number>;
}

/** The commands (./load-command.ts imports each one's module). */
export type CommandName = "init" | "generate" | "check" | "lint" | "validate" | "diff" | "preview" | "doctor";

/**
 * A command as `obsgen --help` lists it. Its module is imported only when the command runs, so
 * no command pays for another's packages (the Grafana SDK, zod, the preview renderer).
 */
export interface CommandEntry {
  name: CommandName;
  summary: string;
}
