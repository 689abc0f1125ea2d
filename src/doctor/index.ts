// `obsgen doctor`: what a project needs for obsgen to work, each checked and, when missing, with
// the command that fixes it. It only reads: it changes nothing.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { generate } from "../generators/index.js";
import { formatIssue, SpecError } from "../conventions/issue.js";
import { loadModel } from "../pipeline/load.js";
import { compare, hasDrift } from "../output/files.js";
import { findProjectRoot } from "../spec/project.js";
import { findTool, TOOLS_INSTALL } from "../validate/index.js";

const MIN_NODE_MAJOR = 20;

export interface Diagnosis {
  what: string;
  ok: boolean;
  /** What was found (a version, a path), or what is wrong. */
  detail: string;
  /** The command that fixes it, when not ok. */
  fix?: string;
}

export interface DoctorOptions {
  cwd: string;
  spec: string;
  out: string;
  /** PATH to look tools up on; the process's by default. */
  path?: string;
}

function nodeVersion(): Diagnosis {
  const major = Number(process.versions.node.split(".")[0]);
  return major >= MIN_NODE_MAJOR
    ? { what: "node", ok: true, detail: process.versions.node }
    : { what: "node", ok: false, detail: `${process.versions.node} is older than ${MIN_NODE_MAJOR}`, fix: `install Node.js ${MIN_NODE_MAJOR} or later` };
}

function tool(name: string, path: string | undefined): Diagnosis {
  const found = findTool(name, path);
  if (found === undefined) return { what: name, ok: false, detail: "not found on PATH", fix: TOOLS_INSTALL };
  const r = spawnSync(found, ["--version"], { encoding: "utf8", timeout: 30_000 });
  const version = `${r.stdout ?? ""}${r.stderr ?? ""}`.split("\n")[0]?.trim() ?? "";
  return { what: name, ok: true, detail: version !== "" ? `${found} (${version})` : found };
}

/**
 * The generated module imports prom-client and obsgen/runtime when the service runs, so both must
 * be the project's run-time dependencies: a `devDependencies` entry is pruned by `npm ci --omit=dev`.
 */
function runtimeDependency(cwd: string, name: "prom-client" | "obsgen", probe: string): Diagnosis {
  const root = findProjectRoot(cwd) ?? cwd;
  const fix = `npm install ${name}`;
  let resolved: string;
  try {
    resolved = createRequire(join(root, "package.json")).resolve(probe);
  } catch {
    return { what: name, ok: false, detail: "not installed in this project; the generated metrics module imports it", fix };
  }
  const manifest = readManifest(join(root, "package.json"));
  if (manifest !== undefined && manifest.dependencies?.[name] === undefined && manifest.devDependencies?.[name] !== undefined) {
    return { what: name, ok: false, detail: "a devDependency, but the generated module imports it at run time (npm ci --omit=dev drops it)", fix };
  }
  return { what: name, ok: true, detail: name === "obsgen" ? dirname(resolved) : resolved };
}

interface Manifest {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

function readManifest(path: string): Manifest | undefined {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as Manifest;
  } catch {
    return undefined;
  }
}

function specAndOutput(spec: string, out: string): Diagnosis[] {
  if (!existsSync(spec)) return [{ what: "spec", ok: false, detail: `${spec} does not exist`, fix: "npx obsgen init" }];
  try {
    const { model, warnings } = loadModel(spec);
    const names = model.services.map((s) => s.name).join(", ");
    const specOk: Diagnosis = { what: "spec", ok: true, detail: `${spec}: ${model.services.length} service(s) (${names})${warnings.length > 0 ? `, ${warnings.length} warning(s)` : ""}` };
    const drift = compare(generate(model), out);
    const stale = drift.stale.length + drift.edited.length + drift.missing.length + drift.obsolete.length + (drift.manifest !== undefined ? 1 : 0);
    return [specOk, hasDrift(drift)
      ? { what: "generated", ok: false, detail: `${out}/ is out of date with the spec (${stale} file(s))`, fix: "npx obsgen generate" }
      : { what: "generated", ok: true, detail: `${out}/ is up to date` }];
  } catch (e) {
    if (!(e instanceof SpecError)) throw e;
    const first = e.issues.find((i) => i.severity === "error");
    return [{ what: "spec", ok: false, detail: first ? formatIssue(first).split("\n")[0] ?? "" : "invalid", fix: "npx obsgen check (lists every error)" }];
  }
}

export function diagnose(opts: DoctorOptions): Diagnosis[] {
  return [nodeVersion(), tool("promtool", opts.path), tool("amtool", opts.path), runtimeDependency(opts.cwd, "prom-client", "prom-client"), runtimeDependency(opts.cwd, "obsgen", "obsgen/package.json"), ...specAndOutput(opts.spec, opts.out)];
}
