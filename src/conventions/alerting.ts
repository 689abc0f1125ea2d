// What every generated alert carries, shared by the rule generator and the alert checks.
/** Annotation keys the generated alerts carry besides summary and description. */
export const RUNBOOK_ANNOTATION = "runbook_url";
export const DASHBOARD_ANNOTATION = "dashboard_url";
export const SEVERITY_LABEL = "severity";
export const SEVERITIES = ["critical", "warning", "info"] as const;
export type Severity = (typeof SEVERITIES)[number];
