#!/usr/bin/env bash
# Line coverage of floe's sources, measured by running the whole ctest suite on a gcov build.
#
# Usage: scripts/coverage.sh [module-dir ...]
#   module-dir: folders under the source root whose line coverage must reach the threshold
#               (default: src/base src/arrow src/registry).
# Environment:
#   FLOE_COVERAGE_DIR        build directory (default <root>/build-coverage)
#   FLOE_COVERAGE_THRESHOLD  minimum line coverage in percent (default 80)
#   FLOE_COVERAGE_CTEST_ARGS extra ctest arguments, e.g. "-L base" to run one module's tests
#   FLOE_COVERAGE_JOBS       parallel build/test jobs (default 2)
# Prints a per-file line-coverage report for src/ and one summary line per module; exits 1
# when the build or a test fails, or a module is below the threshold or has no coverage data.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${FLOE_COVERAGE_DIR:-$root/build-coverage}
threshold=${FLOE_COVERAGE_THRESHOLD:-80}
jobs=${FLOE_COVERAGE_JOBS:-2}
read -r -a ctest_extra <<<"${FLOE_COVERAGE_CTEST_ARGS:-}"
if [ $# -gt 0 ]; then
  modules=("$@")
else
  modules=(src/base src/arrow src/registry)
fi

command -v gcovr >/dev/null || { echo "coverage: gcovr is not installed (scripts/setup.sh)" >&2; exit 1; }

status=0
echo "== configure $build"
# Atomic counter updates: tests run threads (exporter, racing writers), and racy plain
# increments leave negative counts that gcov then cannot report.
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Debug -DFLOE_COVERAGE=ON -DFLOE_SANITIZE=OFF \
  -DCMAKE_C_FLAGS="-fprofile-update=atomic" -DCMAKE_CXX_FLAGS="-fprofile-update=atomic" >/dev/null

echo "== build"
# Keep going past a broken target so the rest still yields coverage; the failure is reported.
if ! cmake --build "$build" -j"$jobs" -- -k >"$build/coverage-build.log" 2>&1; then
  echo "coverage: the build failed (see $build/coverage-build.log):" >&2
  grep -E "error:|\*\*\* \[" "$build/coverage-build.log" | head -20 >&2 || true
  status=1
fi

echo "== test"
# Counters from an earlier run would inflate the figures.
find "$build" -name '*.gcda' -delete
if ! ctest --test-dir "$build" -j"$jobs" --output-on-failure ${ctest_extra[@]+"${ctest_extra[@]}"}; then
  echo "coverage: some tests failed" >&2
  status=1
fi

echo "== line coverage of src/"
gcovr --root "$root" --filter "$root/src/" --exclude-unreachable-branches "$build"

echo "== modules (threshold ${threshold}%)"
for m in "${modules[@]}"; do
  m=${m%/}
  if [ ! -d "$root/$m" ]; then
    echo "coverage: no such module folder '$m'" >&2
    status=1
    continue
  fi
  # gcovr replaces its --output file (never point it at /dev/null: that replaces the device)
  summary=$(gcovr --root "$root" --filter "$root/$m/[^/]*\\.[ch]$" --print-summary \
            --output "$build/coverage-$(basename "$m").txt" "$build" | grep '^lines:' || true)
  # "lines: 84.2% (1234 out of 1466)"
  pct=$(sed -n 's/^lines: \([0-9.]*\)%.*/\1/p' <<<"$summary")
  total=$(sed -n 's/.*out of \([0-9]*\).*/\1/p' <<<"$summary")
  if [ -z "$pct" ] || [ -z "$total" ] || [ "$total" = 0 ]; then
    printf '%-16s no coverage data (no sources built or no tests ran)\n' "$m"
    status=1
  elif awk -v p="$pct" -v t="$threshold" 'BEGIN { exit !(p + 0 < t + 0) }'; then
    printf '%-16s %6s%% of %s lines  BELOW %s%%\n' "$m" "$pct" "$total" "$threshold"
    status=1
  else
    printf '%-16s %6s%% of %s lines  ok\n' "$m" "$pct" "$total"
  fi
done
exit $status
