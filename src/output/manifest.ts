// The manifest of an output directory (`.obsgen-manifest.json`): every file obsgen wrote there,
// relative to the directory, with the sha256 of its bytes and the generator that made it. It is
// how obsgen knows which files are its own: `generate` replaces and removes only those, and
// `check` tells a file edited by hand (its bytes no longer hash to what obsgen wrote) from one the
// spec changed. A user's own file beside them is never obsgen's business.
//
// The manifest is read from a checkout, which anyone may have written: an entry must name a
// plain file inside the directory, reached without a symbolic link, before obsgen acts on it.
import { createHash } from "node:crypto";
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync } from "node:fs";
import { join } from "node:path";
import { MANIFEST_PATH, type Artifact } from "../conventions/artifact.js";
import { OutputDirError } from "./output-dir-error.js";

/** The manifest's format; a manifest of another format is refused, not guessed at. */
const FORMAT = 1;
/** Far above any real manifest (about 150 bytes a file); a larger one is not obsgen's. */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
const COMMENT = "Written by obsgen: the files it generated in this directory and their sha256. obsgen generate replaces and removes only these files; obsgen check reports those edited by hand. DO NOT EDIT.";
const SHA256 = /^[0-9a-f]{64}$/;

export interface ManifestEntry {
  sha256: string;
  generator?: string;
}

/** A manifest as read: its entries by path, sorted. */
export type Manifest = ReadonlyMap<string, ManifestEntry>;

export function sha256(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

// Watch mode builds the manifest after every save, and most files come out as they were: their
// hashes are kept from the last build (a string compare is far cheaper than a sha256).
const lastHash = new Map<string, { content: string; sha256: string }>();

function hashOf(a: Artifact): string {
  const last = lastHash.get(a.path);
  if (last !== undefined && last.content === a.content) return last.sha256;
  const hash = sha256(a.content);
  lastHash.set(a.path, { content: a.content, sha256: hash });
  return hash;
}

/** The manifest of `artifacts`, as the file obsgen writes (keys sorted, a trailing newline). */
export function manifestArtifact(artifacts: readonly Artifact[]): Artifact {
  const files: Record<string, ManifestEntry> = {};
  for (const a of [...artifacts].sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0))) {
    files[a.path] = a.generator === undefined ? { sha256: hashOf(a) } : { generator: a.generator, sha256: hashOf(a) };
  }
  return { path: MANIFEST_PATH, content: `${JSON.stringify({ __comment: COMMENT, files, format: FORMAT }, null, 2)}\n` };
}

/**
 * The manifest in `dir`, or undefined when there is none (a directory an older obsgen wrote, or
 * none yet). Throws OutputDirError, before anything is written or removed, when the manifest or
 * any entry is not one obsgen could have written.
 */
export function readManifest(dir: string): Manifest | undefined {
  const file = join(dir, MANIFEST_PATH);
  const text = readManifestText(file);
  if (text === undefined) return undefined;
  const fail = (what: string) => new OutputDirError(`${file}: ${what}; obsgen acts on nothing in ${dir}/ until it is fixed (delete the manifest and run obsgen generate to write it anew)`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw fail(`is not valid JSON (${(e as Error).message})`);
  }
  if (!isRecord(parsed)) throw fail("is not a JSON object");
  if (parsed.format !== FORMAT) throw fail(`has format ${JSON.stringify(parsed.format) ?? "(none)"}, not ${FORMAT}: another version of obsgen wrote it`);
  if (!isRecord(parsed.files)) throw fail('has no "files" object');
  const entries = new Map<string, ManifestEntry>();
  for (const [path, value] of Object.entries(parsed.files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const entry = (what: string) => fail(`entry ${JSON.stringify(path)} ${what}`);
    const unsafe = unsafePath(path);
    if (unsafe !== undefined) throw entry(unsafe);
    if (!isRecord(value) || typeof value.sha256 !== "string" || !SHA256.test(value.sha256)) throw entry('has no "sha256" of 64 lowercase hex digits');
    const { generator } = value;
    if (generator !== undefined && typeof generator !== "string") throw entry('has a "generator" that is not a string');
    const onDisk = unsafeOnDisk(dir, path);
    if (onDisk !== undefined) throw entry(onDisk);
    entries.set(path, { sha256: value.sha256, ...(generator !== undefined ? { generator } : {}) });
  }
  return entries;
}

/** The manifest's text, read without following a symbolic link and never past the size limit. */
function readManifestText(file: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    if (code === "ELOOP") throw new OutputDirError(`${file}: is a symbolic link; obsgen writes its manifest as a plain file and follows no link out of the output directory`);
    throw e;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new OutputDirError(`${file}: is not a plain file`);
    if (st.size > MAX_MANIFEST_BYTES) throw new OutputDirError(`${file}: is ${st.size} bytes, more than the ${MAX_MANIFEST_BYTES} a manifest may have`);
    const buffer = Buffer.alloc(Math.min(st.size, MAX_MANIFEST_BYTES) + 1);
    let length = 0;
    for (let n = 1; n > 0 && length < buffer.length; length += n) n = readSync(fd, buffer, length, buffer.length - length, null);
    // Grown since fstat: still bounded by the buffer, still refused.
    if (length > MAX_MANIFEST_BYTES) throw new OutputDirError(`${file}: is more than the ${MAX_MANIFEST_BYTES} bytes a manifest may have`);
    return buffer.subarray(0, length).toString("utf8");
  } finally {
    closeSync(fd);
  }
}

/**
 * Why `path` cannot be a file obsgen wrote in the output directory, or undefined: obsgen's paths
 * are relative, with forward slashes, and without `.`, `..` or empty segments.
 */
export function unsafePath(path: string): string | undefined {
  if (path === "") return "is empty";
  if (path.startsWith("/") || /^[A-Za-z]:/.test(path)) return "is an absolute path; entries are relative to the output directory";
  if (path.includes("\\")) return "holds a backslash; entries use forward slashes";
  if (/[\u0000-\u001f\u007f]/.test(path)) return "holds a control character";
  const segments = path.split("/");
  if (segments.some((s) => s === ".." || s === "." || s === "")) return "leaves or re-enters the output directory (a \"..\", \".\" or empty segment)";
  if (path === MANIFEST_PATH) return "is the manifest itself";
  return undefined;
}

/**
 * Why acting on `path` in `dir` could reach outside it, or undefined: every directory on the way
 * must be a directory and the file a plain file, none of them a symbolic link (obsgen makes none).
 * A path that does not exist is safe: there is nothing to remove, and writing creates directories.
 */
export function unsafeOnDisk(dir: string, path: string): string | undefined {
  const segments = path.split("/");
  let at = dir;
  for (const [i, segment] of segments.entries()) {
    at = join(at, segment);
    let st;
    try {
      st = lstatSync(at);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "ENOTDIR") return undefined;
      throw e;
    }
    const sofar = segments.slice(0, i + 1).join("/");
    if (st.isSymbolicLink()) return `goes through a symbolic link (${sofar}); obsgen follows no link out of the output directory`;
    const last = i === segments.length - 1;
    if (!last && !st.isDirectory()) return undefined;
    if (last && !st.isFile()) return `is not a plain file on disk (${st.isDirectory() ? "a directory" : "a special file"})`;
  }
  return undefined;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}
