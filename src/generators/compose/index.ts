// docker-compose.yml: the app, Prometheus, Alertmanager and Grafana, each configured from the
// files generated next to it, so `docker compose -f generated/docker-compose.yml up` (or the root
// docker-compose.yml, which includes it) runs what the spec describes. Paths are relative to
// generated/, where the file lives. Published ports bind to stack.bindAddress (127.0.0.1 unless
// changed deliberately); secrets come from the environment at `up` time, never from this file.
import { posix } from "node:path";
import { Document, isMap } from "yaml";
import type { Model } from "../../model/types.js";
import type { StackSpec } from "../../spec/schema.js";
import { ALERTMANAGER_CONFIG_PATH, SLACK_WEBHOOK_SECRET } from "../alertmanager/index.js";
import { generatedHeader, type Artifact } from "../artifact.js";
import { lineComment } from "../../conventions/text-escape.js";
import { DASHBOARDS_MOUNT, GRAFANA_DIR } from "../grafana/names.js";
import { CONFIG_PATH as PROMETHEUS_CONFIG_PATH } from "../prometheus/names.js";
import { COMPOSE_PATH, CONTAINER_PORTS, GRAFANA_PASSWORD_VARIABLE, SLACK_WEBHOOK_VARIABLE } from "./names.js";

/** The directory a generated config file is in, as a compose path relative to generated/. */
const dirOf = (path: string) => `./${posix.dirname(path)}`;

function publish(stack: StackSpec, host: number, container: number): string[] {
  return [`${stack.bindAddress}:${host}:${container}`];
}

export function composeConfig(model: Model, stack: StackSpec, retention: string): Record<string, unknown> {
  const app = stack.app;
  const alerting = model.services.some((s) => s.alerts.length > 0);
  const services: Record<string, unknown> = {
    [app.service]: {
      build: posix.normalize(posix.join("..", app.build)),
      ...(app.image !== undefined ? { image: app.image } : {}),
      ...(Object.keys(app.environment).length > 0 ? { environment: app.environment } : {}),
      ports: publish(stack, app.port, app.port),
      restart: "unless-stopped",
    },
    prometheus: {
      image: stack.prometheus.image,
      command: [
        "--config.file=/etc/prometheus/prometheus.yml",
        "--storage.tsdb.path=/prometheus",
        `--storage.tsdb.retention.time=${retention}`,
        "--web.enable-lifecycle",
      ],
      volumes: [`${dirOf(PROMETHEUS_CONFIG_PATH)}:/etc/prometheus:ro`, "prometheus_data:/prometheus"],
      ports: publish(stack, stack.prometheus.port, CONTAINER_PORTS.prometheus),
      depends_on: alerting ? [app.service, "alertmanager"] : [app.service],
      restart: "unless-stopped",
    },
  };
  if (alerting) {
    services.alertmanager = {
      image: stack.alertmanager.image,
      command: ["--config.file=/etc/alertmanager/alertmanager.yml", "--storage.path=/alertmanager"],
      volumes: [`${dirOf(ALERTMANAGER_CONFIG_PATH)}:/etc/alertmanager:ro`, "alertmanager_data:/alertmanager"],
      secrets: [SLACK_WEBHOOK_SECRET],
      ports: publish(stack, stack.alertmanager.port, CONTAINER_PORTS.alertmanager),
      restart: "unless-stopped",
    };
  }
  services.grafana = {
    image: stack.grafana.image,
    environment: {
      GF_SECURITY_ADMIN_USER: "admin",
      GF_SECURITY_ADMIN_PASSWORD: `\${${GRAFANA_PASSWORD_VARIABLE}:?set ${GRAFANA_PASSWORD_VARIABLE} to the Grafana admin password}`,
      GF_USERS_ALLOW_SIGN_UP: "false",
      GF_AUTH_ANONYMOUS_ENABLED: "false",
    },
    volumes: [
      `./${GRAFANA_DIR}/provisioning:/etc/grafana/provisioning:ro`,
      `./${GRAFANA_DIR}/dashboards:${DASHBOARDS_MOUNT}:ro`,
      "grafana_data:/var/lib/grafana",
    ],
    ports: publish(stack, stack.grafana.port, CONTAINER_PORTS.grafana),
    depends_on: ["prometheus"],
    restart: "unless-stopped",
  };
  return {
    name: stack.name,
    services,
    volumes: { prometheus_data: {}, ...(alerting ? { alertmanager_data: {} } : {}), grafana_data: {} },
    ...(alerting ? { secrets: { [SLACK_WEBHOOK_SECRET]: { environment: SLACK_WEBHOOK_VARIABLE } } } : {}),
  };
}

/** Puts a comment above `key` in `map`, if both exist. */
function commentKey(map: unknown, key: string, comment: string): void {
  if (!isMap(map)) return;
  for (const pair of map.items) {
    const k = pair.key as { value?: unknown; commentBefore?: string | null } | null;
    if (k?.value === key) k.commentBefore = comment;
  }
}

/** Comments a reader of the file needs where the values alone do not say why. */
function annotate(doc: Document, stack: StackSpec): void {
  const services = doc.get("services", true);
  commentKey(services, stack.app.service, " The instrumented service; Prometheus scrapes it on the compose network.");
  commentKey(doc.getIn(["services", "alertmanager"], true), "secrets", ` alertmanager.yml reads the Slack webhook URL from /run/secrets/${SLACK_WEBHOOK_SECRET}:\n Alertmanager does not expand environment variables, and the URL is a secret.`);
  commentKey(doc.contents, "volumes", " Prometheus keeps its TSDB (the spec's retention) across restarts.");
}

export function generateCompose(model: Model): Artifact[] {
  const owner = model.services.find((s) => s.spec.stack !== undefined);
  const stack = owner?.spec.stack;
  if (!owner || !stack) return [];
  const doc = new Document(composeConfig(model, stack, owner.spec.scrape.retention), { aliasDuplicateObjects: false });
  annotate(doc, stack);
  const required = [`${GRAFANA_PASSWORD_VARIABLE}=…`, ...Object.values(stack.app.environment).flatMap((v) => /^\$\{([A-Z_][A-Z0-9_]*):\?/.exec(v)?.[1] ?? []).map((v) => `${v}=…`)];
  doc.commentBefore = [
    ` ${lineComment(generatedHeader(model))}`,
    "",
    " Start it from the repository root (the root docker-compose.yml includes this file):",
    `   ${required.join(" ")} docker compose up -d`,
    ...(model.services.some((s) => s.alerts.length > 0) ? [`   (${SLACK_WEBHOOK_VARIABLE}=… to notify Slack)`] : []),
    ` Published ports bind to ${stack.bindAddress}; secrets are read from the environment, never stored here.`,
  ].join("\n");
  return [{ path: COMPOSE_PATH, content: doc.toString({ lineWidth: 0 }) }];
}
