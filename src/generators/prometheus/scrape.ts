// prometheus.yml: global intervals, one scrape job per service, the rule file and Alertmanager.
import { containerSecretPath } from "../../conventions/secrets.js";
import type { Model } from "../../model/types.js";
import type { RemoteWriteModel } from "../../model/types.js";
import { RULES_FILE } from "./names.js";

/** Prometheus' queue_config keys for the spec's camelCase ones. */
const QUEUE_KEYS = {
  capacity: "capacity",
  minShards: "min_shards",
  maxShards: "max_shards",
  maxSamplesPerSend: "max_samples_per_send",
  batchSendDeadline: "batch_send_deadline",
  minBackoff: "min_backoff",
  maxBackoff: "max_backoff",
} as const satisfies Record<keyof NonNullable<RemoteWriteModel["queue"]>, string>;

function remoteWrite(endpoint: RemoteWriteModel): Record<string, unknown> {
  const queue = Object.entries(QUEUE_KEYS).flatMap(([key, name]) => {
    const value = endpoint.queue?.[key as keyof typeof QUEUE_KEYS];
    return value === undefined ? [] : [[name, value] as const];
  });
  return {
    url: endpoint.url,
    ...(endpoint.name !== undefined ? { name: endpoint.name } : {}),
    ...(endpoint.headers !== undefined ? { headers: endpoint.headers } : {}),
    // Credentials are files the container reads at run time, so prometheus.yml holds no secret.
    ...(endpoint.basicAuth !== undefined
      ? { basic_auth: { username: endpoint.basicAuth.username, password_file: containerSecretPath(endpoint.basicAuth.passwordSecret) } }
      : {}),
    ...(endpoint.bearerTokenSecret !== undefined
      ? { authorization: { type: "Bearer", credentials_file: containerSecretPath(endpoint.bearerTokenSecret) } }
      : {}),
    ...(queue.length > 0 ? { queue_config: Object.fromEntries(queue) } : {}),
  };
}

export function prometheusConfig(model: Model): Record<string, unknown> {
  const { alertmanagers, externalLabels } = model.deployment;
  const remote = model.deployment.remoteWrite.map(remoteWrite);
  return {
    global: {
      scrape_interval: model.deployment.scrapeInterval,
      evaluation_interval: model.deployment.evaluationInterval,
      ...(Object.keys(externalLabels).length > 0 ? { external_labels: externalLabels } : {}),
    },
    // Relative to this file: Prometheus resolves rule_files against the config's directory.
    // Every service has rules: at least its outage alerts and the Watchdog.
    rule_files: model.services.length > 0 ? [RULES_FILE] : [],
    alerting: { alertmanagers: [{ static_configs: [{ targets: [...alertmanagers] }] }] },
    ...(remote.length > 0 ? { remote_write: remote } : {}),
    scrape_configs: model.services.map((s) => ({
      job_name: s.scrape.job,
      scrape_interval: s.scrape.interval,
      metrics_path: s.scrape.metricsPath,
      static_configs: [{ targets: [...s.scrape.targets] }],
    })),
  };
}
