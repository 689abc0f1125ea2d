// The generated module's other code paths: a label with more values than the compare-sum handles
// (a switch), a histogram with more buckets than the branch-free count (a compare chain), a fallback
// reached through the switch, each through a labels object and through `labels(…)`. Generated from
// spec text, imported by a separate node process and driven with the same events as prom-client set
// up to pre-create every series: the same text.
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { transformSync } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BRANCHLESS_MAX_VALUES, labelProduct, METRICS_MODULE_PATH } from "../src/generators/metrics-module/generate.js";
import { generate } from "../src/generators/index.js";
import { resolve } from "../src/pipeline/load.js";
import { parseSpecText } from "../src/spec/load.js";
import type { ServiceModel } from "../src/model/types.js";
import { prng } from "../bench/mix.js";
import { scratchDir } from "./support/generated-module.js";

const ROUTES = Array.from({ length: BRANCHLESS_MAX_VALUES + 4 }, (_, i) => `r${String(i).padStart(2, "0")}`);
const BUCKETS = Array.from({ length: BRANCHLESS_MAX_VALUES + 5 }, (_, i) => (i + 1) * 0.05);

const SPEC = `version: 1
service: wide
scrape:
  job: wide
  targets: ["localhost:9100"]
metrics:
  requests_total:
    type: counter
    help: Requests by route and code.
    labels:
      route:
        values: [${[...ROUTES, "other"].join(", ")}]
        fallback: other
      code: ["200", "404", "500"]
  latency_seconds:
    type: histogram
    help: Request latency.
    unit: seconds
    buckets: [${BUCKETS.join(", ")}]
    labels:
      route: [${ROUTES.join(", ")}]
`;

// Records the events in the generated module and in prom-client (every series pre-created, in the
// module's order), prints both texts, and what each hostile call threw.
const DRIVER = `
import { Counter, Histogram, Registry } from "prom-client";
import { createMetrics } from "./wide.mjs";
import { readFileSync } from "node:fs";
const { metrics, events, hostile } = JSON.parse(readFileSync("input.json", "utf8"));
const generated = createMetrics();
const registry = new Registry();
const plain = {};
for (const m of metrics) {
  const common = { name: m.name, help: m.help, labelNames: m.labelNames, registers: [registry] };
  if (m.type === "counter") { plain[m.field] = new Counter(common); for (const s of m.sets) plain[m.field].inc(s, 0); }
  else { plain[m.field] = new Histogram({ ...common, buckets: m.buckets }); for (const s of m.sets) plain[m.field].zero(s); }
}
for (const e of events) {
  const values = e.names.map((n) => e.labels[n]);
  if (e.op === "inc") {
    if (e.viaHandle) generated[e.field].labels(...values).inc(e.value); else generated[e.field].inc(e.labels, e.value);
    plain[e.field].inc(e.recorded, e.value);
  } else {
    if (e.viaHandle) generated[e.field].labels(...values).observe(e.value); else generated[e.field].observe(e.labels, e.value);
    plain[e.field].observe(e.recorded, e.value);
  }
}
const threw = hostile.map((h) => {
  try {
    if (h.op === "labels") generated[h.field].labels(...h.values); else generated[h.field][h.op](h.labels, h.value);
    return "recorded";
  } catch (err) { return err.constructor.name + ": " + err.message; }
});
process.stdout.write(JSON.stringify({ generated: await generated.registry.metrics(), plain: await registry.metrics(), threw }));
`;

let scratch: { dir: string; dispose: () => void };
let service: ServiceModel;
let moduleSource = "";

beforeAll(() => {
  const parsed = parseSpecText("wide.yaml", SPEC);
  const result = resolve(parsed.spec ? [parsed.spec] : [], parsed.issues);
  const s = result.model?.services[0];
  if (!result.model || !s) throw new Error(`the wide spec does not resolve: ${result.issues.map((i) => i.message).join("; ")}`);
  service = s;
  moduleSource = generate(result.model).find((a) => a.path === METRICS_MODULE_PATH)?.content ?? "";
  scratch = scratchDir("obsgen-wide-");
  writeFileSync(join(scratch.dir, "wide.mjs"), transformSync(moduleSource, { loader: "ts", format: "esm", target: "node20" }).code);
  writeFileSync(join(scratch.dir, "driver.mjs"), DRIVER);
}, 120_000);

afterAll(() => scratch.dispose());

describe("generated module beyond the branch-free sizes", () => {
  it("uses a switch for the long label and a compare chain for the many buckets", () => {
    expect(moduleSource).toMatch(/switch \(value\) \{\n {4}case "r00": return 1;/);
    expect(moduleSource).toContain(`if (value <= ${BUCKETS.at(-1)}) return ${BUCKETS.length - 1};`);
    expect(moduleSource).toContain('+(v1 === "200")');
  });

  it("prints byte-identical text to pre-created prom-client after the same events, unknown values recorded as the fallback", () => {
    const r = prng(0xbeef);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
    const boundaries = BUCKETS.flatMap((b) => [b, b * (1 + Number.EPSILON), b * (1 - Number.EPSILON)]);
    const events = Array.from({ length: 3000 }, () => {
      if (r() < 0.5) {
        const route = r() < 0.1 ? `unknown-${Math.floor(r() * 3)}` : pick([...ROUTES, "other"]);
        const code = pick(["200", "404", "500"]);
        const labels = { route, code };
        const recorded = { route: ROUTES.includes(route) ? route : "other", code };
        return { op: "inc", field: "requestsTotal", names: ["route", "code"], viaHandle: r() < 0.5, labels, recorded, value: r() < 0.5 ? undefined : Math.floor(r() * 5) };
      }
      const route = pick(ROUTES);
      const value = r() < 0.4 ? pick(boundaries) : r() * 1.5 - 0.1;
      return { op: "observe", field: "latencySeconds", names: ["route"], viaHandle: r() < 0.5, labels: { route }, recorded: { route }, value };
    });
    const metrics = service.metrics.map((m) => ({
      name: m.name,
      help: m.help,
      type: m.type,
      field: m.name === "requests_total" ? "requestsTotal" : "latencySeconds",
      labelNames: m.labels.map((l) => l.name),
      buckets: m.buckets,
      sets: labelProduct(m.labels),
    }));
    const hostile = [
      { field: "latencySeconds", op: "observe", labels: { route: "unknown" }, value: 1 },
      { field: "latencySeconds", op: "observe", labels: { route: "r01", code: "200" }, value: 1 },
      { field: "requestsTotal", op: "inc", labels: { route: "r01", code: "200", extra: "x" }, value: 1 },
      { field: "requestsTotal", op: "inc", labels: { route: "r01" }, value: 1 },
      { field: "requestsTotal", op: "inc", labels: { route: "r01", code: "200" }, value: "5" },
      { field: "latencySeconds", op: "labels", values: ["unknown"] },
      { field: "requestsTotal", op: "labels", values: ["r01"] },
      { field: "requestsTotal", op: "labels", values: ["r01", "200", "x"] },
      { field: "requestsTotal", op: "labels", values: ["r01", "201"] },
    ];
    writeFileSync(join(scratch.dir, "input.json"), JSON.stringify({ metrics, events, hostile }));
    const run = spawnSync(process.execPath, ["driver.mjs"], { cwd: scratch.dir, encoding: "utf8", timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
    expect(run.stderr).toBe("");
    const out = JSON.parse(run.stdout) as { generated: string; plain: string; threw: string[] };
    expect(out.generated).toBe(out.plain);
    expect(out.generated).toContain('latency_seconds_bucket{le="1.05",route="r19"}');
    expect(out.threw).toEqual([
      `RangeError: latency_seconds: label "route" has no value "unknown"; allowed: ${ROUTES.join(", ")}`,
      'RangeError: latency_seconds: unknown label "code"; labels are: route',
      'RangeError: requests_total: unknown label "extra"; labels are: route, code',
      'RangeError: requests_total: missing label "code"; labels are: route, code',
      "TypeError: requests_total: value is not a finite number: 5",
      `RangeError: latency_seconds: label "route" has no value "unknown"; allowed: ${ROUTES.join(", ")}`,
      "RangeError: requests_total: labels() takes 2 values (route, code), got 1",
      "RangeError: requests_total: labels() takes 2 values (route, code), got 3",
      'RangeError: requests_total: label "code" has no value "201"; allowed: 200, 404, 500',
    ]);
  });
});
