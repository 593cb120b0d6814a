#!/usr/bin/env bash
# Units, process tests and integration on every tested ansible-core, each in its own virtualenv
# under build/matrix/. Supported: 2.19 (Python 3.11, the default of `make venv`), 2.20 and 2.21
# (Python 3.12: they need 3.12 or later on the controller). Still working, not supported: 2.16-2.18
# (Python 3.11). Sanity runs on the default version in `make test`.
#
#   tests/utils/test-matrix.sh [core-spec:python ...]     e.g. 'ansible-core>=2.20,<2.21:python3.12'
#
# Prints one line per combination and fails if any failed.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
export XDG_CACHE_HOME="${XDG_CACHE_HOME:-$root/build/home/.cache}"   # pip's cache, as under make
# A python3.12 that runs: on PATH (a pyenv shim may be there without the version being active),
# else pyenv's own copy. PY312 overrides.
find_py312() {
  if python3.12 -c '' 2> /dev/null; then command -v python3.12; return; fi
  ls -d "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.12*/bin/python3.12 2> /dev/null | tail -n 1
}
py312="${PY312:-$(find_py312)}"
[ -n "$py312" ] || { echo "no python3.12 found: set PY312" >&2; exit 1; }
combos=("$@")
if [ ${#combos[@]} -eq 0 ]; then
  combos=("ansible-core>=2.19,<2.20:python3.11"
          "ansible-core>=2.20,<2.21:${py312}" "ansible-core>=2.21,<2.22:${py312}"
          "ansible-core>=2.16,<2.17:python3.11" "ansible-core>=2.17,<2.18:python3.11"
          "ansible-core>=2.18,<2.19:python3.11")
fi
results=()
for combo in "${combos[@]}"; do
  core="${combo%%:*}"; python="${combo#*:}"
  name=$(echo "$core-$(basename "$python")" | tr -c 'A-Za-z0-9.\n' '_')
  rel="build/matrix/$name"          # relative: the Makefile prefixes $(CURDIR)
  venv="$root/$rel"
  if [ ! -x "$venv/bin/ansible-test" ]; then
    "$python" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet "$core" -r "$root/requirements.txt" -r "$root/tests/requirements.txt"
  fi
  touch "$venv/.installed"           # so make's venv target keeps this ansible-core
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
