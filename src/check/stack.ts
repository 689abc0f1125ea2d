// The compose stack must hang together with the rest of the spec before it is generated: Prometheus
// scrapes the app, reaches Alertmanager, ports do not clash, and no secret lands in a file.
import { CONTAINER_PORTS, STACK_SERVICES } from "../conventions/stack.js";
import type { Reporter } from "../model/reporter.js";
import { RULES } from "../conventions/rules.js";
import type { Model, ServiceModel } from "../model/types.js";

const isLoopback = (address: string) => /^127\./.test(address);

const SECRET_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|API_KEY|PRIVATE_KEY|CREDENTIALS?)$/;
/** `${VAR}`, `${VAR:-default}`, `${VAR:?message}`: compose fills it from the environment at run time. */
const INTERPOLATION = /^\$\{[A-Za-z_][A-Za-z0-9_]*(:?[-?][^}]*)?\}$/;

export function checkStack(service: ServiceModel, report: Reporter, model: Model): void {
  // A second declaration is reported while the deployment is resolved; the stack is checked where it is declared.
  const stack = model.deployment.stack;
  if (!stack || stack.owner !== service.name) return;

  for (const [name, value] of Object.entries(stack.app.environment)) {
    if (SECRET_NAME.test(name) && !INTERPOLATION.test(value)) {
      report.error(RULES.stackSecret, ["stack", "app", "environment", name], `"${name}" looks like a secret, and its value would be written into generated/docker-compose.yml`, {
        hint: `use an interpolation such as "\${${name}:?set ${name}}" so compose reads it from the environment`,
      });
    }
  }

  const app = stack.app;
  if ((STACK_SERVICES as readonly string[]).includes(app.service)) {
    report.error(RULES.stackWiring, ["stack", "app", "service"], `"${app.service}" is the name of one of the stack's own services`, {
      hint: `choose another name than ${STACK_SERVICES.join(", ")}`,
    });
  }
  const target = `${app.service}:${app.port}`;
  const targets = model.services.flatMap((s) => s.scrape.targets);
  if (!targets.includes(target)) {
    report.error(RULES.stackWiring, ["stack", "app", "service"], `Prometheus in the stack would not scrape "${app.service}": no scrape target is "${target}"`, {
      hint: `add "${target}" to scrape.targets (it has ${service.scrape.targets.map((t) => `"${t}"`).join(", ")})`,
    });
  }
  const alertmanager = `alertmanager:${CONTAINER_PORTS.alertmanager}`;
  if (service.alerts.length > 0 && !service.alerting.alertmanagers.includes(alertmanager)) {
    report.error(RULES.stackWiring, ["alerting", "alertmanagers"], `Prometheus in the stack would not reach its Alertmanager: no alerting target is "${alertmanager}"`, {
      hint: `add "${alertmanager}" to alerting.alertmanagers`,
    });
  }

  if (stack.prometheus.adminApi && !isLoopback(stack.bindAddress)) {
    report.error(RULES.stackAdminApi, ["stack", "prometheus", "adminApi"], `the admin API (delete series, snapshots) would be published on ${stack.bindAddress}:${stack.prometheus.port}`, {
      hint: "keep bindAddress on 127.0.0.1 or set stack.prometheus.adminApi: false (backups then need another route)",
    });
  }

  const published: [string, number][] = [
    ["app", app.port],
    ["prometheus", stack.prometheus.port],
    ["alertmanager", stack.alertmanager.port],
    ["grafana", stack.grafana.port],
  ];
  const seen = new Map<number, string>();
  for (const [name, port] of published) {
    const other = seen.get(port);
    if (other !== undefined) {
      report.error(RULES.stackPorts, ["stack", name, "port"], `host port ${port} is published by both ${other} and ${name}`, {
        hint: "give each service its own host port",
      });
    }
    seen.set(port, name);
  }
}
