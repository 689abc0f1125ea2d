// The validated, resolved model: the only input generators, lint, diff and preview ever see. No raw
// spec reaches them: a service's settings are resolved here, and what all services share is
// resolved once into the deployment (model/deployment.ts states the merge rules).
import type {
  AlertSpec,
  DashboardSpec,
  PanelSpec,
  ReceiversSpec,
  RemoteWriteSpec,
  ServiceSpec,
  StackSpec,
} from "../spec/schema.js";
import type { SpecSource } from "../spec/source.js";
import type { MetricModel, SloModel } from "../conventions/catalogue.js";

/** Resolved shapes of the spec's parts; generators name them through the model, never the schema. */
export type DashboardModel = DashboardSpec;
export type PanelModel = PanelSpec;
export type AlertModel = AlertSpec;
export type StackModel = StackSpec;
export type RemoteWriteModel = RemoteWriteSpec;
export type ReceiversModel = ReceiversSpec;
export type ScrapeModel = ServiceSpec["scrape"];
export type AlertingModel = ServiceSpec["alerting"];
export type CostModel = NonNullable<ServiceSpec["cost"]>;
export type LimitsModel = ServiceSpec["limits"];
export type RecordingRuleModel = ServiceSpec["recordingRules"][number];

export type { LabelModel, MetricModel, MetricType, SloModel } from "../conventions/catalogue.js";

export interface ServiceModel {
  name: string;
  description?: string;
  /** The spec file this service comes from: positions for checks, the header of its own files. */
  source: SpecSource;
  scrape: ScrapeModel;
  alerting: AlertingModel;
  cost?: CostModel;
  limits: LimitsModel;
  recordingRules: readonly RecordingRuleModel[];
  /**
   * Interval of this service's rule groups in Prometheus: alerting.interval, else
   * scrape.evaluationInterval. A group states it when it is not the deployment's global one.
   */
  ruleInterval: string;
  /** Whether the rule groups carry `interval:` (they do whenever it is not the global one). */
  ruleIntervalExplicit: boolean;
  /** promtool's evaluation_interval for this service's rule tests (scrape.evaluationInterval). */
  testInterval: string;
  metrics: readonly MetricModel[];
  metricsByName: ReadonlyMap<string, MetricModel>;
  dashboards: readonly DashboardModel[];
  alerts: readonly AlertModel[];
  slos: readonly SloModel[];
  totalSeries: number;
}

export interface StackDeploymentModel extends StackModel {
  /** The service whose spec declares the stack. */
  owner: string;
  retention: string;
  retentionSize?: string;
}

/** What every service shares (one Prometheus, one Alertmanager, one Grafana, one stack). */
export interface DeploymentModel {
  /** prometheus.yml's global scrape_interval: constant, every job states its own. */
  scrapeInterval: string;
  /** prometheus.yml's global evaluation_interval and the shared rule-test file's. */
  evaluationInterval: string;
  /** Union of every service's alerting.alertmanagers, sorted. */
  alertmanagers: readonly string[];
  /** Union of every service's scrape.externalLabels; two specs may not give one label two values. */
  externalLabels: Readonly<Record<string, string>>;
  /** Every service's remote_write endpoints, in service order. */
  remoteWrite: readonly RemoteWriteModel[];
  /** Alertmanager routing: declared by one spec, or the same in every spec that declares it. */
  receivers?: ReceiversModel;
  slackChannel?: string;
  /** Union of every service's alerting.keepLabels (Alertmanager groups by them), sorted. */
  keepLabels: readonly string[];
  /** Grafana's datasource timeInterval: the longest scrape interval, so $__rate_interval covers every service. */
  grafanaTimeInterval: string;
  /** The compose stack, declared by at most one spec; its Prometheus keeps that spec's retention. */
  stack?: StackDeploymentModel;
  /** The service `createMetrics()` and `Metrics` alias in the generated module (see resolvePrimary). */
  primary?: string;
}

export interface Model {
  services: readonly ServiceModel[];
  deployment: DeploymentModel;
  /** Spec files the model came from, as display paths, sorted. */
  files: readonly string[];
}
