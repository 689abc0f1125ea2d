// promtool's expanding series notation, parsed at generate time: a table of good and bad values
// strings, each checked against obsgen's parser and against the real promtool 2.42.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { parseSeriesValues } from "../src/promql/series-values.js";
import { runTool, scratchCopy } from "./support/prometheus-tools.js";

const GOOD = [
  "1 2 3", "0+10x20", "0-1x3", "1x3", "_x3", "_ _ 1", "stale", "NaN", "nan", "Inf", "inf", "-Inf", "+Inf",
  "1e3", "1E-3", "1.5+0.5x3", "stale+1x3", "NaN+1x3", "Inf-1x2", "1x3 stale 2", "  1  2 ", "-1", "+1", ".5", "5.",
  "1x0", "1+2x0", "0x10", "1+1e2x3", "017", "1\t2", "1x03", "1x00", "1 +1x3", "99999999999999999999",
];
const BAD = [
  "6xx20 banana", "banana", "0x1F", "1+-1x3", "1--1x3", "1 + 1x3", "1x", "x3", "1+1", "1+1x", "_x", "_1", "Stalex3", "STALE",
  "1_000", "1x-3", "1x3.5", "1 2,3", "{{schema:0 sum:5 count:4 buckets:[1 2 1]}}", "1x3x4", "0x", "1e", "0b101", "1h",
  "1x 3", "1 x3", "-_", "_+1x3", "1x0x3", "0X10", "1.2.3", "1e400", "Infx3", "1xInf", "- 1", ". 5",
];

const RULES = { groups: [{ name: "g", rules: [{ record: "r:x:sum", expr: "sum(x)" }] }] };

function testFile(values: string): string {
  return stringify({
    rule_files: ["rules.yml"],
    evaluation_interval: "1m",
    tests: [{
      interval: "1m",
      input_series: [{ series: 'x{a="1"}', values }],
      promql_expr_test: [{ expr: "vector(1)", eval_time: "0m", exp_samples: [{ labels: "{}", value: 1 }] }],
    }],
  });
}

let scratch: { dir: string; dispose: () => void };
beforeAll(() => {
  scratch = scratchCopy(".", []);
  writeFileSync(join(scratch.dir, "rules.yml"), stringify(RULES));
});
afterAll(() => scratch.dispose());

function promtoolAccepts(values: string, name: string): boolean {
  const file = join(scratch.dir, `${name}.test.yml`);
  writeFileSync(file, testFile(values));
  return runTool("promtool", ["test", "rules", file]).status === 0;
}

describe("promtool series values", () => {
  it.each(GOOD)("accepts %j, as promtool does", (values) => {
    expect(parseSeriesValues(values)).toMatchObject({ ok: true });
    expect(promtoolAccepts(values, "good")).toBe(true);
  });

  it.each(BAD)("refuses %j with an offset, as promtool does", (values) => {
    const r = parseSeriesValues(values);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.offset).toBeGreaterThanOrEqual(0);
    expect(promtoolAccepts(values, "bad")).toBe(false);
  });

  it("points at the first character promtool stops at in 6xx20 banana", () => {
    expect(parseSeriesValues("6xx20 banana")).toMatchObject({ ok: false, offset: 2 });
  });

  it("counts the samples a values string expands to", () => {
    expect(parseSeriesValues("0+10x20")).toEqual({ ok: true, samples: 21 });
    expect(parseSeriesValues("_x3 1 stale")).toEqual({ ok: true, samples: 5 });
  });
});
