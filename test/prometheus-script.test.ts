import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { freePort } from "./support/prometheus.js";

async function ready(url: string, exited: () => string | undefined): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const why = exited();
    if (why !== undefined) throw new Error(why);
    try {
      if ((await fetch(`${url}/-/ready`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error("prometheus did not become ready");
}

describe("scripts/start-prometheus.sh", () => {
  it("starts prometheus on 127.0.0.1 with the generated rules, scraping the runtime on 127.0.0.1:8000", async () => {
    const port = await freePort();
    const data = mkdtempSync(join(tmpdir(), "obsgen-start-"));
    const child = spawn("bash", ["scripts/start-prometheus.sh", "--log.level=warn"], {
      env: { ...process.env, PROMETHEUS_PORT: String(port), PROMETHEUS_DATA: data },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let log = "";
    child.stdout.on("data", (d: Buffer) => (log += d.toString()));
    child.stderr.on("data", (d: Buffer) => (log += d.toString()));
    const url = `http://127.0.0.1:${port}`;
    try {
      await ready(url, () => (child.exitCode !== null ? `script exited ${child.exitCode}:\n${log}` : undefined));
      // Service discovery hands targets to the scrape manager shortly after startup.
      let active: { labels: Record<string, string> }[] = [];
      for (let i = 0; i < 100 && active.length === 0; i++) {
        const targets = (await (await fetch(`${url}/api/v1/targets`)).json()) as { data: { activeTargets: { labels: Record<string, string> }[] } };
        active = targets.data.activeTargets;
        if (active.length === 0) await new Promise((r) => setTimeout(r, 100));
      }
      expect(active.map((t) => [t.labels.job, t.labels.instance])).toEqual([["backend-api", "127.0.0.1:8000"]]);
      const rules = (await (await fetch(`${url}/api/v1/rules`)).json()) as { data: { groups: { name: string; rules: { name: string }[] }[] } };
      const file = parse(readFileSync("generated/prometheus/alert_rules.yml", "utf8")) as { groups: { name: string; rules: { alert?: string; record?: string }[] }[] };
      // The API lists groups by name; within a group, rules keep the file's order.
      const byName = <T extends { name: string }>(gs: readonly T[]): T[] => [...gs].sort((a, b) => a.name.localeCompare(b.name));
      expect(byName(rules.data.groups).map((g) => [g.name, g.rules.map((r) => r.name)])).toEqual(byName(file.groups).map((g) => [g.name, g.rules.map((r) => r.alert ?? r.record)]));
      expect(rules.data.groups.flatMap((g) => g.rules.map((r) => r.name))).toEqual(expect.arrayContaining(["Watchdog", "TargetDown", "TargetAbsent", "HighErrorRate", "HighMonthlyCost", "GitAvailabilityBudgetBurn", "slo:sli_error:ratio_rate5m"]));
      const ams = (await (await fetch(`${url}/api/v1/alertmanagers`)).json()) as { data: { activeAlertmanagers: { url: string }[] } };
      expect(ams.data.activeAlertmanagers.map((a) => a.url)).toEqual(["http://127.0.0.1:9093/api/v2/alerts"]);
    } finally {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await exited;
      }
      rmSync(data, { recursive: true, force: true });
    }
  });
});
