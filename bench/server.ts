// The runtime as a process: its idle memory (the whole process tree its start command starts:
// npm, sh, the tsx loader's esbuild service, node) and its /metrics throughput, against a bare
// node:http server exposing the same metrics through prom-client (bench/bare-metrics-server.mjs).
// A third server, bare node:http with the generated module (bench/generated-metrics-server.ts),
// renders exactly as the runtime does: beside the runtime it shows what the runtime itself adds.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Agent, get, request } from "node:http";
import { labelProduct } from "../src/generators/metrics-module/generate.js";
import type { ServiceModel } from "../src/model/types.js";
import { stat, type Stat } from "./measure.js";

/**
 * How the benchmark starts the runtime: the compiled JavaScript `npm start` runs (its prestart
 * builds it), built afresh by serverBench so that it is the code of this checkout.
 */
export const RUNTIME_COMMAND: readonly string[] = ["node", "dist/runtime/main.js"];
/** What `npm start` runs today, through npm and sh (package.json "start"). */
export const NPM_START: readonly string[] = ["npm", "start", "--silent"];
const BARE: readonly string[] = ["node", "bench/bare-metrics-server.mjs"];
const GENERATED: readonly string[] = ["node", "--import", "tsx", "bench/generated-metrics-server.ts"];

interface Started {
  child: ChildProcess;
  port: number;
  stop: () => Promise<void>;
}

/** Starts `argv` in its own process group; `portOf` finds the listening port in its output lines. */
function start(argv: readonly string[], portOf: (line: string) => number | undefined, env: NodeJS.ProcessEnv = {}): Promise<Started> {
  const [cmd, ...args] = argv;
  if (cmd === undefined) throw new Error("empty command");
  const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"], detached: true });
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      // The whole group this benchmark started (npm → sh → node → esbuild), by its id.
      process.kill(-child.pid, "SIGTERM");
      const killer = setTimeout(() => child.pid !== undefined && process.kill(-child.pid, "SIGKILL"), 10_000);
      await exited;
      clearTimeout(killer);
    }
  };
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`${argv.join(" ")} did not start listening: ${output}`));
    }, 120_000);
    const onData = (d: Buffer) => {
      output += d.toString();
      for (const line of output.split("\n")) {
        const port = portOf(line);
        if (port !== undefined) {
          clearTimeout(timer);
          child.stdout?.removeAllListeners("data");
          child.stderr?.removeAllListeners("data");
          child.stdout?.resume();
          child.stderr?.resume();
          resolve({ child, port, stop });
          return;
        }
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${argv.join(" ")} exited (${code}) before listening: ${output}`));
    });
  });
}

function runtimePort(line: string): number | undefined {
  const m = /"msg":"git runtime listening on http:\/\/127\.0\.0\.1:(\d+)"/.exec(line);
  return m ? Number(m[1]) : undefined;
}

function barePort(line: string): number | undefined {
  const m = /^\{"port":(\d+)\}$/.exec(line.trim());
  return m ? Number(m[1]) : undefined;
}

/** The process and every descendant (from /proc). */
function processTree(root: number): number[] {
  const parent = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const s = readFileSync(`/proc/${entry}/stat`, "utf8");
      // The command name may hold spaces and parentheses: fields resume after the last ")".
      const fields = s.slice(s.lastIndexOf(")") + 2).split(" ");
      parent.set(Number(entry), Number(fields[1]));
    } catch {
      // The process ended while the table was read.
    }
  }
  const out = [root];
  for (let i = 0; i < out.length; i++) for (const [pid, ppid] of parent) if (ppid === out[i]) out.push(pid);
  return out;
}

function kib(file: string, field: string): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync(file, "utf8"));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** Resident memory of a process tree: RSS summed (shared pages counted in every process) and PSS (shared pages divided). */
function treeMemory(root: number): { rssMiB: number; pssMiB: number; processes: number } {
  const pids = processTree(root);
  const rss = pids.reduce((a, p) => a + kib(`/proc/${p}/status`, "VmRSS"), 0);
  const pss = pids.reduce((a, p) => a + kib(`/proc/${p}/smaps_rollup`, "Pss"), 0);
  return { rssMiB: rss / 1024, pssMiB: pss / 1024, processes: pids.length };
}

/** One GET /metrics; `agent` keeps connections alive (one agent per server: ports get reused). */
function scrape(port: number, agent: Agent | false = false): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = get({ host: "127.0.0.1", port, path: "/metrics", agent }, (res) => {
      let bytes = 0;
      res.on("data", (d: Buffer) => (bytes += d.length));
      res.on("end", () => (res.statusCode === 200 ? resolve(bytes) : reject(new Error(`/metrics answered ${res.statusCode}`))));
    });
    req.on("error", (error: NodeJS.ErrnoException) => {
      // A kept-alive connection the server closed (its 5 s keep-alive timeout) just as this request
      // reused it: node's documented race; the request never reached the server, so send it again.
      if (req.reusedSocket && error.code === "ECONNRESET") scrape(port, agent).then(resolve, reject);
      else reject(error);
    });
  });
}

/**
 * One git API request the runtime refuses as invalid (a status without its fields): it passes the
 * HTTP middleware and the operation's validation, so the runtime measured afterwards is one that
 * has served its API, not only scrapes (anything the API sets up for good, the scrapes then pay).
 */
function apiRequest(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({});
    const req = request(
      { host: "127.0.0.1", port, path: "/v1/git/status", method: "POST", headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } },
      (res) => {
        res.resume();
        res.on("end", () => (res.statusCode === 400 ? resolve(res.statusCode) : reject(new Error(`POST /v1/git/status answered ${res.statusCode}, not 400`))));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** A bare repository of one commit on 127.0.0.1's file system, for the runtime to clone; removed by the caller. */
function fixtureRepository(): { dir: string; bare: string } {
  const dir = mkdtempSync(join(tmpdir(), "obsgen-bench-server-"));
  const work = join(dir, "work");
  const git = (cwd: string, ...args: string[]) => execFileSync("git", args, { cwd, stdio: "ignore" });
  execFileSync("git", ["init", "-q", "-b", "main", work], { stdio: "ignore" });
  writeFileSync(join(work, "README.md"), "fixture\n");
  git(work, "add", "-A");
  git(work, "-c", "user.name=bench", "-c", "user.email=bench@example.invalid", "commit", "-q", "-m", "fixture");
  const bare = join(dir, "origin.git");
  git(dir, "clone", "-q", "--bare", work, bare);
  return { dir, bare };
}

/** A git API request the runtime must answer 200 (it runs git in a sandbox). */
function gitRequest(port: number, operation: "clone" | "status", repoUrl: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ repo_url: repoUrl, branch: "main", agent_id: "bench", task_id: "memory" });
    const req = request(
      { host: "127.0.0.1", port, path: `/v1/git/${operation}`, method: "POST", headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } },
      (res) => {
        let text = "";
        res.on("data", (d: Buffer) => (text += d.toString()));
        res.on("end", () => (res.statusCode === 200 ? resolve() : reject(new Error(`POST /v1/git/${operation} answered ${res.statusCode}: ${text}`))));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** CPU seconds (user + system) a process has used so far, from /proc (clock ticks of 10 ms). */
function cpuSeconds(pid: number): number {
  const s = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = s.slice(s.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * Requests per second of `connections` keep-alive clients scraping /metrics for `seconds`, and the
 * server's CPU time per request in microseconds: the throughput a core would give it, which the
 * load of other processes on this shared machine does not change the way it changes wall-clock rates.
 */
async function throughput(port: number, agent: Agent, connections: number, seconds: number, serverPid?: number): Promise<{ rps: number; cpuUs: number }> {
  const cpu0 = serverPid === undefined ? 0 : cpuSeconds(serverPid);
  const end = process.hrtime.bigint() + BigInt(Math.round(seconds * 1e9));
  let done = 0;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (process.hrtime.bigint() < end) {
        await scrape(port, agent);
        done++;
      }
    }),
  );
  const cpu = serverPid === undefined ? NaN : cpuSeconds(serverPid) - cpu0;
  return { rps: done / seconds, cpuUs: (cpu * 1e6) / Math.max(done, 1) };
}

export interface MemoryRow {
  what: string;
  rssMiB: Stat;
  pssMiB: Stat;
  processes: number;
}

export interface ServerResult {
  runtimeCommand: string;
  memory: MemoryRow[];
  runtimeRps: Stat;
  bareRps: Stat;
  generatedRps: Stat;
  /** Server CPU microseconds per /metrics request. */
  runtimeCpuUs: Stat;
  bareCpuUs: Stat;
  generatedCpuUs: Stat;
  runtimeBytes: number;
  bareBytes: number;
  generatedBytes: number;
  connections: number;
}

export async function serverBench(service: ServiceModel, opts: { memoryRounds: number; rounds: number; seconds: number; connections: number }): Promise<ServerResult> {
  const definitions = JSON.stringify(
    service.metrics.map((m) => ({ name: m.name, help: m.help, type: m.type, labelNames: m.labels.map((l) => l.name), labelSets: labelProduct(m.labels), buckets: m.buckets })),
  );
  const runtimeEnv = { HOST: "127.0.0.1", PORT: "0" };
  execFileSync(process.execPath, ["scripts/build.mjs", "runtime"], { stdio: "ignore" });
  const fixture = fixtureRepository();
  // The runtime's local provider starts git from a spawner process on its first git command (it
  // ends after 60 s without one): a runtime in use holds it, an idle one does not.
  const inUse = async (port: number) => {
    await gitRequest(port, "clone", fixture.bare);
    await gitRequest(port, "status", fixture.bare);
  };
  const kinds: { what: string; start: () => Promise<Started>; use?: (port: number) => Promise<void> }[] = [
    { what: `runtime: \`${RUNTIME_COMMAND.join(" ")}\``, start: () => start(RUNTIME_COMMAND, runtimePort, runtimeEnv) },
    { what: `runtime: \`${NPM_START.slice(0, 2).join(" ")}\` (package.json start script)`, start: () => start(NPM_START, runtimePort, runtimeEnv) },
    {
      what: `runtime: \`${RUNTIME_COMMAND.join(" ")}\` after a git clone and status (its git spawner running)`,
      start: () => start(RUNTIME_COMMAND, runtimePort, { ...runtimeEnv, RUNTIME_ALLOW_LOCAL_REMOTES: "1" }),
      use: inUse,
    },
    { what: "bare node:http + prom-client server, same metrics", start: () => start([...BARE, definitions], barePort) },
  ];
  const samples = new Map(kinds.map((k) => [k.what, { rss: [] as number[], pss: [] as number[], processes: 0 }]));
  try {
    for (let r = 0; r < opts.memoryRounds; r++) {
      for (let k = 0; k < kinds.length; k++) {
        const kind = kinds[(r + k) % kinds.length];
        if (!kind) continue;
        const s = await kind.start();
        try {
          await kind.use?.(s.port);
          await scrape(s.port);
          // Idle: what stays resident once start-up garbage has had a chance to be collected.
          await new Promise((resolve) => setTimeout(resolve, 2000));
          const pid = s.child.pid;
          if (pid === undefined) throw new Error("no pid");
          const m = treeMemory(pid);
          const row = samples.get(kind.what);
          row?.rss.push(m.rssMiB);
          row?.pss.push(m.pssMiB);
          if (row) row.processes = m.processes;
        } finally {
          await s.stop();
        }
      }
    }
  } finally {
    rmSync(fixture.dir, { recursive: true, force: true });
  }
  const memory = kinds.map((k) => {
    const row = samples.get(k.what);
    return { what: k.what, rssMiB: stat(row?.rss ?? []), pssMiB: stat(row?.pss ?? []), processes: row?.processes ?? 0 };
  });

  const servers: { started: Started; agent: Agent; runs: { rps: number; cpuUs: number }[] }[] = [];
  try {
    for (const argv of [RUNTIME_COMMAND, [...BARE, definitions], GENERATED]) {
      const started = await start(argv, argv === RUNTIME_COMMAND ? runtimePort : barePort, argv === RUNTIME_COMMAND ? runtimeEnv : {});
      servers.push({ started, agent: new Agent({ keepAlive: true, maxSockets: opts.connections }), runs: [] });
    }
    const [runtime, bare, generated] = servers;
    if (!runtime || !bare || !generated) throw new Error("a server did not start");
    await apiRequest(runtime.started.port);
    const bytes = await Promise.all(servers.map((s) => scrape(s.started.port)));
    for (const s of servers) await throughput(s.started.port, s.agent, opts.connections, 0.5);
    // Each round starts with the next server, so none is always first after the client's pause.
    for (let r = 0; r < opts.rounds; r++) {
      for (let k = 0; k < servers.length; k++) {
        const s = servers[(r + k) % servers.length];
        if (s) s.runs.push(await throughput(s.started.port, s.agent, opts.connections, opts.seconds, s.started.child.pid));
      }
    }
    return {
      runtimeCommand: RUNTIME_COMMAND.join(" "),
      memory,
      runtimeRps: stat(runtime.runs.map((x) => x.rps)),
      bareRps: stat(bare.runs.map((x) => x.rps)),
      generatedRps: stat(generated.runs.map((x) => x.rps)),
      runtimeCpuUs: stat(runtime.runs.map((x) => x.cpuUs)),
      bareCpuUs: stat(bare.runs.map((x) => x.cpuUs)),
      generatedCpuUs: stat(generated.runs.map((x) => x.cpuUs)),
      runtimeBytes: bytes[0] ?? 0,
      bareBytes: bytes[1] ?? 0,
      generatedBytes: bytes[2] ?? 0,
      connections: opts.connections,
    };
  } finally {
    for (const s of servers) {
      s.agent.destroy();
      await s.started.stop();
    }
  }
}
