// What the benchmarks feed obsgen must be valid, or `npm run bench` stops half-way: the synthetic
// specs of the codegen scaling figures (copies of the bundled spec under renamed metrics) and the
// hot path's diagnostic build of the generated module.
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { syntheticSpec } from "../bench/synthetic-spec.js";
import { writeModuleWithoutKeyCheck } from "../bench/without-key-check.js";
import { generateFromText } from "./support/generated-module.js";

describe("benchmark inputs", () => {
  it("a synthetic spec of 60 metrics, 20 panels and 12 alerts generates without an error", () => {
    const text = syntheticSpec("metrics-spec/git-operations.yaml", { metrics: 60, panels: 20, alerts: 12 });
    const result = generateFromText(text, "synthetic.yaml");
    expect(result.issues.filter((i) => i.severity === "error").map((i) => i.message)).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it("the diagnostic build drops the key check from every hot index function and nothing else", () => {
    const source = readFileSync("generated/metrics.ts", "utf8");
    const variant = writeModuleWithoutKeyCheck();
    let text = "";
    try {
      text = readFileSync(variant.path, "utf8");
    } finally {
      variant.remove();
    }
    expect(existsSync(variant.path)).toBe(false);
    const count = (t: string, re: RegExp) => [...t.matchAll(re)].length;
    const hot = count(source, /^function \w+(?<!Slow)Index\(labels/gm);
    const slow = count(source, /^function \w+SlowIndex\(labels/gm);
    const forIn = /^ {2}for \(const _?key in labels\) \{$/gm;
    expect(hot).toBeGreaterThan(5);
    expect(count(source, forIn)).toBe(hot + slow);
    expect(count(text, forIn)).toBe(slow);
    const sourceLines = source.split("\n");
    const variantLines = text.split("\n");
    expect(sourceLines.length - variantLines.length).toBe(3 * hot);
    for (const line of variantLines) expect(sourceLines).toContain(line);
  });
});
