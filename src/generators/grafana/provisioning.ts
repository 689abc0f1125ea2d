// Grafana provisioning: the Prometheus datasource the dashboards default to, and a file provider
// that loads the generated dashboards, so a Grafana started with them needs no clicks.
import type { Model } from "../../model/types.js";
import type { Artifact } from "../artifact.js";
import { yamlArtifactText } from "../prometheus/yaml-file.js";
import {
  DASHBOARD_FOLDER,
  DASHBOARD_PROVISIONING_PATH,
  DASHBOARDS_MOUNT,
  DATASOURCE_NAME,
  DATASOURCE_PROVISIONING_PATH,
  DATASOURCE_TYPE,
  DATASOURCE_UID,
  PROMETHEUS_URL,
} from "./names.js";

export function generateGrafanaProvisioning(model: Model): Artifact[] {
  if (!model.services.some((s) => s.dashboards.length > 0)) return [];
  const scrapeInterval = model.deployment.grafanaTimeInterval;
  const datasources = {
    apiVersion: 1,
    datasources: [
      {
        name: DATASOURCE_NAME,
        uid: DATASOURCE_UID,
        type: DATASOURCE_TYPE,
        access: "proxy",
        url: PROMETHEUS_URL,
        isDefault: true,
        editable: false,
        // Grafana's $__rate_interval is max(4 × this, interval + this): it must match the scrape.
        jsonData: { timeInterval: scrapeInterval, httpMethod: "POST" },
      },
    ],
  };
  const providers = {
    apiVersion: 1,
    providers: [
      {
        name: "obsgen",
        orgId: 1,
        folder: DASHBOARD_FOLDER,
        type: "file",
        disableDeletion: true,
        allowUiUpdates: false,
        updateIntervalSeconds: 30,
        options: { path: DASHBOARDS_MOUNT, foldersFromFilesStructure: false },
      },
    ],
  };
  return [
    { path: DATASOURCE_PROVISIONING_PATH, content: yamlArtifactText(model, [datasources]) },
    { path: DASHBOARD_PROVISIONING_PATH, content: yamlArtifactText(model, [providers]) },
  ];
}
