// Options every command that reads the spec shares.
import { parseArgs, type ParseArgsConfig } from "node:util";
import { projectDefault } from "../spec/project.js";
import { UsageError } from "./exit-codes.js";

export const DEFAULT_SPEC = "metrics-spec";
export const DEFAULT_OUT = "generated";

/** Defaults that name a directory at the project root, not in the working directory. */
const PROJECT_DEFAULTS: ReadonlySet<string> = new Set([DEFAULT_SPEC, DEFAULT_OUT]);

export function parseCommandArgs<T extends NonNullable<ParseArgsConfig["options"]>>(args: string[], options: T, opts: { positionals?: boolean } = {}) {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { ...options, help: { type: "boolean", short: "h" } }, allowPositionals: opts.positionals ?? false, strict: true, tokens: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  // Resolved at run time, never at import: the start-up snapshot must not keep a build-time cwd.
  const given = new Set(parsed.tokens.flatMap((t) => (t.kind === "option" ? [t.name] : [])));
  const values = parsed.values as Record<string, unknown>;
  for (const [name, option] of Object.entries(options)) {
    const fallback = option.default;
    if (!given.has(name) && typeof fallback === "string" && PROJECT_DEFAULTS.has(fallback)) values[name] = projectDefault(fallback, process.cwd());
  }
  return parsed;
}

export const specOptions = {
  spec: { type: "string", default: DEFAULT_SPEC },
  out: { type: "string", default: DEFAULT_OUT },
} as const;
