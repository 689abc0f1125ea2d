// The compiled CLI runs its commands from dist/cli/commands.cjs with V8's code cache
// (src/cli/code-cache.ts). A cache may only ever make a run faster: each case below damages or
// mismatches it in one way and proves the run still executes the bundle's current source. Every run
// is its own node process, as the CLI's are: within one process V8 keeps compiled scripts in memory
// and would never look at the cache file.
import { isAscii } from "node:buffer";
import { spawnSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { codeCacheDir } from "../src/cli/code-cache.js";
import { EXIT } from "../src/cli/exit-codes.js";
import { buildDist, CLI_ENTRY, ROOT } from "./support/build.ts";

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "obsgen-code-cache-"));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) {
    chmodSync(d, 0o700);
    rmSync(d, { recursive: true, force: true });
  }
});

/** A bundle whose answer depends on its source, with functions that only run when called. */
const bundle = (answer: number) => `"use strict";\nfunction twice(x) { return x * 2; }\nmodule.exports = { answer: () => twice(${answer}) / 2, file: __filename };\n`;

const DRIVER = `
import { runCommonJsBundle } from ${JSON.stringify(join(ROOT, "src", "cli", "code-cache.ts"))};
const [file, dir] = process.argv.slice(-2);
const b = runCommonJsBundle(file, { dir: dir === "-" ? undefined : dir, purpose: "test" });
const answer = b.exports.answer();
b.save();
process.stdout.write(JSON.stringify({ answer, cacheUsed: b.cacheUsed, file: b.exports.file }));
`;

/** Runs the bundle at `file` in a fresh node through runCommonJsBundle, caching in `dir`. */
function runBundle(file: string, dir: string | undefined, nodeOptions: string[] = []): { answer: number; cacheUsed: boolean; file: string } {
  const r = spawnSync(process.execPath, [...nodeOptions, "--import", "tsx", "--input-type=module", "-e", DRIVER, "--", file, dir ?? "-"], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
  if (r.status !== 0) throw new Error(`driver exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout) as { answer: number; cacheUsed: boolean; file: string };
}

function cacheFiles(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith(".cache")).map((f) => join(dir, f));
}

/** A bundle file and an empty cache directory; the bundle has run once and written its cache. */
function cachedBundle(answer = 42): { file: string; dir: string; cache: string } {
  const work = tempDir();
  const file = join(work, "bundle.cjs");
  writeFileSync(file, bundle(answer));
  const dir = join(work, "cache");
  expect(runBundle(file, dir)).toEqual({ answer, cacheUsed: false, file });
  const [cache, ...more] = cacheFiles(dir);
  expect(more).toEqual([]);
  if (cache === undefined) throw new Error("no cache file was written");
  return { file, dir, cache };
}

describe("a bundle run with the code cache", () => {
  it("compiles from source the first time, writes the cache privately, and uses it the next time without rewriting it", () => {
    const { file, dir, cache } = cachedBundle();
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(cache).mode & 0o777).toBe(0o600);
    const before = readFileSync(cache);
    expect(runBundle(file, dir)).toEqual({ answer: 42, cacheUsed: true, file });
    expect(readFileSync(cache).equals(before)).toBe(true);
    expect(cacheFiles(dir)).toEqual([cache]);
  });

  it("runs the changed source, not the cached code, when the bundle changes but keeps its length", () => {
    // V8 checks only the source's length: without the content in the cache's key, the cached
    // top-level code of the old bundle would run and answer 42.
    const { file, dir } = cachedBundle(42);
    writeFileSync(file, bundle(43));
    expect(bundle(43).length).toBe(bundle(42).length);
    expect(runBundle(file, dir)).toEqual({ answer: 43, cacheUsed: false, file });
    expect(runBundle(file, dir)).toEqual({ answer: 43, cacheUsed: true, file });
  });

  it("ignores a corrupt cache file, runs from source and writes an intact one", () => {
    const { file, dir, cache } = cachedBundle();
    const bytes = readFileSync(cache);
    const at = bytes.length - 100;
    bytes[at] = (bytes[at] ?? 0) ^ 0xff;
    writeFileSync(cache, bytes);
    expect(runBundle(file, dir)).toEqual({ answer: 42, cacheUsed: false, file });
    expect(runBundle(file, dir)).toEqual({ answer: 42, cacheUsed: true, file });
  });

  it("ignores a truncated or empty cache file", () => {
    const { file, dir, cache } = cachedBundle();
    const bytes = readFileSync(cache);
    for (const damaged of [bytes.subarray(0, bytes.length >> 1), Buffer.alloc(0), bytes.subarray(0, 20)]) {
      writeFileSync(cache, damaged);
      expect(runBundle(file, dir)).toEqual({ answer: 42, cacheUsed: false, file });
    }
  });

  it("runs from source when V8 refuses intact-looking data (right header and checksum, not V8's code cache)", () => {
    const { file, dir, cache } = cachedBundle();
    const bytes = readFileSync(cache);
    const headerLength = bytes.indexOf(0x0a) + 1;
    const data = Buffer.alloc(4096, 0x5a);
    writeFileSync(cache, Buffer.concat([bytes.subarray(0, headerLength), createHash("sha256").update(data).digest(), data]));
    expect(runBundle(file, dir)).toEqual({ answer: 42, cacheUsed: false, file });
    expect(runBundle(file, dir)).toEqual({ answer: 42, cacheUsed: true, file });
  });

  it("keeps a separate cache for node run with other V8 flags (--jitless), and runs correctly under them", () => {
    const { file, dir, cache } = cachedBundle();
    expect(runBundle(file, dir, ["--jitless"])).toEqual({ answer: 42, cacheUsed: false, file });
    expect(runBundle(file, dir, ["--jitless"])).toEqual({ answer: 42, cacheUsed: true, file });
    expect(cacheFiles(dir)).toHaveLength(2);
    expect(runBundle(file, dir)).toEqual({ answer: 42, cacheUsed: true, file });
    expect(cacheFiles(dir)).toContain(cache);
  });

  it("neither reads nor writes a cache in a directory other users can write to", () => {
    const { file, dir, cache } = cachedBundle();
    const planted = readFileSync(cache);
    chmodSync(dir, 0o777);
    expect(runBundle(file, dir)).toEqual({ answer: 42, cacheUsed: false, file });
    rmSync(cache);
    expect(runBundle(file, dir)).toEqual({ answer: 42, cacheUsed: false, file });
    expect(cacheFiles(dir)).toEqual([]);
    writeFileSync(cache, planted);
    chmodSync(dir, 0o720);
    expect(runBundle(file, dir)).toEqual({ answer: 42, cacheUsed: false, file });
  });

  it("neither reads nor writes a cache through a cache directory that is a symlink", () => {
    const { file, dir } = cachedBundle();
    const link = join(dir, "..", "link");
    symlinkSync(dir, link);
    expect(runBundle(file, link)).toEqual({ answer: 42, cacheUsed: false, file });
    expect(runBundle(file, dir)).toEqual({ answer: 42, cacheUsed: true, file });
  });

  it("runs without a cache when given no directory, or one it cannot create", () => {
    const work = tempDir();
    const file = join(work, "bundle.cjs");
    writeFileSync(file, bundle(42));
    expect(runBundle(file, undefined)).toEqual({ answer: 42, cacheUsed: false, file });
    writeFileSync(join(work, "not-a-dir"), "");
    expect(runBundle(file, join(work, "not-a-dir", "cache"))).toEqual({ answer: 42, cacheUsed: false, file });
  });

  it("removes cache files not written for 30 days when it writes one, and keeps the others", () => {
    const { file, dir, cache } = cachedBundle();
    const old = join(dir, "0".repeat(40) + ".cache");
    const recent = join(dir, "1".repeat(40) + ".cache");
    const unrelated = join(dir, "notes.txt");
    for (const f of [old, recent, unrelated]) writeFileSync(f, "x");
    const longAgo = new Date(Date.now() - 31 * 24 * 60 * 60 * 1000);
    utimesSync(old, longAgo, longAgo);
    utimesSync(unrelated, longAgo, longAgo);
    writeFileSync(cache, "");
    runBundle(file, dir);
    expect(readdirSync(dir).sort()).toEqual([cache, recent, unrelated].map((f) => f.slice(dir.length + 1)).sort());
  });
});

describe("the code cache's directory", () => {
  const home = process.env["HOME"] ?? "/home/user";

  it("is the user's cache directory, or OBSGEN_CACHE_DIR, under code-cache/", () => {
    expect(codeCacheDir({ HOME: home }, "linux")).toBe(join(home, ".cache", "obsgen", "code-cache"));
    expect(codeCacheDir({ XDG_CACHE_HOME: "/x/cache" }, "linux")).toBe("/x/cache/obsgen/code-cache");
    expect(codeCacheDir({ HOME: home }, "darwin")).toBe(join(home, "Library", "Caches", "obsgen", "code-cache"));
    expect(codeCacheDir({ OBSGEN_CACHE_DIR: "/y/obsgen" }, "linux")).toBe("/y/obsgen/code-cache");
  });

  it("is none with NODE_DISABLE_COMPILE_CACHE=1, inside node_modules, or when relative", () => {
    expect(codeCacheDir({ NODE_DISABLE_COMPILE_CACHE: "1", OBSGEN_CACHE_DIR: "/y" }, "linux")).toBeUndefined();
    expect(codeCacheDir({ OBSGEN_CACHE_DIR: "/repo/node_modules/.cache/obsgen" }, "linux")).toBeUndefined();
    expect(codeCacheDir({ OBSGEN_CACHE_DIR: "relative/dir" }, "linux")).toBeUndefined();
    expect(codeCacheDir({ XDG_CACHE_HOME: "relative", HOME: home }, "linux")).toBe(join(home, ".cache", "obsgen", "code-cache"));
  });
});

describe("the compiled obsgen with its code cache", () => {
  beforeAll(() => buildDist("cli"));

  function obsgen(args: string[], env: Record<string, string>) {
    const r = spawnSync(process.execPath, [CLI_ENTRY, ...args], { cwd: ROOT, encoding: "utf8", env: { ...process.env, ...env }, timeout: 120_000 });
    if (r.error) throw r.error;
    return { code: r.status, out: r.stdout, err: r.stderr };
  }

  function tree(dir: string): Map<string, string> {
    return new Map(readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => {
      const p = join(e.parentPath, e.name);
      return [p.slice(dir.length), readFileSync(p, "utf8")];
    }));
  }

  it("writes the same files without a cache, with a fresh one, with a used one and with a corrupted one", () => {
    const work = tempDir();
    const cache = join(work, "cache");
    const env = { OBSGEN_CACHE_DIR: cache, NODE_DISABLE_COMPILE_CACHE: "" };
    const outs = ["none", "fresh", "used", "corrupt"].map((n) => join(work, n));
    const [none = "", fresh = "", used = "", corrupt = ""] = outs;
    expect(obsgen(["generate", "--out", none], { NODE_DISABLE_COMPILE_CACHE: "1", OBSGEN_CACHE_DIR: cache }).code).toBe(EXIT.ok);
    expect(readdirSync(work)).not.toContain("cache");
    expect(obsgen(["generate", "--out", fresh], env).code).toBe(EXIT.ok);
    const files = cacheFiles(join(cache, "code-cache"));
    expect(files).toHaveLength(1);
    expect(obsgen(["generate", "--out", used], env).code).toBe(EXIT.ok);
    for (const f of files) {
      const bytes = readFileSync(f);
      bytes.fill(0x41, bytes.length >> 1, (bytes.length >> 1) + 64);
      writeFileSync(f, bytes);
    }
    expect(obsgen(["generate", "--out", corrupt], env).code).toBe(EXIT.ok);
    const expected = tree(none);
    expect(expected.size).toBeGreaterThan(10);
    for (const out of [fresh, used, corrupt]) expect(tree(out)).toEqual(expected);
  });

  it("ships the commands bundle in ASCII, which node reads as a one-byte string without decoding UTF-8", () => {
    expect(isAscii(readFileSync(join(ROOT, "dist", "cli", "commands.cjs")))).toBe(true);
  });

  it("keeps a cache per command, and writes none for --help", () => {
    const cache = join(tempDir(), "cache");
    const env = { OBSGEN_CACHE_DIR: cache, NODE_DISABLE_COMPILE_CACHE: "" };
    expect(obsgen(["--help"], env).code).toBe(EXIT.ok);
    expect(existsSync(cache)).toBe(false);
    const r = obsgen(["check"], env);
    expect(r.err).toBe("");
    expect(r.code).toBe(EXIT.ok);
    expect(obsgen(["generate", "--out", join(cache, "..", "out")], env).code).toBe(EXIT.ok);
    expect(cacheFiles(join(cache, "code-cache"))).toHaveLength(2);
  });

  it("writes no cache for a run stopped by an invalid spec, and a whole one at the next complete run", () => {
    const work = tempDir();
    const cache = join(work, "cache");
    const env = { OBSGEN_CACHE_DIR: cache, NODE_DISABLE_COMPILE_CACHE: "" };
    const invalid = obsgen(["generate", "--spec", "test/fixtures/invalid/bad-metric-type.yaml", "--out", join(work, "x")], env);
    expect(invalid.code).toBe(EXIT.invalidSpec);
    expect(existsSync(join(cache, "code-cache")) ? cacheFiles(join(cache, "code-cache")) : []).toEqual([]);
    expect(obsgen(["generate", "--out", join(work, "out")], env).code).toBe(EXIT.ok);
    const [file, ...more] = cacheFiles(join(cache, "code-cache"));
    expect(more).toEqual([]);
    // A check with drift (findings, exit 1) has done all of its work: it writes its cache too.
    const drifted = join(work, "drifted");
    cpSync(join(work, "out"), drifted, { recursive: true });
    const rules = readdirSync(drifted, { recursive: true }).map(String).find((f) => f.endsWith("rules.yml"));
    if (rules === undefined) throw new Error("no rules.yml generated");
    writeFileSync(join(drifted, rules), "# edited\n");
    expect(obsgen(["check", "--out", drifted], env).code).toBe(EXIT.findings);
    expect(cacheFiles(join(cache, "code-cache"))).toHaveLength(2);
    expect(file).toBeDefined();
  });

  it("runs from a copy of dist/cli anywhere, its cache keyed by what that copy holds", () => {
    const work = tempDir();
    const copy = join(work, "cli");
    cpSync(join(ROOT, "dist", "cli"), copy, { recursive: true });
    mkdirSync(join(work, "cache"));
    const env = { ...process.env, OBSGEN_CACHE_DIR: join(work, "cache"), NODE_DISABLE_COMPILE_CACHE: "" };
    const run = () => spawnSync(process.execPath, [join(copy, "obsgen.js"), "check"], { cwd: ROOT, encoding: "utf8", env, timeout: 120_000 });
    expect(run().status).toBe(EXIT.ok);
    // A different bundle (one byte more) is a different cache; the old one is kept, not reused.
    writeFileSync(join(copy, "commands.cjs"), `${readFileSync(join(copy, "commands.cjs"), "latin1")}\n`, "latin1");
    const r = run();
    expect(r.stderr).toBe("");
    expect(r.status).toBe(EXIT.ok);
    expect(cacheFiles(join(work, "cache", "code-cache"))).toHaveLength(2);
  });
});
