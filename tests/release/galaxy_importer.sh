#!/usr/bin/env bash
# The checks Galaxy runs on upload (galaxy-importer, with ansible-lint), on a freshly built tarball.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet galaxy-importer
"$root/.venv/bin/ansible-galaxy" collection build "$root" --output-path "$work" > /dev/null
printf '[galaxy-importer]\nRUN_ANSIBLE_TEST = False\nRUN_ANSIBLE_LINT = True\n' > "$work/importer.cfg"
cd "$work"
GALAXY_IMPORTER_CONFIG="$work/importer.cfg" PATH="$work/venv/bin:$root/.venv/bin:$PATH" \
  "$work/venv/bin/python" -m galaxy_importer.main alibabacloud-dts-*.tar.gz | tee "$work/importer.log"
grep -q 'Importer processing completed successfully' "$work/importer.log"
! grep -Eq '^(ERROR|WARNING)' "$work/importer.log"
