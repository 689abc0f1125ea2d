// Spec strings as an attacker would write them: none may change the code or structure of a
// generated file. Generation either refuses the spec (exit 2, a positioned issue) or emits files
// that carry the strings as data: a module that compiles and runs nothing on import, whose
// exposition carries the help text, YAML that parses back to the strings, dashboards whose titles
// equal them, and a catalogue whose table keeps its columns.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments, stringify } from "yaml";
import type { Artifact } from "../src/generators/artifact.js";
import { CATALOGUE_PATH } from "../src/generators/catalogue/generate.js";
import { dashboardPath } from "../src/generators/grafana/names.js";
import { PROMETHEUS_RULE_PATH } from "../src/generators/kubernetes/index.js";
import { RULE_TESTS_PATH, RULES_PATH } from "../src/generators/prometheus/names.js";
import { diffModels, renderMarkdown } from "../src/diff/index.js";
import type { Issue } from "../src/conventions/issue.js";
import { resolve } from "../src/pipeline/load.js";
import type { Model } from "../src/model/types.js";
import { loadSpecs, parseSpecText } from "../src/spec/load.js";
import { generate } from "../src/generators/index.js";
import { artifact, escapedHelp, generateFromText, importModules, metricsModule, scratchDir } from "./support/generated-module.js";
import { freePort } from "./support/prometheus.js";
import { runTool } from "./support/prometheus-tools.js";
import { descriptionOf, PLAIN_TEXTS, renderedDescription, specText, summaryOf, type SpecTexts } from "./support/hostile-spec.js";

let scratch: { dir: string; dispose: () => void };
beforeAll(() => {
  scratch = scratchDir("obsgen-hostile-");
});
afterAll(() => scratch.dispose());

function helpLine(exposition: string): string | undefined {
  return exposition.split("\n").find((l) => l.startsWith("# HELP jobs_total "));
}

describe("the doc-comment exploit (issue 12, item 4)", () => {
  // The reported exploit, and the form that also closes the interface around the doc comment so
  // that, unescaped, the statement runs at module level when the module is imported.
  const exploits = (marker: string): Record<string, string> => ({
    reported: `x */ require('fs').writeFileSync(${JSON.stringify(marker)},'pwned') /*`,
    "closing the interface": `x */ }; process.getBuiltinModule("fs").writeFileSync(${JSON.stringify(marker)}, "pwned"); export interface Pwned { /*`,
  });

  for (const name of ["reported", "closing the interface"]) {
    it(`does not run a help text that closes the doc comment (${name}) when the module is imported`, () => {
      const marker = join(scratch.dir, `pwned-${name.replace(/\s+/g, "-")}`);
      const help = exploits(marker)[name] ?? "";
      const texts: SpecTexts = { ...PLAIN_TEXTS, help };
      const generated = generateFromText(specText(texts));
      expect(generated.ok, JSON.stringify(generated.issues)).toBe(true);
      if (!generated.ok) return;
      const [exposition] = importModules(scratch.dir, [metricsModule(generated.artifacts)]);
      expect(existsSync(marker)).toBe(false);
      expect(helpLine(exposition ?? "")).toBe(`# HELP jobs_total ${escapedHelp(help)}`);
    });

    it(`does not run a help text that closes the doc comment (${name}) when the JavaScript module (--lang js) is imported`, () => {
      const marker = join(scratch.dir, `pwned-js-${name.replace(/\s+/g, "-")}`);
      const help = exploits(marker)[name] ?? "";
      const generated = generateFromText(specText({ ...PLAIN_TEXTS, help }), "spec.yaml", { lang: "js" });
      expect(generated.ok, JSON.stringify(generated.issues)).toBe(true);
      if (!generated.ok) return;
      expect(artifact(generated.artifacts, "metrics.d.ts")).toContain(`/** ${help.replace(/\*\//g, "*\\/")}`);
      const [exposition] = importModules(scratch.dir, [artifact(generated.artifacts, "metrics.js")], "js");
      expect(existsSync(marker)).toBe(false);
      expect(helpLine(exposition ?? "")).toBe(`# HELP jobs_total ${escapedHelp(help)}`);
    });
  }
});

// Pieces an attacker reaches for: comment and string terminators of TypeScript, template and
// Markdown syntax, YAML indicators, line terminators of every parser involved, invisible and
// invalid characters, and statements that write a marker file if they ever run.
const MARKER = "pwned-marker";
const PAYLOADS = [
  `*/ }; process.getBuiltinModule("fs").writeFileSync("${MARKER}", "x"); export interface Z { /*`,
  `"); process.getBuiltinModule("fs").writeFileSync("${MARKER}", "x"); ("`,
  "`; process.getBuiltinModule('fs').writeFileSync('" + MARKER + "', 'x'); `",
  `\n process.getBuiltinModule("fs").writeFileSync("${MARKER}", "x");\n`,
  `\u2028process.getBuiltinModule("fs").writeFileSync("${MARKER}", "x")//`,
];
const SPECIALS = [
  "*/", "/*", "/**", "//", "`", "${", "${x}", '"', "'", "\\", "\\n", "\n", "\r", "\r\n", "\t", "\u2028", "\u2029", "\u0085",
  "\u0000", "\u001b", "\ud800", "\udfff", "\u202e", "\ufeff", "&", "*", "!", "!!", ": ", "#", " #", "---", "...", "- ", "? ",
  "[", "]", "{", "}", ",", "@", "%", "|", ">", "<", "<!--", "-->", "<script>", "</table>", "{{", "}}", "{{ $value }}",
  "{{ $labels.kind }}", '{{ query "up" }}', "\\|", "||", "` `", "```", "# heading", "1. ", "=", "~~~", ...PAYLOADS,
];
const piece = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...SPECIALS) },
  { weight: 2, arbitrary: fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 6 }) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 3 }) },
);
const hostileText = fc.array(piece, { minLength: 1, maxLength: 6 }).map((parts) => parts.join(""));
const SLOTS = Object.keys(PLAIN_TEXTS) as (keyof SpecTexts)[];
/** One slot hostile (most samples then generate) or every slot hostile at once. */
const texts: fc.Arbitrary<SpecTexts> = fc.oneof(
  fc.tuple(fc.constantFrom(...SLOTS), hostileText).map(([slot, text]) => ({ ...PLAIN_TEXTS, [slot]: text })),
  fc.record(Object.fromEntries(SLOTS.map((k) => [k, hostileText])) as { [K in keyof SpecTexts]: fc.Arbitrary<string> }),
);

function yamlDocs(artifacts: readonly Artifact[], path: string): unknown[] {
  const docs = parseAllDocuments(artifact(artifacts, path));
  const list = Array.isArray(docs) ? docs : [docs];
  for (const d of list) expect(d.errors, path).toEqual([]);
  return list.map((d) => d.toJS() as unknown);
}

interface AlertRule {
  alert?: string;
  annotations?: Record<string, string>;
  labels?: Record<string, string>;
}

function alertIn(groups: unknown): AlertRule | undefined {
  const list = (groups as { rules?: AlertRule[] }[] | undefined) ?? [];
  return list.flatMap((g) => g.rules ?? []).find((r) => r.alert === "ManyJobs");
}

/** Cells of a Markdown table row, split at pipes no backslash escapes. */
function cells(row: string): string[] {
  return row.split(/(?<!\\)\|/).slice(1, -1);
}

function checkRejection(issues: readonly Issue[]): void {
  const errors = issues.filter((i) => i.severity === "error");
  expect(errors.length).toBeGreaterThan(0);
  for (const e of errors) {
    expect(e.code).toMatch(/^OBS\d{3}$/);
    expect(e.file).toBe("spec.yaml");
    expect(e.line).toBeGreaterThan(0);
    expect(e.column).toBeGreaterThan(0);
  }
}

/** Everything but the module import: YAML, JSON and Markdown carry the strings as data. */
function checkArtifacts(t: SpecTexts, artifacts: readonly Artifact[]): void {
  const [rules] = yamlDocs(artifacts, RULES_PATH) as { groups?: unknown }[];
  const alert = alertIn(rules?.groups);
  expect(alert?.annotations?.summary).toBe(summaryOf(t));
  expect(alert?.annotations?.description).toBe(descriptionOf(t));
  expect(alert?.labels?.team).toBe(t.labelValue);
  const operator = yamlDocs(artifacts, PROMETHEUS_RULE_PATH) as { spec?: { groups?: unknown } }[];
  expect(alertIn(operator[0]?.spec?.groups)?.annotations).toEqual(alert?.annotations);
  const [tests] = yamlDocs(artifacts, RULE_TESTS_PATH) as { tests?: { alert_rule_test?: { exp_alerts?: { exp_annotations?: Record<string, string> }[] }[] }[] }[];
  const expected = tests?.tests?.flatMap((g) => g.alert_rule_test ?? []).flatMap((a) => a.exp_alerts ?? []);
  expect(expected?.[0]?.exp_annotations?.description).toBe(renderedDescription(t));

  const dash = JSON.parse(artifact(artifacts, dashboardPath("demo"))) as { title?: string; description?: string; panels?: { type?: string; id?: number; title?: string; description?: string }[] };
  expect(dash.title).toBe(t.dashboardTitle);
  expect(dash.description?.startsWith(`${t.dashboardDescription} (`)).toBe(true);
  expect(dash.panels?.find((p) => p.type === "row")?.title).toBe(t.rowTitle);
  const panel = dash.panels?.find((p) => p.id === 1);
  expect(panel?.title).toBe(t.panelTitle);
  expect(panel?.description).toBe(t.panelDescription);

  const catalogue = artifact(artifacts, CATALOGUE_PATH).split("\n");
  const rows = catalogue.filter((l) => l.startsWith("| "));
  for (const row of rows) expect(cells(row), row).toHaveLength(6);
  // The header comment closes where it ends, and no other comment or tag can open (`<` is escaped).
  expect(catalogue[0]?.split("-->")).toHaveLength(2);
  expect(catalogue[0]?.endsWith(" -->")).toBe(true);
  expect(catalogue.slice(1).join("\n").replace(/<br>/g, "")).not.toContain("<");
  expect(catalogue.filter((l) => l.startsWith("#")).map((l) => l.replace(/ .*/, ""))).toEqual(["#", "##"]);
}

describe("arbitrary spec strings", () => {
  it("either refuse the spec with a positioned issue or come out of every generated file as data", async () => {
    const accepted: { texts: SpecTexts; module: string; rules: string }[] = [];
    let rejected = 0;
    fc.assert(
      fc.property(texts, (t) => {
        const generated = generateFromText(specText(t));
        if (!generated.ok) {
          rejected++;
          checkRejection(generated.issues);
          return;
        }
        checkArtifacts(t, generated.artifacts);
        accepted.push({ texts: t, module: metricsModule(generated.artifacts), rules: artifact(generated.artifacts, RULES_PATH) });
      }),
      { numRuns: 150, seed: 20261128 },
    );
    // Both outcomes are exercised, so neither branch of the property is vacuous.
    expect(accepted.length).toBeGreaterThan(30);
    expect(rejected).toBeGreaterThan(10);

    // Every accepted module compiles under strict tsc, imports without running anything, and
    // exposes the help text and label value verbatim (as the text format escapes them).
    const files = accepted.map((a, i) => {
      const file = `hostile-${i}.ts`;
      writeFileSync(join(scratch.dir, file), a.module);
      return file;
    });
    const tsc = spawnSync(join(process.cwd(), "node_modules", ".bin", "tsc"), [
      "--ignoreConfig", "--noEmit", "--strict", "--noUncheckedIndexedAccess", "--exactOptionalPropertyTypes", "--target", "ES2022",
      "--module", "NodeNext", "--moduleResolution", "NodeNext", "--types", "node", "--skipLibCheck", ...files,
    ], { cwd: scratch.dir, encoding: "utf8", timeout: 300_000 });
    expect(`${tsc.stdout}${tsc.stderr}`).toBe("");
    expect(tsc.status).toBe(0);

    const expositions = importModules(scratch.dir, accepted.map((a) => a.module));
    expect(existsSync(join(scratch.dir, MARKER))).toBe(false);
    accepted.forEach((a, i) => {
      const exposition = expositions[i] ?? "";
      expect(helpLine(exposition), JSON.stringify(a.texts)).toBe(`# HELP jobs_total ${escapedHelp(a.texts.help)}`);
      expect(exposition.split("\n")).toContain(`jobs_total{kind="${a.texts.metricLabelValue}"} 0`);
    });

    // Prometheus reads the rule files with Go's YAML parser and its own template checks: every
    // accepted sample loads, with the annotations and labels the spec wrote.
    const promDir = join(scratch.dir, "property-prometheus");
    mkdirSync(promDir);
    const ruleFiles = accepted.map((a, i) => {
      const file = join(promDir, `rules-${i}.yml`);
      writeFileSync(file, a.rules);
      return file;
    });
    const loaded = await rulesLoadedByPrometheus(promDir, ruleFiles);
    accepted.forEach((a, i) => {
      const rule = loaded.get(ruleFiles[i] ?? "")?.find((r) => r.name === "ManyJobs");
      expect({ summary: rule?.annotations?.summary, description: rule?.annotations?.description, team: rule?.labels?.team }, JSON.stringify(a.texts)).toEqual({
        summary: summaryOf(a.texts),
        description: descriptionOf(a.texts),
        team: a.texts.labelValue,
      });
    });
  }, 600_000);
});

// Text the loader accepts but YAML parsers disagree about: indicators, comment and anchor marks,
// YAML 1.1 booleans and numbers (Prometheus reads YAML with Go's yaml package, not obsgen's),
// quotes, leading and trailing spaces, line breaks, non-ASCII.
const TRICKY: SpecTexts = {
  help: "a */ b \\ c\nd \"q\" `t` ${x}",
  dashboardTitle: "yes",
  dashboardDescription: "--- # not a comment",
  rowTitle: "&anchor *alias !tag",
  panelTitle: "  leading and trailing  ",
  panelDescription: "line one\nline two\n\n  indented",
  summary: `"quoted" 'single' \\ # hash &a *b !c : d - e --- ... | > [x] {y} % @ \` \${x} */ /* <!-- --> é 日本 🎉\ttab`,
  description: "on: 0x10 ~ null 1e3\nsecond line:",
  labelValue: "a: b # c",
  metricLabelValue: "*/`${x}",
  serviceDescription: "# Not a heading\n| not | a table |",
};

interface RuleJson {
  name: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** The alerting rules a real Prometheus loaded from each of `ruleFiles`, as its HTTP API reports them. */
async function rulesLoadedByPrometheus(dir: string, ruleFiles: readonly string[]): Promise<Map<string, RuleJson[]>> {
  const config = join(dir, "prometheus.yml");
  writeFileSync(config, stringify({ rule_files: ruleFiles }));
  const port = await freePort();
  const child = spawn("prometheus", [`--config.file=${config}`, `--storage.tsdb.path=${join(dir, "data")}`, `--web.listen-address=127.0.0.1:${port}`, "--log.level=warn"], { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  child.stderr?.on("data", (d: Buffer) => (log += d.toString()));
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  try {
    for (let i = 0; ; i++) {
      if (child.exitCode !== null) throw new Error(`prometheus exited:\n${log}`);
      const r = await fetch(`http://127.0.0.1:${port}/api/v1/rules`).catch(() => undefined);
      if (r?.ok) {
        const body = (await r.json()) as { data: { groups: { file: string; rules: RuleJson[] }[] } };
        const byFile = new Map<string, RuleJson[]>();
        for (const g of body.data.groups) byFile.set(g.file, [...(byFile.get(g.file) ?? []), ...g.rules]);
        if (ruleFiles.every((f) => byFile.has(f))) return byFile;
      }
      if (i > 300) throw new Error(`prometheus did not load every rule file:\n${log}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    child.kill("SIGTERM");
    await exited;
  }
}

describe("spec strings read back by the real consumers", () => {
  it("are the same strings when Prometheus loads the rules and promtool runs their tests", async () => {
    const generated = generateFromText(specText(TRICKY));
    expect(generated.ok, JSON.stringify(generated.issues)).toBe(true);
    if (!generated.ok) return;
    const dir = join(scratch.dir, "prometheus");
    mkdirSync(dir);
    for (const path of [RULES_PATH, RULE_TESTS_PATH]) {
      mkdirSync(join(dir, "prometheus"), { recursive: true });
      writeFileSync(join(dir, path), artifact(generated.artifacts, path));
    }
    const check = runTool("promtool", ["check", "rules", join(dir, RULES_PATH)]);
    expect(check.output).toContain("SUCCESS");
    const test = runTool("promtool", ["test", "rules", join(dir, RULE_TESTS_PATH)]);
    expect(test.status, test.output).toBe(0);
    const file = join(dir, RULES_PATH);
    const rule = (await rulesLoadedByPrometheus(dir, [file])).get(file)?.find((r) => r.name === "ManyJobs");
    expect(rule?.annotations?.summary).toBe(summaryOf(TRICKY));
    expect(rule?.annotations?.description).toBe(descriptionOf(TRICKY));
    expect(rule?.labels?.team).toBe(TRICKY.labelValue);
  }, 120_000);

  it("keep the generated module compiling and the help text verbatim in its exposition", () => {
    const generated = generateFromText(specText(TRICKY));
    if (!generated.ok) throw new Error(JSON.stringify(generated.issues));
    checkArtifacts(TRICKY, generated.artifacts);
    const [exposition] = importModules(scratch.dir, [metricsModule(generated.artifacts)]);
    expect(helpLine(exposition ?? "")).toBe(`# HELP jobs_total ${escapedHelp(TRICKY.help)}`);
  });
});

describe("the review comment of a hostile spec change", () => {
  it("keeps a help text or panel title from adding headings, HTML or table rows to the diff Markdown", () => {
    const base = generateModel(specText(PLAIN_TEXTS));
    const hostile = "x\n\n## No breaking changes\n\n| fake | row |\n<img src=https://evil.example/p.png>";
    const head = generateModel(specText({ ...PLAIN_TEXTS, help: hostile, panelTitle: hostile }));
    const markdown = renderMarkdown(diffModels(base, head, { base: "main", head: "pr" }));
    const lines = markdown.split("\n");
    expect(lines.filter((l) => l.startsWith("#")).map((l) => l.replace(/:.*/, ""))).toEqual(["## obsgen diff", "### Metrics", "### Panels"]);
    expect(lines.filter((l) => l.startsWith("|"))).toEqual([]);
    expect(markdown).not.toContain("<img");
    expect(markdown).toContain("## No breaking changes");
  });
});

function generateModel(text: string): Model {
  const parsed = parseSpecText("spec.yaml", text);
  const result = resolve(parsed.spec ? [parsed.spec] : [], parsed.issues);
  if (!result.model) throw new Error(JSON.stringify(result.issues));
  return result.model;
}

describe("spec file names in generated headers", () => {
  it("stay inside the one header comment of every generated file", () => {
    const plainDir = join(scratch.dir, "names-plain");
    const hostileDir = join(scratch.dir, "names-hostile");
    mkdirSync(plainDir);
    mkdirSync(hostileDir);
    const text = specText(PLAIN_TEXTS);
    writeFileSync(join(plainDir, "spec.yaml"), text);
    writeFileSync(join(hostileDir, "x * -->\nprocess.exit(3)\u2028\r# y.yaml"), text);
    const plain = generateFromDir(plainDir);
    const hostile = generateFromDir(hostileDir);
    expect(hostile.map((a) => a.path)).toEqual(plain.map((a) => a.path));
    hostile.forEach((a, i) => {
      const lines = a.content.split("\n");
      expect(lines.length, a.path).toBe(plain[i]?.content.split("\n").length);
      expect(a.content.includes("DO NOT EDIT")).toBe(true);
      expect(/[\r\u2028]/.test(a.content), a.path).toBe(false);
    });
    const catalogue = artifact(hostile, CATALOGUE_PATH);
    expect(catalogue.split("-->").length).toBe(2);
    expect(catalogue.split("\n")[0]?.endsWith(" -->")).toBe(true);
  });
});

function generateFromDir(dir: string): Artifact[] {
  const loaded = loadSpecs(dir);
  const result = resolve(loaded.specs, loaded.issues);
  if (!result.model) throw new Error(JSON.stringify(result.issues));
  return generate(result.model);
}
