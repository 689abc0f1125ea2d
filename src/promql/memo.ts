// Parsing PromQL and compiling RE2 regexes are pure functions of their text, and one run asks for
// the same texts many times (a spec alert is parsed by the query check, the on-call check, the
// rewrites and the generators; `generate --watch` asks again on every save). The results are kept
// by their text, frozen so that no caller can change what the next one receives, in a map of
// bounded size so a long watch session editing many queries does not grow without end.

/** Least recently used entries go first once `max` texts are held. */
export function memoByText<T>(compute: (text: string) => T, max: number): (text: string) => T {
  const held = new Map<string, T>();
  return (text) => {
    const hit = held.get(text);
    if (hit !== undefined || held.has(text)) {
      // Re-inserting moves the entry to the young end of the map's insertion order.
      held.delete(text);
      held.set(text, hit as T);
      return hit as T;
    }
    const value = compute(text);
    held.set(text, value);
    if (held.size > max) {
      const oldest = held.keys().next();
      if (oldest.done !== true) held.delete(oldest.value);
    }
    return value;
  };
}

/** Freezes plain objects and arrays all the way down; other objects (a parse tree, a compiled regex) are left as they are. */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== "object" || value === null || Object.isFrozen(value)) return value;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== Array.prototype && proto !== null) return value;
  Object.freeze(value);
  for (const v of Object.values(value)) deepFreeze(v);
  return value;
}
