#!/usr/bin/env bash
# The dts_sync_wait role against the DTS emulator: real lifecycles scripted through its control
# API, advancing per poll (no sleeps), with one-second polls.
set -eux

# TODO(harness): replace with `source ../setup_emulator/...` once it is on main.
# ansible-test runs a copy of the target, so find the emulator through the collection's path.
python="${ANSIBLE_TEST_PYTHON_INTERPRETER:-$(command -v python3)}"
export ANSIBLE_PYTHON_INTERPRETER="${python}"
emulator="$(dirname "$0")/../../../emulator/dts_emulator.py"
for root in ${ANSIBLE_COLLECTIONS_PATH//:/ }; do
  candidate="${root}/ansible_collections/alibabacloud/dts/tests/emulator/dts_emulator.py"
  [ -f "${candidate}" ] && emulator="${candidate}" && break
done
port_file="$(mktemp -u)"
"${python}" "${emulator}" --port 0 --port-file "${port_file}" --quiet &
emulator_pid=$!
trap 'kill ${emulator_pid}' EXIT
for _ in $(seq 50); do [ -s "${port_file}" ] && break; sleep 0.1; done
export DTS_EMULATOR_ENDPOINT="http://127.0.0.1:$(cat "${port_file}")"
export ALIBABA_CLOUD_ENDPOINT_DTS="${DTS_EMULATOR_ENDPOINT}"
export ALIBABA_CLOUD_ACCESS_KEY_ID=dts-emulator-ak
export ALIBABA_CLOUD_ACCESS_KEY_SECRET=dts-emulator-secret

# A region of the target's own: listings then hold only the jobs the scenarios load.
export ALIBABA_CLOUD_REGION_ID=cn-zhangjiakou
export ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false

ansible-playbook success.yml "$@"
ansible-playbook failures.yml "$@"
ansible-playbook lag_gate.yml "$@"
ansible-playbook two_way.yml "$@"
ansible-playbook validation.yml "$@"
ansible-playbook check_mode.yml --check "$@"

# Auth, three ways: the environment (as exported above), then with the environment removed,
# the dts_sync_wait_auth dictionary and the play's module_defaults.
ansible-playbook auth_env.yml "$@"
env -u ALIBABA_CLOUD_ACCESS_KEY_ID -u ALIBABA_CLOUD_ACCESS_KEY_SECRET -u ALIBABA_CLOUD_REGION_ID \
    -u ALIBABA_CLOUD_ENDPOINT_DTS \
  ansible-playbook auth.yml \
    -e "emulator_access_key_id=${ALIBABA_CLOUD_ACCESS_KEY_ID}" \
    -e "emulator_access_key_secret=${ALIBABA_CLOUD_ACCESS_KEY_SECRET}" \
    -e "test_region=${ALIBABA_CLOUD_REGION_ID}" "$@"

# The example playbook gates its deploy step on a job the emulator walks to Synchronizing.
ansible-playbook deploy_gate.yml "$@"
