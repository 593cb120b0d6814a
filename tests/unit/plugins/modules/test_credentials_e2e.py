# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where production Ansible runs: real ansible-playbook runs at -vvvv, each with an empty HOME but
for what the case writes, against an endpoint that accepts only the STS credentials the emulator's
STS, metadata service or credentials URI issued."""

import hashlib
import json
import os
import subprocess
import sys

import pytest

from ansible_collections.alibabacloud.dts.tests.unit.plugins.modules.conftest import COLLECTIONS_ROOT, jobs_in_region

from dts_emulator import DEFAULT_ECS_ROLE, DEFAULT_OIDC_TOKEN, ApiError, Emulator  # noqa: E402

BASE_SECRET = 'base-secret-never-printed-0123'
ROLE = 'acs:ram::123456789012:role/dts-reader'
PROVIDER = 'acs:ram::123456789012:oidc-provider/ack-rrsa'

PLAYBOOK = """
- name: Gather DTS jobs with whatever credentials the chain finds
  hosts: localhost
  gather_facts: false
  tasks:
    - name: List
      alibabacloud.dts.dts_sync_job_info:
      register: listed
    - name: Keep what the test checks
      ansible.builtin.copy:
        content: "{{ {'source': listed.credentials_source, 'jobs': listed.jobs | length} | to_json }}"
        dest: "{{ result_file }}"
        mode: "0600"
"""

# Prints the credentials-URI answer in the shape an aliyun CLI External command prints.
EXTERNAL = """import json, sys, urllib.request
answer = json.load(urllib.request.urlopen(sys.argv[1]))
print(json.dumps({"mode": "StsToken", "access_key_id": answer["AccessKeyId"],
                  "access_key_secret": answer["AccessKeySecret"], "sts_token": answer["SecurityToken"],
                  "expiration": answer["Expiration"]}))
"""


@pytest.fixture
def sts_only():
    """An emulator whose DTS actions refuse every key but the STS ones it issued."""
    with Emulator(access_key_id='base-ak', access_key_secret=BASE_SECRET) as server:
        server.load_jobs(jobs_in_region(3))
        check_rate = server.check_rate

        def only_sts(action, caller, region):
            if not caller.startswith('STS.'):
                raise ApiError(403, 'Forbidden.RAM', 'this test endpoint accepts STS credentials only')
            return check_rate(action, caller, region)

        server.check_rate = only_sts
        yield server


def run_playbook(tmp_path, emulator, env=None, files=None):
    home = tmp_path / 'home'
    home.mkdir()
    for relative, text in (files or {}).items():
        path = home / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            text.replace('{home}', str(home))
            .replace('{endpoint}', emulator.endpoint)
            .replace('{python}', sys.executable)
        )
    (tmp_path / 'play.yml').write_text(PLAYBOOK)
    environ = dict((k, v) for k, v in os.environ.items() if not k.startswith(('ALIBABA_CLOUD_', 'ALICLOUD_')))
    environ.update(
        ALIBABA_CLOUD_REGION_ID='cn-hangzhou',
        ALIBABA_CLOUD_ENDPOINT_DTS=emulator.endpoint,
        ALIBABA_CLOUD_STS_ENDPOINT=emulator.endpoint,
        ANSIBLE_COLLECTIONS_PATH=COLLECTIONS_ROOT,
        ANSIBLE_PYTHON_INTERPRETER=sys.executable,
        HOME=str(home),
        ANSIBLE_LOCAL_TEMP=str(tmp_path / 'tmp'),
        ANSIBLE_LOG_PATH=str(tmp_path / 'ansible.log'),
        ANSIBLE_NOCOLOR='1',
    )
    # Only the ECS case serves a role: elsewhere the metadata service is there and names none.
    environ['ALIBABA_CLOUD_ECS_METADATA_ENDPOINT'] = emulator.endpoint
    environ.update(
        dict(
            (k, v.replace('{home}', str(home)).replace('{endpoint}', emulator.endpoint)) for k, v in (env or {}).items()
        )
    )
    process = subprocess.run(
        [
            os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'),
            '-vvvv',
            '-i',
            'localhost,',
            '-c',
            'local',
            str(tmp_path / 'play.yml'),
            '-e',
            'result_file=%s' % (tmp_path / 'result.json'),
        ],
        capture_output=True,
        text=True,
        env=environ,
        timeout=300,
        check=False,
    )
    output = process.stdout + process.stderr + (tmp_path / 'ansible.log').read_text()
    assert process.returncode == 0, output[-4000:]
    result = json.loads((tmp_path / 'result.json').read_text())
    assert result['jobs'] == 3
    # Nothing secret at -vvvv: the base secret, every issued secret and token, the OIDC token.
    secrets = [BASE_SECRET, DEFAULT_OIDC_TOKEN]
    for key in emulator.keys.values():
        secrets += [key['secret'], key['token']]
    for secret in secrets:
        assert not secret or secret not in output
    return result, [entry for entry in emulator.log if entry['action'] in ('AssumeRole', 'AssumeRoleWithOIDC')]


def test_a_chainable_ram_role_arn_profile_assumes_its_role_with_its_session_name(tmp_path, sts_only):
    sts_only.config['ecs_roles'] = []
    config = {
        'current': 'prod',
        'profiles': [
            {'name': 'base', 'mode': 'AK', 'access_key_id': 'base-ak', 'access_key_secret': BASE_SECRET},
            {
                'name': 'prod',
                'mode': 'ChainableRamRoleArn',
                'source_profile': 'base',
                'ram_role_arn': ROLE,
                'ram_session_name': 'prod-deploys',
                'region_id': 'cn-hangzhou',
            },
        ],
    }
    result, sts = run_playbook(tmp_path, sts_only, files={'.aliyun/config.json': json.dumps(config)})
    assert result['source'] == 'CLI profile prod (ChainableRamRoleArn via base)'
    assert [(e['action'], e['params']['RoleArn'], e['params']['RoleSessionName']) for e in sts] == [
        ('AssumeRole', ROLE, 'prod-deploys')
    ]


def test_the_oidc_variables_lead_to_assume_role_with_oidc_with_the_token_files_content(tmp_path, sts_only):
    sts_only.config['ecs_roles'] = []
    result, sts = run_playbook(
        tmp_path,
        sts_only,
        files={'token': DEFAULT_OIDC_TOKEN},
        env={
            'ALIBABA_CLOUD_ROLE_ARN': ROLE,
            'ALIBABA_CLOUD_OIDC_PROVIDER_ARN': PROVIDER,
            'ALIBABA_CLOUD_OIDC_TOKEN_FILE': '{home}/token',
            'ALIBABA_CLOUD_ROLE_SESSION_NAME': 'awx-job',
        },
    )
    assert result['source'] == 'OIDC role %s' % ROLE
    digest = 'sha256:' + hashlib.sha256(DEFAULT_OIDC_TOKEN.encode('utf-8')).hexdigest()[:12]
    assert [
        (
            e['action'],
            e['params']['RoleArn'],
            e['params']['OIDCProviderArn'],
            e['params']['OIDCToken'],
            e['params']['RoleSessionName'],
        )
        for e in sts
    ] == [('AssumeRoleWithOIDC', ROLE, PROVIDER, digest, 'awx-job')]


def test_the_ecs_role_is_discovered_when_no_name_is_configured_anywhere(tmp_path, sts_only):
    sts_only.config['require_imds_token'] = True
    result, sts = run_playbook(tmp_path, sts_only)
    assert result['source'] == 'ECS RAM role %s (discovered)' % DEFAULT_ECS_ROLE
    assert sts == []


def test_an_external_profile_runs_its_command_and_uses_what_it_prints(tmp_path, sts_only):
    sts_only.config['ecs_roles'] = []
    config = {
        'current': 'ext',
        'profiles': [
            {
                'name': 'ext',
                'mode': 'External',
                'process_command': '{python} {home}/creds.py {endpoint}/_emulator/credentials-uri',
            }
        ],
    }
    result, _sts = run_playbook(
        tmp_path, sts_only, files={'.aliyun/config.json': json.dumps(config), 'creds.py': EXTERNAL}
    )
    assert result['source'] == 'CLI profile ext (External)'


def test_an_ini_file_with_inline_comments_works(tmp_path, sts_only):
    sts_only.config['ecs_roles'] = []
    ini = (
        '[default]\ntype = ram_role_arn  # exchanged through STS\naccess_key_id = base-ak  # the base key\n'
        'access_key_secret = %s\nrole_arn = %s  # the role\nrole_session_name = from-ini # audit name\n'
        % (BASE_SECRET, ROLE)
    )
    result, sts = run_playbook(tmp_path, sts_only, files={'.alibabacloud/credentials.ini': ini})
    assert result['source'] == 'INI profile default of %s (ram_role_arn)' % (
        tmp_path / 'home' / '.alibabacloud' / 'credentials.ini'
    )
    assert [(e['params']['RoleArn'], e['params']['RoleSessionName']) for e in sts] == [(ROLE, 'from-ini')]


def test_the_credentials_uri_comes_last(tmp_path, sts_only):
    sts_only.config['ecs_roles'] = []
    result, _sts = run_playbook(
        tmp_path, sts_only, env={'ALIBABA_CLOUD_CREDENTIALS_URI': '{endpoint}/_emulator/credentials-uri'}
    )
    assert result['source'] == 'credentials URI %s/_emulator/credentials-uri' % sts_only.endpoint


def test_modules_say_where_their_credentials_came_from_in_success_and_failure(run_module, emulator):
    emulator.load_jobs(jobs_in_region(2))
    run = run_module('dts_sync_job_info', {})
    assert not run.failed and run.result['credentials_source'] == 'module options'
    run = run_module('dts_sync_job_info', {'access_key_secret': 'not-the-right-one'})
    assert run.failed and run.result['error']['code'] == 'SignatureDoesNotMatch'
    assert run.result['credentials_source'] == 'module options'
