#!/usr/bin/env bash
# The example rulebook under the real ansible-rulebook against the emulator: a job that fails a few
# polls in fires the incident rule exactly once (its playbook writes the note), a job whose delay
# goes past the threshold fires the delay rule exactly once, and no secret shows in the output.
set -eux
source ../setup_emulator/emulator.sh
emulator_start

work="$(mktemp -d)"
rulebook_bin="$(dirname "${ANSIBLE_TEST_PYTHON_INTERPRETER:-$(command -v python3)}")/ansible-rulebook"
[ -x "${rulebook_bin}" ] || rulebook_bin="$(command -v ansible-rulebook)"

control() { curl -sf -X POST "${DTS_EMULATOR_ENDPOINT}/_emulator/$1" -d "$2" > /dev/null; }
# One legacy-made job that fails, one made the current way that falls behind, one that stays well.
control jobs '{"replace": true, "jobs": [
  {"id": "dtsfail00001", "region": "cn-hangzhou", "name": "orders-sync", "status": "Synchronizing", "delay": "1"},
  {"id": "dtslag000001", "region": "cn-hangzhou", "name": "users-sync", "status": "Synchronizing", "delay": "2",
   "origin": "current", "dts_job_id": "lag000001"},
  {"id": "dtsquiet0001", "region": "cn-hangzhou", "name": "quiet-sync", "status": "Synchronizing", "delay": "0"}]}'
# Timelines count reads of the job: the legacy-made job is read by both families every look.
control jobs/dtsfail00001/timeline \
  '{"steps": [{"status": "Failed", "error_message": "The binlog was purged", "after_polls": 6}]}'
control jobs/dtslag000001/timeline '{"steps": [{"delay": 400, "after_polls": 4}]}'

cat > "${work}/vars.yml" <<VARS
dts_watch_regions: [cn-hangzhou]
dts_watch_interval: 1
dts_watch_delay_threshold: 60
# A directory that does not exist yet: the incident playbook makes it.
dts_watch_incident_dir: ${work}/notes/incidents
VARS
cat > "${work}/inventory.yml" <<INVENTORY
all:
  hosts:
    localhost:
      ansible_connection: local
      ansible_python_interpreter: ${ANSIBLE_PYTHON_INTERPRETER}
INVENTORY

"${rulebook_bin}" --rulebook alibabacloud.dts.dts_watch --inventory "${work}/inventory.yml" \
  --vars "${work}/vars.yml" --env-vars ALIBABA_CLOUD_ENDPOINT_DTS > "${work}/rulebook.log" 2>&1 &
rulebook_pid=$!
stop_rulebook() { kill "${rulebook_pid}" 2>/dev/null || true; wait "${rulebook_pid}" 2>/dev/null || true; }
trap 'stop_rulebook; emulator_stop' EXIT

note="${work}/notes/incidents/dts-incident-dtsfail00001-forward.md"
looks() { curl -sf "${DTS_EMULATOR_ENDPOINT}/_emulator/counters" \
  | "${ANSIBLE_PYTHON_INTERPRETER}" -c 'import json, sys; print(json.load(sys.stdin)["by_action"].get("DescribeDtsJobs", 0))'; }
# Wait (at most 120 s) for both rules to have fired: the note is written and the notice printed.
for _ in $(seq 1200); do
  if [ -s "${note}" ] && grep -q 'is 400 s behind' "${work}/rulebook.log"; then break; fi
  kill -0 "${rulebook_pid}" || { cat "${work}/rulebook.log"; exit 1; }
  sleep 0.1
done
# Then let the source look at the jobs five more times: a transition emitted twice would show now.
seen="$(looks)"
for _ in $(seq 600); do
  [ "$(looks)" -ge $((seen + 5)) ] && break
  sleep 0.1
done
stop_rulebook
cat "${work}/rulebook.log"

[ "$(looks)" -ge $((seen + 5)) ]
grep -q 'The binlog was purged' "${note}"
grep -q 'Synchronizing -> Failed' "${note}"
# Why, as the failed gate says it.
grep -q '^- Gate: failed_status$' "${note}"
[ "$(grep -c 'PLAY \[Write an incident note for a failed DTS job\]' "${work}/rulebook.log")" -eq 1 ]
[ "$(grep -c 'dtslag000001 (Forward) in cn-hangzhou is 400 s behind' "${work}/rulebook.log")" -eq 1 ]
# The quiet job and the lagging job never fire the incident rule.
[ "$(ls "${work}"/notes/incidents/dts-incident-*.md | wc -l)" -eq 1 ]
! grep -q "${ALIBABA_CLOUD_ACCESS_KEY_SECRET}" "${work}/rulebook.log"
