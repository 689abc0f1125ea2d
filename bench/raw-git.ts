// git run straight from Node, spawned the way the local sandbox spawns it (stdin closed, its own
// process group, output collected): the baseline the runtime's overhead is measured against.
// (execFile, which gives the child a stdin pipe, costs git noticeably more per run here.)
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export type RawGit = (cwd: string, ...args: string[]) => Promise<string>;

/** git with the environment the local sandbox gives it: no system or user config, C locale. */
export function rawGit(home: string): RawGit {
  mkdirSync(home, { recursive: true });
  writeFileSync(join(home, ".gitconfig"), "");
  const env = { PATH: process.env["PATH"] ?? "/usr/bin:/bin", HOME: home, GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: join(home, ".gitconfig"), LANG: "C", LC_ALL: "C" };
  return (cwd, ...args) =>
    new Promise((resolve, reject) => {
      const child = spawn("git", args, { cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
      const out: Buffer[] = [];
      let err = "";
      child.stdout.on("data", (d: Buffer) => out.push(d));
      child.stderr.on("data", (d: Buffer) => (err += d.toString()));
      child.on("error", reject);
      child.on("close", (code) => (code === 0 ? resolve(Buffer.concat(out).toString("utf8")) : reject(new Error(`git ${args.join(" ")} exited ${code}: ${err}`))));
    });
}
