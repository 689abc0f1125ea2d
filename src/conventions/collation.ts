// The order obsgen sorts names in: String.prototype.localeCompare's (ICU's root collation), which
// generated files have always used. The first localeCompare of a process loads ICU's collator,
// which costs a cold CLI run several milliseconds; names made of lowercase letters, digits and
// underscores (metric names, as specs write them) are compared here in the very same order
// without it: in that collation the underscore sorts before digits, digits before letters, and
// a prefix before the longer name. Anything else goes to localeCompare.

const SIMPLE = /^[a-z0-9_]*$/;

function rank(code: number): number {
  // "_" 0, "0"–"9" 1–10, "a"–"z" 11–36.
  return code === 0x5f ? 0 : code <= 0x39 ? code - 0x2f : code - 0x56;
}

/** localeCompare's order (negative, zero or positive), without ICU for simple names. */
export function compareNames(a: string, b: string): number {
  if (!SIMPLE.test(a) || !SIMPLE.test(b)) return a.localeCompare(b);
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = rank(a.charCodeAt(i)) - rank(b.charCodeAt(i));
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}
