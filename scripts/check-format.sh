#!/usr/bin/env bash
# Fails if any C source or header differs from .clang-format. Fix with: scripts/check-format.sh --fix
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files '*.c' '*.h')
if [ "${1:-}" = "--fix" ]; then
  clang-format -i "${files[@]}"
  exit 0
fi
if ! clang-format --dry-run --Werror "${files[@]}" 2>/tmp/floe-format.txt; then
  grep -E '^[^ ].*error:' /tmp/floe-format.txt | cut -d: -f1 | sort -u | sed 's/^/needs clang-format: /'
  echo "run scripts/check-format.sh --fix"
  exit 1
fi
echo "format ok (${#files[@]} files)"
