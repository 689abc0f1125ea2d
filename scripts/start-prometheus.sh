#!/usr/bin/env bash
# Starts Debian's prometheus on this machine, without Docker, with the generated config and rules:
# it scrapes the runtime on 127.0.0.1:8000 (`npm start`) and listens on 127.0.0.1:9090.
# The generated prometheus.yml names the compose hosts (runtime:8000, alertmanager:9093); this
# script copies it to .tmp/prometheus/ with those targets rewritten for local use.
#
# Environment: PROMETHEUS_PORT (9090), RUNTIME_TARGET (127.0.0.1:8000),
# ALERTMANAGER_TARGET (127.0.0.1:9093), PROMETHEUS_DATA (.tmp/prometheus/data), and
# RETENTION (the spec's 30d). Extra arguments are passed to prometheus. Ctrl-C stops it.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
port="${PROMETHEUS_PORT:-9090}"
runtime="${RUNTIME_TARGET:-127.0.0.1:8000}"
alertmanager="${ALERTMANAGER_TARGET:-127.0.0.1:9093}"
state="$root/.tmp/prometheus"
data="${PROMETHEUS_DATA:-$state/data}"
retention="${RETENTION:-30d}"

if ! command -v prometheus >/dev/null 2>&1; then
  echo "start-prometheus: prometheus is not installed; run: bash scripts/install-tools.sh" >&2
  exit 4
fi
generated="$root/generated/prometheus"
if [ ! -f "$generated/prometheus.yml" ]; then
  echo "start-prometheus: $generated/prometheus.yml is missing; run: npm run generate" >&2
  exit 1
fi

mkdir -p "$state" "$data"
cp "$generated"/*.yml "$state/"
# Rewrite the targets structurally (the yaml package), never with sed on YAML text.
RUNTIME_TARGET="$runtime" ALERTMANAGER_TARGET="$alertmanager" CONFIG="$state/prometheus.yml" \
  node --input-type=module -e '
    import { readFileSync, writeFileSync } from "node:fs";
    import { parseDocument } from "yaml";
    const file = process.env.CONFIG;
    const doc = parseDocument(readFileSync(file, "utf8"));
    const config = doc.toJS();
    for (const job of config.scrape_configs ?? [])
      for (const sc of job.static_configs ?? []) sc.targets = [process.env.RUNTIME_TARGET];
    for (const am of config.alerting?.alertmanagers ?? [])
      for (const sc of am.static_configs ?? []) sc.targets = [process.env.ALERTMANAGER_TARGET];
    doc.contents = doc.createNode(config);
    doc.commentBefore = " Local copy written by scripts/start-prometheus.sh from generated/prometheus/prometheus.yml.";
    writeFileSync(file, doc.toString({ lineWidth: 0 }));
  ' </dev/null
cd "$root"
promtool check config "$state/prometheus.yml" >/dev/null

echo "start-prometheus: http://127.0.0.1:$port scraping $runtime (config $state/prometheus.yml, data $data)"
exec prometheus \
  --config.file="$state/prometheus.yml" \
  --storage.tsdb.path="$data" \
  --storage.tsdb.retention.time="$retention" \
  --web.listen-address="127.0.0.1:$port" \
  "$@"
