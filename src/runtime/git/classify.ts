// Every failure of a git operation becomes one of the guide's error types, from what git printed
// or from the SandboxError the provider threw.
import { type ErrorType, SandboxError } from "../sandbox/provider.ts";

const AUTH = /Authentication failed|could not read (Username|Password)|terminal prompts disabled|The requested URL returned error: 40[13]|HTTP 40[13]|Permission denied \(publickey|Host key verification failed|invalid credentials|access denied/i;
const TIMEOUT = /Operation timed out|Operation too slow|timed out after/i;
const NETWORK = /Could not resolve host|unable to look up|unable to connect to|Connection refused|Failed to connect|Couldn't connect|Network is unreachable|No route to host|Connection reset|Connection timed out|Empty reply from server|unable to access|early EOF|remote end hung up unexpectedly|Recv failure|SSL_connect|Could not read from remote repository/i;
const CONFLICT = /CONFLICT|could not apply|non-fast-forward|\[rejected\]|Updates were rejected/;

/** The error type of a git command that exited non-zero, from its stderr. */
export function classifyGitOutput(stderr: string): ErrorType {
  if (AUTH.test(stderr)) return "auth";
  if (TIMEOUT.test(stderr)) return "timeout";
  if (CONFLICT.test(stderr)) return "conflict";
  if (NETWORK.test(stderr)) return "network";
  return "other";
}

/** A failed operation: its error type, a message fit for the caller, and conflicting files. */
export class GitFailure extends Error {
  constructor(
    readonly errorType: ErrorType,
    message: string,
    readonly conflictingFiles: readonly string[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "GitFailure";
  }
}

export function toGitFailure(error: unknown): GitFailure {
  if (error instanceof GitFailure) return error;
  if (error instanceof SandboxError) return new GitFailure(error.errorType, error.message, [], { cause: error });
  const message = error instanceof Error ? error.message : String(error);
  return new GitFailure("other", message, [], { cause: error });
}
