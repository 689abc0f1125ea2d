// The runtime started exactly as a process manager starts it — `npm start` (npm → sh → node) —
// and stopped as one stops it: SIGTERM to npm's own pid. It must stop serving, kill every sandbox
// (one in the middle of a git operation included) and leave no process and no directory, within
// the 10 s a process manager typically grants before SIGKILL.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, readlink, rm } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "./support/build.ts";
import { createRemotes, type Remotes, startHangingServer } from "./support/git-remote.ts";

let remotes: Remotes;
let tmp: string;

beforeAll(async () => {
  remotes = await createRemotes();
  tmp = await mkdtemp(join(tmpdir(), "obsgen-shutdown-"));
});

afterAll(async () => {
  await remotes?.cleanup();
  await rm(tmp, { recursive: true, force: true });
});

/** Processes whose working directory is inside `dir`. */
async function processesIn(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of await readdir("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    const cwd = await readlink(`/proc/${pid}/cwd`).catch(() => "");
    if (cwd.startsWith(dir)) found.push(pid);
  }
  return found;
}

/** Every live descendant of `root`, from the parent pids in /proc. */
async function descendants(root: number): Promise<number[]> {
  const parent = new Map<number, number>();
  for (const pid of await readdir("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
    // pid (comm) state ppid …; comm may hold spaces and parentheses, so read after the last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    if (Number.isInteger(ppid)) parent.set(Number(pid), ppid);
  }
  const out: number[] = [];
  for (const pid of parent.keys()) {
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p)) {
      if (p === root) {
        out.push(pid);
        break;
      }
    }
  }
  return out;
}

/**
 * Those of `pids` still running. A killed process whose parent exited first stays a zombie until
 * PID 1 reaps it (not every container init does so at once); it runs nothing and counts as gone.
 */
async function running(pids: readonly number[]): Promise<string[]> {
  const stats = await Promise.all(pids.map((pid) => readFile(`/proc/${pid}/stat`, "utf8").catch(() => "")));
  return stats.filter((stat) => stat !== "" && stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z");
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function listening(child: ChildProcess): Promise<{ url: string; pid: number }> {
  return new Promise((resolve, reject) => {
    let err = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      err += chunk.toString();
      for (const line of err.split("\n")) {
        if (!line.includes("git runtime listening on")) continue;
        const entry = JSON.parse(line) as { msg: string; pid: number };
        const url = /http:\/\/127\.0\.0\.1:\d+/.exec(entry.msg)?.[0];
        if (url) resolve({ url, pid: entry.pid });
      }
    });
    child.once("exit", () => reject(new Error(`npm start exited early: ${err}`)));
  });
}

describe("graceful shutdown of `npm start`", () => {
  it("stops serving, kills every sandbox (mid-operation included) and leaves no process or directory within 10 s of SIGTERM to npm", async () => {
    const repo = await remotes.bare("shutdown");
    const hanging = await startHangingServer();
    const npm = spawn("npm", ["start"], {
      cwd: ROOT,
      env: {
        PATH: process.env["PATH"],
        HOME: tmp,
        TMPDIR: tmp,
        HOST: "127.0.0.1",
        PORT: "0",
        RUNTIME_ALLOW_LOCAL_REMOTES: "1",
        npm_config_update_notifier: "false",
      },
      stdio: ["ignore", "ignore", "pipe"],
    });
    const npmPid = npm.pid ?? 0;
    let nodePid = 0;
    try {
      const started = await listening(npm);
      const url = started.url;
      nodePid = started.pid;
      expect(nodePid).not.toBe(npmPid);
      const post = (op: string, body: unknown) =>
        fetch(`${url}/v1/git/${op}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      expect((await post("clone", { repo_url: repo, agent_id: "a", task_id: "t" })).status).toBe(200);
      const inFlight = post("clone", { repo_url: hanging.url("x"), agent_id: "b", task_id: "t" }).catch(() => undefined);
      await until(async () => ((await (await fetch(`${url}/healthz`)).json()) as { active_sandboxes: number }).active_sandboxes === 2, "two sandboxes");
      // git is running (or about to) in the second sandbox.
      await until(async () => (await processesIn(tmp)).length > 0, "git in a sandbox");
      const tree = await descendants(npmPid);
      expect(tree).toContain(nodePid);
      const port = Number(new URL(url).port);

      const exited = new Promise<number | null>((resolve) => npm.once("exit", (code) => resolve(code)));
      const sent = performance.now();
      npm.kill("SIGTERM");
      const code = await Promise.race([exited, new Promise<"too late">((r) => setTimeout(() => r("too late"), 10_000))]);
      expect(code).toBe(0);
      expect(performance.now() - sent).toBeLessThan(10_000);
      await inFlight;
      expect(await portOpen(port)).toBe(false);
      expect(await running([npmPid, ...tree])).toEqual([]);
      expect(await processesIn(tmp)).toEqual([]);
      expect((await readdir(tmp)).filter((d) => d.startsWith("obsgen-sandbox-"))).toEqual([]);
    } finally {
      npm.kill("SIGKILL");
      // Should npm have left the runtime behind (the defect this test exists for), end it too.
      if (nodePid !== 0 && (await running([nodePid])).length > 0) process.kill(nodePid, "SIGKILL");
      await hanging.stop();
    }
  }, 60_000);
});
