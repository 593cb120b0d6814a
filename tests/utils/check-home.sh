#!/usr/bin/env bash
# make check-home: run make targets (default: lint and demo) with HOME an empty directory and a fresh
# BUILD_HOME, as on a first run, and fail if anything appears under HOME or any of them prints a
# [WARNING].
#
#   tests/utils/check-home.sh [target ...]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/dts-check-home.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir "$work/home"
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(lint demo)
for target in "${targets[@]}"; do
  HOME="$work/home" make -C "$root" --no-print-directory "$target" BUILD_HOME="$work/build-home" \
    > "$work/$target.log" 2>&1 || { cat "$work/$target.log"; echo "make $target failed" >&2; exit 1; }
  written=$(cd "$work/home" && find . -mindepth 1 | sort)
  if [ -n "$written" ]; then
    echo "make $target wrote under HOME:" >&2
    echo "$written" | head -n 50 >&2
    exit 1
  fi
  # The shipped flows (the demo's facts, cutover and audit playbooks, the inventory) warn about nothing.
  if grep -n '\[WARNING\]' "$work/$target.log" >&2; then
    echo "make $target printed a warning (above)" >&2
    exit 1
  fi
  echo "make $target: nothing under HOME ($(cd "$work/build-home" && find . -mindepth 1 | wc -l) entries under BUILD_HOME instead)"
done
