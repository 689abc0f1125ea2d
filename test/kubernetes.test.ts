import { readFileSync } from "node:fs";
import { parse, parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import { isGeneratedHeader } from "../src/generators/artifact.js";
import { PROMETHEUS_RULE_PATH, SERVICE_MONITOR_PATH } from "../src/generators/kubernetes/index.js";
import { RULES_PATH } from "../src/generators/prometheus/names.js";

function docs(path: string): Record<string, unknown>[] {
  const text = readFileSync(`generated/${path}`, "utf8");
  expect(isGeneratedHeader(text.split("\n")[0] ?? "")).toBe(true);
  return parseAllDocuments(text).map((d) => d.toJS() as Record<string, unknown>);
}

describe("prometheus-operator manifests", () => {
  it("emit a PrometheusRule whose groups equal the plain rule file's", () => {
    const [rule, ...rest] = docs(PROMETHEUS_RULE_PATH);
    expect(rest).toEqual([]);
    expect(rule).toMatchObject({ apiVersion: "monitoring.coreos.com/v1", kind: "PrometheusRule", metadata: { name: "git-operations" } });
    const plain = parse(readFileSync(`generated/${RULES_PATH}`, "utf8")) as { groups: unknown[] };
    expect((rule?.spec as { groups: unknown[] }).groups).toEqual(plain.groups);
    expect(plain.groups.length).toBeGreaterThan(0);
  });

  it("emit a ServiceMonitor for the spec's scrape job, path and interval", () => {
    const [monitor] = docs(SERVICE_MONITOR_PATH);
    expect(monitor).toMatchObject({
      apiVersion: "monitoring.coreos.com/v1",
      kind: "ServiceMonitor",
      metadata: { name: "git-operations", labels: { "app.kubernetes.io/name": "git-operations" } },
      spec: {
        jobLabel: "obsgen.dev/job",
        selector: { matchLabels: { "app.kubernetes.io/name": "git-operations" } },
        endpoints: [{ port: "http", path: "/metrics", interval: "15s" }],
      },
    });
  });

  it("give every manifest the metadata Kubernetes requires (a DNS-1123 name)", () => {
    for (const d of [...docs(PROMETHEUS_RULE_PATH), ...docs(SERVICE_MONITOR_PATH)]) {
      const name = (d.metadata as { name?: string }).name ?? "";
      expect(name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
      expect(name.length).toBeLessThanOrEqual(63);
      expect(d.spec).toBeTypeOf("object");
    }
  });
});
