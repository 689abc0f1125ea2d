// Where a project's root is, so nothing obsgen writes depends on the directory it runs from:
// generated headers name spec files relative to the root, and the default spec and output
// directories are the root's, from any subdirectory.
import { existsSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";

const MARKER = "package.json";

/** The nearest directory at or above `dir` that holds a package.json. */
export function findProjectRoot(dir: string): string | undefined {
  for (let d = resolve(dir); ; d = dirname(d)) {
    if (existsSync(join(d, MARKER))) return d;
    if (dirname(d) === d) return undefined;
  }
}

/**
 * The root of the project a spec path belongs to: the nearest package.json above it, or else the
 * directory that holds the spec directory (a repository without package.json).
 */
export function projectRootOf(specPath: string): string {
  const abs = resolve(specPath);
  const specDir = existsSync(abs) && statSync(abs).isDirectory() ? abs : dirname(abs);
  return findProjectRoot(specDir) ?? dirname(specDir);
}

/** `file` as a forward-slash path relative to `root`. */
export function projectRelative(file: string, root: string): string {
  const rel = relative(root, isAbsolute(file) ? file : resolve(file));
  return rel.split("\\").join("/");
}

/** A default directory (metrics-spec, generated) at the project root, as a path from `cwd`. */
export function projectDefault(name: string, cwd: string): string {
  const root = findProjectRoot(cwd);
  if (root === undefined) return name;
  return relative(cwd, join(root, name)).split("\\").join("/") || ".";
}
