#!/usr/bin/env bash
# The browser tests (test/report/browser.test.ts) drive the system's Chromium: install Debian's
# package when it is missing and we are root; otherwise say how. In CI (CI=true) a missing Chromium
# fails here, loudly; elsewhere the browser tests are skipped with a message.
set -euo pipefail
chromium="${ORGGRAPH_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$chromium" ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1 && [ -z "${ORGGRAPH_CHROMIUM:-}" ]; then
  echo "ensure-chromium: installing Debian's chromium package for the browser tests (apt-get)..." >&2
  export DEBIAN_FRONTEND=noninteractive
  # A failed install (no network, no such package) falls through to the message below.
  if apt-get update -qq >&2 && apt-get install -y -qq --no-install-recommends chromium >&2 && [ -x "$chromium" ]; then
    exit 0
  fi
fi
message="ensure-chromium: Chromium is needed for the report's browser tests and is not at $chromium.
  Install it as root: apt-get install chromium   (or set ORGGRAPH_CHROMIUM to a Chromium binary)"
if [ "${CI:-}" = "true" ]; then
  echo "$message" >&2
  exit 1
fi
echo "$message
  The browser tests will be skipped." >&2
exit 0
