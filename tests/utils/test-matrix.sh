#!/usr/bin/env bash
# Units and integration on every supported ansible-core: 2.16-2.19 on Python 3.11, and the newest
# release on Python 3.12. Each gets its own virtualenv under build/matrix/. Sanity runs on the
# default version in `make test`.
#
#   tests/utils/test-matrix.sh [core-spec:python ...]     e.g. 'ansible-core>=2.17,<2.18:python3.11'
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
py312="${PY312:-$(command -v python3.12 || echo "$HOME/.pyenv/versions/3.12.1/bin/python3.12")}"
combos=("$@")
if [ ${#combos[@]} -eq 0 ]; then
  combos=("ansible-core>=2.16,<2.17:python3.11" "ansible-core>=2.17,<2.18:python3.11"
          "ansible-core>=2.18,<2.19:python3.11" "ansible-core>=2.19,<2.20:python3.11"
          "ansible-core:${py312}")
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
  make -C "$root" --no-print-directory units VENV="$rel" || status=FAILED
  make -C "$root" --no-print-directory integration VENV="$rel" \
    PYTHON_VERSION="$("$venv/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')" || status=FAILED
  results+=("$version ($(basename "$python")): $status")
done
printf '%s\n' "${results[@]}"
! printf '%s\n' "${results[@]}" | grep -q FAILED
