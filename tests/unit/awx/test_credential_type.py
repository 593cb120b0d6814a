# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The AWX / AAP credential type (extensions/awx/credential_types/alibabacloud_dts.yml): what the
controller's API accepts, and the collection run with exactly what its injectors set: a job through
ansible-runner and an inventory update (ansible-inventory through ansible-runner)."""

import json
import re

from ansible_collections.alibabacloud.dts.tests.unit.awx.conftest import (
    ACCESS_KEY_ID,
    SECRET,
    clean_environ,
    harness_env,
    load_credential_type,
    private_data_dir,
    render_injectors,
    run_job,
)

ROLE = 'acs:ram::123456789012:role/dts-reader'

LIST_JOBS = """
- name: List the region's jobs with the credential's keys
  hosts: localhost
  gather_facts: false
  tasks:
    - name: List
      alibabacloud.dts.dts_sync_job_info:
      register: listed
    - name: Say where the credentials came from
      ansible.builtin.debug:
        msg: "{{ listed.credentials_source }}: {{ listed.jobs | length }} records"
"""


def test_the_credential_type_is_what_the_controller_accepts():
    credential_type = load_credential_type()
    assert set(credential_type) == {'name', 'description', 'kind', 'inputs', 'injectors'}
    # Only these two kinds may be created through the API.
    assert credential_type['kind'] in ('cloud', 'net')
    fields = dict((field['id'], field) for field in credential_type['inputs']['fields'])
    assert all(re.match(r'^[a-zA-Z_][a-zA-Z0-9_]*$', name) for name in fields)
    assert all(field['type'] == 'string' and field['label'] for field in fields.values())
    assert set(name for name, field in fields.items() if field.get('secret')) == {'access_key_secret', 'security_token'}
    assert set(credential_type['inputs']['required']) <= set(fields)
    assert set(credential_type['injectors']) <= {'env', 'file', 'extra_vars'}
    # The controller refuses injected variables it uses itself; and no secret goes into one.
    for name, template in credential_type['injectors']['env'].items():
        assert not name.startswith('ANSIBLE_') and name not in ('PATH', 'PYTHONPATH', 'HOME', 'JOB_ID')
        assert 'access_key_secret' not in template and 'security_token' not in template


def render_file(inputs, tmp_path):
    env, _safe = render_injectors(load_credential_type(), inputs, tmp_path)
    with open(env['ALIBABA_CLOUD_CREDENTIALS_FILE']) as handle:
        return env, handle.read()


def test_the_file_holds_the_keys_of_the_inputs_given_and_the_safe_environment_none(tmp_path):
    env, text = render_file(
        {'access_key_id': 'ak', 'access_key_secret': SECRET, 'security_token': '', 'region': ''}, tmp_path
    )
    lines = [line for line in text.splitlines() if line.strip()]
    assert lines == ['[default]', 'type = access_key', 'access_key_id = ak', 'access_key_secret = %s' % SECRET]
    assert env['ALIBABA_CLOUD_REGION_ID'] == '' and env['ALIBABA_CLOUD_CLI_PROFILE_DISABLED'] == 'true'
    _env, text = render_file({'access_key_id': 'ak', 'access_key_secret': SECRET, 'role_arn': ROLE}, tmp_path)
    assert 'type = ram_role_arn' in text and 'role_arn = %s' % ROLE in text and 'role_session_name' not in text


def test_a_role_arn_is_assumed_with_the_keys_and_the_session_name(tmp_path, emulator, monkeypatch):
    clean_environ(monkeypatch)
    root = tmp_path / 'runner'
    injected, _safe = render_injectors(
        load_credential_type(),
        {
            'access_key_id': ACCESS_KEY_ID,
            'access_key_secret': SECRET,
            'role_arn': ROLE,
            'role_session_name': 'awx-job-42',
            'region': 'cn-hangzhou',
        },
        root,
    )
    root = private_data_dir(tmp_path, LIST_JOBS, dict(harness_env(tmp_path, emulator), **injected))

    runner = run_job(root)

    assert runner.status == 'successful', runner.stdout.read()
    [said] = [
        event['event_data']['res']['msg']
        for event in runner.events
        if event.get('event') == 'runner_on_ok'
        and event['event_data'].get('task') == 'Say where the credentials came from'
    ]
    assert said.startswith('INI profile default of %s (ram_role_arn)' % injected['ALIBABA_CLOUD_CREDENTIALS_FILE'])
    sts = [entry for entry in emulator.log if entry['action'] == 'AssumeRole']
    assert [(entry['params']['RoleArn'], entry['params']['RoleSessionName']) for entry in sts] == [(ROLE, 'awx-job-42')]
    issued = [key for key in emulator.keys if key.startswith('STS.')]
    output = runner.stdout.read() + json.dumps(list(runner.events))
    for secret in (
        [SECRET] + [emulator.keys[key]['secret'] for key in issued] + [emulator.keys[key]['token'] for key in issued]
    ):
        assert secret not in output


def test_an_sts_token_with_a_role_arn_fails_before_any_request_saying_what_to_leave_empty(
    tmp_path, emulator, monkeypatch
):
    clean_environ(monkeypatch)
    root = tmp_path / 'runner'
    injected, _safe = render_injectors(
        load_credential_type(),
        {
            'access_key_id': ACCESS_KEY_ID,
            'access_key_secret': SECRET,
            'security_token': 'CAIS-token',
            'role_arn': ROLE,
            'region': 'cn-hangzhou',
        },
        root,
    )
    root = private_data_dir(tmp_path, LIST_JOBS, dict(harness_env(tmp_path, emulator), **injected))

    runner = run_job(root)

    assert runner.status == 'failed'
    [failed] = [event for event in runner.events if event.get('event') == 'runner_on_failed']
    assert 'sts_token_with_role_arn_is_not_supported_leave_the_sts_token_empty' in failed['event_data']['res']['msg']
    assert emulator.log == []


def test_an_inventory_update_lists_the_jobs_with_the_credential(tmp_path, emulator, monkeypatch):
    import ansible_runner

    clean_environ(monkeypatch)
    root = tmp_path / 'runner'
    injected, _safe = render_injectors(
        load_credential_type(),
        {'access_key_id': ACCESS_KEY_ID, 'access_key_secret': SECRET, 'region': 'cn-hangzhou'},
        root,
    )
    source = tmp_path / 'dts.dts_sync_jobs.yml'
    source.write_text('plugin: alibabacloud.dts.dts_sync_jobs\nregions: [cn-hangzhou, cn-beijing]\n')
    env = dict(harness_env(tmp_path, emulator), **injected)

    out, err = ansible_runner.get_inventory(
        'list', [str(source)], response_format='json', envvars=env, private_data_dir=str(root), quiet=True
    )

    assert 'dts_region_cn_beijing' in out and 'dts_status_synchronizing' in out, err
    assert SECRET not in json.dumps(out) + str(err)
