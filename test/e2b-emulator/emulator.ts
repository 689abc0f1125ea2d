// A local E2B for tests: the control plane (create, connect, list, info, timeout, kill) and each
// sandbox's daemon (envd: /health, /files upload, and process.Process over Connect RPC with JSON on
// HTTP/1.1), both on one 127.0.0.1 port. The UNMODIFIED `e2b` SDK talks to it when given
// `apiUrl` and `sandboxUrl` = `emulator.url` and the emulator's API key; debug mode is not used.
//
// Processes are real child processes (bash, git) in a per-sandbox temporary root whose
// `home/user` is the sandbox user's home. What the SDK sees for a dead or unknown sandbox is what
// E2B's edge answers: 502 on every daemon request (so `isRunning()` is false and `commands.run`
// raises `SandboxNotFoundError`), 404 from the control plane, and in-flight streams cut off.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { tmpdir } from "node:os";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";
import { Code, ConnectError, type ConnectRouter, type HandlerContext } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import {
  type ProcessConfigShape,
  type ProcessEventShape,
  type ProcessSelectorShape,
  ProcessService,
} from "./envd-process-proto.ts";

/** An envd version recent enough that the SDK uses every code path we serve. */
const ENVD_VERSION = "0.5.7";

interface Proc {
  readonly pid: number;
  readonly config: ProcessConfigShape;
  readonly tag: string | undefined;
  readonly child: ChildProcess;
  readonly subscribers: Set<EventQueue>;
  readonly exited: Promise<void>;
}

interface EmulatedSandbox {
  readonly id: string;
  readonly templateID: string;
  readonly root: string;
  readonly home: string;
  readonly accessToken: string;
  readonly metadata: Record<string, string>;
  readonly envVars: Record<string, string>;
  readonly startedAt: Date;
  endAt: Date;
  expiry: NodeJS.Timeout;
  readonly procs: Map<number, Proc>;
  /** Sockets carrying a Connect request for this sandbox: cut when the sandbox dies. */
  readonly sockets: Set<Socket>;
}

/** Events of one process for one stream; closed at the end event or when the sandbox dies. */
class EventQueue {
  private readonly items: ProcessEventShape[] = [];
  private wake: (() => void) | undefined;
  private closed = false;

  push(event: ProcessEventShape): void {
    this.items.push(event);
    this.wake?.();
  }

  close(): void {
    this.closed = true;
    this.wake?.();
  }

  async *drain(signal: AbortSignal): AsyncGenerator<ProcessEventShape> {
    for (;;) {
      const next = this.items.shift();
      if (next !== undefined) {
        yield next;
        continue;
      }
      if (this.closed || signal.aborted) return;
      await new Promise<void>((wake) => {
        this.wake = wake;
        signal.addEventListener("abort", () => wake(), { once: true });
      });
      this.wake = undefined;
    }
  }
}

export interface E2BEmulator {
  /** Base URL for both `apiUrl` and `sandboxUrl`. */
  readonly url: string;
  readonly apiKey: string;
  /** Ids of the sandboxes alive now. */
  aliveIds(): string[];
  /** Kills a sandbox as E2B would at its end of life. */
  killSandbox(id: string): Promise<boolean>;
  /** Kills every sandbox, closes every connection and the port. */
  stop(): Promise<void>;
}

export async function startE2BEmulator(opts: { apiKey?: string } = {}): Promise<E2BEmulator> {
  const apiKey = opts.apiKey ?? `e2b_test_${randomBytes(8).toString("hex")}`;
  const sandboxes = new Map<string, EmulatedSandbox>();

  async function createSandbox(body: Record<string, unknown>): Promise<EmulatedSandbox> {
    const root = await mkdtemp(join(tmpdir(), "e2b-emu-"));
    const home = join(root, "home", "user");
    await mkdir(home, { recursive: true });
    await mkdir(join(root, "tmp"));
    const timeoutSec = typeof body["timeout"] === "number" ? body["timeout"] : 300;
    const sandbox: EmulatedSandbox = {
      id: randomBytes(10).toString("hex"),
      templateID: typeof body["templateID"] === "string" ? body["templateID"] : "base",
      root,
      home,
      accessToken: randomBytes(16).toString("hex"),
      metadata: stringRecord(body["metadata"]),
      envVars: stringRecord(body["envVars"]),
      startedAt: new Date(),
      endAt: new Date(),
      expiry: setTimeout(() => undefined, 0),
      procs: new Map(),
      sockets: new Set(),
    };
    setExpiry(sandbox, timeoutSec);
    sandboxes.set(sandbox.id, sandbox);
    return sandbox;
  }

  function setExpiry(sandbox: EmulatedSandbox, timeoutSec: number): void {
    clearTimeout(sandbox.expiry);
    sandbox.endAt = new Date(Date.now() + timeoutSec * 1000);
    sandbox.expiry = setTimeout(() => void killSandbox(sandbox.id), timeoutSec * 1000);
    sandbox.expiry.unref();
  }

  async function killSandbox(id: string): Promise<boolean> {
    const sandbox = sandboxes.get(id);
    if (sandbox === undefined) return false;
    sandboxes.delete(id);
    clearTimeout(sandbox.expiry);
    for (const proc of sandbox.procs.values()) signalGroup(proc, "SIGKILL");
    for (const socket of sandbox.sockets) socket.destroy();
    await Promise.all([...sandbox.procs.values()].map((p) => p.exited));
    await rm(sandbox.root, { recursive: true, force: true });
    return true;
  }

  /** Resolves a path as envd does (relative to the user's home), confined to the sandbox root. */
  function sandboxPath(sandbox: EmulatedSandbox, path: string): string {
    const full = isAbsolute(path) ? resolve(path) : resolve(sandbox.home, path);
    const rel = relative(sandbox.root, full);
    if (rel.startsWith("..") || isAbsolute(rel)) {
      throw new ConnectError(`path ${path} is outside the sandbox`, Code.InvalidArgument);
    }
    return full;
  }

  async function spawnProc(sandbox: EmulatedSandbox, config: ProcessConfigShape, tag: string | undefined) {
    const cwd = sandboxPath(sandbox, config.cwd ?? sandbox.home);
    const isDir = await stat(cwd).then((s) => s.isDirectory(), () => false);
    if (!isDir) throw new ConnectError(`cwd '${config.cwd ?? ""}' does not exist`, Code.InvalidArgument);
    const child = spawn(config.cmd, config.args, {
      cwd,
      // envd starts non-PTY commands in their own process group (Setpgid) too.
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        PATH: process.env["PATH"] ?? "/usr/bin:/bin",
        HOME: sandbox.home,
        USER: "user",
        LANG: "C.UTF-8",
        TMPDIR: join(sandbox.root, "tmp"),
        ...sandbox.envVars,
        ...config.envs,
      },
    });
    const pid = child.pid;
    if (pid === undefined) {
      // envd answers a command it cannot start with invalid_argument (permission_denied aside).
      const err = await new Promise<Error>((fail) => child.once("error", fail));
      throw new ConnectError(`error starting process '${config.cmd}': ${err.message}`, Code.InvalidArgument);
    }
    const subscribers = new Set<EventQueue>();
    const publish = (event: ProcessEventShape) => {
      for (const q of subscribers) q.push(event);
    };
    child.stdout?.on("data", (chunk: Buffer) => publish(dataEvent("stdout", chunk)));
    child.stderr?.on("data", (chunk: Buffer) => publish(dataEvent("stderr", chunk)));
    const exited = new Promise<void>((done) => {
      const finish = (exitCode: number, status: string, error?: string) => {
        sandbox.procs.delete(pid);
        publish({ case: "end", value: { exitCode, exited: true, status, error } });
        for (const q of subscribers) q.close();
        done();
      };
      child.on("error", (err) => finish(-1, "error", err.message));
      child.on("close", (code, signal) =>
        signal === null ? finish(code ?? -1, `exit status ${code ?? -1}`) : finish(-1, `signal: ${signal}`),
      );
    });
    const proc: Proc = { pid, config, tag, child, subscribers, exited };
    sandbox.procs.set(pid, proc);
    return proc;
  }

  function sandboxOf(ctx: HandlerContext): EmulatedSandbox {
    const sandbox = sandboxes.get(ctx.requestHeader.get("e2b-sandbox-id") ?? "");
    if (sandbox === undefined) throw new ConnectError("sandbox not found", Code.Unavailable);
    return sandbox;
  }

  function select(sandbox: EmulatedSandbox, selector: ProcessSelectorShape): Proc {
    const s = selector.selector;
    const proc =
      s.case === "pid"
        ? sandbox.procs.get(s.value)
        : [...sandbox.procs.values()].find((p) => s.case === "tag" && p.tag === s.value);
    if (proc === undefined) throw new ConnectError("process not found", Code.NotFound);
    return proc;
  }

  async function* follow(proc: Proc, signal: AbortSignal) {
    const queue = new EventQueue();
    proc.subscribers.add(queue);
    try {
      yield { event: { event: { case: "start", value: { pid: proc.pid } } } };
      for await (const event of queue.drain(signal)) yield { event: { event } };
    } finally {
      proc.subscribers.delete(queue);
    }
  }

  // The registry's descriptor is untyped, so the handlers state their message shapes themselves.
  const handlers = {
    async *start(req: { process?: ProcessConfigShape; tag?: string }, ctx: HandlerContext) {
      if (req.process === undefined) throw new ConnectError("process is required", Code.InvalidArgument);
      const proc = await spawnProc(sandboxOf(ctx), req.process, req.tag);
      yield* follow(proc, ctx.signal);
    },
    async *connect(req: { process?: ProcessSelectorShape }, ctx: HandlerContext) {
      if (req.process === undefined) throw new ConnectError("process is required", Code.InvalidArgument);
      yield* follow(select(sandboxOf(ctx), req.process), ctx.signal);
    },
    list(_req: unknown, ctx: HandlerContext) {
      const procs = [...sandboxOf(ctx).procs.values()];
      return { processes: procs.map((p) => ({ pid: p.pid, config: p.config, tag: p.tag })) };
    },
    sendSignal(req: { process?: ProcessSelectorShape; signal: number }, ctx: HandlerContext) {
      if (req.process === undefined) throw new ConnectError("process is required", Code.InvalidArgument);
      // Like envd: the process itself, not its descendants.
      signalProcess(select(sandboxOf(ctx), req.process), req.signal === 15 ? "SIGTERM" : "SIGKILL");
      return {};
    },
  };
  const rpc = connectNodeAdapter({
    grpc: false,
    grpcWeb: false,
    routes: (router: ConnectRouter) =>
      router.service(ProcessService, handlers as unknown as Parameters<ConnectRouter["service"]>[1]),
  });

  function sandboxJson(s: EmulatedSandbox) {
    return {
      sandboxID: s.id,
      templateID: s.templateID,
      clientID: "emulator",
      envdVersion: ENVD_VERSION,
      envdAccessToken: s.accessToken,
      domain: null,
      metadata: s.metadata,
      startedAt: s.startedAt.toISOString(),
      endAt: s.endAt.toISOString(),
      state: "running",
      cpuCount: 2,
      memoryMB: 512,
      diskSizeMB: 1024,
    };
  }

  async function controlPlane(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (req.headers["x-api-key"] !== apiKey) return json(res, 401, { code: 401, message: "Invalid API key" });
    const method = req.method ?? "GET";
    if (method === "POST" && (path === "/sandboxes" || path === "/v2/sandboxes")) {
      return json(res, 201, sandboxJson(await createSandbox(await readJson(req))));
    }
    if (method === "GET" && path === "/v2/sandboxes") return json(res, 200, [...sandboxes.values()].map(sandboxJson));
    const m = /^(?:\/v2)?\/sandboxes\/([^/]+)(\/connect|\/timeout)?$/.exec(path);
    const sandbox = m === null ? undefined : sandboxes.get(m[1] ?? "");
    if (m === null) return json(res, 404, { code: 404, message: `no route ${method} ${path}` });
    if (sandbox === undefined) return json(res, 404, { code: 404, message: `sandbox ${m[1] ?? ""} not found` });
    const action = m[2];
    if (method === "DELETE" && action === undefined) {
      await killSandbox(sandbox.id);
      return empty(res, 204);
    }
    if (method === "GET" && action === undefined) return json(res, 200, sandboxJson(sandbox));
    if (method === "POST" && (action === "/timeout" || action === "/connect")) {
      const timeout = (await readJson(req))["timeout"];
      if (typeof timeout === "number") setExpiry(sandbox, timeout);
      return action === "/timeout" ? empty(res, 204) : json(res, 200, sandboxJson(sandbox));
    }
    return json(res, 405, { code: 405, message: `${method} not allowed on ${path}` });
  }

  async function uploadFiles(sandbox: EmulatedSandbox, req: IncomingMessage, res: ServerResponse, url: URL) {
    const body = await readBody(req);
    const contentType = req.headers["content-type"] ?? "";
    const files: { path: string; data: Uint8Array }[] = [];
    const queryPath = url.searchParams.get("path");
    if (contentType.startsWith("multipart/form-data")) {
      const form = await new Response(body, { headers: { "content-type": contentType } }).formData();
      for (const entry of form.getAll("file")) {
        if (typeof entry === "string") continue;
        files.push({ path: queryPath ?? entry.name, data: new Uint8Array(await entry.arrayBuffer()) });
      }
    } else if (queryPath !== null) {
      files.push({ path: queryPath, data: body });
    }
    if (files.length === 0) return json(res, 400, { code: 400, message: "no file in the request" });
    const written = [];
    for (const file of files) {
      let target: string;
      try {
        target = sandboxPath(sandbox, file.path);
      } catch (err) {
        return json(res, 400, { code: 400, message: err instanceof Error ? err.message : String(err) });
      }
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, file.data);
      written.push({ name: basename(target), type: "file", path: target });
    }
    return json(res, 200, written);
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://emulator");
    const path = url.pathname;
    if (path.startsWith("/sandboxes") || path.startsWith("/v2/sandboxes")) return controlPlane(req, res, path);
    const id = String(req.headers["e2b-sandbox-id"] ?? "");
    const sandbox = sandboxes.get(id);
    if (sandbox === undefined) {
      return json(res, 502, { sandboxId: id, code: 502, message: `The sandbox ${id} was not found` });
    }
    if (req.headers["x-access-token"] !== sandbox.accessToken) {
      return json(res, 401, { code: 401, message: "invalid access token" });
    }
    if (path === "/health" && req.method === "GET") return empty(res, 204);
    if (path === "/files" && req.method === "POST") return uploadFiles(sandbox, req, res, url);
    if (path.startsWith("/process.Process/")) {
      const socket = req.socket;
      sandbox.sockets.add(socket);
      res.on("close", () => sandbox.sockets.delete(socket));
      return rpc(req, res);
    }
    return json(res, 404, { code: 404, message: `no route ${req.method ?? ""} ${path}` });
  }

  const server: Server = createServer((req, res) => {
    route(req, res).catch((err: unknown) => {
      if (!res.headersSent) json(res, 500, { code: 500, message: String(err) });
      else res.destroy();
    });
  });
  await new Promise<void>((ready) => server.listen(0, "127.0.0.1", ready));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    aliveIds: () => [...sandboxes.keys()],
    killSandbox,
    async stop() {
      await Promise.all([...sandboxes.keys()].map(killSandbox));
      server.closeAllConnections();
      await new Promise<void>((closed) => server.close(() => closed()));
    },
  };
}

function signalProcess(proc: Proc, signal: NodeJS.Signals): void {
  try {
    proc.child.kill(signal);
  } catch {
    // already gone
  }
}

/** The sandbox's end: every process the command started dies with it. */
function signalGroup(proc: Proc, signal: NodeJS.Signals): void {
  const pid = proc.child.pid;
  if (pid === undefined) return; // never spawned
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

function dataEvent(stream: "stdout" | "stderr", chunk: Buffer): ProcessEventShape {
  return { case: "data", value: { output: { case: stream, value: new Uint8Array(chunk) } } };
}

function stringRecord(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof value !== "object" || value === null) return out;
  for (const [k, v] of Object.entries(value)) if (typeof v === "string") out[k] = v;
  return out;
}

async function readBody(req: IncomingMessage): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const text = Buffer.from(await readBody(req)).toString("utf8");
  if (text.trim() === "") return {};
  const parsed: unknown = JSON.parse(text);
  return typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : {};
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

function empty(res: ServerResponse, status: number): void {
  res.writeHead(status);
  res.end();
}
