// What the benchmarks feed obsgen must be valid, or `npm run bench` stops half-way: the synthetic
// specs of the codegen scaling figures (copies of the bundled spec under renamed metrics).
import { describe, expect, it } from "vitest";
import { syntheticSpec } from "../bench/synthetic-spec.js";
import { generateFromText } from "./support/generated-module.js";

describe("benchmark inputs", () => {
  it("a synthetic spec of 60 metrics, 20 panels and 12 alerts generates without an error", () => {
    const text = syntheticSpec("metrics-spec/git-operations.yaml", { metrics: 60, panels: 20, alerts: 12 });
    const result = generateFromText(text, "synthetic.yaml");
    expect(result.issues.filter((i) => i.severity === "error").map((i) => i.message)).toEqual([]);
    expect(result.ok).toBe(true);
  });
});
