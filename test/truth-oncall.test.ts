// The on-call proof on a real Prometheus: known workloads are backfilled, and every generated alert
// (recording rules inlined, pending periods held) is evaluated at the end of each scenario. What
// fires, at which severity and with which labels, must be what the scenario implies.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { comparisonOf } from "../src/promql/rewrite.js";
import { oncallWorkload, type JobLoad } from "./support/oncall-workload.js";
import { PrometheusServer } from "./support/prometheus.js";
import { START } from "./support/prometheus-workload.js";
import { firingAt, generatedAlerts, generatedRules, inlineRecorded } from "./support/rule-file.js";

const MINUTE = 60;
const DURATION_S = 90 * MINUTE;
const AT = START + DURATION_S;
const JOB = "backend-api";

interface Firing {
  alert: string;
  severity: string;
  labels: Record<string, string>;
  value: number;
}

const scenarios: Readonly<Record<string, readonly JobLoad[]>> = {
  // 60 pushes a minute on each of two instances, 0.5 % failing; b dies 20 minutes before the end.
  outage: [{ job: JOB, instances: [{ instance: "a:8000", perMinute: 60, failureRatio: 0.005 }, { instance: "b:8000", perMinute: 60, failureRatio: 0.005, downAt: DURATION_S - 20 * MINUTE }] }],
  // 1.6 operations a minute in all, a quarter of them failing: 2 failures in 8 operations per 5 minutes.
  lowTraffic: [{ job: JOB, instances: [{ instance: "a:8000", perMinute: 0.8, failureRatio: 0.25 }, { instance: "b:8000", perMinute: 0.8, failureRatio: 0.25 }] }],
  // Two jobs in one Prometheus: backend-api fails 0.5 % (half the availability SLO's budget), git-canary 30 %.
  twoJobs: [
    { job: JOB, instances: [{ instance: "a:8000", perMinute: 100, failureRatio: 0.005 }, { instance: "b:8000", perMinute: 100, failureRatio: 0.005 }] },
    { job: "git-canary", instances: [{ instance: "c:8000", perMinute: 100, failureRatio: 0.3 }, { instance: "d:8000", perMinute: 100, failureRatio: 0.3 }] },
  ],
  // A steady 50 % failure ratio for 90 minutes.
  halfFailing: [{ job: JOB, instances: [{ instance: "a:8000", perMinute: 60, failureRatio: 0.5 }, { instance: "b:8000", perMinute: 60, failureRatio: 0.5 }] }],
};

const servers = new Map<string, PrometheusServer>();
const rules = generatedRules();
const alerts = generatedAlerts();

beforeAll(async () => {
  const started = await Promise.allSettled(Object.entries(scenarios).map(async ([name, jobs]) => [name, await PrometheusServer.start(oncallWorkload(jobs, DURATION_S))] as const));
  for (const s of started) if (s.status === "fulfilled") servers.set(s.value[0], s.value[1]);
  const failed = started.find((s) => s.status === "rejected");
  if (failed) throw failed.reason;
}, 180_000);

afterAll(async () => {
  await Promise.all([...servers.values()].map((s) => s.stop()));
});

function server(name: string): PrometheusServer {
  const s = servers.get(name);
  if (!s) throw new Error(`scenario ${name} is not running`);
  return s;
}

/** Every alert firing at the end of a scenario, with the labels Prometheus gives it. */
async function firing(name: string): Promise<Firing[]> {
  const out: Firing[] = [];
  for (const rule of alerts) {
    for (const f of await firingAt(server(name), rule, rules, AT)) {
      out.push({ alert: rule.alert, severity: rule.labels?.severity ?? "", labels: f.metric, value: f.value });
    }
  }
  return out;
}

function summary(fs: readonly Firing[]): string[] {
  return fs.map((f) => `${f.alert}/${f.severity}${f.labels.job !== undefined ? ` job=${f.labels.job}` : ""}${f.labels.instance !== undefined ? ` instance=${f.labels.instance}` : ""}`).sort();
}

describe("on-call truth on a real Prometheus", () => {
  it("(a) one instance down: TargetDown fires for it, and nothing else pages", async () => {
    const fs = await firing("outage");
    expect(summary(fs.filter((f) => f.severity === "critical"))).toEqual([`TargetDown/critical job=${JOB} instance=b:8000`]);
    // Nothing else fires at all, but the Watchdog.
    expect(summary(fs)).toEqual([`TargetDown/critical job=${JOB} instance=b:8000`, "Watchdog/none"]);
  });

  it("(b) low traffic: 2 failures in 8 operations page nobody, though the ratio is past both thresholds", async () => {
    const fs = await firing("lowTraffic");
    expect(summary(fs.filter((f) => f.severity === "critical"))).toEqual([]);
    expect(fs.filter((f) => f.alert === "HighErrorRate")).toEqual([]);
    // Without the traffic floor the same data would page: the floor is what keeps it quiet.
    const rule = alerts.find((a) => a.alert === "HighErrorRate" && a.labels?.severity === "critical");
    const c = rule ? comparisonOf(rule.expr) : undefined;
    if (!c) throw new Error("HighErrorRate has no comparison");
    const ratio = await server("lowTraffic").query(c.signal, AT);
    expect(ratio.map((r) => r.value)).toEqual([expect.closeTo(0.25, 6)]);
    const burn = alerts.find((a) => a.alert === "GitAvailabilityBudgetBurn" && a.labels?.severity === "critical");
    if (!burn) throw new Error("no availability page");
    const unfloored = burn.expr.slice(0, burn.expr.lastIndexOf("\nand "));
    expect((await server("lowTraffic").query(inlineRecorded(unfloored, rules), AT)).length).toBe(1);
  });

  it("(c) two jobs, one failing at 30 %: HighErrorRate fires only for that job, carrying its job label", async () => {
    const fs = await firing("twoJobs");
    const errors = fs.filter((f) => f.alert === "HighErrorRate");
    expect(summary(errors)).toEqual(["HighErrorRate/critical job=git-canary", "HighErrorRate/warning job=git-canary"]);
    for (const f of errors) expect(f.value).toBeCloseTo(0.3, 6);
    // The canary burns the availability budget 30 times too fast: it pages for that job alone.
    expect(summary(fs.filter((f) => f.alert === "GitAvailabilityBudgetBurn"))).toEqual([
      "GitAvailabilityBudgetBurn/critical job=git-canary",
      "GitAvailabilityBudgetBurn/warning job=git-canary",
    ]);
  });

  it("(d) SLO: 0.5 % failures (half the budget) fire nothing at all", async () => {
    const fs = await firing("twoJobs");
    expect(fs.filter((f) => f.labels.job === JOB)).toEqual([]);
  });

  it("(d) SLO: a steady 50 % failure ratio fires the fast page (14.4× over 1h and 5m)", async () => {
    const fs = await firing("halfFailing");
    const pages = fs.filter((f) => f.alert === "GitAvailabilityBudgetBurn" && f.severity === "critical");
    expect(summary(pages)).toEqual([`GitAvailabilityBudgetBurn/critical job=${JOB}`]);
    // Its value is the 1h error ratio: the first window pair of the page is the one that holds.
    expect(pages[0]?.value).toBeCloseTo(0.5, 6);
    const fast = await server("halfFailing").query(inlineRecorded('slo:sli_error:ratio_rate5m{slo="git-availability"} / 0.01', rules), AT);
    expect(fast.map((r) => r.value)).toEqual([expect.closeTo(50, 6)]);
  });
});
