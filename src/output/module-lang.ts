// Which language a project's metrics module is generated in. `--lang` says it; without the flag,
// the output directory does: a generated metrics.js there means a JavaScript project. So a team
// passes `--lang js` once, and every later `obsgen generate` and the CI's `obsgen check` keep the
// JavaScript module instead of replacing it with metrics.ts (or reporting it as obsolete). The
// manifest says which module obsgen wrote; a directory an older obsgen wrote has none, and there
// metrics.js's generated header does.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { isGeneratedHeader } from "../conventions/artifact.js";
import { readManifest } from "./manifest.js";
import { METRICS_MODULE_JS_PATH, MODULE_LANGS, type ModuleLang } from "../conventions/module.js";

/** A module language's name, or undefined when `text` names none. */
export function parseModuleLang(text: string): ModuleLang | undefined {
  return MODULE_LANGS.find((l) => l === text);
}

/** The language `dir` holds a generated module in: TypeScript unless it holds generated JavaScript. */
export function detectModuleLang(dir: string): ModuleLang {
  const manifest = readManifest(dir);
  if (manifest !== undefined) return manifest.has(METRICS_MODULE_JS_PATH) ? "js" : "ts";
  return isGeneratedModule(join(dir, METRICS_MODULE_JS_PATH)) ? "js" : "ts";
}

function isGeneratedModule(file: string): boolean {
  if (!existsSync(file)) return false;
  const [first = ""] = readFileSync(file, "utf8").slice(0, 600).split("\n", 1);
  return isGeneratedHeader(first);
}
