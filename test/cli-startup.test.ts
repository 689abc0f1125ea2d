// The compiled CLI (dist/cli/obsgen.js, the package's bin): plain node, no loader, each command's
// packages loaded only when that command runs — proven by recording every module the process
// loads (test/support/trace-imports.mjs): a package counts as loaded when a file of it in
// node_modules is, or a file of dist/cli that bundles it (esbuild's metafile, dist/cli.meta.json) —
// and the same behaviour as the CLI run from source.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { EXIT } from "../src/cli/exit-codes.js";
import { buildDist, CLI_ENTRY, ROOT } from "./support/build.ts";

const TRACE = join(ROOT, "test", "support", "trace-imports.mjs");

function packageOf(path: string): string | undefined {
  const at = path.lastIndexOf("node_modules/");
  if (at < 0) return undefined;
  const [scope = "", base = ""] = path.slice(at + "node_modules/".length).split("/");
  return scope.startsWith("@") ? `${scope}/${base}` : scope;
}

/** Output file (relative to ROOT) → the packages bundled into it. */
function bundledPackages(): Map<string, Set<string>> {
  const meta = JSON.parse(readFileSync(join(ROOT, "dist", "cli.meta.json"), "utf8")) as { outputs: Record<string, { inputs: Record<string, unknown> }> };
  const out = new Map<string, Set<string>>();
  for (const [file, { inputs }] of Object.entries(meta.outputs)) {
    out.set(file, new Set(Object.keys(inputs).flatMap((i) => packageOf(i) ?? [])));
  }
  return out;
}

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "obsgen-startup-"));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

beforeAll(() => buildDist("cli"));

function node(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: "utf8", env: { ...process.env, ...env }, timeout: 120_000 });
  if (r.error) throw r.error;
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Runs the compiled CLI and returns its result and the packages it loaded (imported or bundled). */
function traced(args: string[]) {
  const log = join(tempDir(), "imports.log");
  const r = node(["--import", TRACE, CLI_ENTRY, ...args], { OBSGEN_TRACE_IMPORTS: log });
  const urls = readFileSync(log, "utf8").split("\n").filter(Boolean);
  const bundled = bundledPackages();
  const packages = new Set<string>();
  for (const url of urls.filter((u) => u.startsWith("file:"))) {
    const path = relative(ROOT, fileURLToPath(url));
    const own = packageOf(path);
    if (own) packages.add(own);
    for (const p of bundled.get(path) ?? []) packages.add(p);
  }
  return { ...r, urls, packages: [...packages].sort() };
}

describe("the compiled obsgen bin", () => {
  it("starts as plain JavaScript with a node shebang", () => {
    expect(readFileSync(CLI_ENTRY, "utf8").split("\n")[0]).toBe("#!/usr/bin/env node");
  });

  it("answers --help without loading any package", () => {
    const r = traced(["--help"]);
    expect(r.code).toBe(EXIT.ok);
    expect(r.out).toContain("usage: obsgen <command>");
    // The trace saw the CLI itself, so an empty package list means none was loaded.
    expect(r.urls).toContain(`file://${CLI_ENTRY}`);
    expect(r.packages).toEqual([]);
  });

  it("runs check with the codegen packages and without the preview renderer", () => {
    const r = traced(["check"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(EXIT.ok);
    expect(r.packages).toEqual(expect.arrayContaining(["@grafana/grafana-foundation-sdk", "zod", "yaml", "@prometheus-io/lezer-promql"]));
    expect(r.packages).not.toContain("echarts");
    expect(r.packages).not.toContain("@resvg/resvg-js");
  });

  it("loads the preview renderer for preview only", () => {
    // The renderer is imported before the spec is read, so a missing spec is enough to see it.
    const r = traced(["preview", "--spec", join(tempDir(), "absent"), "--out", tempDir()]);
    expect(r.code).toBe(EXIT.usage);
    expect(r.packages).toEqual(expect.arrayContaining(["echarts", "@resvg/resvg-js"]));
  });
});

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

describe("the compiled obsgen bin and the CLI run from source", () => {
  const compiled = (args: string[]) => node([CLI_ENTRY, ...args]);
  const fromSource = (args: string[]) => node(["--import", "tsx", "src/cli/bin.ts", ...args]);

  it("generate the same bytes", () => {
    const a = join(tempDir(), "out");
    const b = join(tempDir(), "out");
    expect(compiled(["generate", "--out", a]).code).toBe(EXIT.ok);
    expect(fromSource(["generate", "--out", b]).code).toBe(EXIT.ok);
    const files = tree(a);
    expect(files.size).toBeGreaterThan(10);
    expect(files).toEqual(tree(b));
  });

  // validate spawns promtool and amtool; an invalid spec, --help and an unknown command take the
  // error paths of main.
  it("print the same output and exit with the same codes", () => {
    const exits: (number | null)[] = [];
    for (const args of [["generate", "--spec", "test/fixtures/invalid/bad-metric-type.yaml", "--out", join(tempDir(), "x")], ["--help"], ["nope"], ["check", "--nope"], ["lint"], ["validate"]]) {
      const bin = compiled(args);
      const src = fromSource(args);
      expect(src.code, args.join(" ")).not.toBe(EXIT.internal);
      expect({ args, code: bin.code, out: bin.out, err: bin.err }).toEqual({ args, code: src.code, out: src.out, err: src.err });
      exits.push(bin.code);
    }
    expect(exits).toEqual([EXIT.invalidSpec, EXIT.ok, EXIT.usage, EXIT.usage, EXIT.ok, EXIT.ok]);
    // validate runs promtool's rule tests of the bundled spec (about 20 s) once per build.
  }, 240_000);
});
