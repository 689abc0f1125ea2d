import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { GRAFANA_DIR } from "../src/generators/grafana/names.js";
import { compare } from "../src/output/files.js";
import { runValidation } from "../src/validate/index.js";
import { generateCase, goldenCases, repoPath } from "./golden/cases.js";

const dashboardSchema = new Ajv({ allErrors: true, strict: false }).compile(
  JSON.parse(readFileSync("test/vendor/grafana-foundation-sdk/dashboard.jsonschema.json", "utf8")) as object,
);

describe("golden specs", () => {
  const cases = goldenCases();

  it("covers a minimal spec, an HTTP service, two services, one without alerts or dashboards, and the bundled spec", () => {
    expect(cases.map((c) => c.name)).toEqual(["http-service", "minimal", "no-alerts-no-dashboards", "two-services", "bundled"]);
  });

  for (const c of cases) {
    describe(c.name, () => {
      it("regenerates its expected output byte for byte (npm run golden:update after an intended change)", () => {
        const drift = compare(generateCase(c), repoPath(c.expected));
        expect(drift, `${c.expected}/ differs from what ${c.spec}/ generates; run npm run golden:update and review the diff`).toEqual({ stale: [], edited: [], missing: [], obsolete: [] });
      });

      it("passes promtool check rules, check config and test rules, and amtool check-config", () => {
        const results = runValidation(repoPath(c.expected), new Set(generateCase(c).map((a) => a.path)));
        const failed = results.filter((r) => !r.ok).map((r) => `${r.command}\n${r.output}`);
        expect(failed).toEqual([]);
        expect(results.some((r) => !r.skipped && r.check.file.endsWith("prometheus.yml"))).toBe(true);
      });

      it("has dashboards that match the Grafana dashboard schema", () => {
        const dir = repoPath(join(c.expected, GRAFANA_DIR, "dashboards"));
        const files = (() => {
          try {
            return readdirSync(dir).filter((f) => f.endsWith(".json"));
          } catch {
            return [];
          }
        })();
        for (const f of files) {
          const ok = dashboardSchema(JSON.parse(readFileSync(join(dir, f), "utf8")));
          expect(ok ? [] : dashboardSchema.errors?.map((e) => `${f}${e.instancePath} ${e.message ?? ""}`)).toEqual([]);
        }
      });
    });
  }
});
