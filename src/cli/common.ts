// Options every command that reads the spec shares.
import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "./exit-codes.js";

export const DEFAULT_SPEC = "metrics-spec";
export const DEFAULT_OUT = "generated";

export function parseCommandArgs<T extends NonNullable<ParseArgsConfig["options"]>>(args: string[], options: T) {
  try {
    return parseArgs({ args, options: { ...options, help: { type: "boolean", short: "h" } }, allowPositionals: false, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

export const specOptions = {
  spec: { type: "string", default: DEFAULT_SPEC },
  out: { type: "string", default: DEFAULT_OUT },
} as const;
