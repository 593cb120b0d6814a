# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Secrets that would reach error text, as users hand them over: a token from a YAML block, a key with a
newline inside, an endpoint with a password, credentials sent in clear.  Through ansible-playbook and
ansible-inventory at -vvvv: the secret, token, signature or password never appears anywhere."""

import os
import subprocess
import sys

from ansible_collections.alibabacloud.dts.tests.unit.network import closed_loopback_proxy
from ansible_collections.alibabacloud.dts.tests.unit.plugins.modules.conftest import SECRET, TOKEN
from ansible_collections.alibabacloud.dts.tests.unit.plugins.modules.test_hardening import verbose_run_env

# Halves of values refused for what lies between them: neither half may be printed.
HEAD, TAIL = 'Hd7kQ2head', 'Tz9wL4tail'
PASSWORD = 'Pw5-never-printed'
# Somewhere that is not this machine (TEST-NET-1, RFC 5737). Nothing is ever sent there: every run that
# names it goes through a proxy on a closed loopback port (closed_loopback_proxy), which refuses at once.
ELSEWHERE = '192.0.2.1:9'


GOOD_PLAYBOOK = """
- name: A token from a YAML block keeps its trailing newline; it still works
  hosts: localhost
  gather_facts: false
  tasks:
    - name: List with the block's token
      alibabacloud.dts.dts_sync_job_info:
        access_key_id: sts-ak
        access_key_secret: %(secret)s
        security_token: |
          %(token)s
      register: listed
    - name: The jobs were listed
      ansible.builtin.assert:
        that: listed.jobs | length == 4
""" % {'secret': SECRET, 'token': TOKEN}

BAD_PLAYBOOK = """
- name: Values that would have reached error text
  hosts: localhost
  gather_facts: false
  tasks:
    - name: A token with a newline inside
      alibabacloud.dts.dts_sync_job_info:
        access_key_id: sts-ak
        access_key_secret: "{{ lookup('ansible.builtin.env', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET') }}"
        security_token: "{{ lookup('ansible.builtin.env', 'BAD_TOKEN') }}"
      ignore_errors: true
    - name: A key id with a newline inside, which requests would print with the whole Authorization header
      alibabacloud.dts.dts_sync_job_info:
        access_key_id: "sts-ak\\nx"
        access_key_secret: "{{ lookup('ansible.builtin.env', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET') }}"
        security_token: "{{ lookup('ansible.builtin.env', 'ALIBABA_CLOUD_SECURITY_TOKEN') }}"
      ignore_errors: true
    - name: An endpoint with a password, which requests would send instead of the signature
      alibabacloud.dts.dts_sync_job_info:
        endpoint: "{{ lookup('ansible.builtin.env', 'BAD_ENDPOINT') }}"
      ignore_errors: true
    - name: The same password in an assume_role endpoint
      alibabacloud.dts.dts_sync_job_info:
        assume_role:
          role_arn: acs:ram::123456789012:role/dts-reader
          endpoint: "{{ lookup('ansible.builtin.env', 'BAD_ENDPOINT') }}"
      ignore_errors: true
"""


def ansible(tmp_path, env, command, *args):
    process = subprocess.run(
        [os.path.join(os.path.dirname(sys.executable), command), '-vvvv'] + list(args),
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    log = tmp_path / 'ansible.log'
    return process, process.stdout + process.stderr + (log.read_text() if log.exists() else '')


def assert_hidden(output, *values):
    for value in values:
        assert value not in output, '%r printed' % value


def test_a_yaml_block_token_works_and_the_loopback_demo_path_warns_of_nothing(tmp_path, emulator):
    env = verbose_run_env(tmp_path, emulator)
    (tmp_path / 'good.yml').write_text(GOOD_PLAYBOOK)
    process, output = ansible(
        tmp_path, env, 'ansible-playbook', '-i', 'localhost,', '-c', 'local', str(tmp_path / 'good.yml')
    )
    assert process.returncode == 0, output[-3000:]
    assert emulator.signatures, 'the emulator saw no signed request'
    assert_hidden(output, SECRET, TOKEN, *emulator.signatures)
    # Plain HTTP to 127.0.0.1 (the emulator, the demo): no warning (make check-home fails on one).
    assert '[WARNING]' not in output


def test_bad_values_fail_naming_the_option_before_any_request_and_are_never_printed(tmp_path, emulator):
    env = verbose_run_env(tmp_path, emulator)
    host = emulator.endpoint.split('://')[1]
    # From the environment, as from a vault: a value written in the playbook would be quoted by
    # ansible-core itself, which shows the source lines of a failed task.
    env.update(BAD_TOKEN='%s\n%s' % (HEAD, TAIL), BAD_ENDPOINT='http://user:%s@%s' % (PASSWORD, host))
    (tmp_path / 'bad.yml').write_text(BAD_PLAYBOOK)
    process, output = ansible(
        tmp_path, env, 'ansible-playbook', '-i', 'localhost,', '-c', 'local', str(tmp_path / 'bad.yml')
    )
    assert process.returncode == 0, output[-3000:]
    assert 'security_token holds whitespace, a control character or a non-ASCII character' in output
    assert 'access_key_id holds whitespace, a control character or a non-ASCII character' in output
    assert 'endpoint must not carry user information' in output
    assert 'assume_role.endpoint must not carry user information' in output
    assert emulator.counters['total'] == 0  # refused before any request: nothing was sent, nothing retried
    assert_hidden(output, SECRET, TOKEN, HEAD, TAIL, PASSWORD)


def warnings(result):
    """The texts of a module result's warnings (ansible-core 2.19 and later return them as objects)."""
    return [item if isinstance(item, str) else item['event']['msg'] for item in result.get('warnings', [])]


def test_credentials_sent_in_clear_or_unverified_are_warned_about(run_module):
    proxy = closed_loopback_proxy()
    run = run_module(
        'dts_sync_job_info', {'endpoint': 'http://' + ELSEWHERE, 'http_timeout': 1, 'retries': 0}, env=proxy
    )
    assert run.failed and warnings(run.result) == [
        'the DTS endpoint http://%s is plain http://: the access key id, the security token and the signature of '
        'every request travel unencrypted, and can be read or replayed on the way. Use https://.' % ELSEWHERE
    ]
    run = run_module(
        'dts_sync_job_info',
        {'endpoint': 'https://' + ELSEWHERE, 'validate_certs': False, 'http_timeout': 1, 'retries': 0},
        env=proxy,
    )
    assert run.failed and len(warnings(run.result)) == 1
    assert warnings(run.result)[0].startswith('validate_certs is false: the TLS certificate of the DTS endpoint')
    run = run_module('dts_sync_job_info', {})  # the emulator, over plain HTTP on 127.0.0.1
    assert not run.failed and 'warnings' not in run.result
    assert_hidden(run.stdout + run.stderr, SECRET)


INVENTORY = 'plugin: alibabacloud.dts.dts_sync_jobs\nregions: [cn-hangzhou]\napi: [legacy]\n'


def test_the_inventory_names_bad_values_never_prints_them_and_warns_of_clear_text(tmp_path, emulator):
    env = verbose_run_env(tmp_path, emulator)
    host = emulator.endpoint.split('://')[1]
    configs = {
        'block': 'access_key_id: sts-ak\naccess_key_secret: %s\nsecurity_token: |\n  %s\n' % (SECRET, TOKEN),
        'token': 'access_key_id: sts-ak\naccess_key_secret: %s\nsecurity_token: "%s\\n%s"\n' % (SECRET, HEAD, TAIL),
        'key_id': 'access_key_id: "sts-ak\\n%s"\naccess_key_secret: %s\n' % (HEAD, SECRET),
        'password': 'endpoint: http://user:%s@%s\n' % (PASSWORD, host),
        'elsewhere': 'endpoint: http://%s\nhttp_timeout: 1\nretries: 0\n' % ELSEWHERE,
    }
    runs = {}
    for name, config in configs.items():
        path = tmp_path / ('%s.dts_sync_jobs.yml' % name)
        path.write_text(INVENTORY + config)
        run_env = dict(env, **closed_loopback_proxy()) if name == 'elsewhere' else env
        runs[name] = ansible(tmp_path, run_env, 'ansible-inventory', '-i', str(path), '--list')
    block, output = runs['block']
    assert block.returncode == 0 and '"dtscnhang00000"' in block.stdout, output[-3000:]
    assert '[WARNING]' not in output
    requests_of_one_listing = emulator.counters['total']
    assert 'security_token holds whitespace' in runs['token'][1]
    assert 'access_key_id holds whitespace' in runs['key_id'][1]
    assert 'endpoint must not carry user information' in runs['password'][1]
    elsewhere = runs['elsewhere'][1]
    assert '[WARNING]' in elsewhere and 'the DTS endpoint http://%s is plain http://' % ELSEWHERE in elsewhere
    assert emulator.counters['total'] == requests_of_one_listing  # the refused ones sent nothing
    assert_hidden(
        ''.join(output for _process, output in runs.values()), SECRET, TOKEN, HEAD, TAIL, PASSWORD, *emulator.signatures
    )
