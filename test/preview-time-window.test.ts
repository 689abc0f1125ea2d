// A panel's own time range (Grafana's `timeFrom`): the window its queries and x-axis use, the words
// beside its title, and, against a real Prometheus, the spend a cost panel shows for today and for
// the month instead of for the dashboard's six hours.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PIPELINE } from "../src/pipeline/index.js";
import { runPreview } from "../src/preview/index.js";
import { dashboardWindow, describeTimeFrom, panelWindow } from "../src/preview/time-window.js";
import { PrometheusServer } from "./support/prometheus.js";

const at = (iso: string) => Date.parse(iso);

describe("a panel's time window", () => {
  // Wednesday 2024-01-03, 02:30 UTC.
  const dashboard = dashboardWindow("now-6h", at("2024-01-03T02:30:00Z"));

  it("is the dashboard's window without timeFrom, or with one Grafana could not read", () => {
    expect(panelWindow(undefined, dashboard)).toBe(dashboard);
    expect(panelWindow("yesterday", dashboard)).toBe(dashboard);
    expect(dashboard.end - dashboard.start).toBe(6 * 3_600_000);
  });

  it("starts at midnight, Monday, the first of the month or of the year (UTC) for now/d, now/w, now/M, now/y", () => {
    expect(new Date(panelWindow("now/d", dashboard).start).toISOString()).toBe("2024-01-03T00:00:00.000Z");
    expect(new Date(panelWindow("now/w", dashboard).start).toISOString()).toBe("2024-01-01T00:00:00.000Z");
    expect(new Date(panelWindow("now/M", dashboard).start).toISOString()).toBe("2024-01-01T00:00:00.000Z");
    expect(new Date(panelWindow("now/y", dashboard).start).toISOString()).toBe("2024-01-01T00:00:00.000Z");
    for (const t of ["now/d", "now/w", "now/M", "now/y"]) expect(panelWindow(t, dashboard).end).toBe(dashboard.end);
  });

  it("goes back by the amount for now-24h and now-1M, rounding after for now-1M/M", () => {
    expect(panelWindow("now-24h", dashboard).start).toBe(dashboard.end - 24 * 3_600_000);
    expect(new Date(panelWindow("now-1M", dashboard).start).toISOString()).toBe("2023-12-03T02:30:00.000Z");
    expect(new Date(panelWindow("now-1M/M", dashboard).start).toISOString()).toBe("2023-12-01T00:00:00.000Z");
    expect(panelWindow("now-24h", dashboard).stepMs).toBe(12 * 60_000);
  });

  it("is described beside the title as Grafana does", () => {
    expect(["now/d", "now/w", "now/M", "now/y", "now-24h", "now-1h", "now-1M/M"].map(describeTimeFrom)).toEqual([
      "Today so far",
      "This week so far",
      "This month so far",
      "This year so far",
      "Last 24 hours",
      "Last 1 hour",
      "now-1M/M",
    ]);
  });
});

describe("obsgen preview of the cost panels against a real Prometheus", () => {
  let prometheus: PrometheusServer | undefined;
  // 02:00 UTC on 2 January: today so far is 2 hours, the month so far 26, the dashboard's range 6.
  const end = at("2024-01-02T02:00:00Z") / 1000;
  beforeAll(async () => {
    // Ten sandboxes alive all the time: ten sandbox-hours an hour, since 18:00 on 31 December.
    const samples = Array.from({ length: 32 * 60 + 1 }, (_, i) => ({ t: end - 32 * 3600 + i * 60, v: (i * 10) / 60 }));
    prometheus = await PrometheusServer.start([{ name: "sandbox_hours_total", labels: { instance: "runtime:8000", job: "backend-api", project: "default" }, samples }]);
  }, 120_000);
  afterAll(async () => prometheus?.stop());

  it("shows today's spend for Spend Today and the month's for Spend Month to Date, each marked with its range", async () => {
    const out = mkdtempSync(join(tmpdir(), "obsgen-preview-timefrom-"));
    try {
      await runPreview({ pipeline: PIPELINE, spec: "metrics-spec", out, cwd: process.cwd(), prometheus: prometheus?.url ?? "", end: end * 1000 });
      const html = readFileSync(join(out, "git-operations-triage.html"), "utf8");
      const panel = (title: string, next: string) => html.slice(html.indexOf(`>${title}<`), html.indexOf(`>${next}<`));
      // 20 sandbox-hours today × 0.015 USD; 260 this month; the dashboard's 6 hours would say 0.9.
      const today = panel("Spend Today", "Spend Month to Date");
      expect(today).toContain(">Today so far<");
      expect(today).toContain(">$0.3<");
      const month = panel("Spend Month to Date", "Sandbox-Hours of the Monthly Budget");
      expect(month).toContain(">This month so far<");
      expect(month).toContain(">$3.9<");
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);
});
