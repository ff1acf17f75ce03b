#!/usr/bin/env bash
# Installs VictoriaMetrics (single node) from Debian's package so the VictoriaMetrics integration tests run against
# the real server. Idempotent: does nothing when the binary is already there.
set -euo pipefail

binary=/usr/bin/victoria-metrics

if [ -x "$binary" ] || command -v victoria-metrics >/dev/null 2>&1; then
  echo "victoria-metrics already installed: $(command -v victoria-metrics || echo "$binary")"
  exit 0
fi

sudo_prefix=()
if [ "$(id -u)" -ne 0 ]; then
  sudo_prefix=(sudo)
fi

export DEBIAN_FRONTEND=noninteractive
"${sudo_prefix[@]}" apt-get update
# --no-install-recommends: the tests only need the binary, not the packaged service setup's extras.
"${sudo_prefix[@]}" apt-get install -y --no-install-recommends victoria-metrics

# The package starts a system service on hosts running systemd; the tests start their own instance on an
# ephemeral port, so a packaged one is never needed (and CI containers have no systemd anyway).
command -v victoria-metrics
