// The behaviour every sandbox provider owes the git runtime, as one suite each provider runs
// (local, and E2B against the emulator). A provider passes only by doing the real thing: real
// processes, real files, real git.
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ExecResult, Sandbox, SandboxProvider } from "../../src/runtime/sandbox/provider.ts";
import { SandboxError, UnsafePathError } from "../../src/runtime/sandbox/provider.ts";

export interface ContractTarget {
  provider: SandboxProvider;
  /** Stops whatever the target started besides the provider (the emulator); runs after shutdown. */
  stop?: () => Promise<void>;
}

const T = { timeoutMs: 20_000 };
const SLOW = 30_000;

/** The error a promise rejects with, asserted to be a SandboxError. */
export async function sandboxFailure(promise: Promise<unknown>): Promise<SandboxError> {
  const outcome = await promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  if (outcome.ok) throw new Error(`expected a SandboxError, got a result: ${JSON.stringify(outcome.value)}`);
  if (!(outcome.error instanceof SandboxError)) throw outcome.error;
  return outcome.error;
}

/** Polls a command until it succeeds or the attempts run out (process death is asynchronous). */
async function eventually(check: () => Promise<boolean>, attempts = 50): Promise<boolean> {
  for (let i = 0; i < attempts; i++) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

/** The process in child.pid is gone: no such pid, or only a zombie waiting for a reaper. */
const GONE = 'p=$(cat child.pid) && test -n "$p" && { test ! -e /proc/$p || grep -q ") Z" /proc/$p/stat; }';

const GIT_ENV = {
  GIT_AUTHOR_NAME: "Contract Test",
  GIT_AUTHOR_EMAIL: "contract@example.invalid",
  GIT_COMMITTER_NAME: "Contract Test",
  GIT_COMMITTER_EMAIL: "contract@example.invalid",
};

export function sandboxProviderContract(label: string, start: () => Promise<ContractTarget>): void {
  describe(`sandbox provider contract: ${label}`, () => {
    let target: ContractTarget;
    let sandbox: Sandbox;
    const run = (argv: string[], extra: { cwd?: string; env?: Record<string, string> } = {}): Promise<ExecResult> =>
      sandbox.exec(argv, { ...T, ...extra });

    beforeAll(async () => {
      target = await start();
      sandbox = await target.provider.create({ metadata: { agent: "contract", task: label } });
    }, SLOW);

    afterAll(async () => {
      await target?.provider.shutdown();
      await target?.stop?.();
    }, SLOW);

    it("runs a program and returns its stdout with exit code 0", async () => {
      expect(await run(["echo", "hello world"])).toEqual({ exitCode: 0, stdout: "hello world\n", stderr: "" });
    });

    it("returns a non-zero exit as a result, not an error", async () => {
      const result = await run(["sh", "-c", "echo partial; exit 3"]);
      expect(result.exitCode).toBe(3);
      expect(result.stdout).toBe("partial\n");
    });

    it("captures stderr apart from stdout", async () => {
      const result = await run(["sh", "-c", "echo out; echo err >&2; exit 1"]);
      expect(result).toEqual({ exitCode: 1, stdout: "out\n", stderr: "err\n" });
    });

    it("passes every argument through as one word, with no shell interpretation", async () => {
      const args = ["it's", 'a "quoted" word', "$HOME", "; rm -rf /", "`id`", "*", "", "line\nbreak", "--upload-pack=x"];
      const result = await run(["printf", "<%s>\\n", ...args]);
      expect(result.stdout).toBe(args.map((a) => `<${a}>\n`).join(""));
    });

    it("passes the environment to one command only", async () => {
      const env = { OBSGEN_CONTRACT: "value with 'quotes' and spaces" };
      expect((await run(["sh", "-c", 'printf %s "$OBSGEN_CONTRACT"'], { env })).stdout).toBe(env.OBSGEN_CONTRACT);
      expect((await run(["sh", "-c", 'printf %s "${OBSGEN_CONTRACT-unset}"'])).stdout).toBe("unset");
    });

    it("takes one frozen environment for command after command, its own variables each time, also in a coverage run", async () => {
      // The git runtime passes the same frozen object to every command of a sandbox; Node's spawn
      // writes NODE_V8_COVERAGE into the environment it is given when the process has it.
      const env = Object.freeze({ OBSGEN_CONTRACT: "frozen" });
      const print = ["sh", "-c", 'printf "%s %s" "$OBSGEN_CONTRACT" "${NODE_V8_COVERAGE-unset}"'];
      const before = process.env["NODE_V8_COVERAGE"];
      process.env["NODE_V8_COVERAGE"] = join(tmpdir(), "obsgen-contract-coverage");
      try {
        for (let i = 0; i < 3; i++) expect((await sandbox.exec(print, { ...T, env })).stdout).toMatch(/^frozen /);
        expect((await sandbox.exec(["true"], T)).exitCode).toBe(0);
      } finally {
        if (before === undefined) delete process.env["NODE_V8_COVERAGE"];
        else process.env["NODE_V8_COVERAGE"] = before;
      }
      expect((await sandbox.exec(print, { ...T, env })).stdout).toMatch(/^frozen /);
      expect((await run(["sh", "-c", 'printf %s "${OBSGEN_CONTRACT-unset}"'])).stdout).toBe("unset");
    });

    it("runs in its work directory by default and in cwd when one is given", async () => {
      expect((await run(["pwd", "-P"])).stdout.trim()).toBe(sandbox.workdir);
      await run(["mkdir", "-p", "sub dir"]);
      const cwd = `${sandbox.workdir}/sub dir`;
      expect((await run(["pwd", "-P"], { cwd })).stdout.trim()).toBe(cwd);
    });

    it("writes a file that a command in the sandbox reads back", async () => {
      const content = "line 1\nit's \"quoted\" $HOME\n";
      await sandbox.writeFile(`${sandbox.workdir}/notes.txt`, content);
      expect((await run(["cat", "notes.txt"])).stdout).toBe(content);
    });

    it("runs git init and git commit inside the sandbox", async () => {
      const env = GIT_ENV;
      expect((await run(["git", "init", "-q", "-b", "main", "repo"], { env })).exitCode).toBe(0);
      const repo = `${sandbox.workdir}/repo`;
      await sandbox.writeFile(`${repo}/README.md`, "# contract\n");
      expect((await run(["git", "add", "README.md"], { cwd: repo, env })).exitCode).toBe(0);
      const commit = await run(["git", "commit", "-q", "-m", "first commit"], { cwd: repo, env });
      expect(commit.stderr).toBe("");
      expect(commit.exitCode).toBe(0);
      expect((await run(["git", "log", "--format=%s %an"], { cwd: repo })).stdout).toBe("first commit Contract Test\n");
    }, SLOW);

    it("writes files beneath a root, creating missing directories and replacing existing files", async () => {
      const root = `${sandbox.workdir}/beneath`;
      await run(["mkdir", "-p", "beneath/a"]);
      await run(["sh", "-c", "printf old > beneath/a/old.txt"]);
      await sandbox.writeFilesBeneath(root, [
        { path: "a/old.txt", content: "new\n" },
        { path: "b/c/d.txt", content: "it's $HOME\n" },
        { path: "-dash/x=y.txt", content: "" },
      ]);
      expect((await run(["cat", "--", "a/old.txt", "b/c/d.txt", "-dash/x=y.txt"], { cwd: root })).stdout).toBe("new\nit's $HOME\n");
    });

    it("refuses, writing nothing, a path through a symlink, to a symlink, via a link to .git, or into .git in any case", async () => {
      // A clone as a hostile remote leaves it: links to a directory and a file outside the clone,
      // and a link to the clone's own .git.
      const setup = [
        "rm -rf hostile outside && mkdir -p hostile/.git outside/dir hostile/sub",
        "printf original > outside/file && printf '[core]\\n' > hostile/.git/config",
        "ln -s ../outside/dir hostile/out && ln -s ../outside/file hostile/notes.txt && ln -s .git hostile/g",
        "ln -s ../../outside/dir hostile/sub/deep && printf x > hostile/plain",
      ].join(" && ");
      expect((await run(["sh", "-c", setup])).exitCode).toBe(0);
      const root = `${sandbox.workdir}/hostile`;
      const attacks: [string, RegExp][] = [
        ["out/x.txt", /out is a symbolic link/],
        ["notes.txt", /notes\.txt is a symbolic link/],
        ["g/config", /g is a symbolic link/],
        ["sub/deep/x.txt", /sub\/deep is a symbolic link/],
        [".git/config", /inside \.git/],
        ["sub/.GiT/config", /inside \.git/],
        ["plain/x.txt", /plain is not a directory/],
        ["../outside/file", /'\.\.'/],
      ];
      for (const [path, reason] of attacks) {
        const failure = await sandboxFailure(
          sandbox.writeFilesBeneath(root, [{ path: "innocent.txt", content: "first\n" }, { path, content: "[core]\n\tfsmonitor = touch pwned\n" }]),
        );
        expect(failure, path).toBeInstanceOf(UnsafePathError);
        expect(failure).toMatchObject({ index: 1, reason: expect.stringMatching(reason) });
      }
      const after = await run(["sh", "-c", "cat outside/file; ls -A outside/dir; cat hostile/.git/config; test -e hostile/innocent.txt && echo written"]);
      expect(after.stdout).toBe("original[core]\n");
    });

    it("kills the command's whole process tree at the timeout and throws a timeout SandboxError", async () => {
      await run(["rm", "-f", "child.pid"]);
      const failure = await sandboxFailure(
        sandbox.exec(["sh", "-c", "sleep 60 & echo $! > child.pid; wait"], { timeoutMs: 1_000 }),
      );
      expect(failure.errorType).toBe("timeout");
      const childGone = await eventually(
        async () => (await run(["sh", "-c", GONE])).exitCode === 0,
      );
      expect(childGone).toBe(true);
      expect((await run(["echo", "still usable"])).stdout).toBe("still usable\n");
    }, SLOW);

    it("is alive until killed; after kill, exec throws sandbox_not_found and kill is idempotent", async () => {
      const own = await target.provider.create();
      expect(await own.isAlive()).toBe(true);
      expect(own.id).not.toBe(sandbox.id);
      expect(own.workdir).not.toBe(sandbox.workdir);
      await own.kill();
      expect(await own.isAlive()).toBe(false);
      expect((await sandboxFailure(own.exec(["echo", "late"], T))).errorType).toBe("sandbox_not_found");
      await own.kill();
    }, SLOW);

    it("kills every sandbox it still holds on shutdown", async () => {
      const a = await start();
      const first = await a.provider.create();
      const second = await a.provider.create();
      await a.provider.shutdown();
      expect([await first.isAlive(), await second.isAlive()]).toEqual([false, false]);
      await a.stop?.();
    }, SLOW);
  });
}
