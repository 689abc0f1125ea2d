#!/usr/bin/env node
// `npm run build`: compiles the runtime (and later the CLI: add it to ENTRY_POINTS) to ES modules
// under dist/ that plain `node` runs, with no TypeScript loader at run time. esbuild bundles our
// own sources (src/ and generated/) into one file per entry point and leaves every package in
// node_modules as an import. Modules imported with a dynamic import() (the E2B provider) become
// chunks of their own, so their packages load only when used. Type checking is `npm run typecheck`.
//
// Every file is written under a temporary name and renamed into place, and nothing is deleted:
// a runtime started from dist/ while another build runs (tests start several) never loads half a
// file, and a chunk it may still import lazily stays where it was.
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outdir = join(root, "dist");

/** Output path (without .js) under dist/ → source. */
const ENTRY_POINTS = {
  "runtime/main": "src/runtime/main.ts",
};

const result = await esbuild.build({
  absWorkingDir: root,
  entryPoints: ENTRY_POINTS,
  outdir,
  bundle: true,
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  sourcemap: "linked",
  write: false,
  logLevel: "error",
});

for (const file of result.outputFiles) {
  mkdirSync(dirname(file.path), { recursive: true });
  const tmp = `${file.path}.${process.pid}.tmp`;
  writeFileSync(tmp, file.contents);
  renameSync(tmp, file.path);
}
