# shellcheck shell=bash
# Sourced by integration targets' runme.sh: start the DTS emulator on a free port for this target.
#
#   source ../setup_emulator/emulator.sh
#   emulator_start [extra dts_emulator.py options]
#
# exports ALIBABA_CLOUD_ACCESS_KEY_ID / _SECRET (the emulator's demo key), ALIBABA_CLOUD_REGION_ID
# (cn-hangzhou unless already set), ALIBABA_CLOUD_ENDPOINT_DTS and DTS_EMULATOR_ENDPOINT (its
# control API lives under $DTS_EMULATOR_ENDPOINT/_emulator/), and stops it when the shell exits.

emulator_python="${ANSIBLE_TEST_PYTHON_INTERPRETER:-$(command -v python3)}"
export ANSIBLE_PYTHON_INTERPRETER="${emulator_python}"
export ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false

# ansible-test runs a copy of the targets, so find the emulator through the collection's path.
emulator_script() {
  local root candidate
  for root in ${ANSIBLE_COLLECTIONS_PATH//:/ }; do
    candidate="${root}/ansible_collections/alibabacloud/dts/tests/emulator/dts_emulator.py"
    if [ -f "${candidate}" ]; then echo "${candidate}"; return 0; fi
  done
  echo "$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../emulator" && pwd)/dts_emulator.py"
}

emulator_start() {
  local port_file
  port_file="$(mktemp -u)"
  "${emulator_python}" "$(emulator_script)" --port 0 --port-file "${port_file}" --quiet "$@" &
  EMULATOR_PID=$!
  trap emulator_stop EXIT
  # The port file appears once the emulator listens; give up after 10 s.
  for _ in $(seq 100); do
    [ -s "${port_file}" ] && break
    kill -0 "${EMULATOR_PID}" 2>/dev/null || { echo "the DTS emulator exited" >&2; return 1; }
    sleep 0.1
  done
  [ -s "${port_file}" ] || { echo "the DTS emulator did not start" >&2; return 1; }
  export DTS_EMULATOR_ENDPOINT="http://127.0.0.1:$(cat "${port_file}")"
  export ALIBABA_CLOUD_ENDPOINT_DTS="${DTS_EMULATOR_ENDPOINT}"
  export ALIBABA_CLOUD_ACCESS_KEY_ID=dts-emulator-ak
  export ALIBABA_CLOUD_ACCESS_KEY_SECRET=dts-emulator-secret
  export ALIBABA_CLOUD_REGION_ID="${ALIBABA_CLOUD_REGION_ID:-cn-hangzhou}"
  rm -f "${port_file}"
}

emulator_stop() {
  if [ -n "${EMULATOR_PID:-}" ]; then
    kill "${EMULATOR_PID}" 2>/dev/null || true
    wait "${EMULATOR_PID}" 2>/dev/null || true
    EMULATOR_PID=
  fi
}
