// Alert lint, as the monitoring-mixins tooling does it, run at generate time with spec positions:
// names, severity, summary and description style, a pending period, and rule coverage (every
// alert has a firing, a silent and a two-instance unit test).
import { DASHBOARD_ANNOTATION, RUNBOOK_ANNOTATION, SEVERITIES } from "../conventions/alerting.js";
import { isTemplated } from "../conventions/templates.js";
import type { Reporter } from "../model/reporter.js";
import { RULES } from "../conventions/rules.js";
import type { ServiceModel } from "../model/types.js";
import { parseDuration } from "../promql/duration.js";
import type { AlertModel } from "../model/types.js";
import { INSTANCE_LABEL, parseSeries } from "../promql/series.js";
import { parseSeriesValues } from "../promql/series-values.js";
import { templateProblem } from "../conventions/templates.js";

const CAMEL_CASE = /^[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)*$/;
const FORMATTERS = ["humanize", "humanize1024", "humanizePercentage", "humanizeDuration"] as const;
const FORMATTED_VALUE = new RegExp(`\\{\\{-?\\s*\\$value\\s*\\|\\s*(?:${FORMATTERS.join("|")})\\s*-?\\}\\}`);
const RAW_VALUE = /\{\{-?\s*\$value\s*-?\}\}/;

type Path = (string | number)[];

function lintStyle(alert: AlertModel, at: Path, report: Reporter): void {
  if (!CAMEL_CASE.test(alert.name)) {
    report.error(RULES.alertName, [...at, "name"], `alert name "${alert.name}" is not CamelCase`, {
      hint: "name alerts like HighErrorRate: words run together, each capitalised",
    });
  }
  if (!(SEVERITIES as readonly string[]).includes(alert.severity)) {
    report.error(RULES.alertSeverity, [...at, "severity"], `severity "${alert.severity}" is not one of ${SEVERITIES.join(", ")}`, {
      hint: "Alertmanager routes on these three values",
    });
  }
  const summary = alert.summary.trim();
  if (!/^[A-Z]/.test(summary) || !summary.endsWith(".") || summary.includes("\n")) {
    report.error(RULES.alertSummary, [...at, "summary"], `summary of "${alert.name}" is not a capitalised one-line sentence`, {
      hint: 'start with a capital letter and end with a period, e.g. "More than 10 % of git operations fail."',
    });
  }
  if (!FORMATTED_VALUE.test(alert.description)) {
    const raw = RAW_VALUE.test(alert.description);
    report.error(RULES.alertDescription, [...at, "description"],
      raw ? `description of "${alert.name}" shows {{ $value }} unformatted` : `description of "${alert.name}" does not show the value ({{ $value }})`,
      { hint: `pipe the value through a formatter: {{ $value | ${FORMATTERS.join(" | … or ")} }}` });
  }
  const pending = parseDuration(alert.for);
  if (pending === undefined || pending <= 0) {
    report.error(RULES.alertFor, [...at, "for"], `alert "${alert.name}" has no pending period (for: ${alert.for})`, {
      hint: "set for: to how long the condition must hold, e.g. 5m, so a single bad scrape does not page",
    });
  }
}

function lintTests(alert: AlertModel, at: Path, report: Reporter, templated: readonly string[], known: ReadonlySet<string>): void {
  let firing = false;
  let silent = false;
  let twoInstances = false;
  alert.tests.forEach((test, t) => {
    const tp: Path = [...at, "tests", t];
    const instances = new Set<string>();
    test.input.forEach((input, i) => {
      const values = parseSeriesValues(input.values);
      if (!values.ok) {
        report.error(RULES.alertTestValues, [...tp, "input", i, "values"], `values ${JSON.stringify(input.values)}: ${values.message}`, {
          offset: values.offset,
          hint: "promtool's notation: numbers, _ (missing), stale, a+bxn (n steps from a by b), axn (a repeated), separated by spaces",
        });
      }
      const series = parseSeries(input.series);
      if (series === undefined) {
        report.error(RULES.alertTestCase, [...tp, "input", i, "series"], `"${input.series}" is not a series like metric{label="value"}`);
        return;
      }
      const instance = series.labels.get(INSTANCE_LABEL);
      if (instance !== undefined) instances.add(instance);
    });
    if (instances.size >= 2) twoInstances = true;
    if (test.firing.length === 0) silent = true;
    else firing = true;
    test.firing.forEach((f, k) => {
      const given = f.annotations ?? {};
      const missing = templated.filter((key) => given[key] === undefined);
      if (missing.length > 0) {
        report.error(RULES.alertTestCase, [...tp, "firing", k], `firing case "${test.name}" does not state the rendered ${missing.join(" and ")} of "${alert.name}"`, {
          hint: `templated annotations depend on the data: write the text promtool should see, e.g. annotations: {${missing[0] ?? "description"}: "…"}`,
        });
      }
      for (const key of Object.keys(given).sort()) {
        if (!known.has(key)) report.error(RULES.alertTestCase, [...tp, "firing", k, "annotations", key], `alert "${alert.name}" has no annotation "${key}"`, { key: true });
      }
    });
  });
  const lacking = [
    firing ? undefined : "a firing case (firing: [ … ])",
    silent ? undefined : "a silent case (firing: [])",
    twoInstances ? undefined : `a case whose input has two ${INSTANCE_LABEL} values`,
  ].filter((s): s is string => s !== undefined);
  if (lacking.length > 0) {
    report.error(RULES.alertCoverage, alert.tests.length > 0 ? [...at, "tests"] : [...at, "name"],
      `alert "${alert.name}" lacks ${lacking.join(", ")}`, {
        hint: "each alert needs unit tests that show it fires, stays silent, and aggregates across instances",
      });
  }
}

const TEMPLATE_HINT = "annotations and labels may show {{ $value }}, {{ $labels.name }} or {{ $externalLabels.name }}, piped through a humanize formatter; write literal braces as {{ \"{{\" }}";

/** Prometheus renders these strings as Go templates: only the allowed forms may appear. */
function lintTemplates(alert: AlertModel, at: Path, report: Reporter): void {
  const templated: [Path, string][] = [
    [[...at, "summary"], alert.summary],
    [[...at, "description"], alert.description],
    ...(alert.runbook !== undefined ? [[[...at, "runbook"], alert.runbook] as [Path, string]] : []),
    ...Object.entries(alert.labels ?? {}).map(([k, v]): [Path, string] => [[...at, "labels", k], v]),
  ];
  for (const [path, text] of templated) {
    const problem = templateProblem(text);
    if (problem) report.error(RULES.alertTemplate, path, problem.message, { offset: problem.offset, hint: TEMPLATE_HINT });
  }
}

/** Strings of the alerting section that reach a template engine, where no templating is meant. */
function lintAlertingTemplates(service: ServiceModel, report: Reporter): void {
  const { grafanaUrl, slackChannel } = service.alerting;
  // Every generated alert's dashboard_url annotation starts with grafanaUrl (Prometheus templates it);
  // Alertmanager templates the Slack channel.
  const plain: [Path, string | undefined][] = [[["alerting", "grafanaUrl"], grafanaUrl], [["alerting", "slackChannel"], slackChannel]];
  for (const [path, text] of plain) {
    const open = text?.indexOf("{{") ?? -1;
    if (open >= 0) report.error(RULES.alertTemplate, path, `"{{" starts a template action here, which Prometheus or Alertmanager would run`, { offset: open, hint: "remove the braces: this value is not a template" });
  }
}

export function checkAlerts(service: ServiceModel, report: Reporter): void {
  lintAlertingTemplates(service, report);
  const seen = new Set<string>();
  service.alerts.forEach((alert, a) => {
    const at: Path = ["alerts", a];
    if (seen.has(alert.name)) report.error(RULES.duplicate, [...at, "name"], `alert "${alert.name}" is declared twice`);
    seen.add(alert.name);
    lintStyle(alert, at, report);
    lintTemplates(alert, at, report);
    const annotations: Record<string, string> = { summary: alert.summary, description: alert.description };
    const templated = Object.entries(annotations).filter(([, text]) => isTemplated(text)).map(([key]) => key);
    const known = new Set([...Object.keys(annotations), RUNBOOK_ANNOTATION, DASHBOARD_ANNOTATION]);
    lintTests(alert, at, report, templated, known);
  });
}
