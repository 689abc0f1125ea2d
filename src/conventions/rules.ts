// Stable diagnostic codes and the rule ids a spec may name in `suppress`.
export interface RuleInfo {
  code: string;
  /** Rule id for suppressions; absent when the finding cannot be suppressed. */
  id?: string;
  summary: string;
}

export const RULES = {
  yamlSyntax: { code: "OBS001", summary: "the file is not valid YAML" },
  schema: { code: "OBS002", summary: "the document does not match the spec schema" },
  duplicate: { code: "OBS003", summary: "a name is declared twice" },
  specText: { code: "OBS004", summary: "spec text holds a control, separator or bidirectional character, or an unpaired surrogate" },
  encoding: { code: "OBS005", summary: "a spec file is not valid UTF-8" },
  yamlAliases: { code: "OBS006", summary: "YAML aliases expand beyond the limit (a billion-laughs document)" },
  yamlTag: { code: "OBS007", summary: "a YAML tag the spec format does not know" },
  noSpecFiles: { code: "OBS008", summary: "a spec directory holds no spec files" },
  deploymentConflict: { code: "OBS009", summary: "two spec files disagree on a setting every service shares" },
  metricName: { code: "OBS010", summary: "metric name syntax" },
  labelName: { code: "OBS011", summary: "label name syntax" },
  reservedLabel: { code: "OBS012", summary: "a reserved label is declared" },
  counterSuffix: { code: "OBS013", id: "counter-total-suffix", summary: "a counter's name must end in _total" },
  totalOnNonCounter: { code: "OBS014", id: "no-total-on-non-counter", summary: "only counters end in _total" },
  unitSuffix: { code: "OBS015", id: "unit-suffix", summary: "the name's unit suffix and the declared unit disagree" },
  nonBaseUnit: { code: "OBS016", id: "non-base-unit", summary: "a unit that is not a Prometheus base unit" },
  buckets: { code: "OBS017", summary: "histogram buckets must be positive and strictly increasing" },
  labelValue: { code: "OBS018", summary: "label values must be non-empty, unique and valid" },
  fallback: { code: "OBS019", summary: "a fallback must be one of the label's values" },
  cardinalityMetric: { code: "OBS020", summary: "a metric exceeds the per-metric series budget" },
  cardinalityTotal: { code: "OBS021", summary: "the service exceeds its total series budget" },
  bucketsMisplaced: { code: "OBS022", summary: "buckets belong to histograms, and histograms need buckets" },
  seriesCollision: { code: "OBS023", summary: "two metrics expose the same series name" },
  suppression: { code: "OBS024", summary: "a suppression names an unknown or unused rule" },
  recordingCollision: { code: "OBS025", summary: "a recording rule records a series a declared metric exposes" },
  dashboardLayout: { code: "OBS030", summary: "dashboard panels: ids, keys and layout" },
  alertReference: { code: "OBS031", summary: "an alert refers to an unknown panel" },
  alertName: { code: "OBS040", summary: "an alert name is not CamelCase" },
  alertSeverity: { code: "OBS041", summary: "an alert severity is not critical, warning or info" },
  alertSummary: { code: "OBS042", summary: "an alert summary is not a capitalised sentence" },
  alertDescription: { code: "OBS043", summary: "an alert description does not show the formatted value" },
  alertFor: { code: "OBS044", summary: "an alert fires without a pending period" },
  alertCoverage: { code: "OBS045", summary: "an alert lacks a firing, a silent or a two-instance test case" },
  alertTestCase: { code: "OBS046", summary: "an alert test case is incomplete or malformed" },
  alertTestValues: { code: "OBS047", summary: "an alert test's input values are not promtool's series notation" },
  alertTemplate: { code: "OBS048", summary: "an alert annotation or label uses Go template code beyond the allowed forms" },
  promqlSyntax: { code: "OBS050", summary: "a PromQL expression does not parse" },
  promqlMetric: { code: "OBS051", summary: "a query names a metric or series the spec does not declare" },
  promqlLabel: { code: "OBS052", summary: "a query matches a label the metric does not have" },
  promqlLabelValue: { code: "OBS053", summary: "a query matches a label value outside the label's enumeration" },
  promqlCounterUse: { code: "OBS054", summary: "rate over a gauge, or a counter used raw" },
  promqlQuantile: { code: "OBS055", summary: "histogram_quantile not over sum by (le, …) (rate(…_bucket))" },
  promqlGrouping: { code: "OBS056", summary: "a grouping or legend uses a label the aggregation removed" },
  promqlBucketThreshold: { code: "OBS057", summary: "a threshold on a quantile is not a bucket boundary" },
  promqlRatio: { code: "OBS058", summary: "a ratio's two sides do not aggregate like by like" },
  promqlNonAdditive: { code: "OBS059", summary: "an aggregation adds up the views of a non-additive label" },
  stackSecret: { code: "OBS060", summary: "a secret would be written into the generated stack" },
  stackWiring: { code: "OBS061", summary: "the stack's services and the scrape or alerting targets do not match" },
  stackPorts: { code: "OBS062", summary: "two services of the stack publish the same host port" },
  stackDuplicate: { code: "OBS063", summary: "more than one spec file declares the stack" },
  slo: { code: "OBS070", summary: "an SLO's SLI does not name a declared counter or histogram bucket" },
  sloDuplicate: { code: "OBS071", summary: "two SLOs share a name" },
  alertTier: { code: "OBS072", summary: "an alert's severity tiers or traffic floor do not fit its expression" },
  alertingConfig: { code: "OBS073", summary: "the alerting section's selector, labels or receivers are unusable" },
  cost: { code: "OBS074", summary: "the cost section names no sandbox-hours counter" },
  stackAdminApi: { code: "OBS090", summary: "Prometheus' admin API would be reachable beyond loopback" },
  remoteWrite: { code: "OBS091", summary: "a remote_write endpoint Prometheus would reject or that would leak a credential" },
} as const satisfies Record<string, RuleInfo>;

export const SUPPRESSIBLE_RULE_IDS: readonly string[] = Object.values(RULES as Record<string, RuleInfo>)
  .map((r) => r.id)
  .filter((id): id is string => id !== undefined);
