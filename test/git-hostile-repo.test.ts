// Attacks a hostile repository can make on the runtime, performed for real: a remote whose tree
// holds symlinks out of the clone and into .git, pushes aimed through them, and a clone whose
// .git was tampered with (hooks, configuration that names commands). The runtime is driven over
// its HTTP API on 127.0.0.1; every attack leaves a marker file if anything it planted ran.
import { execFile } from "node:child_process";
import { access, chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cloneConfigRefusal, GUARD_EXIT, GUARD_SCRIPT, guardRefusal, hardenedConfigArgs, hardenedEnv, MAX_CLONE_CONFIG_BYTES } from "../src/runtime/git/hardening.ts";
import { startHttpServer, type RunningServer } from "../src/runtime/http/server.ts";
import { createLocalProvider } from "../src/runtime/sandbox/local.ts";
import type { Sandbox, SandboxProvider } from "../src/runtime/sandbox/provider.ts";
import { createRemotes, git, type GitHttpServer, type Remotes, startGitHttpServer, testGitEnv } from "./support/git-remote.ts";
import { createTestRuntime, type TestRuntime } from "./support/git-runtime.ts";

const run = promisify(execFile);
const USER = "hostile-bot";
const PASSWORD = "GIT-PASSWORD-must-not-leak-7f3a";

let remotes: Remotes;
let server: GitHttpServer;
let rt: TestRuntime;
let api: RunningServer;
let outside: string;

beforeAll(async () => {
  remotes = await createRemotes();
  server = await startGitHttpServer(remotes.root, USER, PASSWORD);
  rt = await createTestRuntime({ credentials: { username: USER, password: PASSWORD }, credentialHosts: [`127.0.0.1:${server.port}`] });
  api = await startHttpServer(rt, { host: "127.0.0.1", port: 0 });
  outside = await mkdtemp(join(tmpdir(), "obsgen-outside-"));
});

afterAll(async () => {
  await api?.close();
  await rt?.dispose();
  await server?.stop();
  await remotes?.cleanup();
  if (outside !== undefined) await rm(outside, { recursive: true, force: true });
});

async function call(op: string, body: Record<string, unknown>): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${api.url}/v1/git/${op}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const exists = (path: string) => access(path).then(() => true, () => false);

/** The clone a clone request just made: the one sandbox directory that was not there `before`. */
async function newClone(before: string[]): Promise<string> {
  const fresh = (await readdir(rt.sandboxRoot)).filter((d) => !before.includes(d));
  if (fresh.length !== 1) throw new Error(`expected one new sandbox, found ${fresh.length}`);
  return join(rt.sandboxRoot, fresh[0] ?? "", "work", "repo");
}

/** A shell script that records that it ran, and the environment it ran with, in `marker`. */
function markerScript(marker: string): string {
  return `#!/bin/sh\necho "ran: $0 $*" >> '${marker}'\nenv >> '${marker}'\nexit 0\n`;
}

describe("a remote whose tree holds symlinks out of the clone and into .git", () => {
  const req = (agent_id: string) => ({ repo_url: server.url("symlinks"), branch: "main", agent_id, task_id: "hostile" });
  let repo: string;

  beforeAll(async () => {
    await mkdir(join(outside, "dir"));
    await writeFile(join(outside, "file"), "original\n");
    await remotes.bareWith("symlinks", async (dir) => {
      await writeFile(join(dir, "README.md"), "# innocent\n");
      await symlink(join(outside, "dir"), join(dir, "out"));
      await symlink(join(outside, "file"), join(dir, "notes.txt"));
      await symlink(".git", join(dir, "g"));
      await mkdir(join(dir, "docs"));
      await symlink(join(outside, "dir"), join(dir, "docs", "deep"));
    });
    const before = await readdir(rt.sandboxRoot);
    expect((await call("clone", req("agent-sym"))).status).toBe(200);
    repo = await newClone(before);
  });

  it.each([
    ["out/x.txt", "out is a symbolic link"],
    ["notes.txt", "notes.txt is a symbolic link"],
    ["g/config", "g is a symbolic link"],
    ["g/hooks/pre-commit", "g is a symbolic link"],
    ["docs/deep/x.txt", "docs/deep is a symbolic link"],
  ])("refuses a push writing %s with 400 validation naming the path, and changes nothing", async (path, reason) => {
    const content = "[core]\n\tfsmonitor = \"touch pwned\"\n";
    const res = await call("push", { ...req("agent-sym"), commit: { message: "attack", files: [{ path: "fine.txt", content: "ok\n" }, { path, content }] } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { type: "validation", issues: [{ field: "commit.files.1.path", message: expect.stringContaining(reason) }] } });
    expect(await readdir(join(outside, "dir"))).toEqual([]);
    expect(await readFile(join(outside, "file"), "utf8")).toBe("original\n");
    expect(await readFile(join(repo, ".git", "config"), "utf8")).not.toContain("fsmonitor");
    expect(await exists(join(repo, ".git", "hooks", "pre-commit"))).toBe(false);
    // Nothing half-written: the innocent file of the same request is not there either.
    expect(await exists(join(repo, "fine.txt"))).toBe(false);
    expect(await remotes.subjects("symlinks")).toEqual(["initial"]);
    const status = await call("status", req("agent-sym"));
    expect(status).toMatchObject({ status: 200, body: { ok: true, output: "## main...origin/main\n" } });
  });

  it("refuses a path into .git in any case before anything reaches the sandbox", async () => {
    for (const path of [".git/config", "docs/.GIT/config", ".Git/hooks/post-checkout"]) {
      const res = await call("push", { ...req("agent-sym"), commit: { message: "attack", files: [{ path, content: "x" }] } });
      expect(res.status, path).toBe(400);
      expect(res.body).toMatchObject({ error: { type: "validation", issues: [{ field: "commit.files.0.path" }] } });
    }
  });

  it("answers the same attack through the MCP tool git_push with the validation shape naming the path", async () => {
    const client = new Client({ name: "hostile-test", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${api.url}/mcp`)));
    try {
      const result = (await client.callTool({
        name: "git_push",
        arguments: { ...req("agent-sym"), commit: { message: "attack", files: [{ path: "notes.txt", content: "pwned\n" }] } },
      })) as CallToolResult;
      expect(result.isError).toBe(true);
      const first = result.content[0];
      expect(JSON.parse(first?.type === "text" ? first.text : "{}")).toMatchObject({
        ok: false,
        error: { type: "validation", issues: [{ field: "commit.files.0.path", message: expect.stringContaining("notes.txt is a symbolic link") }] },
      });
      expect(await readFile(join(outside, "file"), "utf8")).toBe("original\n");
    } finally {
      await client.close();
    }
  });

  it("still pushes ordinary files next to the symlinks", async () => {
    const res = await call("push", { ...req("agent-sym"), commit: { message: "ordinary", files: [{ path: "docs/new.md", content: "fine\n" }] } });
    expect(res).toMatchObject({ status: 200, body: { ok: true, retries: 0 } });
    expect(await remotes.lastCommitFiles("symlinks")).toEqual(["docs/new.md"]);
  });
});

describe("a clone whose .git was tampered with", () => {
  let marker: string;
  const req = (agent_id: string, repo_url = server.url("tampered")) => ({ repo_url, branch: "main", agent_id, task_id: "hostile" });

  beforeAll(async () => {
    marker = join(outside, "marker");
    await remotes.bare("tampered", { "README.md": "# t\n", "shared.txt": "base\n" });
  });

  async function freshClone(agent: string): Promise<string> {
    const before = await readdir(rt.sandboxRoot);
    expect((await call("clone", req(agent))).status).toBe(200);
    return newClone(before);
  }

  async function everyOperation(agent: string): Promise<{ status: number; body: Record<string, unknown> }[]> {
    await remotes.commitAsOther("tampered", { [`theirs-${agent}.txt`]: "x\n" }, `theirs ${agent}`);
    return [
      await call("status", req(agent)),
      await call("diff", req(agent)),
      await call("pull", req(agent)),
      await call("push", { ...req(agent), commit: { message: "ours", files: [{ path: `ours-${agent}.txt`, content: "y\n" }] } }),
    ];
  }

  it("runs no hook planted in .git/hooks during status, diff, pull and push", async () => {
    const repo = await freshClone("agent-hooks");
    for (const hook of ["pre-commit", "commit-msg", "post-commit", "pre-push", "post-checkout", "post-merge", "post-rewrite", "reference-transaction", "pre-rebase", "fsmonitor-watchman"]) {
      const path = join(repo, ".git", "hooks", hook);
      await writeFile(path, markerScript(marker));
      await chmod(path, 0o755);
    }
    const results = await everyOperation("agent-hooks");
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(await exists(marker)).toBe(false);
  });

  it("refuses to run git in a clone whose .git/config names commands, and none of them runs", async () => {
    const repo = await freshClone("agent-config");
    const cmd = `sh -c 'env >> ${marker}'`;
    const planted = [
      ["core", "fsmonitor", cmd],
      ["core", "pager", cmd],
      ["core", "sshCommand", cmd],
      ["core", "editor", cmd],
      ["diff", "external", cmd],
      ["credential", "helper", `!${cmd}`],
      ["filter.evil", "smudge", cmd],
      ["filter.evil", "clean", cmd],
      ["include", "path", join(outside, "included")],
    ];
    await writeFile(join(outside, "included"), `[core]\n\tfsmonitor = ${cmd}\n`);
    await writeFile(join(repo, ".gitattributes"), "* filter=evil diff=evil\n");
    const config = planted.map(([section, key, value]) => `[${section?.replace(/^(\w+)\.(\w+)$/, '$1 "$2"')}]\n\t${key} = ${JSON.stringify(value)}\n`).join("");
    await writeFile(join(repo, ".git", "config"), (await readFile(join(repo, ".git", "config"), "utf8")) + config);
    const results = await everyOperation("agent-config");
    for (const r of results) {
      expect(r.body).toMatchObject({ ok: false, error: { type: "other", message: expect.stringContaining("core.fsmonitor") } });
      expect(r.body["error"]).toMatchObject({ message: expect.stringContaining('[filter "evil"].smudge') });
      expect(r.body["error"]).toMatchObject({ message: expect.stringContaining("[include].path") });
      expect(JSON.stringify(r.body)).not.toContain(rt.sandboxRoot);
    }
    expect(await exists(marker)).toBe(false);
  });

  it("checks .git/config again before every command: a config rewritten after a passing status, same size and times, is refused", async () => {
    const repo = await freshClone("agent-rewrite");
    const path = join(repo, ".git", "config");
    // The first status passes the check, and the runtime remembers the text that passed.
    expect((await call("status", req("agent-rewrite"))).status).toBe(200);
    const original = await readFile(path, "utf8");
    const before = await stat(path);
    // The same number of bytes, then the old modification time back: nothing about the file's
    // size or times tells that it changed, only its text.
    const tampered = original.replace("\tbare = false\n", "\tpager = cat\t\n");
    expect(tampered).not.toBe(original);
    expect(Buffer.byteLength(tampered)).toBe(before.size);
    await writeFile(path, tampered);
    await utimes(path, before.atime, before.mtime);
    for (const op of ["status", "diff"]) {
      const r = await call(op, req("agent-rewrite"));
      expect(r.body).toMatchObject({ ok: false, error: { type: "other", message: expect.stringContaining("core.pager") } });
    }
    // Put back as git clone wrote it, the clone is usable again.
    await writeFile(path, original);
    expect((await call("status", req("agent-rewrite"))).status).toBe(200);
  });
});

describe("the configuration guard in front of every git command in a clone", () => {
  let dir: string;
  let cloneConfig: string;
  const guard = (config: string) => {
    const repo = join(dir, "repo");
    return writeFile(join(repo, ".git", "config"), config).then(() =>
      run("sh", ["-c", GUARD_SCRIPT, "git-guard", "echo", "ran"], { cwd: repo }).then(
        (r) => ({ code: 0, out: r.stdout, err: r.stderr }),
        (e: { code?: number; stderr?: string }) => ({ code: e.code ?? -1, out: "", err: e.stderr ?? "" }),
      ),
    );
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "obsgen-guard-"));
    const home = join(dir, "home");
    await mkdir(home);
    await git(["init", "-q", "--bare", "-b", "release/v1.2", join(dir, "remote.git")], dir, home);
    await git(["clone", "-q", join(dir, "remote.git"), join(dir, "repo")], dir, home);
    await git(["config", "--local", "branch.release/v1.2.remote", "origin"], join(dir, "repo"), home);
    await git(["config", "--local", "branch.release/v1.2.merge", "refs/heads/release/v1.2"], join(dir, "repo"), home);
    cloneConfig = await readFile(join(dir, "repo", ".git", "config"), "utf8");
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("lets git run in a clone whose configuration is what git clone wrote, in sh and in the runtime's process alike", async () => {
    expect(cloneConfig).toContain('[branch "release/v1.2"]');
    expect(await guard(cloneConfig)).toEqual({ code: 0, out: "ran\n", err: "" });
    expect(cloneConfigRefusal(cloneConfig)).toBeUndefined();
  });

  it.each([
    ["an include", "[include]\n\tpath = /tmp/evil\n", "[include].path"],
    ["a conditional include", '[includeIf "gitdir:/"]\n\tpath = /tmp/evil\n', "gitdir"],
    ["a filter driver", '[filter "lfs"]\n\tsmudge = evil\n', '[filter "lfs"].smudge'],
    ["a merge driver", '[merge "x"]\n\tdriver = evil\n', '[merge "x"].driver'],
    ["a URL rewrite", '[url "http://evil/"]\n\tinsteadOf = https://github.com/\n', "insteadOf"],
    ["another work tree", "[core]\n\tworktree = /\n", "core.worktree"],
    ["an upload-pack", "[remote \"origin\"]\n\tuploadpack = evil\n", "remote.origin.uploadpack"],
    ["another remote", '[remote "evil"]\n\turl = x\n', '[remote "evil"].url'],
    ["a key on the header line", "[core] fsmonitor = evil\n", "fsmonitor"],
    ["a continued line", "[core]\n\tbare = false\\\nfsmonitor = evil\n", "continued"],
    ["an upper-case section git clone never writes", "[Core]\n\tfsmonitor = evil\n", "[Core].fsmonitor"],
    ["a branch name with a quote", '[branch "a\\"] [include]"]\n\tremote = x\n', "branch"],
    ["a header with a trailing space", "[core] \n\tbare = false\n", "[core] .bare"],
    ["a key before any section", "fsmonitor = evil\n" , ".fsmonitor"],
    ["CRLF line ends", "[core]\r\n\tbare = false\r\n", "[core]\r"],
  ])("refuses %s, naming it, in sh and in the runtime's process alike", async (_what, extra, named) => {
    const r = await guard(cloneConfig + extra);
    expect(r.code).toBe(GUARD_EXIT);
    expect(r.out).toBe("");
    expect(r.err).toContain(named);
    // The runtime's own check (cloneConfigRefusal, used with the local provider) refuses the same, in the same words.
    expect(cloneConfigRefusal(cloneConfig + extra)).toBe(guardRefusal(r.code, r.err)?.[0]);
  });
});

describe("git run with the runtime's configuration and environment", () => {
  // The -c layer on its own, with no check of the clone's configuration in front of it: a repository
  // whose .git/config sets every command-running key -c can override, used for each kind of
  // command the runtime runs. (remote.origin.uploadpack/receivepack are not among them: git uses
  // the first value it reads, the repository's, so only the configuration check stops them.)
  it("runs none of the commands a repository's own configuration names", async () => {
    const dir = await mkdtemp(join(tmpdir(), "obsgen-hardened-"));
    try {
      const home = join(dir, "home");
      await mkdir(home);
      const marker = join(dir, "marker");
      const script = join(dir, "evil.sh");
      await writeFile(script, `${markerScript(marker)}`);
      await chmod(script, 0o755);
      const hooks = join(dir, "hooks");
      await mkdir(hooks);
      for (const hook of ["pre-commit", "post-commit", "pre-push", "post-checkout", "reference-transaction", "post-rewrite"]) {
        await writeFile(join(hooks, hook), markerScript(marker));
        await chmod(join(hooks, hook), 0o755);
      }
      await git(["init", "-q", "--bare", "-b", "main", join(dir, "remote.git")], dir, home);
      await git(["clone", "-q", join(dir, "remote.git"), join(dir, "seed")], dir, home);
      await writeFile(join(dir, "seed", "a.txt"), "a\n");
      await git(["add", "."], join(dir, "seed"), home);
      await git(["commit", "-q", "-m", "seed"], join(dir, "seed"), home);
      await git(["push", "-q", "origin", "HEAD:main"], join(dir, "seed"), home);
      const repo = join(dir, "clone");
      await git(["clone", "-q", join(dir, "remote.git"), repo], dir, home);
      const evil: [string, string][] = [
        ["core.fsmonitor", script],
        ["core.hooksPath", hooks],
        ["core.pager", script],
        ["pager.status", script],
        ["pager.diff", script],
        ["core.editor", script],
        ["sequence.editor", script],
        ["core.sshCommand", script],
        ["core.askPass", script],
        ["core.gitProxy", script],
        ["core.alternateRefsCommand", script],
        ["diff.external", script],
        ["diff.evil.command", script],
        ["diff.evil.textconv", script],
        ["credential.helper", `!${script}`],
        ["gpg.program", script],
        ["commit.gpgSign", "true"],
      ];
      for (const [key, value] of evil) await git(["config", "--local", key, value], repo, home);
      await writeFile(join(repo, ".gitattributes"), "* diff=evil\n");
      const config = hardenedConfigArgs(true);
      const env = { ...testGitEnv(home), ...hardenedEnv("/bin/false", true), GIT_PASSWORD: PASSWORD };
      const hardened = (args: string[]) => run("git", [...config, ...args], { cwd: repo, env });
      await writeFile(join(repo, "a.txt"), "changed\n");
      await hardened(["status", "--porcelain=v1", "--branch"]);
      await hardened(["diff", "--no-ext-diff", "--no-textconv", "HEAD", "--"]);
      await hardened(["add", "--", "a.txt"]);
      await hardened(["commit", "--quiet", "-m", "ours"]);
      await hardened(["pull", "--rebase", "--quiet", "origin", "main"]);
      await hardened(["push", "--porcelain", "origin", "HEAD:refs/heads/main"]);
      expect(await readFile(marker, "utf8").catch(() => "no marker")).toBe("no marker");
      // The same commands without the runtime's configuration do run the planted ones: the test
      // is able to see an attack that works.
      await run("git", ["status"], { cwd: repo, env: { ...testGitEnv(home), GIT_PASSWORD: PASSWORD } });
      expect(await readFile(marker, "utf8")).toContain(PASSWORD);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("a clone's .git/config that is not a small regular file", () => {
  const req = (agent_id: string) => ({ repo_url: server.url("odd-config"), branch: "main", agent_id, task_id: "odd" });

  beforeAll(async () => {
    await remotes.bare("odd-config", { "README.md": "# odd\n" });
  });

  async function cloneThen(agent: string, replace: (config: string) => Promise<void>): Promise<{ status: number; body: Record<string, unknown> }> {
    const before = await readdir(rt.sandboxRoot);
    expect((await call("clone", req(agent))).status).toBe(200);
    const config = join(await newClone(before), ".git", "config");
    await rm(config);
    await replace(config);
    return call("status", req(agent));
  }

  it.each([
    ["a FIFO (reading it must not wait for a writer)", (config: string) => run("mkfifo", [config]).then(() => undefined), "(not a file)"],
    ["a directory", (config: string) => mkdir(config), "(not a file)"],
    ["missing", async () => undefined, "(not a file)"],
    ["a symbolic link to a directory", (config: string) => symlink(outside, config), "(not a file)"],
    ["larger than any git clone writes", (config: string) => writeFile(config, `[core]\n${"#".repeat(MAX_CLONE_CONFIG_BYTES)}\n`), `(larger than ${MAX_CLONE_CONFIG_BYTES} bytes)`],
  ])("refuses to run git when it is %s", async (what, replace, named) => {
    const r = await cloneThen(`agent-odd-${what.split(" ")[1] ?? what}`, replace);
    expect(r.status).toBe(502);
    expect(r.body).toMatchObject({ ok: false, error: { type: "other", message: expect.stringContaining(named) } });
  });
});

describe("a sandbox provider that cannot read a file without running a command (E2B)", () => {
  // The local provider without readRegularFile: git then runs behind GUARD_SCRIPT, as with E2B.
  function withoutReader(provider: SandboxProvider): SandboxProvider {
    const hide = (sandbox: Sandbox): Sandbox => new Proxy(sandbox, { get: (target, key) => (key === "readRegularFile" ? undefined : Reflect.get(target, key, target)) });
    return { name: provider.name, shutdown: () => provider.shutdown(), create: async (opts) => hide(await provider.create(opts)) };
  }

  it("refuses to run git in a tampered clone through the shell guard, and nothing planted runs", async () => {
    const root = await mkdtemp(join(tmpdir(), "obsgen-shell-guard-"));
    const guarded = await createTestRuntime({
      provider: withoutReader(createLocalProvider({ root })),
      credentials: { username: USER, password: PASSWORD },
      credentialHosts: [`127.0.0.1:${server.port}`],
    });
    try {
      await remotes.bare("shell-guarded", { "README.md": "# s\n" });
      const req = { repo_url: server.url("shell-guarded"), branch: "main", agent_id: "agent-sh", task_id: "sh" };
      expect(await guarded.run("clone", req)).toMatchObject({ ok: true });
      const [sandbox] = await readdir(root);
      const repo = join(root, sandbox ?? "", "work", "repo");
      expect((await guarded.run("status", req)).ok).toBe(true);
      const marker = join(outside, "shell-guard-marker");
      await writeFile(join(repo, ".git", "config"), `${await readFile(join(repo, ".git", "config"), "utf8")}[core]\n\tfsmonitor = "sh -c 'env >> ${marker}'"\n`);
      for (const op of ["status", "diff"] as const) {
        expect(await guarded.run(op, req)).toMatchObject({ ok: false, error: { type: "other", message: expect.stringContaining("core.fsmonitor") } });
      }
      expect(await exists(marker)).toBe(false);
    } finally {
      await guarded.dispose();
      await rm(root, { recursive: true, force: true });
    }
  });
});
