// The compose stack's fixed facts: its own service names and the ports they listen on inside
// their containers (the images' defaults). The generator and the spec checks share them.
export const COMPOSE_PATH = "docker-compose.yml";
export const STACK_SERVICES = ["prometheus", "alertmanager", "grafana"] as const;
export const CONTAINER_PORTS = { prometheus: 9090, alertmanager: 9093, grafana: 3000 } as const;
/** Compose secret names of Grafana's TLS files (their host paths come from the spec). */
export const GRAFANA_TLS_SECRETS = { cert: "grafana_tls_cert", key: "grafana_tls_key" } as const;
/** Probe timing of every healthcheck: a minute of grace at start, then unhealthy after 5 misses. */
export const HEALTHCHECK_TIMING = { interval: "10s", timeout: "5s", retries: 5, start_period: "60s" } as const;
/** Where the Slack webhook URL comes from: compose fills the secret file from this variable. */
export const SLACK_WEBHOOK_VARIABLE = "SLACK_WEBHOOK_URL";
