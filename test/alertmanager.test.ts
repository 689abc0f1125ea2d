// The generated Alertmanager config in a real Alertmanager and in amtool: inhibitions that match
// (an outage silences its job's other alerts; critical silences the warning of the same name and
// job, never another job's), routes to the pager and the dead man's switch, secrets only as files.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ALERTMANAGER_CONFIG_PATH } from "../src/generators/alertmanager/index.js";
import { generate } from "../src/generators/index.js";
import { formatIssue } from "../src/conventions/issue.js";
import { RULES } from "../src/conventions/rules.js";
import { freePort } from "./support/prometheus.js";
import { runTool } from "./support/prometheus-tools.js";
import { edited, issuesAfter, resolveText, type SpecEdit } from "./support/spec-edits.js";

function configText(edits: readonly SpecEdit[]): string {
  const r = resolveText(edited(edits));
  if (!r.model) throw new Error(r.issues.map(formatIssue).join("\n"));
  const artifact = generate(r.model).find((a) => a.path === ALERTMANAGER_CONFIG_PATH);
  if (!artifact) throw new Error("no alertmanager config");
  return artifact.content;
}

interface AmAlert {
  labels: Record<string, string>;
  status: { state: string; inhibitedBy: string[] };
}

let dir = "";
let child: ChildProcess | undefined;
let url = "";

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "obsgen-am-"));
  writeFileSync(join(dir, "alertmanager.yml"), configText([]));
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  child = spawn("prometheus-alertmanager", [`--config.file=${join(dir, "alertmanager.yml")}`, `--storage.path=${join(dir, "data")}`, `--web.listen-address=127.0.0.1:${port}`, "--cluster.listen-address=", "--log.level=warn"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stderr?.on("data", (d: Buffer) => (log += d.toString()));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`alertmanager exited ${child.exitCode}:\n${log}`);
    try {
      if ((await fetch(`${url}/-/ready`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`alertmanager not ready:\n${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}, 60_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child?.once("exit", r));
    child.kill("SIGTERM");
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

async function post(alerts: Record<string, string>[]): Promise<void> {
  const body = JSON.stringify(alerts.map((labels) => ({ labels, annotations: { summary: "test" } })));
  const r = await fetch(`${url}/api/v2/alerts`, { method: "POST", headers: { "content-type": "application/json" }, body });
  expect(r.status).toBe(200);
}

async function alerts(): Promise<AmAlert[]> {
  return (await (await fetch(`${url}/api/v2/alerts`)).json()) as AmAlert[];
}

function key(a: AmAlert): string {
  return `${a.labels.alertname ?? ""}/${a.labels.severity ?? ""}/${a.labels.job ?? "-"}`;
}

describe("the generated Alertmanager config in a real Alertmanager", () => {
  it("inhibits the job's other alerts during its outage, and the warning of a critical alert of the same name and job", async () => {
    await post([
      { alertname: "TargetDown", severity: "critical", job: "backend-api", instance: "b:8000" },
      { alertname: "HighErrorRate", severity: "critical", job: "backend-api" },
      { alertname: "HighErrorRate", severity: "warning", job: "backend-api" },
      { alertname: "HighErrorRate", severity: "critical", job: "git-canary" },
      { alertname: "HighErrorRate", severity: "warning", job: "git-canary" },
      { alertname: "TooManySandboxes", severity: "warning", job: "git-staging" },
      { alertname: "Watchdog", severity: "none" },
    ]);
    const state = Object.fromEntries((await alerts()).map((a) => [key(a), a.status.state]));
    expect(state).toEqual({
      "TargetDown/critical/backend-api": "active",
      // The outage explains it.
      "HighErrorRate/critical/backend-api": "suppressed",
      "HighErrorRate/warning/backend-api": "suppressed",
      "HighErrorRate/critical/git-canary": "active",
      // The critical of the same name and job covers it.
      "HighErrorRate/warning/git-canary": "suppressed",
      // Another job's alerts are never silenced by this job's.
      "TooManySandboxes/warning/git-staging": "active",
      "Watchdog/none/-": "active",
    });
  });
});

describe("routing and receivers from the spec, per amtool", () => {
  const receivers = {
    slack: { channel: "#git-ops", apiUrlFile: "/run/secrets/slack_webhook_url" },
    pagerduty: { routingKeyFile: "/run/secrets/pagerduty_routing_key" },
    email: { to: "oncall@example.org", from: "alerts@example.org", smarthost: "smtp.example.org:587", authUsername: "alerts", authPasswordFile: "/run/secrets/smtp_password" },
    webhook: { url: "https://hooks.example.org/obsgen", bearerTokenFile: "/run/secrets/webhook_token" },
    heartbeat: { url: "https://deadman.example.org/ping/git-operations", bearerTokenFile: "/run/secrets/heartbeat_token" },
  };

  it("sends critical to the pager when one is declared, Watchdog to the heartbeat, and reads every secret from a file", () => {
    const text = configText([[["alerting", "receivers"], receivers]]);
    const scratch = mkdtempSync(join(tmpdir(), "obsgen-amtool-"));
    try {
      const file = join(scratch, "alertmanager.yml");
      writeFileSync(file, text);
      expect(runTool("amtool", ["check-config", file]).status).toBe(0);
      const route = (...labels: string[]): string => runTool("amtool", ["config", "routes", "test", `--config.file=${file}`, ...labels]).output.split("\n")[0]?.trim() ?? "";
      expect(route("alertname=HighErrorRate", "severity=critical", "job=backend-api")).toBe("pager");
      expect(route("alertname=HighErrorRate", "severity=warning", "job=backend-api")).toBe("warning");
      expect(route("alertname=Watchdog", "severity=none")).toBe("heartbeat");
      const config = parse(text) as { receivers: { name: string; [k: string]: unknown }[] };
      const pager = config.receivers.find((r) => r.name === "pager");
      expect(pager).toMatchObject({ pagerduty_configs: [{ routing_key_file: "/run/secrets/pagerduty_routing_key" }], email_configs: [{ auth_password_file: "/run/secrets/smtp_password" }] });
      expect(config.receivers.find((r) => r.name === "heartbeat")).toMatchObject({
        webhook_configs: [{ url: "https://deadman.example.org/ping/git-operations", send_resolved: false, http_config: { authorization: { credentials_file: "/run/secrets/heartbeat_token" } } }],
      });
      expect(text).not.toMatch(/routing_key:|auth_password:|api_url:|credentials:/);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it("rejects a webhook URL that carries a credential, at its position", () => {
    const issues = issuesAfter([[["alerting", "receivers"], { heartbeat: { url: "https://deadman.example.org/ping?token=s3cret" } }]]);
    const hit = issues.find((i) => i.code === RULES.alertingConfig.code && i.path === "alerting.receivers.heartbeat.url");
    expect(hit, issues.map(formatIssue).join("\n")).toBeDefined();
    expect(hit?.message).toContain("carries a credential");
    expect(hit?.message).not.toContain("s3cret");
  });
});
