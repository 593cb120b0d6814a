#!/usr/bin/env bash
# make demo: the emulator plus the example playbooks (facts, a deploy gate, an audit report).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin="$root/.venv/bin"
work=$(mktemp -d "${TMPDIR:-/tmp}/dts-demo.XXXXXX")
# Ansible's state goes to build/home, never under $HOME (make exports the same; this covers direct runs).
export ANSIBLE_HOME="${ANSIBLE_HOME:-$root/build/home/.ansible}"
export ANSIBLE_REMOTE_TEMP="${ANSIBLE_REMOTE_TEMP:-$ANSIBLE_HOME/tmp}" ANSIBLE_ASYNC_DIR="${ANSIBLE_ASYNC_DIR:-$ANSIBLE_HOME/async}"

# Run the collection from this checkout.
mkdir -p "$work/collections/ansible_collections/alibabacloud"
ln -s "$root" "$work/collections/ansible_collections/alibabacloud/dts"

"$bin/python" "$root/tests/emulator/dts_emulator.py" --port 0 --port-file "$work/port" --quiet > "$work/emulator.log" 2>&1 &
emulator=$!
trap 'kill "$emulator" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 100); do [ -s "$work/port" ] && break; kill -0 "$emulator" || { cat "$work/emulator.log"; exit 1; }; sleep 0.1; done
[ -s "$work/port" ] || { echo "the emulator did not start" >&2; exit 1; }
endpoint="http://127.0.0.1:$(cat "$work/port")"

export ALIBABA_CLOUD_ACCESS_KEY_ID=dts-emulator-ak ALIBABA_CLOUD_ACCESS_KEY_SECRET=dts-emulator-secret
export ALIBABA_CLOUD_REGION_ID=cn-hangzhou ALIBABA_CLOUD_ENDPOINT_DTS="$endpoint" DTS_EMULATOR_ENDPOINT="$endpoint"
export ANSIBLE_COLLECTIONS_PATH="$work/collections" ANSIBLE_PYTHON_INTERPRETER="$bin/python"
export ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false ANSIBLE_NOCOLOR=${ANSIBLE_NOCOLOR:-}
cd "$root"
echo "== DTS emulator on $endpoint"

echo "== 1. Facts: alibabacloud.dts.facts (playbooks/facts.yml)"
"$bin/ansible-playbook" alibabacloud.dts.facts

if [ -f playbooks/deploy_gate.yml ]; then
  echo "== 2. Cutover: a job made with the current console (task id demoorders0001) goes NotStarted -> Prechecking -> Initializing -> synchronizing, then the gate waits for replication past the stop of writes"
  curl_json() { "$bin/python" -c 'import json,sys,urllib.request as u; r=u.Request(sys.argv[1], data=sys.argv[2].encode(), method="POST"); print(u.urlopen(r).read().decode())' "$@"; }
  curl_json "$endpoint/_emulator/jobs" '{"jobs": [{"id": "dtsdemoorders0001", "dts_job_id": "demoorders0001", "origin": "current", "region": "cn-hangzhou", "name": "orders-prod-sync", "status": "NotStarted", "tags": {"env": "prod"}}]}' > /dev/null
  curl_json "$endpoint/_emulator/jobs/dtsdemoorders0001/timeline" '{"steps": [{"status": "Prechecking", "after_polls": 1}, {"status": "Initializing", "after_polls": 2}, {"status": "synchronizing", "delay": 1, "checkpoint": "now", "after_polls": 4}]}' > /dev/null
  "$bin/ansible-playbook" alibabacloud.dts.deploy_gate -e '{"deploy_gate_job_ids": ["demoorders0001"]}'
fi

echo "== 3. Cutover readiness: gate on DTS's own data validation, and a failed gate that explains itself"
# The emulator's seeded scenarios, by name: a task whose full and incremental validation passed, one still
# validating, and the job whose precheck failed. (The control API is demo scaffolding.)
ids=$("$bin/python" - "$endpoint" <<'PY'
import json, sys, urllib.request
jobs = json.load(urllib.request.urlopen(sys.argv[1] + '/_emulator/jobs?region=cn-hangzhou&origin=all'))['jobs']
named = dict((job['name'], job) for job in jobs)
failed = next(job for job in jobs if job.get('precheck_failures') and job['job_type'] == 'SYNC')
print(named['payments-prod-cdc']['dts_job_id'], named['orders-prod-dr']['dts_job_id'], failed['id'])
PY
)
read -r clean_job running_job precheck_job <<< "$ids"
cat > "$work/cutover.yml" <<'PLAY'
---
- name: Gate a cutover on the switch-over rule and on data validation
  hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - name: Gate on the cutover preset and a clean full and incremental validation
      ansible.builtin.include_role:
        name: alibabacloud.dts.dts_sync_wait
      vars:
        dts_sync_wait_job_ids: ["{{ clean_job }}", "{{ running_job }}"]
        dts_sync_wait_preset: cutover
        dts_sync_wait_stable_for: 3   # the preset holds for 60 s; the demo does not wait that long
        dts_sync_wait_data_check: [full, incremental]
        dts_sync_wait_poll_interval: 1
        dts_sync_wait_timeout: 60

    - name: Show what each poll saw (the second task still validating)
      ansible.builtin.debug:
        msg: "{{ dts_sync_wait_result.progress }}"

    - name: Gate on a job whose precheck failed
      block:
        - name: Wait for it
          ansible.builtin.include_role:
            name: alibabacloud.dts.dts_sync_wait
          vars:
            dts_sync_wait_job_ids: ["{{ precheck_job }}"]
            dts_sync_wait_poll_interval: 1
      rescue:
        - name: The gate failed, and says why (the failed precheck items and how to repair them)
          ansible.builtin.debug:
            msg: "{{ ansible_failed_result.msg }}"
PLAY
"$bin/ansible-playbook" "$work/cutover.yml" -e "clean_job=$clean_job running_job=$running_job precheck_job=$precheck_job"

if [ -f playbooks/audit.yml ]; then
  echo "== 4. Audit: every job of every region, from the dts_sync_jobs inventory"
  "$bin/ansible-playbook" -i playbooks/inventory/demo.dts_sync_jobs.yml alibabacloud.dts.audit -e "dts_audit_output_dir=$root/build/dts-audit"
  echo "Report written to $root/build/dts-audit/"
  ls "$root/build/dts-audit/"
fi
