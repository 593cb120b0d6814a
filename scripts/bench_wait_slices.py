#!/usr/bin/env python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark: what reporting progress while a gate waits costs (a wait in slices against one task).

    .venv/bin/python scripts/bench_wait_slices.py [--polls 11] [--runs 3]

Each row is one ansible-runner job (as AWX runs it: a private data directory, job events) against
the emulator, gating on one job that the emulator moves from Initializing to Synchronizing at the
``--polls``-th poll (its timeline advances by polls, so every row makes the same polls), one poll a
second:

- the module alone, ``dts_sync_status_info`` with ``wait: true`` (one task, no progress until it ends);
- the role with ``dts_sync_wait_progress_interval`` at its default, 60 s (a slice for the first poll,
  one for the end);
- the role reporting at least every 3 s (``dts_sync_wait_progress_interval: 3``);
- the role with a report at every poll (``dts_sync_wait_progress_interval: 1``), one slice a poll.

Wall time is the ansible-runner job's, from start to end; controller CPU is what ansible-playbook and
its workers and modules used (the job's child processes); ``requests`` is what the emulator answered;
events and their bytes are the job events ansible-runner wrote (what AWX stores); ``elapsed`` is the
wait's own measure, from its first poll to its last; the longest time without a report is the
largest gap between the wait task's start and its slices' job events, as ansible-runner stamped them
(over every run of the row).
Needs the collection built (``make build/collections/ansible_collections/alibabacloud/dts``).
"""

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from datetime import datetime

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COLLECTIONS = os.path.join(ROOT, 'build', 'collections')
BIN = os.path.dirname(sys.executable)
sys.path.insert(0, os.path.join(ROOT, 'tests', 'emulator'))

from dts_emulator import Emulator  # noqa: E402  pylint: disable=wrong-import-position

KEY_ID, SECRET = 'bench-ak', 'bench-secret-never-shown'
JOB = 'dtsbenchslice01'

MODULE_PLAY = (
    """- hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - name: Wait in one task
      alibabacloud.dts.dts_sync_status_info:
        job_ids: [%s]
        wait: true
        wait_sleep: 1
        wait_timeout: 120
      register: gate
"""
    % JOB
)

ROLE_PLAY = (
    """- hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - name: Wait through the role
      ansible.builtin.include_role:
        name: alibabacloud.dts.dts_sync_wait
      vars:
        dts_sync_wait_job_ids: [%s]
        dts_sync_wait_poll_interval: 1
        dts_sync_wait_timeout: 120
        dts_sync_wait_progress_interval: %%d
"""
    % JOB
)


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def one_run(emulator, playbook, polls, work):
    import ansible_runner

    emulator.load_jobs([{'id': JOB, 'region': 'cn-hangzhou', 'name': 'bench', 'status': 'Initializing'}])
    emulator.set_timeline(JOB, [{'status': 'Synchronizing', 'after_polls': polls}])
    emulator.reset_counters()
    root = tempfile.mkdtemp(dir=work)
    for name in ('project', 'inventory', 'env'):
        os.makedirs(os.path.join(root, name))
    home = os.path.join(root, 'home')
    with open(os.path.join(root, 'project', 'site.yml'), 'w') as handle:
        handle.write(playbook)
    with open(os.path.join(root, 'inventory', 'hosts'), 'w') as handle:
        handle.write('localhost ansible_connection=local ansible_python_interpreter=%s\n' % sys.executable)
    with open(os.path.join(root, 'env', 'envvars'), 'w') as handle:
        json.dump(
            {
                'PATH': BIN + os.pathsep + os.environ.get('PATH', ''),
                'HOME': home,
                'ANSIBLE_HOME': os.path.join(home, '.ansible'),
                'ANSIBLE_COLLECTIONS_PATH': COLLECTIONS,
                'ANSIBLE_LOCAL_TEMP': os.path.join(home, 'tmp'),
                'ANSIBLE_NOCOLOR': '1',
                'ANSIBLE_REMOTE_TEMP': os.path.join(home, '.ansible', 'tmp'),
                'ALIBABA_CLOUD_ENDPOINT_DTS': emulator.endpoint,
                'ALIBABA_CLOUD_ACCESS_KEY_ID': KEY_ID,
                'ALIBABA_CLOUD_ACCESS_KEY_SECRET': SECRET,
                'ALIBABA_CLOUD_REGION_ID': 'cn-hangzhou',
                'ALIBABA_CLOUD_ECS_METADATA_DISABLED': 'true',
            },
            handle,
        )
    cpu, started = children_cpu(), time.monotonic()
    runner = ansible_runner.run(
        private_data_dir=root, playbook='site.yml', inventory=os.path.join(root, 'inventory'), quiet=True, ident='job'
    )
    wall, cpu = time.monotonic() - started, children_cpu() - cpu
    if runner.status != 'successful':
        raise SystemExit('the job failed:\n%s' % runner.stdout.read())
    events = list(runner.events)
    sizes = [len(json.dumps(event)) for event in events]
    slices = [
        event['event_data']['res']
        for event in events
        if event['event'] == 'runner_item_on_ok' and event['event_data'].get('task', '').startswith('Wait for the jobs')
    ]
    if slices:
        last = slices[-1]
    else:
        last = next(
            event['event_data']['res']
            for event in events
            if event['event'] == 'runner_on_ok' and event['event_data'].get('task') == 'Wait in one task'
        )
    assert last['passed'] and last['polls'] == polls, last
    # When each report reached ansible-runner, from the task's start: the longest time without one.
    reports = [
        event['created']
        for event in events
        if event['event'] in ('playbook_on_task_start', 'runner_item_on_ok')
        and event['event_data'].get('task', '').startswith('Wait for the jobs')
    ]
    moments = [datetime.fromisoformat(created).timestamp() for created in reports]
    gap = max((later - earlier for earlier, later in zip(moments, moments[1:])), default=None)
    return {
        'wall': wall,
        'cpu': cpu,
        'requests': emulator.counters['total'],
        'polls': last['polls'],
        'slices': len(slices) or 1,
        'elapsed': last['elapsed'],
        'events': len(events),
        'event_bytes': sum(sizes),
        'largest_event': max(sizes),
        'gap': gap,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0])
    parser.add_argument('--polls', type=int, default=11, help='the poll at which the job arrives')
    parser.add_argument('--runs', type=int, default=3)
    arguments = parser.parse_args()
    rows = [
        ('module, one task (wait: true)', MODULE_PLAY),
        ('role, progress every 60 s (default)', ROLE_PLAY % 60),
        ('role, progress every 3 s', ROLE_PLAY % 3),
        ('role, progress every poll (interval 1 s)', ROLE_PLAY % 1),
    ]
    print(
        '| run | wall s (median) | every run s | controller CPU s (median) | requests | polls | slices '
        '| wait elapsed s | longest s without a report | job events | event bytes | largest event bytes |'
    )
    print('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |')
    with tempfile.TemporaryDirectory() as work, Emulator(access_key_id=KEY_ID, access_key_secret=SECRET) as emulator:
        for label, playbook in rows:
            runs = [one_run(emulator, playbook, arguments.polls, work) for _run in range(arguments.runs)]
            last = runs[-1]
            gaps = [run['gap'] for run in runs if run['gap'] is not None]
            print(
                '| %s | %.2f | %s | %.2f | %d | %d | %d | %.1f | %s | %d | %d | %d |'
                % (
                    label,
                    statistics.median(run['wall'] for run in runs),
                    ' '.join('%.2f' % run['wall'] for run in runs),
                    statistics.median(run['cpu'] for run in runs),
                    last['requests'],
                    last['polls'],
                    last['slices'],
                    last['elapsed'],
                    '%.2f' % max(gaps) if gaps else 'none until the end',
                    last['events'],
                    last['event_bytes'],
                    last['largest_event'],
                )
            )


if __name__ == '__main__':
    main()
