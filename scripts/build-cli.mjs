#!/usr/bin/env node
// Builds the start-up snapshot bin/obsgen runs: esbuild bundles src/cli into one CommonJS file, and
// `node --build-snapshot` evaluates it (see src/cli/snapshot-entry.ts) and freezes the heap into a
// blob. Both are written under a temporary name and renamed, so a concurrent run never sees half a
// blob. The blob's mtime is set to when this build started, so a source saved during the build
// still counts as newer and triggers the next rebuild.
import { spawnSync } from "node:child_process";
import { mkdirSync, renameSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const cacheDir = process.env.OBSGEN_CACHE_DIR || join(root, ".cache", "obsgen");
const started = new Date();

// zod re-exports every locale through `z.locales`; obsgen reports its own messages and zod's are
// configured in English, so the snapshot carries only that one (a quarter of the bundle less).
const englishOnlyZod = {
  name: "english-only-zod",
  setup(build) {
    build.onResolve({ filter: /\/locales\/index\.js$/ }, (args) =>
      args.importer.includes(join("node_modules", "zod")) ? { path: "zod-locales", namespace: "english-only-zod" } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "english-only-zod" }, () => ({
      contents: 'export { default as en } from "zod/v4/locales/en.js";',
      resolveDir: root,
    }));
  },
};

async function bundle(outfile) {
  const esbuild = await import("esbuild");
  await esbuild.build({
    entryPoints: [join(root, "src/cli/snapshot-entry.ts")],
    outfile,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    // Loaded on demand by `obsgen preview` only; they cannot live in a snapshot (native addon).
    external: ["echarts", "@resvg/resvg-js"],
    // runtime-source.ts is the one module that reads a file next to itself; it does so while the
    // snapshot is built, from the real source tree.
    define: { "import.meta.url": JSON.stringify(pathToFileURL(join(root, "src/generators/metrics-module/runtime-source.ts")).href) },
    minify: true,
    // Stack traces of internal errors keep their function names.
    keepNames: true,
    plugins: [englishOnlyZod],
    logLevel: "error",
  });
}

function snapshot(script, blob) {
  const r = spawnSync(process.execPath, ["--snapshot-blob", blob, "--build-snapshot", script], { cwd: root, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`node --build-snapshot failed (exit ${r.status}):\n${r.stderr}`);
}

const tag = `${process.pid}`;
const script = join(cacheDir, `cli.${tag}.cjs`);
const blobTmp = join(cacheDir, `cli.${tag}.blob.tmp`);
try {
  mkdirSync(cacheDir, { recursive: true });
  await bundle(script);
  snapshot(script, blobTmp);
  utimesSync(blobTmp, started, started);
  // The node binary is part of the key: a blob only loads into the node that built it.
  writeFileSync(join(cacheDir, "node"), `${process.env.OBSGEN_NODE ?? process.execPath}\n`);
  renameSync(blobTmp, join(cacheDir, "cli.blob"));
} catch (e) {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
} finally {
  rmSync(script, { force: true });
  rmSync(blobTmp, { force: true });
}
