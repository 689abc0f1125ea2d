// Paths and names of the Prometheus artifacts: the generators, `obsgen validate`, the compose file
// and the tests all read them from here.
export const PROMETHEUS_DIR = "prometheus";
export const RULES_FILE = "alert_rules.yml";
export const RULE_TESTS_FILE = "alert_rules.test.yml";
export const CONFIG_FILE = "prometheus.yml";
export const RULES_PATH = `${PROMETHEUS_DIR}/${RULES_FILE}`;
export const RULE_TESTS_PATH = `${PROMETHEUS_DIR}/${RULE_TESTS_FILE}`;
export const CONFIG_PATH = `${PROMETHEUS_DIR}/${CONFIG_FILE}`;

/** Annotation keys the generated alerts carry besides summary and description. */
export const RUNBOOK_ANNOTATION = "runbook_url";
export const DASHBOARD_ANNOTATION = "dashboard_url";
export const SEVERITY_LABEL = "severity";
export const SEVERITIES = ["critical", "warning", "info"] as const;
export type Severity = (typeof SEVERITIES)[number];

export function recordingGroupName(service: string): string {
  return `${service}.rules`;
}

export function alertGroupName(service: string): string {
  return `${service}.alerts`;
}
