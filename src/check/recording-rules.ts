// A recording rule must not write a series an instrumented metric already exposes: Prometheus
// would store both under one name, and every sum over it would count the data twice (issue 12:
// `record: active_sandboxes_total` doubled the active-sandbox total).
import { HISTOGRAM_SUFFIXES } from "../conventions/names.js";
import type { Reporter } from "../model/reporter.js";
import { RULES } from "../conventions/rules.js";
import type { MetricModel, Model, ServiceModel } from "../model/types.js";

function exposedSeries(m: MetricModel): string[] {
  return m.type === "histogram" ? HISTOGRAM_SUFFIXES.map((s) => m.name + s) : [m.name];
}

export function checkRecordingRules(service: ServiceModel, report: Reporter, model: Model): void {
  const owner = new Map<string, { metric: MetricModel; service: ServiceModel }>();
  // The service being resolved may not be in model.services yet if it failed elsewhere; include it.
  for (const s of new Set([...model.services, service])) {
    for (const m of s.metrics) for (const series of exposedSeries(m)) owner.set(series, { metric: m, service: s });
  }
  service.recordingRules.forEach((rule, i) => {
    const hit = owner.get(rule.record);
    if (hit === undefined) return;
    const where = hit.service === service ? "" : ` of service "${hit.service.name}"`;
    const what = hit.metric.name === rule.record ? `the declared metric "${hit.metric.name}"` : `"${rule.record}", a series of the declared ${hit.metric.type} "${hit.metric.name}"`;
    report.error(RULES.recordingCollision, ["recordingRules", i, "record"], `recording rule records ${what}${where}`, {
      hint: "name recorded series level:metric:operations, e.g. job:active_sandboxes:sum; a recorded series must not share a name with an instrumented one",
    });
  });
}
