#!/usr/bin/env bash
# Backs up the stack's state: Prometheus' TSDB through a snapshot of its admin API, and Grafana's
# database (users, API keys, preferences; dashboards and datasources are provisioned from
# generated/ and need no backup). Restore with scripts/restore.sh. See docs/OPERATIONS.md.
#
#   bash scripts/backup.sh prometheus   # → $BACKUP_DIR/prometheus-<snapshot>.tar.gz
#   bash scripts/backup.sh grafana      # → $BACKUP_DIR/grafana-<time>.db
#
# Where the data lives: STACK=local (default; the stack of `npm run stack` or
# scripts/start-prometheus.sh, data under .tmp/) or STACK=compose (the docker compose stack; the
# files are copied out of the containers with `docker compose cp`).
#
# Environment: PROMETHEUS_URL (http://127.0.0.1:9090), PROMETHEUS_DATA (.tmp/prometheus/data),
# GRAFANA_DATA (.tmp/grafana, the directory holding grafana.db), BACKUP_DIR (backups).
# Prints the path of the archive it wrote. Exit codes: 0 written, 1 failed, 2 usage.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
stack="${STACK:-local}"
prometheus_url="${PROMETHEUS_URL:-http://127.0.0.1:9090}"
prometheus_data="${PROMETHEUS_DATA:-$root/.tmp/prometheus/data}"
grafana_data="${GRAFANA_DATA:-$root/.tmp/grafana}"
backup_dir="${BACKUP_DIR:-$root/backups}"

fail() { echo "backup: $*" >&2; exit 1; }
usage() { echo "usage: backup.sh prometheus|grafana   (STACK=local|compose)" >&2; exit 2; }

case "$stack" in local | compose) ;; *) echo "backup: STACK must be local or compose, not '$stack'" >&2; exit 2 ;; esac
mkdir -p "$backup_dir"

backup_prometheus() {
  # The admin API writes a consistent copy of every block (and the head) under
  # <data>/snapshots/<name>, as hard links, so it is cheap and safe while Prometheus runs.
  local response name tmp archive
  response="$(curl -fsS -X POST "$prometheus_url/api/v1/admin/tsdb/snapshot")" \
    || fail "no snapshot from $prometheus_url (is Prometheus running with --web.enable-admin-api?)"
  name="$(RESPONSE="$response" node -e '
    const r = JSON.parse(process.env.RESPONSE);
    if (r.status !== "success" || !/^[A-Za-z0-9-]+$/.test(r.data?.name ?? "")) process.exit(1);
    process.stdout.write(r.data.name);
  ')" || fail "unexpected snapshot response: $response"
  archive="$backup_dir/prometheus-$name.tar.gz"
  if [ "$stack" = compose ]; then
    tmp="$(mktemp -d)"
    trap 'rm -rf "$tmp"' RETURN
    (cd "$root" && docker compose cp "prometheus:/prometheus/snapshots/$name" "$tmp/$name") >/dev/null
    (cd "$root" && docker compose exec -T prometheus rm -rf "/prometheus/snapshots/$name")
    tar -czf "$archive" -C "$tmp/$name" .
  else
    [ -d "$prometheus_data/snapshots/$name" ] || fail "snapshot $name is not in $prometheus_data/snapshots (set PROMETHEUS_DATA to the server's --storage.tsdb.path)"
    tar -czf "$archive" -C "$prometheus_data/snapshots/$name" .
    # The snapshot shares files with the TSDB by hard links; once archived it only holds disk.
    rm -rf "${prometheus_data:?}/snapshots/$name"
  fi
  echo "$archive"
}

backup_grafana() {
  local archive
  archive="$backup_dir/grafana-$(date -u +%Y%m%dT%H%M%SZ).db"
  if [ "$stack" = compose ]; then
    # The image has no sqlite3: stop Grafana so the copied file is consistent, then start it again.
    (cd "$root" && docker compose stop grafana >/dev/null && docker compose cp grafana:/var/lib/grafana/grafana.db "$archive" >/dev/null; status=$?; docker compose start grafana >/dev/null; exit $status)
  else
    [ -f "$grafana_data/grafana.db" ] || fail "no grafana.db in $grafana_data (set GRAFANA_DATA to Grafana's data path)"
    command -v sqlite3 >/dev/null 2>&1 || fail "sqlite3 is not installed (apt-get install sqlite3)"
    # SQLite's online backup: a consistent copy while Grafana keeps running.
    sqlite3 "$grafana_data/grafana.db" ".backup '$archive'"
  fi
  chmod 600 "$archive"
  echo "$archive"
}

[ $# -eq 1 ] || usage
case "$1" in
  prometheus) backup_prometheus ;;
  grafana) backup_grafana ;;
  *) usage ;;
esac
