// The compose stack's fixed facts: its own service names and the ports they listen on inside
// their containers (the images' defaults). The generator and the spec checks share them.
export const COMPOSE_PATH = "docker-compose.yml";
export const STACK_SERVICES = ["prometheus", "alertmanager", "grafana"] as const;
export const CONTAINER_PORTS = { prometheus: 9090, alertmanager: 9093, grafana: 3000 } as const;
export const GRAFANA_PASSWORD_VARIABLE = "GRAFANA_ADMIN_PASSWORD";
/** Where the Slack webhook URL comes from: compose fills the secret file from this variable. */
export const SLACK_WEBHOOK_VARIABLE = "SLACK_WEBHOOK_URL";
