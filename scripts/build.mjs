#!/usr/bin/env node
// `npm run build`: compiles obsgen's two programs and the generated module's runtime library to
// ES modules that plain `node` runs, with no TypeScript loader at run time. Type checking is
// `npm run typecheck`.
//
//   node scripts/build.mjs [cli] [runtime] [metrics-runtime] [--prune]     (no target: all)
//
// - cli → dist/cli/obsgen.js, the published `obsgen` bin (package.json "bin", "files"), and
//   dist/cli/commands.cjs, every command's modules. `obsgen --help` loads nothing but the entry; a
//   command runs the commands bundle, whose modules are still evaluated only when that command
//   imports them (only `preview` loads the renderer). The bundle is CommonJS because node runs a
//   script, not an ES module, with V8's code cache on Node 20 (src/cli/code-cache.ts): each run
//   after the first takes the compiled code of the command's functions from the user's cache
//   directory instead of compiling them again. Codegen's packages (zod, yaml, the Grafana SDK,
//   lezer) are bundled in: a run reads two files instead of a few hundred from node_modules, and
//   the package installs no dependency of its own. Their licenses go to
//   dist/cli/THIRD-PARTY-LICENSES.txt. The optional renderer (echarts, resvg: native code) and
//   prom-client (the generated module's peer) stay imports of the user's node_modules.
//   dist/cli.meta.json, esbuild's metafiles of both, says which packages each file holds (for tests).
// - runtime → dist/runtime/main.js, the reference git runtime (`npm start`, the Dockerfile). It is
//   self-contained: its packages (hono, the MCP SDK, e2b, prom-client) are devDependencies of this
//   repository, bundled here, so they never reach a team that installs obsgen, and the runtime image
//   needs no node_modules. The E2B provider is a chunk loaded only when E2B_API_KEY is set. Their
//   licenses go to dist/runtime/THIRD-PARTY-LICENSES.txt.
// - metrics-runtime → dist/metrics-runtime/index.js and index.d.ts, the package's `obsgen/runtime`
//   export (package.json "exports"): the enum metric base classes and error helpers every generated
//   metrics module imports. prom-client stays an import: it is the user's dependency (a peer), so
//   the registry the generated module creates is the same prom-client the service uses. The types
//   are tsc's declaration emit of the same source. In this repository the generated module's
//   `obsgen/runtime` resolves to the TypeScript source instead (tsconfig "paths", which tsx and
//   esbuild follow too, and vitest.config.ts's alias), so nothing here needs a build to run.
//
// Every file is written under a temporary name and renamed into place, and nothing is deleted:
// a program started from dist/ while another build runs (tests start several) never loads half a
// file. `--prune` (run by `prepack`) removes the files under dist/cli this build did not write
// (the chunks of earlier builds), so a packed tarball holds nothing stale.
import { chmodSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { spawnSync } from "node:child_process";
import * as esbuild from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const srcDir = join(root, "src") + sep;
// The compiled CLI's runCommand: it exists only inside dist/cli/obsgen.js, where import.meta.url
// is the entry's own and names the directory that holds commands.cjs.
const COMPILED_RUN_COMMAND = join(root, "src", "cli", "run-command.compiled.ts");

// A module of ours that reads a file next to itself — readFileSync(new URL("./file", import.meta.url),
// "utf8") — gets that file's text inlined: the package ships no src/, and a bundle's import.meta.url
// is the bundle's, not the module's. Any other use of import.meta.url fails the build here rather
// than at a user's run.
const SIBLING_READ = /readFileSync\(new URL\(("\.\/[^"]+"), import\.meta\.url\), "utf8"\)/g;
const inlineSiblingReads = {
  name: "inline-sibling-reads",
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => {
      if (!args.path.startsWith(srcDir) || args.path === COMPILED_RUN_COMMAND) return undefined;
      const text = readFileSync(args.path, "utf8");
      if (!text.includes("import.meta.url")) return undefined;
      const watchFiles = [];
      const contents = text.replace(SIBLING_READ, (_, literal) => {
        const file = fileURLToPath(new URL(JSON.parse(literal), pathToFileURL(args.path)));
        watchFiles.push(file);
        return JSON.stringify(readFileSync(file, "utf8"));
      });
      if (contents.includes("import.meta.url")) {
        return { errors: [{ text: `${relative(root, args.path)} uses import.meta.url, which a bundle cannot keep; read a file next to the module with readFileSync(new URL("./file", import.meta.url), "utf8")` }] };
      }
      return { contents, loader: "ts", watchFiles };
    });
  },
};

const METRICS_RUNTIME_SOURCE = "src/generators/metrics-module/enum-metrics.ts";

// The generated module imports the package's own `obsgen/runtime` export. The reference runtime's
// bundle takes it from the source, not from dist/metrics-runtime, so it needs no other target built
// first and no tsconfig.json (the Dockerfile copies only package.json, scripts, src and generated).
const metricsRuntimeFromSource = {
  name: "metrics-runtime-from-source",
  setup(build) {
    build.onResolve({ filter: /^obsgen\/runtime$/ }, () => ({ path: join(root, METRICS_RUNTIME_SOURCE) }));
  },
};

// Each Grafana SDK package's index (CommonJS, which esbuild cannot tree-shake) re-exports its
// builders for the v2 dashboard schema too, and those load the whole v2 schema (dashboardv2,
// dashboardv2beta1): a third of the SDK's code, run on every start, for builders obsgen never calls
// (it writes v1 dashboards). The CLI's bundle takes each index without the files that need the v2
// schema; a use of a dropped export would be undefined, which the golden tests would show.
const V2_SCHEMA = /require\("\.\.\/dashboardv2(beta1)?"\)/;
const grafanaWithoutV2 = {
  name: "grafana-sdk-without-v2",
  setup(build) {
    build.onLoad({ filter: /[\\/]@grafana[\\/]grafana-foundation-sdk[\\/]dist[\\/][^\\/]+[\\/]index\.js$/ }, (args) => {
      const dir = dirname(args.path);
      const text = readFileSync(args.path, "utf8");
      const contents = text.replace(/^tslib_1\.__exportStar\(require\("\.\/([\w.]+)"\), exports\);$/gm, (line, file) => (V2_SCHEMA.test(readFileSync(join(dir, `${file}.js`), "utf8")) ? "" : line));
      return { contents, loader: "js", resolveDir: dir };
    });
  },
};

// The spec's JSON Schema (src/model/spec-schema.ts) is a function of the zod schema alone, that
// is of obsgen's code, never of a spec: the CLI's bundle holds it converted here, once per build,
// instead of converting the zod schema on every run. test/cli-startup.test.ts compares what the
// compiled CLI writes with what the source converts.
const SPEC_SCHEMA_MODULE = join(root, "src", "model", "spec-schema.ts");
async function specJsonSchemaAtBuild() {
  const out = await esbuild.build({ ...common, splitting: false, entryPoints: [SPEC_SCHEMA_MODULE], outfile: join(root, "dist", "spec-schema.mjs"), metafile: false });
  const tmp = join(root, "dist", `.spec-schema.${process.pid}.mjs`);
  mkdirSync(dirname(tmp), { recursive: true });
  writeFileSync(tmp, out.outputFiles[0].contents);
  try {
    return JSON.stringify((await import(pathToFileURL(tmp).href)).specJsonSchema());
  } finally {
    rmSync(tmp, { force: true });
  }
}
const specSchemaConverted = {
  name: "spec-schema-converted",
  setup(build) {
    build.onLoad({ filter: /[\\/]src[\\/]model[\\/]spec-schema\.ts$/ }, async (args) => {
      if (args.path !== SPEC_SCHEMA_MODULE) return undefined;
      const json = await specJsonSchemaAtBuild();
      // A fresh object per call, parsed from the text, which no caller can change for the next one
      // (as the source's frozen, shared object): freezing it all cost a cold run more than parsing.
      const contents = `export function specJsonSchema() { return JSON.parse(${JSON.stringify(json)}); }`;
      return { contents, loader: "ts", resolveDir: dirname(args.path) };
    });
  },
};

// esbuild writes strings, regexes and identifiers in ASCII but keeps the comments of bundled code
// as they are, a few with typographic quotes or dashes. An ASCII bundle is read by node as a
// one-byte string, several milliseconds faster per start than decoding UTF-8 into a two-byte one
// (src/cli/code-cache.ts), so the rest is escaped too: \uXXXX is the same character in a string,
// template or regex literal, and plain text in a comment.
function asciiOnly(text) {
  return new TextEncoder().encode(text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`));
}

// In dist/cli/obsgen.js, main's runCommand is the one that runs dist/cli/commands.cjs.
const compiledRunCommand = {
  name: "compiled-run-command",
  setup(build) {
    build.onResolve({ filter: /^\.\/run-command\.js$/ }, (args) => (args.importer === join(root, "src", "cli", "main.ts") ? { path: COMPILED_RUN_COMMAND } : undefined));
  },
};

// Bundled CommonJS packages call require() for node's modules, which an ES module lacks.
const requireBanner = { js: 'import { createRequire as __obsgenCreateRequire } from "node:module"; const require = __obsgenCreateRequire(import.meta.url);' };

/** The packages (name → directory) whose files went into a bundle, from esbuild's metafile. */
function bundledPackages(metafile) {
  const packages = new Map();
  for (const input of Object.keys(metafile.inputs)) {
    const at = input.lastIndexOf("node_modules/");
    if (at < 0) continue;
    const [scope = "", base = ""] = input.slice(at + "node_modules/".length).split("/");
    const name = scope.startsWith("@") ? `${scope}/${base}` : scope;
    packages.set(name, join(root, input.slice(0, at), "node_modules", name));
  }
  return new Map([...packages].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Every bundled package's name, version, license and license files, as their licenses require. */
function thirdPartyLicenses(target, packages) {
  const sections = [];
  for (const [name, dir] of packages) {
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    const files = readdirSync(dir).filter((f) => /^(licen[cs]e|notice|copying|copyrightnotice)/i.test(f)).sort();
    const texts = files.length > 0 ? files.map((f) => readFileSync(join(dir, f), "utf8").trim()) : ["(the package ships no license file)"];
    sections.push([`${name}@${pkg.version} (${pkg.license})`, "", ...texts].join("\n"));
  }
  return `dist/${target} includes code of these packages, under these licenses.\n\n${sections.join(`\n\n${"-".repeat(78)}\n\n`)}\n`;
}

const common = {
  absWorkingDir: root,
  bundle: true,
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  platform: "node",
  format: "esm",
  target: "node20",
  write: false,
  logLevel: "error",
  plugins: [inlineSiblingReads],
};

const TARGETS = {
  cli: {
    entryPoints: { obsgen: "src/cli/bin.ts" },
    outdir: join(root, "dist", "cli"),
    splitting: false,
    plugins: [inlineSiblingReads, compiledRunCommand],
    metafile: true,
    // Built with the entry, into the same directory: what the entry's runCommand runs.
    commands: {
      entryPoints: { commands: "src/cli/run-command.ts" },
      format: "cjs",
      splitting: false,
      outExtension: { ".js": ".cjs" },
      plugins: [inlineSiblingReads, grafanaWithoutV2, specSchemaConverted],
      external: ["echarts", "@resvg/resvg-js", "prom-client"],
      // No keepNames: an unminified bundle keeps our function names in stack traces already (but for
      // the few esbuild renames to avoid a clash, e.g. `generate2`), and keepNames wraps every nested
      // function in a __name() call when it is created, which made a watched regeneration a third
      // slower (docs/performance.md, "Watch mode").
      metafile: true,
    },
  },
  runtime: {
    entryPoints: { main: "src/runtime/main.ts" },
    outdir: join(root, "dist", "runtime"),
    plugins: [inlineSiblingReads, metricsRuntimeFromSource],
    sourcemap: "linked",
    banner: requireBanner,
    metafile: true,
  },
  "metrics-runtime": {
    entryPoints: { index: METRICS_RUNTIME_SOURCE },
    outdir: join(root, "dist", "metrics-runtime"),
    external: ["prom-client"],
    metafile: true,
  },
};

/** tsc's declarations for the metrics runtime, as dist/metrics-runtime/index.d.ts. */
function metricsRuntimeDeclarations() {
  const tmp = join(root, "dist", `.metrics-runtime-dts.${process.pid}`);
  const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
  const args = ["--ignoreConfig", "--declaration", "--emitDeclarationOnly", "--strict", "--target", "ES2022", "--module", "NodeNext", "--moduleResolution", "NodeNext"];
  const r = spawnSync(process.execPath, [tsc, ...args, "--types", "node", "--skipLibCheck", "--outDir", tmp, join(root, METRICS_RUNTIME_SOURCE)], { encoding: "utf8" });
  try {
    if (r.status !== 0) throw new Error(`build: tsc could not declare ${METRICS_RUNTIME_SOURCE}:\n${r.stdout}${r.stderr}`);
    return readFileSync(join(tmp, "enum-metrics.d.ts"));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

const args = process.argv.slice(2);
const prune = args.includes("--prune");
const names = args.filter((a) => a !== "--prune");
for (const name of names) {
  if (!(name in TARGETS)) {
    process.stderr.write(`build: unknown target "${name}" (targets: ${Object.keys(TARGETS).join(", ")})\n`);
    process.exit(3);
  }
}

for (const name of names.length > 0 ? names : Object.keys(TARGETS)) {
  const { commands, ...target } = TARGETS[name];
  const result = await esbuild.build({ ...common, ...target });
  if (commands) {
    const more = await esbuild.build({ ...common, ...commands, outdir: target.outdir });
    result.outputFiles.push(...more.outputFiles);
    result.metafile = { inputs: { ...result.metafile.inputs, ...more.metafile.inputs }, outputs: { ...result.metafile.outputs, ...more.metafile.outputs } };
  }
  const outputs = result.outputFiles.map((f) => ({ path: f.path, contents: f.path.endsWith(".cjs") ? asciiOnly(f.text) : f.contents }));
  const text = (s) => new TextEncoder().encode(s);
  const packages = bundledPackages(result.metafile);
  if (packages.size > 0) outputs.push({ path: join(target.outdir, "THIRD-PARTY-LICENSES.txt"), contents: text(thirdPartyLicenses(name, packages)) });
  if (name === "metrics-runtime") outputs.push({ path: join(target.outdir, "index.d.ts"), contents: metricsRuntimeDeclarations() });
  outputs.push({ path: join(root, "dist", `${name}.meta.json`), contents: text(`${JSON.stringify(result.metafile)}\n`) });
  const written = new Set();
  for (const file of outputs) {
    mkdirSync(dirname(file.path), { recursive: true });
    const tmp = `${file.path}.${process.pid}.tmp`;
    writeFileSync(tmp, file.contents);
    // The entry keeps src/cli/bin.ts's #! line: npm links it as the `obsgen` command.
    if (file.contents[0] === 0x23 && file.contents[1] === 0x21) chmodSync(tmp, 0o755);
    renameSync(tmp, file.path);
    written.add(file.path);
  }
  if (prune && name === "cli") {
    for (const f of readdirSync(target.outdir, { recursive: true, withFileTypes: true })) {
      const path = join(f.parentPath ?? f.path, f.name);
      if (f.isFile() && !written.has(path)) rmSync(path, { force: true });
    }
    rmSync(join(target.outdir, "chunks"), { recursive: true, force: true });
  }
}
