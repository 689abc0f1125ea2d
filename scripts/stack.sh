#!/usr/bin/env bash
# `npm run stack`: the stack without Docker, on 127.0.0.1 only — the git runtime, Debian's
# Prometheus (scripts/start-prometheus.sh: the generated config and rules, targets rewritten to
# loopback, admin API for scripts/backup.sh) and Debian's Alertmanager (the generated config,
# clustering off). Ctrl-C or SIGTERM stops all three; if one of them dies, the others are stopped.
#
# Environment: RUNTIME_PORT (8000), PROMETHEUS_PORT (9090), ALERTMANAGER_PORT (9093), STACK_STATE
# (.tmp/stack: Alertmanager's config copy and data; Prometheus keeps .tmp/prometheus), SECRETS_DIR
# (secrets: the files the configs read at /run/secrets/<name>, e.g. slack_webhook_url). The
# runtime reads its own variables (RUNTIME_TOKEN, E2B_API_KEY, …); PROMETHEUS_CONFIG_DIR,
# PROMETHEUS_DATA and RETENTION pass through to scripts/start-prometheus.sh.
# Exit codes: 0 stopped by a signal, 1 a service failed, 4 a tool is missing.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runtime_port="${RUNTIME_PORT:-8000}"
prometheus_port="${PROMETHEUS_PORT:-9090}"
alertmanager_port="${ALERTMANAGER_PORT:-9093}"
state="${STACK_STATE:-$root/.tmp/stack}"
secrets="$(cd "$root" && realpath -m "${SECRETS_DIR:-secrets}")"

for tool in node prometheus prometheus-alertmanager curl; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "stack: $tool is not installed; run: bash scripts/install-tools.sh" >&2
    exit 4
  fi
done
if [ ! -f "$root/generated/alertmanager/alertmanager.yml" ]; then
  echo "stack: generated/ is missing; run: npm run generate" >&2
  exit 1
fi

mkdir -p "$state/alertmanager/data"
# The generated config names secrets where the containers see them; read them from secrets/ here.
SECRETS="$secrets" SOURCE="$root/generated/alertmanager/alertmanager.yml" TARGET="$state/alertmanager/alertmanager.yml" \
  node --input-type=module -e '
    import { readFileSync, writeFileSync } from "node:fs";
    import { parseDocument, visit, isScalar } from "yaml";
    const doc = parseDocument(readFileSync(process.env.SOURCE, "utf8"));
    visit(doc, { Scalar(_, node) {
      if (typeof node.value === "string" && node.value.startsWith("/run/secrets/"))
        node.value = `${process.env.SECRETS}/${node.value.slice("/run/secrets/".length)}`;
    } });
    doc.commentBefore = " Local copy written by scripts/stack.sh from generated/alertmanager/alertmanager.yml.";
    writeFileSync(process.env.TARGET, doc.toString({ lineWidth: 0 }));
  ' </dev/null

# Grafana is not started here (no Debian package); its provisioning, pointed at this stack, is
# written for whoever runs Grafana by hand (printed below).
mkdir -p "$state/grafana/provisioning/datasources" "$state/grafana/provisioning/dashboards"
PROMETHEUS_URL="http://127.0.0.1:$prometheus_port" DASHBOARDS="$root/generated/grafana/dashboards" \
  SOURCE="$root/generated/grafana/provisioning" TARGET="$state/grafana/provisioning" \
  node --input-type=module -e '
    import { readdirSync, readFileSync, writeFileSync } from "node:fs";
    import { parseDocument } from "yaml";
    for (const kind of ["datasources", "dashboards"]) {
      for (const file of readdirSync(`${process.env.SOURCE}/${kind}`)) {
        const doc = parseDocument(readFileSync(`${process.env.SOURCE}/${kind}/${file}`, "utf8"));
        for (const ds of doc.get("datasources")?.items ?? []) if (ds.get("type") === "prometheus") ds.set("url", process.env.PROMETHEUS_URL);
        for (const p of doc.get("providers")?.items ?? []) p.setIn(["options", "path"], process.env.DASHBOARDS);
        doc.commentBefore = ` Local copy written by scripts/stack.sh from generated/grafana/provisioning/${kind}/${file}.`;
        writeFileSync(`${process.env.TARGET}/${kind}/${file}`, doc.toString({ lineWidth: 0 }));
      }
    }
  ' </dev/null

pids=()
names=()
stopping=0

stop_all() {
  stopping=1
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}

on_signal() {
  echo "stack: $1, stopping the runtime, Prometheus and Alertmanager" >&2
  stop_all
  echo "stack: stopped" >&2
  exit 0
}
trap 'on_signal SIGINT' INT
trap 'on_signal SIGTERM' TERM

start() {
  local name="$1"
  shift
  "$@" &
  pids+=("$!")
  names+=("$name")
}

wait_ready() {
  local name="$1" url="$2"
  for _ in $(seq 1 240); do
    if curl -fs -o /dev/null --max-time 2 "$url"; then return 0; fi
    for i in "${!pids[@]}"; do
      if ! kill -0 "${pids[$i]}" 2>/dev/null; then
        echo "stack: ${names[$i]} exited before $name was ready" >&2
        stop_all
        exit 1
      fi
    done
    sleep 0.25
  done
  echo "stack: $name did not become ready at $url" >&2
  stop_all
  exit 1
}

cd "$root"
# The runtime runs compiled (as `npm start` does): plain node, so signals reach it directly.
node scripts/build.mjs runtime || exit 1
start runtime env HOST=127.0.0.1 PORT="$runtime_port" node dist/runtime/main.js
start alertmanager prometheus-alertmanager \
  --config.file="$state/alertmanager/alertmanager.yml" \
  --storage.path="$state/alertmanager/data" \
  --web.listen-address="127.0.0.1:$alertmanager_port" \
  --cluster.listen-address= \
  --log.level=warn
start prometheus env PROMETHEUS_PORT="$prometheus_port" RUNTIME_TARGET="127.0.0.1:$runtime_port" \
  ALERTMANAGER_TARGET="127.0.0.1:$alertmanager_port" SECRETS_DIR="$secrets" \
  bash scripts/start-prometheus.sh --log.level=warn

wait_ready runtime "http://127.0.0.1:$runtime_port/healthz"
wait_ready alertmanager "http://127.0.0.1:$alertmanager_port/-/ready"
wait_ready prometheus "http://127.0.0.1:$prometheus_port/-/ready"

cat >&2 <<MSG
stack: ready (Ctrl-C stops everything)
  runtime       http://127.0.0.1:$runtime_port  (/docs, /metrics)
  Prometheus    http://127.0.0.1:$prometheus_port  (alerts: /alerts, targets: /targets)
  Alertmanager  http://127.0.0.1:$alertmanager_port
  Grafana       not started here. With Grafana installed (its Debian/Ubuntu package from
                grafana.com), this serves the dashboards from this stack's Prometheus:
                  GF_PATHS_PROVISIONING=$state/grafana/provisioning GF_PATHS_DATA=$root/.tmp/grafana \\
                  GF_SERVER_HTTP_ADDR=127.0.0.1 GF_SERVER_HTTP_PORT=3001 GF_AUTH_ANONYMOUS_ENABLED=false \\
                  GF_SECURITY_ADMIN_PASSWORD__FILE=$secrets/grafana_admin_password \\
                  grafana server --homepath /usr/share/grafana
MSG

# Any service exiting ends the stack: a half-running stack hides the failure.
set +e
wait -n "${pids[@]}"
status=$?
set -e
if [ "$stopping" -eq 0 ]; then
  echo "stack: a service exited ($status); stopping the others" >&2
  stop_all
  exit 1
fi
