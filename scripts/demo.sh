#!/usr/bin/env bash
# The README's first command: set up a fresh machine, run Storyline on its bundled demo
# corpus into a SQLite file (storyline.db here, or $STORYLINE_DB), then serve the web UI
# and HTTP API over it until Ctrl+C (address: $STORYLINE_HOST, $STORYLINE_PORT; default
# http://127.0.0.1:8321/). Running it again is quick: what is stored is not read twice.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/storyline demo
echo
exec .venv/bin/storyline serve
