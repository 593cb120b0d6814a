#!/usr/bin/env bash
# The hostile-data test (tests/integration/targets/hostile_data: no template from DTS or an event ever
# runs, through every face of the collection) on every ansible-core the collection claims: 2.19 in
# .venv, 2.20 and 2.21 in build/matrix/ on python3.12, made as test-matrix.sh makes them. The target's
# runme.sh runs as ansible-test would run it, without ansible-test's setup, one core after the other.
#
#   tests/utils/test-hostile.sh            (make test-hostile)
#
# Prints one line per core with its time, the log of a core that failed, and fails if any failed.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
source "$root/tests/utils/matrix-venv.sh"
py312="$(find_py312)"
[ -n "$py312" ] || { echo "no python3.12 found: set PY312" >&2; exit 1; }
venvs=("${VENV:-.venv}" "$(matrix_venv 'ansible-core>=2.20,<2.21' "$py312")"
       "$(matrix_venv 'ansible-core>=2.21,<2.22' "$py312")")
# The collection as ansible_collections.alibabacloud.dts (what the Makefile's build/ tree gives).
collections="$root/build/collections"
mkdir -p "$collections/ansible_collections/alibabacloud"
ln -sfn "$root" "$collections/ansible_collections/alibabacloud/dts"
logs="$root/build/test-hostile"
mkdir -p "$logs"
results=()
for rel in "${venvs[@]}"; do
  venv="$root/$rel"
  version=$("$venv/bin/ansible" --version | sed -n 1p)
  log="$logs/core-$("$venv/bin/python" -c 'from ansible.release import __version__; print(__version__)').log"
  start=$SECONDS
  if (cd "$root/tests/integration/targets/hostile_data" \
      && PATH="$venv/bin:$PATH" ANSIBLE_COLLECTIONS_PATH="$collections" \
         ANSIBLE_TEST_PYTHON_INTERPRETER="$venv/bin/python" ./runme.sh) > "$log" 2>&1; then
    status=ok
  else
    status=FAILED
    tail -n 60 "$log"
  fi
  results+=("$version ($("$venv/bin/python" --version)): $status in $((SECONDS - start)) s, log $log")
done
printf '%s\n' "${results[@]}"
! printf '%s\n' "${results[@]}" | grep -q FAILED
