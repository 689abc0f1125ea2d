#!/usr/bin/env bash
# Installs the external tools obsgen's validation and tests use, when missing: git, promtool and
# prometheus (Debian's `prometheus`), amtool and alertmanager (Debian's `prometheus-alertmanager`),
# and a headless browser for the preview's browser test (Debian's `chromium`; a runner that has
# Google Chrome already uses it), and gdb, with which one runtime test makes a live process close
# its own stdout (test/local-spawner.test.ts; it is skipped without gdb).
# Idempotent: does nothing when every tool is present. Usable by users as well as CI.
set -euo pipefail

need=()
command -v git >/dev/null 2>&1 || need+=(git)
{ command -v promtool >/dev/null 2>&1 && command -v prometheus >/dev/null 2>&1; } || need+=(prometheus)
{ command -v amtool >/dev/null 2>&1 && command -v prometheus-alertmanager >/dev/null 2>&1; } || need+=(prometheus-alertmanager)
{ command -v chromium >/dev/null 2>&1 || command -v google-chrome >/dev/null 2>&1; } || need+=(chromium)
command -v gdb >/dev/null 2>&1 || need+=(gdb)

if [ ${#need[@]} -eq 0 ]; then
  echo "install-tools: git, promtool, prometheus, amtool, alertmanager, chromium and gdb are present"
  exit 0
fi

echo "install-tools: installing ${need[*]}"
if ! command -v apt-get >/dev/null 2>&1; then
  cat >&2 <<MSG
install-tools: cannot install ${need[*]}: this system has no apt-get.
  Install them by hand and put them on PATH:
    git                      https://git-scm.com/downloads
    promtool, prometheus     https://prometheus.io/download/#prometheus (both are in the tarball)
    amtool, alertmanager     https://prometheus.io/download/#alertmanager
    chromium                 your system's package manager (or Google Chrome)
    gdb                      your system's package manager (only for one runtime test)
MSG
  exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "install-tools: run as root, or install sudo, to apt-get install ${need[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
# Debian's packages start system services; obsgen starts its own instances on free ports.
for svc in prometheus prometheus-alertmanager prometheus-node-exporter; do
  $sudo systemctl stop "$svc" >/dev/null 2>&1 || true
done
for tool in git promtool prometheus amtool prometheus-alertmanager gdb; do
  command -v "$tool" >/dev/null 2>&1 || { echo "install-tools: $tool is still missing after apt-get install" >&2; exit 1; }
done
echo "install-tools: done ($(promtool --version 2>&1 | head -n 1))"
