#!/usr/bin/env bash
# Installs what pccc needs on a fresh Debian 12 machine: Debian packages with
# apt-get (only those missing) and the pinned npm packages from the committed
# lock file. Safe to run again; it does nothing when all is present.
set -euo pipefail
cd "$(dirname "$0")/.."

PKGS=(build-essential pkg-config clang-14 libfuzzer-14-dev libclang-rt-14-dev
  libmicrohttpd-dev libjansson-dev libsqlite3-dev sqlite3 libpq-dev
  postgresql-15 postgresql-15-postgis-3 libsodium-dev libssl-dev libcjose-dev
  libcurl4-openssl-dev libxlsxwriter-dev libqrencode-dev libzip-dev
  libexpat1-dev libcmocka-dev wrk chromium python3-pytest python3-requests
  fonts-noto-core)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if [ -f package-lock.json ]; then
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "setup: npm ci"
    npm ci --no-audit --no-fund --loglevel=error
  fi
fi
