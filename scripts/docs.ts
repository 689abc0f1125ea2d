// `npm run docs`: writes the reference pages that are generated, not written by hand —
// docs/spec-reference.md from the spec's zod schema (through its JSON Schema, the same one
// generated/spec.schema.json holds) and docs/checks.md from the diagnostic codes of
// src/conventions/rules.ts, each with an example message produced by running the real pipeline on the
// test fixtures that trigger it. `test/docs.test.ts` fails when the committed pages are stale.
// Pure renderers; the file system is touched only by main() and the fixture reader.
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parseDocument } from "yaml";
import { z } from "zod";
import { compareIssues, formatIssue, type Issue } from "../src/conventions/issue.ts";
import { resolve } from "../src/pipeline/load.ts";
import { RULES, type RuleInfo } from "../src/conventions/rules.ts";
import { loadSpecs, parseSpecText } from "../src/spec/load.ts";
import { serviceSpec } from "../src/spec/schema.ts";

export const SPEC_REFERENCE_PATH = "docs/spec-reference.md";
export const CHECKS_PATH = "docs/checks.md";
/** Fixtures whose issues give each code its example: every case is a spec that fails one check. */
export const EXAMPLE_FIXTURE_DIRS = ["test/fixtures/invalid", "test/fixtures/hostile"];
/** The spec the edit examples start from, and the name of a second file beside it. */
export const BUNDLED_SPEC = "metrics-spec/git-operations.yaml";
const SECOND_SPEC = "metrics-spec/other-service.yaml";

/** A path in the spec document and the value put there. */
export type SpecEdit = readonly [path: readonly (string | number)[], value: unknown];
const QUERY = ["dashboards", 0, "rows", 0, "panels", 0, "queries", 0] as const;

/**
 * Codes no fixture triggers get their example from the bundled spec with one thing broken, as a
 * user would break it. test/docs.test.ts checks that each edit still reports its code.
 */
export const EDIT_EXAMPLES: readonly { code: string; edits: readonly SpecEdit[]; second?: readonly SpecEdit[] }[] = [
  { code: "OBS023", edits: [[["metrics", "sandbox_creation_seconds_count"], { type: "gauge", help: "Sandbox creations." }]] },
  { code: "OBS031", edits: [[["alerts", 0, "panel"], "p99-latency"]] },
  { code: "OBS040", edits: [[["alerts", 0, "name"], "high_latency"]] },
  { code: "OBS041", edits: [[["alerts", 0, "severity"], "page"]] },
  { code: "OBS042", edits: [[["alerts", 0, "summary"], "latency is high"]] },
  { code: "OBS044", edits: [[["alerts", 2, "for"], "0s"]] },
  { code: "OBS045", edits: [[["alerts", 2, "tests", 0], undefined]] },
  { code: "OBS046", edits: [[["alerts", 2, "tests", 1, "input", 0, "series"], "active_sandboxes_total{instance=a}"]] },
  { code: "OBS051", edits: [[[...QUERY, "expr"], "sum(rate(git_operation_totals[$__rate_interval]))"]] },
  { code: "OBS052", edits: [[[...QUERY, "expr"], 'sum(rate(git_operation_total{branch="main"}[$__rate_interval]))']] },
  { code: "OBS053", edits: [[[...QUERY, "expr"], 'sum(rate(git_operation_total{status="sucess"}[$__rate_interval]))']] },
  { code: "OBS054", edits: [[[...QUERY, "expr"], "sum(git_operation_total)"]] },
  { code: "OBS055", edits: [[[...QUERY, "expr"], "histogram_quantile(0.95, rate(git_operation_duration_seconds_bucket[$__rate_interval]))"]] },
  { code: "OBS056", edits: [[[...QUERY, "expr"], "sum(rate(git_operation_total[$__rate_interval]))"], [[...QUERY, "legend"], "{{operation}}"]] },
  { code: "OBS057", edits: [[["alerts", 0, "expr"], "histogram_quantile(0.95, sum by (le, operation) (rate(git_operation_duration_seconds_bucket[5m]))) > 7"]] },
  { code: "OBS058", edits: [[[...QUERY, "expr"], '100 * (rate(git_operation_total{status="success"}[5m]) / rate(git_operation_total[5m]))']] },
  { code: "OBS059", edits: [[[...QUERY, "expr"], "sum(estimated_cost_dollars)"]] },
  { code: "OBS060", edits: [[["stack", "app", "environment", "RUNTIME_TOKEN"], "hunter2"]] },
  { code: "OBS061", edits: [[["stack", "app", "port"], 8080]] },
  { code: "OBS062", edits: [[["stack", "grafana", "port"], 9090]] },
  {
    code: "OBS063",
    edits: [],
    second: [[["service"], "other-service"], [["metrics"], { other_events_total: { type: "counter", help: "Other events." } }], [["dashboards"], []], [["alerts"], []], [["slos"], []], [["scrape", "job"], "other"]],
  },
  { code: "OBS070", edits: [[["slos", 1, "sli", "latency", "threshold"], 4]] },
  { code: "OBS071", edits: [[["slos", 1, "name"], "git-availability"]] },
  { code: "OBS072", edits: [[["alerts", 1, "tiers", 0, "threshold"], 0.01]] },
  { code: "OBS073", edits: [[["alerting", "selector"], "cluster prod"]] },
  { code: "OBS074", edits: [[["cost", "hoursMetric"], "sandbox_hours"]] },
  { code: "OBS090", edits: [[["stack", "bindAddress"], "0.0.0.0"], [["stack", "prometheus", "adminApi"], true]] },
  { code: "OBS091", edits: [[["scrape", "remoteWrite"], [{ url: "https://user:hunter2@mimir.example.com/api/v1/push" }]]] },
];

const HEADER = "<!-- Code generated by `npm run docs` (scripts/docs.ts). DO NOT EDIT. -->";

type JsonSchema = {
  type?: string | string[];
  description?: string;
  default?: unknown;
  const?: unknown;
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  minLength?: number;
};

/** The spec's JSON Schema, as `obsgen generate` writes it (input side: defaults are optional). */
export function specJsonSchema(): JsonSchema {
  return z.toJSONSchema(serviceSpec, { io: "input", target: "draft-7" }) as JsonSchema;
}

/** Text safe inside a Markdown table cell: one line, pipes escaped. */
function cell(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").replace(/\|/g, "\\|");
}

/** A value as inline code; a backtick inside is impossible to nest, so the span widens. */
function code(text: string): string {
  const fence = text.includes("`") ? "``" : "`";
  const pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
  return `${fence}${pad}${text}${pad}${fence}`;
}

function isObject(s: JsonSchema): boolean {
  return s.properties !== undefined;
}

/** A record (map) schema's value schema, if the schema is one. */
function recordValue(s: JsonSchema): JsonSchema | undefined {
  return typeof s.additionalProperties === "object" && s.properties === undefined ? s.additionalProperties : undefined;
}

/** A section of the reference: an object's path and schema. */
interface Section {
  path: string;
  schema: JsonSchema;
}

function typeOf(s: JsonSchema, sections: Map<JsonSchema, Section>): string {
  if (s.const !== undefined) return code(JSON.stringify(s.const));
  if (s.enum !== undefined) return s.enum.map((v) => code(JSON.stringify(v))).join(" \\| ");
  if (s.anyOf !== undefined) return s.anyOf.map((m) => typeOf(m, sections)).join(" or ");
  const section = sections.get(s);
  if (section !== undefined) return `object ([${code(section.path)}](#${slug(section.path)}))`;
  const value = recordValue(s);
  if (value !== undefined) return `map of ${typeOf(value, sections)}`;
  if (s.type === "array" && s.items !== undefined) {
    const item = typeOf(s.items, sections);
    return /\s/.test(item) ? `list of ${item}` : `${item}[]`;
  }
  if (Array.isArray(s.type)) return s.type.join(" or ");
  return s.type ?? "any";
}

function constraintsOf(s: JsonSchema): string[] {
  const out: string[] = [];
  if (s.exclusiveMinimum !== undefined) out.push(`> ${s.exclusiveMinimum}`);
  if (s.minimum !== undefined) out.push(`≥ ${s.minimum}`);
  if (s.exclusiveMaximum !== undefined) out.push(`< ${s.exclusiveMaximum}`);
  // zod's integer bound (2^53 − 1) says nothing a reader needs.
  if (s.maximum !== undefined && s.maximum !== Number.MAX_SAFE_INTEGER) out.push(`≤ ${s.maximum}`);
  if (s.minLength !== undefined && s.minLength > 0) out.push(s.minLength === 1 ? "non-empty" : `at least ${s.minLength} characters`);
  if (s.minItems !== undefined && s.minItems > 0) out.push(`at least ${s.minItems} item${s.minItems === 1 ? "" : "s"}`);
  if (s.format !== undefined) out.push(`format ${s.format}`);
  if (s.pattern !== undefined) out.push(`matches ${code(s.pattern)}`);
  if (s.items !== undefined && s.type === "array") out.push(...constraintsOf(s.items).map((c) => `each ${c}`));
  return out;
}

/** Every object schema under `s` that gets its own section, depth first in the schema's order. */
function collectSections(s: JsonSchema, path: string, out: Section[], seen: Map<JsonSchema, Section>): void {
  if (seen.has(s)) return;
  if (isObject(s)) {
    const section = { path, schema: s };
    seen.set(s, section);
    out.push(section);
    for (const [name, child] of Object.entries(s.properties ?? {})) collectSections(child, path === "" ? name : `${path}.${name}`, out, seen);
    return;
  }
  if (s.anyOf !== undefined) {
    const objects = s.anyOf.filter((m) => isObject(m) || recordValue(m) !== undefined || m.type === "array");
    objects.forEach((m) => collectSections(m, path, out, seen));
    return;
  }
  const value = recordValue(s);
  if (value !== undefined) collectSections(value, `${path}.<name>`, out, seen);
  else if (s.type === "array" && s.items !== undefined) collectSections(s.items, `${path}[]`, out, seen);
}

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
export function slug(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .trim()
    .replace(/\s/g, "-");
}

export function renderSpecReference(schema: JsonSchema = specJsonSchema()): string {
  const sections: Section[] = [];
  const byschema = new Map<JsonSchema, Section>();
  collectSections(schema, "", sections, byschema);
  // Two object forms at one path (a union) would share a heading; number the later ones.
  const seenPaths = new Map<string, number>();
  for (const section of sections) {
    const n = (seenPaths.get(section.path) ?? 0) + 1;
    seenPaths.set(section.path, n);
    if (n > 1) section.path = `${section.path} (form ${n})`;
  }
  const lines = [
    HEADER,
    "",
    "# Spec reference",
    "",
    "Every field of a spec file (`metrics-spec/*.yaml`), generated from the zod schema in",
    "`src/spec/schema.ts` — the same schema `obsgen generate` writes to `generated/spec.schema.json`",
    "for editors. `<name>` stands for a key you choose (a metric, label or variable name); `[]` for",
    "each item of a list. A field with a default may be left out. How the spec is checked beyond",
    "its shape: [the spec](spec.md) and [the checks](checks.md).",
    "",
  ];
  for (const section of sections) {
    lines.push(`## ${section.path === "" ? "Top level" : code(section.path)}`, "");
    if (section.schema.description !== undefined && section.path !== "") lines.push(cell(section.schema.description), "");
    lines.push("| field | type | required | default | constraints | description |", "|---|---|---|---|---|---|");
    const required = new Set(section.schema.required ?? []);
    for (const [name, field] of Object.entries(section.schema.properties ?? {})) {
      const def = field.default === undefined ? "" : code(JSON.stringify(field.default));
      const must = required.has(name) && field.default === undefined ? "yes" : "";
      lines.push(`| ${code(name)} | ${typeOf(field, byschema)} | ${must} | ${cell(def)} | ${cell(constraintsOf(field).join(", "))} | ${cell(field.description ?? "")} |`);
    }
    lines.push("");
  }
  return `${lines.join("\n").trimEnd()}\n`;
}

/** Spec fixtures (files, or directories that are one spec directory), sorted. */
function fixturePaths(dirs: readonly string[]): string[] {
  return dirs
    .flatMap((dir) =>
      readdirSync(dir)
        .filter((name) => /\.ya?ml$/.test(name) || statSync(join(dir, name)).isDirectory())
        .map((name) => `${dir}/${name}`),
    )
    .sort();
}

/** The issues the real pipeline reports for each fixture: load, validate, resolve. */
export function fixtureIssues(dirs: readonly string[] = EXAMPLE_FIXTURE_DIRS): Issue[] {
  return fixturePaths(dirs).flatMap((path) => {
    const loaded = loadSpecs(path);
    return [...resolve(loaded.specs, loaded.issues).issues].sort(compareIssues);
  });
}

function editedSpec(edits: readonly SpecEdit[]): string {
  const doc = parseDocument(readFileSync(BUNDLED_SPEC, "utf8"));
  for (const [path, value] of edits) {
    if (value === undefined) doc.deleteIn(path);
    else doc.setIn(path, value);
  }
  return doc.toString();
}

/**
 * The issues of the bundled spec with `edits` applied, resolved like `obsgen check` would; with
 * `second`, together with a second spec file (the bundled spec with those edits) in the same directory.
 */
export function editIssues(edits: readonly SpecEdit[], second?: readonly SpecEdit[]): Issue[] {
  const files: [string, string][] = [[BUNDLED_SPEC, editedSpec(edits)], ...(second ? [[SECOND_SPEC, editedSpec(second)] as [string, string]] : [])];
  const parsed = files.map(([file, text]) => parseSpecText(file, text));
  return [...resolve(parsed.flatMap((p) => (p.spec ? [p.spec] : [])), parsed.flatMap((p) => p.issues)).issues].sort(compareIssues);
}

/** An example issue per code: from the fixtures first, else from the edit examples. */
export function exampleIssues(): Issue[] {
  const fromFixtures = fixtureIssues();
  const covered = new Set(fromFixtures.map((i) => i.code));
  const fromEdits = EDIT_EXAMPLES.filter((e) => !covered.has(e.code)).flatMap((e) => editIssues(e.edits, e.second).filter((i) => i.code === e.code).slice(0, 1));
  return [...fromFixtures, ...fromEdits];
}

/** Characters a terminal or Markdown reader would not show as themselves, written as \u escapes. */
function visible(text: string): string {
  return text.replace(/[\p{Cc}\p{Cf}\u2028\u2029]/gu, (c) => (c === "\n" ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`));
}

export function renderChecks(issues: readonly Issue[] = exampleIssues()): string {
  const rules = Object.values(RULES as Record<string, RuleInfo>).sort((a, b) => a.code.localeCompare(b.code));
  const example = new Map<string, Issue>();
  for (const i of issues) if (!example.has(i.code)) example.set(i.code, i);
  const lines = [
    HEADER,
    "",
    "# Checks and their codes",
    "",
    "Every finding obsgen reports on a spec carries a stable code, printed like a compiler's",
    "diagnostic: `file:line:column severity CODE message`, the document path (`at …`) and a hint.",
    "Any error makes `generate` write nothing and exit 2. A finding with a rule id can be suppressed",
    "on the metric it concerns with `suppress: [{rule: <id>, reason: …}]` (the reason is kept for",
    "reviewers); the others cannot. Generated from `src/conventions/rules.ts`; each example is what the",
    "real pipeline reports for a fixture of `test/fixtures/invalid/` or `test/fixtures/hostile/`, or",
    "for the bundled spec (`metrics-spec/git-operations.yaml`) with one thing broken (`EDIT_EXAMPLES`",
    "in `scripts/docs.ts`; positions are those of the edited document).",
    "",
    "| code | rule id | summary |",
    "|---|---|---|",
    ...rules.map((r) => `| [${r.code}](#${slug(r.code)}) | ${r.id !== undefined ? code(r.id) : ""} | ${cell(r.summary)} |`),
    "",
  ];
  for (const r of rules) {
    // A summary starting with a word is a sentence; one starting with a name (histogram_quantile) stays as written.
    const sentence = /^[a-z]+[\s,']/.test(r.summary) ? `${r.summary.charAt(0).toUpperCase()}${r.summary.slice(1)}` : r.summary;
    lines.push(`## ${r.code}`, "", `${sentence}.${r.id !== undefined ? ` Suppressible as ${code(r.id)}.` : ""}`, "");
    const i = example.get(r.code);
    if (i !== undefined) lines.push("```", visible(formatIssue(i)), "```", "");
  }
  return `${lines.join("\n").trimEnd()}\n`;
}

/** The generated pages: repository path → content. */
export function generatedDocs(): Map<string, string> {
  return new Map([
    [SPEC_REFERENCE_PATH, renderSpecReference()],
    [CHECKS_PATH, renderChecks()],
  ]);
}

function main(): void {
  for (const [path, content] of generatedDocs()) {
    const old = (() => {
      try {
        return readFileSync(path, "utf8");
      } catch {
        return undefined;
      }
    })();
    if (old === content) continue;
    writeFileSync(path, content);
    process.stdout.write(`wrote ${path}\n`);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();
