// Collects issues for one spec file, turning document paths into file:line:column.
import type { DocPath, SpecSource } from "../spec/source.js";
import { formatPath, type Issue, type Severity } from "../conventions/issue.js";
import type { RuleInfo } from "../conventions/rules.js";

export interface ReportOptions {
  hint?: string;
  /** Point at the map key rather than its value (e.g. a bad metric name). */
  key?: boolean;
  /** A character offset inside the string value at `path` (e.g. inside a PromQL expression). */
  offset?: number;
}

export class Reporter {
  readonly issues: Issue[] = [];

  constructor(readonly source: SpecSource) {}

  error(rule: RuleInfo, path: DocPath, message: string, opts: ReportOptions = {}): void {
    this.add("error", rule, path, message, opts);
  }

  warning(rule: RuleInfo, path: DocPath, message: string, opts: ReportOptions = {}): void {
    this.add("warning", rule, path, message, opts);
  }

  private add(severity: Severity, rule: RuleInfo, path: DocPath, message: string, opts: ReportOptions): void {
    const pos =
      opts.offset !== undefined
        ? this.source.locateInScalar(path, opts.offset)
        : this.source.locate(path, { key: opts.key ?? false });
    const issue: Issue = {
      severity,
      code: rule.code,
      message,
      file: this.source.file,
      line: pos.line,
      column: pos.column,
      path: formatPath(path),
    };
    if (opts.hint !== undefined) issue.hint = opts.hint;
    this.issues.push(issue);
  }
}
