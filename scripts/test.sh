#!/usr/bin/env bash
# The whole test suite, from a fresh Debian 12 machine: installs what is needed, then
#   1. checks formatting (clang-format),
#   2. builds and runs every ctest test (cmocka unit tests, interop tests with DuckDB/avsc/
#      hyparquet, the public-header test),
#   3. rebuilds with AddressSanitizer + UndefinedBehaviorSanitizer and runs the suite again,
#   4. builds the libFuzzer targets with clang and runs each briefly on its seed corpus.
# Any failure exits non-zero. Set FLOE_SKIP_SETUP=1 to skip step 0 (installs).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
jobs=$(nproc)
export FLOE_REQUIRE_INTEROP=1

step() { printf '\n==== %s ====\n' "$*"; }

if [ "${FLOE_SKIP_SETUP:-0}" != 1 ]; then
  step "setup"
  scripts/setup.sh
fi

step "format check"
scripts/check-format.sh

mkdir -p build
step "requirement traceability (every id of seed 004 has a test)"
scripts/traceability.sh --strict 004 > build/traceability.txt || { cat build/traceability.txt; exit 1; }
echo "requirement ids traced: $(grep -c '^  [FS]' build/traceability.txt || true)"

step "build (RelWithDebInfo)"
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build/release -j"$jobs"
step "tests"
ctest --test-dir build/release --output-on-failure -j"$jobs"

step "build (Debug, ASan + UBSan)"
cmake -S . -B build/asan -DCMAKE_BUILD_TYPE=Debug -DFLOE_SANITIZE=ON >/dev/null
cmake --build build/asan -j"$jobs"
step "tests under ASan + UBSan"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build/asan --output-on-failure -j"$jobs"

if ls fuzz/fuzz_*.c >/dev/null 2>&1; then
  step "fuzz targets (clang, libFuzzer, ${FLOE_FUZZ_SECONDS:-20}s each)"
  CC=clang CXX=clang++ cmake -S . -B build/fuzz -DCMAKE_BUILD_TYPE=Debug -DFLOE_SANITIZE=ON \
    -DFLOE_FUZZ=ON -DFLOE_TESTS=OFF >/dev/null
  cmake --build build/fuzz -j"$jobs"
  for f in fuzz/fuzz_*.c; do
    name=$(basename "$f" .c)
    corpus="fuzz/corpus/${name#fuzz_}"
    work="build/fuzz/corpus-${name#fuzz_}"
    mkdir -p "$work"
    if [ -d "$corpus" ]; then cp -r "$corpus"/. "$work"/; fi
    ASAN_OPTIONS=detect_leaks=1 "build/fuzz/fuzz/$name" -max_total_time="${FLOE_FUZZ_SECONDS:-20}" \
      -rss_limit_mb=2048 -print_final_stats=0 "$work" 2>&1 | tail -n 3
  done
fi

step "all tests passed"
