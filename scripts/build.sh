#!/usr/bin/env bash
# Configures and builds floe in build/release/ (Release with debug info). Usage: scripts/build.sh [extra cmake args]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cmake -S "$here" -B "$here/build/release" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
cmake --build "$here/build/release" -j"$(nproc)"
