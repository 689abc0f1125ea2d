// What a team gets from `npm install obsgen`: the packed tarball, installed into temporary
// projects (from npm's cache where it can), runs through npx with plain node, brings no package but
// prom-client (the generated module's peer), carries the licenses of the code bundled into it, and
// says how to add the optional preview renderer. A TypeScript project type-checks the generated
// metrics.ts against the installed obsgen/runtime; a plain JavaScript project (no TypeScript, no
// loader) generates metrics.js, imports it with node, records and scrapes.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT } from "../src/cli/exit-codes.js";
import { RENDERER_INSTALL_HINT, RENDERER_PACKAGES } from "../src/cli/preview-renderer.js";
import { ROOT } from "./support/build.ts";

interface PackageJson {
  bin: Record<string, string>;
  files: string[];
  dependencies?: Record<string, string>;
  devDependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
}
const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as PackageJson;

/** What only the reference runtime, the tests or the build use, and their own dependencies. */
const NOT_FOR_CODEGEN = ["e2b", "hono", "@hono/node-server", "@hono/swagger-ui", "@modelcontextprotocol/sdk", "express", "@connectrpc/connect", "@connectrpc/connect-node", "@bufbuild/protobuf", "tsx", "esbuild", "vitest", "typescript", "echarts", "zrender", "@resvg/resvg-js"];
const MAX_INSTALL_BYTES = 60 * 1024 * 1024;
const LICENSES = "dist/cli/THIRD-PARTY-LICENSES.txt";

interface Lockfile {
  packages: Record<string, { version?: string; dependencies?: Record<string, string>; peerDependencies?: Record<string, string> }>;
}

/** Names of the packages in `lock`, reached from `from` through dependencies and peer dependencies. */
function reachable(lock: Lockfile, from: string): Set<string> {
  const names = new Set<string>();
  const queue = [from];
  while (queue.length > 0) {
    const name = queue.pop() ?? "";
    const entry = lock.packages[`node_modules/${name}`];
    if (names.has(name) || entry === undefined) continue;
    names.add(name);
    queue.push(...Object.keys(entry.dependencies ?? {}), ...Object.keys(entry.peerDependencies ?? {}));
  }
  return names;
}

function run(command: string, args: string[], cwd: string) {
  const r = spawnSync(command, args, { cwd, encoding: "utf8", timeout: 180_000, env: { ...process.env, npm_config_audit: "false", npm_config_fund: "false", npm_config_update_notifier: "false" } });
  if (r.error) throw r.error;
  return { code: r.status, out: r.stdout, err: r.stderr };
}
// `--no`: never fetch a package of that name from the registry; `--`: the rest is obsgen's.
const npx = (project: string, ...args: string[]) => run("npx", ["--no", "--", "obsgen", ...args], project);

function bytesUnder(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) total += bytesUnder(p);
    else if (e.isFile()) total += statSync(p).size;
  }
  return total;
}

let work = "";
let project = "";
let jsProject = "";
let packed: { filename: string; files: { path: string }[] };

/** A new project in `work` with the checkout spec and `manifest` as its package.json, obsgen installed. */
function consumerProject(name: string, manifest: Record<string, unknown>): string {
  const dir = join(work, name);
  mkdirSync(join(dir, "metrics-spec"), { recursive: true });
  writeFileSync(join(dir, "package.json"), `${JSON.stringify({ name, version: "1.0.0", private: true, ...manifest }, null, 2)}\n`);
  cpSync(join(ROOT, "test", "fixtures", "package", "checkout.yaml"), join(dir, "metrics-spec", "checkout.yaml"));
  const install = run("npm", ["install", "--prefer-offline", join(work, packed.filename)], dir);
  expect(install.code, install.err).toBe(0);
  return dir;
}

const TSC = join(ROOT, "node_modules", ".bin", "tsc");
/** Strict tsc over `file` in `project`, with node's types (a TypeScript service has @types/node). */
function tscStrict(project: string, file: string) {
  const args = ["--ignoreConfig", "--noEmit", "--strict", "--target", "ES2022", "--module", "NodeNext", "--moduleResolution", "NodeNext"];
  return run(TSC, [...args, "--typeRoots", join(ROOT, "node_modules", "@types"), "--types", "node", file], project);
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "obsgen-package-"));
  // prepack compiles the CLI into dist/cli first.
  const pack = run("npm", ["pack", "--json", "--pack-destination", work], ROOT);
  expect(pack.code, pack.err).toBe(0);
  [packed] = JSON.parse(pack.out) as [typeof packed];

  project = consumerProject("consumer", { type: "module" });
  jsProject = consumerProject("js-consumer", { type: "module" });
}, 300_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("the packed obsgen", () => {
  it("holds the compiled CLI, the licenses of what it bundles, the README and package.json, and no source, test or map", () => {
    const paths = packed.files.map((f) => f.path).sort();
    expect(paths).toContain(manifest.bin["obsgen"]);
    expect(paths).toContain(LICENSES);
    expect(paths).toContain("LICENSE");
    expect(paths).toContain("dist/metrics-runtime/index.js");
    expect(paths).toContain("dist/metrics-runtime/index.d.ts");
    for (const p of paths) expect(p, p).toMatch(/^(dist\/cli\/[\w/-]+\.c?js|dist\/cli\/THIRD-PARTY-LICENSES\.txt|dist\/metrics-runtime\/index\.(js|d\.ts)|LICENSE|README\.md|package\.json)$/);
  });

  it("names every package bundled into the CLI, with its license text, in THIRD-PARTY-LICENSES.txt", () => {
    const meta = JSON.parse(readFileSync(join(ROOT, "dist", "cli.meta.json"), "utf8")) as { inputs: Record<string, unknown> };
    const licenses = readFileSync(join(project, "node_modules", "obsgen", LICENSES), "utf8");
    const bundled = new Set(Object.keys(meta.inputs).flatMap((i) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(i.slice(i.lastIndexOf("node_modules/")))?.[1] ?? []));
    expect(bundled).toContain("zod");
    expect(bundled).toContain("@grafana/grafana-foundation-sdk");
    for (const name of bundled) {
      const { version, license } = JSON.parse(readFileSync(join(ROOT, "node_modules", name, "package.json"), "utf8")) as { version: string; license: string };
      expect(licenses, name).toContain(`${name}@${version} (${license})`);
    }
    expect(licenses).toContain("Apache License");
    expect(licenses).toContain("Permission is hereby granted");
  });

  it("installs nothing but prom-client, the generated module's peer, with its dependencies, and stays under 60 MB", () => {
    const lock = JSON.parse(readFileSync(join(project, "node_modules", ".package-lock.json"), "utf8")) as Lockfile;
    const installed = new Set(Object.keys(lock.packages).map((p) => p.slice(p.lastIndexOf("node_modules/") + "node_modules/".length)));
    expect(installed).toContain("obsgen");
    expect(installed).toContain("prom-client");
    const allowed = new Set(["obsgen", ...reachable(lock, "prom-client")]);
    expect([...installed].filter((name) => !allowed.has(name))).toEqual([]);
    for (const name of NOT_FOR_CODEGEN) expect(installed.has(name), name).toBe(false);
    expect(bytesUnder(join(project, "node_modules"))).toBeLessThan(MAX_INSTALL_BYTES);
  });

  it("runs --help, generate and check through npx", () => {
    const help = npx(project, "--help");
    expect(help.code).toBe(EXIT.ok);
    expect(help.out).toMatch(/^obsgen: one metrics spec/);

    const generate = npx(project, "generate");
    expect(generate.err).toBe("");
    expect(generate.code).toBe(EXIT.ok);
    expect(readFileSync(join(project, "generated", "metrics.ts"), "utf8")).toContain("checkout_request_duration_seconds");

    const check = npx(project, "check");
    expect({ code: check.code, out: check.out, err: check.err }).toEqual({ code: EXIT.ok, out: "obsgen: generated/ is up to date\n", err: "" });
  });

  it("type-checks a TypeScript project's use of the generated metrics.ts against the installed obsgen/runtime, and rejects a wrong label value", () => {
    expect(npx(project, "generate").code).toBe(EXIT.ok);
    const ok = join(project, "app.ts");
    writeFileSync(ok, [
      'import { Registry } from "prom-client";',
      'import type { AnyRegistry } from "obsgen/runtime";',
      'import { createMetrics, type Metrics } from "./generated/metrics.js";',
      "const m: Metrics<AnyRegistry> = createMetrics(new Registry());",
      'm.checkoutRequestTotal.inc({ route: "pay", status: "success" });',
      'm.checkoutRequestDurationSeconds.observe({ route: "cart" }, 0.2);',
      "export const text: Promise<string> = m.registry.metrics();",
      "",
    ].join("\n"));
    const clean = tscStrict(project, ok);
    expect(clean.out + clean.err).toBe("");
    expect(clean.code).toBe(0);

    const wrong = join(project, "wrong.ts");
    writeFileSync(wrong, ['import { createMetrics } from "./generated/metrics.js";', 'createMetrics().checkoutRequestTotal.inc({ route: "refund", status: "success" });', ""].join("\n"));
    const rejected = tscStrict(project, wrong);
    expect(rejected.code).not.toBe(0);
    expect(rejected.out).toMatch(/^wrong\.ts\(2,\d+\): error TS2322: Type '"refund"' is not assignable to type '"cart" \| "pay"'/m);
  });

  it("generates metrics.js and metrics.d.ts for a plain JavaScript project, which node imports without a loader, records and scrapes", () => {
    expect(existsSync(join(jsProject, "node_modules", "typescript"))).toBe(false);
    const generate = npx(jsProject, "generate", "--lang", "js");
    expect(generate.err).toBe("");
    expect(generate.code).toBe(EXIT.ok);
    expect(readdirSync(join(jsProject, "generated")).filter((f) => f.startsWith("metrics."))).toEqual(["metrics.d.ts", "metrics.js"]);
    // CI's plain `obsgen check` keeps to the language that is there.
    expect(npx(jsProject, "check")).toEqual({ code: EXIT.ok, out: "obsgen: generated/ is up to date\n", err: "" });

    writeFileSync(join(jsProject, "app.js"), [
      'import { createMetrics } from "./generated/metrics.js";',
      "const m = createMetrics();",
      'm.checkoutRequestTotal.inc({ route: "pay", status: "success" });',
      'm.checkoutRequestTotal.inc({ route: "pay", status: "success" }, 2);',
      'm.checkoutRequestDurationSeconds.observe({ route: "cart" }, 0.2);',
      'try { m.checkoutRequestTotal.inc({ route: "refund", status: "success" }); } catch (e) { console.error(e.message); }',
      "process.stdout.write(await m.registry.metrics());",
      "",
    ].join("\n"));
    const r = run(process.execPath, ["app.js"], jsProject);
    expect(r.err).toBe('checkout_request_total: label "route" has no value "refund"; allowed: cart, pay\n');
    expect(r.code).toBe(0);
    expect(r.out).toContain("# TYPE checkout_request_total counter\n");
    expect(r.out).toContain('checkout_request_total{route="pay",status="success"} 3\n');
    expect(r.out).toContain('checkout_request_total{route="cart",status="failure"} 0\n');
    expect(r.out).toContain('checkout_request_duration_seconds_bucket{le="0.1",route="cart"} 0\n');
    expect(r.out).toContain('checkout_request_duration_seconds_bucket{le="0.5",route="cart"} 1\n');
    expect(r.out).toContain('checkout_request_duration_seconds_sum{route="cart"} 0.2\n');
    // The base classes come from the installed package, not from a copy in the generated file.
    const resolved = run(process.execPath, ["--input-type=module", "-e", 'process.stdout.write(import.meta.resolve("obsgen/runtime"))'], jsProject);
    expect(relative(jsProject, new URL(resolved.out).pathname)).toBe(join("node_modules", "obsgen", "dist", "metrics-runtime", "index.js"));
  });

  it("types a JavaScript project's calls through metrics.d.ts: checkJs reports a wrong label value", () => {
    const file = join(jsProject, "checked.js");
    writeFileSync(file, ['import { createMetrics } from "./generated/metrics.js";', 'createMetrics().checkoutRequestTotal.inc({ route: "refund", status: "success" });', ""].join("\n"));
    const args = ["--ignoreConfig", "--noEmit", "--allowJs", "--checkJs", "--strict", "--target", "ES2022", "--module", "NodeNext", "--moduleResolution", "NodeNext"];
    const r = run(TSC, [...args, "--typeRoots", join(ROOT, "node_modules", "@types"), "--types", "node", file], jsProject);
    expect(r.out).toMatch(/^checked\.js\(2,\d+\): error TS2322: Type '"refund"' is not assignable to type '"cart" \| "pay"'/m);
    expect(r.out.trim().split("\n")).toHaveLength(1);
  });

  it("says in one line how to install the preview renderer when it is absent", () => {
    const r = npx(project, "preview");
    expect(r.code).toBe(EXIT.toolMissing);
    expect(r.err).toBe(`obsgen preview: the preview renderer is not installed; add it with \`${RENDERER_INSTALL_HINT}\`\n`);
  });
});

describe("package.json", () => {
  it("declares the preview renderer's packages, and only those, as optional peers", () => {
    const optional = Object.entries(manifest.peerDependenciesMeta).filter(([, m]) => m.optional).map(([name]) => name);
    expect(optional.sort()).toEqual([...RENDERER_PACKAGES].sort());
    for (const name of RENDERER_PACKAGES) expect(manifest.peerDependencies[name]).toBe(manifest.devDependencies[name]);
  });

  it("has no dependencies: codegen's packages are bundled into dist/cli at build time", () => {
    expect(manifest.dependencies).toBeUndefined();
  });
});
