#!/usr/bin/env bash
# The dts_sync_wait role against the DTS emulator: real lifecycles scripted through its control
# API, advancing per poll (no sleeps), with one-second polls.
set -eux

source ../setup_emulator/emulator.sh
emulator_start

# A region of the target's own: listings then hold only the jobs the scenarios load.
export ALIBABA_CLOUD_REGION_ID=cn-zhangjiakou

ansible-playbook success.yml "$@"
ansible-playbook failures.yml "$@"
ansible-playbook gates.yml "$@"
ansible-playbook two_way.yml "$@"
ansible-playbook validation.yml "$@"
ansible-playbook cutover.yml "$@"
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
