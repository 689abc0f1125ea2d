// The first YAML syntax error of a file, in plain words. The yaml library reports every error its
// recovery meets, so one indentation slip becomes a cascade of messages about "implicit keys" and
// "compact mappings"; only the first is real, and it needs saying in the spec author's terms.
import type { LineCounter, YAMLError } from "yaml";
import type { Issue } from "../conventions/issue.js";
import { RULES } from "../conventions/rules.js";

interface Plain {
  message: string;
  hint: string;
  /** Offset to report at, when the real culprit is not where the library stopped. */
  at?: number;
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

/** A line indented deeper than the key line above it continues that key's value: the slip is there. */
function overIndentedLineAfter(text: string, offset: number): number | undefined {
  const start = text.lastIndexOf("\n", offset - 1) + 1;
  const end = text.indexOf("\n", offset);
  if (end < 0) return undefined;
  const keyLine = text.slice(start, end);
  let next = end + 1;
  while (next < text.length) {
    const stop = text.indexOf("\n", next);
    const line = text.slice(next, stop < 0 ? text.length : stop);
    if (line.trim() !== "" && !line.trimStart().startsWith("#")) {
      return indentOf(line) > indentOf(keyLine) && /^\s*[^\s:]+:(\s|$)/.test(line) ? next + indentOf(line) : undefined;
    }
    if (stop < 0) return undefined;
    next = stop + 1;
  }
  return undefined;
}

function describe(error: YAMLError, text: string): Plain {
  const offset = error.pos[0];
  switch (error.code) {
    case "TAB_AS_INDENT":
      return { message: "a tab indents this line; YAML indents with spaces only", hint: "replace the tab with spaces, as many as the line's siblings have" };
    case "BAD_INDENT":
      return error.message.startsWith("Flow")
        ? { message: "a [ … ] list is not closed before the next line", hint: "close it with ] on the same line, or indent its continuation deeper than its key" }
        : { message: "this line's indentation does not match its siblings: items of one mapping or list start at the same column", hint: "indent it with as many spaces as the line above it (or as its parent's other keys)" };
    case "BLOCK_AS_IMPLICIT_KEY":
    case "MULTILINE_IMPLICIT_KEY": {
      const culprit = overIndentedLineAfter(text, offset);
      if (culprit !== undefined) {
        return {
          message: "this line is indented deeper than the key above it, so YAML reads it as the rest of that key's value",
          hint: "indent it like its sibling keys (the same number of spaces as the line above)",
          at: culprit,
        };
      }
      return { message: "a value contains \": \", which YAML reads as the start of another key", hint: "quote the value: key: \"text: more text\"" };
    }
    case "DUPLICATE_KEY":
      return { message: "this key appears twice in the same mapping", hint: "remove one of them, or merge their contents" };
    case "MISSING_CHAR":
      return { message: error.message.split("\n")[0]?.replace(/^Missing closing "?quote/, "a quoted string is never closed") ?? "a closing character is missing", hint: "close the quote or bracket on the line it starts" };
    default:
      return { message: error.message.split("\n")[0] ?? error.code, hint: "fix the YAML syntax here" };
  }
}

/** The file's first YAML syntax error as an issue; nothing else is checked until the file parses. */
export function firstYamlError(file: string, text: string, errors: readonly YAMLError[], lines: LineCounter): Issue[] {
  const first = [...errors].sort((a, b) => a.pos[0] - b.pos[0])[0];
  if (!first) return [];
  const plain = describe(first, text);
  const pos = lines.linePos(plain.at ?? first.pos[0]);
  return [{
    severity: "error",
    code: RULES.yamlSyntax.code,
    message: `YAML syntax: ${plain.message}`,
    file,
    line: pos.line,
    column: pos.col,
    path: "",
    hint: `${plain.hint}; nothing else in the file is checked until it parses`,
  }];
}
