// How spec text (help, titles, descriptions, label values, file names) enters generated files.
// Nothing a spec says may change the code or structure of a generated file, so every string that
// is not serialized by a library (YAML documents, JSON.stringify, the Grafana SDK) goes through one
// of these. The spec loader already rejects control characters, line separators and bidi controls
// (OBS004); these functions do not rely on that, so they stay safe if that policy loosens.

/** Every line terminator of JavaScript, YAML 1.1 (go-yaml, which Prometheus uses) and HTML. */
const LINE_TERMINATORS = /\r\n|[\n\r\u0085\u2028\u2029]/g;
/** C0 and C1 control characters other than tab and line feed (those are handled above). */
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

function hex4(ch: string): string {
  return `\\u${(ch.codePointAt(0) ?? 0).toString(16).padStart(4, "0")}`;
}

/** One line of text: line terminators become spaces, other control characters visible escapes. */
export function singleLine(text: string): string {
  return text.replace(LINE_TERMINATORS, " ").replace(CONTROLS, hex4);
}

/**
 * A TypeScript/JavaScript string literal, double-quoted. JSON.stringify escapes quotes,
 * backslashes, control characters and unpaired surrogates; U+2028/U+2029 are legal in literals
 * since ES2019 but not to every tool that reads the file, so they (and NEL, a line break to
 * YAML 1.1 readers) are escaped too.
 */
export function tsStringLiteral(text: string): string {
  return JSON.stringify(text).replace(/[\u0085\u2028\u2029]/g, hex4);
}

/** Text for the inside of a one-line block or doc comment: it can neither end the comment nor the line. */
export function tsComment(text: string): string {
  return singleLine(text).replace(/\*\//g, "*\\/");
}

/** Text for a line comment (`//` in TypeScript, `#` in YAML): it cannot end the line. */
export function lineComment(text: string): string {
  return singleLine(text);
}

/** Text for the inside of an HTML/Markdown comment: no `--`, so `-->` or `--!>` cannot end it. */
export function htmlComment(text: string): string {
  return singleLine(text).replace(/-(?=-)/g, "- ");
}

/**
 * Text for a GFM table cell: one line, no unescaped `|` (which would split the cell; a backslash
 * is escaped first so that `\|` in the text cannot un-escape the pipe) and no raw HTML (`<`).
 */
export function markdownCell(text: string): string {
  return singleLine(text).replace(/[\\|]/g, "\\$&").replace(/</g, "&lt;");
}

/** Text for one Markdown paragraph: a table cell's escaping, and no block marker at its start. */
export function markdownParagraph(text: string): string {
  const cell = markdownCell(text).trimStart();
  // A heading, quote, list item, thematic break, fence or setext underline starts with one of these.
  return cell.replace(/^([#>+\-=*_~`])/, "\\$1").replace(/^(\d+)([.)])/, "$1\\$2");
}

/** A code span outside tables: one line, fenced by more backticks than any run inside. */
export function markdownCode(text: string): string {
  const body = singleLine(text);
  const longest = Math.max(0, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  const pad = /^[` ]|[` ]$/.test(body) ? " " : "";
  return `${fence}${pad}${body}${pad}${fence}`;
}

/**
 * A code span for a GFM table cell. A pipe splits the cell even inside a code span, and a
 * backslash before it cannot be escaped there unambiguously, so such text is plain cell text.
 */
export function markdownCodeInCell(text: string): string {
  return /[\\|]/.test(text) ? markdownCell(text) : markdownCode(text);
}
