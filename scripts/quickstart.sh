#!/usr/bin/env bash
# Sets everything up on a fresh Debian 12 machine, builds floe, and runs its main job: a demo
# warehouse (embedded sql catalog, local storage) with one day-partitioned Iceberg table of
# 1M generated rows, walked through by `floe quickstart` (append, overwrite of one slice,
# filtered scan, snapshots, time travel), then a few of the CLI commands it suggests.
#
# usage: scripts/quickstart.sh [ROWS]
#   FLOE_BUILD_DIR=dir   build only the floe CLI in this directory (RelWithDebInfo) instead of
#                        the whole tree in build/release (scripts/build.sh)
#   FLOE_QUICKSTART_WAREHOUSE=dir   warehouse (default <build dir>/floe-quickstart; an existing
#                        demo.events in it is dropped and recreated)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
rows=${1:-1000000}
scripts/setup.sh
if [ -n "${FLOE_BUILD_DIR:-}" ]; then
  build=$FLOE_BUILD_DIR
  log=$build/quickstart-build.log
  mkdir -p "$build"
  echo "quickstart: building the floe CLI in $build (log: $log)"
  if ! { cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo &&
    cmake --build "$build" --target floe_cli -j2; } >"$log" 2>&1; then
    tail -n 40 "$log"
    exit 1
  fi
else
  build=$here/build/release
  scripts/build.sh
fi
floe=$build/floe
wh=${FLOE_QUICKSTART_WAREHOUSE:-$build/floe-quickstart}
recent="region = 'eu' and ts >= '2026-10-21T00:00:00Z'"

# Echoes the command (arguments with spaces or quotes in double quotes), then runs it.
run() {
  local line="floe" a
  for a in "$@"; do
    case $a in
      *[\ \']*) line+=" \"$a\"" ;;
      *) line+=" $a" ;;
    esac
  done
  echo
  echo "\$ $line"
  "$floe" "$@"
}

run --version
run quickstart --warehouse "$wh" --rows "$rows"
run table describe demo.events --warehouse "$wh"
run table snapshots demo.events --warehouse "$wh"
run table scan demo.events --warehouse "$wh" --filter "$recent" --limit 5
run plugins list
