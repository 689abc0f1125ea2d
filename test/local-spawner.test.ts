// The local provider's spawner (src/runtime/sandbox/spawner.ts): every command is started by one
// small long-lived process, the runtime's own process never forks. Checked on real processes
// through /proc: who is whose parent, which groups survive whose death, what the spawner listens on.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, readlink, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLocalProvider } from "../src/runtime/sandbox/local.ts";
import type { Sandbox, SandboxProvider } from "../src/runtime/sandbox/provider.ts";
import { buildDist, RUNTIME_ENTRY } from "./support/build.ts";
import { createRemotes, type Remotes, startHangingServer } from "./support/git-remote.ts";
import { sandboxFailure } from "./support/sandbox-contract.ts";

const T = { timeoutMs: 20_000 };

/** Fields of /proc/<pid>/stat after the command name: state, ppid, pgrp, …; undefined when gone. */
async function stat(pid: number): Promise<{ state: string; ppid: number; pgrp: number } | undefined> {
  const text = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
  if (text === "") return undefined;
  const [state = "", ppid = "", pgrp = ""] = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return { state, ppid: Number(ppid), pgrp: Number(pgrp) };
}

/** The process is gone, or a zombie that runs nothing and waits only to be reaped. */
async function gone(pid: number): Promise<boolean> {
  const s = await stat(pid);
  return s === undefined || s.state === "Z";
}

async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Live processes named `comm` whose working directory is `dir` or below it. */
async function processesIn(dir: string, comm: string): Promise<number[]> {
  const found: number[] = [];
  for (const pid of await readdir("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    const cwd = await readlink(`/proc/${pid}/cwd`).catch(() => "");
    if (!cwd.startsWith(dir)) continue;
    const name = (await readFile(`/proc/${pid}/comm`, "utf8").catch(() => "")).trim();
    if (name === comm && !(await gone(Number(pid)))) found.push(Number(pid));
  }
  return found;
}

/** The pid of whatever started a command in the sandbox: sh's $PPID. */
async function starterOf(sandbox: Sandbox): Promise<number> {
  return Number((await sandbox.exec(["sh", "-c", 'printf %s "$PPID"'], T)).stdout);
}

describe("the local provider's spawner", () => {
  let provider: SandboxProvider;
  let sandbox: Sandbox;
  let hanging: Awaited<ReturnType<typeof startHangingServer>>;

  beforeAll(async () => {
    provider = createLocalProvider();
    sandbox = await provider.create();
    hanging = await startHangingServer();
  });

  afterAll(async () => {
    await provider?.shutdown();
    await hanging?.stop();
  });

  it("starts git from the spawner, a child of the runtime's process, never from the runtime's process itself", async () => {
    const own = await provider.create();
    const clone = sandboxFailure(own.exec(["git", "clone", hanging.url("never"), "repo"], T));
    let git = 0;
    await until(async () => {
      [git = 0] = await processesIn(own.workdir, "git");
      return git !== 0;
    }, "git clone in the sandbox");
    const gitStat = await stat(git);
    const spawner = gitStat?.ppid ?? 0;
    expect(spawner).not.toBe(process.pid);
    expect((await stat(spawner))?.ppid).toBe(process.pid);
    expect((await readFile(`/proc/${spawner}/cmdline`, "utf8")).split("\0")[0]).toBe(process.execPath);
    // git leads a process group of its own: a timeout or a kill ends it and everything it started.
    expect(gitStat?.pgrp).toBe(git);
    expect(await starterOf(sandbox)).toBe(spawner);
    await own.kill();
    expect((await clone).errorType).toBe("sandbox_not_found");
    expect(await gone(git)).toBe(true);
  }, 30_000);

  it("fails the command in flight with a clear error when the spawner dies, kills that command's process group, and starts a new spawner for the next command", async () => {
    const secret = "spawner-secret-4f1c9a";
    const { workdir } = sandbox;
    await rm(join(workdir, "child.pid"), { force: true });
    const inFlight = sandboxFailure(
      sandbox.exec(["sh", "-c", "sleep 60 & echo $! > child.pid; wait"], { timeoutMs: 60_000, env: { OBSGEN_SECRET: secret } }),
    );
    let sleeper = 0;
    await until(async () => {
      sleeper = Number(await readFile(join(workdir, "child.pid"), "utf8").catch(() => "0"));
      return sleeper > 0;
    }, "the command's background child");
    const sh = (await stat(sleeper))?.ppid ?? 0;
    const spawner = (await stat(sh))?.ppid ?? 0;
    expect((await stat(spawner))?.ppid).toBe(process.pid);

    process.kill(spawner, "SIGKILL");
    const failure = await inFlight;
    expect(failure.errorType).toBe("other");
    expect(failure.message).toMatch(/process spawner ended \(signal SIGKILL\) while sh ran/);
    expect(failure.message).not.toContain(secret);
    await until(() => gone(sleeper), "the dead spawner's command's background child to be killed");

    expect((await sandbox.exec(["echo", "still usable"], T)).stdout).toBe("still usable\n");
    const next = await starterOf(sandbox);
    expect(next).not.toBe(spawner);
    expect((await stat(next))?.ppid).toBe(process.pid);
  }, 30_000);

  it("returns megabytes of output whole and drops what a stream prints beyond 8 MiB", async () => {
    const r = await sandbox.exec(["sh", "-c", "head -c 3000000 /dev/zero | tr '\\0' e >&2; head -c 20000000 /dev/zero | tr '\\0' o"], T);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe("e".repeat(3_000_000));
    // Whole chunks are kept until the limit is reached: 8 MiB and at most one pipe read more.
    expect(r.stdout.length).toBeGreaterThanOrEqual(8 * 1024 * 1024);
    expect(r.stdout.length).toBeLessThan(9 * 1024 * 1024);
    expect(/^o+$/.test(r.stdout)).toBe(true);
  }, 30_000);

  it("holds no listening socket and gives its commands no descriptor of its pipe: it takes commands only from its parent", async () => {
    const spawner = await starterOf(sandbox);
    const listening = new Set<string>();
    for (const table of ["tcp", "tcp6", "udp", "udp6"]) {
      const lines = (await readFile(`/proc/net/${table}`, "utf8").catch(() => "")).split("\n").slice(1);
      for (const line of lines) {
        const inode = line.trim().split(/\s+/)[9];
        if (inode !== undefined) listening.add(inode);
      }
    }
    // A unix socket with __SO_ACCEPTCON (0x10000) in its flags is listening.
    for (const line of (await readFile("/proc/net/unix", "utf8")).split("\n").slice(1)) {
      const [, , , flags = "0", , , inode] = line.trim().split(/\s+/);
      if ((Number.parseInt(flags, 16) & 0x10000) !== 0 && inode !== undefined) listening.add(inode);
    }
    const sockets: string[] = [];
    for (const fd of await readdir(`/proc/${spawner}/fd`)) {
      const target = await readlink(`/proc/${spawner}/fd/${fd}`).catch(() => "");
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode !== undefined) sockets.push(inode);
    }
    expect(sockets.filter((inode) => listening.has(inode))).toEqual([]);
    // Nor can a command it runs write to it: the command holds no descriptor of its pipes.
    const channel = await Promise.all(["0", "1"].map((fd) => readlink(`/proc/${spawner}/fd/${fd}`)));
    const held = (await sandbox.exec(["sh", "-c", 'for f in /proc/$$/fd/*; do readlink "$f"; done'], T)).stdout.split("\n");
    expect(held.length).toBeGreaterThan(2);
    expect(held.filter((target) => channel.includes(target))).toEqual([]);
  });

  it("stops the spawner when the provider shuts down", async () => {
    const own = createLocalProvider();
    const box = await own.create();
    const spawner = await starterOf(box);
    expect(await gone(spawner)).toBe(false);
    await own.shutdown();
    expect(await gone(spawner)).toBe(true);
  });
});

describe("an idle spawner", () => {
  it("ends after running nothing for its idle time, and the next command starts a new one", async () => {
    const own = createLocalProvider({ spawnerIdleMs: 300 });
    try {
      const box = await own.create();
      const first = await starterOf(box);
      expect(await starterOf(box)).toBe(first);
      await until(() => gone(first), "the idle spawner to end");
      const second = await starterOf(box);
      expect(second).not.toBe(first);
      expect((await stat(second))?.ppid).toBe(process.pid);
    } finally {
      await own.shutdown();
    }
  });
});

describe("the spawner of the built runtime (node dist/runtime/main.js)", () => {
  let remotes: Remotes;
  let tmp: string;

  beforeAll(async () => {
    await buildDist("runtime");
    remotes = await createRemotes();
    tmp = await mkdtemp(join(tmpdir(), "obsgen-spawner-"));
  }, 120_000);

  afterAll(async () => {
    await remotes?.cleanup();
    await rm(tmp, { recursive: true, force: true });
  });

  function start(): Promise<{ child: ChildProcess; url: string }> {
    const child = spawn(process.execPath, [RUNTIME_ENTRY], {
      env: { PATH: process.env["PATH"], HOME: tmp, TMPDIR: tmp, HOST: "127.0.0.1", PORT: "0", RUNTIME_ALLOW_LOCAL_REMOTES: "1" },
      stdio: ["ignore", "ignore", "pipe"],
    });
    return new Promise((resolve, reject) => {
      let err = "";
      child.stderr?.on("data", (chunk: Buffer) => {
        err += chunk.toString();
        const url = /git runtime listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(err)?.[1];
        if (url !== undefined) resolve({ child, url });
      });
      child.once("exit", () => reject(new Error(`the runtime exited early: ${err}`)));
    });
  }

  it("serves /v1 status through the spawner, and when the runtime is killed the spawner ends and takes its commands' process groups with it", async () => {
    const repo = await remotes.bare("spawned", { "README.md": "# spawned\n" });
    const hanging = await startHangingServer();
    const { child, url } = await start();
    try {
      const post = (op: string, body: unknown) =>
        fetch(`${url}/v1/git/${op}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      expect((await post("clone", { repo_url: repo, agent_id: "a", task_id: "t" })).status).toBe(200);
      const status = await post("status", { repo_url: repo, agent_id: "a", task_id: "t" });
      expect(status.status).toBe(200);
      expect(await status.json()).toMatchObject({ ok: true, operation: "status" });

      const inFlight = post("clone", { repo_url: hanging.url("x"), agent_id: "b", task_id: "t" }).catch(() => undefined);
      let git = 0;
      await until(async () => {
        [git = 0] = await processesIn(tmp, "git");
        return git !== 0;
      }, "git clone in a sandbox of the built runtime");
      const spawner = (await stat(git))?.ppid ?? 0;
      expect(spawner).not.toBe(child.pid);
      expect((await stat(spawner))?.ppid).toBe(child.pid);

      child.kill("SIGKILL");
      await until(() => gone(spawner), "the spawner to end with the runtime");
      await until(() => gone(git), "git's process group to be killed with the spawner");
      await inFlight;
    } finally {
      child.kill("SIGKILL");
      await hanging.stop();
    }
  }, 60_000);
});
