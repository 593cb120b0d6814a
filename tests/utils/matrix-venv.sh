# shellcheck shell=bash
# Sourced by test-matrix.sh and test-hostile.sh: the virtualenvs of build/matrix/, one per ansible-core.
#
#   py312="$(find_py312)"
#   rel="$(matrix_venv 'ansible-core>=2.20,<2.21' "$py312")"    # build/matrix/<name>, made if missing
#
# Expects $root (the repository); pip's cache goes where make puts it.
export XDG_CACHE_HOME="${XDG_CACHE_HOME:-$root/build/home/.cache}"

# A python3.12 that runs: on PATH (a pyenv shim may be there without the version being active),
# else pyenv's own copy. PY312 overrides.
find_py312() {
  if [ -n "${PY312:-}" ]; then echo "${PY312}"; return; fi
  if python3.12 -c '' 2> /dev/null; then command -v python3.12; return; fi
  ls -d "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.12*/bin/python3.12 2> /dev/null | tail -n 1
}

# The virtualenv of ansible-core CORE (a pip requirement) on PYTHON, relative to $root (the Makefile
# prefixes $(CURDIR)); made with the collection's and the tests' requirements if it is not there yet.
matrix_venv() {
  local core="$1" python="$2" name rel
  name=$(echo "$core-$(basename "$python")" | tr -c 'A-Za-z0-9.\n' '_')
  rel="build/matrix/$name"
  if [ ! -x "$root/$rel/bin/ansible-test" ]; then
    "$python" -m venv "$root/$rel" >&2
    "$root/$rel/bin/python" -m pip install --quiet "$core" -r "$root/requirements.txt" \
      -r "$root/tests/requirements.txt" >&2
  fi
  touch "$root/$rel/.installed"       # so make's venv target keeps this ansible-core
  echo "$rel"
}
