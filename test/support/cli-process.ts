// Runs the obsgen CLI from source as a child process in a chosen working directory, as a user
// would run it inside their own project (tests cannot chdir their own worker).
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const REPO = fileURLToPath(new URL("../..", import.meta.url));
const TSX = import.meta.resolve("tsx");
const BIN = `${REPO}src/cli/bin.ts`;

export interface CliRun {
  code: number | null;
  out: string;
  err: string;
}

export function runObsgen(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): CliRun {
  const r = spawnSync(process.execPath, ["--import", TSX, BIN, ...args], { cwd, encoding: "utf8", env: { ...process.env, ...env }, timeout: 120_000 });
  if (r.error) throw r.error;
  return { code: r.status, out: r.stdout, err: r.stderr };
}
