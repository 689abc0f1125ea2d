// The one interface both sandbox providers (local, E2B) implement; the git runtime sees only this.

/** The guide's error types; every failure of the runtime is classified as one of them. */
export const ERROR_TYPES = ["timeout", "auth", "conflict", "network", "sandbox_not_found", "other"] as const;
export type ErrorType = (typeof ERROR_TYPES)[number];

export interface ExecOptions {
  /** Working directory inside the sandbox; defaults to the sandbox's work directory. */
  cwd?: string;
  /** Extra environment for this command only. */
  env?: Readonly<Record<string, string>>;
  /** Kills the command (its whole process tree) after this many milliseconds. */
  timeoutMs: number;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface Sandbox {
  readonly id: string;
  /** Absolute path of the sandbox's private work directory (inside the sandbox). */
  readonly workdir: string;
  /**
   * Runs a program with arguments (no shell). A non-zero exit is a result, not an error; a
   * timeout, a dead sandbox or a broken connection throws SandboxError with its ErrorType.
   */
  exec(argv: readonly string[], opts: ExecOptions): Promise<ExecResult>;
  /** Writes a file the runtime itself owns (a path it chose, outside any clone). */
  writeFile(path: string, content: string): Promise<void>;
  /**
   * Writes a caller's files below `root` (a clone), creating directories as needed. A path with a
   * component that is a symbolic link, a non-directory, or named `.git` in any case is refused with
   * UnsafePathError before anything is written; no write ever follows a symbolic link.
   */
  writeFilesBeneath(root: string, files: readonly FileToWrite[]): Promise<void>;
  /**
   * Optional: reads a small file from the runtime's own process, without running a command in the
   * sandbox (the local provider: the sandbox is a directory on this machine). Never blocks on a
   * FIFO or device: anything but a regular file (after following symbolic links, as git does) is
   * "not-a-file". The git runtime checks a clone's .git/config with it before each git command; a
   * provider without it (E2B, where reading a file is a round trip like running a command) gets
   * the check run by sh in front of git instead.
   */
  readRegularFile?(path: string, maxBytes: number): Promise<RegularFileRead>;
  /** Ends the sandbox and everything running in it; idempotent. */
  kill(): Promise<void>;
  isAlive(): Promise<boolean>;
}

export type RegularFileRead = { kind: "file"; text: string } | { kind: "not-a-file" } | { kind: "too-large" };

export interface FileToWrite {
  /** Relative to the root given to writeFilesBeneath, components separated by '/'. */
  path: string;
  content: string;
}

export interface CreateOptions {
  /** Free-form metadata (agent, task, repository) the provider may attach to the sandbox. */
  metadata?: Readonly<Record<string, string>>;
}

export interface SandboxProvider {
  readonly name: "local" | "e2b";
  create(opts?: CreateOptions): Promise<Sandbox>;
  /** Kills every sandbox this provider created and still holds. */
  shutdown(): Promise<void>;
}

export class SandboxError extends Error {
  constructor(
    readonly errorType: ErrorType,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "SandboxError";
  }
}

/** A file write refused because its path would leave the clone, follow a symlink or reach .git. */
export class UnsafePathError extends SandboxError {
  constructor(
    /** Index of the refused file in the list given to writeFilesBeneath. */
    readonly index: number,
    readonly reason: string,
  ) {
    super("other", `refused to write file ${index}: ${reason}`);
    this.name = "UnsafePathError";
  }
}
