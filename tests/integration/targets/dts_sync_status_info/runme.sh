#!/usr/bin/env bash
# dts_sync_status_info in real playbooks against the DTS emulator.
set -eux
source ../setup_emulator/emulator.sh
emulator_start
ansible-playbook main.yml "$@"
