#!/usr/bin/env bash
# Makes sure prometheus and promtool are installed for the alert-rule tests
# and the dashboard test, from Debian's packages when they are missing. The
# package's own service is not started: the dashboard test starts its own
# server on a free port and stops it.
set -euo pipefail
if command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "prometheus/promtool are not installed and apt-get is not available: install Prometheus 2.x (prometheus and promtool on PATH)" >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "prometheus is missing: run 'apt-get install prometheus' as root" >&2; exit 1; }
  sudo="sudo"
fi
echo "installing prometheus (and promtool) from Debian's packages..." >&2
export DEBIAN_FRONTEND=noninteractive
# Do not let the package start a system-wide server: the test starts its own.
printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
$sudo chmod +x /usr/sbin/policy-rc.d
trap '$sudo rm -f /usr/sbin/policy-rc.d' EXIT
$sudo apt-get update -qq >/dev/null
# Recommends would pull in the node exporter and other daemons the tests do not need.
$sudo apt-get install -y -qq --no-install-recommends prometheus >/dev/null
command -v prometheus >/dev/null && command -v promtool >/dev/null
