#!/usr/bin/env bash
# The dts_sync_jobs inventory and the audit playbook against the emulator, 150 ms a request.
set -eux
source ../setup_emulator/emulator.sh
emulator_start --latency-ms 150

work="$(mktemp -d)"
cat > "${work}/test.dts_sync_jobs.yml" <<CONFIG
plugin: alibabacloud.dts.dts_sync_jobs
regions: [cn-hangzhou, cn-beijing, cn-shanghai, ap-southeast-1, us-west-1]
keyed_groups:
  - key: tags.env | default('untagged')
    prefix: env
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: ${work}/cache
CONFIG

ansible-inventory -i "${work}/test.dts_sync_jobs.yml" --list > "${work}/first.json"
"${ANSIBLE_PYTHON_INTERPRETER}" check.py inventory "${work}/first.json"
# The second run is served from the cache: the same inventory, no request.
ansible-inventory -i "${work}/test.dts_sync_jobs.yml" --list > "${work}/second.json"
"${ANSIBLE_PYTHON_INTERPRETER}" check.py cached "${work}/first.json" "${work}/second.json"
ansible-inventory -i "${work}/test.dts_sync_jobs.yml" --graph | tee "${work}/graph.txt"
grep -q '@dts_region_cn_beijing' "${work}/graph.txt"
grep -q '@dts_status_synchronizing' "${work}/graph.txt"

# The audit playbook, from the example inventory, checked against the emulator's data.
playbooks="$(cd "$(dirname "$(emulator_script)")/../../playbooks" && pwd)"
ansible-playbook -i "${playbooks}/inventory/demo.dts_sync_jobs.yml" "${playbooks}/audit.yml" \
  -e "dts_audit_output_dir=${work}/audit" "$@"
"${ANSIBLE_PYTHON_INTERPRETER}" check.py audit "${work}/audit"
rm -rf "${work}"
