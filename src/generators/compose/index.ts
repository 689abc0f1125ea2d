// docker-compose.yml: the app, Prometheus, Alertmanager and Grafana, each configured from the
// files generated next to it, so `docker compose -f generated/docker-compose.yml up` (or the root
// docker-compose.yml, which includes it) runs what the spec describes. Paths are relative to
// generated/, where the file lives. Published ports bind to stack.bindAddress (127.0.0.1 unless
// changed deliberately); secrets come from the environment at `up` time, never from this file.
import { posix } from "node:path";
import { Document, isMap } from "yaml";
import type { Model, StackDeploymentModel, StackModel } from "../../model/types.js";
import { CONTAINER_SECRETS_DIR, containerSecretPath, SECRETS_DIR } from "../../conventions/secrets.js";
import { ALERTMANAGER_CONFIG_PATH, hasAlertmanager, receiverSecretFiles } from "../alertmanager/index.js";
import { generatedHeader, type Artifact } from "../artifact.js";
import { lineComment } from "../../conventions/text-escape.js";
import { DASHBOARDS_MOUNT, GRAFANA_DIR } from "../grafana/names.js";
import { CONFIG_PATH as PROMETHEUS_CONFIG_PATH } from "../prometheus/names.js";
import { COMPOSE_PATH, CONTAINER_PORTS, GRAFANA_TLS_SECRETS, HEALTHCHECK_TIMING, SLACK_WEBHOOK_VARIABLE } from "./names.js";


/** The directory a generated config file is in, as a compose path relative to generated/. */
const dirOf = (path: string) => `./${posix.dirname(path)}`;
/** A repository path as a compose path: compose resolves paths against generated/. */
const fromRepo = (path: string) => posix.normalize(posix.join("..", path));

function publish(stack: StackModel, host: number, container: number): string[] {
  return [`${stack.bindAddress}:${host}:${container}`];
}

/** Compose starts a dependant once its dependency reports healthy (or has started, without a check). */
function dependsOn(entries: readonly [service: string, healthy: boolean][]): Record<string, { condition: string }> {
  return Object.fromEntries(entries.map(([service, healthy]) => [service, { condition: healthy ? "service_healthy" : "service_started" }]));
}

function healthcheck(test: readonly string[]): Record<string, unknown> {
  return { test: ["CMD", ...test], ...HEALTHCHECK_TIMING };
}

/** Probes of the images' own tools: busybox wget in prom/*, curl in grafana/grafana. */
function httpProbe(tool: "wget" | "curl", url: string, insecure = false): string[] {
  return tool === "wget" ? ["wget", "-q", "-O", "/dev/null", url] : ["curl", "-fsS", ...(insecure ? ["-k"] : []), "-o", "/dev/null", url];
}

/** Every secret file a service reads: compose secret name → repository path. */
function secretFiles(model: Model, stack: StackModel): Map<string, string> {
  const files = new Map<string, string>();
  files.set(stack.grafana.adminPasswordSecret, posix.join(SECRETS_DIR, stack.grafana.adminPasswordSecret));
  if (stack.grafana.tls !== undefined) {
    files.set(GRAFANA_TLS_SECRETS.cert, stack.grafana.tls.certFile);
    files.set(GRAFANA_TLS_SECRETS.key, stack.grafana.tls.keyFile);
  }
  for (const name of remoteWriteSecrets(model)) files.set(name, posix.join(SECRETS_DIR, name));
  for (const s of alertmanagerSecrets(model)) if (!s.slackWebhook) files.set(s.name, posix.join(SECRETS_DIR, s.name));
  return files;
}

/** A receiver secret file of alertmanager.yml as a compose secret: its name, and where the container reads it. */
interface AlertmanagerSecret {
  name: string;
  target: string;
  slackWebhook: boolean;
}

/**
 * Compose mounts a secret at /run/secrets/<name> unless told a target, so a file there keeps its
 * own name; any other path gets a name made of its path and an explicit target.
 */
function alertmanagerSecrets(model: Model): AlertmanagerSecret[] {
  return receiverSecretFiles(model).map((f) => {
    const inSecretsDir = posix.dirname(f.path) === CONTAINER_SECRETS_DIR && /^[A-Za-z0-9._-]+$/.test(posix.basename(f.path));
    const name = inSecretsDir ? posix.basename(f.path) : f.path.replace(/^\/+/, "").replace(/[^A-Za-z0-9._-]+/g, "_");
    return { name, target: f.path, slackWebhook: f.slackWebhook };
  });
}

/** A service's reference to a secret: the short form where compose's default target is the path. */
function secretMount(s: AlertmanagerSecret): string | { source: string; target: string } {
  return s.target === containerSecretPath(s.name) ? s.name : { source: s.name, target: s.target };
}

function remoteWriteSecrets(model: Model): string[] {
  const names = model.deployment.remoteWrite.flatMap((r) => [r.basicAuth?.passwordSecret, r.bearerTokenSecret].flatMap((n) => (n === undefined ? [] : [n])));
  return [...new Set(names)].sort();
}

function grafanaEnvironment(stack: StackModel): Record<string, string> {
  const tls = stack.grafana.tls;
  return {
    GF_SECURITY_ADMIN_USER: "admin",
    // Grafana reads the password from the file (the __FILE suffix), so it never sits in the
    // environment or this file; compose refuses to start when secrets/<name> is missing.
    GF_SECURITY_ADMIN_PASSWORD__FILE: containerSecretPath(stack.grafana.adminPasswordSecret),
    GF_USERS_ALLOW_SIGN_UP: "false",
    GF_AUTH_ANONYMOUS_ENABLED: "false",
    ...(tls !== undefined
      ? {
          GF_SERVER_PROTOCOL: "https",
          GF_SERVER_CERT_FILE: containerSecretPath(GRAFANA_TLS_SECRETS.cert),
          GF_SERVER_CERT_KEY: containerSecretPath(GRAFANA_TLS_SECRETS.key),
          GF_SECURITY_COOKIE_SECURE: "true",
        }
      : {}),
  };
}

export function composeConfig(model: Model, stack: StackDeploymentModel): Record<string, unknown> {
  const app = stack.app;
  const alerting = hasAlertmanager(model);
  const amSecrets = alertmanagerSecrets(model);
  const slackSecret = amSecrets.find((s) => s.slackWebhook);
  const appHealthy = app.healthcheck !== undefined;
  const remoteSecrets = remoteWriteSecrets(model);
  const services: Record<string, unknown> = {
    [app.service]: {
      build: fromRepo(app.build),
      ...(app.image !== undefined ? { image: app.image } : {}),
      ...(Object.keys(app.environment).length > 0 ? { environment: app.environment } : {}),
      ports: publish(stack, app.port, app.port),
      ...(app.healthcheck !== undefined ? { healthcheck: healthcheck(app.healthcheck) } : {}),
      restart: "unless-stopped",
    },
    prometheus: {
      image: stack.prometheus.image,
      command: [
        "--config.file=/etc/prometheus/prometheus.yml",
        "--storage.tsdb.path=/prometheus",
        `--storage.tsdb.retention.time=${stack.retention}`,
        ...(stack.retentionSize !== undefined ? [`--storage.tsdb.retention.size=${stack.retentionSize}`] : []),
        "--web.enable-lifecycle",
        ...(stack.prometheus.adminApi ? ["--web.enable-admin-api"] : []),
      ],
      volumes: [`${dirOf(PROMETHEUS_CONFIG_PATH)}:/etc/prometheus:ro`, "prometheus_data:/prometheus"],
      ...(remoteSecrets.length > 0 ? { secrets: remoteSecrets } : {}),
      ports: publish(stack, stack.prometheus.port, CONTAINER_PORTS.prometheus),
      healthcheck: healthcheck(httpProbe("wget", `http://localhost:${CONTAINER_PORTS.prometheus}/-/healthy`)),
      depends_on: dependsOn([[app.service, appHealthy], ...(alerting ? [["alertmanager", true] as [string, boolean]] : [])]),
      restart: "unless-stopped",
    },
  };
  if (alerting) {
    services.alertmanager = {
      image: stack.alertmanager.image,
      command: ["--config.file=/etc/alertmanager/alertmanager.yml", "--storage.path=/alertmanager"],
      volumes: [`${dirOf(ALERTMANAGER_CONFIG_PATH)}:/etc/alertmanager:ro`, "alertmanager_data:/alertmanager"],
      ...(amSecrets.length > 0 ? { secrets: amSecrets.map(secretMount) } : {}),
      ports: publish(stack, stack.alertmanager.port, CONTAINER_PORTS.alertmanager),
      healthcheck: healthcheck(httpProbe("wget", `http://localhost:${CONTAINER_PORTS.alertmanager}/-/healthy`)),
      restart: "unless-stopped",
    };
  }
  const tls = stack.grafana.tls;
  services.grafana = {
    image: stack.grafana.image,
    environment: grafanaEnvironment(stack),
    volumes: [
      `./${GRAFANA_DIR}/provisioning:/etc/grafana/provisioning:ro`,
      `./${GRAFANA_DIR}/dashboards:${DASHBOARDS_MOUNT}:ro`,
      "grafana_data:/var/lib/grafana",
    ],
    secrets: [stack.grafana.adminPasswordSecret, ...(tls !== undefined ? [GRAFANA_TLS_SECRETS.cert, GRAFANA_TLS_SECRETS.key] : [])],
    ports: publish(stack, stack.grafana.port, CONTAINER_PORTS.grafana),
    // -k with TLS: the probe runs inside the container against localhost, which the certificate
    // (issued for the public name) does not cover; it checks liveness, not identity.
    healthcheck: healthcheck(httpProbe("curl", `${tls !== undefined ? "https" : "http"}://localhost:${CONTAINER_PORTS.grafana}/api/health`, tls !== undefined)),
    depends_on: dependsOn([["prometheus", true]]),
    restart: "unless-stopped",
  };
  const files = [...secretFiles(model, stack)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    name: stack.name,
    services,
    volumes: { prometheus_data: {}, ...(alerting ? { alertmanager_data: {} } : {}), grafana_data: {} },
    secrets: {
      ...(slackSecret !== undefined ? { [slackSecret.name]: { environment: SLACK_WEBHOOK_VARIABLE } } : {}),
      ...Object.fromEntries(files.map(([name, path]) => [name, { file: fromRepo(path) }])),
    },
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
function annotate(doc: Document, stack: StackModel): void {
  const services = doc.get("services", true);
  commentKey(services, stack.app.service, " The instrumented service; Prometheus scrapes it on the compose network.");
  commentKey(doc.getIn(["services", "alertmanager"], true), "secrets", " alertmanager.yml reads each receiver secret (webhook URL, routing key, password, token) from a file:\n Alertmanager does not expand environment variables, and these values are secrets.");
  if (stack.prometheus.adminApi) commentKey(doc.getIn(["services", "prometheus"], true), "command", " --web.enable-admin-api serves TSDB snapshots for scripts/backup.sh; the port is published on loopback only.");
  commentKey(doc.contents, "volumes", " Prometheus keeps its TSDB (the spec's retention) and Grafana its database (users, API keys) across\n restarts; scripts/backup.sh backs both up.");
}

export function generateCompose(model: Model): Artifact[] {
  const stack = model.deployment.stack;
  if (!stack) return [];
  const doc = new Document(composeConfig(model, stack), { aliasDuplicateObjects: false });
  annotate(doc, stack);
  const required = Object.values(stack.app.environment).flatMap((v) => /^\$\{([A-Z_][A-Z0-9_]*):\?/.exec(v)?.[1] ?? []).map((v) => `${v}=…`);
  const files = [...secretFiles(model, stack).values()].sort();
  doc.commentBefore = [
    ` ${lineComment(generatedHeader(model))}`,
    "",
    " Start it from the repository root (the root docker-compose.yml includes this file), once these",
    ` files exist (git-ignored; see docs/OPERATIONS.md): ${files.join(", ")}`,
    `   ${[...required, "docker compose up -d"].join(" ")}`,
    ...(alertmanagerSecrets(model).some((s) => s.slackWebhook) ? [`   (${SLACK_WEBHOOK_VARIABLE}=… to notify Slack)`] : []),
    ` Published ports bind to ${stack.bindAddress}; secrets are read from files and the environment, never stored here.`,
  ].join("\n");
  return [{ path: COMPOSE_PATH, content: doc.toString({ lineWidth: 0 }) }];
}
