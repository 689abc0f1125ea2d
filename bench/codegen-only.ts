// Runs only the codegen start-up rows and prints them as JSON: a quick check while working on the
// CLI's start-up (`npm run bench` writes BENCHMARKS.md). With BASE_CLI=<path to another build's
// obsgen.js> (say, main's dist/cli/obsgen.js copied aside), that build's generate and check (with
// its cache and on a first run) run in the same interleaved rounds, so both sides see the same
// load. ROUNDS sets the rounds (default 15).
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sideBySide, stat, type Case } from "./measure.js";

const CLI = "dist/cli/obsgen.js";
const rounds = Number(process.env["ROUNDS"] ?? "15");
const base = process.env["BASE_CLI"];

function node(args: readonly string[], env: NodeJS.ProcessEnv = process.env): number {
  const r = spawnSync(process.execPath, args, { encoding: "utf8", timeout: 120_000, env });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`node ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  return 0;
}

const build = spawnSync(process.execPath, ["scripts/build.mjs", "cli"], { encoding: "utf8" });
if (build.status !== 0) throw new Error(`build failed: ${build.stderr}`);
const dir = mkdtempSync(join(tmpdir(), "obsgen-codegen-only-"));
try {
  const out = join(dir, "generated");
  const cached = { ...process.env, OBSGEN_CACHE_DIR: join(dir, "cache"), NODE_DISABLE_COMPILE_CACHE: "" };
  let fresh = 0;
  const firstRun = (args: string[], cli = CLI) => {
    const cache = join(dir, `fresh-${fresh++}`);
    try {
      return node([cli, ...args], { ...cached, OBSGEN_CACHE_DIR: cache });
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  };
  const cases: Case[] = [
    { key: "node -e 0", run: () => node(["-e", "0"]) },
    { key: "--help", run: () => node([CLI, "--help"], cached) },
    { key: "generate", run: () => node([CLI, "generate", "--out", out], cached) },
    { key: "check", run: () => node([CLI, "check"], cached) },
    { key: "generate, first run", run: () => firstRun(["generate", "--out", out]) },
    { key: "check, first run", run: () => firstRun(["check"]) },
    ...(base
      ? [
          { key: "base: generate", run: () => node([base, "generate", "--out", out], cached) },
          { key: "base: check", run: () => node([base, "check"], cached) },
          { key: "base: generate, first run", run: () => firstRun(["generate", "--out", out], base) },
          { key: "base: check, first run", run: () => firstRun(["check"], base) },
        ]
      : []),
  ];
  const stats = await sideBySide(cases, rounds, 1);
  const floor = stats.get("node -e 0")?.median ?? NaN;
  const rows = cases.map((c) => {
    const s = stats.get(c.key) ?? stat([]);
    return { what: c.key, medianMs: Math.round(s.median / 1e6), minMs: Math.round(s.min / 1e6), maxMs: Math.round(s.max / 1e6), ratio: Number((s.median / floor).toFixed(2)) };
  });
  process.stdout.write(`${JSON.stringify(rows, null, 1)}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
