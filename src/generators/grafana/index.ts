// The Grafana generator: dashboards and their provisioning.
import type { Model } from "../../model/types.js";
import type { Artifact } from "../artifact.js";
import { generateGrafanaDashboards } from "./dashboard.js";
import { generateGrafanaProvisioning } from "./provisioning.js";

export function generateGrafana(model: Model): Artifact[] {
  return [...generateGrafanaDashboards(model), ...generateGrafanaProvisioning(model)];
}
