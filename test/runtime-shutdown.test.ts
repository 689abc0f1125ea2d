// `npm start` as a real process: it serves on 127.0.0.1, and on SIGTERM kills every sandbox —
// even one in the middle of a git operation — and exits leaving no process and no directory.
import { spawn } from "node:child_process";
import { mkdtemp, readdir, readlink, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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

describe("graceful shutdown of the runtime process", () => {
  it("kills every sandbox on SIGTERM, mid-operation included, and leaks nothing", async () => {
    const repo = await remotes.bare("shutdown");
    const hanging = await startHangingServer();
    const child = spawn(process.execPath, ["--import", "tsx", "src/runtime/main.ts"], {
      cwd: process.cwd(),
      env: { PATH: process.env["PATH"], HOME: tmp, TMPDIR: tmp, HOST: "127.0.0.1", PORT: "0", RUNTIME_ALLOW_LOCAL_REMOTES: "1" },
      stdio: ["ignore", "ignore", "pipe"],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let err = "";
        child.stderr.on("data", (chunk: Buffer) => {
          err += chunk.toString();
          const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(err);
          if (m?.[1]) resolve(m[1]);
        });
        child.once("exit", () => reject(new Error(`runtime exited early: ${err}`)));
      });
      const post = (op: string, body: unknown) =>
        fetch(`${url}/v1/git/${op}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      expect((await post("clone", { repo_url: repo, agent_id: "a", task_id: "t" })).status).toBe(200);
      const inFlight = post("clone", { repo_url: hanging.url("x"), agent_id: "b", task_id: "t" }).catch(() => undefined);
      let active = 0;
      for (let i = 0; i < 100 && active < 2; i++) {
        active = ((await (await fetch(`${url}/healthz`)).json()) as { active_sandboxes: number }).active_sandboxes;
        if (active < 2) await new Promise((r) => setTimeout(r, 50));
      }
      expect(active).toBe(2);
      expect(await (await fetch(`${url}/metrics`)).text()).toContain("active_sandboxes_total 2");
      // git is running (or about to) in the second sandbox.
      let running: string[] = [];
      for (let i = 0; i < 100 && running.length === 0; i++) {
        running = await processesIn(tmp);
        if (running.length === 0) await new Promise((r) => setTimeout(r, 50));
      }
      expect(running.length).toBeGreaterThan(0);

      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
      await inFlight;
      expect((await readdir(tmp)).filter((d) => d.startsWith("obsgen-sandbox-"))).toEqual([]);
      expect(await processesIn(tmp)).toEqual([]);
    } finally {
      child.kill("SIGKILL");
      await hanging.stop();
    }
  }, 60_000);
});
