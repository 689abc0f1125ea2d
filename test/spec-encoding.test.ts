// Spec files are UTF-8: the first byte that is not is found and positioned, and the finder agrees
// with the platform's strict decoder on arbitrary bytes.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeSpecBytes, firstInvalidUtf8 } from "../src/spec/load.js";

const strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
function decodes(bytes: Uint8Array): boolean {
  try {
    strict.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

// Bytes near UTF-8's edges: ASCII, continuation bytes, every kind of lead byte, and real text.
const bytes = fc
  .array(
    fc.oneof(
      fc.integer({ min: 0, max: 255 }).map((b) => [b]),
      fc.constantFrom([0xc0, 0x80], [0xe0, 0x80, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xf0, 0x9f, 0x8e], [0xe2, 0x82, 0xac], [0x0a]),
      fc.string({ unit: "binary", maxLength: 3 }).map((s) => [...new TextEncoder().encode(s)]),
    ),
    { maxLength: 12 },
  )
  .map((parts) => Uint8Array.from(parts.flat()));

describe("spec file encoding", () => {
  it("finds no bad byte exactly when the strict decoder accepts the bytes, and the bytes before it decode", () => {
    fc.assert(
      fc.property(bytes, (b) => {
        const bad = firstInvalidUtf8(b);
        expect(bad === -1).toBe(decodes(b));
        if (bad >= 0) {
          expect(decodes(b.subarray(0, bad))).toBe(true);
          expect(decodes(b.subarray(0, bad + 4 <= b.length ? bad + 4 : b.length).subarray(bad)) && firstInvalidUtf8(b.subarray(bad)) !== 0).toBe(false);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("positions the first bad byte by line and column, counting characters before it", () => {
    const text = new Uint8Array([...new TextEncoder().encode("a: 1\nbé: 日本"), 0xff, 0x41]);
    expect(decodeSpecBytes("s.yaml", text).issues).toMatchObject([{ code: "OBS005", line: 2, column: 7, message: "byte 0xFF at offset 16 does not start a valid UTF-8 sequence" }]);
  });

  it("decodes a UTF-8 file with a byte order mark as before", () => {
    expect(decodeSpecBytes("s.yaml", new Uint8Array([0xef, 0xbb, 0xbf, 0x61])).text).toBe("\ufeffa");
  });
});
