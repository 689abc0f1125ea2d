// prometheus-operator manifests for fleets on Kubernetes: the same rule groups as the plain rule
// file in a PrometheusRule, and the scrape job as a ServiceMonitor. One document per service.
import type { Model, ServiceModel } from "../../model/types.js";
import type { Artifact } from "../artifact.js";
import { ruleGroups } from "../prometheus/rules.js";
import { yamlArtifactText } from "../prometheus/yaml-file.js";

export const PROMETHEUS_RULE_PATH = "kubernetes/prometheus-rule.yaml";
export const SERVICE_MONITOR_PATH = "kubernetes/service-monitor.yaml";
export const OPERATOR_API_VERSION = "monitoring.coreos.com/v1";
/** The label the runtime's Service carries; the ServiceMonitor selects it and reads `job` from it. */
export const NAME_LABEL = "app.kubernetes.io/name";
export const JOB_LABEL = "obsgen.dev/job";
/** Name of the Service port that serves the metrics path. */
export const METRICS_PORT_NAME = "http";

function metadata(service: ServiceModel): Record<string, unknown> {
  return { name: service.name, labels: { [NAME_LABEL]: service.name, "app.kubernetes.io/managed-by": "obsgen" } };
}

export function prometheusRule(service: ServiceModel): Record<string, unknown> {
  return { apiVersion: OPERATOR_API_VERSION, kind: "PrometheusRule", metadata: metadata(service), spec: { groups: ruleGroups(service) } };
}

export function serviceMonitor(service: ServiceModel): Record<string, unknown> {
  const scrape = service.scrape;
  return {
    apiVersion: OPERATOR_API_VERSION,
    kind: "ServiceMonitor",
    metadata: metadata(service),
    spec: {
      // The Service's obsgen.dev/job label becomes `job`, so queries and alerts see the same job
      // as with the static config ("backend-api").
      jobLabel: JOB_LABEL,
      selector: { matchLabels: { [NAME_LABEL]: service.name } },
      endpoints: [{ port: METRICS_PORT_NAME, path: scrape.metricsPath, interval: scrape.interval }],
    },
  };
}

export function generateKubernetes(model: Model): Artifact[] {
  const withRules = model.services.filter((s) => ruleGroups(s).length > 0);
  const artifacts: Artifact[] = [{ path: SERVICE_MONITOR_PATH, content: yamlArtifactText(model, model.services.map(serviceMonitor)) }];
  if (withRules.length > 0) artifacts.push({ path: PROMETHEUS_RULE_PATH, content: yamlArtifactText(model, withRules.map(prometheusRule)) });
  return artifacts;
}
