// What a caller gets back from an operation, over HTTP and MCP alike: the git runtime's result, or
// one of the two refusals that happen before git runs — invalid input and no free sandbox slot.
import type { FieldProblem, Operation } from "./git/input.ts";
import type { OperationResult } from "./git/runtime.ts";

/** Every sandbox slot stayed busy while the request waited (HTTP 503 with Retry-After). */
export interface BusyResult {
  ok: false;
  operation: Operation;
  error: { type: "busy"; message: string; retry_after_seconds: number };
}

/** The request is invalid; each issue names its field (HTTP 400). */
export interface ValidationResult {
  ok: false;
  operation: Operation;
  error: { type: "validation"; message: string; issues: readonly FieldProblem[] };
}

export type RunResult = OperationResult | BusyResult;

export function validationResult(operation: Operation, message: string, issues: readonly FieldProblem[]): ValidationResult {
  return { ok: false, operation, error: { type: "validation", message, issues } };
}
