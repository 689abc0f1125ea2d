// The edges of request validation, held against git itself: whatever validation accepts, git
// accepts (branch names by `git check-ref-format --branch`, URLs by `git ls-remote` reaching a
// closed port and failing only as a network error); the rest is a 400 naming the field.
import { execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { classifyGitOutput } from "../src/runtime/git/classify.ts";
import { hardenedConfigArgs, hardenedEnv } from "../src/runtime/git/hardening.ts";
import { branchProblem, commitMessageProblem, repoUrlProblem, ValidationError } from "../src/runtime/git/input.ts";
import { startHttpServer, type RunningServer } from "../src/runtime/http/server.ts";
import { closedPort } from "./support/git-remote.ts";
import { createTestRuntime, type TestRuntime } from "./support/git-runtime.ts";

const run = promisify(execFile);
const ENV = { PATH: process.env["PATH"], HOME: "/nonexistent", GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null", LANG: "C" };

function gitAcceptsBranch(branch: string): boolean {
  try {
    execFileSync("git", ["check-ref-format", "--branch", branch], { stdio: "ignore", env: ENV });
    return true;
  } catch {
    return false;
  }
}

describe("branch names", () => {
  it("refuses HEAD, which git would create as refs/heads/HEAD", () => {
    expect(branchProblem("HEAD")).toMatch(/HEAD/);
    expect(gitAcceptsBranch("HEAD")).toBe(false);
  });

  it("accepts only names git check-ref-format --branch accepts, over arbitrary strings", () => {
    const pieces = fc.oneof(
      fc.string({ maxLength: 6, unit: "grapheme" }),
      fc.constantFrom("HEAD", "@", "@{", ".lock", "..", "/", ".", "-", "refs/heads/", "\u0000", "\u007f", "\t", "~", "^", ":", "*", "[", "\\", "é", "∂"),
    );
    fc.assert(
      fc.property(fc.array(pieces, { minLength: 1, maxLength: 5 }).map((p) => p.join("")), (name) => {
        const problem = branchProblem(name);
        // No argv can carry a NUL, so git cannot be asked; validation must refuse it itself.
        if (name.includes("\u0000")) expect(problem).toBeDefined();
        else if (problem === undefined) expect(gitAcceptsBranch(name), JSON.stringify(name)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe("repository URLs", () => {
  it.each([
    ["HTTPS://github.com/o/r.git", /lower-case/],
    ["Https://github.com/o/r.git", /lower-case/],
    ["https:///x", /host/],
    ["https:x", /https:\/\/host/],
    ["https:\\\\evil.example\\r.git", /backslash/],
    ["ssh://-oProxyCommand=touch%20pwned@host/r.git", /user must not start with '-'/],
    ["ssh://git@-oProxyCommand=x/r.git", /host must not start with '-'/],
    ["-oProxyCommand=x@host:r.git", /must not start with '-'/],
    ["git@-host:r.git", /URL or user@host:path/],
    ["https://%65vil.example/r.git", /host must be/],
    ["https://exa mple.com/r.git", /whitespace/],
    ["git://user@example.com/r.git", /no user/],
  ])("rejects %s", (url, why) => {
    expect(repoUrlProblem(url, {})).toMatch(why);
  });

  it.each(["https://github.com/o/r.git", "https://user@git.example:8443/o/r.git", "ssh://git@[::1]:2222/r.git", "git://example.com/r.git", "git@github.com:o/r.git"])(
    "accepts %s",
    (url) => expect(repoUrlProblem(url, {})).toBeUndefined(),
  );

  it("accepts only URLs git parses: each fails at a closed port or an unresolvable host as a network error", async () => {
    const port = await closedPort();
    const word = fc.stringMatching(/^[A-Za-z0-9._~%-]{1,8}$/);
    const url = fc.record({
      scheme: fc.constantFrom("https", "ssh", "git", "HTTPS", "Ssh", "ftp", "file"),
      slashes: fc.constantFrom("://", "://", "://", ":///", ":"),
      user: fc.option(fc.tuple(word, fc.option(word)).map(([u, p]) => (p === null ? `${u}@` : `${u}:${p}@`)), { nil: "", freq: 2 }),
      host: fc.oneof(fc.constantFrom("127.0.0.1", "localhost", "[::1]", "-oProxyCommand=x"), word.map((w) => `${w}.invalid`)),
      path: fc.array(word, { maxLength: 3 }).map((parts) => `/${parts.join("/")}`),
    }).map(({ scheme, slashes, user, host, path }) => {
      const loopback = !host.endsWith(".invalid");
      return `${scheme}${slashes}${user}${host}${loopback ? `:${port}` : ""}${path}`;
    });
    const accepted: string[] = [];
    await fc.assert(
      fc.asyncProperty(url, async (u) => {
        if (repoUrlProblem(u, {}) !== undefined) return;
        accepted.push(u);
        const result = await run("git", [...hardenedConfigArgs(false), "ls-remote", "--", u], {
          env: { ...ENV, ...hardenedEnv("/bin/false", false) },
          timeout: 20_000,
        }).then(
          () => ({ ok: true, stderr: "" }),
          (error: { stderr?: string }) => ({ ok: false, stderr: error.stderr ?? "" }),
        );
        expect(result.ok, u).toBe(false);
        expect(result.stderr, u).not.toMatch(/(?<!\.)invalid|unsupported|not a git command|strange|remote helper|malformed|bad\/illegal/i);
        expect(classifyGitOutput(result.stderr), `${u}: ${result.stderr}`).toBe("network");
      }),
      { numRuns: 200 },
    );
    // The generator reaches accepted URLs of every allowed scheme, not only rejections.
    for (const scheme of ["https://", "ssh://", "git://"]) expect(accepted.some((u) => u.startsWith(scheme)), scheme).toBe(true);
  }, 120_000);
});

describe("commit messages", () => {
  it.each([["with a NUL\u0000byte"], ["bell\u0007"], ["escape \u001b[31m"], ["   \n\t "]])("rejects %j", (message) => {
    expect(commitMessageProblem(message)).toBeDefined();
  });

  it("accepts tabs, newlines, carriage returns and any Unicode", () => {
    expect(commitMessageProblem("subject\n\n\tbody\r\n… ünïcødé ✓")).toBeUndefined();
  });
});

describe("input edges through the runtime", () => {
  let rt: TestRuntime;
  let api: RunningServer;
  beforeAll(async () => {
    rt = await createTestRuntime();
    api = await startHttpServer(rt, { host: "127.0.0.1", port: 0 });
  });
  afterAll(async () => {
    await api?.close();
    await rt?.dispose();
  });

  const push = (extra: Record<string, unknown>) => ({ repo_url: "https://git.example/r.git", branch: "main", agent_id: "a", task_id: "t", commit: { message: "m", files: [{ path: "f", content: "" }] }, ...extra });

  it("answers a NUL byte in a commit message with 400 naming commit.message, not 502", async () => {
    const res = await fetch(`${api.url}/v1/git/push`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(push({ commit: { message: "a\u0000b", files: [{ path: "f", content: "" }] } })),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { type: "validation", issues: [{ field: "commit.message" }] } });
  });

  it("refuses branch HEAD and an upper-case scheme as validation errors naming the field", () => {
    for (const [body, field] of [[push({ branch: "HEAD" }), "branch"], [push({ repo_url: "HTTPS://git.example/r.git" }), "repo_url"]] as const) {
      const error = (() => {
        try {
          rt.git.parse("push", body);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(ValidationError);
      expect(error).toMatchObject({ problems: [{ field }] });
    }
  });
});
