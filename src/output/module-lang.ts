// Which language a project's metrics module is generated in. `--lang` says it; without the flag,
// the output directory does: a generated metrics.js there means a JavaScript project. So a team
// passes `--lang js` once, and every later `obsgen generate` and the CI's `obsgen check` keep the
// JavaScript module instead of replacing it with metrics.ts (or reporting it as extra).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { isGeneratedHeader } from "../conventions/artifact.js";
import { METRICS_MODULE_JS_PATH, MODULE_LANGS, type ModuleLang } from "../conventions/module.js";

/** A module language's name, or undefined when `text` names none. */
export function parseModuleLang(text: string): ModuleLang | undefined {
  return MODULE_LANGS.find((l) => l === text);
}

/** The language `dir` holds a generated module in: TypeScript unless it holds generated JavaScript. */
export function detectModuleLang(dir: string): ModuleLang {
  return isGeneratedModule(join(dir, METRICS_MODULE_JS_PATH)) ? "js" : "ts";
}

function isGeneratedModule(file: string): boolean {
  if (!existsSync(file)) return false;
  const [first = ""] = readFileSync(file, "utf8").slice(0, 600).split("\n", 1);
  return isGeneratedHeader(first);
}
