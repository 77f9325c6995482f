#!/usr/bin/env bash
# Requirement traceability: for each seed (../shared/seeds or $FLOE_SEEDS), lists the
# requirement ids it names (FR-xxx, SC-xxx) and the test functions whose names carry them
# (FR_xxx). Each seed numbers its own ids, so a seed's ids are looked up only in the test
# folders of the layer that implements it. Exit 1 with --strict SEED_PREFIX when an id of that seed has no test.
set -euo pipefail
cd "$(dirname "$0")/.."
seeds=${FLOE_SEEDS:-../shared/seeds}
if ! ls "$seeds"/[0-9]*.txt >/dev/null 2>&1; then
  echo "traceability: no seeds found in $seeds (set FLOE_SEEDS); nothing to trace"
  exit 0
fi
strict=""
if [ "${1:-}" = "--strict" ]; then strict=${2:?seed prefix, e.g. 004}; fi
missing_strict=0
for seed in "$seeds"/[0-9]*.txt; do
  name=$(basename "$seed" .txt)
  ids=$(grep -ohE '\b(FR|SC)-[0-9]+[a-z]?\b' "$seed" | sort -u || true)
  [ -n "$ids" ] || continue
  case "$name" in
    004_*) dirs="tests/registry" ;;
    000_*) dirs="tests/catalog" ;;
    *) dirs="tests/manager" ;;
  esac
  printf '## %s (%s)\n' "$name" "$dirs"
  for id in $ids; do
    tag=${id/-/_}
    tests=$(grep -rhoE "test_[A-Za-z0-9_]*${tag}\b[A-Za-z0-9_]*" $dirs 2>/dev/null | sort -u | tr '\n' ' ' || true)
    if [ -n "$tests" ]; then
      printf '  %-7s %s\n' "$id" "$tests"
    else
      printf '  %-7s (no test)\n' "$id"
      case "$name" in "$strict"*) [ -n "$strict" ] && missing_strict=1 ;; esac
    fi
  done
done
exit $missing_strict
