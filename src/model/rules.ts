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
  dashboardLayout: { code: "OBS030", summary: "dashboard panels: ids, keys and layout" },
  alertReference: { code: "OBS031", summary: "an alert refers to an unknown panel" },
} as const satisfies Record<string, RuleInfo>;

export const SUPPRESSIBLE_RULE_IDS: readonly string[] = Object.values(RULES as Record<string, RuleInfo>)
  .map((r) => r.id)
  .filter((id): id is string => id !== undefined);
