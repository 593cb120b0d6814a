# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""TLS verified for real, stalled servers bounded, secrets absent from the most verbose output."""

import os
import subprocess
import sys

import pytest

from ansible_collections.alibabacloud.dts.tests.unit.plugins.modules.conftest import (
    COLLECTIONS_ROOT,
    SECRET,
    TOKEN,
    jobs_in_region,
)

from dts_emulator import Emulator, Faults  # noqa: E402  (tests/emulator is on sys.path via conftest)


@pytest.fixture
def tls_emulator(tmp_path):
    with Emulator(
        access_key_id='test-ak', access_key_secret=SECRET, tls=True, ca_file=str(tmp_path / 'ca.pem')
    ) as server:
        server.load_jobs(jobs_in_region(3))
        yield server


def test_tls_is_verified_and_ca_path_makes_it_work(run_module, tls_emulator):
    run = run_module('dts_sync_job_info', {'endpoint': tls_emulator.endpoint})
    assert run.failed and run.result['error']['code'] == 'SSLError' and 'ca_path' in run.result['msg']
    assert tls_emulator.counters['total'] == 0  # refused before any request was answered
    run = run_module('dts_sync_job_info', {'endpoint': tls_emulator.endpoint, 'ca_path': tls_emulator.ca_file})
    assert not run.failed and len(run.result['jobs']) == 3
    run = run_module('dts_sync_job_info', {'endpoint': tls_emulator.endpoint, 'validate_certs': False})
    assert not run.failed


def test_a_bare_host_endpoint_means_https(run_module, tls_emulator):
    run = run_module(
        'dts_sync_job_info', {'endpoint': '127.0.0.1:%d' % tls_emulator.port, 'ca_path': tls_emulator.ca_file}
    )
    assert not run.failed and len(run.result['jobs']) == 3


def test_a_stalled_server_costs_http_timeout_per_attempt_then_a_clear_error(run_module, emulator):
    emulator.faults = Faults(stall_every=1, stall_seconds=3)
    run = run_module('dts_sync_job_info', {'http_timeout': 1, 'retries': 2})
    assert run.failed and run.result['error']['code'] == 'ReadTimeout'
    assert 'http_timeout' in run.result['msg']
    assert emulator.faults.count == 3  # the first attempt and two retries, then it stopped


@pytest.mark.parametrize(
    'fault, code', [('reset', 'ConnectionError'), ('truncate', 'InvalidResponse'), ('badjson', 'InvalidResponse')]
)
def test_broken_answers_are_retried_then_named(run_module, emulator, fault, code):
    emulator.faults = Faults(**{fault + '_every': 1})
    run = run_module('dts_sync_job_info', {'retries': 1})
    assert run.failed and run.result['error']['code'] == code
    emulator.faults = Faults(script=[fault, 'ok'])
    emulator.load_jobs(jobs_in_region(4))
    run = run_module('dts_sync_job_info', {'retries': 1})
    assert not run.failed and len(run.result['jobs']) == 4


def verbose_run_env(tmp_path, emulator):
    """STS credentials known to the emulator, in the environment only, and an Ansible log to search."""
    emulator.keys['sts-ak'] = {'secret': SECRET, 'token': TOKEN, 'expires': None}
    emulator.load_jobs(jobs_in_region(4))
    env = dict((k, v) for k, v in os.environ.items() if not k.startswith(('ALIBABA_CLOUD_', 'ALICLOUD_')))
    env.update(
        ALIBABA_CLOUD_ACCESS_KEY_ID='sts-ak',
        ALIBABA_CLOUD_ACCESS_KEY_SECRET=SECRET,
        ALIBABA_CLOUD_SECURITY_TOKEN=TOKEN,
        ALIBABA_CLOUD_REGION_ID='cn-hangzhou',
        ALIBABA_CLOUD_ENDPOINT_DTS=emulator.endpoint,
        ANSIBLE_COLLECTIONS_PATH=COLLECTIONS_ROOT,
        ANSIBLE_PYTHON_INTERPRETER=sys.executable,
        HOME=str(tmp_path),
        ANSIBLE_LOCAL_TEMP=str(tmp_path / 'tmp'),
        ANSIBLE_LOG_PATH=str(tmp_path / 'ansible.log'),
        ANSIBLE_NOCOLOR='1',
    )
    return env


PLAYBOOK = """
- name: Everything the modules do, as verbosely as Ansible can say it
  hosts: localhost
  gather_facts: false
  tasks:
    - name: List with V3
      alibabacloud.dts.dts_sync_job_info:
      register: listed
    - name: List with V1
      alibabacloud.dts.dts_sync_job_info:
        signature_version: v1
    - name: Statuses
      alibabacloud.dts.dts_sync_status_info:
        job_ids: "{{ listed.jobs | map(attribute='synchronization_job_id') | list }}"
    - name: A failure, which prints the most
      alibabacloud.dts.dts_sync_job_info:
        access_key_id: test-ak
        access_key_secret: "not-the-right-one"
      ignore_errors: true
"""


def test_no_secret_token_or_signature_in_vvvv_output(tmp_path, emulator):
    env = verbose_run_env(tmp_path, emulator)
    playbook = tmp_path / 'play.yml'
    playbook.write_text(PLAYBOOK)
    process = subprocess.run(
        [
            os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'),
            '-vvvv',
            '-i',
            'localhost,',
            '-c',
            'local',
            str(playbook),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    output = process.stdout + process.stderr + (tmp_path / 'ansible.log').read_text()
    assert process.returncode == 0, output[-3000:]
    assert 'SignatureDoesNotMatch' in output  # the failing task really ran and reported
    assert emulator.signatures, 'the emulator saw no signed request'
    assert SECRET not in output and TOKEN not in output and 'not-the-right-one' not in output
    for signature in emulator.signatures:
        assert signature not in output


ROLE_PLAYBOOK = """
- name: The deploy gate, as verbosely as Ansible can say it
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Wait for the synchronizing jobs
      ansible.builtin.include_role:
        name: alibabacloud.dts.dts_sync_wait
      vars:
        dts_sync_wait_job_ids: [dtscnhang00000, dtscnhang00001]
        dts_sync_wait_timeout: 60
    - name: Wait for a failed job, which fails naming it
      block:
        - name: Gate on the failed job
          ansible.builtin.include_role:
            name: alibabacloud.dts.dts_sync_wait
          vars:
            dts_sync_wait_job_ids: [dtscnhang00003]
            dts_sync_wait_timeout: 60
      rescue:
        - name: The gate failed, as it should
          ansible.builtin.debug:
            msg: "{{ ansible_failed_result.msg }}"
"""


def test_no_secret_or_token_from_the_role_or_the_inventory_at_vvvv(tmp_path, emulator):
    env = verbose_run_env(tmp_path, emulator)
    bin_dir = os.path.dirname(sys.executable)
    playbook = tmp_path / 'gate.yml'
    playbook.write_text(ROLE_PLAYBOOK)
    gate = subprocess.run(
        [os.path.join(bin_dir, 'ansible-playbook'), '-vvvv', '-i', 'localhost,', '-c', 'local', str(playbook)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    # The inventory: once with the environment's STS credentials, once with a wrong secret in the file.
    (tmp_path / 'good.dts_sync_jobs.yml').write_text('plugin: alibabacloud.dts.dts_sync_jobs\nregions: [cn-hangzhou]\n')
    (tmp_path / 'bad.dts_sync_jobs.yml').write_text(
        'plugin: alibabacloud.dts.dts_sync_jobs\nregions: [cn-hangzhou]\naccess_key_id: sts-ak\n'
        'access_key_secret: not-the-right-one\nsecurity_token: %s\n' % TOKEN
    )
    inventories = [
        subprocess.run(
            [os.path.join(bin_dir, 'ansible-inventory'), '-vvvv', '-i', str(tmp_path / name), '--list'],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
            check=False,
        )
        for name in ('good.dts_sync_jobs.yml', 'bad.dts_sync_jobs.yml')
    ]
    output = ''.join(run.stdout + run.stderr for run in [gate] + inventories) + (tmp_path / 'ansible.log').read_text()
    assert gate.returncode == 0, output[-3000:]
    assert 'dtscnhang00003 (Forward Failed for 0 s)' in gate.stdout  # the failing gate really ran and reported
    assert '"dtscnhang00000"' in inventories[0].stdout and inventories[0].returncode == 0
    assert 'SignatureDoesNotMatch' in inventories[1].stdout + inventories[1].stderr
    assert len(emulator.signatures) >= 5  # the gate polled twice and listed once; each inventory listed
    assert SECRET not in output and TOKEN not in output and 'not-the-right-one' not in output
    for signature in emulator.signatures:
        assert signature not in output
