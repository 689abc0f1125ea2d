import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { formatIssue } from "../src/conventions/issue.js";
import { resolve } from "../src/pipeline/load.js";
import { parseSpecText } from "../src/spec/load.js";

type JsonSchema = { [key: string]: unknown };

/** Every property schema in the document, with its path: properties of objects at any depth. */
function properties(schema: unknown, path = "#"): [string, JsonSchema][] {
  if (Array.isArray(schema)) return schema.flatMap((s, i) => properties(s, `${path}/${i}`));
  if (schema === null || typeof schema !== "object") return [];
  const node = schema as JsonSchema;
  const own = node.properties && typeof node.properties === "object" ? Object.entries(node.properties as Record<string, JsonSchema>).map(([k, v]): [string, JsonSchema] => [`${path}/properties/${k}`, v]) : [];
  return [...own, ...Object.entries(node).flatMap(([k, v]) => properties(v, `${path}/${k}`))];
}

describe("the spec's JSON Schema", () => {
  const schema = JSON.parse(readFileSync("generated/spec.schema.json", "utf8")) as JsonSchema;

  it("describes every property, so editors explain each field", () => {
    const all = properties(schema);
    expect(all.length).toBeGreaterThan(80);
    const bare = all.filter(([, s]) => typeof s.description !== "string" || s.description.trim() === "").map(([p]) => p);
    expect(bare).toEqual([]);
  });

  it("lets a label value be written as a number", async () => {
    const { Ajv } = await import("ajv");
    const validate = new Ajv({ strict: false }).compile(schema);
    const spec = { version: 1, service: "web", scrape: { job: "web", targets: ["web:80"] }, metrics: { http_requests_total: { type: "counter", help: "Requests.", labels: { code: [200, "404"] } } } };
    expect(validate(spec), JSON.stringify(validate.errors)).toBe(true);
  });
});

const NUMERIC = `version: 1
service: web
scrape:
  job: web
  targets: ["web:80"]
metrics:
  http_requests_total:
    type: counter
    help: HTTP requests by status code.
    labels:
      status_code: [200, 404, 500]
      method:
        values: [GET, POST]
`;

describe("numeric label values", () => {
  it("reads status codes written as YAML numbers as their decimal text", () => {
    const parsed = parseSpecText("web.yaml", NUMERIC);
    const result = resolve(parsed.spec ? [parsed.spec] : [], parsed.issues);
    expect(result.issues.map(formatIssue)).toEqual([]);
    const metric = result.model?.services[0]?.metricsByName.get("http_requests_total");
    expect(metric?.labels.find((l) => l.name === "status_code")?.values).toEqual(["200", "404", "500"]);
  });

  it("asks to quote a number whose decimal text is not what was written, at the value", () => {
    const text = NUMERIC.replace("[200, 404, 500]", "[200, 007, 1.0]");
    const parsed = parseSpecText("web.yaml", text);
    const issues = resolve(parsed.spec ? [parsed.spec] : [], parsed.issues).issues;
    const line = text.split("\n").findIndex((l) => l.includes("007")) + 1;
    const col = (s: string): number => (text.split("\n")[line - 1] ?? "").indexOf(s) + 1;
    expect(issues.map((i) => `${i.line}:${i.column} ${i.code} ${i.message} | ${i.hint ?? ""}`)).toEqual([
      `${line}:${col("007")} OBS018 label value 007 is read by YAML as the number 7, so it would be recorded as "7" | quote it to keep it as written: "007"`,
      `${line}:${col("1.0")} OBS018 label value 1.0 is read by YAML as the number 1, so it would be recorded as "1" | quote it to keep it as written: "1.0"`,
    ]);
  });
});
