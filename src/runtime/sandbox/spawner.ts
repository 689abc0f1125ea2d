// The runtime's side of the local sandbox's spawner (spawner-process.cjs, whose header documents
// the protocol): starts it on the first command, sends it commands over its stdin, matches its
// answers to them, and starts it again for the next command should it die. The runtime's own
// process then never forks: fork() in a 130 MiB process cost milliseconds per command, and the page
// faults that follow each fork in the process that forked more; the spawner is a few tens of MiB.
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { Socket } from "node:net";
import { SandboxError } from "./provider.ts";

// Inlined into the bundle by the build (scripts/build.mjs), so dist/runtime ships it in main.js.
const SPAWNER_SOURCE = readFileSync(new URL("./spawner-process.cjs", import.meta.url), "utf8");
// A young generation of 1 MiB and a small old one keep the spawner's resident memory, and so the
// cost of each fork it makes, small; a command's output lives in Buffers, outside the V8 heap.
const SPAWNER_FLAGS = ["--max-semi-space-size=1", "--max-old-space-size=64", "--disallow-code-generation-from-strings"];
/**
 * After a command's own timeout (or a kill of it), how long the spawner has to report it ended
 * before the spawner is deemed stuck and killed; also how long stop() waits for it to exit.
 */
export const DEFAULT_STUCK_GRACE_MS = 10_000;
/**
 * A spawner that has run nothing for this long ends, so an idle runtime holds no second process
 * (some 50 MiB resident, 18 MiB of it not shared); the next command starts a new one (a node
 * start-up, tens of milliseconds).
 */
export const DEFAULT_SPAWNER_IDLE_MS = 60_000;

const RUN = 1;
const KILL = 2;
const PID = 1;
const DONE = 2;

export interface SpawnRequest {
  /** Program and arguments; no shell. */
  argv: readonly string[];
  cwd: string;
  /** The whole environment, from encodeEnv. */
  env: EncodedEnv;
  timeoutMs: number;
  /** Output beyond this many bytes per stream is dropped. */
  maxOutputBytes: number;
}

export interface SpawnOutcome {
  code: number | null;
  signal: string | null;
  /** The command ran past its timeout and its process group was killed. */
  timedOut: boolean;
  stdout: string;
  stderr: string;
  /** Why the program could not be started (e.g. `spawn git ENOENT`); empty when it ran. */
  spawnError: string;
}

interface InFlight {
  /** The spawner process that runs it. */
  via: ChildProcess;
  program: string;
  pid: number | undefined;
  timer: NodeJS.Timeout;
  resolve: (outcome: SpawnOutcome) => void;
  reject: (error: SandboxError) => void;
}

/** An environment as the spawner takes it: KEY=VALUE entries, each ending in NUL. */
export interface EncodedEnv {
  bytes: Buffer;
  count: number;
}

export function encodeEnv(env: Readonly<Record<string, string>>): EncodedEnv {
  let text = "";
  let count = 0;
  for (const key in env) {
    const value = env[key] ?? "";
    if (key.includes("\0") || key.includes("=") || value.includes("\0")) {
      throw new SandboxError("other", `environment variable ${JSON.stringify(key.replace(/\0/g, "\\0"))}: a name holds no '=' or NUL byte, a value no NUL byte`);
    }
    text += `${key}=${value}\0`;
    count++;
  }
  return { bytes: Buffer.from(text, "utf8"), count };
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // ESRCH: the group is already gone.
  }
}

/** setTimeout takes at most 2^31 - 1 ms (longer fires at once). */
const MAX_TIMEOUT_MS = 0x7fffffff;

export class Spawner {
  /** The spawner that takes new commands; undefined until the first and after it exits. */
  private child: ChildProcess | undefined;
  private readonly inFlight = new Map<number, InFlight>();
  /** Commands in flight per spawner process, which holds the event loop open while it has any. */
  private readonly busy = new Map<ChildProcess, number>();
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | undefined;

  /** Why a spawner was killed by this side (stuck), for the error its commands fail with. */
  private readonly killedAs = new WeakMap<ChildProcess, string>();

  constructor(
    private readonly idleMs: number = DEFAULT_SPAWNER_IDLE_MS,
    private readonly stuckGraceMs: number = DEFAULT_STUCK_GRACE_MS,
  ) {}

  /** Runs one command; the id is for kill(). Rejects only when the spawner itself failed. */
  run(request: SpawnRequest): { id: number; done: Promise<SpawnOutcome> } {
    const program = request.argv[0] ?? "";
    for (const s of [request.cwd, ...request.argv]) {
      if (s.includes("\0")) throw new SandboxError("other", `an argument or the working directory of ${program.replace(/\0/g, "\\0")} holds a NUL byte`);
    }
    // NaN would be written as 0 and arm the backstop below at once, killing every command the
    // spawner holds, other sandboxes' included.
    if (Number.isNaN(request.timeoutMs)) throw new SandboxError("other", `timeoutMs of ${program.replace(/\0/g, "\\0")} is not a number`);
    const timeoutMs = Math.min(Math.max(0, Math.ceil(request.timeoutMs)), MAX_TIMEOUT_MS);
    const child = this.child ?? this.start();
    const id = this.nextId;
    this.nextId = id === 0xffffffff ? 1 : id + 1;
    const strings = Buffer.from(`${request.cwd}\0${request.argv.join("\0")}\0`, "utf8");
    const head = Buffer.allocUnsafe(25);
    head.writeUInt32BE(21 + strings.length + request.env.bytes.length, 0);
    head.writeUInt8(RUN, 4);
    head.writeUInt32BE(id, 5);
    head.writeUInt32BE(timeoutMs, 9);
    head.writeUInt32BE(Math.min(request.maxOutputBytes, 0xffffffff), 13);
    head.writeUInt32BE(request.argv.length, 17);
    head.writeUInt32BE(request.env.count, 21);
    const done = new Promise<SpawnOutcome>((resolve, reject) => {
      // Backstop: the spawner kills a command at its timeout; one it has not answered well after
      // that means the spawner is stuck. It is killed, which fails every command it holds (and
      // kills their process groups) instead of leaving them hanging.
      const timer = setTimeout(
        () => this.killStuck(child, `it had not answered ${this.stuckGraceMs} ms after the ${timeoutMs} ms timeout of ${program}`),
        Math.min(timeoutMs + this.stuckGraceMs, MAX_TIMEOUT_MS),
      );
      this.inFlight.set(id, { via: child, program, pid: undefined, timer, resolve, reject });
    });
    const busy = (this.busy.get(child) ?? 0) + 1;
    this.busy.set(child, busy);
    if (busy === 1) this.ref(child, true);
    const stdin = child.stdin;
    if (stdin !== null) {
      stdin.cork();
      stdin.write(head);
      stdin.write(strings);
      if (request.env.bytes.length > 0) stdin.write(request.env.bytes);
      stdin.uncork();
    }
    return { id, done };
  }

  /** Kills a running command's process group; its run() then settles as the command ends. */
  kill(id: number): void {
    const command = this.inFlight.get(id);
    const stdin = command?.via.stdin;
    if (command === undefined || stdin == null) return;
    // A spawner that does not report the killed command ended within the grace is stuck, as after
    // a timeout: a kill (a sandbox's, the runtime's shutdown) then ends in bounded time.
    const via = command.via;
    const program = command.program;
    clearTimeout(command.timer);
    command.timer = setTimeout(() => this.killStuck(via, `it had not answered ${this.stuckGraceMs} ms after ${program} was killed`), this.stuckGraceMs);
    const frame = Buffer.allocUnsafe(9);
    frame.writeUInt32BE(5, 0);
    frame.writeUInt8(KILL, 4);
    frame.writeUInt32BE(id, 5);
    stdin.write(frame);
  }

  /** The pid of the spawner that takes new commands, while there is one. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /**
   * Ends the spawner (it kills whatever still runs) and waits until it is gone; one that has not
   * exited within the grace (stopped, stuck) is killed, so this ends in bounded time.
   */
  async stop(): Promise<void> {
    const child = this.child;
    if (child === undefined) return;
    this.child = undefined;
    const closed = new Promise<void>((resolve) => child.once("close", () => resolve()));
    this.ref(child, true);
    const stuck = setTimeout(() => this.killStuck(child, `it had not exited ${this.stuckGraceMs} ms after it was told to end`), this.stuckGraceMs);
    child.stdin?.end();
    await closed;
    clearTimeout(stuck);
  }

  /** Kills a spawner that stopped answering; its close fails (and kills) the commands it held. */
  private killStuck(child: ChildProcess, why: string): void {
    if (child.exitCode !== null || child.signalCode !== null) return;
    if (!this.killedAs.has(child)) this.killedAs.set(child, why);
    if (this.child === child) this.child = undefined;
    child.kill("SIGKILL");
  }

  private armIdleTimer(): void {
    if (this.idleTimer !== undefined) {
      this.idleTimer.refresh();
      return;
    }
    this.idleTimer = setTimeout(() => {
      const child = this.child;
      if (child !== undefined && (this.busy.get(child) ?? 0) === 0) void this.stop();
    }, this.idleMs);
    this.idleTimer.unref();
  }

  private start(): ChildProcess {
    const child = spawn(process.execPath, [...SPAWNER_FLAGS, "-e", SPAWNER_SOURCE], {
      // Nothing of the runtime's environment (its credentials) but where programs are found.
      env: { PATH: process.env["PATH"] ?? "/usr/local/bin:/usr/bin:/bin" },
      // Its stderr is not read: a crash report there could quote a frame, and a frame holds a
      // command's environment. A crash is reported by its exit code or signal instead.
      stdio: ["pipe", "pipe", "ignore"],
    });
    this.child = child;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    child.stdout?.on("data", (chunk: Buffer) => {
      pending.push(chunk);
      pendingBytes += chunk.length;
      while (pendingBytes >= 4) {
        let first = pending[0];
        if (first === undefined || first.length < 4) {
          first = Buffer.concat(pending, pendingBytes);
          pending = [first];
        }
        // A large output arrives in many chunks: they are joined once, when the frame is whole.
        const length = first.readUInt32BE(0);
        if (pendingBytes < 4 + length) return;
        const buffer = pending.length === 1 ? first : Buffer.concat(pending, pendingBytes);
        const rest = buffer.subarray(4 + length);
        pending = rest.length > 0 ? [rest] : [];
        pendingBytes = rest.length;
        this.frame(buffer.subarray(4, 4 + length));
      }
    });
    // It answers only there: one whose stdout closed while it lives can answer nothing more, and
    // its commands would wait out their timeouts and the grace. New commands go to a new spawner
    // at once; one that is merely exiting (it closes stdout first) is gone well within the grace.
    child.stdout?.once("close", () => {
      if (this.child === child) this.child = undefined;
      const stuck = setTimeout(() => this.killStuck(child, `its output closed and it had not exited ${this.stuckGraceMs} ms later`), this.stuckGraceMs);
      stuck.unref();
      child.once("exit", () => clearTimeout(stuck));
    });
    // EPIPE when it died: its close fails what it held.
    child.stdin?.on("error", () => undefined);
    // New commands go to a new spawner at once; those this one held fail when its output is read.
    child.once("exit", () => {
      if (this.child === child) this.child = undefined;
    });
    child.once("close", (code, signal) => this.exited(child, signal === null ? `exit code ${code ?? "unknown"}` : `signal ${signal}`));
    // Not started at all (EAGAIN, EMFILE): there may be no close to wait for.
    child.on("error", () => {
      if (child.pid === undefined) this.exited(child, "it could not be started");
    });
    this.ref(child, false);
    return child;
  }

  /** The spawner keeps the runtime's event loop alive only while it runs a command, as a child would. */
  private ref(child: ChildProcess, on: boolean): void {
    if (on) child.ref();
    else child.unref();
    // A piped stdio stream is a net.Socket, whose handle would hold the loop open too.
    for (const stream of [child.stdin, child.stdout]) {
      if (!(stream instanceof Socket)) continue;
      if (on) stream.ref();
      else stream.unref();
    }
  }

  private exited(child: ChildProcess, ended: string): void {
    const stuck = this.killedAs.get(child);
    const how = stuck === undefined ? `ended (${ended})` : `was killed as stuck (${stuck})`;
    if (this.child === child) this.child = undefined;
    this.busy.delete(child);
    for (const [id, command] of this.inFlight) {
      if (command.via !== child) continue;
      // Its commands run in process groups of their own, which its death does not end.
      killGroup(command.pid);
      clearTimeout(command.timer);
      this.inFlight.delete(id);
      command.reject(new SandboxError("other", `the local sandbox's process spawner ${how} while ${command.program} ran; the command was killed, and the next one starts a new spawner`));
    }
  }

  private frame(body: Buffer): void {
    const id = body.readUInt32BE(1);
    const command = this.inFlight.get(id);
    if (command === undefined) return;
    if (body.readUInt8(0) === PID) {
      command.pid = body.readUInt32BE(5);
      return;
    }
    if (body.readUInt8(0) !== DONE) return;
    const code = body.readInt32BE(5);
    const outBytes = body.readUInt32BE(10);
    const errBytes = body.readUInt32BE(14);
    const noteStart = 22 + outBytes + errBytes;
    const note = body.toString("utf8", noteStart, noteStart + body.readUInt32BE(18));
    const nul = note.indexOf("\0");
    clearTimeout(command.timer);
    this.inFlight.delete(id);
    const busy = (this.busy.get(command.via) ?? 1) - 1;
    this.busy.set(command.via, busy);
    if (busy === 0) {
      this.ref(command.via, false);
      if (command.via === this.child) this.armIdleTimer();
    }
    command.resolve({
      code: code === -1 ? null : code,
      signal: nul > 0 ? note.slice(0, nul) : null,
      timedOut: body.readUInt8(9) === 1,
      stdout: body.toString("utf8", 22, 22 + outBytes),
      stderr: body.toString("utf8", 22 + outBytes, noteStart),
      spawnError: note.slice(nul + 1),
    });
  }
}
