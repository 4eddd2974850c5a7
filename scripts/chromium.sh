#!/usr/bin/env bash
# The browser tests drive Debian's Chromium (never a browser Playwright downloads). Install
# it when missing and we may (root with apt-get, as on CI); otherwise say how, and the
# browser tests skip. With STORYLINE_REQUIRE_BROWSER=1 (CI) a missing browser is an error.
set -uo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "setup: installing Debian's chromium for the browser tests (a few minutes, once)" >&2
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y --no-install-recommends chromium >/dev/null 2>&1; then
    apt-get update >/dev/null 2>&1
    apt-get install -y --no-install-recommends chromium >/dev/null
  fi
fi
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "${STORYLINE_REQUIRE_BROWSER:-0}" = "1" ]; then
  echo "error: /usr/bin/chromium is missing and could not be installed; the browser tests need it" >&2
  exit 1
fi
echo "note: no /usr/bin/chromium, so the browser tests will skip; install it with" \
     "'sudo apt-get install -y --no-install-recommends chromium'" >&2
