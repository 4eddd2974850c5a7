#!/usr/bin/env bash
# The README's second command: set up what the tests need, then run the whole suite.
# Extra arguments go to pytest (e.g. scripts/test.sh -k store -x).
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 1
bash scripts/chromium.sh || exit 1
.venv/bin/python -m pytest "$@"
status=$?
if [ "$status" -eq 5 ]; then
  echo "error: pytest collected no tests; that is a failure, not a pass" >&2
  exit 1
fi
exit "$status"
