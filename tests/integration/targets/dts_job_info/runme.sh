#!/usr/bin/env bash
# dts_job_info, and dts_sync_status_info across both API families, against the DTS emulator with a
# DescribeDtsJobs page cap smaller than any page size asked for and statuses in lower case.
set -eux
source ../setup_emulator/emulator.sh
emulator_start --dts-jobs-page-cap 20 --lowercase-statuses
ansible-playbook main.yml "$@"
