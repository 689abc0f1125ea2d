// Materialises the base side of a diff: a directory as it is, or a git ref's spec files copied
// into a temporary directory with `git ls-tree` / `git show`, so both sides load the same way.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import type { Artifact } from "../conventions/artifact.js";

export interface BaseSpec {
  /** What the user named: a directory or a git ref. */
  label: string;
  /** The spec file or directory to load. */
  specPath: string;
  /** Removes the temporary copy, if one was made. */
  dispose(): void;
}

export class BaseError extends Error {}

function git(args: readonly string[], cwd: string): { ok: boolean; stdout: string; stderr: string } {
  const r = spawnSync("git", args, { cwd, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw new BaseError(`git could not run: ${r.error.message}`);
  return { ok: r.status === 0, stdout: r.stdout, stderr: r.stderr.trim() };
}

/**
 * Resolves `base` (a directory or spec file, or a git ref in the repository at `cwd`) to a spec
 * path. A directory may be a checkout (holding `specPath`) or a spec directory itself.
 */
export function materializeBase(base: string, specPath: string, cwd: string): BaseSpec {
  const asPath = resolve(cwd, base);
  if (existsSync(asPath)) {
    const inside = join(asPath, specPath);
    const dir = statSync(asPath).isDirectory();
    return { label: base, specPath: dir && existsSync(inside) ? inside : asPath, dispose: () => undefined };
  }
  const commit = git(["rev-parse", "--verify", "--quiet", `${base}^{commit}`], cwd);
  if (!commit.ok) throw new BaseError(`--base "${base}" is neither a directory nor a git commit, branch or tag here`);
  const rel = relative(cwd, resolve(cwd, specPath)).split("\\").join("/");
  const listed = git(["ls-tree", "-r", "--name-only", base, "--", rel], cwd);
  if (!listed.ok) throw new BaseError(`git ls-tree ${base} -- ${rel} failed: ${listed.stderr}`);
  const files = listed.stdout.split("\n").filter((f) => f !== "" && (f === rel || /\.ya?ml$/.test(f)));
  if (files.length === 0) throw new BaseError(`"${base}" has no spec at ${rel}`);
  const dir = mkdtempSync(join(tmpdir(), "obsgen-base-"));
  try {
    for (const file of files) {
      // ls-tree names files relative to cwd; `git show <ref>:./<path>` reads them relative to cwd too.
      const shown = git(["show", `${base}:./${file}`], cwd);
      if (!shown.ok) throw new BaseError(`git show ${base}:${file} failed: ${shown.stderr}`);
      const target = join(dir, file);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, shown.stdout);
    }
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return { label: base, specPath: join(dir, rel), dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else out.push(relative(dir, full).split("\\").join("/"));
    }
  };
  walk(dir);
  return out;
}

/**
 * The base's committed generated files (`out` inside a checkout directory or at a git ref), to
 * tell output that a generator change altered from output the spec change altered. Undefined
 * when the base has none (a bare spec directory or file).
 */
export function readBaseGenerated(base: string, out: string, cwd: string): Artifact[] | undefined {
  const asPath = resolve(cwd, base);
  if (existsSync(asPath)) {
    const dir = statSync(asPath).isDirectory() ? join(asPath, out) : undefined;
    if (dir === undefined || !existsSync(dir) || !statSync(dir).isDirectory()) return undefined;
    return filesUnder(dir).map((path) => ({ path, content: readFileSync(join(dir, path), "utf8") }));
  }
  const rel = relative(cwd, resolve(cwd, out)).split("\\").join("/");
  const listed = git(["ls-tree", "-r", "--name-only", base, "--", rel], cwd);
  if (!listed.ok) return undefined;
  const files = listed.stdout.split("\n").filter((f) => f !== "");
  if (files.length === 0) return undefined;
  return files.map((file) => {
    const shown = git(["show", `${base}:./${file}`], cwd);
    if (!shown.ok) throw new BaseError(`git show ${base}:${file} failed: ${shown.stderr}`);
    return { path: relative(rel, file).split("\\").join("/"), content: shown.stdout };
  });
}
