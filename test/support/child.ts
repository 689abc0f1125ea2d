// A child process a test started: its combined output, a wait for a condition that fails with
// that output when the process dies first, and a stop that signals and waits for the exit.
import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

export class Child {
  private out = "";
  readonly exited: Promise<number | null>;

  private constructor(readonly process: ChildProcess, readonly name: string) {
    process.stdout?.on("data", (d: Buffer) => (this.out += d.toString()));
    process.stderr?.on("data", (d: Buffer) => (this.out += d.toString()));
    this.exited = new Promise((resolve) => process.once("exit", (code) => resolve(code)));
  }

  static start(command: string, args: readonly string[], env: NodeJS.ProcessEnv, name = command): Child {
    // detached: its own process group, so stop() also reaches what a script started.
    return new Child(spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"], detached: true }), name);
  }

  get output(): string {
    return this.out;
  }

  get running(): boolean {
    return this.process.exitCode === null && this.process.signalCode === null;
  }

  /**
   * Live processes of the child's process group (what it started, too), from /proc. Zombies do not
   * count: an orphan that exited waits there for an init that may never reap it.
   */
  groupMembers(): string[] {
    const pgid = this.process.pid;
    if (pgid === undefined) return [];
    const members: string[] = [];
    for (const entry of readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      } catch {
        continue;
      }
      // pid (comm) state ppid pgrp …; comm may hold spaces and parentheses.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) === pgid && fields[0] !== "Z") members.push(`${entry} ${stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"))}`);
    }
    return members;
  }

  /** Polls `check` until it returns a value other than undefined. */
  async waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 60_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let last: unknown;
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`${this.name} exited (${this.process.exitCode ?? this.process.signalCode}) while waiting for ${what}:\n${this.out}`);
      try {
        const value = await check();
        if (value !== undefined) return value;
      } catch (error) {
        last = error;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${String(last)})` : ""}:\n${this.out}`);
  }

  /**
   * Sends `signal` to the process group (or only to the child, to test its own shutdown) and
   * waits for the child to exit; returns its exit code.
   */
  async stop(signal: NodeJS.Signals = "SIGTERM", target: "group" | "child" = "group"): Promise<number | null> {
    if (this.running && this.process.pid !== undefined) {
      try {
        process.kill(target === "group" ? -this.process.pid : this.process.pid, signal);
      } catch {
        // already gone
      }
    }
    return this.exited;
  }
}
