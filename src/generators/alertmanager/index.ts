// alertmanager.yml: Watchdog to the dead man's switch, critical to the pager (when one is
// declared), warning to the team's channels, info only in Alertmanager's UI. Alertmanager does not
// expand environment variables, so every secret (Slack webhook URL, PagerDuty routing key, SMTP
// password, webhook tokens) is read from a file the deployment mounts; nothing secret is ever
// written into the generated config. Inhibitions can match: an outage of a job silences the job's
// other alerts, and a critical alert silences the warning of the same name and job.
import { ALERTNAME_LABEL, JOB_LABEL, OUTAGE_ALERTS, WATCHDOG_ALERT } from "../../conventions/oncall.js";
import type { Model } from "../../model/types.js";
import type { ReceiversModel } from "../../model/types.js";
import type { Artifact } from "../artifact.js";
import { SEVERITY_LABEL } from "../prometheus/names.js";
import { yamlArtifactText } from "../prometheus/yaml-file.js";

export const ALERTMANAGER_CONFIG_PATH = "alertmanager/alertmanager.yml";
/** Where the container finds the webhook URL: compose and Kubernetes mount secrets as files. */
export const SLACK_WEBHOOK_URL_FILE = "/run/secrets/slack_webhook_url";
export const SLACK_WEBHOOK_SECRET = "slack_webhook_url";
export const DEFAULT_RECEIVER = "default";
export const HEARTBEAT_RECEIVER = "heartbeat";
export const PAGER_RECEIVER = "pager";
export const CRITICAL_RECEIVER = "critical";
export const WARNING_RECEIVER = "warning";
export const INFO_RECEIVER = "info";

const TEXT =
  '{{ range .Alerts }}{{ .Annotations.summary }} {{ .Annotations.description }}\nRunbook: {{ .Annotations.runbook_url }}\n{{ if .Annotations.dashboard_url }}Dashboard: {{ .Annotations.dashboard_url }}\n{{ end }}{{ end }}';
const TITLE = "[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }} ({{ .CommonLabels.severity }}, {{ .CommonLabels.job }})";

/** The receivers the spec declares; a bare slackChannel (or nothing at all) keeps the original Slack receiver. */
function declaredReceivers(model: Model): ReceiversModel {
  const declared = model.deployment.receivers;
  if (declared) return declared;
  const channel = model.deployment.slackChannel;
  return { slack: { channel: channel ?? "", apiUrlFile: SLACK_WEBHOOK_URL_FILE } };
}

function slackConfigs(r: ReceiversModel): Record<string, unknown>[] {
  if (!r.slack) return [];
  return [{ api_url_file: r.slack.apiUrlFile, ...(r.slack.channel !== "" ? { channel: r.slack.channel } : {}), send_resolved: true, title: TITLE, text: TEXT }];
}

function emailConfigs(r: ReceiversModel): Record<string, unknown>[] {
  const e = r.email;
  if (!e) return [];
  return [
    {
      to: e.to,
      from: e.from,
      smarthost: e.smarthost,
      ...(e.authUsername !== undefined ? { auth_username: e.authUsername } : {}),
      ...(e.authPasswordFile !== undefined ? { auth_password_file: e.authPasswordFile } : {}),
      send_resolved: true,
    },
  ];
}

function webhookConfig(w: { url: string; bearerTokenFile?: string | undefined }, sendResolved: boolean): Record<string, unknown> {
  return {
    url: w.url,
    send_resolved: sendResolved,
    ...(w.bearerTokenFile !== undefined ? { http_config: { authorization: { type: "Bearer", credentials_file: w.bearerTokenFile } } } : {}),
  };
}

function teamConfigs(r: ReceiversModel): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const slack = slackConfigs(r);
  const email = emailConfigs(r);
  if (slack.length > 0) out.slack_configs = slack;
  if (email.length > 0) out.email_configs = email;
  if (r.webhook) out.webhook_configs = [webhookConfig(r.webhook, true)];
  return out;
}

/** Labels alerts are grouped and inhibited by: the alert, its job and the deployment labels the aggregations keep. */
function groupingLabels(model: Model): string[] {
  const keep = model.deployment.keepLabels.filter((l) => l !== JOB_LABEL);
  return [JOB_LABEL, ...keep];
}

function regexOf(values: readonly string[]): string {
  return values.join("|");
}

export function alertmanagerConfig(model: Model): Record<string, unknown> {
  const r = declaredReceivers(model);
  const scope = groupingLabels(model);
  const pager = r.pagerduty !== undefined;
  const notMeta = `${ALERTNAME_LABEL}!~"${regexOf([WATCHDOG_ALERT, ...OUTAGE_ALERTS])}"`;
  return {
    route: {
      receiver: DEFAULT_RECEIVER,
      group_by: [ALERTNAME_LABEL, ...scope],
      group_wait: "30s",
      group_interval: "5m",
      repeat_interval: "4h",
      routes: [
        // The dead man's switch expects Watchdog every minute, and raises its own alarm when it stops.
        { receiver: HEARTBEAT_RECEIVER, matchers: [`${ALERTNAME_LABEL}="${WATCHDOG_ALERT}"`], group_wait: "0s", group_interval: "1m", repeat_interval: "1m" },
        { receiver: pager ? PAGER_RECEIVER : CRITICAL_RECEIVER, matchers: [`${SEVERITY_LABEL}="critical"`], repeat_interval: "1h" },
        { receiver: WARNING_RECEIVER, matchers: [`${SEVERITY_LABEL}="warning"`], repeat_interval: "4h" },
        { receiver: INFO_RECEIVER, matchers: [`${SEVERITY_LABEL}="info"`], repeat_interval: "24h" },
      ],
    },
    inhibit_rules: [
      // A job that is down or unscraped explains every other alert of that job.
      {
        source_matchers: [`${ALERTNAME_LABEL}=~"${regexOf(OUTAGE_ALERTS)}"`],
        target_matchers: [notMeta],
        equal: scope,
      },
      // Mixin-style tiers: the critical alert silences the warning of the same name and job.
      {
        source_matchers: [`${SEVERITY_LABEL}="critical"`],
        target_matchers: [`${SEVERITY_LABEL}=~"warning|info"`],
        equal: [ALERTNAME_LABEL, ...scope],
      },
    ],
    receivers: [
      { name: DEFAULT_RECEIVER },
      { name: HEARTBEAT_RECEIVER, ...(r.heartbeat ? { webhook_configs: [webhookConfig(r.heartbeat, false)] } : {}) },
      ...(pager
        ? [{ name: PAGER_RECEIVER, pagerduty_configs: [{ routing_key_file: r.pagerduty?.routingKeyFile, send_resolved: true, description: TITLE }], ...teamConfigs(r) }]
        : [{ name: CRITICAL_RECEIVER, ...teamConfigs(r) }]),
      { name: WARNING_RECEIVER, ...teamConfigs(r) },
      { name: INFO_RECEIVER },
    ],
  };
}

/**
 * Whether alertmanager.yml is generated: every service gets outage alerts and a Watchdog, so
 * any service at all has rules to route. The compose stack runs Alertmanager on the same condition.
 */
export function hasAlertmanager(model: Model): boolean {
  return model.services.length > 0;
}

/** A secret file alertmanager.yml reads, and whether it is the Slack webhook URL (filled from the environment). */
export interface ReceiverSecretFile {
  path: string;
  slackWebhook: boolean;
}

/** Every secret file the generated alertmanager.yml reads, sorted by path, each once. */
export function receiverSecretFiles(model: Model): ReceiverSecretFile[] {
  if (!hasAlertmanager(model)) return [];
  const r = declaredReceivers(model);
  const files = new Map<string, ReceiverSecretFile>();
  if (r.slack) files.set(r.slack.apiUrlFile, { path: r.slack.apiUrlFile, slackWebhook: true });
  for (const path of [r.pagerduty?.routingKeyFile, r.email?.authPasswordFile, r.webhook?.bearerTokenFile, r.heartbeat?.bearerTokenFile]) {
    if (path !== undefined && !files.has(path)) files.set(path, { path, slackWebhook: false });
  }
  return [...files.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export function generateAlertmanager(model: Model): Artifact[] {
  if (!hasAlertmanager(model)) return [];
  return [{ path: ALERTMANAGER_CONFIG_PATH, content: yamlArtifactText(model, [alertmanagerConfig(model)]) }];
}
