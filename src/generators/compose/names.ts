// The compose stack's file names and settings; its service names and ports are conventions.
import { CONTAINER_PORTS, STACK_SERVICES } from "../../conventions/stack.js";

export { CONTAINER_PORTS, STACK_SERVICES };
export const COMPOSE_PATH = "docker-compose.yml";
/** Compose secret names of Grafana's TLS files (their host paths come from the spec). */
export const GRAFANA_TLS_SECRETS = { cert: "grafana_tls_cert", key: "grafana_tls_key" } as const;
/** Probe timing of every healthcheck: a minute of grace at start, then unhealthy after 5 misses. */
export const HEALTHCHECK_TIMING = { interval: "10s", timeout: "5s", retries: 5, start_period: "60s" } as const;
/** Where the Slack webhook URL comes from: compose fills the secret file from this variable. */
export const SLACK_WEBHOOK_VARIABLE = "SLACK_WEBHOOK_URL";
