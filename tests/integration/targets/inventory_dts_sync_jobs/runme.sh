#!/usr/bin/env bash
# ansible-inventory with the dts_sync_jobs plugin against the emulator, 150 ms a request:
# several regions, keyed groups, --graph, cache reuse without a request, a refused region.
set -eux
source ../setup_emulator/emulator.sh
emulator_start --latency-ms 150

work="$(mktemp -d)"
trap 'rm -rf "${work}"; emulator_stop' EXIT
check() { "${ANSIBLE_PYTHON_INTERPRETER}" check.py "$@"; }
regions='[cn-hangzhou, cn-beijing, cn-shanghai, ap-southeast-1, us-west-1]'

cat > "${work}/cached.dts_sync_jobs.yml" <<CONFIG
plugin: alibabacloud.dts.dts_sync_jobs
regions: ${regions}
keyed_groups:
  - key: dts_tags.env | default('untagged')
    prefix: env
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: ${work}/cache
CONFIG

# Every record of five regions (one empty), grouped; pages and regions fetched concurrently.
check reset
ansible-inventory -i "${work}/cached.dts_sync_jobs.yml" --list > "${work}/first.json" 2> "${work}/first.err"
check inventory "${work}/first.json"
check quiet "${work}/first.err"

# The second run is served from the cache: the same inventory, not one request.
check reset
ansible-inventory -i "${work}/cached.dts_sync_jobs.yml" --list > "${work}/second.json"
check cached "${work}/first.json" "${work}/second.json"

# --graph shows the default and keyed groups, still from the cache.
ansible-inventory -i "${work}/cached.dts_sync_jobs.yml" --graph > "${work}/graph.txt" 2> "${work}/graph.err"
check graph "${work}/graph.txt"
check quiet "${work}/graph.err"

# --flush-cache (ansible-playbook's) asks DTS again.
printf -- '- hosts: all\n  gather_facts: false\n  tasks: []\n' > "${work}/hosts.yml"
check reset
ansible-playbook -i "${work}/cached.dts_sync_jobs.yml" --flush-cache --list-hosts "${work}/hosts.yml" \
  > "${work}/flushed.txt"
check requested "${work}/flushed.txt"

# A region that refuses is a warning naming it; the others still make the inventory.
cat > "${work}/refused.dts_sync_jobs.yml" <<CONFIG
plugin: alibabacloud.dts.dts_sync_jobs
regions: ${regions}
CONFIG
check refuse cn-beijing
ansible-inventory -i "${work}/refused.dts_sync_jobs.yml" --list > "${work}/refused.json" 2> "${work}/refused.err"
check refused cn-beijing "${work}/refused.json" "${work}/refused.err"

# strict is about compose and groups: a refusal still leaves an inventory.
echo 'strict: true' >> "${work}/refused.dts_sync_jobs.yml"
ANSIBLE_INVENTORY_UNPARSED_FAILED=true ansible-inventory -i "${work}/refused.dts_sync_jobs.yml" --list \
  > "${work}/refused.json" 2> "${work}/refused.err"
check refused cn-beijing "${work}/refused.json" "${work}/refused.err"

# With strict_regions, it fails the source (and ansible-inventory with it, as unparsed is failed).
echo 'strict_regions: true' >> "${work}/refused.dts_sync_jobs.yml"
if ANSIBLE_INVENTORY_UNPARSED_FAILED=true ansible-inventory -i "${work}/refused.dts_sync_jobs.yml" --list \
    > /dev/null 2> "${work}/strict.err"; then
  echo "a refused region passed with strict_regions: true" >&2
  exit 1
fi
check strict cn-beijing "${work}/strict.err"
check refuse

# A region whose listing fails (an account whose endpoint refuses connections) is a partial result:
# the other regions' jobs are hosts, dts_regions names the failed one and its error, a warning too.
cat > "${work}/failing.dts_sync_jobs.yml" <<CONFIG
plugin: alibabacloud.dts.dts_sync_jobs
regions: ${regions}
accounts:
  - name: working
  - name: unreachable
    endpoint: http://127.0.0.1:9
    regions: [cn-shanghai]
CONFIG
ANSIBLE_INVENTORY_UNPARSED_FAILED=true ansible-inventory -i "${work}/failing.dts_sync_jobs.yml" --list \
  > "${work}/failing.json" 2> "${work}/failing.err"
check failed unreachable cn-shanghai "${work}/failing.json" "${work}/failing.err"
# With strict_regions, it fails the source.
echo 'strict_regions: true' >> "${work}/failing.dts_sync_jobs.yml"
if ANSIBLE_INVENTORY_UNPARSED_FAILED=true ansible-inventory -i "${work}/failing.dts_sync_jobs.yml" --list \
    > /dev/null 2> "${work}/failing-strict.err"; then
  echo "a failed region passed with strict_regions: true" >&2
  exit 1
fi
check strict cn-shanghai "${work}/failing-strict.err" ConnectionRefused

# With strict_regions, any other failure fails the source: a wrong secret is an error, not an empty inventory.
if ALIBABA_CLOUD_ACCESS_KEY_SECRET=not-the-secret ANSIBLE_INVENTORY_UNPARSED_FAILED=true \
    ansible-inventory -i "${work}/refused.dts_sync_jobs.yml" --list > /dev/null 2> "${work}/wrong.err"; then
  echo "a wrong secret gave an inventory" >&2
  exit 1
fi
check strict cn-hangzhou "${work}/wrong.err" SignatureDoesNotMatch
