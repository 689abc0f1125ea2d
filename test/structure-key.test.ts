// The key under which generated YAML documents are reused (src/generators/structure-key.ts): two
// values with one key must serialize alike, or a watched save would write a stale document.
import fc from "fast-check";
import { Document } from "yaml";
import { describe, expect, it } from "vitest";
import { structureKey } from "../src/generators/structure-key.js";

const yamlOf = (v: unknown): string => new Document(v, { aliasDuplicateObjects: false }).toString({ lineWidth: 0 });

describe("structureKey", () => {
  it("gives values that serialize differently different keys, across random plain data drawn from few constants", () => {
    // Few constants, so that random pairs often share a key.
    const leaf = fc.constantFrom<unknown>(0, -0, 1, "1", "0", "", NaN, Infinity, -Infinity, null, undefined, true, "true", "null", "s1", "n1");
    const value = fc.letrec<{ v: unknown }>((tie) => ({
      v: fc.oneof({ depthSize: "small" }, leaf, fc.array(tie("v"), { maxLength: 3 }), fc.dictionary(fc.constantFrom("a", "b", "s"), tie("v"), { maxKeys: 2 })),
    })).v;
    fc.assert(
      fc.property(value, value, (a, b) => {
        const ka = structureKey(a);
        const kb = structureKey(b);
        if (ka !== undefined && ka === kb) expect(yamlOf(a)).toBe(yamlOf(b));
      }),
      { numRuns: 3000 },
    );
  });

  it("tells apart what JSON alone would confuse: 1 and \"1\", 0 and -0, NaN and null, key order, undefined in a list", () => {
    const pairs: [unknown, unknown][] = [
      [1, "1"],
      [0, -0],
      [NaN, null],
      [Infinity, "nInfinity"],
      [{ a: 1, b: 2 }, { b: 2, a: 1 }],
      [[undefined], [null]],
    ];
    for (const [a, b] of pairs) expect(structureKey(a)).not.toBe(structureKey(b));
  });

  it("gives no key to data a serializer may read beyond its plain fields", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const v of [new Date(0), new Map([["a", 1]]), { at: new Date(0) }, [() => 1], { toJSON: () => "x" }, 10n, cyclic]) expect(structureKey(v)).toBeUndefined();
  });
});
