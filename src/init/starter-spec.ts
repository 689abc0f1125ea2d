// The starter spec `obsgen init` writes: a counter, a histogram and a gauge of an HTTP service, one
// dashboard, and one alert with its promtool tests. It is a YAML document built as a structure
// (never concatenated text), with comments attached to its nodes, so the service name a user
// passes can never change its shape. It generates, checks and validates clean.
import { Document, isMap, isPair, isScalar, isSeq, type Node, type YAMLMap } from "yaml";

export interface StarterOptions {
  service: string;
  /** The JSON Schema as a path from the spec directory, for the editor comment. */
  schemaPath: string;
}

function series(metric: string, labels: Record<string, string>): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return `${metric}{${parts.join(",")}}`;
}

function starterData(service: string): Record<string, unknown> {
  const requests = "http_requests_total";
  const input = (instance: string, code: string, perMinute: number): { series: string; values: string } => ({
    series: series(requests, { job: service, instance, method: "GET", code }),
    values: `0+${perMinute}x20`,
  });
  return {
    version: 1,
    service,
    description: `The ${service} service.`,
    scrape: { job: service, interval: "15s", targets: ["localhost:8080"] },
    metrics: {
      [requests]: {
        type: "counter",
        help: "HTTP requests served, by method and status code.",
        labels: { method: ["GET", "POST"], code: [200, 404, 500, 503] },
      },
      http_request_duration_seconds: {
        type: "histogram",
        unit: "seconds",
        help: "Time to serve an HTTP request, by method.",
        labels: { method: ["GET", "POST"] },
        buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      },
      http_requests_in_flight: {
        type: "gauge",
        help: "HTTP requests being served now.",
      },
    },
    dashboards: [{
      uid: service.slice(0, 40),
      title: `${service} overview`,
      description: `Traffic, errors and latency of ${service}.`,
      refresh: "30s",
      rows: [{
        title: "Traffic",
        panels: [
          {
            id: 1, key: "request-rate", title: "Requests by Status Code", kind: "timeseries", width: 8,
            description: "Requests per second, summed over all instances, by status code.", unit: "reqps",
            queries: [{ expr: `sum by (code) (rate(${requests}[$__rate_interval]))`, legend: "{{code}}" }],
          },
          {
            id: 2, key: "p95-latency", title: "P95 Latency", kind: "timeseries", width: 8,
            description: "95th percentile time to serve a request, across all instances.", unit: "s",
            queries: [{ expr: "histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket[$__rate_interval])))", legend: "p95" }],
          },
          {
            id: 3, key: "in-flight", title: "Requests in Flight", kind: "stat", width: 8,
            description: "Requests being served now, summed over all instances.", unit: "short",
            queries: [{ expr: "sum(http_requests_in_flight)", legend: "in flight" }],
          },
        ],
      }],
    }],
    alerts: [{
      name: "HighErrorRate",
      expr: `sum(rate(${requests}{code=~"5.."}[5m]))\n  / sum(rate(${requests}[5m])) > 0.05`,
      for: "5m",
      severity: "critical",
      summary: "More than 5 % of HTTP requests fail.",
      description: "{{ $value | humanizePercentage }} of requests failed with a 5xx status over 5 minutes, across all instances (threshold: 5%).",
      panel: "request-rate",
      tests: [
        {
          name: "one in ten requests fails on both instances",
          input: [input("a:8080", "200", 90), input("a:8080", "500", 10), input("b:8080", "200", 90), input("b:8080", "503", 10)],
          evalAt: "15m",
          firing: [{ annotations: { description: "10% of requests failed with a 5xx status over 5 minutes, across all instances (threshold: 5%)." } }],
        },
        {
          name: "two percent failures stay under the threshold",
          input: [input("a:8080", "200", 98), input("a:8080", "500", 2)],
          evalAt: "15m",
          firing: [],
        },
        {
          name: "a failing instance beside a healthy busy one stays under the threshold",
          input: [input("a:8080", "200", 90), input("a:8080", "500", 10), input("b:8080", "200", 400)],
          evalAt: "15m",
          firing: [],
        },
      ],
    }],
  };
}

/** Comments on the starter's keys, by path: they explain the spec to its new owner. */
const COMMENTS: readonly [path: readonly (string | number)[], comment: string][] = [
  [["scrape"], " How Prometheus scrapes the service: host:port of each instance."],
  [["metrics"], " Every label value is listed, so the series count is known before anything runs.\n Counters end in _total; a unit (seconds, bytes) is the name's suffix."],
  [["metrics", "http_requests_total"], " A counter only grows; graph it with rate() or increase()."],
  [["metrics", "http_request_duration_seconds"], " A histogram counts observations in buckets (upper bounds, in seconds)."],
  [["metrics", "http_requests_in_flight"], " A gauge goes up and down."],
  [["dashboards"], " Grafana dashboards; every query is checked against the metrics above."],
  [["alerts"], " Alerts, each with promtool unit tests: a firing case, a silent case and a case with two instances."],
];

function commentOn(doc: Document, path: readonly (string | number)[], comment: string): void {
  const parent = path.length > 1 ? doc.getIn(path.slice(0, -1), true) : doc.contents;
  const key = path[path.length - 1];
  if (!isMap(parent)) return;
  const pair = (parent as YAMLMap).items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === key);
  if (pair && isScalar(pair.key)) pair.key.commentBefore = comment;
}

/** Short lists (label values, buckets, targets) read best on one line. */
function flowShortLists(node: Node | null | undefined): void {
  if (isSeq(node)) {
    if (node.items.every((i) => isScalar(i))) node.flow = true;
    else node.items.forEach((i) => flowShortLists(i as Node));
  } else if (isMap(node)) {
    for (const p of node.items) flowShortLists(p.value as Node);
  }
}

export function starterSpec(opts: StarterOptions): string {
  const doc = new Document(starterData(opts.service));
  flowShortLists(doc.contents);
  for (const [path, comment] of COMMENTS) commentOn(doc, path, comment);
  doc.commentBefore = [
    ` yaml-language-server: $schema=${opts.schemaPath}`,
    "",
    ` The metrics spec of ${opts.service}: obsgen generates from it the typed prom-client module,`,
    " the Grafana dashboard, the Prometheus rules and their unit tests, and the scrape config.",
    " After editing it: npx obsgen generate (and commit generated/); in CI: npx obsgen check.",
  ].join("\n");
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}
