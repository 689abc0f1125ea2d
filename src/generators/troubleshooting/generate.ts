// TROUBLESHOOTING.md: the guide's troubleshooting steps for this stack, and per metric the
// "no data?" checks — does the service expose it, is every series there (the generated module
// exports each one at zero from the start), which label values exist — as commands that run
// as written against `npm run stack` or the compose stack. test/troubleshooting.test.ts runs them.
import { HISTOGRAM_SUFFIXES } from "../../conventions/names.js";
import { SECRETS_DIR } from "../../conventions/secrets.js";
import type { MetricModel, Model, ServiceModel } from "../../model/types.js";
import { selectors, toAst } from "../../promql/ast.js";
import { aggregate, selector } from "../../promql/build.js";
import { parseQuery } from "../../promql/parse.js";
import { generatedHeader, type Artifact } from "../artifact.js";
import { CONTAINER_PORTS } from "../compose/names.js";
import { DATASOURCE_UID } from "../grafana/names.js";

export const TROUBLESHOOTING_PATH = "TROUBLESHOOTING.md";

/** Markdown-inert text: a spec string cannot open a code span, a link, a table cell or a heading. */
function text(value: string): string {
  return value.replace(/\s+/g, " ").replace(/[\\`*_{}[\]<>|#]/g, (c) => `\\${c}`);
}

/** A code span for names and values; text that could close the span is escaped prose instead. */
function code(value: string): string {
  return /[`\n]/.test(value) ? text(value) : `\`${value}\``;
}

/** One shell word, whatever it contains. */
function shellWord(value: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

interface Addresses {
  /** The Grafana admin password's file, relative to the repository root. */
  grafanaPassword: string;
  prometheus: string;
  app: string;
  alertmanager: string;
  grafana: string;
}

/** The stack's published addresses; the variables let a reader point the commands elsewhere. */
function addresses(model: Model): Addresses {
  const stack = model.deployment.stack;
  const host = stack?.bindAddress ?? "127.0.0.1";
  return {
    grafanaPassword: `${SECRETS_DIR}/${stack?.grafana.adminPasswordSecret ?? "grafana_admin_password"}`,
    prometheus: `\${PROM:-http://${host}:${stack?.prometheus.port ?? CONTAINER_PORTS.prometheus}}`,
    app: `\${APP:-http://${host}:${stack?.app.port ?? 8000}}`,
    alertmanager: `\${AM:-http://${host}:${stack?.alertmanager.port ?? CONTAINER_PORTS.alertmanager}}`,
    grafana: `\${GRAFANA:-http://${host}:${stack?.grafana.port ?? CONTAINER_PORTS.grafana}}`,
  };
}

function promQuery(a: Addresses, query: string): string {
  return `curl -s "${a.prometheus}/api/v1/query" --data-urlencode ${shellWord(`query=${query}`)}`;
}

function bash(...commands: string[]): string[] {
  return ["```bash", ...commands, "```"];
}

/** The series name whose count equals the label sets: a histogram's `_count`, else the metric. */
function countedSeries(m: MetricModel): string {
  return m.type === "histogram" ? `${m.name}${HISTOGRAM_SUFFIXES[2]}` : m.name;
}

function labelSets(m: MetricModel): number {
  return m.labels.reduce((n, l) => n * l.values.length, 1);
}

/** Panels, alerts and recording rules whose PromQL reads each metric (histogram series included). */
function usage(service: ServiceModel): Map<string, string[]> {
  const byMetric = new Map<string, string[]>();
  const base = (name: string) => {
    for (const suffix of HISTOGRAM_SUFFIXES) if (name.endsWith(suffix) && service.metricsByName.get(name.slice(0, -suffix.length))?.type === "histogram") return name.slice(0, -suffix.length);
    return name;
  };
  const add = (where: string, exprs: readonly string[]) => {
    const names = new Set<string>();
    for (const expr of exprs) {
      const parsed = parseQuery(expr);
      const ast = parsed.problems.length === 0 ? toAst(parsed) : undefined;
      for (const sel of ast ? selectors(ast) : []) if (sel.name !== undefined) names.add(base(sel.name));
    }
    for (const name of names) byMetric.set(name, [...(byMetric.get(name) ?? []), where]);
  };
  for (const d of service.dashboards) for (const row of d.rows) for (const p of row.panels) add(`panel “${text(p.title)}” (${text(d.title)})`, p.queries.map((q) => q.expr));
  for (const a of service.alerts) add(`alert ${text(a.name)}`, [a.expr]);
  for (const r of service.recordingRules) add(`recording rule ${text(r.record)}`, [r.expr]);
  return byMetric;
}

function metricSection(service: ServiceModel, m: MetricModel, a: Addresses, usedBy: readonly string[]): string[] {
  const job = { label: "job", op: "=" as const, value: service.scrape.job };
  const counted = countedSeries(m);
  const sets = labelSets(m);
  const labels = m.labels.length === 0 ? "no labels" : m.labels.map((l) => `${code(l.name)} (${l.values.length})`).join(", ");
  const lines = [
    `### ${code(m.name)}`,
    "",
    `${m.type}, ${labels}: ${sets} label set${sets === 1 ? "" : "s"}${m.type === "histogram" ? ` × ${m.buckets.length + 1} buckets` : ""}. ${text(m.help)}`,
    "",
    `Read by: ${usedBy.length > 0 ? usedBy.join("; ") : "no panel or alert"}.`,
    "",
    `1. The service exposes every series from the start, at zero until first used — expect \`${sets}\`:`,
    "",
    ...bash(`curl -s "${a.app}/metrics" | grep -cE ${shellWord(`^${counted}[{ ]`)}`),
    "",
    `2. Prometheus has them — expect one row per instance, each \`${sets}\` (none: the target is down or the job label differs):`,
    "",
    ...bash(promQuery(a, aggregate("count", ["instance"], selector(counted, [job])))),
    "",
  ];
  m.labels.forEach((l) => {
    lines.push(
      `${m.labels.indexOf(l) + 3}. Values of ${code(l.name)} — expect ${l.values.map(code).join(", ")}; a panel filtering on another value shows no data:`,
      "",
      ...bash(promQuery(a, aggregate("count", [l.name], selector(counted, [job])))),
      "",
    );
  });
  return lines;
}

function generalSection(service: ServiceModel, a: Addresses, expectedSeries: number): string[] {
  const job = service.scrape.job;
  const up = selector("up", [{ label: "job", op: "=", value: job }]);
  return [
    "## No data in a panel",
    "",
    "Work down the list; the first check that fails is the cause.",
    "",
    `1. **Is Prometheus scraping the service?** Expect \`1\` per instance; \`0\` means the target is down, no row means job ${code(job)} is not configured:`,
    "",
    ...bash(promQuery(a, up)),
    "",
    "Why a target is down (connection refused, wrong path, timeout):",
    "",
    ...bash(`curl -s "${a.prometheus}/api/v1/targets?state=active" | jq -r ${shellWord(`.data.activeTargets[] | select(.labels.job == "${job}") | "\\(.labels.instance) \\(.health) \\(.lastError)"`)}`),
    "",
    "2. **Does the service answer?** Expect `200`:",
    "",
    ...bash(`curl -s -o /dev/null -w '%{http_code}\\n' "${a.app}${service.scrape.metricsPath}"`),
    "",
    "3. **Is the configuration valid?** `npm run validate` runs promtool and amtool on everything generated; then read the server's own errors:",
    "",
    ...bash(
      "npm run validate",
      "docker compose logs prometheus 2>&1 | grep -iE 'level=(error|warn)'   # with Docker; with npm run stack, its terminal",
    ),
    "",
    "4. **Does the metric exist, with the values the panel asks for?** See the metric's checks below.",
    "A panel showing `0` is working: every series exists at zero before the first git operation. Run one to see it move (`RUNTIME_TOKEN` only when the runtime requires it, as in the compose stack):",
    "",
    ...bash(`curl -s -X POST "${a.app}/v1/git/clone" -H "Authorization: Bearer \${RUNTIME_TOKEN:-}" -H 'content-type: application/json' \\`, `  -d '{"repo_url":"https://github.com/octocat/Hello-World.git","branch":"master","agent_id":"test-agent","task_id":"test-task"}'`),
    "",
    "5. **Does Grafana reach Prometheus?** Expect `\"status\":\"OK\"` (not run here: no Grafana server in this project's tests):",
    "",
    ...bash(`curl -s -u "admin:$(cat ${shellWord(a.grafanaPassword)})" "${a.grafana}/api/datasources/uid/${DATASOURCE_UID}/health"`),
    "",
    "## Alerts do not arrive",
    "",
    "Firing in Prometheus (expect the alert with `state` firing), then received by Alertmanager:",
    "",
    ...bash(
      `curl -s "${a.prometheus}/api/v1/alerts"`,
      `curl -s "${a.prometheus}/api/v1/alertmanagers"          # expect Alertmanager under activeAlertmanagers`,
      `amtool alert query --alertmanager.url="${a.alertmanager}"`,
      "amtool check-config generated/alertmanager/alertmanager.yml",
    ),
    "",
    "Send a test alert straight to Alertmanager to check routing and the Slack receiver (it resolves after 5 minutes):",
    "",
    ...bash(`amtool alert add ObsgenTestAlert severity=info --annotation=summary='test alert' --alertmanager.url="${a.alertmanager}"`),
    "",
    "## Prometheus uses too much memory or disk",
    "",
    `The spec bounds this service to ${expectedSeries} series per instance (\`limits\` in the spec; \`METRICS.md\` lists each metric's budget). Compare with what Prometheus holds:`,
    "",
    ...bash(`curl -s "${a.prometheus}/api/v1/status/tsdb" | jq '.data.seriesCountByMetricName'`),
    "",
    `More series than the budget means labels outside the spec (another exporter, or code not using the generated module). Retention is the spec's \`scrape.retention\` (${text(service.scrape.retention)})${service.scrape.retentionSize !== undefined ? ` and \`scrape.retentionSize\` (${text(service.scrape.retentionSize)})` : ""}: lower them in the spec and \`npm run generate\`, never by editing generated files.`,
    "",
    "## A dashboard does not load",
    "",
    "Dashboards are provisioned from `generated/grafana/dashboards/` (no manual import). Check that they are current and valid, then restart Grafana to re-read them:",
    "",
    ...bash("npm run check    # generated/ matches the spec", "npm run lint     # dashboard lint rules", "docker compose restart grafana && docker compose logs grafana 2>&1 | grep -i error"),
    "",
    "## Maintenance",
    "",
    "Backups, restore, resetting Prometheus' data and Grafana's admin password: `docs/OPERATIONS.md`.",
    "",
  ];
}

export function generateTroubleshooting(model: Model): Artifact[] {
  if (model.services.length === 0) return [];
  const a = addresses(model);
  const lines = [
    `<!-- ${generatedHeader(model)} -->`,
    "",
    "# Troubleshooting",
    "",
    "Every command runs as written against `npm run stack` or the compose stack (`docker compose up`).",
    "For other addresses set `PROM`, `APP`, `AM` and `GRAFANA` (e.g. `PROM=http://prometheus.internal:9090`).",
    "`test/troubleshooting.test.ts` runs the metric checks against a real Prometheus.",
    "",
  ];
  for (const service of model.services) {
    if (model.services.length > 1) lines.push(`# ${text(service.name)}`, "");
    lines.push(...generalSection(service, a, service.metrics.reduce((n, m) => n + m.maxSeries, 0)));
    const usedBy = usage(service);
    lines.push("## Metric by metric", "", `Each metric of job ${code(service.scrape.job)}: where it is read, and the checks when it shows no data.`, "");
    for (const m of service.metrics) lines.push(...metricSection(service, m, a, usedBy.get(m.name) ?? []));
  }
  return [{ path: TROUBLESHOOTING_PATH, content: `${lines.join("\n").replace(/\n+$/, "")}\n` }];
}
