#!/usr/bin/env bash
# make docs: the collection's HTML documentation site, built offline with antsibull-docs and Sphinx
# into docs/_build/html. Intersphinx links to docs.ansible.com are turned off: they need the network.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin="$root/.venv/bin"
site="$root/build/docsite"
export ANSIBLE_COLLECTIONS_PATH="$root/build/collections" PATH="$bin:$PATH"

"$bin/python" -m pip install --quiet -r "$root/docs/requirements-site.txt"
rm -rf "$site" && mkdir -p "$site"
antsibull-docs sphinx-init --use-current --dest-dir "$site" alibabacloud.dts > /dev/null
echo 'intersphinx_mapping = {}' >> "$site/conf.py"
mkdir -p "$site/rst" && chmod og-w "$site/rst"
antsibull-docs --config-file "$site/antsibull-docs.cfg" collection --cleanup everything --use-current \
  --dest-dir "$site/rst" alibabacloud.dts
sphinx-build -q -b html -c "$site" "$site/rst" "$root/docs/_build/html"
echo "Documentation site: $root/docs/_build/html/index.html"
