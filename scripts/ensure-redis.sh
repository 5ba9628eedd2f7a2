#!/usr/bin/env bash
# Makes sure redis-server is installed for the integration tests, from
# Debian's packages when it is missing. The tests start and stop their own
# server on a free port; nothing is left running.
set -euo pipefail
if command -v redis-server >/dev/null 2>&1; then
  exit 0
fi
if [ -n "${BV_TEST_REDIS_URL:-}" ]; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "redis-server is not installed and apt-get is not available: install Redis 6.2+ or set BV_TEST_REDIS_URL" >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "redis-server is missing: run 'apt-get install redis-server' as root" >&2; exit 1; }
  sudo="sudo"
fi
echo "installing redis-server from Debian's packages..." >&2
export DEBIAN_FRONTEND=noninteractive
# Do not let the package start a system-wide server: the tests start their own.
printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
$sudo chmod +x /usr/sbin/policy-rc.d
trap '$sudo rm -f /usr/sbin/policy-rc.d' EXIT
$sudo apt-get update -qq >/dev/null
$sudo apt-get install -y -qq redis-server >/dev/null
command -v redis-server >/dev/null
