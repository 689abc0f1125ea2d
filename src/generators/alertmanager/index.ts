// alertmanager.yml: one route per severity; critical and warning notify Slack, info only shows in
// Alertmanager's UI. Alertmanager does not expand environment variables, so the Slack webhook URL
// (a secret) is read from a file the deployment mounts (docker-compose: a secret filled from
// $SLACK_WEBHOOK_URL); nothing secret is ever written into the generated config.
import type { Model } from "../../model/types.js";
import type { Artifact } from "../artifact.js";
import { SEVERITIES, SEVERITY_LABEL, type Severity } from "../prometheus/names.js";
import { yamlArtifactText } from "../prometheus/yaml-file.js";

export const ALERTMANAGER_CONFIG_PATH = "alertmanager/alertmanager.yml";
/** Where the container finds the webhook URL: compose and Kubernetes mount secrets as files. */
export const SLACK_WEBHOOK_URL_FILE = "/run/secrets/slack_webhook_url";
export const SLACK_WEBHOOK_SECRET = "slack_webhook_url";
export const DEFAULT_RECEIVER = "default";

const NOTIFY: Readonly<Record<Severity, boolean>> = { critical: true, warning: true, info: false };
const REPEAT: Readonly<Record<Severity, string>> = { critical: "1h", warning: "4h", info: "24h" };

function slackConfig(channel: string | undefined): Record<string, unknown> {
  return {
    api_url_file: SLACK_WEBHOOK_URL_FILE,
    ...(channel !== undefined ? { channel } : {}),
    send_resolved: true,
    title: '[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }} ({{ .CommonLabels.severity }})',
    text: '{{ range .Alerts }}{{ .Annotations.summary }} {{ .Annotations.description }}\nRunbook: {{ .Annotations.runbook_url }}\nDashboard: {{ .Annotations.dashboard_url }}\n{{ end }}',
  };
}

export function alertmanagerConfig(model: Model): Record<string, unknown> {
  const channel = model.services.map((s) => s.spec.alerting.slackChannel).find((c) => c !== undefined);
  return {
    route: {
      receiver: DEFAULT_RECEIVER,
      group_by: ["alertname", SEVERITY_LABEL],
      group_wait: "30s",
      group_interval: "5m",
      repeat_interval: "4h",
      routes: SEVERITIES.map((sev) => ({
        receiver: sev,
        matchers: [`${SEVERITY_LABEL}="${sev}"`],
        repeat_interval: REPEAT[sev],
      })),
    },
    // A critical alert silences the lesser ones of the same name while it fires.
    inhibit_rules: [
      {
        source_matchers: [`${SEVERITY_LABEL}="critical"`],
        target_matchers: [`${SEVERITY_LABEL}=~"warning|info"`],
        equal: ["alertname"],
      },
    ],
    receivers: [
      { name: DEFAULT_RECEIVER },
      ...SEVERITIES.map((sev) => (NOTIFY[sev] ? { name: sev, slack_configs: [slackConfig(channel)] } : { name: sev })),
    ],
  };
}

export function generateAlertmanager(model: Model): Artifact[] {
  if (!model.services.some((s) => s.alerts.length > 0)) return [];
  return [{ path: ALERTMANAGER_CONFIG_PATH, content: yamlArtifactText(model, [alertmanagerConfig(model)]) }];
}
