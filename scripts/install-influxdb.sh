#!/usr/bin/env bash
# Installs InfluxDB 1.x (Debian's `influxdb` package, 1.6.7 on bookworm) so the InfluxDB integration tests run
# against the real server. Idempotent: does nothing when influxd is already there, and refreshes the package
# lists only when apt does not know the package yet.
set -euo pipefail

binary=/usr/bin/influxd

if [ -x "$binary" ] || command -v influxd >/dev/null 2>&1; then
  echo "influxd already installed: $(command -v influxd || echo "$binary")"
  exit 0
fi

sudo_prefix=()
if [ "$(id -u)" -ne 0 ]; then
  sudo_prefix=(sudo)
fi

export DEBIAN_FRONTEND=noninteractive
if ! apt-cache show influxdb >/dev/null 2>&1; then
  "${sudo_prefix[@]}" apt-get update
fi
# --no-install-recommends: the tests only need influxd, not the packaged service setup's extras.
"${sudo_prefix[@]}" apt-get install -y --no-install-recommends influxdb

# The package starts a system service on hosts running systemd; the tests start their own instance on
# ephemeral ports with a temporary directory, so a packaged one is never needed (CI containers have no systemd).
command -v influxd
