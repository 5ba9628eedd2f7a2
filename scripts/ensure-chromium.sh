#!/usr/bin/env bash
# Makes sure a headless Chromium is installed for the web console's browser
# tests, from Debian's packages when it is missing. Set BV_CHROMIUM to use
# another Chromium or Chrome binary instead.
set -euo pipefail
if [ -n "${BV_CHROMIUM:-}" ] && [ -x "${BV_CHROMIUM}" ]; then
  exit 0
fi
for bin in chromium chromium-browser google-chrome; do
  if command -v "$bin" >/dev/null 2>&1; then
    exit 0
  fi
done
if ! command -v apt-get >/dev/null 2>&1; then
  echo "chromium is not installed and apt-get is not available: install Chromium or Chrome, or set BV_CHROMIUM to its binary" >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "chromium is missing: run 'apt-get install chromium' as root" >&2; exit 1; }
  sudo="sudo"
fi
echo "installing chromium from Debian's packages..." >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >/dev/null
$sudo apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
command -v chromium >/dev/null
