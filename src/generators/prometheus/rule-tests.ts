// promtool unit tests from the test cases the spec declares under each alert: one test group per
// case, evaluated against the generated rule file. Expected alerts carry the alert's static
// labels and its template-free annotations, so a spec states only what its data decides.
import type { ServiceModel } from "../../model/types.js";
import type { AlertSpec } from "../../spec/schema.js";
import { alertAnnotations, alertStaticLabels } from "./rules.js";

export interface PromtoolTestGroup {
  name: string;
  interval: string;
  input_series: { series: string; values: string }[];
  alert_rule_test: {
    eval_time: string;
    alertname: string;
    exp_alerts: { exp_labels: Record<string, string>; exp_annotations: Record<string, string> }[];
  }[];
}

export interface PromtoolTestFile {
  rule_files: string[];
  evaluation_interval: string;
  tests: PromtoolTestGroup[];
}

/** An annotation whose text is a Go template: its rendered value depends on the data. */
export function isTemplated(text: string): boolean {
  return text.includes("{{");
}

function expectedAnnotations(service: ServiceModel, alert: AlertSpec, given: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, text] of Object.entries(alertAnnotations(service, alert))) {
    const value = given[key] ?? (isTemplated(text) ? undefined : text);
    if (value !== undefined) out[key] = value;
  }
  return out;
}

export function ruleTestGroups(service: ServiceModel): PromtoolTestGroup[] {
  return service.alerts.flatMap((alert) =>
    alert.tests.map((test) => ({
      name: `${alert.name}: ${test.name}`,
      interval: test.interval,
      input_series: test.input.map((s) => ({ series: s.series, values: s.values })),
      alert_rule_test: [
        {
          eval_time: test.evalAt,
          alertname: alert.name,
          exp_alerts: test.firing.map((f) => ({
            exp_labels: { ...f.labels, ...alertStaticLabels(alert) },
            exp_annotations: expectedAnnotations(service, alert, f.annotations ?? {}),
          })),
        },
      ],
    })),
  );
}
