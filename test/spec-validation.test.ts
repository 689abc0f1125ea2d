import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatIssue } from "../src/conventions/issue.js";
import { resolve } from "../src/pipeline/load.js";
import { parseSpecText } from "../src/spec/load.js";
import { expectationOf } from "./support/fixture-expectation.ts";

const DIR = "test/fixtures/invalid";

function issuesOf(file: string, text: string) {
  const parsed = parseSpecText(file, text);
  return resolve(parsed.spec ? [parsed.spec] : [], parsed.issues).issues;
}

describe("malformed specs", () => {
  const fixtures = readdirSync(DIR).filter((f) => f.endsWith(".yaml")).sort();

  it("has a corpus of at least 20 cases", () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(20);
  });

  for (const fixture of fixtures) {
    it(`reports ${fixture.replace(/\.yaml$/, "").replace(/-/g, " ")} at its position`, () => {
      const file = join(DIR, fixture);
      const text = readFileSync(file, "utf8");
      const want = expectationOf(text);
      const issues = issuesOf(file, text);
      const match = issues.find((i) => i.code === want.code && i.message.includes(want.message));
      expect(match, `no ${want.code} "${want.message}" among:\n${issues.map(formatIssue).join("\n")}`).toBeDefined();
      expect({ file: match?.file, line: match?.line, column: match?.column, severity: match?.severity }).toEqual({
        file,
        line: want.line,
        column: want.column,
        severity: "error",
      });
    });
  }
});

describe("spec validation", () => {
  it("accepts the bundled spec with no errors or warnings", () => {
    const text = readFileSync("metrics-spec/git-operations.yaml", "utf8");
    expect(issuesOf("metrics-spec/git-operations.yaml", text).map(formatIssue)).toEqual([]);
  });

  it("reports every error of a spec in one run, sorted by position", () => {
    const text = [
      "version: 1",
      "service: demo",
      "scrape: {job: demo, targets: ['demo:8000']}",
      "metrics:",
      "  jobs: {type: counter, help: Jobs.}",
      "  queue_total: {type: gauge, help: Queue.}",
      "  wait_seconds: {type: histogram, unit: seconds, help: Wait., buckets: [2, 1]}",
    ].join("\n");
    const issues = issuesOf("multi.yaml", text);
    expect(issues.map((i) => `${i.line} ${i.code}`)).toEqual(["5 OBS013", "6 OBS014", "7 OBS017"]);
  });

  it("names the document path of each error", () => {
    const text = readFileSync(join(DIR, "duplicate-label-value.yaml"), "utf8");
    const issue = issuesOf("x.yaml", text).find((i) => i.code === "OBS018");
    expect(issue?.path).toBe("metrics.jobs_total.labels.kind[2]");
  });

  it("points at a position inside a block-scalar string", async () => {
    const { parseSpecText: parse } = await import("../src/spec/load.js");
    const text = ["a:", "  expr: |-", "    sum(rate(x[5m]))", "      / sum(y)"].join("\n");
    const spec = parse("b.yaml", text).spec;
    const inner = "sum(rate(x[5m]))\n  / sum(y)".indexOf("sum(y)");
    expect(spec?.source.locateInScalar(["a", "expr"], inner)).toEqual({ line: 4, column: 9 });
  });

  it("accepts a suppressed finding and warns about an unused suppression", () => {
    const text = [
      "version: 1",
      "service: demo",
      "scrape: {job: demo, targets: ['demo:8000']}",
      "metrics:",
      "  queue_total:",
      "    type: gauge",
      "    help: Queue.",
      "    suppress: [{rule: no-total-on-non-counter, reason: kept for compatibility}]",
      "  jobs_total:",
      "    type: counter",
      "    help: Jobs.",
      "    suppress: [{rule: no-total-on-non-counter, reason: not needed at all}]",
    ].join("\n");
    const issues = issuesOf("s.yaml", text);
    expect(issues.map((i) => `${i.severity} ${i.code} ${i.line}`)).toEqual(["warning OBS024 12"]);
  });
});

describe("the exported JSON Schema", () => {
  it("accepts the bundled spec and rejects a misspelt field, as an editor would", async () => {
    const { Ajv } = await import("ajv");
    const { parse } = await import("yaml");
    const schema = JSON.parse(readFileSync("generated/spec.schema.json", "utf8")) as Record<string, unknown>;
    const ajv = new Ajv({ allErrors: true, strict: false });
    const validate = ajv.compile(schema);
    const spec = parse(readFileSync("metrics-spec/git-operations.yaml", "utf8")) as Record<string, unknown>;
    expect(validate(spec), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...spec, metricz: {} })).toBe(false);
  });

  it("is referenced from the first line of the bundled spec", () => {
    const first = readFileSync("metrics-spec/git-operations.yaml", "utf8").split("\n")[0];
    expect(first).toBe("# yaml-language-server: $schema=../generated/spec.schema.json");
  });
});
