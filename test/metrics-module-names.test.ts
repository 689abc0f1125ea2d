// Label names that are JavaScript's own words, and two labels that camelCase to the same name: the
// generated `labels(…)` names its parameters after the labels, so none of these may break the
// module, shadow what its methods use, or swap two values. Generated from spec text, compiled by
// strict tsc, and run by node: `labels(…)` records the series the labels object names.
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { transformSync } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateFromText, metricsModule, scratchDir } from "./support/generated-module.js";

// Each metric's labels, with the values the test records (the first value of each label).
const METRICS: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  words_total: { class: ["a", "b"], arguments: ["c", "d"], eval: ["e", "f"], constructor: ["g", "h"] },
  clash_total: { a_b: ["x", "y"], aB: ["y", "x"] },
  locals_total: { k0: ["1", "2"], v0: ["2", "1"], this_value: ["p", "q"] },
};

const SPEC = `version: 1
service: names
scrape:
  job: names
  targets: ["localhost:9100"]
metrics:
${Object.entries(METRICS)
  .map(([name, labels]) => [`  ${name}:`, "    type: counter", "    help: Labels named like JavaScript.", "    labels:", ...Object.entries(labels).map(([l, vs]) => `      ${l}: [${vs.map((v) => JSON.stringify(v)).join(", ")}]`)].join("\n"))
  .join("\n")}
`;

// Records, for every metric, its label values through labels(…) twice and once through a labels
// object, in a second registry the other way round; prints both texts.
const DRIVER = `
import { createMetrics } from "./names.mjs";
import { readFileSync } from "node:fs";
const calls = JSON.parse(readFileSync("calls.json", "utf8"));
const handles = createMetrics();
const objects = createMetrics();
for (const c of calls) {
  handles[c.field].labels(...c.values).inc(2);
  handles[c.field].inc(c.labels);
  objects[c.field].inc(c.labels, 3);
}
process.stdout.write(JSON.stringify({ handles: await handles.registry.metrics(), objects: await objects.registry.metrics() }));
`;

let scratch: { dir: string; dispose: () => void };
let source = "";

beforeAll(() => {
  const generated = generateFromText(SPEC, "names.yaml");
  if (!generated.ok) throw new Error(generated.issues.map((i) => `${i.code}: ${i.message}`).join("\n"));
  source = metricsModule(generated.artifacts);
  scratch = scratchDir("obsgen-names-");
  writeFileSync(join(scratch.dir, "names.ts"), source);
  writeFileSync(join(scratch.dir, "names.mjs"), transformSync(source, { loader: "ts", format: "esm", target: "node20" }).code);
  writeFileSync(join(scratch.dir, "driver.mjs"), DRIVER);
}, 120_000);

afterAll(() => scratch.dispose());

describe("labels(…) with label names JavaScript reserves or that clash in camelCase", () => {
  it("names each parameter after its label, and numbers them where two labels would get one name", () => {
    expect(source).toContain("labels(classValue: WordsTotalLabels[\"class\"], argumentsValue: WordsTotalLabels[\"arguments\"], evalValue: WordsTotalLabels[\"eval\"], constructorValue: WordsTotalLabels[\"constructor\"]): CounterSeries {");
    expect(source).toContain("labels(v0: ClashTotalLabels[\"a_b\"], v1: ClashTotalLabels[\"aB\"]): CounterSeries {");
    expect(source).toContain("labels(k0Value: LocalsTotalLabels[\"k0\"], v0Value: LocalsTotalLabels[\"v0\"], thisValueValue: LocalsTotalLabels[\"this_value\"]): CounterSeries {");
  });

  it("compiles under strict tsc with unused-code checks", () => {
    const tsc = join(process.cwd(), "node_modules", ".bin", "tsc");
    const args = ["--ignoreConfig", "--noEmit", "--strict", "--noUncheckedIndexedAccess", "--exactOptionalPropertyTypes", "--noUnusedLocals", "--noUnusedParameters"];
    args.push("--target", "ES2022", "--module", "NodeNext", "--moduleResolution", "NodeNext", "--types", "node", "--skipLibCheck", "names.ts");
    const r = spawnSync(tsc, args, { cwd: scratch.dir, encoding: "utf8", timeout: 120_000 });
    expect(`${r.stdout}${r.stderr}`).toBe("");
    expect(r.status).toBe(0);
  });

  it("records through labels(…) each value in its own label, exactly the series the labels object names", () => {
    // Every combination of first and second values, so a swap of two labels' values shows.
    const calls = Object.entries(METRICS).flatMap(([name, labels]) => {
      const field = name.replace(/_(\w)/g, (_, c: string) => c.toUpperCase());
      const names = Object.keys(labels);
      return [0, 1].flatMap((pick) =>
        names.map((flipped) => {
          const values = names.map((l) => labels[l]?.[l === flipped ? 1 - pick : pick] ?? "");
          return { field, values, labels: Object.fromEntries(names.map((l, i) => [l, values[i]])) };
        }),
      );
    });
    writeFileSync(join(scratch.dir, "calls.json"), JSON.stringify(calls));
    const r = spawnSync(process.execPath, ["driver.mjs"], { cwd: scratch.dir, encoding: "utf8", timeout: 60_000 });
    expect(r.stderr).toBe("");
    const out = JSON.parse(r.stdout) as { handles: string; objects: string };
    expect(out.handles).toBe(out.objects);
    expect(out.handles).toContain('words_total{class="b",arguments="c",eval="e",constructor="g"} 3\n');
    expect(out.handles).toContain('clash_total{a_b="x",aB="x"} 6\n');
    expect(out.handles).toContain('locals_total{k0="1",v0="1",this_value="p"} 3\n');
  });
});

describe("metric names whose generated class would be a name the module imports", () => {
  it("refuses a counter named enum and a histogram named counter, naming the metric and the class", () => {
    const spec = SPEC.replace("  words_total:\n    type: counter", "  enum:\n    type: counter").concat(
      ["  counter:", "    type: histogram", "    help: Observations.", "    buckets: [1]", ""].join("\n"),
    );
    const generated = generateFromText(spec, "names.yaml");
    expect(generated.ok).toBe(false);
    const found = generated.issues.filter((i) => i.code === "OBS003").map((i) => `${i.file}:${i.line}:${i.column} ${i.path}: ${i.message}`);
    expect(found).toEqual([
      'names.yaml:7:3 metrics.enum: metric "enum" would be EnumCounter in the generated module, a name it imports from prom-client or obsgen/runtime',
      'names.yaml:28:3 metrics.counter: metric "counter" would be CounterSeries in the generated module, a name it imports from prom-client or obsgen/runtime',
    ]);
  });
});
