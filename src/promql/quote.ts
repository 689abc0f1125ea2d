// PromQL string literals: the grammar's quoted text to its value.
/** The value of a quoted PromQL string ("…", '…' with escapes, or `…` raw). */
export function unquote(s: string): string {
  if (s.startsWith("`")) return s.slice(1, -1);
  const body = s.slice(1, -1);
  return body.replace(/\\(.)/g, (_, ch: string) => ({ n: "\n", t: "\t", r: "\r" })[ch] ?? ch);
}
