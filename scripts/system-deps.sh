#!/usr/bin/env bash
# Install the Debian packages listed in .ci/apt-packages.txt that are missing (idempotent).
# The browser tests need Chromium, the interop tests need Virtuoso and rapper: real components, not mocks.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t wanted < <(grep -vE '^\s*(#|$)' .ci/apt-packages.txt | awk '{print $1}')
missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "system-deps: missing Debian packages: ${missing[*]} (run as root, or install them, then retry)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# Virtuoso's package asks for a DBA password: answer it up front (the tests start their own server, on
# loopback, with a throwaway database; the packaged service is not used).
if printf '%s\n' "${missing[@]}" | grep -q '^virtuoso'; then
  for q in dba-password dba-password-again; do
    echo "virtuoso-opensource-7 virtuoso-opensource-7/$q password dba" | debconf-set-selections
  done
fi
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
