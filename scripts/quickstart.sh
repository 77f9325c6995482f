#!/usr/bin/env bash
# Sets everything up on a fresh Debian 12 machine, builds floe, and runs its main job on the
# embedded default: today that is the plugin registry (every plugin type with its built-in and
# discovered plugins, and their health). Later: a demo warehouse of Iceberg tables.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
scripts/setup.sh
scripts/build.sh
floe=build/release/floe
echo
echo "\$ floe --version"; "$floe" --version
echo
echo "\$ floe plugins list"; "$floe" plugins list
echo
echo "\$ floe plugins health"; "$floe" plugins health
