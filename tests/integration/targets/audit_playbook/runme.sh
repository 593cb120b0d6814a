#!/usr/bin/env bash
# The audit playbook over the example inventory (five regions, four with the emulator's default
# data, jobs of both API families, us-west-1 empty); every count and finding of the report is
# checked against the emulator's own jobs.
set -eux
source ../setup_emulator/emulator.sh
emulator_start

work="$(mktemp -d)"
trap 'rm -rf "${work}"; emulator_stop' EXIT
playbooks="$(cd "$(dirname "$(emulator_script)")/../../playbooks" && pwd)"

# The defaults: delay over 300 s, PrePaid jobs expiring within 14 days.
ansible-playbook -i "${playbooks}/inventory/demo.dts_sync_jobs.yml" "${playbooks}/audit.yml" \
  -e "dts_audit_output_dir=${work}/default" "$@"
"${ANSIBLE_PYTHON_INTERPRETER}" check_report.py "${work}/default" 300 14 empty=us-west-1

# With alert rules: one DescribeJobMonitorRule request per task, and every task without an enabled delay
# and error alert, or with a delay alert above the threshold, reported (computed from the emulator's rules).
cat > "${work}/alerts.dts_sync_jobs.yml" <<CONFIG
plugin: alibabacloud.dts.dts_sync_jobs
regions: [cn-hangzhou, cn-beijing, cn-shanghai, ap-southeast-1, us-west-1]
monitor_rules: true
CONFIG
tasks="$("${ANSIBLE_PYTHON_INTERPRETER}" -c "
import json, os, urllib.request
jobs = json.load(urllib.request.urlopen(os.environ['DTS_EMULATOR_ENDPOINT'] + '/_emulator/jobs?origin=all'))['jobs']
print(len(set(job['dts_job_id'] for job in jobs if job['job_type'] == 'SYNC')))
request = urllib.request.Request(os.environ['DTS_EMULATOR_ENDPOINT'] + '/_emulator/reset', method='POST', data=b'{}')
urllib.request.urlopen(request).read()")"
ansible-playbook -i "${work}/alerts.dts_sync_jobs.yml" "${playbooks}/audit.yml" \
  -e "dts_audit_output_dir=${work}/alerts" "$@" | tee "${work}/alerts.log"
"${ANSIBLE_PYTHON_INTERPRETER}" check_report.py "${work}/alerts" 300 14 empty=us-west-1 "alerts=${tasks}"
grep -q ' alert, ' "${work}/alerts.log"
if grep -q '13955' "${work}/alerts/dts-audit.md" "${work}/alerts/dts-audit.csv"; then
  echo "a phone number of an alert rule reached the report" >&2
  exit 1
fi

# Other thresholds change what is reported.
ansible-playbook -i "${playbooks}/inventory/demo.dts_sync_jobs.yml" "${playbooks}/audit.yml" \
  -e "dts_audit_output_dir=${work}/strict" -e dts_audit_max_delay=600 -e dts_audit_expiry_days=400 "$@"
"${ANSIBLE_PYTHON_INTERPRETER}" check_report.py "${work}/strict" 600 400 empty=us-west-1

# The legacy family alone: its own ids, names and directions fill the same columns.
cat > "${work}/legacy.dts_sync_jobs.yml" <<CONFIG
plugin: alibabacloud.dts.dts_sync_jobs
api: [legacy]
regions: [cn-hangzhou, cn-beijing, cn-shanghai, ap-southeast-1, us-west-1]
CONFIG
ansible-playbook -i "${work}/legacy.dts_sync_jobs.yml" "${playbooks}/audit.yml" \
  -e "dts_audit_output_dir=${work}/legacy" "$@"
"${ANSIBLE_PYTHON_INTERPRETER}" check_report.py "${work}/legacy" 300 14 empty=us-west-1 api=legacy

# Another prefix for the inventory's host variables: the audit reads them where it is told.
cat > "${work}/prefix.dts_sync_jobs.yml" <<CONFIG
plugin: alibabacloud.dts.dts_sync_jobs
hostvars_prefix: job_
regions: [cn-hangzhou, cn-beijing, cn-shanghai, ap-southeast-1, us-west-1]
CONFIG
ansible-playbook -i "${work}/prefix.dts_sync_jobs.yml" "${playbooks}/audit.yml" \
  -e "dts_audit_output_dir=${work}/prefix" -e dts_audit_hostvars_prefix=job_ "$@"
"${ANSIBLE_PYTHON_INTERPRETER}" check_report.py "${work}/prefix" 300 14 empty=us-west-1

# Several accounts in one inventory: the report counts and lists jobs per account.
cat > "${work}/accounts.dts_sync_jobs.yml" <<CONFIG
plugin: alibabacloud.dts.dts_sync_jobs
regions: [cn-hangzhou, cn-beijing]
accounts:
  - name: china
  - name: asia
    regions: [ap-southeast-1, cn-shanghai]
CONFIG
ansible-playbook -i "${work}/accounts.dts_sync_jobs.yml" "${playbooks}/audit.yml" \
  -e "dts_audit_output_dir=${work}/accounts" "$@"
"${ANSIBLE_PYTHON_INTERPRETER}" check_report.py "${work}/accounts" 300 14 \
  accounts=cn-hangzhou:china,cn-beijing:china,ap-southeast-1:asia,cn-shanghai:asia

# A region that refuses the listing is named in the report as not audited; the others are reported.
"${ANSIBLE_PYTHON_INTERPRETER}" -c "
import json, os, urllib.request
request = urllib.request.Request(os.environ['DTS_EMULATOR_ENDPOINT'] + '/_emulator/config', method='POST',
                                 data=json.dumps({'refused_regions': ['cn-beijing']}).encode())
urllib.request.urlopen(request).read()"
ansible-playbook -i "${playbooks}/inventory/demo.dts_sync_jobs.yml" "${playbooks}/audit.yml" \
  -e "dts_audit_output_dir=${work}/refused" "$@"
"${ANSIBLE_PYTHON_INTERPRETER}" check_report.py "${work}/refused" 300 14 refused=cn-beijing empty=us-west-1

# A region whose listing fails (here: an account whose endpoint refuses connections) is not a
# silent gap: the inventory keeps the other account's jobs, and the audit fails naming the region
# and the error, before anything is written; told to report partial results, it says so at the top.
cat > "${work}/failing.dts_sync_jobs.yml" <<CONFIG
plugin: alibabacloud.dts.dts_sync_jobs
regions: [cn-hangzhou]
accounts:
  - name: working
  - name: unreachable
    endpoint: http://127.0.0.1:9
    regions: [cn-shanghai]
CONFIG
if ansible-playbook -i "${work}/failing.dts_sync_jobs.yml" "${playbooks}/audit.yml" \
    -e "dts_audit_output_dir=${work}/failing" "$@" > "${work}/failing.log" 2>&1; then
  echo "the audit of an inventory with a failed region succeeded" >&2
  exit 1
fi
grep -q 'region cn-shanghai of account unreachable: .*ConnectionRefused' "${work}/failing.log"
test ! -e "${work}/failing"
ansible-playbook -i "${work}/failing.dts_sync_jobs.yml" "${playbooks}/audit.yml" \
  -e "dts_audit_output_dir=${work}/partial" -e dts_audit_allow_partial=true "$@" | tee "${work}/partial.log"
grep -q 'PARTIAL' "${work}/partial.log"
head -4 "${work}/partial/dts-audit.md" | grep -q '^\*\*Partial report (dts_audit_allow_partial): 1 region could not be listed'
grep -q '| unreachable | cn-shanghai | ConnectionRefused |' "${work}/partial/dts-audit.md"
grep -q '| working | cn-hangzhou |' "${work}/partial/dts-audit.md"

# An inventory that listed nothing (no dts_sync_jobs source) is not an empty account.
if ansible-playbook -i localhost, "${playbooks}/audit.yml" -e "dts_audit_output_dir=${work}/nothing" "$@" \
    > "${work}/nothing.log" 2>&1; then
  echo "the audit of an inventory that listed nothing succeeded" >&2
  exit 1
fi
grep -q 'the inventory listed no DTS region' "${work}/nothing.log"
test ! -e "${work}/nothing"

# A bad setting stops the play before anything is written.
if ansible-playbook -i "${playbooks}/inventory/demo.dts_sync_jobs.yml" "${playbooks}/audit.yml" \
    -e "dts_audit_output_dir=${work}/bad" -e dts_audit_max_delay=soon "$@" > "${work}/bad.log" 2>&1; then
  echo "the audit accepted dts_audit_max_delay=soon" >&2
  exit 1
fi
grep -q 'dts_audit_max_delay' "${work}/bad.log"
test ! -e "${work}/bad"

# Jobs whose names and messages are written to be evaluated by a spreadsheet or rendered as HTML,
# links and images (hostile_jobs.json): every count and text is reported as above, and the reports
# stay inert (check_report.py checks both in every run).
"${ANSIBLE_PYTHON_INTERPRETER}" -c "
import json, os, urllib.request
for path, body in (('config', {'refused_regions': []}), ('jobs', json.load(open('hostile_jobs.json')))):
    request = urllib.request.Request(os.environ['DTS_EMULATOR_ENDPOINT'] + '/_emulator/' + path, method='POST',
                                     data=json.dumps(body).encode())
    urllib.request.urlopen(request).read()"
ansible-playbook -i "${playbooks}/inventory/demo.dts_sync_jobs.yml" "${playbooks}/audit.yml" \
  -e "dts_audit_output_dir=${work}/hostile" "$@"
"${ANSIBLE_PYTHON_INTERPRETER}" check_report.py "${work}/hostile" 300 14 empty=us-west-1
grep -q "\"'=HYPERLINK(" "${work}/hostile/dts-audit.csv"
if grep -q '<script>' "${work}/hostile/dts-audit.md"; then
  echo "dts-audit.md holds a script element" >&2
  exit 1
fi
