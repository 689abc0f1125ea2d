#!/usr/bin/env bash
# Restores what scripts/backup.sh wrote. The server must be stopped: Prometheus and Grafana read
# their data directory only at start. The current data is moved aside, never deleted.
#
#   bash scripts/restore.sh prometheus backups/prometheus-<snapshot>.tar.gz
#   bash scripts/restore.sh grafana backups/grafana-<time>.db
#
# STACK=local (default: PROMETHEUS_DATA, GRAFANA_DATA as in backup.sh) or STACK=compose (the
# docker compose volumes, written through a throw-away busybox container). PROMETHEUS_URL and
# GRAFANA_URL are probed to refuse a restore under a running server.
# Exit codes: 0 restored, 1 failed, 2 usage.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
stack="${STACK:-local}"
prometheus_url="${PROMETHEUS_URL:-http://127.0.0.1:9090}"
grafana_url="${GRAFANA_URL:-http://127.0.0.1:3001}"
prometheus_data="${PROMETHEUS_DATA:-$root/.tmp/prometheus/data}"
grafana_data="${GRAFANA_DATA:-$root/.tmp/grafana}"

fail() { echo "restore: $*" >&2; exit 1; }
usage() { echo "usage: restore.sh prometheus ARCHIVE.tar.gz | grafana FILE.db   (STACK=local|compose)" >&2; exit 2; }

[ $# -eq 2 ] || usage
kind="$1"
source="$(realpath -e "$2")" || fail "$2 does not exist"
case "$stack" in local | compose) ;; *) echo "restore: STACK must be local or compose, not '$stack'" >&2; exit 2 ;; esac

refuse_if_running() {
  if curl -fs -o /dev/null --max-time 2 "$1"; then
    fail "$2 is running at ${1%/*}: stop it first (it would overwrite the restored data)"
  fi
}

# Moves a data directory aside (dir.before-restore-<time>) and recreates it empty.
set_aside() {
  local dir="$1"
  if [ -e "$dir" ] && [ -n "$(ls -A "$dir")" ]; then
    local aside
    aside="$dir.before-restore-$(date -u +%Y%m%dT%H%M%SZ)"
    mv "$dir" "$aside"
    echo "restore: the previous data is in $aside" >&2
  fi
  mkdir -p "$dir"
}

compose_volume() {
  # Compose names volumes <project>_<volume>; the project is the stack's name.
  (cd "$root" && docker compose config --format json) | node -e '
    let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
      const c = JSON.parse(s); process.stdout.write(c.volumes[process.argv[1]].name);
    });' "$1"
}

restore_prometheus() {
  tar -tzf "$source" >/dev/null 2>&1 || fail "$source is not a tar.gz archive"
  if [ "$stack" = compose ]; then
    (cd "$root" && docker compose stop prometheus >/dev/null)
    docker run --rm -v "$(compose_volume prometheus_data):/prometheus" -v "$source:/backup.tar.gz:ro" busybox \
      sh -c 'mkdir -p /prometheus/before-restore && find /prometheus -mindepth 1 -maxdepth 1 ! -name before-restore -exec mv {} /prometheus/before-restore/ \; && tar -xzf /backup.tar.gz -C /prometheus && chown -R 65534:65534 /prometheus'
    (cd "$root" && docker compose start prometheus >/dev/null)
  else
    refuse_if_running "$prometheus_url/-/healthy" Prometheus
    set_aside "$prometheus_data"
    tar -xzf "$source" -C "$prometheus_data"
  fi
  echo "restore: Prometheus data restored from $source"
}

restore_grafana() {
  [ "$(head -c 15 "$source")" = "SQLite format 3" ] || fail "$source is not a SQLite database"
  if [ "$stack" = compose ]; then
    (cd "$root" && docker compose stop grafana >/dev/null)
    docker run --rm -v "$(compose_volume grafana_data):/var/lib/grafana" -v "$source:/backup.db:ro" busybox \
      sh -c 'mv /var/lib/grafana/grafana.db /var/lib/grafana/grafana.db.before-restore 2>/dev/null; cp /backup.db /var/lib/grafana/grafana.db && chown 472:0 /var/lib/grafana/grafana.db'
    (cd "$root" && docker compose start grafana >/dev/null)
  else
    refuse_if_running "$grafana_url/api/health" Grafana
    mkdir -p "$grafana_data"
    if [ -f "$grafana_data/grafana.db" ]; then
      mv "$grafana_data/grafana.db" "$grafana_data/grafana.db.before-restore-$(date -u +%Y%m%dT%H%M%SZ)"
    fi
    cp "$source" "$grafana_data/grafana.db"
  fi
  echo "restore: Grafana database restored from $source"
}

case "$kind" in
  prometheus) restore_prometheus ;;
  grafana) restore_grafana ;;
  *) usage ;;
esac
