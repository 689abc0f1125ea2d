// The user-facing spec format. Types are inferred from these schemas, never written twice.
import { z } from "zod";

const duration = z
  .string()
  .regex(/^([0-9]+(ms|s|m|h|d|w|y))+$/, "a Prometheus duration such as 15s, 5m or 30d");

const labelValues = z.array(z.string()).min(1, "at least one value");

export const labelSpec = z.union([
  labelValues,
  z.strictObject({
    values: labelValues,
    fallback: z
      .string()
      .optional()
      .describe("A declared value that unknown values are recorded as, instead of throwing."),
    additive: z
      .boolean()
      .optional()
      .describe("false when the values are views of one quantity (hourly, daily, monthly estimates): queries must keep or pin the label, never sum across it."),
    description: z.string().optional(),
  }),
]);

export const suppressionSpec = z.strictObject({
  rule: z.string().describe("The rule id to suppress, e.g. no-total-on-non-counter."),
  reason: z.string().min(10, "a reason of at least 10 characters"),
});

export const metricSpec = z.strictObject({
  type: z.enum(["counter", "gauge", "histogram"]),
  help: z.string().min(1, "a non-empty help text"),
  unit: z.string().optional().describe("Base unit: seconds, bytes, ratio, dollars, … (the name's suffix)."),
  labels: z.record(z.string(), labelSpec).optional(),
  buckets: z.array(z.number()).optional(),
  suppress: z.array(suppressionSpec).optional(),
});

export const thresholdStepSpec = z.strictObject({
  value: z.number().optional(),
  color: z.string(),
});

export const querySpec = z.strictObject({
  expr: z.string().min(1),
  legend: z.string().optional(),
  instant: z.boolean().optional(),
  format: z.enum(["time_series", "table", "heatmap"]).optional(),
});

export const panelKinds = ["gauge", "stat", "timeseries", "heatmap", "piechart", "barchart"] as const;

export const panelSpec = z.strictObject({
  id: z.number().int().positive().describe("Stable numeric panel id; alerts and links refer to it."),
  key: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "a kebab-case key"),
  title: z.string().min(1),
  kind: z.enum(panelKinds),
  description: z.string().optional(),
  unit: z.string().optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  stacked: z.boolean().optional(),
  width: z.number().int().min(1).max(24).default(12),
  height: z.number().int().min(1).max(50).default(8),
  thresholds: z.array(thresholdStepSpec).optional(),
  queries: z.array(querySpec).min(1, "at least one query"),
});

export const rowSpec = z.strictObject({
  title: z.string().min(1),
  collapsed: z.boolean().optional(),
  panels: z.array(panelSpec).min(1),
});

export const dashboardSpec = z.strictObject({
  uid: z.string().regex(/^[a-zA-Z0-9_-]{1,40}$/, "1-40 letters, digits, '-' or '_'"),
  title: z.string().min(1),
  description: z.string().optional(),
  refresh: duration.default("30s"),
  timeRange: z.strictObject({ from: z.string(), to: z.string() }).default({ from: "now-6h", to: "now" }),
  tags: z.array(z.string()).default([]),
  rows: z.array(rowSpec).min(1),
});

export const alertTestSeriesSpec = z.strictObject({
  series: z.string().min(1).describe("A series selector with labels, e.g. metric{instance=\"a\"}."),
  values: z.string().min(1).describe("promtool expanding notation, e.g. 0+10x30."),
});

export const alertTestSpec = z.strictObject({
  name: z.string().min(1),
  interval: duration.default("1m"),
  input: z.array(alertTestSeriesSpec).min(1),
  evalAt: duration,
  firing: z
    .array(
      z.strictObject({
        labels: z.record(z.string(), z.string()).default({}),
        annotations: z.record(z.string(), z.string()).optional(),
      }),
    )
    .describe("Expected alerts at evalAt; an empty list asserts silence."),
});

export const alertSpec = z.strictObject({
  name: z.string().min(1),
  expr: z.string().min(1),
  for: duration,
  severity: z.string(),
  summary: z.string().min(1),
  description: z.string().min(1),
  runbook: z.string().url().optional(),
  panel: z.string().optional().describe("Key of the dashboard panel that shows this alert's signal."),
  labels: z.record(z.string(), z.string()).optional(),
  tests: z.array(alertTestSpec).default([]),
});

export const recordingRuleSpec = z.strictObject({
  record: z.string().min(1),
  expr: z.string().min(1),
  labels: z.record(z.string(), z.string()).optional(),
});

const hostPort = z.number().int().min(1).max(65535);
const image = z.string().regex(/^[a-z0-9][a-z0-9._/-]*(:[A-Za-z0-9._-]+)?(@sha256:[a-f0-9]{64})?$/, "an image reference, e.g. prom/prometheus:v2.53.0");

/** A file in the repository's git-ignored secrets/ directory; containers read it at /run/secrets/<name>. */
const secretName = z
  .string()
  .regex(/^[a-z][a-z0-9_]*$/, "a secret name: lower-case letters, digits and '_' (the file secrets/<name>)")
  .describe("Name of a file in secrets/ (git-ignored); the stack mounts it at /run/secrets/<name>.");
/** A file path relative to the repository root, inside it. */
const repoFile = z
  .string()
  .regex(/^(?!\/)(?!.*(^|\/)\.\.(\/|$))[A-Za-z0-9._/-]+$/, "a path relative to the repository root, without '..'");

export const stackSpec = z
  .strictObject({
    name: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, "a compose project name: lower-case letters, digits, '-' and '_'").describe("Compose project name."),
    bindAddress: z.ipv4().default("127.0.0.1").describe("Host address every published port binds to."),
    app: z
      .strictObject({
        service: z.string().regex(/^[a-z0-9][a-z0-9_.-]*$/, "a compose service name").describe("Compose service name; scrape.targets must name it."),
        build: z.string().min(1).default(".").describe("Build context, relative to the repository root."),
        image: image.optional().describe("Tag for the built image."),
        port: hostPort.describe("Port the service listens on in its container, published on the same host port."),
        environment: z
          .record(z.string().regex(/^[A-Z_][A-Z0-9_]*$/, "an environment variable name"), z.string())
          .default({})
          .describe("Container environment. Secrets must be ${VAR} interpolations, never literal values."),
        healthcheck: z
          .array(z.string().min(1))
          .min(1)
          .optional()
          .describe("Command (exec form) run in the container that exits 0 when the service is healthy; without it, dependants wait only for the container to start."),
      })
      .describe("The instrumented service (here: the git runtime)."),
    prometheus: z
      .strictObject({
        image: image.default("prom/prometheus:v2.53.0"),
        port: hostPort.default(9090),
        adminApi: z
          .boolean()
          .default(true)
          .describe("Enable Prometheus' admin API (TSDB snapshots for backups); only with a loopback bindAddress."),
      })
      .default({ image: "prom/prometheus:v2.53.0", port: 9090, adminApi: true }),
    alertmanager: z
      .strictObject({ image: image.default("prom/alertmanager:v0.27.0"), port: hostPort.default(9093) })
      .default({ image: "prom/alertmanager:v0.27.0", port: 9093 }),
    grafana: z
      .strictObject({
        image: image.default("grafana/grafana:11.1.0"),
        port: hostPort.default(3000),
        adminPasswordSecret: secretName.default("grafana_admin_password").describe("The admin password's secret file (secrets/<name>); Grafana has no default password."),
        tls: z
          .strictObject({
            certFile: repoFile.describe("PEM certificate (chain), relative to the repository root."),
            keyFile: repoFile.describe("PEM private key, relative to the repository root; readable by Grafana's user (uid 472)."),
          })
          .optional()
          .describe("Serve Grafana over HTTPS with these files; session cookies are then marked Secure."),
      })
      .default({ image: "grafana/grafana:11.1.0", port: 3000, adminPasswordSecret: "grafana_admin_password" }),
  })
  .describe("The docker compose stack generated into generated/docker-compose.yml.");

export const remoteWriteSpec = z
  .strictObject({
    name: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, "a name of lower-case letters, digits, '-' and '_'").optional().describe("Names the queue in Prometheus' own metrics."),
    url: z
      .url({ protocol: /^https?$/, error: "an http:// or https:// URL" })
      .describe("The receiver's push endpoint, e.g. https://mimir.example.com/api/v1/push, http://thanos-receive:19291/api/v1/receive, http://victoriametrics:8428/api/v1/write."),
    headers: z.record(z.string().regex(/^[A-Za-z0-9-]+$/, "an HTTP header name"), z.string()).optional().describe("Extra headers, e.g. X-Scope-OrgID for a Mimir tenant. Not for credentials."),
    basicAuth: z.strictObject({ username: z.string().min(1), passwordSecret: secretName }).optional(),
    bearerTokenSecret: secretName.optional().describe("Sends Authorization: Bearer <the secret file's content>."),
    queue: z
      .strictObject({
        capacity: z.number().int().positive().optional(),
        minShards: z.number().int().positive().optional(),
        maxShards: z.number().int().positive().optional(),
        maxSamplesPerSend: z.number().int().positive().optional(),
        batchSendDeadline: duration.optional(),
        minBackoff: duration.optional(),
        maxBackoff: duration.optional(),
      })
      .optional()
      .describe("queue_config; Prometheus' defaults apply to what is left out."),
  })
  .describe("One remote_write endpoint. Credentials come from secret files, never from the spec.");

export const serviceSpec = z.strictObject({
  $schema: z.string().optional(),
  version: z.literal(1),
  service: z.string().regex(/^[a-z][a-z0-9-]*$/, "a lower-case, kebab-case service name"),
  description: z.string().optional(),
  limits: z
    .strictObject({
      maxSeriesPerMetric: z.number().int().positive(),
      maxSeriesTotal: z.number().int().positive(),
    })
    .default({ maxSeriesPerMetric: 1000, maxSeriesTotal: 10000 }),
  cost: z
    .strictObject({
      ratePerSandboxHour: z.number().nonnegative(),
      monthlyBudget: z.number().positive(),
      currency: z.string().default("USD"),
    })
    .optional(),
  scrape: z.strictObject({
    job: z.string().min(1),
    interval: duration.default("15s"),
    evaluationInterval: duration.default("15s"),
    retention: duration.default("15d"),
    retentionSize: z
      .string()
      .regex(/^[0-9]+(B|KB|MB|GB|TB|PB|EB)$/, "a size such as 512MB or 50GB")
      .optional()
      .describe("Size-based retention (--storage.tsdb.retention.size) next to the time-based one: whichever is hit first removes the oldest blocks."),
    externalLabels: z
      .record(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, "a label name"), z.string())
      .optional()
      .describe("global.external_labels: tell this Prometheus' series apart in a shared store (cluster, replica)."),
    remoteWrite: z.array(remoteWriteSpec).default([]).describe("Where Prometheus also sends every sample (Mimir, Thanos Receive, VictoriaMetrics)."),
    metricsPath: z.string().startsWith("/").default("/metrics"),
    targets: z.array(z.string().regex(/^[^\s/]+:[0-9]+$/, "host:port")).min(1),
  }),
  metrics: z.record(z.string(), metricSpec),
  alerting: z
    .strictObject({
      grafanaUrl: z.string().url().optional().describe("Base URL of Grafana for alert dashboard links; relative links when absent."),
      alertmanagers: z.array(z.string().regex(/^[^\s/]+:[0-9]+$/, "host:port")).min(1).default(["alertmanager:9093"]),
      slackChannel: z.string().min(1).optional().describe("Slack channel critical and warning alerts go to; the webhook URL is a secret file."),
    })
    .default({ alertmanagers: ["alertmanager:9093"] }),
  stack: stackSpec.optional(),
  recordingRules: z.array(recordingRuleSpec).default([]),
  dashboards: z.array(dashboardSpec).default([]),
  alerts: z.array(alertSpec).default([]),
});

export type ServiceSpec = z.infer<typeof serviceSpec>;
export type MetricSpec = z.infer<typeof metricSpec>;
export type LabelSpec = z.infer<typeof labelSpec>;
export type PanelSpec = z.infer<typeof panelSpec>;
export type DashboardSpec = z.infer<typeof dashboardSpec>;
export type AlertSpec = z.infer<typeof alertSpec>;
export type StackSpec = z.infer<typeof stackSpec>;
export type RemoteWriteSpec = z.infer<typeof remoteWriteSpec>;
