// `--lang ts|js` of generate and check: the metrics module as metrics.ts, or as metrics.js with
// metrics.d.ts. Without the flag both use the language of the module already in --out, so CI's
// plain `obsgen check` checks a JavaScript project's module instead of reporting it as extra.
import { MODULE_LANGS, type ModuleLang } from "../../generators/metrics-module/generate.js";
import { detectModuleLang, parseModuleLang } from "../../output/module-lang.js";
import { UsageError } from "../exit-codes.js";

export const langOption = { lang: { type: "string" } } as const;

/** `--lang`, or the language of the module already in `out` (TypeScript when there is none). */
export function resolveLang(flag: string | undefined, out: string): ModuleLang {
  if (flag === undefined) return detectModuleLang(out);
  const lang = parseModuleLang(flag);
  if (lang === undefined) throw new UsageError(`--lang: "${flag}" is not a module language; use ${MODULE_LANGS.join(" or ")}`);
  return lang;
}
