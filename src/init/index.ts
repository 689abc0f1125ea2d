// `obsgen init`: a starter spec in a team's repository, and the package.json scripts to run it.
// It never overwrites: an existing spec file or script is left as it is.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join, relative, resolve } from "node:path";
import { findProjectRoot } from "../spec/project.js";
import { SPEC_SCHEMA_PATH } from "../generators/spec-schema/generate.js";
import { starterSpec } from "./starter-spec.js";

export const SERVICE_NAME = /^[a-z][a-z0-9-]*$/;
const SPEC_DIR = "metrics-spec";
const OUT_DIR = "generated";

export class InitRefused extends Error {}

export interface InitOptions {
  cwd: string;
  service?: string;
  /** Spec directory, from cwd; default: metrics-spec at the project root. */
  dir?: string;
}

export interface InitResult {
  /** The spec file written, as a path from cwd. */
  specFile: string;
  /** package.json scripts added (name → command); none when there is no package.json. */
  scripts: Record<string, string>;
  /** Scripts left alone because the package already has a script of that name. */
  keptScripts: string[];
  packageJson?: string;
}

/** A service name from a package name or directory: "@acme/Checkout API" → "checkout-api". */
export function serviceNameFrom(text: string): string | undefined {
  const name = text.replace(/^@[^/]*\//, "").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^[^a-z]+|-+$/g, "");
  return SERVICE_NAME.test(name) ? name : undefined;
}

function readPackage(file: string): { text: string; json: Record<string, unknown> } | undefined {
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, "utf8");
  const json: unknown = JSON.parse(text);
  if (json === null || typeof json !== "object" || Array.isArray(json)) throw new InitRefused(`${file} is not a JSON object`);
  return { text, json: json as Record<string, unknown> };
}

/** Re-serializes package.json as it was written: its indentation, line endings and final newline. */
function formatLike(original: string, json: unknown): string {
  const indent = /^[{[]\r?\n([ \t]+)\S/.exec(original)?.[1] ?? "  ";
  const eol = original.includes("\r\n") ? "\r\n" : "\n";
  const body = JSON.stringify(json, null, indent).replace(/\n/g, eol);
  return original.endsWith("\n") ? body + eol : body;
}

function posix(path: string): string {
  return path.split("\\").join("/") || ".";
}

export function initProject(opts: InitOptions): InitResult {
  const root = findProjectRoot(opts.cwd) ?? resolve(opts.cwd);
  const pkgFile = join(root, "package.json");
  const pkg = readPackage(pkgFile);
  const service = opts.service ?? serviceNameFrom(typeof pkg?.json.name === "string" ? pkg.json.name : "") ?? serviceNameFrom(basename(root)) ?? "my-service";
  if (!SERVICE_NAME.test(service)) throw new InitRefused(`"${service}" is not a service name: use lower-case letters, digits and "-", starting with a letter (e.g. checkout-api)`);

  const specDir = opts.dir !== undefined ? resolve(opts.cwd, opts.dir) : join(root, SPEC_DIR);
  const specPath = join(specDir, `${service}.yaml`);
  const shown = posix(relative(opts.cwd, specPath));
  if (existsSync(specPath)) throw new InitRefused(`${shown} already exists; obsgen init never overwrites a spec (edit it, or pass --service for another one)`);

  const outDir = join(root, OUT_DIR);
  mkdirSync(specDir, { recursive: true });
  writeFileSync(specPath, starterSpec({ service, schemaPath: posix(relative(specDir, join(outDir, SPEC_SCHEMA_PATH))) }), { flag: "wx" });

  const result: InitResult = { specFile: shown, scripts: {}, keptScripts: [] };
  if (!pkg) return result;
  const defaults = specDir === join(root, SPEC_DIR);
  const args = defaults ? "" : ` --spec ${posix(relative(root, specDir))}`;
  const wanted: Record<string, string> = { generate: `obsgen generate${args}`, check: `obsgen check${args}` };
  const scripts = pkg.json.scripts && typeof pkg.json.scripts === "object" && !Array.isArray(pkg.json.scripts) ? { ...(pkg.json.scripts as Record<string, unknown>) } : {};
  for (const [name, command] of Object.entries(wanted)) {
    if (name in scripts) {
      if (scripts[name] !== command) result.keptScripts.push(name);
      continue;
    }
    scripts[name] = command;
    result.scripts[name] = command;
  }
  if (Object.keys(result.scripts).length > 0) {
    writeFileSync(pkgFile, formatLike(pkg.text, { ...pkg.json, scripts }));
    result.packageJson = posix(relative(opts.cwd, pkgFile));
  }
  return result;
}
