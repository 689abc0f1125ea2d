// One finding about a spec, located like a compiler diagnostic.
export type Severity = "error" | "warning";

/** A path inside a spec document: keys and list indexes. */
export type DocPath = readonly (string | number)[];

export interface Position {
  line: number;
  column: number;
}

export interface Issue extends Position {
  severity: Severity;
  code: string;
  message: string;
  file: string;
  /** Path inside the document, e.g. dashboards[0].rows[1].panels[3].queries[0].expr */
  path: string;
  hint?: string;
}

export function formatPath(path: readonly (string | number)[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(part)) out += out === "" ? part : `.${part}`;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out;
}

export function compareIssues(a: Issue, b: Issue): number {
  return (
    a.file.localeCompare(b.file) ||
    a.line - b.line ||
    a.column - b.column ||
    a.code.localeCompare(b.code) ||
    a.message.localeCompare(b.message)
  );
}

export function formatIssue(issue: Issue): string {
  // Line 0 means the issue is about the file or directory as a whole (e.g. no spec files in it).
  const at = issue.line > 0 ? `${issue.file}:${issue.line}:${issue.column}` : `${issue.file}:`;
  const head = `${at} ${issue.severity} ${issue.code} ${issue.message}`;
  const where = issue.path ? `\n    at ${issue.path}` : "";
  const hint = issue.hint ? `\n    hint: ${issue.hint}` : "";
  return head + where + hint;
}

export function hasErrors(issues: readonly Issue[]): boolean {
  return issues.some((i) => i.severity === "error");
}

/** Thrown when a spec is invalid; carries every issue of the run. */
export class SpecError extends Error {
  constructor(readonly issues: readonly Issue[]) {
    super(issues.filter((i) => i.severity === "error").map(formatIssue).join("\n"));
    this.name = "SpecError";
  }
}
