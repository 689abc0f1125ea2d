// The git runtime: validated requests become git commands inside the agent's cached sandbox, and
// every operation is recorded through the generated metrics module — `started` once, then exactly
// one of success or failure, a duration, and on failure its classified error type.
import { setTimeout as sleep } from "node:timers/promises";
import type { Metrics } from "../../../generated/metrics.ts";
import type { CostMeter } from "../cost.ts";
import type { SandboxCache } from "../sandbox/cache.ts";
import type { ErrorType, ExecResult, Sandbox } from "../sandbox/provider.ts";
import { classifyGitOutput, GitFailure, toGitFailure } from "./classify.ts";
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
const ASKPASS_SCRIPT = `#!/bin/sh
case "$1" in
  Username*) printf '%s\\n' "\${OBSGEN_GIT_USERNAME-}" ;;
  *) printf '%s\\n' "\${OBSGEN_GIT_PASSWORD-}" ;;
esac
`;

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
  /** Credentials for every remote (GIT_USERNAME / GIT_PASSWORD); a URL's own userinfo wins. */
  credentials?: Credentials;
  pushRetry?: Partial<PushRetryPolicy>;
  /** Uniform in [0, 1); the backoff's jitter. Injectable for tests. */
  random?: () => number;
  log?: (line: LogLine) => void;
}

export type OperationResult =
  | { ok: true; operation: Operation; sandbox_id: string; output: string; commit?: string; retries?: number; note?: string }
  | { ok: false; operation: Operation; error: { type: ErrorType; message: string; conflicting_files?: string[] } };

interface Context {
  input: CommonInput;
  url: string;
  credentials: Credentials | undefined;
  redactor: Redactor;
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
  }

  /** Validates a request; throws ValidationError naming each bad field. */
  parse<O extends Operation>(operation: O, body: unknown): OperationInput<O> {
    const result = this.schemas[operation].safeParse(body);
    if (!result.success) throw new ValidationError(fieldProblems(result.error));
    return result.data as OperationInput<O>;
  }

  /** Validates then runs one operation; a failed git command is a result, never a throw. */
  run(operation: Operation, body: unknown): Promise<OperationResult> {
    switch (operation) {
      case "clone":
        return this.clone(this.parse("clone", body));
      case "status":
        return this.status(this.parse("status", body));
      case "diff":
        return this.diff(this.parse("diff", body));
      case "pull":
        return this.pull(this.parse("pull", body));
      case "push":
        return this.push(this.parse("push", body));
    }
  }

  clone(input: CommonInput): Promise<OperationResult> {
    return this.instrument("clone", input, async (ctx, sandbox) => {
      const repo = repoPath(sandbox);
      if (await this.isCloned(ctx, sandbox)) {
        const origin = await this.git(ctx, sandbox, ["remote", "get-url", "origin"], repo);
        if (origin.stdout.trim() !== ctx.url) throw new GitFailure("other", "the sandbox already holds a clone of another repository");
        return { output: "", note: "already cloned" };
      }
      await this.must(ctx, sandbox, ["clone", "--quiet", "--branch", input.branch, "--", ctx.url, REPO_DIR], sandbox.workdir);
      this.cloned.add(sandbox);
      return { output: "" };
    });
  }

  status(input: CommonInput): Promise<OperationResult> {
    return this.instrument("status", input, async (ctx, sandbox) => {
      await this.requireClone(ctx, sandbox);
      const r = await this.must(ctx, sandbox, ["status", "--porcelain=v1", "--branch"], repoPath(sandbox));
      return { output: r.stdout };
    });
  }

  diff(input: CommonInput): Promise<OperationResult> {
    return this.instrument("diff", input, async (ctx, sandbox) => {
      await this.requireClone(ctx, sandbox);
      const r = await this.must(ctx, sandbox, ["diff", "HEAD", "--"], repoPath(sandbox));
      return { output: r.stdout };
    });
  }

  pull(input: CommonInput): Promise<OperationResult> {
    return this.instrument("pull", input, async (ctx, sandbox) => {
      await this.requireClone(ctx, sandbox);
      await this.rebaseOnto(ctx, sandbox, "pull");
      return { output: "", commit: await this.head(ctx, sandbox) };
    });
  }

  push(input: PushInput): Promise<OperationResult> {
    return this.instrument("push", input, async (ctx, sandbox) => {
      await this.requireClone(ctx, sandbox);
      const repo = repoPath(sandbox);
      if (input.commit) {
        for (const f of input.commit.files) await sandbox.writeFile(`${repo}/${f.path}`, f.content);
        await this.must(ctx, sandbox, ["add", "--", ...input.commit.files.map((f) => f.path)], repo);
        await this.must(ctx, sandbox, ["commit", "--quiet", "--allow-empty", "-m", input.commit.message], repo);
      }
      const retries = await this.serialized(`${ctx.url}\n${input.branch}`, () => this.pushWithRetries(ctx, sandbox, input));
      return { output: "", commit: await this.head(ctx, sandbox), retries };
    });
  }

  /**
   * Pushes HEAD and returns the number of retries; a rejection (the remote moved on) is rebased and
   * retried with backoff. Conflicts abort the rebase and fail; the local commit is never lost and
   * never force-pushed.
   */
  private async pushWithRetries(ctx: Context, sandbox: Sandbox, input: PushInput): Promise<number> {
    const repo = repoPath(sandbox);
    for (let retries = 0; ; retries++) {
      const r = await this.git(ctx, sandbox, ["push", "--porcelain", "origin", `HEAD:refs/heads/${input.branch}`], repo);
      if (r.exitCode === 0) return retries;
      const stderr = r.stderr + r.stdout;
      if (!PUSH_REJECTED.test(stderr) || classifyGitOutput(r.stderr) === "auth") throw this.failure(ctx, r);
      if (retries >= this.retry.maxRetries) {
        throw new GitFailure("conflict", `push rejected ${retries + 1} times: the remote branch kept moving; the local commit is kept`);
      }
      const attempt = ATTEMPT_LABELS[retries] ?? "5";
      this.metrics.gitOperationTotal.inc({ operation: "push", status: "retry" });
      this.metrics.gitPushRetryCountTotal.inc({ attempt });
      this.log({ level: "info", msg: "push rejected, rebasing and retrying", attempt, agent_id: input.agent_id });
      await sleep(this.backoff(retries));
      await this.rebaseOnto(ctx, sandbox, "push");
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
    body: (ctx: Context, sandbox: Sandbox) => Promise<{ output: string; commit?: string; retries?: number; note?: string }>,
  ): Promise<OperationResult> {
    const { url, credentials } = splitCredentials(input.repo_url);
    const creds = credentials ?? this.opts.credentials;
    const ctx: Context = { input, url, credentials: creds, redactor: this.redactor.with([credentials?.password, credentials?.username]) };
    const started = process.hrtime.bigint();
    this.metrics.gitOperationTotal.inc({ operation, status: "started" });
    try {
      const key = { agentId: input.agent_id, taskId: input.task_id, repoUrl: url };
      const out = await this.cache.withSandbox(key, (sandbox) => body(ctx, sandbox).then((r) => ({ ...r, sandbox_id: sandbox.id })));
      this.metrics.gitOperationTotal.inc({ operation, status: "success" });
      return ctx.redactor.value({ ok: true as const, operation, ...out });
    } catch (error) {
      const failure = toGitFailure(error);
      this.metrics.gitOperationTotal.inc({ operation, status: "failure" });
      this.metrics.gitErrorsTotal.inc({ operation, error_type: failure.errorType });
      const message = ctx.redactor.text(failure.message);
      this.log({ level: "warn", msg: `${operation} failed`, error_type: failure.errorType, error: message, agent_id: input.agent_id, task_id: input.task_id, repo_url: ctx.redactor.text(url) });
      const files = failure.conflictingFiles.length > 0 ? { conflicting_files: failure.conflictingFiles.map((f) => ctx.redactor.text(f)) } : {};
      return { ok: false, operation, error: { type: failure.errorType, message, ...files } };
    } finally {
      this.metrics.gitOperationDurationSeconds.observeSince({ operation }, started);
    }
  }

  /** `pull --rebase`; a conflict is aborted (the local commits stay), counted and reported. */
  private async rebaseOnto(ctx: Context, sandbox: Sandbox, operation: "pull" | "push"): Promise<void> {
    const repo = repoPath(sandbox);
    const r = await this.git(ctx, sandbox, ["pull", "--rebase", "--quiet", "origin", ctx.input.branch], repo);
    if (r.exitCode === 0) return;
    const unmerged = await this.git(ctx, sandbox, ["diff", "--name-only", "--diff-filter=U"], repo);
    const files = unmerged.stdout.split("\n").filter((f) => f !== "");
    if (files.length === 0 && !/CONFLICT|could not apply/.test(r.stdout + r.stderr)) throw this.failure(ctx, r);
    await this.git(ctx, sandbox, ["rebase", "--abort"], repo);
    this.metrics.gitConflictsDetectedTotal.inc({ operation });
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

  private async must(ctx: Context, sandbox: Sandbox, args: string[], cwd: string): Promise<ExecResult> {
    const r = await this.git(ctx, sandbox, args, cwd);
    if (r.exitCode !== 0) throw this.failure(ctx, r);
    return r;
  }

  private async git(ctx: Context, sandbox: Sandbox, args: string[], cwd: string): Promise<ExecResult> {
    const askpass = `${sandbox.workdir}/${ASKPASS_FILE}`;
    if (!this.askpassReady.has(sandbox)) {
      await sandbox.writeFile(askpass, ASKPASS_SCRIPT);
      await sandbox.exec(["chmod", "700", askpass], { timeoutMs: this.timeoutMs });
      this.askpassReady.add(sandbox);
    }
    const who = ctx.input.agent_id;
    const env: Record<string, string> = {
      GIT_TERMINAL_PROMPT: "0",
      GIT_ASKPASS: askpass,
      // Defence in depth behind the URL validation: git itself refuses other transports (ext::,
      // fd::), in submodules and redirects too.
      GIT_ALLOW_PROTOCOL: this.opts.allowLocalRemotes ? "https:ssh:git:http:file" : "https:ssh:git",
      GIT_AUTHOR_NAME: who,
      GIT_AUTHOR_EMAIL: `${who}@agents.obsgen.invalid`,
      GIT_COMMITTER_NAME: who,
      GIT_COMMITTER_EMAIL: `${who}@agents.obsgen.invalid`,
      OBSGEN_GIT_USERNAME: ctx.credentials?.username ?? "",
      OBSGEN_GIT_PASSWORD: ctx.credentials?.password ?? "",
    };
    return sandbox.exec(["git", ...args], { cwd, env, timeoutMs: this.timeoutMs });
  }
}

function repoPath(sandbox: Sandbox): string {
  return `${sandbox.workdir}/${REPO_DIR}`;
}
