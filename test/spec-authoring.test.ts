import { describe, expect, it } from "vitest";
import { type Issue } from "../src/conventions/issue.js";
import { BUNDLED_SPEC, BUNDLED_TEXT, issuesOf } from "./support/spec-edits.js";

/** The bundled spec with one line changed by `edit`; returns the text and the changed line's number. */
function withLine(find: string, edit: (line: string) => string): { text: string; line: number } {
  const lines = BUNDLED_TEXT.split("\n");
  const i = lines.findIndex((l) => l.includes(find));
  lines[i] = edit(lines[i] ?? "");
  return { text: lines.join("\n"), line: i + 1 };
}

const show = (issues: readonly Issue[]): string[] => issues.map((i) => `${i.line}:${i.column} ${i.code} ${i.message}`);

describe("YAML syntax errors", () => {
  const HELP = "help: Latency of git operations";

  it("reports one indentation slip once, at the over-indented line, in plain words", () => {
    const { text, line } = withLine(HELP, (l) => ` ${l}`);
    const issues = issuesOf(text);
    expect(show(issues)).toEqual([`${line}:6 OBS001 YAML syntax: this line is indented deeper than the key above it, so YAML reads it as the rest of that key's value`]);
    expect(issues[0]?.hint).toMatch(/^indent it like its sibling keys/);
  });

  it("reports a line indented less than its siblings once, at its start", () => {
    const { text, line } = withLine(HELP, (l) => l.slice(1));
    expect(show(issuesOf(text))).toEqual([`${line}:1 OBS001 YAML syntax: this line's indentation does not match its siblings: items of one mapping or list start at the same column`]);
  });

  it("reports a tab used as indentation once", () => {
    const { text, line } = withLine(HELP, (l) => `\t${l.trimStart()}`);
    expect(show(issuesOf(text))).toEqual([`${line}:1 OBS001 YAML syntax: a tab indents this line; YAML indents with spaces only`]);
  });

  it("tells to quote a value that contains a colon and a space", () => {
    const { text, line } = withLine(HELP, (l) => `${l} note: x`);
    const issues = issuesOf(text);
    expect(show(issues)).toEqual([`${line}:11 OBS001 YAML syntax: a value contains ": ", which YAML reads as the start of another key`]);
    expect(issues[0]?.hint).toContain('quote the value');
  });
});

describe("unknown fields", () => {
  it("proposes the field the schema allows at that place: bucket → buckets", () => {
    const { text, line } = withLine("buckets: [0.1, 0.5", (l) => l.replace("buckets:", "bucket:"));
    const issues = issuesOf(text);
    expect(show(issues)).toEqual([`${line}:5 OBS002 unknown field "bucket" (did you mean "buckets"?)`]);
    expect(issues[0]?.hint).toBe("fields allowed here: buckets, help, labels, suppress, type, unit");
  });

  it("proposes a field of the object form of a label, not of the metric around it", () => {
    const { text } = withLine("fallback: other", (l) => l.replace("fallback:", "fallbak:"));
    expect(issuesOf(text).map((i) => i.message)).toEqual(['unknown field "fallbak" (did you mean "fallback"?)']);
  });

  it("proposes nothing when no allowed field is close", () => {
    const { text } = withLine("buckets: [0.1, 0.5", (l) => l.replace("buckets:", "zzz:"));
    expect(issuesOf(text).map((i) => i.message)).toEqual(['unknown field "zzz"']);
  });
});

describe("suggested names are valid names", () => {
  it("does not propose renaming an invalid counter name to another invalid one", () => {
    const text = BUNDLED_TEXT.replace("git_conflicts_detected_total:", "git-conflicts-detected:");
    const issues = issuesOf(text, BUNDLED_SPEC);
    const suffix = issues.find((i) => i.code === "OBS013");
    expect(suffix?.hint).not.toContain("git-conflicts-detected_total");
    expect(issues.some((i) => i.code === "OBS010")).toBe(true);
    const fixable = issuesOf(BUNDLED_TEXT.replace("git_conflicts_detected_total:", "git_conflicts_detected:")).find((i) => i.code === "OBS013");
    expect(fixable?.hint).toMatch(/^rename it to "git_conflicts_detected_total"/);
  });
});
