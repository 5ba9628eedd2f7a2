#!/usr/bin/env bash
# Makes sure tmux is installed, from Debian's packages when it is missing:
# the CLI test runs `submit --wait` in a tmux pane to check that the
# progress bar redraws one line in place.
set -euo pipefail
command -v tmux >/dev/null 2>&1 && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "tmux is not installed and apt-get is not available: install tmux" >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "tmux is missing: run 'apt-get install tmux' as root" >&2; exit 1; }
  sudo="sudo"
fi
echo "installing tmux from Debian's packages..." >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >/dev/null
$sudo apt-get install -y -qq tmux >/dev/null
command -v tmux >/dev/null
