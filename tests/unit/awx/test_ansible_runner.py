# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection as AWX and AAP run it: ansible-runner over a private data directory (project/,
inventory/, env/envvars, env/extravars), the credential type's injectors, the job events an operator
sees, and what ends up in the job's artifacts.

ansible-runner writes artifacts/<ident>/command with the job's whole environment (and env.list when it
runs the job in a container): an AccessKey secret passed as an environment variable is in that file.
The collection's credential type passes it as a file instead, whose path alone is in the environment;
these tests check both statements, and that nothing the collection prints, returns or writes carries
a secret."""

import json
import os
import stat

from ansible_collections.alibabacloud.dts.tests.unit.awx.conftest import (
    ACCESS_KEY_ID,
    SECRET,
    artifact_texts,
    clean_environ,
    harness_env,
    load_credential_type,
    private_data_dir,
    render_injectors,
    run_job,
)

STS_KEY_ID, STS_SECRET, STS_TOKEN = 'STS.awx-temporary', 'sts-secret-never-shown-5d0e', 'CAIS-sts-token-never-shown+/='
ORDERS = 'dtsawxorders01'

INVENTORY_SOURCE = """plugin: alibabacloud.dts.dts_sync_jobs
regions: [cn-hangzhou, cn-beijing, us-west-1]
"""


def events_of(runner, kind, task=None):
    return [
        event
        for event in runner.events
        if event.get('event') == kind and (task is None or event.get('event_data', {}).get('task') == task)
    ]


def assert_secret_free(runner, secrets, allowed=()):
    """No secret in stdout, in any job event, or in any artifact but those ``allowed``."""
    stdout = runner.stdout.read()
    events = json.dumps(list(runner.events))
    for secret in secrets:
        assert secret not in stdout
        assert secret not in events
    for name, text in artifact_texts(runner).items():
        if name not in allowed:
            for secret in secrets:
                assert secret not in text, 'the secret is in artifacts/job/%s' % name


def test_the_audit_imported_from_a_project_reads_the_inventory_source_with_the_credential_types_sts_keys(
    tmp_path, emulator, monkeypatch
):
    clean_environ(monkeypatch)
    # Only the temporary keys, with their token, are accepted.
    emulator.keys = {STS_KEY_ID: {'secret': STS_SECRET, 'token': STS_TOKEN, 'expires': None}}
    root = tmp_path / 'runner'
    injected, safe = render_injectors(
        load_credential_type(),
        {
            'access_key_id': STS_KEY_ID,
            'access_key_secret': STS_SECRET,
            'security_token': STS_TOKEN,
            'region': 'cn-hangzhou',
        },
        root,
    )
    root = private_data_dir(
        tmp_path,
        '- ansible.builtin.import_playbook: alibabacloud.dts.audit\n',
        dict(harness_env(tmp_path, emulator), **injected),
        extravars={'dts_audit_output_dir': 'reports'},
    )
    (root / 'inventory' / 'dts.dts_sync_jobs.yml').write_text(INVENTORY_SOURCE)

    runner = run_job(root)

    assert runner.status == 'successful' and runner.rc == 0, runner.stdout.read()
    summary = events_of(runner, 'runner_on_ok', 'Say what was found and where the report is')
    assert len(summary) == 1
    message = summary[0]['event_data']['res']['msg']
    assert 'job records audited in 3 regions' in message
    # A relative output directory is the job's working directory's: the project, not the collection.
    report = root / 'project' / 'reports' / 'dts-audit.md'
    assert str(report) in message and report.is_file()
    assert not events_of(runner, 'runner_on_failed')
    assert emulator.log and all(entry['outcome'] == 'ok' for entry in emulator.log)
    # No secret anywhere, not even in the command file: the keys came in a file.
    assert_secret_free(runner, [STS_SECRET, STS_TOKEN])
    credentials_file = injected['ALIBABA_CLOUD_CREDENTIALS_FILE']
    assert os.path.dirname(credentials_file) == str(root / 'env')
    assert stat.S_IMODE(os.stat(credentials_file).st_mode) == 0o600
    assert STS_SECRET not in json.dumps(safe) and STS_TOKEN not in json.dumps(safe)


def test_a_deploy_gate_passes_and_keys_passed_as_environment_variables_are_in_the_command_file_only(
    tmp_path, emulator, monkeypatch
):
    clean_environ(monkeypatch)
    emulator.load_jobs([{'id': ORDERS, 'region': 'cn-hangzhou', 'name': 'orders', 'status': 'Initializing'}])
    emulator.set_timeline(ORDERS, [{'status': 'Synchronizing', 'delay': 1, 'checkpoint': 'now', 'after_polls': 2}])
    envvars = dict(
        harness_env(tmp_path, emulator),
        ALIBABA_CLOUD_ACCESS_KEY_ID=ACCESS_KEY_ID,
        ALIBABA_CLOUD_ACCESS_KEY_SECRET=SECRET,
        ALIBABA_CLOUD_REGION_ID='cn-hangzhou',
    )
    root = private_data_dir(
        tmp_path,
        '- ansible.builtin.import_playbook: alibabacloud.dts.deploy_gate\n',
        envvars,
        extravars={'deploy_gate_job_ids': [ORDERS], 'deploy_gate_stable_for': 1, 'deploy_gate_timeout': 60},
    )

    runner = run_job(root)

    assert runner.status == 'successful' and runner.rc == 0, runner.stdout.read()
    # Each gate's wait is a loop of slices, its last one the slice that passed.
    waits = events_of(runner, 'runner_on_ok', 'Wait for the jobs to reach Synchronizing')
    assert len(waits) == 2 and all(event['event_data']['res']['results'][-1]['passed'] for event in waits)
    first_gate = events_of(runner, 'runner_on_ok', 'Show what each poll of the first gate saw')
    assert any('%s (Forward Initializing' % ORDERS in line for line in first_gate[0]['event_data']['res']['msg'])
    assert (
        len(
            events_of(
                runner, 'runner_on_ok', 'Switch the application to the destination (a stand-in for the real switch)'
            )
        )
        == 1
    )
    # ansible-runner's own record of the command line and environment holds the secret; nothing else does.
    assert SECRET in artifact_texts(runner)['command']
    assert_secret_free(runner, [SECRET], allowed=('command',))


def test_a_failing_gate_fails_the_job_with_the_jobs_error_message(tmp_path, emulator, monkeypatch):
    clean_environ(monkeypatch)
    emulator.load_jobs(
        [{'id': ORDERS, 'region': 'cn-hangzhou', 'name': 'orders', 'status': 'Synchronizing', 'delay': '1'}]
    )
    emulator.set_timeline(ORDERS, [{'status': 'Failed', 'error_message': 'The binlog was purged', 'after_polls': 1}])
    root = tmp_path / 'runner'
    injected, _safe = render_injectors(
        load_credential_type(),
        {'access_key_id': ACCESS_KEY_ID, 'access_key_secret': SECRET, 'region': 'cn-hangzhou'},
        root,
    )
    root = private_data_dir(
        tmp_path,
        '- ansible.builtin.import_playbook: alibabacloud.dts.deploy_gate\n',
        dict(harness_env(tmp_path, emulator), **injected),
        extravars={'deploy_gate_job_ids': [ORDERS], 'deploy_gate_timeout': 60},
    )

    runner = run_job(root)

    assert runner.status == 'failed' and runner.rc != 0
    failed = events_of(runner, 'runner_on_failed')
    assert [event['event_data']['task'] for event in failed] == [
        'Fail with what was last seen of each job not there, and for how long it held'
    ]
    message = failed[0]['event_data']['res']['msg']
    assert ORDERS in message and 'Failed' in message and 'The binlog was purged' in message
    assert not events_of(
        runner, 'runner_on_ok', 'Stop writes on the source (a stand-in for putting the application in read-only mode)'
    )
    assert_secret_free(runner, [SECRET])


PROGRESS_GATE = (
    """- name: Gate on the orders job, reporting progress every 2 seconds
  hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - name: Wait for the orders job
      ansible.builtin.include_role:
        name: alibabacloud.dts.dts_sync_wait
      vars:
        dts_sync_wait_job_ids: [%s]
        dts_sync_wait_poll_interval: 1
        dts_sync_wait_progress_interval: 2
        dts_sync_wait_timeout: 60

    - name: Say how the gate went
      ansible.builtin.debug:
        msg: "{{ {'slices': dts_sync_wait_result.slices, 'polls': dts_sync_wait_result.polls,
                  'progress': dts_sync_wait_result.progress} }}"
"""
    % ORDERS
)
WAIT_TASK = 'Wait for the jobs to reach Synchronizing'


def test_a_waiting_gate_reports_its_progress_in_job_events_while_it_waits(tmp_path, emulator, monkeypatch):
    """The role's wait runs as a loop of slices: each slice is a job event (runner_item_on_ok) whose
    label is its progress lines, the same words as the -v lines, handed to ansible-runner while the
    gate still polls; a change of what it waits for ends a slice at once, and otherwise a slice ends
    within dts_sync_wait_progress_interval. The job moves by polls (the emulator's timeline), never
    by the clock."""
    import ansible_runner

    clean_environ(monkeypatch)
    emulator.load_jobs([{'id': ORDERS, 'region': 'cn-hangzhou', 'name': 'orders', 'status': 'NotStarted'}])
    emulator.set_timeline(
        ORDERS,
        [
            {'status': 'Prechecking', 'after_polls': 2},
            {'status': 'Initializing', 'after_polls': 3},
            {'status': 'Synchronizing', 'after_polls': 7},
        ],
    )
    root = tmp_path / 'runner'
    injected, _safe = render_injectors(
        load_credential_type(),
        {'access_key_id': ACCESS_KEY_ID, 'access_key_secret': SECRET, 'region': 'cn-hangzhou'},
        root,
    )
    root = private_data_dir(tmp_path, PROGRESS_GATE, dict(harness_env(tmp_path, emulator), **injected))
    # What the emulator had answered when each job event reached ansible-runner's event handler.
    answered_when = {}

    def note(event):
        answered_when[event['uuid']] = emulator.counters['total']
        return True

    runner = ansible_runner.run(
        private_data_dir=str(root),
        playbook='site.yml',
        inventory=str(root / 'inventory'),
        quiet=True,
        ident='job',
        verbosity=1,
        event_handler=note,
    )

    assert runner.status == 'successful' and runner.rc == 0, runner.stdout.read()
    slices = events_of(runner, 'runner_item_on_ok', WAIT_TASK)
    results = [event['event_data']['res'] for event in slices]
    summary = events_of(runner, 'runner_on_ok', 'Say how the gate went')[0]['event_data']['res']['msg']
    verbose = events_of(runner, 'runner_on_ok', 'Show what each poll saw (one line per job not there yet)')
    # One event a slice, each labelled with its lines: together, word for word, the -v lines.
    assert summary['polls'] == 7 and summary['slices'] == len(slices) >= 5
    assert [result['_ansible_item_label'] for result in results] == [
        '\n'.join(result['slice_progress']) if result['slice_progress'] else 'poll 7: every job there'
        for result in results
    ]
    lines = [line for result in results for line in result['slice_progress']]
    assert lines == summary['progress'] == verbose[0]['event_data']['res']['msg']
    assert lines[0] == 'poll 1, 0 s: %s (Forward NotStarted for 0 s), 60 s left' % ORDERS
    assert [result.get('waiting') for result in results] == [True] * (len(results) - 1) + [None]
    assert results[-1]['passed'] and 'wait_state' not in results[-1]
    # A change of what the gate waits for ends its slice at once: each status is first seen on a slice's last line.
    for status in ('NotStarted', 'Prechecking', 'Initializing'):
        first = next(
            index
            for index, result in enumerate(results)
            if any('Forward %s' % status in line for line in result['slice_progress'])
        )
        assert 'Forward %s for 0 s' % status in results[first]['slice_progress'][-1]
    # Without a change, a slice still ends within the progress interval: Initializing held for
    # polls 3 to 6, over more than one slice.
    holding = [
        result
        for result in results
        if result['slice_progress']
        and all(
            'Forward Initializing for' in line and 'Initializing for 0 s' not in line
            for line in result['slice_progress']
        )
    ]
    assert holding
    # The events reached ansible-runner while the gate still polled, not all at its end.
    assert emulator.counters['total'] == 7 and answered_when[slices[0]['uuid']] < 7
    assert [answered_when[event['uuid']] for event in slices] == sorted(
        answered_when[event['uuid']] for event in slices
    )
    assert_secret_free(runner, [SECRET])
