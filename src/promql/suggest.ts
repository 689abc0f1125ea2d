// "Did you mean …": the closest known name by edit distance, when it is close enough to be a typo.
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charAt(i - 1) === b.charAt(j - 1) ? 0 : 1;
      cur.push(Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost));
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

export function closest(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  // Between equally close names, one the typo is the start of wins ("rat": rate, not rad).
  const sorted = [...candidates].sort((a, b) => Number(!a.startsWith(name)) - Number(!b.startsWith(name)) || (a < b ? -1 : a > b ? 1 : 0));
  for (const c of sorted) {
    const d = editDistance(name, c);
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  if (best !== undefined && bestDistance <= Math.max(2, Math.floor(name.length / 3))) return best;
  // A truncated name ("error" for "error_type") is far by edit distance but plainly meant.
  return [...candidates].sort().find((c) => name.length >= 3 && (c.startsWith(name) || name.startsWith(c)));
}

export function didYouMean(name: string, candidates: Iterable<string>): string {
  const c = closest(name, candidates);
  return c !== undefined ? ` (did you mean "${c}"?)` : "";
}
