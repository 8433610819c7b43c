#!/usr/bin/env bash
# Start the real Bluesky PDS + PLC installed by install.sh, on 127.0.0.1.
#   tools/bluesky_pds/start.sh PDS_PORT PLC_PORT [DATA_DIR]
# Prints "READY pds=URL plc=URL" when both answer; stops on Ctrl-C (data dir removed).
set -euo pipefail
HOME_DIR="${HERALD_BLUESKY_PDS_HOME:-$HOME/.cache/herald-bluesky-pds}"
HERE="$(cd "$(dirname "$0")" && pwd)"
[ -x "$HOME_DIR/node/bin/node" ] || { echo "bluesky pds: run $HERE/install.sh first" >&2; exit 3; }
DATA_DIR="${3:-$(mktemp -d -t herald-pds-XXXXXX)}"
cp "$HERE/server.mjs" "$HOME_DIR/app/server.mjs"
exec "$HOME_DIR/node/bin/node" "$HOME_DIR/app/server.mjs" "${1:-2583}" "${2:-2582}" "$DATA_DIR"
