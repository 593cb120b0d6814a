#!/usr/bin/env bash
# Untrusted data stays data: DTS jobs whose names, tags, error messages, precheck items, endpoints,
# statuses and ids hold templates that would create a canary file if evaluated (and unbalanced Jinja
# delimiters), and a refused region whose message does too, run through every face of the collection:
# the modules, the role, the inventory with compose, keyed_groups, groups, hostnames and its cache, a
# play over its hosts, the audit, and the example rulebook under the real ansible-rulebook. No canary
# may appear, and each text must come back verbatim (hostile.py). tests/utils/test-hostile.sh runs this
# on every ansible-core the collection claims.
set -eux
source ../setup_emulator/emulator.sh
emulator_start

work="$(mktemp -d)"
canary="${work}/canaries"
mkdir "${canary}"
hostile() { "${ANSIBLE_PYTHON_INTERPRETER}" hostile.py "$1" "${canary}" "${@:2}"; }
control() { curl -sf -X POST "${DTS_EMULATOR_ENDPOINT}/_emulator/$1" -d "$2" > /dev/null; }
playbooks="$(cd "$(dirname "$(emulator_script)")/../../playbooks" && pwd)"
rulebook_bin="$(dirname "${ANSIBLE_TEST_PYTHON_INTERPRETER:-$(command -v python3)}")/ansible-rulebook"
[ -x "${rulebook_bin}" ] || rulebook_bin="$(command -v ansible-rulebook)"
rulebook_pid=
stop_rulebook() {
  if [ -n "${rulebook_pid}" ]; then kill "${rulebook_pid}" 2>/dev/null || true; wait "${rulebook_pid}" 2>/dev/null || true; fi
  rulebook_pid=
}
trap 'stop_rulebook; [ -n "${KEEP_WORK:-}" ] || rm -rf "${work}"; emulator_stop' EXIT

ansible-playbook --version | sed -n 1p   # the ansible-core under test (ansible-rulebook runs it too)
control jobs "$(hostile jobs)"
control config "$(hostile refusal)"

# The modules and the role.
ansible-playbook faces.yml -e "hostile_output=${work}/modules.json" "$@"
hostile modules "${work}/modules.json"

# The inventory: host variables, compose, keyed_groups, groups, hostnames, dts_regions with the refusal.
cat > "${work}/hostile.dts_sync_jobs.yml" <<CONFIG
plugin: alibabacloud.dts.dts_sync_jobs
regions: [cn-hangzhou, cn-beijing]
hostnames: [dts_job_name, dts_synchronization_job_name]
compose:
  hostile_label: (dts_tags.env | default('')) ~ ' / ' ~ (dts_job_name | default(dts_synchronization_job_name | default('')))
keyed_groups:
  - key: dts_tags.env | default('untagged')
    prefix: env
  - key: dts_job_name | default(dts_synchronization_job_name | default(''))
    prefix: name
groups:
  hostile_errors: "'lookup' in (dts_error_message | default(''))"
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: ${work}/cache
CONFIG
ansible-inventory -i "${work}/hostile.dts_sync_jobs.yml" --list --export > "${work}/inventory.json"
hostile inventory "${work}/inventory.json"
# The same from the cache: what was stored is read back as data too.
ansible-inventory -i "${work}/hostile.dts_sync_jobs.yml" --list --export > "${work}/cached.json"
hostile inventory "${work}/cached.json"

# A play over the inventory's hosts, then the audit over it.
ansible-playbook -i "${work}/hostile.dts_sync_jobs.yml" hosts.yml -e "hostile_output=${work}/hosts.json" "$@"
hostile hosts "${work}/hosts.json"
ansible-playbook -i "${work}/hostile.dts_sync_jobs.yml" "${playbooks}/audit.yml" \
  -e "dts_audit_output_dir=${work}/audit" "$@"
hostile audit "${work}/audit"

# The example rulebook: the EDA jobs fail (one lags) once the watch has had its first look.
cat > "${work}/vars.yml" <<VARS
dts_watch_regions: [ap-southeast-1]
dts_watch_interval: 1
dts_watch_delay_threshold: 60
dts_watch_incident_dir: ${work}/incidents
VARS
mkdir "${work}/incidents"
cat > "${work}/inventory.yml" <<INVENTORY
all:
  hosts:
    localhost:
      ansible_connection: local
      ansible_python_interpreter: ${ANSIBLE_PYTHON_INTERPRETER}
INVENTORY
"${ANSIBLE_PYTHON_INTERPRETER}" -c '
import json, sys, urllib.parse, urllib.request
endpoint, timelines = sys.argv[1], json.loads(sys.argv[2])
for job, steps in timelines.items():
    request = urllib.request.Request("%s/_emulator/jobs/%s/timeline" % (endpoint, urllib.parse.quote(job, safe="")),
                                     data=json.dumps({"steps": steps}).encode(), method="POST")
    urllib.request.urlopen(request).read()' "${DTS_EMULATOR_ENDPOINT}" "$(hostile timelines)"
"${rulebook_bin}" --rulebook alibabacloud.dts.dts_watch --inventory "${work}/inventory.yml" \
  --vars "${work}/vars.yml" --env-vars ALIBABA_CLOUD_ENDPOINT_DTS > "${work}/rulebook.log" 2>&1 &
rulebook_pid=$!
# Wait (at most 120 s) for three notes, the refusal of the hostile id and the delay notice.
done_looking() {
  [ "$(find "${work}/incidents" -name 'dts-incident-*.md' -size +0 | wc -l)" -ge 3 ] \
    && grep -q 'No incident note' "${work}/rulebook.log" && grep -q 'is 400 s behind' "${work}/rulebook.log"
}
for _ in $(seq 1200); do
  done_looking && break
  [ -z "$(ls -A "${canary}")" ] || break   # a template ran: hostile.py says which
  kill -0 "${rulebook_pid}" || { cat "${work}/rulebook.log"; exit 1; }
  sleep 0.1
done
stop_rulebook
cat "${work}/rulebook.log"
hostile incidents "${work}/incidents" "${work}/rulebook.log"
