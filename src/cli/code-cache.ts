// Runs a CommonJS bundle with V8's code cache: the bytecode of every function a run compiled is
// kept in a per-user cache directory, so the next run of the same bundle deserializes it instead
// of parsing and compiling the source again. Node 20 has no compile cache for ES modules
// (module.enableCompileCache came in 22.1), so the CLI's commands ship as one CommonJS bundle run
// through vm.Script, whose cachedData is V8's code cache.
//
// Only compiled code is cached, never a result: every run executes the bundle in full.
//
// The cache is an optimisation and never a dependency: anything unexpected (no cache directory, a
// directory another user could write to, a missing, truncated or corrupt file, one V8 refuses)
// runs the bundle from its source, exactly as without a cache. V8 checks its own version, its
// flags and the source's length before it accepts cached data; it does not check the source's
// content, nor (in release builds) the data's integrity. So a cache file is named by a hash of the
// bundle's bytes, node's version, architecture and flags, and the command it ran, and it carries a
// SHA-256 of its data, checked before V8 sees it.
import { createHash } from "node:crypto";
import { closeSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import { dirname, isAbsolute, join, sep } from "node:path";
import { Script } from "node:vm";
import { isAscii } from "node:buffer";

/** Bumped when the file layout below changes, so an older layout is never read as this one. */
const FORMAT = "obsgen-code-cache-1";
const MAGIC = Buffer.from(`${FORMAT}\n`, "latin1");
const DIGEST_BYTES = 32;
/** Cache files not rewritten for this long are removed when another one is written. */
const STALE_MS = 30 * 24 * 60 * 60 * 1000;

export interface CachedBundle {
  /** The bundle's `module.exports`. */
  exports: unknown;
  /** Whether V8 took the cached code (false: compiled from the source). */
  cacheUsed: boolean;
  /**
   * Writes the code cache of everything compiled so far when the run did not use one; call it
   * once the work is done, so the cache holds the functions the work needed. Never throws.
   */
  save(): void;
}

export interface CodeCacheOptions {
  /** The cache directory, or undefined to run without a cache. */
  dir: string | undefined;
  /** What the run does (the command's name): each gets its own cache of the functions it uses. */
  purpose: string;
}

/**
 * Where obsgen keeps its code cache: OBSGEN_CACHE_DIR, else the user's cache directory
 * (XDG_CACHE_HOME, ~/Library/Caches on macOS, %LOCALAPPDATA% on Windows, else ~/.cache), never
 * inside node_modules. Undefined (no cache) with NODE_DISABLE_COMPILE_CACHE=1, the switch node's
 * own compile cache honours, or when no such directory can be named.
 */
export function codeCacheDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string | undefined {
  if (env["NODE_DISABLE_COMPILE_CACHE"] === "1") return undefined;
  const own = env["OBSGEN_CACHE_DIR"];
  let base: string | undefined;
  if (own) base = own;
  else {
    const xdg = env["XDG_CACHE_HOME"];
    const local = env["LOCALAPPDATA"];
    let home: string | undefined;
    try {
      home = homedir();
    } catch {
      home = undefined;
    }
    if (xdg && isAbsolute(xdg)) base = join(xdg, "obsgen");
    else if (platform === "win32" && local) base = join(local, "obsgen", "Cache");
    else if (home && platform === "darwin") base = join(home, "Library", "Caches", "obsgen");
    else if (home) base = join(home, ".cache", "obsgen");
  }
  if (!base || !isAbsolute(base)) return undefined;
  const dir = join(base, "code-cache");
  return dir.split(sep).includes("node_modules") ? undefined : dir;
}

/**
 * Whether `dir` is safe to read code from: a real directory (not a symlink), and on POSIX owned by
 * this user and writable by nobody else — cached bytecode is code, and another user who could
 * write it could run theirs as ours.
 */
function privateDirectory(dir: string): boolean {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = lstatSync(dir);
    if (!st.isDirectory()) return false;
    if (typeof process.getuid !== "function") return true;
    return st.uid === process.getuid() && (st.mode & 0o022) === 0;
  } catch {
    return false;
  }
}

function cacheKey(source: Buffer, purpose: string): string {
  const hash = createHash("sha256");
  hash.update(source);
  // V8's own check rejects data made under other flags; keying by them as well keeps two ways of
  // running node (say, with and without --jitless) from overwriting each other's cache.
  const flags = [...process.execArgv, process.env["NODE_OPTIONS"] ?? ""].join("\0");
  hash.update(["", FORMAT, process.version, process.versions.v8, process.arch, process.platform, flags, purpose].join("\0"));
  return hash.digest("hex").slice(0, 40);
}

/** The cached data in `file`, or undefined when it is absent, not ours, or not intact. */
function readCache(file: string): Buffer | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return undefined;
  }
  const start = MAGIC.length + DIGEST_BYTES;
  if (bytes.length <= start || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  const data = bytes.subarray(start);
  const digest = createHash("sha256").update(data).digest();
  return digest.equals(bytes.subarray(MAGIC.length, start)) ? data : undefined;
}

/**
 * Writes the cache file whole under a temporary name and renames it into place. No fsync: a file
 * a crash leaves short or empty fails its checksum and is rewritten by the next run.
 */
function writeCache(file: string, data: Buffer): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    const fd = openSync(tmp, "wx", 0o600);
    try {
      for (const part of [MAGIC, createHash("sha256").update(data).digest(), data]) {
        let off = 0;
        while (off < part.length) off += writeSync(fd, part, off);
      }
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch {
    rmSync(tmp, { force: true });
  }
}

/** Removes cache files (and leftovers of interrupted writes) not written for STALE_MS. */
function removeStale(dir: string, keep: string): void {
  const now = Date.now();
  for (const name of readdirSync(dir)) {
    const file = join(dir, name);
    if (file === keep || !/\.cache(\.\d+\.tmp)?$/.test(name)) continue;
    try {
      if (now - statSync(file).mtimeMs > STALE_MS) rmSync(file, { force: true });
    } catch {
      // Another process removed or replaced it: nothing to do.
    }
  }
}

/** Loads and runs the CommonJS bundle at `file` (an absolute path), with the code cache. */
export function runCommonJsBundle(file: string, options: CodeCacheOptions): CachedBundle {
  const bytes = readFileSync(file);
  // scripts/build.mjs writes the bundle in ASCII, which latin1 decodes exactly and faster than UTF-8.
  const source = isAscii(bytes) ? bytes.toString("latin1") : bytes.toString("utf8");
  const dir = options.dir !== undefined && privateDirectory(options.dir) ? options.dir : undefined;
  const cacheFile = dir === undefined ? undefined : join(dir, `${cacheKey(bytes, options.purpose)}.cache`);
  const cachedData = cacheFile === undefined ? undefined : readCache(cacheFile);
  // The same wrapper node puts around a CommonJS module.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) { ${source}\n})`, { filename: file, ...(cachedData ? { cachedData } : {}) });
  const cacheUsed = cachedData !== undefined && !script.cachedDataRejected;
  const module = { exports: {} as unknown };
  const wrapper = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: { exports: unknown }, filename: string, dirname: string) => void;
  wrapper.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  let saved = cacheUsed;
  return {
    exports: module.exports,
    cacheUsed,
    save() {
      if (saved || cacheFile === undefined || dir === undefined) return;
      saved = true;
      try {
        writeCache(cacheFile, script.createCachedData());
        removeStale(dir, cacheFile);
      } catch {
        // The cache is an optimisation: a run that cannot write it has still done its work.
      }
    },
  };
}
