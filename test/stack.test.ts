// `npm run stack` end to end (scripts/stack.sh): the runtime, Debian's Prometheus and Alertmanager
// start on 127.0.0.1 with the generated configs; a clone through the runtime's API shows up in a
// Prometheus query; an alert that always fires (a rule file added to a copy of the generated
// config) reaches Alertmanager's API; SIGTERM to the script stops all three.
import { createServer } from "node:net";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { Child } from "./support/child.js";
import { createRemotes } from "./support/git-remote.js";
import { freePort } from "./support/prometheus.js";

const ALWAYS_FIRING = "StackTestAlwaysFiring";

/**
 * The generated Prometheus config, scraping and evaluating every second, plus an always-firing
 * rule. Its `for: 10s` lets Prometheus discover Alertmanager first: an alert that fires before
 * that is dropped and re-sent only after --rules.alert.resend-delay (1m).
 */
function testConfig(dir: string): void {
  for (const file of readdirSync("generated/prometheus")) copyFileSync(join("generated/prometheus", file), join(dir, file));
  const config = parse(readFileSync(join(dir, "prometheus.yml"), "utf8")) as {
    global: Record<string, string>;
    rule_files: string[];
    scrape_configs: Record<string, unknown>[];
  };
  config.global.scrape_interval = "1s";
  config.global.evaluation_interval = "1s";
  for (const job of config.scrape_configs) job.scrape_interval = "1s";
  config.rule_files.push("always_firing.yml");
  writeFileSync(join(dir, "prometheus.yml"), stringify(config));
  writeFileSync(
    join(dir, "always_firing.yml"),
    stringify({ groups: [{ name: "stack-test", rules: [{ alert: ALWAYS_FIRING, expr: "vector(1)", for: "10s", labels: { severity: "info" }, annotations: { summary: "fires 10s after the first evaluation" } }] }] }),
  );
}

async function json<T>(url: string, init?: RequestInit): Promise<T> {
  const r = await fetch(url, init);
  if (!r.ok) throw new Error(`${url}: ${r.status}`);
  return (await r.json()) as T;
}

async function answers(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(2000) });
    return true;
  } catch {
    return false;
  }
}

describe("npm run stack (scripts/stack.sh)", () => {
  it("runs the runtime, Prometheus and Alertmanager on loopback: a request becomes a query result, a firing alert reaches Alertmanager, SIGTERM stops everything", async () => {
    const dir = mkdtempSync(join(tmpdir(), "obsgen-stack-"));
    const remotes = await createRemotes();
    let stack: Child | undefined;
    try {
      const config = join(dir, "prometheus-config");
      mkdirSync(config);
      testConfig(config);
      const [runtimePort, prometheusPort, alertmanagerPort] = [await freePort(), await freePort(), await freePort()];
      stack = Child.start("bash", ["scripts/stack.sh"], {
        ...process.env,
        RUNTIME_PORT: String(runtimePort),
        PROMETHEUS_PORT: String(prometheusPort),
        ALERTMANAGER_PORT: String(alertmanagerPort),
        STACK_STATE: join(dir, "stack"),
        PROMETHEUS_STATE: join(dir, "prometheus"),
        PROMETHEUS_CONFIG_DIR: config,
        SECRETS_DIR: join(dir, "secrets"),
        RUNTIME_ALLOW_LOCAL_REMOTES: "1",
      }, "stack.sh");
      const runtime = `http://127.0.0.1:${runtimePort}`;
      const prometheus = `http://127.0.0.1:${prometheusPort}`;
      const alertmanager = `http://127.0.0.1:${alertmanagerPort}`;
      await stack.waitFor("the stack to be ready", () => (stack?.output.includes("stack: ready") ? true : undefined), 120_000);
      expect(stack.output).toContain(`Prometheus    ${prometheus}`);
      expect(stack.output).toMatch(/Grafana +not started here/);

      // A request to the runtime…
      const repo = await remotes.bare("stack");
      const clone = await fetch(`${runtime}/v1/git/clone`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ repo_url: repo, branch: "main", agent_id: "stack-agent", task_id: "stack-task" }),
      });
      expect(clone.status, await clone.clone().text()).toBe(200);

      // …shows up in a Prometheus query once scraped.
      const query = `sum(git_operation_total{job="backend-api",operation="clone",status="success"})`;
      const value = await stack.waitFor("the clone in Prometheus", async () => {
        const r = await json<{ data: { result: { value: [number, string] }[] } }>(`${prometheus}/api/v1/query?query=${encodeURIComponent(query)}`);
        const v = r.data.result[0]?.value[1];
        return v === "1" ? v : undefined;
      });
      expect(value).toBe("1");
      const targets = await json<{ data: { activeTargets: { labels: Record<string, string>; health: string }[] } }>(`${prometheus}/api/v1/targets`);
      expect(targets.data.activeTargets.map((t) => [t.labels.job, t.labels.instance, t.health])).toEqual([["backend-api", `127.0.0.1:${runtimePort}`, "up"]]);

      // The always-firing rule's alert goes from Prometheus to Alertmanager.
      const alert = await stack.waitFor("the alert in Alertmanager", async () => {
        const alerts = await json<{ labels: Record<string, string>; status: { state: string } }[]>(`${alertmanager}/api/v2/alerts`);
        return alerts.find((a) => a.labels.alertname === ALWAYS_FIRING);
      }, 120_000);
      expect(alert.labels).toMatchObject({ alertname: ALWAYS_FIRING, severity: "info" });
      expect(alert.status.state).toBe("active");
      // Routed by the generated Alertmanager config (severity info → receiver "info").
      const groups = await json<{ receiver: { name: string }; alerts: { labels: Record<string, string> }[] }[]>(`${alertmanager}/api/v2/alerts/groups`);
      expect(groups.find((g) => g.alerts.some((a) => a.labels.alertname === ALWAYS_FIRING))?.receiver.name).toBe("info");

      // SIGTERM to the script alone (as Ctrl-C would) stops all three.
      expect(await stack.stop("SIGTERM", "child")).toBe(0);
      expect(stack.output).toContain("stack: stopped");
      expect(stack.groupMembers()).toEqual([]);
      for (const url of [`${runtime}/healthz`, `${prometheus}/-/healthy`, `${alertmanager}/-/healthy`]) expect(await answers(url), url).toBe(false);
    } finally {
      await stack?.stop();
      await remotes.cleanup();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);

  it("stops the runtime and Alertmanager and exits 1 when Prometheus cannot start", async () => {
    const dir = mkdtempSync(join(tmpdir(), "obsgen-stack-fail-"));
    // Prometheus' port is taken, so it exits at once.
    // It only holds the port: whatever connects (a readiness probe) is dropped, so close() cannot wait on it.
    const taken = createServer((socket) => socket.destroy());
    await new Promise<void>((r) => taken.listen(0, "127.0.0.1", r));
    const address = taken.address();
    const prometheusPort = typeof address === "object" && address !== null ? address.port : 0;
    let stack: Child | undefined;
    try {
      const [runtimePort, alertmanagerPort] = [await freePort(), await freePort()];
      stack = Child.start("bash", ["scripts/stack.sh"], {
        ...process.env,
        RUNTIME_PORT: String(runtimePort),
        PROMETHEUS_PORT: String(prometheusPort),
        ALERTMANAGER_PORT: String(alertmanagerPort),
        STACK_STATE: join(dir, "stack"),
        PROMETHEUS_STATE: join(dir, "prometheus"),
        SECRETS_DIR: join(dir, "secrets"),
      }, "stack.sh");
      expect(await stack.exited).toBe(1);
      // Nothing the script started outlives it.
      expect(stack.groupMembers()).toEqual([]);
      expect(stack.output).toMatch(/stack: prometheus exited before \w+ was ready|stack: a service exited/);
      for (const url of [`http://127.0.0.1:${runtimePort}/healthz`, `http://127.0.0.1:${alertmanagerPort}/-/healthy`]) expect(await answers(url), url).toBe(false);
    } finally {
      await stack?.stop();
      await new Promise((r) => taken.close(r));
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
