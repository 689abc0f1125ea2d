// The user-facing spec format. Types are inferred from these schemas, never written twice.
import { z } from "zod";
import { parseDuration, PROMETHEUS_DURATION } from "../promql/duration.js";

/** A Prometheus duration; zero allowed (a time offset such as evalAt, or `for`, which alert lint checks). */
const duration = z
  .string()
  .regex(PROMETHEUS_DURATION, { message: "a Prometheus duration such as 15s, 5m or 1h30m (units from largest to smallest)", abort: true })
  .refine((d) => parseDuration(d) !== undefined, { message: "a Prometheus duration that does not overflow", abort: true });

/** An interval, window or retention: zero would never elapse (Prometheus refuses or misreads it). */
const positiveDuration = duration.refine((d) => (parseDuration(d) ?? 1) > 0, "a positive duration: 0 never elapses");

/** A label value; a YAML number (a status code) is read as its decimal text: 200 → "200". */
const labelValue = z
  .union([z.string(), z.number()])
  .transform((v) => (typeof v === "number" ? String(v) : v))
  .describe("A label value. Numbers are read as their decimal text (200 → \"200\"); quote values such as \"007\" or \"1.0\".");

const labelValues = z.array(labelValue).min(1, "at least one value");

export const labelSpec = z.union([
  labelValues,
  z.strictObject({
    values: labelValues.describe("The declared values."),
    fallback: labelValue
      .optional()
      .describe("A declared value that unknown values are recorded as, instead of throwing."),
    additive: z
      .boolean()
      .optional()
      .describe("false when the values are views of one quantity (hourly, daily, monthly estimates): queries must keep or pin the label, never sum across it."),
    description: z.string().optional().describe("What the label distinguishes; shown in METRICS.md."),
  }),
]).describe("The label's values: a list, or {values, fallback, additive, description}. Every value is enumerated, so the series count is known.");

export const suppressionSpec = z.strictObject({
  rule: z.string().describe("The rule id to suppress, e.g. no-total-on-non-counter."),
  reason: z.string().min(10, "a reason of at least 10 characters").describe("Why the rule does not apply here (at least 10 characters); kept for reviewers."),
});

export const metricSpec = z.strictObject({
  type: z.enum(["counter", "gauge", "histogram"]).describe("counter (only grows; name ends in _total), gauge (goes up and down) or histogram (observations in buckets)."),
  help: z.string().min(1, "a non-empty help text").describe("The # HELP text: one sentence saying what is counted or measured."),
  unit: z.string().optional().describe("Base unit: seconds, bytes, ratio, dollars, … (the name's suffix)."),
  labels: z.record(z.string(), labelSpec).optional().describe("Label names and their enumerated values."),
  buckets: z.array(z.number()).optional().describe("Histogram bucket upper bounds, positive and increasing, without +Inf (histograms only)."),
  suppress: z.array(suppressionSpec).optional().describe("Naming or unit rules deliberately not applied to this metric, each with a reason."),
}).describe("A metric, keyed by its Prometheus name.");

export const thresholdStepSpec = z.strictObject({
  value: z.number().optional().describe("Where this step starts; omit it for the base step (from -Infinity)."),
  color: z.string().describe("Grafana color name or #rrggbb, e.g. green, red, #f2cc0c."),
});

export const querySpec = z.strictObject({
  expr: z.string().min(1).describe("PromQL; Grafana variables ($__rate_interval, $job) are allowed. Checked against the spec's metrics."),
  legend: z.string().optional().describe("Legend format, e.g. {{operation}}; every label it names must survive the query's aggregation."),
  instant: z.boolean().optional().describe("true for an instant query (the latest value) instead of a range."),
  format: z.enum(["time_series", "table", "heatmap"]).optional().describe("How Grafana reads the result: time_series (default), table or heatmap."),
}).describe("One query of a panel.");

export const panelKinds = ["gauge", "stat", "timeseries", "heatmap", "piechart", "barchart", "bargauge"] as const;

export const panelLinkSpec = z.strictObject({
  title: z.string().min(1).describe("The link's text, e.g. Runbook or Triage."),
  url: z
    .string()
    .regex(/^(https?:\/\/[^\s]+|\/[^\s/][^\s]*)$/, "an http(s) URL, or a path such as /d/<uid> inside Grafana")
    .describe("An http(s) URL, or a path such as /d/<uid> inside Grafana."),
});

export const panelSpec = z.strictObject({
  id: z.number().int().positive().describe("Stable numeric panel id; alerts and links refer to it."),
  key: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "a kebab-case key").describe("Stable kebab-case key; an alert's panel: names it."),
  title: z.string().min(1).describe("Panel title."),
  kind: z.enum(panelKinds).describe("Visualization: gauge, stat, timeseries, heatmap, piechart, barchart or bargauge."),
  description: z.string().optional().describe("What the panel shows and how to read it (Grafana's panel info)."),
  unit: z.string().optional().describe("Grafana unit id, e.g. short, s, percentunit, bytes, currencyUSD."),
  min: z.number().optional().describe("Lower bound of the axis or gauge."),
  max: z.number().optional().describe("Upper bound of the axis or gauge."),
  stacked: z.boolean().optional().describe("Stack the series of a timeseries panel."),
  width: z.number().int().min(1).max(24).default(12).describe("Width in grid columns (1-24); panels flow left to right within a row."),
  height: z.number().int().min(1).max(50).default(8).describe("Height in grid units."),
  thresholds: z.array(thresholdStepSpec).optional().describe("Threshold steps in increasing order of value; the first has no value."),
  queries: z.array(querySpec).min(1, "at least one query").describe("The panel's PromQL queries."),
  timeFrom: z.string().regex(/^now(-[0-9]+[smhdwMy])?(\/[smhdwMy])?$/, "a relative time such as now/d (today so far) or now-24h").optional().describe("This panel's own time range, e.g. now/d for today so far, now/M for the month to date."),
  legend: z.enum(["list", "table"]).optional().describe("table: a legend table with last, mean and max, for panels where several series compete."),
  links: z.array(panelLinkSpec).optional().describe("Links in the panel's header: its runbook, its alert."),
}).describe("A dashboard panel.");

export const rowSpec = z.strictObject({
  title: z.string().min(1).describe("Row title."),
  collapsed: z.boolean().optional().describe("Start the row collapsed."),
  panels: z.array(panelSpec).min(1).describe("The row's panels, laid out left to right."),
}).describe("A dashboard row.");

export const dashboardSpec = z.strictObject({
  uid: z.string().regex(/^[a-zA-Z0-9_-]{1,40}$/, "1-40 letters, digits, '-' or '_'").describe("Grafana dashboard uid; also the file name under grafana/dashboards/."),
  title: z.string().min(1).describe("Dashboard title."),
  description: z.string().optional().describe("What the dashboard is for."),
  refresh: positiveDuration.default("30s").describe("Auto-refresh interval; not faster than the scrape interval."),
  timeRange: z
    .strictObject({
      from: z.string().describe("Start of the default time range, e.g. now-6h."),
      to: z.string().describe("End of the default time range, e.g. now."),
    })
    .default({ from: "now-6h", to: "now" })
    .describe("Default time range."),
  tags: z.array(z.string()).default([]).describe("Grafana dashboard tags."),
  rows: z.array(rowSpec).min(1).describe("Rows of panels, top to bottom."),
  links: z.array(panelLinkSpec).optional().describe("Links in the dashboard's header; the service's generated triage and SLO dashboards are linked without them."),
}).describe("A Grafana dashboard.");

export const alertTestSeriesSpec = z.strictObject({
  series: z.string().min(1).describe("A series selector with labels, e.g. metric{instance=\"a\"}."),
  values: z.string().min(1).describe("promtool expanding notation, e.g. 0+10x30."),
});

export const alertTestSpec = z.strictObject({
  name: z.string().min(1).describe("What the case shows, e.g. \"fires when more than 10% fail\"."),
  interval: positiveDuration.default("1m").describe("Step between input samples."),
  input: z.array(alertTestSeriesSpec).min(1).describe("Input series and their samples."),
  evalAt: duration.describe("Time at which the alert's state is checked, e.g. 15m."),
  firing: z
    .array(
      z.strictObject({
        labels: z.record(z.string(), labelValue).default({}).describe("Labels of the expected alert, beyond alertname and severity."),
        annotations: z.record(z.string(), z.string()).optional().describe("Expected rendered annotations (required for templated ones)."),
      }).describe("One expected alert."),
    )
    .describe("Expected alerts at evalAt; an empty list asserts silence."),
});

export const alertSpec = z.strictObject({
  name: z.string().min(1).describe("CamelCase alert name, e.g. HighErrorRate."),
  expr: z.string().min(1).describe("PromQL condition; the alert fires for each result series. Checked against the spec's metrics."),
  for: duration.describe("Pending period: how long the condition must hold before the alert fires, e.g. 5m."),
  severity: z.string().describe("critical, warning or info; Alertmanager routes on it."),
  summary: z.string().min(1).describe("One capitalised sentence ending with a period."),
  description: z.string().min(1).describe("Details, showing the formatted value, e.g. {{ $value | humanizePercentage }}."),
  runbook: z.string().url().optional().describe("URL of the runbook, added as the runbook_url annotation."),
  panel: z.string().optional().describe("Key of the dashboard panel that shows this alert's signal."),
  labels: z.record(z.string(), z.string()).optional().describe("Extra labels on the alert."),
  tests: z.array(alertTestSpec).default([]).describe("promtool unit tests: a firing, a silent and a two-instance case."),
  minRate: z
    .number()
    .positive()
    .optional()
    .describe("Traffic floor of a ratio alert, per second: the alert holds only while the ratio's denominator exceeds it, so a handful of operations never pages."),
  tiers: z
    .array(
      z.strictObject({
        severity: z.string().describe("Severity label of this tier, e.g. warning; Alertmanager routes on it."),
        threshold: z.number().describe("Replaces the number the expression compares against."),
        for: duration.optional().describe("Pending period of this tier; the alert's own when absent."),
        summary: z.string().min(1).optional().describe("Summary of this tier; the alert's own when absent."),
      }),
    )
    .optional()
    .describe("Further severities of the same alert name, each with its own threshold (mixin style): e.g. warning at 5 %, critical at 10 %."),
  impact: z.string().min(1).optional().describe("Why it matters to users, for the generated runbook."),
  causes: z.array(z.string().min(1)).optional().describe("Likely causes, for the generated runbook."),
  firstSteps: z.array(z.string().min(1)).optional().describe("What the person on call does first, for the generated runbook."),
}).describe("A Prometheus alerting rule with its unit tests.");

const secretFile = z.string().startsWith("/", "an absolute path to a file the deployment mounts");

const webhookSpec = z.strictObject({
  url: z.url().describe("Where Alertmanager posts; it must hold no credentials (no user, password or query string)."),
  bearerTokenFile: secretFile.optional().describe("File holding the bearer token sent with every post (a secret)."),
});

export const receiversSpec = z
  .strictObject({
    slack: z
      .strictObject({
        channel: z.string().min(1).describe("Slack channel the notifications go to, e.g. #git-runtime-alerts."),
        apiUrlFile: secretFile.default("/run/secrets/slack_webhook_url").describe("File holding the Slack webhook URL (a secret)."),
      })
      .optional()
      .describe("Slack: critical and warning alerts go to this channel."),
    pagerduty: z
      .strictObject({
        routingKeyFile: secretFile.describe("File holding the PagerDuty Events v2 routing key (a secret)."),
      })
      .optional()
      .describe("The pager: critical alerts go here when it is declared."),
    email: z
      .strictObject({
        to: z.email().describe("Address the notifications are sent to."),
        from: z.email().describe("Sender address of the notifications."),
        smarthost: z.string().regex(/^[^\s/]+:[0-9]+$/, "host:port").describe("SMTP server as host:port."),
        authUsername: z.string().min(1).optional().describe("SMTP user name, when the server asks for one."),
        authPasswordFile: secretFile.optional().describe("File holding the SMTP password (a secret)."),
      })
      .optional()
      .describe("Email: where notifications are mailed, through which SMTP server."),
    webhook: webhookSpec.optional().describe("A generic webhook that receives every notification."),
    heartbeat: webhookSpec
      .optional()
      .describe("The dead man's switch: the Watchdog alert is sent here every minute; silence there means the alerting pipeline is down."),
  })
  .describe("Where Alertmanager sends notifications; every secret is read from a file, never written into the config.");

export const sloSpec = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, "a kebab-case SLO name").describe("Kebab-case name of the SLO; names its recording rules, alerts and dashboard panels."),
  description: z.string().min(1).describe("What the SLO promises users, in one sentence, e.g. Git operations succeed."),
  objective: z.number().gt(0, "a percentage above 0").lt(100, "a percentage below 100").describe("Target share of good events, in percent, e.g. 99 or 99.9."),
  window: duration.default("30d").describe("The SLO's compliance window; burn-rate factors scale with it."),
  minRate: z.number().positive().optional().describe("Traffic floor of the page, in events per second of the SLI's total."),
  sli: z.union([
    z.strictObject({
      events: z.strictObject({
        good: z.string().min(1).describe("Selector of the counter of good events, e.g. git_operation_total{status=\"success\"}."),
        total: z.string().min(1).describe("Selector of the counter of all valid events."),
      }).describe("An event SLI: the share of good events among all valid events."),
    }),
    z.strictObject({
      latency: z.strictObject({
        histogram: z.string().min(1).describe("A declared histogram, by name."),
        threshold: z.number().positive().describe("Requests at or under this many units are good; must be one of the histogram's buckets."),
        matchers: z.string().optional().describe("Label matchers narrowing the histogram, e.g. operation=\"push\"."),
      }).describe("A latency SLI: the share of a histogram's observations at or under a threshold."),
    }),
  ]).describe("The service level indicator: good and total events, or latency under a threshold."),
  causes: z.array(z.string().min(1)).optional().describe("Likely causes of a burning budget, for the generated runbook."),
  firstSteps: z.array(z.string().min(1)).optional().describe("What the person on call does first, for the generated runbook."),
}).describe("A service level objective.");

export const recordingRuleSpec = z.strictObject({
  record: z.string().min(1).describe("Name of the recorded series, e.g. job:git_operation_errors:ratio_rate5m."),
  expr: z.string().min(1).describe("PromQL whose result is recorded."),
  labels: z.record(z.string(), z.string()).optional().describe("Labels added to the recorded series."),
}).describe("A Prometheus recording rule.");

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
        image: image.default("prom/prometheus:v2.53.0").describe("Prometheus image."),
        port: hostPort.default(9090).describe("Host port of Prometheus."),
        adminApi: z
          .boolean()
          .default(true)
          .describe("Enable Prometheus' admin API (TSDB snapshots for backups); only with a loopback bindAddress."),
      })
      .default({ image: "prom/prometheus:v2.53.0", port: 9090, adminApi: true })
      .describe("The Prometheus service."),
    alertmanager: z
      .strictObject({ image: image.default("prom/alertmanager:v0.27.0").describe("Alertmanager image."), port: hostPort.default(9093).describe("Host port of Alertmanager.") })
      .default({ image: "prom/alertmanager:v0.27.0", port: 9093 })
      .describe("The Alertmanager service."),
    grafana: z
      .strictObject({
        image: image.default("grafana/grafana:12.0.2").describe("Grafana image."),
        port: hostPort.default(3000).describe("Host port of Grafana."),
        adminPasswordSecret: secretName.default("grafana_admin_password").describe("The admin password's secret file (secrets/<name>); Grafana has no default password."),
        tls: z
          .strictObject({
            certFile: repoFile.describe("PEM certificate (chain), relative to the repository root."),
            keyFile: repoFile.describe("PEM private key, relative to the repository root; readable by Grafana's user (uid 472)."),
          })
          .optional()
          .describe("Serve Grafana over HTTPS with these files; session cookies are then marked Secure."),
      })
      .default({ image: "grafana/grafana:12.0.2", port: 3000, adminPasswordSecret: "grafana_admin_password" })
      .describe("The Grafana service."),
  })
  .describe("The docker compose stack generated into generated/docker-compose.yml.");

export const remoteWriteSpec = z
  .strictObject({
    name: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, "a name of lower-case letters, digits, '-' and '_'").optional().describe("Names the queue in Prometheus' own metrics."),
    url: z
      .url({ protocol: /^https?$/, error: "an http:// or https:// URL" })
      .describe("The receiver's push endpoint, e.g. https://mimir.example.com/api/v1/push, http://thanos-receive:19291/api/v1/receive, http://victoriametrics:8428/api/v1/write."),
    headers: z.record(z.string().regex(/^[A-Za-z0-9-]+$/, "an HTTP header name"), z.string()).optional().describe("Extra headers, e.g. X-Scope-OrgID for a Mimir tenant. Not for credentials."),
    basicAuth: z
      .strictObject({ username: z.string().min(1).describe("Basic-auth user name (not a secret)."), passwordSecret: secretName })
      .optional()
      .describe("HTTP basic auth; the password is read from the secret file, never written here."),
    bearerTokenSecret: secretName.optional().describe("Sends Authorization: Bearer <the secret file's content>."),
    queue: z
      .strictObject({
        capacity: z.number().int().positive().optional().describe("Samples buffered per shard before reading from the WAL blocks."),
        minShards: z.number().int().positive().optional().describe("Fewest parallel senders."),
        maxShards: z.number().int().positive().optional().describe("Most parallel senders."),
        maxSamplesPerSend: z.number().int().positive().optional().describe("Samples per request."),
        batchSendDeadline: duration.optional().describe("Longest a sample waits in a shard before its batch is sent."),
        minBackoff: duration.optional().describe("First retry delay after a failed send."),
        maxBackoff: duration.optional().describe("Longest retry delay after failed sends."),
      })
      .optional()
      .describe("queue_config; Prometheus' defaults apply to what is left out."),
  })
  .describe("One remote_write endpoint. Credentials come from secret files, never from the spec.");

export const serviceSpec = z.strictObject({
  $schema: z.string().optional().describe("Path or URL of this JSON Schema, for editors."),
  version: z.literal(1).describe("Spec format version; 1."),
  service: z.string().regex(/^[a-z][a-z0-9-]*$/, "a lower-case, kebab-case service name").describe("Kebab-case service name; names the generated files and dashboards."),
  description: z.string().optional().describe("What the service does; shown in METRICS.md."),
  primary: z
    .boolean()
    .optional()
    .describe("true in the one spec whose service the generated module's createMetrics() and Metrics name when a repository has several services."),
  limits: z
    .strictObject({
      maxSeriesPerMetric: z.number().int().positive().describe("Most series one metric may produce (label values multiplied; histograms count buckets)."),
      maxSeriesTotal: z.number().int().positive().describe("Most series the whole service may produce."),
    })
    .default({ maxSeriesPerMetric: 1000, maxSeriesTotal: 10000 })
    .describe("Cardinality budget, checked before anything runs."),
  cost: z
    .strictObject({
      ratePerSandboxHour: z.number().nonnegative().describe("Price of one sandbox-hour."),
      monthlyBudget: z.number().positive().describe("Monthly budget the cost alerts compare against."),
      currency: z.string().default("USD").describe("Currency of the rate and budget."),
      hoursMetric: z.string().min(1).optional().describe("The counter of consumed sandbox-hours (by project) that spend is computed from."),
      alertFraction: z
        .number()
        .gt(0)
        .lte(1)
        .default(0.75)
        .describe("HighMonthlyCost fires when the projected monthly spend exceeds this fraction of monthlyBudget."),
    })
    .optional()
    .describe("Cost model of the sandboxes the service runs."),
  scrape: z.strictObject({
    job: z.string().min(1).describe("Prometheus job name of the service's targets."),
    interval: positiveDuration.default("15s").describe("Scrape interval."),
    evaluationInterval: positiveDuration.default("15s").describe("Rule evaluation interval."),
    retention: positiveDuration.default("15d").describe("How long Prometheus keeps data."),
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
    metricsPath: z.string().startsWith("/").default("/metrics").describe("HTTP path of the metrics endpoint."),
    targets: z.array(z.string().regex(/^[^\s/]+:[0-9]+$/, "host:port")).min(1).describe("host:port of each instance to scrape."),
  }).describe("How Prometheus scrapes the service."),
  metrics: z.record(z.string(), metricSpec).describe("The service's metrics, keyed by name."),
  alerting: z
    .strictObject({
      grafanaUrl: z.string().url().optional().describe("Base URL of Grafana for alert dashboard links; relative links when absent."),
      alertmanagers: z.array(z.string().regex(/^[^\s/]+:[0-9]+$/, "host:port")).min(1).default(["alertmanager:9093"]).describe("host:port of each Alertmanager."),
      slackChannel: z.string().min(1).optional().describe("Slack channel critical and warning alerts go to; the webhook URL is a secret file."),
      interval: positiveDuration.optional().describe("Evaluation interval of the service's rule groups; Prometheus' global one when absent."),
      keepLabels: z
        .array(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, "a label name"))
        .default([])
        .describe("Deployment labels (cluster, namespace, …) every alert aggregation keeps besides job."),
      selector: z.string().min(1).optional().describe("Label matchers added to every selector of every alert, e.g. cluster=\"prod\"."),
      runbookBaseUrl: z.string().url().optional().describe("Base URL runbook links start with; the runbook's path in the repository when absent."),
      outage: z
        .strictObject({
          for: duration.default("5m").describe("How long a target must be down (or absent) before it pages."),
          severity: z.string().default("critical").describe("Severity of the outage alerts."),
        })
        .default({ for: "5m", severity: "critical" })
        .describe("The generated TargetDown and TargetAbsent alerts."),
      receivers: receiversSpec.optional().describe("Alertmanager receivers; without them alerts are only routed by severity to the Slack channel, if any."),
    })
    .default({ alertmanagers: ["alertmanager:9093"], keepLabels: [], outage: { for: "5m", severity: "critical" } })
    .describe("Where alerts go and how they link back."),
  stack: stackSpec.optional(),
  recordingRules: z.array(recordingRuleSpec).default([]).describe("Prometheus recording rules."),
  dashboards: z.array(dashboardSpec).default([]).describe("Grafana dashboards."),
  alerts: z.array(alertSpec).default([]).describe("Prometheus alerting rules with their unit tests."),
  slos: z.array(sloSpec).default([]).describe("Service level objectives: recording rules, multi-window burn-rate alerts and an SLO dashboard for each."),
});

export type ServiceSpec = z.infer<typeof serviceSpec>;
export type MetricSpec = z.infer<typeof metricSpec>;
export type LabelSpec = z.infer<typeof labelSpec>;
export type PanelSpec = z.infer<typeof panelSpec>;
export type DashboardSpec = z.infer<typeof dashboardSpec>;
export type AlertSpec = z.infer<typeof alertSpec>;
export type StackSpec = z.infer<typeof stackSpec>;
export type RemoteWriteSpec = z.infer<typeof remoteWriteSpec>;
export type SloSpec = z.infer<typeof sloSpec>;
export type ReceiversSpec = z.infer<typeof receiversSpec>;
