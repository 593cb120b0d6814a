#!/usr/bin/env bash
# dts_sync_job_info in real playbooks against the DTS emulator's default data.
set -eux
source ../setup_emulator/emulator.sh
emulator_start
ansible-playbook main.yml "$@"
