#!/usr/bin/env bash
# The README's first command: set up a fresh machine and run Storyline on its bundled
# demo corpus into a SQLite file (storyline.db here, or $STORYLINE_DB).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/storyline demo "$@"
