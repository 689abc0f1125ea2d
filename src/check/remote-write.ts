// remote_write endpoints must be ones Prometheus accepts (`promtool check config` would fail
// the whole config) and must not carry a credential into generated/prometheus/prometheus.yml.
import type { Reporter } from "../model/reporter.js";
import { RULES } from "../conventions/rules.js";
import type { ServiceModel } from "../model/types.js";

/** Headers Prometheus sets itself and refuses in remote_write.headers (config/config.go, reservedHeaders). */
const RESERVED_HEADERS = new Set([
  "authorization",
  "host",
  "content-encoding",
  "content-length",
  "content-type",
  "user-agent",
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "www-authenticate",
  "accept-encoding",
  "x-prometheus-remote-write-version",
  "x-prometheus-remote-read-version",
  "x-amz-date",
  "x-amz-security-token",
  "x-amz-content-sha256",
]);

export function checkRemoteWrite(service: ServiceModel, report: Reporter): void {
  const seen = new Map<string, number>();
  service.scrape.remoteWrite.forEach((endpoint, i) => {
    const path = ["scrape", "remoteWrite", i] as const;
    const url = new URL(endpoint.url);
    if (url.username !== "" || url.password !== "") {
      report.error(RULES.remoteWrite, [...path, "url"], "the URL holds credentials, which would be written into generated/prometheus/prometheus.yml", {
        hint: "remove them from the URL and use basicAuth.passwordSecret or bearerTokenSecret (files in secrets/)",
      });
    }
    if (endpoint.basicAuth !== undefined && endpoint.bearerTokenSecret !== undefined) {
      report.error(RULES.remoteWrite, [...path, "bearerTokenSecret"], "basicAuth and bearerTokenSecret are both set; Prometheus accepts one authentication method per endpoint", {
        hint: "keep the one your receiver expects",
      });
    }
    for (const header of Object.keys(endpoint.headers ?? {})) {
      if (RESERVED_HEADERS.has(header.toLowerCase())) {
        report.error(RULES.remoteWrite, [...path, "headers", header], `"${header}" is a header Prometheus sets itself and refuses in remote_write`, {
          key: true,
          hint: header.toLowerCase() === "authorization" ? "use bearerTokenSecret or basicAuth instead" : "remove it",
        });
      }
    }
    const queue = endpoint.queue;
    if (queue?.minShards !== undefined && queue.maxShards !== undefined && queue.minShards > queue.maxShards) {
      report.error(RULES.remoteWrite, [...path, "queue", "minShards"], `minShards ${queue.minShards} is above maxShards ${queue.maxShards}`, { hint: "lower minShards or raise maxShards" });
    }
    if (endpoint.name !== undefined) {
      const first = seen.get(endpoint.name);
      if (first !== undefined) {
        report.error(RULES.remoteWrite, [...path, "name"], `remoteWrite[${first}] already has the name "${endpoint.name}"; Prometheus requires distinct queue names`, {
          hint: "give each endpoint its own name",
        });
      }
      seen.set(endpoint.name, i);
    }
  });
}
