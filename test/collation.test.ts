import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareNames } from "../src/conventions/collation.js";

const sign = (n: number) => Math.sign(n);

describe("compareNames", () => {
  it("orders names of lowercase letters, digits and underscores exactly as localeCompare does", () => {
    const name = fc.string({ unit: fc.constantFrom(..."abcxyz0129_"), maxLength: 12 });
    fc.assert(
      fc.property(name, name, (a, b) => sign(compareNames(a, b)) === sign(a.localeCompare(b))),
      { numRuns: 5000 },
    );
  });

  it("sorts metric names as localeCompare does, underscores before digits before letters", () => {
    const names = ["git_operation_total", "git_operation_duration_seconds", "git1_total", "gitx", "git", "git_", "a_b", "a1", "ab", "a", "z9", "z_"];
    expect([...names].sort(compareNames)).toEqual([...names].sort((a, b) => a.localeCompare(b)));
  });

  it("leaves any other text to localeCompare (case, colons, other characters)", () => {
    const other = fc.string({ unit: fc.constantFrom(..."aBz_:-. 1é"), maxLength: 8 });
    fc.assert(fc.property(other, other, (a, b) => sign(compareNames(a, b)) === sign(a.localeCompare(b))), { numRuns: 2000 });
  });
});
