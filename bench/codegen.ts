// Codegen speed as CI sees it: the cold start of each command of the compiled CLI (`--help`,
// `generate`, `check`: spawned `node dist/cli/obsgen.js`, the package's bin, built first so it
// runs the current source) next to the start-up floor, bare `node -e 0`; and on synthetic specs of
// growing size to show how generation scales. The CLI keeps V8's code cache of its commands in a
// cache directory (src/cli/code-cache.ts): the command rows run with the cache a previous run wrote
// (a directory of the benchmark's own), the "first run" rows with an empty directory each time, as
// a fresh CI container without a cached home directory would.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sideBySide, stat, type Stat } from "./measure.js";
import { syntheticSpec, type SyntheticSize } from "./synthetic-spec.js";

const BUNDLED_SPEC = "metrics-spec/git-operations.yaml";
/** Marks the rows run with an empty code cache directory. */
export const FIRST_RUN = "(first run: no code cache yet)";
const CLI = "dist/cli/obsgen.js";
// Phase names printed by bench/startup-profile.ts.
const LOAD_PHASE = "load + validate spec";
const GENERATE_PHASE = "generate artifacts";

function spawnIn(command: string, args: readonly string[], expect: readonly number[] = [0], env: NodeJS.ProcessEnv = process.env): number {
  const r = spawnSync(command, args, { encoding: "utf8", timeout: 120_000, env });
  if (r.error) throw r.error;
  if (!expect.includes(r.status ?? -1)) throw new Error(`${command} ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  return r.status ?? 0;
}
const spawnMs = (args: readonly string[], expect?: readonly number[], env?: NodeJS.ProcessEnv) => spawnIn(process.execPath, args, expect, env);
/** The code cache in `cacheDir`; node's own switch turned off in the environment is turned back on. */
const obsgenIn = (cacheDir: string) => (args: readonly string[], expect?: readonly number[]) =>
  spawnMs([CLI, ...args], expect, { ...process.env, OBSGEN_CACHE_DIR: cacheDir, NODE_DISABLE_COMPILE_CACHE: "" });

export interface CodegenRow {
  what: string;
  ms: Stat;
}

export interface StartupProfile {
  phases: [string, Stat][];
  total: Stat;
}

export interface SyntheticRow {
  size: SyntheticSize;
  ms: Stat;
  files: number;
  /** In-process medians: validating the spec, and generating from the model. */
  validate: Stat;
  generate: Stat;
}

interface ProfileRun {
  phases: [string, number][];
  totalMs: number;
}

function profileRuns(spec: string, runs: number): ProfileRun[] {
  const out: ProfileRun[] = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(process.execPath, ["--import", "tsx", "bench/startup-profile.ts", spec], { encoding: "utf8", timeout: 120_000 });
    if (r.status !== 0) throw new Error(`startup profile of ${spec} failed: ${r.stderr}`);
    out.push(JSON.parse(r.stdout) as ProfileRun);
  }
  return out;
}

function phase(runs: readonly ProfileRun[], name: string): Stat {
  return stat(runs.map((r) => r.phases.find(([n]) => n === name)?.[1] ?? NaN));
}

export interface CodegenResult {
  /** The floor (`node -e 0`) first, then one row per command. */
  bundled: CodegenRow[];
  checkExit: number;
  profile: StartupProfile;
  synthetic: SyntheticRow[];
}

const toMs = (s: Stat): Stat => ({ median: s.median / 1e6, min: s.min / 1e6, max: s.max / 1e6, samples: s.samples });

export async function codegen(opts: { rounds: number; syntheticRounds: number; sizes: readonly SyntheticSize[] }): Promise<CodegenResult> {
  const dir = mkdtempSync(join(tmpdir(), "obsgen-bench-"));
  try {
    const out = join(dir, "generated");
    const obsgen = obsgenIn(join(dir, "cache"));
    let fresh = 0;
    const firstRun = (args: readonly string[], expect?: readonly number[]) => {
      const cache = join(dir, `fresh-cache-${fresh++}`);
      try {
        return obsgenIn(cache)(args, expect);
      } finally {
        rmSync(cache, { recursive: true, force: true });
      }
    };
    let checkExit = 0;
    const cases = [
      { key: "node -e 0 (the floor)", run: () => spawnMs(["-e", "0"]) },
      { key: "obsgen --help", run: () => obsgen(["--help"]) },
      { key: "obsgen generate", run: () => obsgen(["generate", "--out", out]) },
      { key: "obsgen check", run: () => (checkExit = obsgen(["check"], [0, 1])) },
      { key: `obsgen generate ${FIRST_RUN}`, run: () => firstRun(["generate", "--out", out]) },
      { key: `obsgen check ${FIRST_RUN}`, run: () => firstRun(["check"], [0, 1]) },
    ];
    spawnMs(["scripts/build.mjs", "cli"]);
    const bundledStats = await sideBySide(cases, opts.rounds, 1);
    const bundled = cases.map((c) => ({ what: c.key, ms: toMs(bundledStats.get(c.key) ?? stat([])) }));

    const runs = profileRuns(BUNDLED_SPEC, opts.rounds);
    const names = runs[0]?.phases.map(([n]) => n) ?? [];
    const profile: StartupProfile = {
      phases: names.map((n) => [n, phase(runs, n)]),
      total: stat(runs.map((r) => r.totalMs)),
    };

    const synthetic: SyntheticRow[] = [];
    const synthCases = opts.sizes.map((size) => {
      const sdir = join(dir, `m${size.metrics}`);
      mkdirSync(sdir, { recursive: true });
      const spec = join(sdir, "spec.yaml");
      writeFileSync(spec, syntheticSpec(BUNDLED_SPEC, size));
      return { key: String(size.metrics), size, run: () => obsgenIn(join(dir, "cache"))(["generate", "--spec", spec, "--out", join(sdir, "out")]) };
    });
    const synthStats = await sideBySide(synthCases, opts.syntheticRounds, 0);
    for (const c of synthCases) {
      const sdir = join(dir, `m${c.size.metrics}`);
      const files = spawnSync("find", [join(sdir, "out"), "-type", "f"], { encoding: "utf8" }).stdout.trim().split("\n").length;
      const runs = profileRuns(join(sdir, "spec.yaml"), opts.syntheticRounds);
      synthetic.push({ size: c.size, ms: toMs(synthStats.get(c.key) ?? stat([])), files, validate: phase(runs, LOAD_PHASE), generate: phase(runs, GENERATE_PHASE) });
    }
    return { bundled, checkExit, profile, synthetic };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
