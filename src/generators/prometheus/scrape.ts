// prometheus.yml: global intervals, one scrape job per service, the rule file and Alertmanager.
import type { Model } from "../../model/types.js";
import { RULES_FILE } from "./names.js";

export function prometheusConfig(model: Model): Record<string, unknown> {
  const first = model.services[0];
  const alertmanagers = [...new Set(model.services.flatMap((s) => s.spec.alerting.alertmanagers))].sort();
  return {
    global: {
      scrape_interval: first?.spec.scrape.interval ?? "15s",
      evaluation_interval: first?.spec.scrape.evaluationInterval ?? "15s",
    },
    // Relative to this file: Prometheus resolves rule_files against the config's directory.
    // Every service has rules: at least its outage alerts and the Watchdog.
    rule_files: model.services.length > 0 ? [RULES_FILE] : [],
    alerting: { alertmanagers: [{ static_configs: [{ targets: alertmanagers }] }] },
    scrape_configs: model.services.map((s) => ({
      job_name: s.spec.scrape.job,
      scrape_interval: s.spec.scrape.interval,
      metrics_path: s.spec.scrape.metricsPath,
      static_configs: [{ targets: [...s.spec.scrape.targets] }],
    })),
  };
}
