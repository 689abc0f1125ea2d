// bin/obsgen: runs the CLI from a V8 start-up snapshot, rebuilds it when anything it was built from
// changes, and behaves exactly like the CLI run from source. Each test uses its own cache directory.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { EXIT } from "../src/cli/exit-codes.js";

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "obsgen-launcher-"));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function obsgen(args: string[], env: Record<string, string>) {
  const r = spawnSync("bin/obsgen", args, { encoding: "utf8", env: { ...process.env, ...env }, timeout: 120_000 });
  if (r.error) throw r.error;
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function tree(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else files.set(relative(dir, p), readFileSync(p, "utf8"));
    }
  };
  walk(dir);
  return files;
}

const mtime = (p: string) => statSync(p).mtimeMs;

describe("bin/obsgen", () => {
  it("builds the snapshot once, reuses it, and rebuilds when a source or the node binary changes", () => {
    const cache = tempDir();
    const blob = join(cache, "cli.blob");
    const first = obsgen(["check"], { OBSGEN_CACHE_DIR: cache });
    expect(first.err).toBe("");
    expect(first.out).toBe("obsgen: generated/ is up to date\n");
    expect(first.code).toBe(EXIT.ok);
    const built = mtime(blob);
    expect(readFileSync(join(cache, "node"), "utf8").trim()).toMatch(/node$/);

    expect(obsgen(["check"], { OBSGEN_CACHE_DIR: cache }).code).toBe(EXIT.ok);
    expect(mtime(blob)).toBe(built);

    // A blob older than the sources is stale: as after editing src/ or installing packages.
    const past = new Date("2001-01-01T00:00:00Z");
    utimesSync(blob, past, past);
    expect(obsgen(["check"], { OBSGEN_CACHE_DIR: cache }).code).toBe(EXIT.ok);
    expect(mtime(blob)).toBeGreaterThan(past.getTime());
    const rebuilt = mtime(blob);

    writeFileSync(join(cache, "node"), "/opt/other/bin/node\n");
    expect(obsgen(["check"], { OBSGEN_CACHE_DIR: cache }).code).toBe(EXIT.ok);
    expect(mtime(blob)).not.toBe(rebuilt);
    expect(readdirSync(cache).sort()).toEqual(["cli.blob", "node"]);
  }, 120_000);

  // validate spawns promtool and amtool: child processes from a deserialized snapshot.
  it("generates the same bytes, errors and exit codes as the CLI run from source", () => {
    const cache = tempDir();
    const fromSnapshot = join(tempDir(), "out");
    const fromSource = join(tempDir(), "out");
    expect(obsgen(["generate", "--out", fromSnapshot], { OBSGEN_CACHE_DIR: cache }).code).toBe(EXIT.ok);
    expect(obsgen(["generate", "--out", fromSource], { OBSGEN_FROM_SOURCE: "1" }).code).toBe(EXIT.ok);
    const a = tree(fromSnapshot);
    expect(a.size).toBeGreaterThan(10);
    expect(a).toEqual(tree(fromSource));

    const exits: (number | null)[] = [];
    for (const args of [["generate", "--spec", "test/fixtures/invalid/bad-metric-type.yaml", "--out", join(tempDir(), "x")], ["--help"], ["nope"], ["lint"], ["validate"]]) {
      const snap = obsgen(args, { OBSGEN_CACHE_DIR: cache });
      const src = obsgen(args, { OBSGEN_FROM_SOURCE: "1" });
      expect(src.code, args.join(" ")).not.toBe(EXIT.internal);
      expect({ args, code: snap.code, out: snap.out, err: snap.err }).toEqual({ args, code: src.code, out: src.out, err: src.err });
      exits.push(snap.code);
    }
    expect(exits).toEqual([EXIT.invalidSpec, EXIT.ok, EXIT.usage, EXIT.ok, EXIT.ok]);
  }, 120_000);

  it("runs from source, and says why, when the snapshot cannot be built", () => {
    const file = join(tempDir(), "not-a-directory");
    writeFileSync(file, "");
    const r = obsgen(["check"], { OBSGEN_CACHE_DIR: join(file, "cache") });
    expect(r.err).toMatch(/^obsgen: could not build the start-up snapshot, running from source:\n.*ENOTDIR/);
    expect(r.out).toBe("obsgen: generated/ is up to date\n");
    expect(r.code).toBe(EXIT.ok);
  }, 120_000);
});
