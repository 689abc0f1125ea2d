// @ts-check
// The local sandbox's spawner: a small, long-lived node process that starts every command of the
// local provider, so the runtime's own (large) process never forks. fork() copies the page tables
// of the process that calls it, and afterwards every page that process writes faults once; in the
// runtime's 130 MiB process that was most of what a git status cost at 50 agents. This process is
// a few tens of MiB and writes little between forks.
//
// It is started by spawner.ts with this file's text as `node -e` (so the build needs no extra
// file and no loader), takes commands only from its stdin (a pipe its parent holds: no socket, no
// listening) and answers on its stdout. Protocol (spawner.ts is the other side), every frame a
// u32 length (big-endian) and that many bytes:
//   parent → spawner  RUN   u8 1, u32 id, u32 timeoutMs, u32 maxOutputBytes, u32 argc, u32 envc,
//                           then cwd, argc arguments and envc KEY=VALUE entries, each ending in NUL
//                     KILL  u8 2, u32 id
//   spawner → parent  PID   u8 1, u32 id, u32 pid            (as soon as the command runs)
//                     DONE  u8 2, u32 id, i32 exit code (-1: none), u8 timed out, u32 stdout bytes,
//                           u32 stderr bytes, u32 note bytes, then stdout, stderr and the note
//                           (the signal name, NUL, and the spawn error's message; no argument or
//                           environment ever goes into it)
// Each command runs exactly as the provider ran it before: no shell, the given environment only,
// stdin closed, in its own process group (detached), killed with that whole group at its timeout,
// output beyond maxOutputBytes per stream dropped; it is answered at most OUTPUT_DRAIN_MS after it
// exits, even while a process that left its group still holds its output open. When the parent
// goes away (stdin ends) or this process is told to end (SIGTERM, SIGHUP), every running command's
// group is killed first. SIGINT is ignored: a Ctrl-C on a terminal reaches the whole foreground
// group, and the runtime's own shutdown, which still needs this process to kill the sandboxes'
// commands, ends it in order.
"use strict";
const { spawn } = require("node:child_process");

/** How long after a command exits its output pipes may stay open (held by a process that left its group). */
const OUTPUT_DRAIN_MS = 2_000;
const RUN = 1;
const KILL = 2;
const PID = 1;
const DONE = 2;

/** @typedef {{ child: import("node:child_process").ChildProcess, pid: number | undefined }} Running */
/** @type {Map<number, Running>} */
const running = new Map();

/** @param {number | undefined} pid */
function killGroup(pid) {
  if (pid === undefined) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // ESRCH: the group is already gone.
  }
}

/** @param {Buffer[]} buffers */
function send(buffers) {
  let length = 0;
  for (const b of buffers) length += b.length;
  const head = Buffer.allocUnsafe(4);
  head.writeUInt32BE(length, 0);
  process.stdout.cork();
  process.stdout.write(head);
  for (const b of buffers) if (b.length > 0) process.stdout.write(b);
  process.stdout.uncork();
}

/** Output of one stream, its first `limit` bytes exactly (the chunk that crosses it is cut there). */
class Collector {
  /** @param {number} limit */
  constructor(limit) {
    this.limit = limit;
    /** @type {Buffer[]} */
    this.chunks = [];
    this.size = 0;
  }
  /** @param {Buffer} chunk */
  push(chunk) {
    const room = this.limit - this.size;
    if (room <= 0) return;
    const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
    this.chunks.push(kept);
    this.size += kept.length;
  }
}

/** @param {Buffer} body */
function run(body) {
  const id = body.readUInt32BE(1);
  const timeoutMs = body.readUInt32BE(5);
  const maxOutputBytes = body.readUInt32BE(9);
  const argc = body.readUInt32BE(13);
  const envc = body.readUInt32BE(17);
  const fields = body.toString("utf8", 21, body.length - 1).split("\0");
  const cwd = fields[0] ?? "";
  const argv = fields.slice(1, 1 + argc);
  /** @type {Record<string, string>} */
  const env = {};
  for (let i = 1 + argc; i < 1 + argc + envc; i++) {
    const entry = fields[i] ?? "";
    const eq = entry.indexOf("=");
    env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  const out = new Collector(maxOutputBytes);
  const err = new Collector(maxOutputBytes);
  let timedOut = false;
  let spawnError = "";
  /** @type {import("node:child_process").ChildProcess} */
  let child;
  try {
    child = spawn(argv[0] ?? "", argv.slice(1), { cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  } catch (error) {
    done(id, null, null, false, out, err, error instanceof Error ? error.message : "spawn failed");
    return;
  }
  const entry = { child, pid: child.pid };
  running.set(id, entry);
  if (child.pid !== undefined) {
    const pid = Buffer.allocUnsafe(9);
    pid.writeUInt8(PID, 0);
    pid.writeUInt32BE(id, 1);
    pid.writeUInt32BE(child.pid, 5);
    send([pid]);
  }
  child.stdout?.on("data", (/** @type {Buffer} */ chunk) => out.push(chunk));
  child.stderr?.on("data", (/** @type {Buffer} */ chunk) => err.push(chunk));
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(entry.pid);
  }, timeoutMs);
  let finished = false;
  /** @param {number | null} code @param {string | null} signal */
  const finish = (code, signal) => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    running.delete(id);
    done(id, code, signal, timedOut, out, err, spawnError);
  };
  child.on("error", (e) => {
    spawnError = e.message;
    // Not started at all (EMFILE, EAGAIN...): there may never be a close to wait for.
    if (child.pid === undefined) finish(null, null);
  });
  // The command's own children outlive it only when something went wrong; end them with it.
  child.on("exit", () => {
    killGroup(entry.pid);
    // One that left the group (setsid) can still hold the output pipes open, and the answer would
    // wait for it: past the command's timeout, until the runtime deems this spawner stuck and
    // kills it with every other command it runs. What the command wrote before it exited is read
    // first (setImmediate runs after the poll that reads it); then the pipes are let go.
    const drain = setTimeout(
      () =>
        setImmediate(() => {
          child.stdout?.destroy();
          child.stderr?.destroy();
        }),
      OUTPUT_DRAIN_MS,
    );
    child.once("close", () => clearTimeout(drain));
  });
  child.on("close", finish);
}

/**
 * @param {number} id @param {number | null} code @param {string | null} signal @param {boolean} timedOut
 * @param {Collector} out @param {Collector} err @param {string} spawnError
 */
function done(id, code, signal, timedOut, out, err, spawnError) {
  const note = Buffer.from(`${signal ?? ""}\0${spawnError}`, "utf8");
  const head = Buffer.allocUnsafe(22);
  head.writeUInt8(DONE, 0);
  head.writeUInt32BE(id, 1);
  head.writeInt32BE(code ?? -1, 5);
  head.writeUInt8(timedOut ? 1 : 0, 9);
  head.writeUInt32BE(out.size, 10);
  head.writeUInt32BE(err.size, 14);
  head.writeUInt32BE(note.length, 18);
  send([head, ...out.chunks, ...err.chunks, note]);
}

/** Kills every running command's process group and exits. */
function end() {
  for (const { pid } of running.values()) killGroup(pid);
  process.exit(0);
}

/** @type {Buffer[]} */
let pending = [];
let pendingBytes = 0;
process.stdin.on("data", (/** @type {Buffer} */ chunk) => {
  pending.push(chunk);
  pendingBytes += chunk.length;
  for (;;) {
    if (pendingBytes < 4) return;
    const buffer = pending.length === 1 ? pending[0] : Buffer.concat(pending, pendingBytes);
    if (buffer === undefined) return;
    const length = buffer.readUInt32BE(0);
    if (pendingBytes < 4 + length) {
      pending = [buffer];
      return;
    }
    const body = buffer.subarray(4, 4 + length);
    const rest = buffer.subarray(4 + length);
    pending = rest.length > 0 ? [rest] : [];
    pendingBytes = rest.length;
    const kind = body.readUInt8(0);
    if (kind === RUN) run(body);
    else if (kind === KILL) killGroup(running.get(body.readUInt32BE(1))?.pid);
  }
});
process.stdin.on("end", end);
process.stdin.on("error", end);
process.stdout.on("error", end);
process.on("SIGTERM", end);
process.on("SIGHUP", end);
process.on("SIGINT", () => undefined);
