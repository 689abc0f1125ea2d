// Paths and names of the Prometheus artifacts: the generators, `obsgen validate`, the compose file
// and the tests all read them from here.
export const PROMETHEUS_DIR = "prometheus";
export const RULES_FILE = "alert_rules.yml";
export const RULE_TESTS_FILE = "alert_rules.test.yml";
export const CONFIG_FILE = "prometheus.yml";
export const RULES_PATH = `${PROMETHEUS_DIR}/${RULES_FILE}`;
export const RULE_TESTS_PATH = `${PROMETHEUS_DIR}/${RULE_TESTS_FILE}`;
export const CONFIG_PATH = `${PROMETHEUS_DIR}/${CONFIG_FILE}`;

/**
 * promtool evaluates a test file at one evaluation_interval: services evaluated at another interval
 * than the global one have their tests in a file of that interval, e.g. alert_rules.60s.test.yml.
 */
export function ruleTestsPathFor(interval: string, globalInterval: string): string {
  return interval === globalInterval ? RULE_TESTS_PATH : `${PROMETHEUS_DIR}/alert_rules.${interval}.test.yml`;
}

/** Whether a file name in the Prometheus directory is one of the rule-test files. */
export const RULE_TESTS_NAME = /^alert_rules(\.[0-9a-z]+)?\.test\.yml$/;

export { DASHBOARD_ANNOTATION, RUNBOOK_ANNOTATION, SEVERITIES, SEVERITY_LABEL, type Severity } from "../../conventions/alerting.js";

export function recordingGroupName(service: string): string {
  return `${service}.rules`;
}

export function alertGroupName(service: string): string {
  return `${service}.alerts`;
}
