#!/usr/bin/env bash
# dts_data_check_info against the DTS emulator's data validation scenarios: a clean full and
# incremental check, an inconsistent full check, a running one, a failed one, none configured.
set -eux
source ../setup_emulator/emulator.sh
emulator_start
ansible-playbook main.yml "$@"
