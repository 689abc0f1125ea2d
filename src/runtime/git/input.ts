// Requests of the git operations, validated by zod: one schema per operation, shared by the HTTP
// API (which derives its OpenAPI document from them) and the MCP tools. Every rejection names the
// field. Nothing a caller sends can reach git as an option: URLs and branches that could be read
// as one are refused here, and the argv built later puts `--` before every free-form argument.
import { z } from "zod";

export const OPERATIONS = ["clone", "status", "diff", "pull", "push"] as const;
export type Operation = (typeof OPERATIONS)[number];

export interface InputOptions {
  /**
   * Also accept local paths, file:// URLs and plain http:// (tests run their remotes on
   * 127.0.0.1). Off in production: a local remote would read the runtime's own disk.
   */
  allowLocalRemotes?: boolean;
}

const ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
// user@host:path, as git reads it: neither the user nor the host may start with '-' (ssh would read
// it as an option).
const SCP_LIKE = /^[A-Za-z0-9._][A-Za-z0-9._-]*@[A-Za-z0-9.][A-Za-z0-9.-]*:[A-Za-z0-9._~/-]+$/;
// scheme://authority/... spelled the way git parses it: a lower-case scheme (git looks up
// `git-remote-HTTPS` for `HTTPS://`) and an authority that is really there (WHATWG URL reads
// `https:///x` and `https:x` as host x; git does not).
const URL_SHAPE = /^([a-z][a-z0-9+.-]*):\/\/([^/]*)(\/.*)?$/;
const HOST = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9][A-Za-z0-9._-]*)(:\d{1,5})?$/;

/** Why `url` is not an acceptable remote, or undefined when it is. */
export function repoUrlProblem(url: string, opts: InputOptions): string | undefined {
  if (url.startsWith("-")) return "must not start with '-' (it would be read as a git option)";
  if (/[\s\x00-\x1f\x7f]/.test(url)) return "must not contain whitespace or control characters";
  if (url.includes("\\")) return "must not contain a backslash";
  if (/^[A-Za-z][A-Za-z0-9+.-]*::/.test(url)) return "must not use a git remote helper (such as ext::)";
  if (SCP_LIKE.test(url)) return undefined;
  if (opts.allowLocalRemotes && url.startsWith("/")) return undefined;
  const allowed = opts.allowLocalRemotes ? ["https", "ssh", "git", "http", "file"] : ["https", "ssh", "git"];
  const expected = `must be a ${allowed.map((p) => `${p}://`).join(", ")} URL or user@host:path`;
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(url)?.[1];
  if (scheme === undefined) return expected;
  if (scheme !== scheme.toLowerCase()) return `scheme must be lower-case (${scheme.toLowerCase()}://)`;
  if (!allowed.includes(scheme)) return `scheme ${scheme} is not allowed; use ${allowed.join(", ")}`;
  const shape = URL_SHAPE.exec(url);
  if (shape === null) return `must be written ${scheme}://host/path`;
  const authority = shape[2] ?? "";
  if (scheme === "file") return authority === "" ? undefined : "a file:// URL must have no host (file:///path)";
  const at = authority.lastIndexOf("@");
  const userinfo = at < 0 ? "" : authority.slice(0, at);
  const host = authority.slice(at + 1);
  if (host === "") return "must name a host";
  if (host.startsWith("-")) return "host must not start with '-'";
  if (userinfo.startsWith("-")) return "user must not start with '-'";
  if (scheme === "git" && at >= 0) return "git:// has no user or password (git would read them as part of the host)";
  if (!HOST.test(host)) return "host must be a name, an IPv4 or a [IPv6] address, with an optional :port";
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return expected;
  }
  if (parsed.search !== "" || parsed.hash !== "") return "must not have a query or fragment";
  return undefined;
}

/** Why `name` is not a valid branch name per `git check-ref-format --branch`, or undefined. */
export function branchProblem(name: string): string | undefined {
  if (name === "") return "must not be empty";
  if (name.startsWith("-")) return "must not start with '-' (it would be read as a git option)";
  if (name === "@") return "must not be '@'";
  if (name === "HEAD") return "must not be 'HEAD'";
  if (/[\x00-\x20\x7f~^:?*[\\]/.test(name)) return "must not contain spaces, control characters or any of ~ ^ : ? * [ \\";
  if (name.includes("..")) return "must not contain '..'";
  if (name.includes("@{")) return "must not contain '@{'";
  if (name.includes("//") || name.startsWith("/") || name.endsWith("/")) return "must not have empty path components";
  if (name.endsWith(".")) return "must not end with '.'";
  for (const part of name.split("/")) {
    if (part.startsWith(".")) return "no path component may start with '.'";
    if (part.endsWith(".lock")) return "no path component may end with '.lock'";
  }
  if (name.length > 255) return "must be at most 255 characters";
  return undefined;
}

/** Why `message` cannot be a commit message, or undefined. */
export function commitMessageProblem(message: string): string | undefined {
  if (/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/.test(message)) return "must not contain NUL or control characters other than tab and newline";
  if (message.trim() === "") return "must not be blank (git refuses an empty commit message)";
  return undefined;
}

/** Why `path` is not a safe path for a file inside the repository, or undefined. */
export function filePathProblem(path: string): string | undefined {
  if (path === "" || path.startsWith("/")) return "must be a relative path";
  if (path.startsWith("-")) return "must not start with '-'";
  if (/[\x00-\x1f\x7f\\]/.test(path)) return "must not contain control characters or backslashes";
  const parts = path.split("/");
  if (parts.some((p) => p === "" || p === "." || p === "..")) return "must not contain empty, '.' or '..' components";
  if (parts.some((p) => p.toLowerCase() === ".git")) return "must not write inside .git";
  return undefined;
}

function refined(problem: (value: string) => string | undefined) {
  return (value: string, ctx: z.RefinementCtx) => {
    const message = problem(value);
    if (message !== undefined) ctx.addIssue({ code: "custom", message });
  };
}

export function requestSchemas(opts: InputOptions = {}) {
  const common = {
    repo_url: z
      .string()
      .max(2048)
      .superRefine(refined((v) => repoUrlProblem(v, opts)))
      .describe("Remote repository: https://, ssh://, git:// or user@host:path. Credentials in it are used, then removed."),
    branch: z.string().superRefine(refined(branchProblem)).default("main").describe("Branch to work on."),
    agent_id: z.string().regex(ID, "must be 1-128 letters, digits, '.', '_', ':' or '-'").describe("The agent asking."),
    task_id: z.string().regex(ID, "must be 1-128 letters, digits, '.', '_', ':' or '-'").describe("The agent's task."),
  };
  const file = z.strictObject({
    path: z.string().max(1024).superRefine(refined(filePathProblem)).describe("Path inside the repository."),
    content: z.string().max(1_000_000).describe("New content of the file."),
  });
  const commit = z
    .strictObject({
      message: z.string().min(1).max(10_000).superRefine(refined(commitMessageProblem)).describe("Commit message."),
      files: z.array(file).min(1).max(100).describe("Files to write and commit."),
    })
    .describe("A commit to make before pushing.");
  const base = z.strictObject(common);
  return {
    clone: base.describe("Clone the repository into the agent's sandbox."),
    status: base.describe("Working tree status of the agent's clone."),
    diff: base.describe("Uncommitted changes of the agent's clone."),
    pull: base.describe("Fetch and rebase the agent's clone onto the remote branch."),
    push: z
      .strictObject({ ...common, commit: commit.optional() })
      .describe("Optionally commit files, then push; a rejected push is rebased and retried."),
  } as const;
}

export type RequestSchemas = ReturnType<typeof requestSchemas>;
export type OperationInput<O extends Operation> = z.output<RequestSchemas[O]>;
export type CommonInput = OperationInput<"clone">;
export type PushInput = OperationInput<"push">;

export interface FieldProblem {
  field: string;
  message: string;
}

export class ValidationError extends Error {
  constructor(readonly problems: readonly FieldProblem[]) {
    super(problems.map((p) => `${p.field}: ${p.message}`).join("; "));
    this.name = "ValidationError";
  }
}

export function fieldProblems(error: z.ZodError): FieldProblem[] {
  return error.issues.map((issue) => ({
    field: issue.path.length === 0 ? "(body)" : issue.path.map(String).join("."),
    message: issue.message,
  }));
}
