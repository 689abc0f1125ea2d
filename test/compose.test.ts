import { existsSync, readFileSync } from "node:fs";
import { Ajv, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { SLACK_WEBHOOK_SECRET } from "../src/generators/alertmanager/index.js";
import { DASHBOARDS_MOUNT } from "../src/generators/grafana/names.js";
import { loadModel } from "../src/model/resolve.js";

type Service = {
  build?: string;
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  secrets?: string[];
};
type Compose = { services: Record<string, Service>; volumes: Record<string, unknown>; secrets: Record<string, { environment?: string }> };

const TEXT = readFileSync("docker-compose.yml", "utf8");
const COMPOSE = parse(TEXT) as Compose;

function validator(): ValidateFunction {
  const schema = JSON.parse(readFileSync("test/vendor/compose-spec.json", "utf8")) as Record<string, unknown>;
  // The schema names its draft by an https URI ajv does not know; it is draft-07 (ajv's default).
  delete schema.$schema;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats.default(ajv);
  return ajv.compile(schema);
}

function service(name: string): Service {
  const s = COMPOSE.services[name];
  if (!s) throw new Error(`no service ${name}`);
  return s;
}

describe("docker-compose.yml", () => {
  it("is valid against the compose-spec JSON Schema", () => {
    const validate = validator();
    expect(validate(COMPOSE), JSON.stringify(validate.errors, null, 2)).toBe(true);
  });

  it("is rejected by the same schema when a service has an unknown field (the check is real)", () => {
    const validate = validator();
    const broken = parse(TEXT) as Compose;
    (broken.services.prometheus as Record<string, unknown>).retention = "30d";
    expect(validate(broken)).toBe(false);
  });

  it("runs the guide's four services with a named Prometheus volume", () => {
    expect(Object.keys(COMPOSE.services).sort()).toEqual(["alertmanager", "grafana", "prometheus", "runtime"]);
    expect(service("prometheus").volumes).toContain("prometheus_data:/prometheus");
    expect(Object.keys(COMPOSE.volumes)).toContain("prometheus_data");
  });

  it("mounts only host paths that exist in the repository", () => {
    const hostPaths = Object.values(COMPOSE.services).flatMap((s) => (s.volumes ?? []).map((v) => v.split(":")[0] ?? "").filter((p) => p.startsWith(".")));
    expect(hostPaths.length).toBeGreaterThanOrEqual(4);
    for (const p of hostPaths) expect(existsSync(p), p).toBe(true);
    expect(existsSync("generated/prometheus/prometheus.yml")).toBe(true);
    expect(existsSync("generated/prometheus/alert_rules.yml")).toBe(true);
    expect(existsSync("generated/alertmanager/alertmanager.yml")).toBe(true);
    expect(existsSync("generated/grafana/provisioning/datasources")).toBe(true);
    expect(existsSync("generated/grafana/provisioning/dashboards")).toBe(true);
    expect(service("grafana").volumes).toContain(`./generated/grafana/dashboards:${DASHBOARDS_MOUNT}:ro`);
    expect(service("runtime").build).toBe(".");
    expect(existsSync("Dockerfile")).toBe(true);
  });

  it("binds every published port to 127.0.0.1, on the guide's port numbers", () => {
    const ports = Object.fromEntries(Object.entries(COMPOSE.services).map(([n, s]) => [n, s.ports ?? []]));
    expect(ports).toEqual({
      runtime: ["127.0.0.1:8000:8000"],
      prometheus: ["127.0.0.1:9090:9090"],
      alertmanager: ["127.0.0.1:9093:9093"],
      grafana: ["127.0.0.1:3001:3000"],
    });
  });

  it("keeps Prometheus' retention and the scrape target in step with the spec", () => {
    const { model } = loadModel("metrics-spec");
    const spec = model.services[0]?.spec;
    expect(service("prometheus").command).toContain(`--storage.tsdb.retention.time=${spec?.scrape.retention}`);
    expect(spec?.scrape.retention).toBe("30d");
    for (const target of spec?.scrape.targets ?? []) {
      const [host, port] = target.split(":");
      expect(Object.keys(COMPOSE.services)).toContain(host);
      expect(service(host ?? "").ports?.some((p) => p.endsWith(`:${port}`))).toBe(true);
    }
    for (const am of spec?.alerting.alertmanagers ?? []) expect(Object.keys(COMPOSE.services)).toContain(am.split(":")[0]);
  });

  it("takes the Grafana password from the environment, required and without a default", () => {
    expect(service("grafana").environment?.GF_SECURITY_ADMIN_PASSWORD).toMatch(/^\$\{GRAFANA_ADMIN_PASSWORD:\?[^}]+\}$/);
    expect(TEXT).not.toMatch(/ADMIN_PASSWORD:\s*admin\b|:-admin/);
  });

  it("hands Alertmanager its webhook URL as a secret from the environment", () => {
    expect(service("alertmanager").secrets).toEqual([SLACK_WEBHOOK_SECRET]);
    expect(COMPOSE.secrets[SLACK_WEBHOOK_SECRET]).toEqual({ environment: "SLACK_WEBHOOK_URL" });
  });
});

describe("Dockerfile", () => {
  const dockerfile = readFileSync("Dockerfile", "utf8");

  it("runs npm start listening on 0.0.0.0:8000 inside the container", () => {
    expect(dockerfile).toMatch(/^CMD \["npm", "start"\]$/m);
    expect(dockerfile).toMatch(/HOST=0\.0\.0\.0/);
    expect(dockerfile).toMatch(/^EXPOSE 8000$/m);
  });

  it("copies only paths that exist, and keeps node_modules out of the build context", () => {
    for (const m of dockerfile.matchAll(/^COPY (.+) \S+$/gm)) {
      for (const p of (m[1] ?? "").split(" ")) expect(existsSync(p), p).toBe(true);
    }
    expect(readFileSync(".dockerignore", "utf8").split("\n")).toContain("node_modules");
  });
});
