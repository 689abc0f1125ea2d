// An exact key for the plain data a generator hands to a serializer, so the serialized text can be
// reused when the same data comes again (`generate --watch` rebuilds every document on each save,
// and most of them come out the same). Two values with one key serialize alike under any serializer
// that reads only plain data, because the key keeps all it can see: the order of keys, each value's
// type (1 and "1" differ), -0, NaN and the infinities, undefined inside an array. A value holding
// anything else (a class instance, a Map, a Date, a function, an object with its own toJSON, a
// cycle) has no key, and its text is computed every time.

class NotPlainData extends Error {}

function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null || proto === Array.prototype) && !("toJSON" in value);
}

// JSON.stringify hands the replacer a value after its toJSON ran; `this[key]` is the value as held.
function tagged(this: Record<string, unknown>, key: string): unknown {
  const held = this[key];
  switch (typeof held) {
    case "string":
      return `s${held}`;
    case "number":
      return Number.isFinite(held) && !Object.is(held, -0) ? held : `n${Object.is(held, -0) ? "-0" : String(held)}`;
    case "boolean":
      return held;
    case "undefined":
      // A key whose value is undefined is left out of a mapping by JSON and by YAML alike.
      return Array.isArray(this) ? "u" : undefined;
    case "object":
      if (held === null || isPlainObject(held)) return held;
      throw new NotPlainData();
    default:
      throw new NotPlainData();
  }
}

/** The exact key of `value`, or undefined when it holds anything but plain data. */
export function structureKey(value: unknown): string | undefined {
  try {
    return JSON.stringify(value, tagged);
  } catch (e) {
    if (e instanceof NotPlainData || e instanceof TypeError) return undefined;
    throw e;
  }
}
