#!/usr/bin/env bash
# Runs every test of Terrace: the provider's own tests, the JSR-107 TCK once per tier stack, and the
# examples. Installs what a fresh machine lacks first (Java 17 and Maven come with the machine image).
set -euo pipefail
cd "$(dirname "$0")/.."

need() { command -v "$1" >/dev/null 2>&1; }
missing=()
need java || missing+=(openjdk-17-jdk-headless)
need mvn || missing+=(maven)
# The Redis tier's tests start and kill their own redis-server processes on loopback ports.
need redis-server || missing+=(redis-server)
need redis-cli || missing+=(redis-tools)
# terrace-hibernate's two-process test starts its own PostgreSQL cluster (initdb, pg_ctl) on a loopback port.
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing ${missing[*]} from Debian's packages"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi

exec mvn -B -ntp verify "$@"
