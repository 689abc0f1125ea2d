// Generates from spec text in memory and loads the generated metrics module the way a service
// would: transpiled (esbuild, as tsx does) and imported by a separate node process, which prints
// each module's exposition. A module that runs code on import shows it by writing a marker file.
// Its `obsgen/runtime` import resolves as in a project that installed obsgen: node_modules/obsgen
// is this repository, with its compiled dist/metrics-runtime.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve as resolvePath } from "node:path";
import { transformSync } from "esbuild";
import type { Artifact, GenerateOptions } from "../../src/generators/artifact.js";
import { generate } from "../../src/generators/index.js";
import { METRICS_MODULE_PATH } from "../../src/generators/metrics-module/generate.js";
import { hasErrors, type Issue } from "../../src/conventions/issue.js";
import { resolve } from "../../src/pipeline/load.js";
import { parseSpecText } from "../../src/spec/load.js";

export type Generated = { ok: true; artifacts: Artifact[]; issues: Issue[] } | { ok: false; issues: Issue[] };

/** What `obsgen generate` does with one spec file's text, without touching the disk. */
export function generateFromText(text: string, file = "spec.yaml", options: GenerateOptions = {}): Generated {
  const parsed = parseSpecText(file, text);
  const result = resolve(parsed.spec ? [parsed.spec] : [], parsed.issues);
  if (!result.model || hasErrors(result.issues)) return { ok: false, issues: result.issues };
  return { ok: true, artifacts: generate(result.model, options), issues: result.issues };
}

export function artifact(artifacts: readonly Artifact[], path: string): string {
  const found = artifacts.find((a) => a.path === path);
  if (!found) throw new Error(`no artifact ${path} among ${artifacts.map((a) => a.path).join(", ")}`);
  return found.content;
}

export function metricsModule(artifacts: readonly Artifact[]): string {
  return artifact(artifacts, METRICS_MODULE_PATH);
}

/**
 * A scratch directory whose node_modules holds this repository's packages (so prom-client and
 * @types/node resolve) and obsgen itself, with the metrics runtime built: the generated module's
 * `obsgen/runtime` resolves to dist/metrics-runtime's JavaScript for node and its .d.ts for tsc.
 */
export function scratchDir(prefix: string): { dir: string; dispose: () => void } {
  buildMetricsRuntime();
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const modules = join(dir, "node_modules");
  mkdirSync(modules);
  for (const name of readdirSync(resolvePath("node_modules"))) {
    if (name.startsWith(".")) continue;
    symlinkSync(resolvePath("node_modules", name), join(modules, name), "dir");
  }
  symlinkSync(resolvePath("."), join(modules, "obsgen"), "dir");
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Builds dist/metrics-runtime, the package's `obsgen/runtime` export (atomic: tests may race). */
export function buildMetricsRuntime(): void {
  const r = spawnSync(process.execPath, [resolvePath("scripts", "build.mjs"), "metrics-runtime"], { encoding: "utf8", timeout: 120_000 });
  if (r.status !== 0) throw new Error(`building the metrics runtime failed: ${r.stderr}`);
}

const IMPORTER = `
const out = {};
for (const file of process.argv.slice(2)) {
  const m = await import("./" + file);
  out[file] = await m.createMetrics().registry.metrics();
}
process.stdout.write(JSON.stringify(out));
`;

/**
 * Imports each module source in one child node process (cwd `dir`) and returns each one's
 * exposition text, in order: TypeScript transpiled, JavaScript (`--lang js`) as it is. Throws with
 * the child's output when it fails.
 */
export function importModules(dir: string, sources: readonly string[], lang: "ts" | "js" = "ts"): string[] {
  const files = sources.map((source, i) => {
    const file = `module-${lang}-${i}.mjs`;
    writeFileSync(join(dir, file), lang === "js" ? source : transformSync(source, { loader: "ts", format: "esm", target: "node20" }).code);
    return file;
  });
  writeFileSync(join(dir, "importer.mjs"), IMPORTER);
  const r = spawnSync(process.execPath, ["importer.mjs", ...files], { cwd: dir, encoding: "utf8", timeout: 120_000, maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`importing generated modules failed (exit ${String(r.status)}):\n${r.stderr}`);
  const exposition = JSON.parse(r.stdout) as Record<string, string>;
  return files.map((f) => exposition[f] ?? "");
}

/** Prometheus text format's escaping of HELP text (prom-client does the same). */
export function escapedHelp(help: string): string {
  return help.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}
