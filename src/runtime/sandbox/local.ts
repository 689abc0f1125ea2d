// The local sandbox provider: a private temporary directory per sandbox and git child processes on
// this machine. Each sandbox has its own HOME and git configuration, git never prompts on a
// terminal, and every command runs in its own process group so a timeout or a kill ends the whole
// tree (git spawns ssh, remote-https, pack-objects...). The commands are started by the provider's
// spawner (spawner.ts), a small process of its own, so the runtime's large process never forks.
import { randomUUID } from "node:crypto";
import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import { mkdir, mkdtemp, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative, isAbsolute } from "node:path";
import {
  type CreateOptions,
  type ExecOptions,
  type ExecResult,
  type FileToWrite,
  type RegularFileRead,
  type Sandbox,
  SandboxError,
  type SandboxProvider,
  UnsafePathError,
} from "./provider.ts";
import { parseRefusal, safeWriteArgv, UNSAFE_PATH_EXIT } from "./safe-write.ts";
import { type EncodedEnv, encodeEnv, type SpawnOutcome, Spawner } from "./spawner.ts";

/** A `.` or `..` path segment. */
const DOT_SEGMENT = /\/\.\.?(?:\/|$)/;
/** Prefix of every sandbox directory, so tests (and operators) can find leftovers. */
export const LOCAL_SANDBOX_PREFIX = "obsgen-sandbox-";
/** Output beyond this many bytes per stream is dropped; git's progress output is not needed. */
const MAX_OUTPUT_BYTES = 8 * 1024 * 1024;
/** Copying at most 100 files of 1 MB on a local disk. */
const WRITE_TIMEOUT_MS = 60_000;

export interface LocalProviderOptions {
  /** Directory under which sandbox directories are made; the OS temp directory by default. */
  root?: string;
  /** The spawner ends after running nothing for this long (DEFAULT_SPAWNER_IDLE_MS). */
  spawnerIdleMs?: number;
  /**
   * How long after a command's timeout (or a kill) the spawner has to report it ended before the
   * spawner is killed as stuck, failing the commands it held (DEFAULT_STUCK_GRACE_MS).
   */
  spawnerStuckGraceMs?: number;
}

// Credentials reach git only through the askpass helper the git runtime installs per command (it
// checks the host); this environment names no helper, so nothing here can hand a secret out.
function baseEnv(home: string): Record<string, string> {
  return {
    PATH: process.env["PATH"] ?? "/usr/local/bin:/usr/bin:/bin",
    HOME: home,
    XDG_CONFIG_HOME: join(home, ".config"),
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: join(home, ".gitconfig"),
    GIT_TERMINAL_PROMPT: "0",
    // ssh must not ask about host keys on a terminal either; BatchMode fails instead.
    GIT_SSH_COMMAND: "ssh -o BatchMode=yes",
    LANG: "C",
    LC_ALL: "C",
    TMPDIR: join(home, "tmp"),
  };
}

class LocalSandbox implements Sandbox {
  readonly id: string;
  private killed = false;
  /** Ids (the spawner's) of the commands running, and their ends. */
  private readonly running = new Map<number, Promise<unknown>>();
  private readonly env: Readonly<Record<string, string>>;
  private readonly encodedEnv: EncodedEnv;
  private readonly encodedEnvs = new WeakMap<object, EncodedEnv>();
  private readonly rootSlash: string;

  constructor(
    private readonly root: string,
    readonly workdir: string,
    private readonly home: string,
    private readonly spawner: Spawner,
    private readonly onKilled: (s: LocalSandbox) => void,
  ) {
    this.id = `local-${randomUUID()}`;
    this.env = baseEnv(home);
    this.encodedEnv = encodeEnv(this.env);
    this.rootSlash = `${root}/`;
  }

  async exec(argv: readonly string[], opts: ExecOptions): Promise<ExecResult> {
    const program = argv[0];
    if (this.killed) throw this.notFound();
    if (program === undefined) throw new SandboxError("other", "exec needs a program");
    const cwd = opts.cwd ?? this.workdir;
    if (!this.contains(cwd)) throw new SandboxError("other", `cwd is outside the sandbox: ${cwd}`);
    const { id, done } = this.spawner.run({ argv, cwd, env: this.envWith(opts.env), timeoutMs: opts.timeoutMs, maxOutputBytes: MAX_OUTPUT_BYTES });
    this.running.set(id, done);
    let outcome: SpawnOutcome;
    try {
      outcome = await done;
    } catch (error) {
      if (this.killed) throw this.notFound();
      throw error;
    } finally {
      this.running.delete(id);
    }
    if (this.killed) throw this.notFound();
    if (outcome.timedOut) throw new SandboxError("timeout", `${program} did not finish within ${opts.timeoutMs} ms and was killed`);
    if (outcome.spawnError !== "") throw new SandboxError("other", `cannot run ${program}: ${outcome.spawnError}`);
    return { exitCode: outcome.code ?? (outcome.signal ? 128 : 1), stdout: outcome.stdout, stderr: outcome.stderr };
  }

  /**
   * The sandbox's environment with a command's own variables over it, encoded for the spawner.
   * Merging and encoding some 30 variables costs tens of microseconds, more than the rest of exec;
   * a caller that passes the same frozen object for every command (the git runtime does) gets it
   * done once.
   */
  private envWith(extra: Readonly<Record<string, string>> | undefined): EncodedEnv {
    if (extra === undefined) return this.encodedEnv;
    if (!Object.isFrozen(extra)) return encodeEnv(Object.assign({}, this.env, extra));
    let encoded = this.encodedEnvs.get(extra);
    if (encoded === undefined) {
      encoded = encodeEnv(Object.assign({}, this.env, extra));
      this.encodedEnvs.set(extra, encoded);
    }
    return encoded;
  }

  async writeFile(path: string, content: string): Promise<void> {
    if (this.killed) throw this.notFound();
    if (!this.contains(path)) throw new SandboxError("other", `path is outside the sandbox: ${path}`);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content);
  }

  async writeFilesBeneath(root: string, files: readonly FileToWrite[]): Promise<void> {
    if (this.killed) throw this.notFound();
    if (!this.contains(root)) throw new SandboxError("other", "the root to write beneath is outside the sandbox");
    // Staged in the sandbox's private temporary directory, which no clone can reach; the script
    // removes the staging directory when it ends.
    const staging = await mkdtemp(join(this.home, "tmp", "incoming-"));
    const staged = await Promise.all(
      files.map(async (f, i) => {
        const path = join(staging, String(i));
        await writeFile(path, f.content);
        return { path: f.path, staged: path };
      }),
    );
    const r = await this.exec(safeWriteArgv(staging, root, staged), { timeoutMs: WRITE_TIMEOUT_MS });
    if (r.exitCode === 0) return;
    const refusal = r.exitCode === UNSAFE_PATH_EXIT ? parseRefusal(r.stdout) : undefined;
    if (refusal !== undefined) throw new UnsafePathError(refusal.index, refusal.reason);
    throw new SandboxError("other", `writing files failed: ${r.stderr.trim() || `exit ${r.exitCode}`}`);
  }

  async readRegularFile(path: string, maxBytes: number): Promise<RegularFileRead> {
    if (this.killed) throw this.notFound();
    if (!this.contains(path)) throw new SandboxError("other", `path is outside the sandbox: ${path}`);
    // Synchronous on purpose: a file of at most maxBytes on a local disk is read in a few
    // microseconds, while each asynchronous step (open, fstat, read, close) is a round trip through
    // libuv's thread pool that, on a loaded machine, costs more than the read (the git runtime
    // does this before every git command). O_NONBLOCK: opening a FIFO returns at once instead of
    // waiting for a writer; the type is then checked on the open file itself, so nothing can swap
    // the file in between.
    let fd: number;
    try {
      fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "ENOTDIR" || code === "ELOOP" || code === "ENXIO") return { kind: "not-a-file" };
      throw new SandboxError("other", `cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    try {
      const info = fstatSync(fd);
      if (!info.isFile()) return { kind: "not-a-file" };
      if (info.size > maxBytes) return { kind: "too-large" };
      // Sized by fstat (one byte more, to see the end of the file in the same read), grown if the
      // file grew since; only the bytes read are ever looked at.
      let buffer = Buffer.allocUnsafe(info.size + 1);
      let length = 0;
      for (;;) {
        if (length === buffer.length) {
          const grown = Buffer.allocUnsafe(Math.min(maxBytes + 1, buffer.length * 2));
          buffer.copy(grown, 0, 0, length);
          buffer = grown;
        }
        const read = readSync(fd, buffer, length, buffer.length - length, null);
        if (read === 0) break;
        length += read;
        if (length > maxBytes) return { kind: "too-large" };
      }
      return { kind: "file", text: buffer.toString("utf8", 0, length) };
    } finally {
      closeSync(fd);
    }
  }

  async kill(): Promise<void> {
    if (this.killed) return;
    this.killed = true;
    const ending = [...this.running.values()].map((done) => done.catch(() => undefined));
    for (const id of this.running.keys()) this.spawner.kill(id);
    await Promise.all(ending);
    await rm(this.root, { recursive: true, force: true });
    this.onKilled(this);
  }

  async isAlive(): Promise<boolean> {
    return !this.killed;
  }

  private contains(path: string): boolean {
    // The paths the runtime passes (the work directory and below, spelled without `.` or `..`
    // segments) are settled without path.relative's normalisation, twice per git command.
    if (path.startsWith(this.rootSlash) && !DOT_SEGMENT.test(path)) return true;
    const rel = relative(this.root, path);
    return isAbsolute(path) && !rel.startsWith("..") && !isAbsolute(rel);
  }

  private notFound(): SandboxError {
    return new SandboxError("sandbox_not_found", `sandbox ${this.id} was killed`);
  }
}

export function createLocalProvider(options: LocalProviderOptions = {}): SandboxProvider {
  const live = new Set<LocalSandbox>();
  const spawner = new Spawner(options.spawnerIdleMs, options.spawnerStuckGraceMs);
  return {
    name: "local",
    async create(_opts?: CreateOptions): Promise<Sandbox> {
      const base = await realpath(options.root ?? tmpdir());
      const root = await mkdtemp(join(base, LOCAL_SANDBOX_PREFIX));
      const home = join(root, "home");
      const workdir = join(root, "work");
      for (const dir of [join(home, ".config"), join(home, "tmp"), workdir]) await mkdir(dir, { recursive: true });
      await writeFile(join(home, ".gitconfig"), "");
      const sandbox = new LocalSandbox(root, workdir, home, spawner, (s) => live.delete(s));
      live.add(sandbox);
      return sandbox;
    },
    async shutdown(): Promise<void> {
      await Promise.all([...live].map((s) => s.kill()));
      await spawner.stop();
    },
  };
}
