// The git runtime: validated requests become git commands inside the agent's cached sandbox, and
// every operation is recorded through the generated metrics module — `started` once, then exactly
// one of success or failure, a duration, and on failure its classified error type.
import { setTimeout as sleep } from "node:timers/promises";
import type { Metrics } from "../../../generated/metrics.ts";
import type { CostMeter } from "../cost.ts";
import { SandboxBusyError, type SandboxCache } from "../sandbox/cache.ts";
import { type ErrorType, type ExecResult, type Sandbox, UnsafePathError } from "../sandbox/provider.ts";
import { classifyGitOutput, GitFailure, toGitFailure } from "./classify.ts";
import { ASKPASS_SCRIPT, type Grant, grantEnv, grantFor } from "./credentials.ts";
import { cloneConfigRefusal, GUARD_SCRIPT, guardRefusal, hardenedConfigArgs, hardenedEnv, MAX_CLONE_CONFIG_BYTES } from "./hardening.ts";
import {
  type CommonInput,
  fieldProblems,
  type InputOptions,
  type Operation,
  type OperationInput,
  type PushInput,
  requestSchemas,
  type RequestSchemas,
  ValidationError,
} from "./input.ts";
import { type Credentials, Redactor, splitCredentials } from "./redact.ts";

/** Retries after a rejected push; the `attempt` label of git_push_retry_count_total has 1..5. */
export const MAX_PUSH_RETRIES = 5;
const ATTEMPT_LABELS = ["1", "2", "3", "4", "5"] as const;

const REPO_DIR = "repo";
const ASKPASS_FILE = ".obsgen-askpass.sh";
/** Stands for the sandbox's own directories in messages: callers never see absolute sandbox paths. */
const SANDBOX_PLACEHOLDER = "<sandbox>";

/** A push git refused because the remote moved on: rebase onto it and try again. */
const PUSH_REJECTED = /\[rejected\]|non-fast-forward|fetch first|Updates were rejected|cannot lock ref|failed to update ref|incorrect old value/;

export interface PushRetryPolicy {
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface LogLine {
  level: "info" | "warn" | "error";
  msg: string;
  [field: string]: unknown;
}

export interface GitRuntimeOptions extends InputOptions {
  metrics: Metrics;
  cache: SandboxCache;
  cost: CostMeter;
  /** Each git command is killed after this long (the operation then fails as a timeout). */
  commandTimeoutMs?: number;
  /**
   * Credentials (GIT_USERNAME / GIT_PASSWORD) for the remotes on `credentialHosts`, over https
   * (http too with allowLocalRemotes); a URL's own userinfo wins.
   */
  credentials?: Credentials;
  /** GIT_CREDENTIAL_HOSTS: `host` or `host:port` entries; empty or unset, no host gets `credentials`. */
  credentialHosts?: readonly string[];
  pushRetry?: Partial<PushRetryPolicy>;
  /** Uniform in [0, 1); the backoff's jitter. Injectable for tests. */
  random?: () => number;
  log?: (line: LogLine) => void;
}

/** Who an operation is run for: passed along the call, so the operation's log lines name it. */
export interface CallContext {
  /** The id of the HTTP request being served; the git runtime's log lines for the call carry it. */
  requestId?: string;
}

export type OperationResult =
  | { ok: true; operation: Operation; sandbox_id: string; output: string; commit?: string; retries?: number; note?: string }
  | { ok: false; operation: Operation; retries?: number; error: { type: ErrorType; message: string; conflicting_files?: string[] } };

interface Context {
  input: CommonInput;
  url: string;
  /** Credentials git may answer a prompt of the remote with, and for which origin. */
  grant: Grant | undefined;
  redactor: Redactor;
  requestId: string | undefined;
}

/** A push that failed after it began pushing: how many re-pushes it made first. */
class PushFailure extends GitFailure {
  constructor(
    failure: GitFailure,
    readonly retries: number,
  ) {
    super(failure.errorType, failure.message, failure.conflictingFiles, { cause: failure });
  }
}

export class GitRuntime {
  readonly schemas: RequestSchemas;
  readonly redactor: Redactor;
  private readonly metrics: Metrics;
  private readonly cache: SandboxCache;
  private readonly timeoutMs: number;
  private readonly retry: PushRetryPolicy;
  private readonly random: () => number;
  private readonly log: (line: LogLine) => void;
  private readonly askpassReady = new WeakSet<Sandbox>();
  // Sandboxes known to hold a clone: nothing a caller sends can remove .git (filePathProblem), so
  // once seen, a clone stays until its sandbox dies, and a warm request runs git once, not twice.
  private readonly cloned = new WeakSet<Sandbox>();
  private readonly branchQueues = new Map<string, Promise<void>>();
  /** `git` and the hardened `-c` arguments: the start of every git command line. */
  private readonly gitCommand: readonly string[];
  /** Per sandbox, the text of its clone's .git/config that last passed cloneConfigRefusal. */
  private readonly passedConfigs = new WeakMap<Sandbox, string>();
  /** Per sandbox, the environment of its git commands that carry no credentials (envFor). */
  private readonly plainEnvs = new WeakMap<Sandbox, { who: string; env: Readonly<Record<string, string>> }>();

  constructor(private readonly opts: GitRuntimeOptions) {
    this.schemas = requestSchemas(opts);
    this.metrics = opts.metrics;
    this.cache = opts.cache;
    this.timeoutMs = opts.commandTimeoutMs ?? 120_000;
    this.retry = { maxRetries: MAX_PUSH_RETRIES, baseDelayMs: 100, maxDelayMs: 2_000, ...opts.pushRetry };
    if (this.retry.maxRetries > MAX_PUSH_RETRIES) throw new RangeError(`at most ${MAX_PUSH_RETRIES} push retries`);
    this.random = opts.random ?? Math.random;
    this.log = opts.log ?? (() => undefined);
    this.redactor = new Redactor([opts.credentials?.password ?? ""]);
    this.gitCommand = ["git", ...hardenedConfigArgs(opts.allowLocalRemotes ?? false)];
  }

  /** Validates a request; throws ValidationError naming each bad field. */
  parse<O extends Operation>(operation: O, body: unknown): OperationInput<O> {
    const result = this.schemas[operation].safeParse(body);
    if (!result.success) throw new ValidationError(fieldProblems(result.error));
    return result.data as OperationInput<O>;
  }

  /**
   * Validates then runs one operation; a failed git command is a result, never a throw. The two
   * refusals before git runs are thrown: ValidationError, and SandboxBusyError when no sandbox slot
   * freed up (counted and logged as a failure of type other first).
   */
  run(operation: Operation, body: unknown, call: CallContext = {}): Promise<OperationResult> {
    switch (operation) {
      case "clone":
        return this.clone(this.parse("clone", body), call);
      case "status":
        return this.status(this.parse("status", body), call);
      case "diff":
        return this.diff(this.parse("diff", body), call);
      case "pull":
        return this.pull(this.parse("pull", body), call);
      case "push":
        return this.push(this.parse("push", body), call);
    }
  }

  clone(input: CommonInput, call: CallContext = {}): Promise<OperationResult> {
    return this.instrument("clone", input, call, async (ctx, sandbox) => {
      const repo = repoPath(sandbox);
      if (await this.isCloned(ctx, sandbox)) {
        const origin = await this.git(ctx, sandbox, ["remote", "get-url", "origin"], repo);
        if (origin.stdout.trim() !== ctx.url) throw new GitFailure("other", "the sandbox already holds a clone of another repository");
        return { output: "", note: "already cloned" };
      }
      await this.must(ctx, sandbox, ["clone", "--quiet", "--no-recurse-submodules", "--branch", input.branch, "--", ctx.url, REPO_DIR], sandbox.workdir, REMOTE);
      this.cloned.add(sandbox);
      return { output: "" };
    });
  }

  status(input: CommonInput, call: CallContext = {}): Promise<OperationResult> {
    return this.instrument("status", input, call, async (ctx, sandbox) => {
      await this.requireClone(ctx, sandbox);
      const r = await this.must(ctx, sandbox, ["status", "--porcelain=v1", "--branch"], repoPath(sandbox));
      return { output: r.stdout };
    });
  }

  diff(input: CommonInput, call: CallContext = {}): Promise<OperationResult> {
    return this.instrument("diff", input, call, async (ctx, sandbox) => {
      await this.requireClone(ctx, sandbox);
      const r = await this.must(ctx, sandbox, ["diff", "--no-ext-diff", "--no-textconv", "HEAD", "--"], repoPath(sandbox));
      return { output: r.stdout };
    });
  }

  pull(input: CommonInput, call: CallContext = {}): Promise<OperationResult> {
    return this.instrument("pull", input, call, async (ctx, sandbox) => {
      await this.requireClone(ctx, sandbox);
      await this.rebaseOnto(ctx, sandbox, "pull");
      return { output: "", commit: await this.head(ctx, sandbox) };
    });
  }

  push(input: PushInput, call: CallContext = {}): Promise<OperationResult> {
    return this.instrument("push", input, call, async (ctx, sandbox) => {
      await this.requireClone(ctx, sandbox);
      const repo = repoPath(sandbox);
      if (input.commit) await this.commitFiles(ctx, sandbox, input.commit);
      const retries = await this.serialized(`${ctx.url}\n${input.branch}`, () => this.pushWithRetries(ctx, sandbox, input));
      return { output: "", commit: await this.head(ctx, sandbox), retries };
    });
  }

  /**
   * Commits exactly the request's files. The index starts from HEAD, so nothing staged before can
   * slip into the commit; if writing, adding or committing fails, the files are put back as they
   * were in HEAD (the working tree is clean between operations), and earlier local commits stay.
   */
  private async commitFiles(ctx: Context, sandbox: Sandbox, commit: NonNullable<PushInput["commit"]>): Promise<void> {
    const repo = repoPath(sandbox);
    const paths = commit.files.map((f) => f.path);
    await this.must(ctx, sandbox, ["reset", "--quiet"], repo);
    try {
      await sandbox.writeFilesBeneath(repo, commit.files);
      await this.must(ctx, sandbox, ["add", "--", ...paths], repo);
      await this.must(ctx, sandbox, ["commit", "--quiet", "--allow-empty", "-m", commit.message], repo);
    } catch (error) {
      // The push's own failure is what the caller needs; a failed restore is logged beside it.
      await this.restore(ctx, sandbox, paths).catch((restoreError: unknown) =>
        this.log({
          level: "error",
          msg: "restoring the files of a failed push failed",
          request_id: ctx.requestId,
          error: ctx.redactor.text(toGitFailure(restoreError).message),
          agent_id: ctx.input.agent_id,
        }),
      );
      if (error instanceof UnsafePathError) {
        throw new ValidationError([{ field: `commit.files.${error.index}.path`, message: `refused: ${error.reason}` }]);
      }
      throw error;
    }
  }

  /** Puts `paths` back as HEAD has them: unstaged, tracked ones checked out, new ones removed. */
  private async restore(ctx: Context, sandbox: Sandbox, paths: readonly string[]): Promise<void> {
    const repo = repoPath(sandbox);
    await this.must(ctx, sandbox, ["reset", "--quiet", "--", ...paths], repo);
    const tracked = (await this.must(ctx, sandbox, ["ls-tree", "-r", "-z", "--name-only", "HEAD", "--", ...paths], repo)).stdout
      .split("\0")
      .filter((p) => p !== "");
    if (tracked.length > 0) await this.must(ctx, sandbox, ["checkout", "--quiet", "HEAD", "--", ...tracked], repo);
    await this.must(ctx, sandbox, ["clean", "--force", "--quiet", "--", ...paths], repo);
  }

  /**
   * Pushes HEAD and returns the number of retries; a rejection (the remote moved on) is rebased and
   * retried with backoff. Conflicts abort the rebase and fail; the local commit is never lost and
   * never force-pushed.
   */
  private async pushWithRetries(ctx: Context, sandbox: Sandbox, input: PushInput): Promise<number> {
    const repo = repoPath(sandbox);
    // A retry is one re-push after a rejected push, counted when it is made: a rejection whose
    // rebase ends in a conflict, or that is the last one allowed, is not a retry.
    let retries = 0;
    try {
      for (;;) {
        const r = await this.git(ctx, sandbox, ["push", "--porcelain", "origin", `HEAD:refs/heads/${input.branch}`], repo, REMOTE);
        if (r.exitCode === 0) return retries;
        const stderr = r.stderr + r.stdout;
        if (!PUSH_REJECTED.test(stderr) || classifyGitOutput(r.stderr) === "auth") throw this.failure(ctx, r);
        if (retries >= this.retry.maxRetries) {
          throw new GitFailure("conflict", `push rejected ${retries + 1} times: the remote branch kept moving; the local commit is kept`);
        }
        await sleep(this.backoff(retries));
        await this.rebaseOnto(ctx, sandbox, "push");
        retries++;
        const attempt = ATTEMPT_LABELS[retries - 1] ?? "5";
        this.metrics.gitOperationTotal.labels("push", "retry").inc();
        this.metrics.gitPushRetryCountTotal.labels(attempt).inc();
        this.log({ level: "info", msg: "push rejected, rebased, pushing again", request_id: ctx.requestId, attempt, agent_id: input.agent_id });
      }
    } catch (error) {
      throw new PushFailure(toGitFailure(error), retries);
    }
  }

  /**
   * Runs pushes to one branch of one remote one at a time within this runtime: only one of them
   * can land at a time anyway, and racing them turns every landing into a round of rejected
   * pushes and rebases for all the others. Writers elsewhere (other replicas, people) are still
   * handled by the retries.
   */
  private async serialized<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.branchQueues.get(key) ?? Promise.resolve();
    const run = previous.then(fn);
    const settled = run.then(() => undefined, () => undefined);
    this.branchQueues.set(key, settled);
    try {
      return await run;
    } finally {
      if (this.branchQueues.get(key) === settled) this.branchQueues.delete(key);
    }
  }

  /** Full jitter: uniform in [0, min(max, base * 2^retry)). */
  backoff(retry: number): number {
    const ceiling = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** retry);
    return Math.floor(this.random() * ceiling);
  }

  private async instrument(
    operation: Operation,
    input: CommonInput,
    call: CallContext,
    body: (ctx: Context, sandbox: Sandbox) => Promise<{ output: string; commit?: string; retries?: number; note?: string }>,
  ): Promise<OperationResult> {
    const { url, credentials } = splitCredentials(input.repo_url);
    const policy = { hosts: this.opts.credentialHosts ?? [], allowLocalRemotes: this.opts.allowLocalRemotes ?? false };
    const grant = grantFor(url, credentials, this.opts.credentials, policy);
    const redactor = credentials === undefined ? this.redactor : this.redactor.with([credentials.password, credentials.username]);
    const ctx: Context = { input, url, grant, redactor, requestId: call.requestId };
    const started = process.hrtime.bigint();
    this.metrics.gitOperationTotal.labels(operation, "started").inc();
    try {
      const key = { agentId: input.agent_id, taskId: input.task_id, repoUrl: url };
      const out = await this.cache.withSandbox(key, (sandbox) =>
        body(ctx, sandbox).then(
          (r) => ({ ...r, sandbox_id: sandbox.id }),
          (error: unknown) => {
            throw withoutSandboxPaths(error, sandbox);
          },
        ),
      );
      this.metrics.gitOperationTotal.labels(operation, "success").inc();
      return ctx.redactor.value({ ok: true as const, operation, ...out });
    } catch (error) {
      const refused = error instanceof ValidationError;
      const failure = refused ? new GitFailure("other", error.message) : toGitFailure(error);
      this.metrics.gitOperationTotal.labels(operation, "failure").inc();
      this.metrics.gitErrorsTotal.labels(operation, failure.errorType).inc();
      const message = ctx.redactor.text(failure.message);
      this.log({
        level: "warn",
        msg: `${operation} failed`,
        request_id: ctx.requestId,
        error_type: refused ? "validation" : failure.errorType,
        error: message,
        agent_id: input.agent_id,
        task_id: input.task_id,
        repo_url: ctx.redactor.text(url),
      });
      // No sandbox slot freed up: the caller must be told to come back later (Runtime.run answers
      // it as busy), which a result of the guide's error types cannot say.
      if (error instanceof SandboxBusyError) throw error;
      // A request the sandbox refused (a path through a symlink) is the caller's error, as if
      // validation had caught it: the HTTP API and the MCP tools answer it as one.
      if (refused) throw new ValidationError(error.problems.map((p) => ({ field: p.field, message: ctx.redactor.text(p.message) })));
      const files = failure.conflictingFiles.length > 0 ? { conflicting_files: failure.conflictingFiles.map((f) => ctx.redactor.text(f)) } : {};
      const retries = failure instanceof PushFailure ? { retries: failure.retries } : {};
      return { ok: false, operation, ...retries, error: { type: failure.errorType, message, ...files } };
    } finally {
      this.metrics.gitOperationDurationSeconds.labels(operation).observeSince(started);
    }
  }

  /** `pull --rebase`; a conflict is aborted (the local commits stay), counted and reported. */
  private async rebaseOnto(ctx: Context, sandbox: Sandbox, operation: "pull" | "push"): Promise<void> {
    const repo = repoPath(sandbox);
    const r = await this.git(ctx, sandbox, ["pull", "--rebase", "--no-recurse-submodules", "--quiet", "origin", ctx.input.branch], repo, REMOTE);
    if (r.exitCode === 0) return;
    const unmerged = await this.git(ctx, sandbox, ["diff", "--name-only", "--diff-filter=U"], repo);
    const files = unmerged.stdout.split("\n").filter((f) => f !== "");
    if (files.length === 0 && !/CONFLICT|could not apply/.test(r.stdout + r.stderr)) throw this.failure(ctx, r);
    await this.git(ctx, sandbox, ["rebase", "--abort"], repo);
    this.metrics.gitConflictsDetectedTotal.labels(operation).inc();
    throw new GitFailure("conflict", `rebase onto origin/${ctx.input.branch} conflicts in ${files.join(", ") || "the working tree"}; rebase aborted, local commits kept`, files);
  }

  private failure(ctx: Context, r: ExecResult): GitFailure {
    const stderr = r.stderr.trim() || r.stdout.trim();
    return new GitFailure(classifyGitOutput(stderr), ctx.redactor.text(stderr.split("\n").slice(-6).join("\n")) || `git exited with ${r.exitCode}`);
  }

  private async head(ctx: Context, sandbox: Sandbox): Promise<string> {
    return (await this.must(ctx, sandbox, ["rev-parse", "HEAD"], repoPath(sandbox))).stdout.trim();
  }

  private async isCloned(_ctx: Context, sandbox: Sandbox): Promise<boolean> {
    if (this.cloned.has(sandbox)) return true;
    const r = await sandbox.exec(["test", "-d", `${repoPath(sandbox)}/.git`], { timeoutMs: this.timeoutMs });
    if (r.exitCode === 0) this.cloned.add(sandbox);
    return r.exitCode === 0;
  }

  private async requireClone(ctx: Context, sandbox: Sandbox): Promise<void> {
    if (!(await this.isCloned(ctx, sandbox))) {
      throw new GitFailure("other", "no clone of this repository for this agent and task; call clone first");
    }
  }

  private async must(ctx: Context, sandbox: Sandbox, args: string[], cwd: string, remote = false): Promise<ExecResult> {
    const r = await this.git(ctx, sandbox, args, cwd, remote);
    if (r.exitCode !== 0) throw this.failure(ctx, r);
    return r;
  }

  /** Runs git hardened (hardening.ts); `remote` commands alone may receive credentials. */
  private async git(ctx: Context, sandbox: Sandbox, args: string[], cwd: string, remote = false): Promise<ExecResult> {
    const askpass = `${sandbox.workdir}/${ASKPASS_FILE}`;
    if (!this.askpassReady.has(sandbox)) {
      await sandbox.writeFile(askpass, ASKPASS_SCRIPT);
      await sandbox.exec(["chmod", "700", askpass], { timeoutMs: this.timeoutMs });
      this.askpassReady.add(sandbox);
    }
    const env = this.envFor(ctx.input.agent_id, sandbox, askpass, remote ? ctx.grant : undefined);
    const argv = this.gitCommand.concat(args);
    if (cwd !== repoPath(sandbox)) return sandbox.exec(argv, { cwd, env, timeoutMs: this.timeoutMs });
    // In a clone, git runs only after its .git/config passed the check (hardening.ts): per-name
    // drivers (filter, merge), includes, URL rewrites and uploadpack cannot be neutralised by -c,
    // and nothing the runtime does writes them, so their presence means someone tampered with the clone.
    if (sandbox.readRegularFile !== undefined) {
      // Checked here, in this process, and then git is spawned: no shell per command. Between the
      // check and git reading the file only a writer in the sandbox could change it, and there is
      // none: the clone is written only by the runtime's own git commands, which run one at a time
      // per sandbox (SandboxCache queues a sandbox's operations, an operation runs its commands in
      // sequence) and none of which writes .git/config after the clone; and by writeFilesBeneath,
      // which refuses any path through .git or a symbolic link. So the window is the one the shell
      // guard has too (sh reads the file, then git reads it again after exec), and every command
      // reads the file afresh: nothing is cached that a change could slip past. (What is kept is
      // the text that passed last, to skip parsing the very same bytes again: the verdict is a
      // function of the text alone. Not a verdict keyed on the file's metadata, which a write
      // through a shared mapping can leave unchanged.)
      const read = await sandbox.readRegularFile(`${cwd}/.git/config`, MAX_CLONE_CONFIG_BYTES);
      if (read.kind !== "file" || this.passedConfigs.get(sandbox) !== read.text) {
        const foreign =
          read.kind === "file" ? cloneConfigRefusal(read.text) : read.kind === "not-a-file" ? ".git/config (not a file)" : `.git/config (larger than ${MAX_CLONE_CONFIG_BYTES} bytes)`;
        if (foreign !== undefined) throw this.tampered([foreign]);
        if (read.kind === "file") this.passedConfigs.set(sandbox, read.text);
      }
      return sandbox.exec(argv, { cwd, env, timeoutMs: this.timeoutMs });
    }
    const r = await sandbox.exec(["sh", "-c", GUARD_SCRIPT, "git-guard", ...argv], { cwd, env, timeoutMs: this.timeoutMs });
    const foreign = guardRefusal(r.exitCode, r.stderr);
    if (foreign !== undefined) throw this.tampered(foreign);
    return r;
  }

  /**
   * The environment of a git command: hardened, the agent as author and committer, and the grant's
   * credentials or none. Without a grant it is the same for every command in a sandbox, so it is
   * built once per sandbox, and frozen (the provider may then reuse what it derives from it);
   * building a 30-variable object per command cost more than anything else the runtime adds to a
   * command.
   */
  private envFor(who: string, sandbox: Sandbox, askpass: string, grant: Grant | undefined): Readonly<Record<string, string>> {
    const cached = grant === undefined ? this.plainEnvs.get(sandbox) : undefined;
    if (cached !== undefined && cached.who === who) return cached.env;
    const env = Object.freeze(
      Object.assign(hardenedEnv(askpass, this.opts.allowLocalRemotes ?? false), {
        GIT_AUTHOR_NAME: who,
        GIT_AUTHOR_EMAIL: `${who}@agents.obsgen.invalid`,
        GIT_COMMITTER_NAME: who,
        GIT_COMMITTER_EMAIL: `${who}@agents.obsgen.invalid`,
      }, grantEnv(grant)),
    );
    if (grant === undefined) this.plainEnvs.set(sandbox, { who, env });
    return env;
  }

  private tampered(foreign: readonly string[]): GitFailure {
    return new GitFailure("other", `the clone's .git/config holds settings git clone does not write (${foreign.map((f) => f.trim()).join(", ")}); the runtime runs no git command in it`);
  }
}

/** Passed as `remote` to git(): the command talks to the remote and may need credentials. */
const REMOTE = true;

function repoPath(sandbox: Sandbox): string {
  return `${sandbox.workdir}/${REPO_DIR}`;
}

/** The error with the sandbox's directories replaced by a placeholder in its message. */
function withoutSandboxPaths(error: unknown, sandbox: Sandbox): unknown {
  if (error instanceof ValidationError) return error;
  const failure = toGitFailure(error);
  const home = sandbox.workdir.slice(0, Math.max(sandbox.workdir.lastIndexOf("/"), 1));
  const message = failure.message.split(home).join(SANDBOX_PLACEHOLDER);
  if (message === failure.message) return failure;
  const clean = new GitFailure(failure.errorType, message, failure.conflictingFiles, { cause: failure });
  return failure instanceof PushFailure ? new PushFailure(clean, failure.retries) : clean;
}
