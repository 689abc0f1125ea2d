// Documented exit codes (README.md, "Exit codes"). Distinct so CI can tell what went wrong.
export const EXIT = {
  ok: 0,
  /** Drift, lint or validation findings, or breaking changes with --fail-on-breaking. */
  findings: 1,
  invalidSpec: 2,
  usage: 3,
  toolMissing: 4,
  internal: 70,
} as const;

export class UsageError extends Error {}
export class ToolMissingError extends Error {}

/** A failure obsgen did not expect: reported with its stack, for a bug report. */
export function internalError(command: string, e: unknown, err: (text: string) => void): number {
  err(`obsgen ${command}: internal error: ${(e as Error).stack ?? String(e)}`);
  return EXIT.internal;
}
