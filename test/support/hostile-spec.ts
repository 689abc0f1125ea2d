// A small valid spec with a slot for every free-text string that reaches a generated file: metric
// help, dashboard, row and panel titles and descriptions, alert summary, description and labels.
// Built as a YAML document (any string, lone surrogates included, survives as an escape).
import { Document } from "yaml";

export interface SpecTexts {
  help: string;
  dashboardTitle: string;
  dashboardDescription: string;
  rowTitle: string;
  panelTitle: string;
  panelDescription: string;
  /** Placed inside "Jobs run …." so the summary stays a capitalised sentence. */
  summary: string;
  /** Placed before the formatted value the description lint requires. */
  description: string;
  /** A label value of the alert (Prometheus templates it). */
  labelValue: string;
  /** A value, and the fallback, of the metric's enumerated label (emitted into TypeScript). */
  metricLabelValue: string;
  serviceDescription: string;
}

export const PLAIN_TEXTS: SpecTexts = {
  help: "Jobs run.",
  dashboardTitle: "Jobs",
  dashboardDescription: "Jobs over time.",
  rowTitle: "Overview",
  panelTitle: "Job rate",
  panelDescription: "Jobs per second.",
  summary: "often",
  description: "Job rate is",
  labelValue: "team",
  metricLabelValue: "batch",
  serviceDescription: "A demo service.",
};

export function summaryOf(t: SpecTexts): string {
  return `Jobs run ${t.summary}.`;
}

export function descriptionOf(t: SpecTexts): string {
  return `${t.description} {{ $value | humanize }}`;
}

/** The description promtool renders when the firing case's value is 2. */
export function renderedDescription(t: SpecTexts): string {
  return `${t.description} 2`;
}

const series = (instance: string) => `jobs_total{job="demo",instance="${instance}"}`;

export function specObject(t: SpecTexts): Record<string, unknown> {
  return {
    version: 1,
    service: "demo",
    description: t.serviceDescription,
    scrape: { job: "demo", targets: ["demo:8000"] },
    metrics: { jobs_total: { type: "counter", help: t.help, labels: { kind: { values: [t.metricLabelValue, "other"], fallback: t.metricLabelValue } } } },
    dashboards: [
      {
        uid: "demo",
        title: t.dashboardTitle,
        description: t.dashboardDescription,
        rows: [
          {
            title: t.rowTitle,
            panels: [{ id: 1, key: "job-rate", title: t.panelTitle, description: t.panelDescription, kind: "timeseries", queries: [{ expr: "sum(rate(jobs_total[5m]))" }] }],
          },
        ],
      },
    ],
    alerts: [
      {
        name: "ManyJobs",
        expr: "sum(rate(jobs_total[5m])) > 1",
        for: "5m",
        severity: "warning",
        summary: summaryOf(t),
        description: descriptionOf(t),
        labels: { team: t.labelValue },
        tests: [
          {
            name: "fires",
            input: [
              { series: series("a:8000"), values: "0+60x20" },
              { series: series("b:8000"), values: "0+60x20" },
            ],
            evalAt: "15m",
            firing: [{ labels: {}, annotations: { description: renderedDescription(t) } }],
          },
          { name: "silent", input: [{ series: series("a:8000"), values: "0+0x20" }], evalAt: "15m", firing: [] },
        ],
      },
    ],
  };
}

export function specText(t: SpecTexts): string {
  return new Document(specObject(t)).toString({ lineWidth: 0 });
}
