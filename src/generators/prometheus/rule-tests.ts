// promtool unit tests: the test cases the spec declares under each alert, and the cases the
// on-call plan generates for its own alerts (outage, Watchdog, SLO burn rates, cost). One test
// group per case, evaluated against the generated rule file. Expected alerts carry the alert's
// static labels, the job and deployment labels its aggregations keep, and its template-free
// annotations, so a spec states only what its data decides.
import { parseSeries } from "../../promql/series.js";
import { isTemplated } from "../../conventions/templates.js";
import type { Model, ServiceModel } from "../../model/types.js";
import { oncallPlan, type PlannedAlert } from "../../model/oncall/plan.js";
import { generatedTestCases, type GeneratedTestCase } from "../../model/oncall/tests.js";
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

export { isTemplated };

const LITERAL_BRACES = '{{ "{{" }}';

/** The text Prometheus renders when its only templates print literal braces (spec text made safe); else undefined. */
function renderedLiteral(text: string): string | undefined {
  const rest = text.split(LITERAL_BRACES);
  return rest.some(isTemplated) ? undefined : rest.join("{{");
}

function expectedAnnotations(service: ServiceModel, alert: PlannedAlert, given: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, text] of Object.entries(alertAnnotations(service, alert))) {
    const value = given[key] ?? (isTemplated(text) ? renderedLiteral(text) : text);
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/** Labels the aggregations keep that every input series agrees on (job, cluster, …). */
function keptInputLabels(keep: readonly string[], inputs: readonly { series: string }[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const label of keep) {
    const values = new Set(inputs.map((i) => parseSeries(i.series)?.labels.get(label)));
    const [only] = [...values];
    if (values.size === 1 && only !== undefined) out[label] = only;
  }
  return out;
}

function group(service: ServiceModel, c: GeneratedTestCase, tiers: readonly PlannedAlert[], keepFromInput: boolean): PromtoolTestGroup {
  const plan = oncallPlan(service);
  const first = tiers[0];
  const kept = keepFromInput ? keptInputLabels(plan.keep, c.input) : {};
  return {
    name: `${c.alertname}: ${c.name}`,
    interval: c.interval,
    input_series: c.input.map((s) => ({ series: s.series, values: s.values })),
    alert_rule_test: [
      {
        eval_time: c.evalAt,
        alertname: c.alertname,
        exp_alerts: c.firing.map((f) => {
          const tier = tiers.find((t) => t.severity === (f.labels.severity ?? first?.severity)) ?? first;
          return {
            exp_labels: { ...kept, ...(tier ? alertStaticLabels(tier) : {}), ...f.labels },
            exp_annotations: tier ? expectedAnnotations(service, tier, f.annotations ?? {}) : {},
          };
        }),
      },
    ],
  };
}

/** `model`: the services whose rules share the rule file, for the alert names they have in common. */
export function ruleTestGroups(service: ServiceModel, model?: Model): PromtoolTestGroup[] {
  const plan = oncallPlan(service);
  const byIndex = (i: number): PlannedAlert[] => plan.alerts.filter((a) => a.origin.kind === "spec" && a.origin.index === i);
  const fromSpec = service.alerts.flatMap((alert, i) =>
    alert.tests.map((test) =>
      group(service, { alertname: alert.name, name: test.name, interval: test.interval, input: test.input, evalAt: test.evalAt, firing: test.firing }, byIndex(i), true),
    ),
  );
  const others = (model?.services ?? []).filter((s) => s !== service);
  const generated = generatedTestCases(service, plan, others).map((c) => group(service, c, plan.alerts.filter((a) => a.name === c.alertname && a.origin.kind !== "spec"), false));
  return [...fromSpec, ...generated];
}
