// remote_write generated from the spec: promtool accepts it, the spec checks refuse what
// Prometheus would refuse or what would leak a credential, and a real Prometheus (started by
// scripts/start-prometheus.sh) scraping a loopback target sends the expected series, with the
// credentials from the secret file, to a loopback receiver that decodes the WriteRequest.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMetrics } from "../generated/metrics.ts";
import { diffModels, renderMarkdown } from "../src/diff/index.js";
import { generate } from "../src/generators/index.js";
import { CONFIG_PATH, RULES_PATH } from "../src/generators/prometheus/names.js";
import { formatIssue } from "../src/conventions/issue.js";
import { RULES } from "../src/conventions/rules.js";
import { Child } from "./support/child.js";
import { freePort } from "./support/prometheus.js";
import { RemoteWriteReceiver } from "./support/remote-write-receiver.js";
import { edited, issuesAfter, resolveText, type SpecEdit } from "./support/spec-edits.js";

const MIMIR = {
  name: "mimir",
  url: "https://mimir.example.com/api/v1/push",
  headers: { "X-Scope-OrgID": "git-operations" },
  basicAuth: { username: "git-operations", passwordSecret: "remote_write_password" },
  queue: { capacity: 10000, maxShards: 10, maxSamplesPerSend: 2000, batchSendDeadline: "5s", minBackoff: "30ms", maxBackoff: "5s" },
};

/** prometheus.yml and alert_rules.yml generated from the bundled spec with edits, written to `dir`. */
function writePrometheusConfig(edits: readonly SpecEdit[], dir: string): Record<string, unknown> {
  const result = resolveText(edited(edits));
  const errors = result.issues.filter((i) => i.severity === "error");
  if (errors.length > 0 || result.model === undefined) throw new Error(errors.map(formatIssue).join("\n"));
  const artifacts = generate(result.model);
  for (const path of [CONFIG_PATH, RULES_PATH]) {
    const artifact = artifacts.find((a) => a.path === path);
    if (!artifact) throw new Error(`${path} not generated`);
    writeFileSync(join(dir, path.split("/").at(-1) ?? path), artifact.content);
  }
  return parse(artifacts.find((a) => a.path === CONFIG_PATH)?.content ?? "") as Record<string, unknown>;
}

function promtoolCheck(dir: string): { status: number | null; output: string } {
  const r = spawnSync("promtool", ["check", "config", join(dir, "prometheus.yml")], { encoding: "utf8" });
  return { status: r.status, output: r.stdout + r.stderr };
}

describe("remote_write from the spec", () => {
  let dir = "";
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "obsgen-rw-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("generates the endpoint with its queue, tenant header and credentials read from a secret file, and passes promtool check config", () => {
    const config = writePrometheusConfig([[["scrape", "remoteWrite"], [MIMIR, { url: "http://victoriametrics:8428/api/v1/write", bearerTokenSecret: "vm_token" }]], [["scrape", "externalLabels"], { cluster: "eu-1" }]], dir);
    expect(config.remote_write).toEqual([
      {
        url: MIMIR.url,
        name: "mimir",
        headers: { "X-Scope-OrgID": "git-operations" },
        basic_auth: { username: "git-operations", password_file: "/run/secrets/remote_write_password" },
        queue_config: { capacity: 10000, max_shards: 10, max_samples_per_send: 2000, batch_send_deadline: "5s", min_backoff: "30ms", max_backoff: "5s" },
      },
      { url: "http://victoriametrics:8428/api/v1/write", authorization: { type: "Bearer", credentials_file: "/run/secrets/vm_token" } },
    ]);
    expect(config.global).toMatchObject({ external_labels: { cluster: "eu-1" } });
    const check = promtoolCheck(dir);
    expect(check.status, check.output).toBe(0);
  });

  it("is absent from the bundled spec's config, which has no endpoint", () => {
    const config = writePrometheusConfig([], dir);
    expect(config).not.toHaveProperty("remote_write");
  });

  const refused: { what: string; edit: unknown; path: string; message: RegExp }[] = [
    { what: "credentials in the URL", edit: { url: "https://user:hunter2@mimir.example.com/api/v1/push" }, path: "scrape.remoteWrite[0].url", message: /holds credentials/ },
    { what: "an Authorization header", edit: { url: MIMIR.url, headers: { Authorization: "Bearer hunter2" } }, path: "scrape.remoteWrite[0].headers.Authorization", message: /Prometheus sets itself/ },
    { what: "basic auth and a bearer token together", edit: { ...MIMIR, bearerTokenSecret: "token" }, path: "scrape.remoteWrite[0].bearerTokenSecret", message: /one authentication method/ },
  ];
  for (const c of refused) {
    it(`refuses ${c.what} (OBS091), which promtool would also refuse or which would leak a secret`, () => {
      const issues = issuesAfter([[["scrape", "remoteWrite"], [c.edit]]]);
      const hit = issues.find((i) => i.code === RULES.remoteWrite.code);
      expect(hit, issues.map(formatIssue).join("\n")).toMatchObject({ path: c.path, severity: "error" });
      expect(hit?.message).toMatch(c.message);
    });
  }

  const hostile: { what: string; edit: [readonly (string | number)[], unknown]; path: string; message: string }[] = [
    { what: "a secret name that climbs out of secrets/", edit: [["scrape", "remoteWrite"], [{ ...MIMIR, basicAuth: { username: "u", passwordSecret: "../../etc/shadow" } }]], path: "scrape.remoteWrite[0].basicAuth.passwordSecret", message: "expected a secret name: lower-case letters, digits and '_' (the file secrets/<name>)" },
    { what: "a TLS key outside the repository", edit: [["stack", "grafana", "tls"], { certFile: "secrets/grafana.crt", keyFile: "/etc/ssl/private/host.key" }], path: "stack.grafana.tls.keyFile", message: "expected a path relative to the repository root, without '..'" },
    { what: "a TLS certificate path with '..'", edit: [["stack", "grafana", "tls"], { certFile: "secrets/../../cert.pem", keyFile: "secrets/grafana.key" }], path: "stack.grafana.tls.certFile", message: "expected a path relative to the repository root, without '..'" },
    { what: "a remote_write URL that is not HTTP", edit: [["scrape", "remoteWrite"], [{ url: "file:///etc/passwd" }]], path: "scrape.remoteWrite[0].url", message: "expected an http:// or https:// URL" },
    { what: "a retention size without a unit Prometheus knows", edit: [["scrape", "retentionSize"], "10 gigs"], path: "scrape.retentionSize", message: "expected a size such as 512MB or 50GB" },
  ];
  for (const c of hostile) {
    it(`rejects ${c.what} at its position, and generates nothing`, () => {
      const result = resolveText(edited([c.edit]));
      const hit = result.issues.find((i) => i.path === c.path);
      expect(hit, result.issues.map(formatIssue).join("\n")).toMatchObject({ severity: "error", message: c.message, file: "metrics-spec/git-operations.yaml" });
      expect(hit?.line).toBeGreaterThan(1);
      expect(result.model).toBeUndefined();
    });
  }

  it("shows a reviewer in obsgen diff where samples now go, and what changed in the stack's exposure", () => {
    const model = (edits: SpecEdit[]) => {
      const r = resolveText(edited(edits));
      if (!r.model) throw new Error(r.issues.map(formatIssue).join("\n"));
      return r.model;
    };
    const report = diffModels(model([]), model([[["scrape", "remoteWrite"], [MIMIR]], [["scrape", "retentionSize"], "50GB"], [["stack", "prometheus", "adminApi"], false], [["stack", "grafana", "tls"], { certFile: "secrets/g.crt", keyFile: "secrets/g.key" }]]), { base: "base", head: "head" });
    const details = report.changes.map((c) => c.detail);
    expect(details, renderMarkdown(report)).toEqual(expect.arrayContaining([
      `remote_write to ${MIMIR.url} added: every sample is also sent there`,
      "retentionSize 10GB → 50GB",
      "Prometheus admin API disabled (no snapshots for backups)",
      "Grafana serves HTTPS with secure cookies",
    ]));
  });

  it("mirrors Prometheus: the header and double-auth configs the check refuses fail promtool check config too", () => {
    for (const endpoint of [
      { url: MIMIR.url, headers: { Authorization: "Bearer x" } },
      { url: MIMIR.url, basic_auth: { username: "u", password_file: "/run/secrets/p" }, authorization: { type: "Bearer", credentials_file: "/run/secrets/t" } },
    ]) {
      writeFileSync(join(dir, "prometheus.yml"), `${JSON.stringify({ remote_write: [endpoint] })}\n`);
      expect(promtoolCheck(dir).status).not.toBe(0);
    }
  });
});

describe("remote_write with a real Prometheus", () => {
  it("sends the scraped series, with the secret file's credentials, to a loopback receiver that decodes them", async () => {
    const dir = mkdtempSync(join(tmpdir(), "obsgen-rw-live-"));
    const receiver = await RemoteWriteReceiver.start();
    const metrics = createMetrics();
    metrics.gitOperationTotal.inc({ operation: "clone", status: "success" }, 3);
    metrics.gitOperationTotal.inc({ operation: "push", status: "failure" });
    const target = createServer((_, res) => {
      void metrics.registry.metrics().then((text) => res.writeHead(200, { "Content-Type": metrics.registry.contentType }).end(text));
    });
    await new Promise<void>((r) => target.listen(0, "127.0.0.1", r));
    const targetAddress = `127.0.0.1:${(target.address() as AddressInfo).port}`;
    let prometheus: Child | undefined;
    try {
      const configDir = join(dir, "config");
      const secrets = join(dir, "secrets");
      mkdirSync(configDir);
      mkdirSync(secrets);
      writeFileSync(join(secrets, "remote_write_password"), "s3cret-pw\n", { mode: 0o600 });
      writePrometheusConfig(
        [
          [["scrape", "interval"], "1s"],
          [["scrape", "remoteWrite"], [{ ...MIMIR, url: receiver.url, queue: { batchSendDeadline: "1s", maxSamplesPerSend: 500 } }]],
          [["scrape", "externalLabels"], { cluster: "test" }],
        ],
        configDir,
      );
      const port = await freePort();
      prometheus = Child.start("bash", ["scripts/start-prometheus.sh", "--log.level=warn"], {
        ...process.env,
        PROMETHEUS_PORT: String(port),
        PROMETHEUS_CONFIG_DIR: configDir,
        PROMETHEUS_STATE: join(dir, "state"),
        SECRETS_DIR: secrets,
        RUNTIME_TARGET: targetAddress,
        ALERTMANAGER_TARGET: `127.0.0.1:${await freePort()}`,
      }, "start-prometheus.sh");
      const sent = await prometheus.waitFor("git_operation_total at the receiver", () => {
        const series = receiver.series("git_operation_total").filter((s) => s.labels.operation === "clone" && s.labels.status === "success");
        return series.some((s) => s.samples.length > 0) ? series : undefined;
      });
      expect(sent[0]?.labels).toEqual({ __name__: "git_operation_total", operation: "clone", status: "success", job: "backend-api", instance: targetAddress, cluster: "test" });
      expect(sent.flatMap((s) => s.samples.map((x) => x.value))).toContain(3);
      const push = receiver.series("git_operation_total").find((s) => s.labels.operation === "push" && s.labels.status === "failure");
      expect(push?.samples.map((x) => x.value)).toContain(1);
      expect(receiver.series("up").flatMap((s) => s.samples.map((x) => x.value))).toContain(1);
      const request = receiver.requests[0];
      expect(request?.headers.authorization).toBe(`Basic ${Buffer.from("git-operations:s3cret-pw").toString("base64")}`);
      // No assertion on X-Scope-OrgID: Debian's prometheus 2.42.0+ds sends no remote_write
      // `headers` at all (measured with a plain HTTP listener; upstream Prometheus ≥ 2.25 does).
      // The generated config carries it (first test above); docs/OPERATIONS.md notes the gap.
      expect(request?.headers["x-prometheus-remote-write-version"]).toBe("0.1.0");
      expect(receiver.rejected).toEqual([]);
      // The password reached the receiver from the file; the config Prometheus ran holds only the path.
      expect(prometheus.output).not.toContain("s3cret-pw");
    } finally {
      await prometheus?.stop();
      await receiver.close();
      await new Promise((r) => target.close(r));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
