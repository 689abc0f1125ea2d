// The metrics module for a JavaScript project (`--lang js`): metrics.js runs exactly what
// metrics.ts runs, under plain node; metrics.d.ts types it as metrics.ts does; and generate and
// check keep the language a project chose without the flag being repeated.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { transformSync } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT } from "../src/cli/exit-codes.js";
import { main } from "../src/cli/main.js";
import { generateMetricsModule, METRICS_MODULE_DTS_PATH, METRICS_MODULE_JS_PATH, METRICS_MODULE_PATH } from "../src/generators/metrics-module/generate.js";
import { loadModel } from "../src/pipeline/load.js";
import { artifact } from "./support/generated-module.js";
import { scratchDir } from "./support/generated-module.js";

const model = loadModel("metrics-spec").model;
let scratch: { dir: string; dispose: () => void };
beforeAll(() => {
  scratch = scratchDir("obsgen-module-lang-");
  writeFileSync(join(scratch.dir, "package.json"), `${JSON.stringify({ name: "consumer", private: true, type: "module" })}\n`);
}, 120_000);
afterAll(() => scratch.dispose());

async function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (t) => out.push(t), err: (t) => err.push(t), cwd: process.cwd() });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

/** Writes `artifacts` of one language into scratch/`name`/. */
function writeModule(name: string, lang: "ts" | "js"): string {
  const dir = join(scratch.dir, name);
  mkdirSync(dir, { recursive: true });
  for (const a of generateMetricsModule(model, lang)) writeFileSync(join(dir, a.path), a.content);
  return dir;
}

// The same events, recorded through each module, then its exposition.
const RECORDER = `
const m = (await import(process.argv[2])).createMetrics();
m.gitOperationTotal.inc({ operation: "push", status: "success" });
m.gitOperationTotal.inc({ operation: "clone", status: "failure" }, 2);
m.gitErrorsTotal.inc({ operation: "push", error_type: "disk_full" });
m.activeSandboxesTotal.set({}, 3);
m.activeSandboxesTotal.dec({});
m.gitOperationDurationSeconds.observe({ operation: "diff" }, 0.3);
m.gitOperationDurationSeconds.observe({ operation: "diff" }, 42);
m.gitOperationTotal.labels("push", "success").inc(2);
m.gitErrorsTotal.labels("clone", "disk_full").inc();
m.activeSandboxesTotal.labels().inc(4);
m.gitOperationDurationSeconds.labels("diff").observe(7);
let error = "";
try { m.gitOperationTotal.inc({ operation: "fetch", status: "success" }); } catch (e) { error = e.constructor.name + ": " + e.message; }
let labelsError = "";
try { m.gitOperationTotal.labels("push", "success", "main"); } catch (e) { labelsError = e.constructor.name + ": " + e.message; }
process.stdout.write(JSON.stringify({ text: await m.registry.metrics(), error, labelsError }));
`;

function record(moduleFile: string): { text: string; error: string; labelsError: string } {
  const r = spawnSync(process.execPath, ["recorder.mjs", moduleFile], { cwd: scratch.dir, encoding: "utf8", timeout: 60_000 });
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as { text: string; error: string; labelsError: string };
}

// A user's code: correct calls, then one mistake per line (an excess key, a value outside the
// enumeration, a missing label, a wrong value type).
const USER_CALLS = [
  'm.gitOperationTotal.inc({ operation: "push", status: "success" });',
  'm.gitErrorsTotal.inc({ operation: "push", error_type: "anything goes to the fallback" });',
  "m.activeSandboxesTotal.set({}, 1);",
  'const seconds: number = m.gitOperationDurationSeconds.observeSince({ operation: "clone" }, process.hrtime.bigint());',
  'const values: readonly ["clone", "status", "diff", "pull", "push"] = gitOperationsLabelValues.git_operation_total.operation;',
  'm.gitOperationTotal.labels("push", "success").inc();',
  'm.gitErrorsTotal.labels("push", "anything goes to the fallback").inc(2);',
  'const handleSeconds: number = m.gitOperationDurationSeconds.labels("clone").observeSince(process.hrtime.bigint());',
  'm.gitOperationTotal.inc({ operation: "push", status: "success", branch: "main" });',
  'm.gitOperationTotal.inc({ operation: "fetch", status: "success" });',
  'm.gitOperationDurationSeconds.observe({}, 1);',
  'm.activeSandboxesTotal.set({}, "1");',
  'm.sandboxCacheHitsTotal.inc({ agent: "a1" });',
  'm.gitOperationTotal.labels("fetch", "success").inc();',
  'm.gitOperationTotal.labels("push").inc();',
  'm.gitOperationTotal.labels("push", "success", "main").inc();',
  'm.activeSandboxesTotal.labels().set("1");',
];
const FIRST_MISTAKE = 9;

function tscDiagnostics(dir: string): string[] {
  const file = join(dir, "user.ts");
  const head = ['import { createMetrics, gitOperationsLabelValues } from "./metrics.js";', "const m = createMetrics();"];
  writeFileSync(file, [...head, ...USER_CALLS, "export { handleSeconds, seconds, values };", ""].join("\n"));
  const args = ["--ignoreConfig", "--noEmit", "--strict", "--target", "ES2022", "--module", "NodeNext", "--moduleResolution", "NodeNext", "--types", "node", file];
  const r = spawnSync(join(process.cwd(), "node_modules", ".bin", "tsc"), args, { cwd: scratch.dir, encoding: "utf8", timeout: 120_000 });
  // No --skipLibCheck: an error in metrics.d.ts or obsgen/runtime's declarations shows here too.
  const output = `${r.stdout}${r.stderr}`;
  expect(output.split("\n").filter((l) => / error TS\d+/.test(l) && !/(^|\/)user\.ts\(/.test(l))).toEqual([]);
  // "line TSnnnn" for each diagnostic in user.ts, without the message's own wording.
  return [...output.matchAll(/user\.ts\((\d+),\d+\): error (TS\d+)/g)].map((d) => `${d[1]} ${d[2]}`);
}

describe("obsgen generate --lang js", () => {
  it("writes metrics.js that plain node imports and that records and exposes exactly what metrics.ts does", () => {
    const ts = writeModule("ts", "ts");
    const js = writeModule("js", "js");
    expect(existsSync(join(js, METRICS_MODULE_PATH))).toBe(false);
    writeFileSync(join(ts, "metrics.mjs"), transformSync(readFileSync(join(ts, METRICS_MODULE_PATH), "utf8"), { loader: "ts", format: "esm", target: "node20" }).code);
    writeFileSync(join(scratch.dir, "recorder.mjs"), RECORDER);
    const fromJs = record(`./js/${METRICS_MODULE_JS_PATH}`);
    const fromTs = record("./ts/metrics.mjs");
    expect(fromJs).toEqual(fromTs);
    expect(fromJs.text).toContain('git_operation_total{operation="clone",status="failure"} 2\n');
    expect(fromJs.text).toContain('git_operation_total{operation="push",status="success"} 3\n');
    expect(fromJs.text).toContain('git_errors_total{operation="push",error_type="other"} 1\n');
    expect(fromJs.text).toContain('git_errors_total{operation="clone",error_type="other"} 1\n');
    expect(fromJs.text).toContain("active_sandboxes_total 6\n");
    expect(fromJs.text).toContain('git_operation_duration_seconds_bucket{le="+Inf",operation="diff"} 3\n');
    expect(fromJs.labelsError).toBe("RangeError: git_operation_total: labels() takes 2 values (operation, status), got 3");
    expect(fromJs.error).toBe("RangeError: git_operation_total: label \"operation\" has no value \"fetch\"; allowed: clone, status, diff, pull, push");
  });

  it("declares in metrics.d.ts the types metrics.ts has: tsc reports the same mistakes on the same lines", () => {
    const fromDts = tscDiagnostics(writeModule("js-types", "js"));
    const fromTs = tscDiagnostics(writeModule("ts-types", "ts"));
    expect(fromDts).toEqual(fromTs);
    // Every mistake, and nothing else, is an error: the declarations are neither looser nor stricter.
    const lines = [...new Set(fromDts.map((d) => Number(d.split(" ")[0])))];
    expect(lines).toEqual(USER_CALLS.map((_, i) => i + 3).filter((line) => line >= FIRST_MISTAKE + 2));
  });

  it("emits the JavaScript as the TypeScript with its types erased, statement for statement", () => {
    const [ts] = generateMetricsModule(model, "ts");
    const [js, dts] = generateMetricsModule(model, "js");
    expect([js?.path, dts?.path]).toEqual([METRICS_MODULE_JS_PATH, METRICS_MODULE_DTS_PATH]);
    // esbuild's type erasure of the .ts and the generated .js print the same program.
    const erase = (source: string, loader: "ts" | "js") => transformSync(source, { loader, format: "esm", target: "esnext" }).code;
    expect(erase(js?.content ?? "", "js")).toBe(erase(ts?.content ?? "", "ts"));
  });
});

describe("the module language between runs", () => {
  it("keeps JavaScript without --lang, checks it clean, and switches back only with --lang ts", async () => {
    const out = join(scratch.dir, "generated");
    const first = await run(["generate", "--out", out, "--lang", "js"]);
    expect(first.code).toBe(EXIT.ok);
    expect(existsSync(join(out, METRICS_MODULE_JS_PATH)) && existsSync(join(out, METRICS_MODULE_DTS_PATH))).toBe(true);
    expect(existsSync(join(out, METRICS_MODULE_PATH))).toBe(false);

    const again = await run(["generate", "--out", out]);
    expect(again.out).toBe(`obsgen: 0 file(s) written, 0 removed in ${out}/`);
    expect(await run(["check", "--out", out])).toEqual({ code: EXIT.ok, out: `obsgen: ${out}/ is up to date`, err: "" });

    writeFileSync(join(out, METRICS_MODULE_JS_PATH), `${readFileSync(join(out, METRICS_MODULE_JS_PATH), "utf8")}// hand edit\n`);
    const stale = await run(["check", "--out", out]);
    expect(stale.code).toBe(EXIT.findings);
    expect(stale.err).toContain(`  edited   ${METRICS_MODULE_JS_PATH} (changed by hand`);
    expect(stale.err).toContain("run `npx obsgen generate --lang js` and commit the result");

    const asTs = await run(["check", "--out", out, "--lang", "ts"]);
    expect(asTs.code).toBe(EXIT.findings);
    expect(asTs.err).toContain(`  missing  ${METRICS_MODULE_PATH}`);
    expect(asTs.err).toContain(`  obsolete ${METRICS_MODULE_DTS_PATH}`);
    expect(asTs.err).toContain(`  obsolete ${METRICS_MODULE_JS_PATH}`);

    const back = await run(["generate", "--out", out, "--lang", "ts"]);
    expect(back.out).toContain(`  removed ${METRICS_MODULE_DTS_PATH}\n  removed ${METRICS_MODULE_JS_PATH}`);
    expect(existsSync(join(out, METRICS_MODULE_PATH))).toBe(true);
    expect((await run(["check", "--out", out])).code).toBe(EXIT.ok);
  });

  it("rejects a language it does not generate, naming the value and the choices, and writes nothing", async () => {
    const out = join(scratch.dir, "never");
    const r = await run(["generate", "--out", out, "--lang", "py"]);
    expect(r.code).toBe(EXIT.usage);
    expect(r.err).toContain('--lang: "py" is not a module language; use ts or js');
    expect(existsSync(out)).toBe(false);
  });
});

describe("the generated module's imports", () => {
  it("are prom-client and obsgen/runtime, in every language", () => {
    for (const lang of ["ts", "js"] as const) {
      for (const a of generateMetricsModule(model, lang)) {
        const specifiers = [...a.content.matchAll(/^import [^;]*? from "([^"]+)";$/gm)].map((m) => m[1]);
        expect(specifiers, a.path).toEqual(["prom-client", "obsgen/runtime"]);
      }
    }
    expect(artifact(generateMetricsModule(model, "js"), METRICS_MODULE_JS_PATH)).not.toMatch(/\bas const\b|: number\b|<\w+Labels>/);
  });
});
