#!/usr/bin/env bash
# Build the collection tarball, check what it carries, install it offline into a fresh path and
# render every plugin's and the role's documentation from the installed copy.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin="${BIN:-$root/.venv/bin}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$bin/ansible-galaxy" collection build "$root" --output-path "$work" --force > /dev/null
tarball=$(ls "$work"/alibabacloud-dts-*.tar.gz)
size=$(stat -c %s "$tarball")
echo "built $(basename "$tarball"): $size bytes"
[ "$size" -lt 2097152 ] || { echo "the tarball is over 2 MB" >&2; exit 1; }

tar -tzf "$tarball" > "$work/contents"
for unwanted in '^\.venv/' '^\.git/' '^tests/output/' '^build/' '__pycache__' '^scripts/' '^\.mypy_cache/' \
                '^pyproject\.toml$' '^\.pre-commit-config\.yaml$'; do
  if grep -Eq "$unwanted" "$work/contents"; then echo "the tarball carries $unwanted" >&2; exit 1; fi
done
for wanted in plugins/module_utils/_client.py plugins/modules/dts_sync_job_info.py \
              plugins/inventory/dts_sync_jobs.py roles/dts_sync_wait/meta/argument_specs.yml \
              meta/runtime.yml meta/execution-environment.yml extensions/awx/execution-environment.yml \
              extensions/awx/credential_types/alibabacloud_dts.yml bindep.txt requirements.txt CHANGELOG.md README.md; do
  grep -qx "$wanted" "$work/contents" || { echo "the tarball lacks $wanted" >&2; exit 1; }
done

"$bin/ansible-galaxy" collection install --offline --force -p "$work/installed" "$tarball" > /dev/null 2>&1

# The version the client announces in its User-Agent is galaxy.yml's.
version=$("$bin/python" -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))["version"])' "$root/galaxy.yml")
agent=$(cd "$work" && PYTHONPATH="$work/installed" "$bin/python" -c \
  'from ansible_collections.alibabacloud.dts.plugins.module_utils._version import USER_AGENT; print(USER_AGENT)')
if [ "$agent" != "ansible-collection-alibabacloud.dts/$version" ]; then
  echo "the User-Agent says $agent but galaxy.yml says version $version:" \
       "set COLLECTION_VERSION in plugins/module_utils/_version.py to $version" >&2
  exit 1
fi
echo "User-Agent $agent matches galaxy.yml: ok"
export ANSIBLE_COLLECTIONS_PATH="$work/installed"
modules=$(cd "$root/plugins/modules" && ls *.py | sed 's/\.py$//')
for module in $modules; do
  "$bin/ansible-doc" "alibabacloud.dts.$module" > "$work/doc.txt"
  grep -q "alibabacloud.dts.$module" "$work/doc.txt"
  echo "ansible-doc alibabacloud.dts.$module: ok"
done
for plugin in $(cd "$root/plugins/inventory" && ls *.py | sed 's/\.py$//'); do
  "$bin/ansible-doc" -t inventory "alibabacloud.dts.$plugin" | grep -q "$plugin"
  echo "ansible-doc -t inventory alibabacloud.dts.$plugin: ok"
done
for role in $(ls "$root/roles"); do
  "$bin/ansible-doc" -t role "alibabacloud.dts.$role" | grep -q "dts_sync_wait_job_ids"
  echo "ansible-doc -t role alibabacloud.dts.$role: ok"
done
# A module runs from the installed copy: with no credentials it must say which to set.
cat > "$work/play.yml" <<'PLAY'
- name: Run a module from the installed collection
  hosts: localhost
  gather_facts: false
  tasks:
    - name: No credentials anywhere
      alibabacloud.dts.dts_sync_job_info:
        region: cn-hangzhou
      register: attempt
      ignore_errors: true
    - name: It failed cleanly, naming what to set
      ansible.builtin.assert:
        that:
          - attempt is failed
          - "'ALIBABA_CLOUD_ACCESS_KEY_ID' in attempt.msg"
PLAY
env -u ALIBABA_CLOUD_ACCESS_KEY_ID -u ALIBABA_CLOUD_ACCESS_KEY_SECRET HOME="$work" \
  ANSIBLE_PYTHON_INTERPRETER="$bin/python" ANSIBLE_LOCALHOST_WARNING=false \
  "$bin/ansible-playbook" -i localhost, -c local "$work/play.yml" > "$work/play.log" || { cat "$work/play.log"; exit 1; }
echo "a module ran from the installed collection: ok"
