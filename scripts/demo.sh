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

if [ -f playbooks/audit.yml ]; then
  echo "== 3. Audit: every job of every region, from the dts_sync_jobs inventory"
  "$bin/ansible-playbook" -i playbooks/inventory/demo.dts_sync_jobs.yml alibabacloud.dts.audit -e "dts_audit_output_dir=$root/build/dts-audit"
  echo "Report written to $root/build/dts-audit/"
  ls "$root/build/dts-audit/"
fi
