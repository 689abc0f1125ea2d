// The local provider's spawner (src/runtime/sandbox/spawner.ts): every command is started by one
// small long-lived process, the runtime's own process never forks. Checked on real processes
// through /proc: who is whose parent, which groups survive whose death, what the spawner listens on.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtemp, readdir, readFile, readlink, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLocalProvider } from "../src/runtime/sandbox/local.ts";
import type { Sandbox, SandboxProvider } from "../src/runtime/sandbox/provider.ts";
import { buildDist, RUNTIME_ENTRY } from "./support/build.ts";
import { createRemotes, type Remotes, startHangingServer } from "./support/git-remote.ts";
import { sandboxFailure } from "./support/sandbox-contract.ts";

const T = { timeoutMs: 20_000 };
/** The local provider's output cap per stream. */
const MIB8 = 8 * 1024 * 1024;

/** Fields of /proc/<pid>/stat after the command name: state, ppid, pgrp, session; undefined when gone. */
async function stat(pid: number): Promise<{ state: string; ppid: number; pgrp: number; session: number } | undefined> {
  const text = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
  if (text === "") return undefined;
  const [state = "", ppid = "", pgrp = "", session = ""] = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return { state, ppid: Number(ppid), pgrp: Number(pgrp), session: Number(session) };
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

/** One provider and one sandbox shared by a describe block's tests, shut down after them. */
function sharedSandbox(): () => Sandbox {
  let provider: SandboxProvider | undefined;
  let sandbox: Sandbox | undefined;
  beforeAll(async () => {
    provider = createLocalProvider();
    sandbox = await provider.create();
  });
  afterAll(async () => {
    await provider?.shutdown();
  });
  return () => {
    if (sandbox === undefined) throw new Error("the shared sandbox is created before the tests run");
    return sandbox;
  };
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
    expect(r.stdout).toBe("o".repeat(MIB8));
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

  /** The built runtime, started directly, or as a background job of a shell with job control (its own process group, as a terminal starts it). */
  function start(how: "direct" | "shell job" = "direct"): Promise<{ child: ChildProcess; url: string }> {
    const options = {
      env: { PATH: process.env["PATH"], HOME: tmp, TMPDIR: tmp, HOST: "127.0.0.1", PORT: "0", RUNTIME_ALLOW_LOCAL_REMOTES: "1" },
      stdio: ["ignore", "ignore", "pipe"] as ["ignore", "ignore", "pipe"],
    };
    const child = how === "direct" ? spawn(process.execPath, [RUNTIME_ENTRY], options) : spawn("bash", ["-c", 'set -m; "$0" "$1" & wait', process.execPath, RUNTIME_ENTRY], options);
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

  const poster = (url: string) => (op: string, body: unknown) =>
    fetch(`${url}/v1/git/${op}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

  /** A `git clone` from a server that never answers, in flight in a sandbox of the runtime at `url`: its git and the processes above it. */
  async function hangingClone(url: string, hanging: Awaited<ReturnType<typeof startHangingServer>>) {
    const inFlight = poster(url)("clone", { repo_url: hanging.url("x"), agent_id: "b", task_id: "t" }).catch(() => undefined);
    let git = 0;
    await until(async () => {
      [git = 0] = await processesIn(tmp, "git");
      return git !== 0;
    }, "git clone in a sandbox of the built runtime");
    const spawner = (await stat(git))?.ppid ?? 0;
    const runtime = (await stat(spawner))?.ppid ?? 0;
    return { inFlight, git, spawner, runtime };
  }

  it("serves /v1 status through the spawner, and when the runtime is killed the spawner ends and takes its commands' process groups with it", async () => {
    const repo = await remotes.bare("spawned", { "README.md": "# spawned\n" });
    const hanging = await startHangingServer();
    const { child, url } = await start();
    try {
      const post = poster(url);
      expect((await post("clone", { repo_url: repo, agent_id: "a", task_id: "t" })).status).toBe(200);
      const status = await post("status", { repo_url: repo, agent_id: "a", task_id: "t" });
      expect(status.status).toBe(200);
      expect(await status.json()).toMatchObject({ ok: true, operation: "status" });

      const { inFlight, git, spawner, runtime } = await hangingClone(url, hanging);
      expect(spawner).not.toBe(child.pid);
      expect(runtime).toBe(child.pid);

      child.kill("SIGKILL");
      await until(() => gone(spawner), "the spawner to end with the runtime");
      await until(() => gone(git), "git's process group to be killed with the spawner");
      await inFlight;
    } finally {
      child.kill("SIGKILL");
      await hanging.stop();
    }
  }, 60_000);

  // node cannot ask the kernel for a signal at its parent's death (prctl PDEATHSIG), and a stopped
  // spawner cannot read the end of its pipe. What ends it is POSIX job control: the spawner stays in
  // the runtime's process group, so when the runtime started as a shell's job dies, the group loses
  // its last member with a parent elsewhere in the session; a group orphaned so with a stopped
  // process in it gets SIGHUP and SIGCONT from the kernel, and the spawner's SIGHUP handler kills
  // its commands' groups before it exits.
  it("ends with the runtime killed while the spawner is stopped (SIGSTOP): the runtime's group, orphaned, gets SIGHUP and SIGCONT from the kernel, and the spawner takes its commands' process groups with it", async (ctx) => {
    const hanging = await startHangingServer();
    const { child, url } = await start("shell job");
    let spawner = 0;
    try {
      const clone = await hangingClone(url, hanging);
      spawner = clone.spawner;
      const [shell, runtime, own] = await Promise.all([stat(child.pid ?? 0), stat(clone.runtime), stat(spawner)]);
      expect(runtime?.ppid).toBe(child.pid);
      // The arrangement a terminal makes: the runtime leads its own group in the shell's session,
      // and the spawner shares the runtime's group.
      expect(runtime?.pgrp).toBe(clone.runtime);
      expect(shell?.pgrp).not.toBe(clone.runtime);
      expect(runtime?.session).toBe(shell?.session);
      expect(own?.pgrp).toBe(clone.runtime);
      // An orphan goes to the reaper (pid 1 here); a reaper in the runtime's own session would
      // keep the group from being orphaned, and the kernel would send nothing.
      if ((await stat(1))?.session === runtime?.session) ctx.skip("pid 1 runs in the runtime's session: no process group is orphaned here");

      process.kill(spawner, "SIGSTOP");
      await until(async () => (await stat(spawner))?.state === "T", "the spawner to stop");
      process.kill(clone.runtime, "SIGKILL");
      await until(() => gone(spawner), "the stopped spawner to end with the runtime");
      await until(() => gone(clone.git), "git's process group to be killed with the spawner");
      await clone.inFlight;
    } finally {
      child.kill("SIGKILL");
      if (spawner !== 0 && !(await gone(spawner))) process.kill(spawner, "SIGKILL");
      await hanging.stop();
    }
  }, 60_000);
});

/** Waits for the pid a command wrote to `file` in `dir` (sh's `echo $! > file`). */
async function pidIn(dir: string, file: string): Promise<number> {
  let pid = 0;
  await until(async () => {
    pid = Number(await readFile(join(dir, file), "utf8").catch(() => "0"));
    return pid > 0;
  }, `the pid in ${file}`);
  return pid;
}

/** Kills a process this test started, should a failed assertion have left it behind. */
function killIfOurs(pid: number, parent: number): void {
  void stat(pid).then((s) => {
    if (s !== undefined && s.ppid === parent) process.kill(pid, "SIGKILL");
  });
}

/** A command that starts `sleep 60` in the background, writes its pid to `file` and waits for it. */
const SLEEPER = (file: string) => ["sh", "-c", `sleep 60 & echo $! > ${file}; wait`];

/** The sh that ran a sleeper and the spawner that started that sh, a child of this process. */
async function startersOf(sleeper: number): Promise<{ sh: number; spawner: number }> {
  const sh = (await stat(sleeper))?.ppid ?? 0;
  const spawner = (await stat(sh))?.ppid ?? 0;
  expect((await stat(spawner))?.ppid).toBe(process.pid);
  return { sh, spawner };
}

/** SLEEPER running in a new sandbox of `provider`: the command's result to come and the processes it runs in. */
async function sleeperInFlight(provider: SandboxProvider, timeoutMs: number) {
  const box = await provider.create();
  const inFlight = sandboxFailure(box.exec(SLEEPER("child.pid"), { timeoutMs }));
  const sleeper = await pidIn(box.workdir, "child.pid");
  return { box, inFlight, sleeper, ...(await startersOf(sleeper)) };
}

describe("a spawner that stops answering (SIGSTOP)", () => {
  it("is killed once a command it holds is past its timeout and the grace: the command fails with a clear SandboxError, its process group dies, and the next command runs through a new spawner", async () => {
    const own = createLocalProvider({ spawnerStuckGraceMs: 1_000 });
    let spawner = 0;
    try {
      const { box, inFlight, sleeper, sh, ...started } = await sleeperInFlight(own, 5_000);
      spawner = started.spawner;
      process.kill(spawner, "SIGSTOP");
      await until(async () => (await stat(spawner))?.state === "T", "the spawner to stop");

      const failure = await inFlight;
      expect(failure.errorType).toBe("other");
      expect(failure.message).toBe(
        "the local sandbox's process spawner was killed as stuck (it had not answered 1000 ms after the 5000 ms timeout of sh) while sh ran; the command was killed, and the next one starts a new spawner",
      );
      // Killed, not left stopped; and the command it could no longer time out died with its group.
      await until(() => gone(spawner), "the stopped spawner to be killed");
      await until(() => gone(sh), "the command to be killed");
      await until(() => gone(sleeper), "the command's background child to be killed");

      expect((await box.exec(["echo", "next"], T)).stdout).toBe("next\n");
      const next = await starterOf(box);
      expect(next).not.toBe(spawner);
      expect((await stat(next))?.ppid).toBe(process.pid);
    } finally {
      if (spawner !== 0) killIfOurs(spawner, process.pid);
      await own.shutdown();
    }
  }, 30_000);

  it("ends on shutdown within the grace when it stopped mid-command: the command fails, its process group dies, and shutdown returns", async () => {
    // The command's own timeout (60 s) is far beyond the test's: only the kill's grace can end it.
    const own = createLocalProvider({ spawnerStuckGraceMs: 500 });
    let spawner = 0;
    try {
      const { box, inFlight, sleeper, ...started } = await sleeperInFlight(own, 60_000);
      spawner = started.spawner;
      process.kill(spawner, "SIGSTOP");
      await until(async () => (await stat(spawner))?.state === "T", "the spawner to stop");

      await own.shutdown();
      expect((await inFlight).errorType).toBe("sandbox_not_found");
      expect(await gone(spawner)).toBe(true);
      await until(() => gone(sleeper), "the command's background child to be killed");
    } finally {
      if (spawner !== 0) killIfOurs(spawner, process.pid);
      await own.shutdown();
    }
  }, 20_000);

  it("ends on shutdown within the grace when it stopped while idle", async () => {
    const own = createLocalProvider({ spawnerStuckGraceMs: 500 });
    let spawner = 0;
    try {
      spawner = await starterOf(await own.create());
      process.kill(spawner, "SIGSTOP");
      await until(async () => (await stat(spawner))?.state === "T", "the spawner to stop");
      await own.shutdown();
      expect(await gone(spawner)).toBe(true);
    } finally {
      if (spawner !== 0) killIfOurs(spawner, process.pid);
    }
  }, 20_000);
});

/**
 * gdb, to make a live spawner close its stdout as no signal can, where this system lets it attach
 * to a process (a container without CAP_SYS_PTRACE does not).
 */
const GDB = ((): boolean => {
  if (spawnSync("gdb", ["--version"]).status !== 0) return false;
  const sleeper = spawn("sleep", ["30"], { stdio: "ignore" });
  try {
    return spawnSync("gdb", ["-p", String(sleeper.pid), "-batch", "-ex", "detach"], { encoding: "utf8", timeout: 20_000 }).status === 0;
  } finally {
    sleeper.kill("SIGKILL");
  }
})();

describe("a spawner whose stdout closes while it lives", () => {
  it.skipIf(!GDB)("is killed within the grace: the command it held fails with a clear SandboxError, its process group dies, and the next command runs through a new spawner", async () => {
    const own = createLocalProvider({ spawnerStuckGraceMs: 500 });
    let spawner = 0;
    try {
      const { box, inFlight, sleeper, ...started } = await sleeperInFlight(own, 60_000);
      spawner = started.spawner;
      // The spawner itself closes its fd 1, under gdb; it keeps running, and would answer nothing.
      const gdb = spawnSync("gdb", ["-p", String(spawner), "-batch", "-ex", "call (int)close(1)"], { encoding: "utf8", timeout: 20_000 });
      expect(gdb.stdout).toMatch(/\$1 = 0/);

      const failure = await inFlight;
      expect(failure.errorType).toBe("other");
      expect(failure.message).toBe(
        "the local sandbox's process spawner was killed as stuck (its output closed and it had not exited 500 ms later) while sh ran; the command was killed, and the next one starts a new spawner",
      );
      await until(() => gone(spawner), "the spawner to be killed");
      await until(() => gone(sleeper), "the command's background child to be killed");
      expect((await box.exec(["echo", "next"], T)).stdout).toBe("next\n");
      expect(await starterOf(box)).not.toBe(spawner);
    } finally {
      if (spawner !== 0) killIfOurs(spawner, process.pid);
      await own.shutdown();
    }
  }, 40_000);
});

describe("a command whose background child leaves its process group", () => {
  it("is answered once it exits although that child (setsid) still holds its output open, and the spawner runs on", async () => {
    const own = createLocalProvider();
    let escaped = 0;
    try {
      const box = await own.create();
      const spawner = await starterOf(box);
      // The command's own timeout is beyond the test's: only its exit can answer it.
      const r = await box.exec(["sh", "-c", "setsid sh -c 'echo $$ > escaped.pid; exec sleep 60' & while [ ! -s escaped.pid ]; do sleep 0.05; done; echo done"], { timeoutMs: 60_000 });
      escaped = await pidIn(box.workdir, "escaped.pid");
      expect(r).toEqual({ exitCode: 0, stdout: "done\n", stderr: "" });
      // It did leave the group, and still runs: the group kill at the command's exit missed it.
      expect((await stat(escaped))?.pgrp).toBe(escaped);
      expect(await gone(escaped)).toBe(false);
      expect(await starterOf(box)).toBe(spawner);
    } finally {
      if (escaped !== 0) process.kill(escaped, "SIGKILL");
      await own.shutdown();
    }
  }, 30_000);
});

describe("shutdown with commands in flight", () => {
  it("fails every command in flight with sandbox_not_found and kills every one of their process groups and the spawner", async () => {
    const own = createLocalProvider();
    const boxes = await Promise.all([own.create(), own.create(), own.create()]);
    const inFlight = boxes.map((box) => sandboxFailure(box.exec(SLEEPER("child.pid"), { timeoutMs: 60_000 })));
    const sleepers = await Promise.all(boxes.map((box) => pidIn(box.workdir, "child.pid")));
    const { spawner } = await startersOf(sleepers[0] ?? 0);

    await own.shutdown();
    expect((await Promise.all(inFlight)).map((f) => f.errorType)).toEqual(["sandbox_not_found", "sandbox_not_found", "sandbox_not_found"]);
    for (const sleeper of sleepers) await until(() => gone(sleeper), "every command's background child to be killed");
    expect(await gone(spawner)).toBe(true);
  }, 30_000);
});

describe("the spawner's framing", () => {
  const sandbox = sharedSandbox();

  it.each([
    ["exactly at", MIB8, MIB8],
    ["one byte over", MIB8 + 1, MIB8],
    ["a megabyte over", MIB8 + 1024 * 1024, MIB8],
  ])("returns %s the 8 MiB cap on stdout and stderr at once as exactly the first 8 MiB of each", async (_what, printed, kept) => {
    const r = await sandbox().exec(["sh", "-c", 'head -c "$1" /dev/zero | tr "\\0" o & head -c "$1" /dev/zero | tr "\\0" e >&2; wait', "sh", String(printed)], T);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.length).toBe(kept);
    expect(r.stderr.length).toBe(kept);
    expect(r.stdout).toBe("o".repeat(kept));
    expect(r.stderr).toBe("e".repeat(kept));
  }, 30_000);

  it("delivers each of 100 commands finishing at once its own output, while another prints bytes that look like the spawner's frames", async () => {
    const { workdir } = sandbox();
    await rm(join(workdir, "go"), { force: true });
    const spawner = await starterOf(sandbox());
    // Forged answers (PID and DONE frames, every one of ids 1 to 300, "forged" as their output) and
    // a length that claims 4 GiB, on both of a command's streams.
    const forged: Buffer[] = [];
    for (let id = 1; id <= 300; id++) {
      const done = Buffer.alloc(4 + 22 + 7);
      done.writeUInt32BE(22 + 7, 0);
      done.writeUInt8(2, 4);
      done.writeUInt32BE(id, 5);
      done.writeUInt32BE(6, 14);
      done.writeUInt32BE(1, 22);
      done.write("forged\0", 26);
      const pid = Buffer.alloc(13);
      pid.writeUInt32BE(9, 0);
      pid.writeUInt8(1, 4);
      pid.writeUInt32BE(id, 5);
      pid.writeUInt32BE(1, 9);
      forged.push(pid, done);
    }
    forged.push(Buffer.from([0xff, 0xff, 0xff, 0xff, 2]));
    const bytes = Buffer.concat(forged);
    const escaped = [...bytes].map((b) => `\\${b.toString(8).padStart(3, "0")}`).join("");
    const forger = sandbox().exec(["sh", "-c", 'while [ ! -e go ]; do sleep 0.1; done; printf "$1"; printf "$1" >&2', "sh", escaped], T);

    const n = 100;
    const commands = Array.from({ length: n }, (_, i) =>
      sandbox().exec(
        [
          "sh",
          "-c",
          // Each waits for the same file, then prints its own marker and i KB of its own letter.
          'touch "ready.$1"; while [ ! -e go ]; do sleep 0.1; done; printf "<out %s>" "$1"; head -c "$2" /dev/zero | tr "\\0" "$3"; printf "<err %s>" "$1" >&2',
          "sh",
          String(i),
          String(i * 1024),
          String.fromCharCode(97 + (i % 26)),
        ],
        T,
      ),
    );
    await until(async () => (await readdir(workdir)).filter((f) => f.startsWith("ready.")).length === n, "every command to be waiting");
    await writeFile(join(workdir, "go"), "");
    const results = await Promise.all(commands);
    results.forEach((r, i) => {
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toBe(`<out ${i}>${String.fromCharCode(97 + (i % 26)).repeat(i * 1024)}`);
      expect(r.stderr).toBe(`<err ${i}>`);
    });
    const f = await forger;
    expect(f.exitCode).toBe(0);
    expect(f.stdout).toBe(bytes.toString("utf8"));
    expect(f.stderr).toBe(bytes.toString("utf8"));
    // The same spawner answered all of it and runs the next command.
    expect(await starterOf(sandbox())).toBe(spawner);
  }, 60_000);
});

describe("arguments and environments the spawner cannot carry", () => {
  const sandbox = sharedSandbox();

  it.each([
    ["a NUL byte in an argument", ["echo", "a\0b"], {}, /an argument or the working directory of echo holds a NUL byte/],
    ["a NUL byte in the program", ["ec\0ho"], {}, /of ec\\0ho holds a NUL byte/],
    ["a NUL byte in an environment value", ["echo"], { X: "a\0b" }, /environment variable "X": .* a value no NUL byte/],
    ["a NUL byte in an environment name", ["echo"], { "X\0Y": "v" }, /environment variable "X\\\\0Y": a name holds no '=' or NUL byte/],
    ["an '=' in an environment name", ["echo"], { "X=Y": "v" }, /environment variable "X=Y": a name holds no '='/],
  ])("refuses %s with a clear SandboxError and runs nothing", async (_what, argv, env, message) => {
    const failure = await sandboxFailure(sandbox().exec(argv, { ...T, env }));
    expect(failure.errorType).toBe("other");
    expect(failure.message).toMatch(message);
    // Nothing was half-sent: the next command's frame is read whole.
    expect((await sandbox().exec(["printf", "%s|", "x", "y"], T)).stdout).toBe("x|y|");
  });

  it("refuses a NUL byte in the working directory", async () => {
    const failure = await sandboxFailure(sandbox().exec(["pwd"], { ...T, cwd: `${sandbox().workdir}/a\0b` }));
    expect(failure.message).toMatch(/working directory of pwd holds a NUL byte/);
  });

  it("passes a lone surrogate (text with no UTF-8 form) as U+FFFD, as node's own spawn does, without shifting the arguments after it", async () => {
    const r = await sandbox().exec(["sh", "-c", 'printf "%s|" "$1" "$2" "$X"', "sh", "a\uD800b", "after"], { ...T, env: { X: "\uDC00" } });
    expect(r.stdout).toBe("a\uFFFDb|after|\uFFFD|");
  });

  it("carries a megabyte of arguments to the command whole, and reports the kernel's refusal of more than it takes (E2BIG) as a SandboxError, the spawner running on", async () => {
    const spawner = await starterOf(sandbox());
    const args = Array.from({ length: 10 }, (_, i) => `${i}:${String.fromCharCode(97 + i).repeat(100_000)}`);
    const r = await sandbox().exec(["sh", "-c", 'printf "%s\\n" "$@"', "sh", ...args], T);
    expect(r.stdout).toBe(args.map((a) => `${a}\n`).join(""));
    const tooMany = Array.from({ length: 100 }, () => "x".repeat(100_000));
    const failure = await sandboxFailure(sandbox().exec(["sh", "-c", "true", "sh", ...tooMany], T));
    expect(failure.message).toBe("cannot run sh: spawn E2BIG");
    expect(await starterOf(sandbox())).toBe(spawner);
  });

  it("refuses a timeout that is not a number, and the commands the spawner holds run on", async () => {
    const { workdir } = sandbox();
    await rm(join(workdir, "slow.pid"), { force: true });
    const slow = sandbox().exec(["sh", "-c", "echo $$ > slow.pid; sleep 1; echo slow done"], T);
    await pidIn(workdir, "slow.pid");
    const failure = await sandboxFailure(sandbox().exec(["echo"], { timeoutMs: Number.NaN }));
    expect(failure.message).toBe("timeoutMs of echo is not a number");
    expect((await slow).stdout).toBe("slow done\n");
  });
});
