#!/usr/bin/env bash
# Units, process tests and integration on every ansible-core the collection claims
# (meta/runtime.yml's requires_ansible), each in its own virtualenv under build/matrix/: 2.19
# (Python 3.11, the default of `make venv`), 2.20 and 2.21 (Python 3.12: they need 3.12 or later on
# the controller). Sanity runs on the default version in `make test`. ansible-core 2.16-2.18 are past
# their end of life and not supported: never run by default (a combination named here still runs).
#
#   tests/utils/test-matrix.sh [core-spec:python ...]     e.g. 'ansible-core>=2.20,<2.21:python3.12'
#
# Prints one line per combination and fails if any failed.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
source "$root/tests/utils/matrix-venv.sh"
py312="$(find_py312)"
[ -n "$py312" ] || { echo "no python3.12 found: set PY312" >&2; exit 1; }
combos=("$@")
if [ ${#combos[@]} -eq 0 ]; then
  combos=("ansible-core>=2.19,<2.20:python3.11"
          "ansible-core>=2.20,<2.21:${py312}" "ansible-core>=2.21,<2.22:${py312}")
fi
results=()
for combo in "${combos[@]}"; do
  core="${combo%%:*}"; python="${combo#*:}"
  rel="$(matrix_venv "$core" "$python")"
  venv="$root/$rel"
  version=$("$venv/bin/ansible" --version | sed -n 1p)  # sed reads it all: no broken pipe
  echo "== $version on $("$venv/bin/python" --version)"
  status=ok
  for target in units process-tests; do
    make -C "$root" --no-print-directory "$target" VENV="$rel" || status=FAILED
  done
  make -C "$root" --no-print-directory integration VENV="$rel" \
    PYTHON_VERSION="$("$venv/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')" || status=FAILED
  results+=("$version ($(basename "$python")): $status")
done
printf '%s\n' "${results[@]}"
! printf '%s\n' "${results[@]}" | grep -q FAILED
