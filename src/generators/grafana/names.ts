// Names the Grafana artifacts share: file paths, the datasource uid, template variables.
// The dashboards, the provisioning files and `obsgen lint` all read them from here.
import { CONTAINER_PORTS } from "../../conventions/stack.js";
import { ALL_VALUE, DATASOURCE_TYPE, DATASOURCE_VARIABLE } from "../../conventions/grafana.js";

export { ALL_VALUE, DATASOURCE_TYPE, DATASOURCE_VARIABLE };

/** uid of the provisioned Prometheus datasource, the datasource variable's default. */
export const DATASOURCE_UID = "prometheus";
export const DATASOURCE_NAME = "Prometheus";
/** Prometheus as Grafana reaches it on the compose network. */
export const PROMETHEUS_URL = `http://prometheus:${CONTAINER_PORTS.prometheus}`;
export const DATASOURCE_REF = { type: DATASOURCE_TYPE, uid: `\${${DATASOURCE_VARIABLE}}` } as const;
/** Query variables that filter every selector, in the order the dashboard shows them. */
export const FILTER_VARIABLES = ["job", "instance"] as const;
/** Where the provisioned dashboard provider reads dashboards inside the Grafana container. */
export const DASHBOARDS_MOUNT = "/var/lib/grafana/dashboards";
export const DASHBOARD_FOLDER = "obsgen";

export const GRAFANA_DIR = "grafana";
export function dashboardPath(uid: string): string {
  return `${GRAFANA_DIR}/dashboards/${uid}.json`;
}
export const DATASOURCE_PROVISIONING_PATH = `${GRAFANA_DIR}/provisioning/datasources/prometheus.yml`;
export const DASHBOARD_PROVISIONING_PATH = `${GRAFANA_DIR}/provisioning/dashboards/obsgen.yml`;
