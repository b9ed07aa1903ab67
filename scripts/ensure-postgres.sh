#!/usr/bin/env bash
# The PostgreSQL store's tests run against a real server: ORGGRAPH_TEST_POSTGRES_URL (an existing
# one), or a throwaway cluster started here with Debian's initdb/pg_ctl in a temporary directory
# (as the `postgres` user when run as root: PostgreSQL refuses root). Installs Debian's postgresql
# package when it is missing and we are root; otherwise says how. In CI (CI=true) a server that
# cannot be had fails here, loudly; elsewhere the PostgreSQL tests are skipped with a message.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${ORGGRAPH_TEST_POSTGRES_URL:-}" ] && ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "ensure-postgres: installing Debian's postgresql package for the store tests (apt-get)..." >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2 && apt-get install -y -qq --no-install-recommends postgresql >&2 || true
  fi
fi
if node --import tsx test/helpers/postgres.ts; then
  exit 0
fi
message="ensure-postgres: PostgreSQL is needed for the store tests.
  Install it as root: apt-get install postgresql   (or set ORGGRAPH_TEST_POSTGRES_URL to a server the tests may create databases on)"
if [ "${CI:-}" = "true" ]; then
  echo "$message" >&2
  exit 1
fi
echo "$message
  The PostgreSQL tests will be skipped." >&2
exit 0
