// The shape of a CLI command: parsing and exit codes only; the work lives in the modules it calls.
export interface CommandIO {
  out: (text: string) => void;
  err: (text: string) => void;
  cwd: string;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  run(args: string[], io: CommandIO): Promise<number>;
}
