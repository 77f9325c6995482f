#!/usr/bin/env bash
# Installs everything floe's build, tests, benchmarks and interop checks need on Debian 12.
# Idempotent; run as root (or with sudo available). Usage: scripts/setup.sh [--no-npm]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)

APT_PACKAGES=(
  build-essential cmake pkg-config git clang clang-format clang-tidy cppcheck
  libclang-rt-14-dev llvm
  libcmocka-dev libjansson-dev libsqlite3-dev sqlite3
  libzstd-dev libsnappy-dev zlib1g-dev liblz4-dev libbrotli-dev
  libssl-dev uuid-dev libyaml-dev libcurl4-openssl-dev libmicrohttpd-dev
  gcovr ca-certificates
)
# The machine image ships Node.js with npm; fall back to Debian's only when it is absent.
if ! command -v npm >/dev/null 2>&1; then APT_PACKAGES+=(nodejs npm); fi

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

missing=()
for p in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "setup: Debian packages already installed"
fi

if [ "${1:-}" != "--no-npm" ]; then
  # Independent readers/writers for interop tests (DuckDB, avsc, hyparquet), pinned by tests/interop/package-lock.json.
  if [ -f "$here/tests/interop/package.json" ]; then
    cd "$here/tests/interop"
    if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
      echo "setup: installing npm packages for interop tests"
      # `npm ci` trips over the lock file's platform-specific optional packages (DuckDB's
      # bindings); `npm install --no-save` installs the locked versions and leaves the lock alone.
      npm install --no-save --no-audit --no-fund --loglevel=error
    else
      echo "setup: npm packages already installed"
    fi
  fi
fi
echo "setup: done"
