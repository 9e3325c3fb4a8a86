#!/usr/bin/env bash
# scripts/deps.sh: install the Debian 12 packages needed to build, run and test the modules.
# Installs only what is missing (one dpkg-query call; a no-op in well under a second when
# everything is present). Installing needs root. apt never starts apache2/postgresql
# services here; the project runs its own private instances (scripts/run.sh).
set -euo pipefail

PKGS=(
    apache2 apache2-dev apache2-utils
    libapr1-dev libaprutil1-dev libaprutil1-dbd-pgsql
    libjansson-dev libcurl4-openssl-dev libssl-dev check pkg-config
    make gcc
    postgresql
    curl wrk
    python3 python3-pytest python3-requests python3-botocore openssl
)

# One dpkg-query for all; packages dpkg has never heard of are simply absent from its output.
declare -A installed=()
while read -r pkg abbrev; do
    [ "$abbrev" = ii ] && installed[$pkg]=1
done < <(dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' "${PKGS[@]}" 2>/dev/null || true)
missing=()
for p in "${PKGS[@]}"; do
    [ -n "${installed[$p]:-}" ] || missing+=("$p")
done

# Node.js runs the reference implementations the tests compare against (hawk,
# taskcluster-client) and the S3 stand-in (s3rver). Machines of this kind ship
# NodeSource's nodejs, which includes npm and conflicts with Debian's npm
# package: only a machine without any node gets Debian's nodejs + npm.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    missing+=(nodejs npm)
fi

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "deps.sh: error: missing Debian packages: ${missing[*]}" >&2
    echo "deps.sh: installing them needs root; run: sudo scripts/deps.sh" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
APT=(apt-get -o DPkg::Lock::Timeout=300 -o Dpkg::Use-Pty=0)
echo "deps.sh: installing ${missing[*]}"
"${APT[@]}" update -qq
"${APT[@]}" install -y -qq "${missing[@]}" >/dev/null
echo "deps.sh: done"
