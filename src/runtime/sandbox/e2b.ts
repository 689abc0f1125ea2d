// The E2B sandbox provider: the `e2b` SDK's sandboxes behind the runtime's one Sandbox interface.
// Every SDK failure leaves this module as a SandboxError carrying one of the guide's error types.
import { randomUUID } from "node:crypto";
import { posix } from "node:path";
import {
  AuthenticationError,
  type CommandHandle,
  CommandExitError,
  FileNotFoundError,
  NotFoundError,
  Sandbox as E2BSdkSandbox,
  TimeoutError,
} from "e2b";
import {
  type CreateOptions,
  type ErrorType,
  type ExecOptions,
  type ExecResult,
  type FileToWrite,
  type Sandbox,
  SandboxError,
  type SandboxProvider,
  UnsafePathError,
} from "./provider.ts";
import { parseRefusal, safeWriteArgv, UNSAFE_PATH_EXIT } from "./safe-write.ts";

/**
 * The guide's flat figure. E2B itself bills per second by vCPU and memory (a 2 vCPU / 512 MiB
 * sandbox comes to a few cents an hour at list price), so operators set their own rate.
 */
export const DEFAULT_E2B_COST_PER_SANDBOX_HOUR = 0.015;
export const DEFAULT_E2B_TEMPLATE = "base";
/** E2B kills a sandbox this long after creation unless it is extended; the SDK's default too. */
export const DEFAULT_E2B_SANDBOX_TIMEOUT_MS = 300_000;

/** How long past a command's own deadline the SDK waits for the sandbox before giving up. */
const SDK_DEADLINE_GRACE_MS = 5_000;
/** Copying at most 100 files of 1 MB inside the sandbox. */
const WRITE_TIMEOUT_MS = 60_000;

export interface E2BProviderOptions {
  apiKey: string;
  /** Template (image) the sandboxes boot from. */
  template?: string;
  /** Lifetime E2B gives each sandbox before killing it. */
  timeoutMs?: number;
  /** Dollars per sandbox-hour used for the cost estimate. */
  costPerSandboxHour?: number;
  /** Control-plane URL (tests point it at the emulator). */
  apiUrl?: string;
  /** Sandbox daemon URL (tests point it at the emulator). */
  sandboxUrl?: string;
  domain?: string;
  /** Bound on each control-plane request and on starting a command. */
  requestTimeoutMs?: number;
}

export interface E2BProvider extends SandboxProvider {
  readonly name: "e2b";
  readonly template: string;
  readonly costPerSandboxHour: number;
}

/** Reads the provider's configuration from the environment; undefined when E2B_API_KEY is unset. */
export function e2bOptionsFromEnv(env: Readonly<Record<string, string | undefined>>): E2BProviderOptions | undefined {
  const apiKey = env["E2B_API_KEY"];
  if (apiKey === undefined || apiKey === "") return undefined;
  return {
    apiKey,
    template: env["E2B_TEMPLATE"] || undefined,
    timeoutMs: positiveNumber(env, "E2B_SANDBOX_TIMEOUT_MS"),
    costPerSandboxHour: positiveNumber(env, "E2B_COST_PER_SANDBOX_HOUR"),
    apiUrl: env["E2B_API_URL"] || undefined,
    sandboxUrl: env["E2B_SANDBOX_URL"] || undefined,
    domain: env["E2B_DOMAIN"] || undefined,
  };
}

function positiveNumber(env: Readonly<Record<string, string | undefined>>, key: string): number | undefined {
  const raw = env[key];
  if (raw === undefined || raw === "") return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${key} must be a positive number, got "${raw}"`);
  return value;
}

/** One POSIX shell word per argument: single-quoted, each `'` written as `'\''`. */
export function shellQuote(argv: readonly string[]): string {
  if (argv.length === 0) throw new SandboxError("other", "exec needs a program to run");
  return argv
    .map((arg) => {
      if (arg.includes("\0")) throw new SandboxError("other", "an argument cannot contain a NUL byte");
      return `'${arg.replaceAll("'", "'\\''")}'`;
    })
    .join(" ");
}

const NETWORK_FAILURE =
  /ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|fetch failed|socket hang up|other side closed/;

function messageChain(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err; e !== undefined && e !== null && parts.length < 8; ) {
    if (e instanceof Error) {
      parts.push(`${e.message} ${(e as { code?: unknown }).code ?? ""}`);
      e = e.cause;
    } else {
      parts.push(String(e));
      break;
    }
  }
  return parts.join(" | ");
}

/**
 * Maps an SDK failure to the guide's error types. `alive` is asked only when the SDK's answer is
 * ambiguous: it raises TimeoutError both for a command past its deadline and for a sandbox that
 * died under a request.
 */
async function classify(err: unknown, alive: () => Promise<boolean | undefined>): Promise<ErrorType> {
  if (err instanceof SandboxError) return err.errorType;
  if (err instanceof AuthenticationError) return "auth";
  if (err instanceof FileNotFoundError) return "other";
  if (err instanceof NotFoundError) return "sandbox_not_found"; // SandboxNotFoundError is one
  if (err instanceof TimeoutError) return (await alive()) === false ? "sandbox_not_found" : "timeout";
  if (NETWORK_FAILURE.test(messageChain(err))) return "network";
  return "other";
}

async function toSandboxError(err: unknown, what: string, alive: () => Promise<boolean | undefined>) {
  const type = await classify(err, alive);
  return new SandboxError(type, `e2b ${what} failed (${type}): ${err instanceof Error ? err.message : String(err)}`, {
    cause: err,
  });
}

class E2BSandbox implements Sandbox {
  private killed = false;

  constructor(
    private readonly sdk: E2BSdkSandbox,
    readonly workdir: string,
    private readonly forget: (sandbox: E2BSandbox) => void,
  ) {}

  get id(): string {
    return this.sdk.sandboxId;
  }

  async exec(argv: readonly string[], opts: ExecOptions): Promise<ExecResult> {
    // The deadline is enforced inside the sandbox by coreutils `timeout`, which runs the command
    // in a process group of its own and SIGKILLs that whole group: envd's SendSignal reaches only
    // the process it started, so a git child (ssh, a credential helper) would outlive it.
    const command = `timeout -s KILL ${(opts.timeoutMs / 1000).toFixed(3)}s ${shellQuote(argv)}`;
    this.assertNotKilled();
    const started = performance.now();
    let handle: CommandHandle | undefined;
    try {
      handle = await this.sdk.commands.run(command, {
        background: true,
        cwd: opts.cwd ?? this.workdir,
        envs: opts.env === undefined ? undefined : { ...opts.env },
        // A backstop for a sandbox that stops answering; normally `timeout` ends the command first.
        timeoutMs: opts.timeoutMs + SDK_DEADLINE_GRACE_MS,
        stdin: false,
      });
      const result = await handle.wait();
      return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
    } catch (err) {
      if (err instanceof CommandExitError) {
        // SIGKILL from `timeout`: envd reports -1 (killed by a signal), a shell would say 137.
        const killed = err.exitCode === -1 || err.exitCode === 128 + 9;
        if (killed && performance.now() - started >= opts.timeoutMs) {
          throw new SandboxError("timeout", `e2b exec ${argv[0] ?? ""} timed out after ${opts.timeoutMs} ms`);
        }
        return { exitCode: err.exitCode, stdout: err.stdout, stderr: err.stderr };
      }
      const failure = await toSandboxError(err, `exec ${argv[0] ?? ""}`, () => this.probe());
      if (failure.errorType === "timeout" && handle !== undefined) await handle.kill().catch(() => false);
      throw failure;
    }
  }

  async writeFile(path: string, content: string): Promise<void> {
    this.assertNotKilled();
    const target = posix.isAbsolute(path) ? path : posix.join(this.workdir, path);
    try {
      await this.sdk.files.write(target, content);
    } catch (err) {
      throw await toSandboxError(err, `write ${path}`, () => this.probe());
    }
  }

  async writeFilesBeneath(root: string, files: readonly FileToWrite[]): Promise<void> {
    this.assertNotKilled();
    // The SDK's upload follows symlinks, so it only ever writes to a staging directory of ours
    // (beside the clone, where no clone can put anything); the checked copy runs in the sandbox.
    const staging = posix.join(this.workdir, `.obsgen-incoming-${randomUUID()}`);
    const staged = files.map((f, i) => ({ path: f.path, staged: posix.join(staging, String(i)) }));
    try {
      await Promise.all(files.map((f, i) => this.sdk.files.write(posix.join(staging, String(i)), f.content)));
    } catch (err) {
      throw await toSandboxError(err, "write files", () => this.probe());
    }
    const r = await this.exec(safeWriteArgv(staging, root, staged), { timeoutMs: WRITE_TIMEOUT_MS });
    if (r.exitCode === 0) return;
    const refusal = r.exitCode === UNSAFE_PATH_EXIT ? parseRefusal(r.stdout) : undefined;
    if (refusal !== undefined) throw new UnsafePathError(refusal.index, refusal.reason);
    throw new SandboxError("other", `writing files failed: ${r.stderr.trim() || `exit ${r.exitCode}`}`);
  }

  async kill(): Promise<void> {
    if (this.killed) return;
    try {
      await this.sdk.kill(); // false when E2B no longer knows the sandbox: already dead, fine
    } catch (err) {
      throw await toSandboxError(err, "kill", async () => undefined);
    }
    this.killed = true;
    this.forget(this);
  }

  async isAlive(): Promise<boolean> {
    if (this.killed) return false;
    return (await this.probe()) === true;
  }

  /** true/false when the sandbox's daemon answered, undefined when it could not be reached. */
  private async probe(): Promise<boolean | undefined> {
    try {
      return await this.sdk.isRunning({ requestTimeoutMs: 5_000 });
    } catch {
      return undefined;
    }
  }

  private assertNotKilled(): void {
    if (this.killed) throw new SandboxError("sandbox_not_found", `e2b sandbox ${this.id} was killed`);
  }
}

export function createE2BProvider(options: E2BProviderOptions): E2BProvider {
  const template = options.template ?? DEFAULT_E2B_TEMPLATE;
  const held = new Set<E2BSandbox>();
  const connection = {
    apiKey: options.apiKey,
    apiUrl: options.apiUrl,
    sandboxUrl: options.sandboxUrl,
    domain: options.domain,
    requestTimeoutMs: options.requestTimeoutMs,
  };

  return {
    name: "e2b",
    template,
    costPerSandboxHour: options.costPerSandboxHour ?? DEFAULT_E2B_COST_PER_SANDBOX_HOUR,

    async create(opts?: CreateOptions): Promise<Sandbox> {
      let sdk: E2BSdkSandbox;
      try {
        sdk = await E2BSdkSandbox.create(template, {
          ...connection,
          timeoutMs: options.timeoutMs ?? DEFAULT_E2B_SANDBOX_TIMEOUT_MS,
          metadata: opts?.metadata === undefined ? undefined : { ...opts.metadata },
        });
      } catch (err) {
        throw await toSandboxError(err, "create", async () => undefined);
      }
      // The work directory lives under the sandbox user's home, wherever the template puts it.
      let workdir: string;
      try {
        const made = await sdk.commands.run("mkdir -p work && cd work && pwd -P", { timeoutMs: 30_000 });
        workdir = made.stdout.trim();
      } catch (err) {
        await sdk.kill().catch(() => false);
        throw await toSandboxError(err, "prepare work directory", async () => undefined);
      }
      const sandbox = new E2BSandbox(sdk, workdir, (s) => held.delete(s));
      held.add(sandbox);
      return sandbox;
    },

    async shutdown(): Promise<void> {
      const results = await Promise.allSettled([...held].map((s) => s.kill()));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
      if (failed !== undefined) throw failed.reason;
    },
  };
}
