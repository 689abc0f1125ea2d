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

export const panelKinds = ["gauge", "stat", "timeseries", "heatmap", "piechart", "barchart", "bargauge"] as const;

export const panelLinkSpec = z.strictObject({
  title: z.string().min(1),
  url: z
    .string()
    .regex(/^(https?:\/\/[^\s]+|\/[^\s/][^\s]*)$/, "an http(s) URL, or a path such as /d/<uid> inside Grafana")
    .describe("An http(s) URL, or a path such as /d/<uid> inside Grafana."),
});

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
  timeFrom: z.string().regex(/^now(-[0-9]+[smhdwMy])?(\/[smhdwMy])?$/, "a relative time such as now/d (today so far) or now-24h").optional().describe("This panel's own time range, e.g. now/d for today so far, now/M for the month to date."),
  legend: z.enum(["list", "table"]).optional().describe("table: a legend table with last, mean and max, for panels where several series compete."),
  links: z.array(panelLinkSpec).optional().describe("Links in the panel's header: its runbook, its alert."),
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
  links: z.array(panelLinkSpec).optional().describe("Links in the dashboard's header; the service's generated triage and SLO dashboards are linked without them."),
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
  minRate: z
    .number()
    .positive()
    .optional()
    .describe("Traffic floor of a ratio alert, per second: the alert holds only while the ratio's denominator exceeds it, so a handful of operations never pages."),
  tiers: z
    .array(
      z.strictObject({
        severity: z.string(),
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
});

const secretFile = z.string().startsWith("/", "an absolute path to a file the deployment mounts");

const webhookSpec = z.strictObject({
  url: z.url().describe("Where Alertmanager posts; it must hold no credentials (no user, password or query string)."),
  bearerTokenFile: secretFile.optional().describe("File holding the bearer token sent with every post (a secret)."),
});

export const receiversSpec = z
  .strictObject({
    slack: z
      .strictObject({
        channel: z.string().min(1),
        apiUrlFile: secretFile.default("/run/secrets/slack_webhook_url").describe("File holding the Slack webhook URL (a secret)."),
      })
      .optional(),
    pagerduty: z
      .strictObject({
        routingKeyFile: secretFile.describe("File holding the PagerDuty Events v2 routing key (a secret)."),
      })
      .optional()
      .describe("The pager: critical alerts go here when it is declared."),
    email: z
      .strictObject({
        to: z.email(),
        from: z.email(),
        smarthost: z.string().regex(/^[^\s/]+:[0-9]+$/, "host:port"),
        authUsername: z.string().min(1).optional(),
        authPasswordFile: secretFile.optional(),
      })
      .optional(),
    webhook: webhookSpec.optional(),
    heartbeat: webhookSpec
      .optional()
      .describe("The dead man's switch: the Watchdog alert is sent here every minute; silence there means the alerting pipeline is down."),
  })
  .describe("Where Alertmanager sends notifications; every secret is read from a file, never written into the config.");

export const sloSpec = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, "a kebab-case SLO name"),
  description: z.string().min(1),
  objective: z.number().gt(0, "a percentage above 0").lt(100, "a percentage below 100").describe("Target share of good events, in percent, e.g. 99 or 99.9."),
  window: duration.default("30d").describe("The SLO's compliance window; burn-rate factors scale with it."),
  minRate: z.number().positive().optional().describe("Traffic floor of the page, in events per second of the SLI's total."),
  sli: z.union([
    z.strictObject({
      events: z.strictObject({
        good: z.string().min(1).describe("Selector of the counter of good events, e.g. git_operation_total{status=\"success\"}."),
        total: z.string().min(1).describe("Selector of the counter of all valid events."),
      }),
    }),
    z.strictObject({
      latency: z.strictObject({
        histogram: z.string().min(1).describe("A declared histogram, by name."),
        threshold: z.number().positive().describe("Requests at or under this many units are good; must be one of the histogram's buckets."),
        matchers: z.string().optional().describe("Label matchers narrowing the histogram, e.g. operation=\"push\"."),
      }),
    }),
  ]),
  causes: z.array(z.string().min(1)).optional(),
  firstSteps: z.array(z.string().min(1)).optional(),
});

export const recordingRuleSpec = z.strictObject({
  record: z.string().min(1),
  expr: z.string().min(1),
  labels: z.record(z.string(), z.string()).optional(),
});

const hostPort = z.number().int().min(1).max(65535);
const image = z.string().regex(/^[a-z0-9][a-z0-9._/-]*(:[A-Za-z0-9._-]+)?(@sha256:[a-f0-9]{64})?$/, "an image reference, e.g. prom/prometheus:v2.53.0");

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
      })
      .describe("The instrumented service (here: the git runtime)."),
    prometheus: z
      .strictObject({ image: image.default("prom/prometheus:v2.53.0"), port: hostPort.default(9090) })
      .default({ image: "prom/prometheus:v2.53.0", port: 9090 }),
    alertmanager: z
      .strictObject({ image: image.default("prom/alertmanager:v0.27.0"), port: hostPort.default(9093) })
      .default({ image: "prom/alertmanager:v0.27.0", port: 9093 }),
    grafana: z
      .strictObject({ image: image.default("grafana/grafana:12.0.2"), port: hostPort.default(3000) })
      .default({ image: "grafana/grafana:12.0.2", port: 3000 }),
  })
  .describe("The docker compose stack generated into generated/docker-compose.yml.");

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
      hoursMetric: z.string().min(1).optional().describe("The counter of consumed sandbox-hours (by project) that spend is computed from."),
      alertFraction: z
        .number()
        .gt(0)
        .lte(1)
        .default(0.75)
        .describe("HighMonthlyCost fires when the projected monthly spend exceeds this fraction of monthlyBudget."),
    })
    .optional(),
  scrape: z.strictObject({
    job: z.string().min(1),
    interval: duration.default("15s"),
    evaluationInterval: duration.default("15s"),
    retention: duration.default("15d"),
    metricsPath: z.string().startsWith("/").default("/metrics"),
    targets: z.array(z.string().regex(/^[^\s/]+:[0-9]+$/, "host:port")).min(1),
  }),
  metrics: z.record(z.string(), metricSpec),
  alerting: z
    .strictObject({
      grafanaUrl: z.string().url().optional().describe("Base URL of Grafana for alert dashboard links; relative links when absent."),
      alertmanagers: z.array(z.string().regex(/^[^\s/]+:[0-9]+$/, "host:port")).min(1).default(["alertmanager:9093"]),
      slackChannel: z.string().min(1).optional().describe("Slack channel critical and warning alerts go to; the webhook URL is a secret file."),
      interval: duration.optional().describe("Evaluation interval of the service's rule groups; Prometheus' global one when absent."),
      keepLabels: z
        .array(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, "a label name"))
        .default([])
        .describe("Deployment labels (cluster, namespace, …) every alert aggregation keeps besides job."),
      selector: z.string().min(1).optional().describe("Label matchers added to every selector of every alert, e.g. cluster=\"prod\"."),
      runbookBaseUrl: z.string().url().optional().describe("Base URL runbook links start with; the runbook's path in the repository when absent."),
      outage: z
        .strictObject({
          for: duration.default("5m").describe("How long a target must be down (or absent) before it pages."),
          severity: z.string().default("critical"),
        })
        .default({ for: "5m", severity: "critical" })
        .describe("The generated TargetDown and TargetAbsent alerts."),
      receivers: receiversSpec.optional(),
    })
    .default({ alertmanagers: ["alertmanager:9093"], keepLabels: [], outage: { for: "5m", severity: "critical" } }),
  stack: stackSpec.optional(),
  recordingRules: z.array(recordingRuleSpec).default([]),
  dashboards: z.array(dashboardSpec).default([]),
  alerts: z.array(alertSpec).default([]),
  slos: z.array(sloSpec).default([]),
});

export type ServiceSpec = z.infer<typeof serviceSpec>;
export type MetricSpec = z.infer<typeof metricSpec>;
export type LabelSpec = z.infer<typeof labelSpec>;
export type PanelSpec = z.infer<typeof panelSpec>;
export type DashboardSpec = z.infer<typeof dashboardSpec>;
export type AlertSpec = z.infer<typeof alertSpec>;
export type StackSpec = z.infer<typeof stackSpec>;
export type SloSpec = z.infer<typeof sloSpec>;
export type ReceiversSpec = z.infer<typeof receiversSpec>;
