#!/usr/bin/env bash
# Starts Debian's prometheus on this machine, without Docker, with the generated config and rules:
# it scrapes the runtime on 127.0.0.1:8000 (`npm start`) and listens on 127.0.0.1:9090.
# The generated prometheus.yml names the compose hosts (runtime:8000, alertmanager:9093); this
# script copies it to .tmp/prometheus/ with those targets rewritten for local use.
#
# Secret files the config names at /run/secrets/<name> (remote_write credentials) are read from
# secrets/<name> in the repository instead. The admin API (TSDB snapshots, scripts/backup.sh) is
# on: the server listens on 127.0.0.1 only.
#
# Environment: PROMETHEUS_PORT (9090), RUNTIME_TARGET (127.0.0.1:8000),
# ALERTMANAGER_TARGET (127.0.0.1:9093), PROMETHEUS_DATA (.tmp/prometheus/data), RETENTION (the
# spec's 30d), RETENTION_SIZE (the spec's 10GB), PROMETHEUS_CONFIG_DIR (generated/prometheus),
# PROMETHEUS_STATE (.tmp/prometheus, where the local config is written) and SECRETS_DIR
# (secrets). Extra arguments are passed to prometheus. Ctrl-C stops it.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
port="${PROMETHEUS_PORT:-9090}"
runtime="${RUNTIME_TARGET:-127.0.0.1:8000}"
alertmanager="${ALERTMANAGER_TARGET:-127.0.0.1:9093}"
state="${PROMETHEUS_STATE:-$root/.tmp/prometheus}"
data="${PROMETHEUS_DATA:-$state/data}"
retention="${RETENTION:-30d}"
retention_size="${RETENTION_SIZE:-10GB}"
secrets="$(cd "$root" && realpath -m "${SECRETS_DIR:-secrets}")"

if ! command -v prometheus >/dev/null 2>&1; then
  echo "start-prometheus: prometheus is not installed; run: bash scripts/install-tools.sh" >&2
  exit 4
fi
generated="${PROMETHEUS_CONFIG_DIR:-$root/generated/prometheus}"
if [ ! -f "$generated/prometheus.yml" ]; then
  echo "start-prometheus: $generated/prometheus.yml is missing; run: npm run generate" >&2
  exit 1
fi

mkdir -p "$state" "$data"
cp "$generated"/*.yml "$state/"
# Rewrite the targets structurally (the yaml package), never with sed on YAML text.
RUNTIME_TARGET="$runtime" ALERTMANAGER_TARGET="$alertmanager" CONFIG="$state/prometheus.yml" SECRETS="$secrets" \
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
    const local = (path) => path.startsWith("/run/secrets/") ? `${process.env.SECRETS}/${path.slice("/run/secrets/".length)}` : path;
    for (const rw of config.remote_write ?? []) {
      if (rw.basic_auth?.password_file) rw.basic_auth.password_file = local(rw.basic_auth.password_file);
      if (rw.authorization?.credentials_file) rw.authorization.credentials_file = local(rw.authorization.credentials_file);
    }
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
  --storage.tsdb.retention.size="$retention_size" \
  --web.listen-address="127.0.0.1:$port" \
  --web.enable-admin-api \
  "$@"
