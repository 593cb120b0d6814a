#!/usr/bin/env python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark: whole processes, side by side, against the emulator with injected latency.

    make bench            # or: .venv/bin/python scripts/bench.py --jobs 3000 --latency-ms 50

Each row is one fresh process (ansible-playbook, or a Python script using the official
Tea SDK) timed from spawn to exit, with the API requests it made (the emulator's counter)
and its peak resident memory.  Every run's answer is checked for exactness.

The paced bound: the default listing as dts_sync_job_info makes it (``_jobs.list_job_facts``,
paged, paced and normalised), timed in a process of its own from its first request to its last
fact, against its bound, one page's round trip plus the pacing interval for every page after the
first; the ratio is reported (goal: at most 1.05).
"""

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from urllib.request import Request, urlopen

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.dirname(sys.executable)
REGION = 'cn-hangzhou'

LIST_PLAY = """
- name: List every job
  hosts: localhost
  gather_facts: false
  tasks:
    - name: List
      alibabacloud.dts.dts_sync_job_info:
        max_concurrent_requests: "{{ concurrency | int }}"
        max_requests_per_second: "{{ pace | default(omit) }}"
        fields: "{{ fields }}"
      register: listed
    - name: Record how many distinct records came back
      ansible.builtin.copy:
        content: >-
          {{ listed.jobs | map(attribute='synchronization_job_id')
             | zip(listed.jobs | map(attribute='synchronization_direction'))
             | map('join', '/') | unique | length }} {{ listed.jobs | length }}
        dest: "{{ result_file }}"
        mode: "0600"
"""
STATUS_PLAY = """
- name: Read statuses
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Status
      alibabacloud.dts.dts_sync_status_info:
        job_ids: "{{ lookup('ansible.builtin.file', ids_file) | from_json }}"
      register: read
    - name: Record how many came back
      ansible.builtin.copy:
        content: "{{ read.jobs | length }} {{ read.jobs | length }}"
        dest: "{{ result_file }}"
        mode: "0600"
"""
EMPTY_PLAY = """
- name: Ansible start-up alone
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Nothing
      ansible.builtin.copy:
        content: "0 0"
        dest: "{{ result_file }}"
        mode: "0600"
"""


def control(endpoint, path, payload=None):
    data = json.dumps(payload).encode('utf-8') if payload is not None else None
    request = Request(endpoint + '/_emulator/' + path, data=data, method='POST' if data else 'GET')
    with urlopen(request) as answer:
        return json.loads(answer.read().decode('utf-8'))


def start_emulator(work, jobs, latency_ms):
    specs = [
        {
            'id': 'dtsbench%07d' % index,
            'region': REGION,
            'name': 'bench-%d' % index,
            'status': 'synchronizing' if index % 3 else 'Synchronizing',
        }
        for index in range(jobs)
    ]
    data = os.path.join(work, 'jobs.json')
    with open(data, 'w') as handle:
        json.dump({'jobs': specs}, handle)
    port_file = os.path.join(work, 'port')
    process = subprocess.Popen(
        [
            sys.executable,
            os.path.join(ROOT, 'tests', 'emulator', 'dts_emulator.py'),
            '--port',
            '0',
            '--port-file',
            port_file,
            '--data',
            data,
            '--latency-ms',
            str(latency_ms),
            '--quiet',
        ],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while not os.path.exists(port_file):
        if time.monotonic() > deadline or process.poll() is not None:
            raise SystemExit('the emulator did not start')
        time.sleep(0.05)
    with open(port_file) as handle:
        return process, 'http://127.0.0.1:%s' % handle.read().strip(), [spec['id'] for spec in specs]


def measure(name, command, endpoint, env, result_file, expected, repeat=1):
    """The run with the median wall time of ``repeat`` runs; exact only if every run was."""
    runs = sorted(
        (measure_once(name, command, endpoint, env, result_file, expected) for _ignored in range(repeat)),
        key=lambda run: run['wall'],
    )
    median = runs[len(runs) // 2]
    median['exact'] = all(run['exact'] for run in runs)
    median['walls'] = [run['wall'] for run in runs]
    return median


def measure_once(name, command, endpoint, env, result_file, expected):
    control(endpoint, 'reset', {})
    if os.path.exists(result_file):
        os.remove(result_file)
    started = time.monotonic()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=ROOT)
    output = process.stdout.read()
    status, usage = os.wait4(process.pid, 0)[1:]
    wall = time.monotonic() - started
    process.returncode = status
    requests = control(endpoint, 'counters')['total']
    if os.path.exists(result_file):
        with open(result_file) as handle:
            distinct, total = [int(x) for x in handle.read().split()]
    else:
        distinct = total = int(output.decode().strip().splitlines()[-1]) if status == 0 else -1
    exact = status == 0 and distinct == total == expected
    if not exact:
        sys.stderr.write(output.decode('utf-8', 'replace')[-3000:])
    return {
        'name': name,
        'wall': wall,
        'requests': requests,
        'rss_mb': usage.ru_maxrss / 1024.0,
        'exact': exact,
        'answer': '%d/%d' % (distinct, expected),
    }


PACED_LISTING = """
import json, sys, time
from ansible_collections.alibabacloud.dts.plugins.module_utils._connection import connect
from ansible_collections.alibabacloud.dts.plugins.module_utils._jobs import list_job_facts, validate_job_facts
from ansible_collections.alibabacloud.dts.plugins.module_utils._api_legacy import list_jobs
endpoint, region = sys.argv[1], sys.argv[2]
params = {'endpoint': endpoint, 'region': region}
# One page's round trip, unpaced, on a warm connection (as the listing's pages go).
probe = connect(dict(params, max_requests_per_second=0), region=region)
probe.call('DescribeSynchronizationJobs', {'PageSize': 30, 'PageNum': 1})
page_times = []
for _ in range(5):
    started = time.monotonic()
    probe.call('DescribeSynchronizationJobs', {'PageSize': 30, 'PageNum': 1})
    page_times.append(time.monotonic() - started)
client = connect(params, region=region)
facts = validate_job_facts(['summary'])
started = time.monotonic()
jobs = list_job_facts(client, page_size=30, facts=facts)
listing = time.monotonic() - started
distinct = len(set((job['synchronization_job_id'], job['synchronization_direction']) for job in jobs))
print(json.dumps({'listing': listing, 'page': sorted(page_times)[2], 'records': len(jobs), 'distinct': distinct}))
"""


def paced_listing(env, endpoint, expected, pages, interval, repeat):
    """The default listing's time against its paced bound, ``repeat`` runs: the run with the median ratio."""
    runs = []
    for _run in range(repeat):
        control(endpoint, 'reset', {})
        output = subprocess.check_output([sys.executable, '-c', PACED_LISTING, endpoint, REGION], env=env)
        run = json.loads(output.decode().strip().splitlines()[-1])
        run['bound'] = run['page'] + (pages - 1) * interval
        run['ratio'] = run['listing'] / run['bound']
        run['exact'] = run['records'] == run['distinct'] == expected
        runs.append(run)
    runs.sort(key=lambda run: run['ratio'])
    median = dict(runs[len(runs) // 2])
    median['ratios'] = [run['ratio'] for run in runs]
    median['exact'] = all(run['exact'] for run in runs)
    return median


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0])
    parser.add_argument('--jobs', type=int, default=3000)
    parser.add_argument('--latency-ms', type=int, default=50)
    parser.add_argument('--status-ids', type=int, default=500)
    parser.add_argument('--sweep', default='1,4,8,16,32', help='max_concurrent_requests values to compare')
    parser.add_argument('--repeat', type=int, default=3, help='runs of each row; the median is reported')
    parser.add_argument('--output', help='also write the report (Markdown) here')
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix='dts-bench-')
    collections = os.path.join(work, 'collections')
    os.makedirs(os.path.join(collections, 'ansible_collections', 'alibabacloud'))
    os.symlink(ROOT, os.path.join(collections, 'ansible_collections', 'alibabacloud', 'dts'))
    # The rows at the default concurrency use the client's own default, whatever it becomes.
    sys.path.insert(0, collections)
    from ansible_collections.alibabacloud.dts.plugins.module_utils._client import DEFAULT_MAX_CONCURRENCY
    from ansible_collections.alibabacloud.dts.plugins.module_utils._pacing import MARGIN as PACING_MARGIN, RATE_LIMITS

    LISTING_RATE = RATE_LIMITS['DescribeSynchronizationJobs']
    plays = {}
    for name, text in (('list', LIST_PLAY), ('status', STATUS_PLAY), ('empty', EMPTY_PLAY)):
        plays[name] = os.path.join(work, name + '.yml')
        with open(plays[name], 'w') as handle:
            handle.write(text)
    result_file = os.path.join(work, 'result')

    emulator, endpoint, ids = start_emulator(work, args.jobs, args.latency_ms)
    ids_file = os.path.join(work, 'ids.json')
    with open(ids_file, 'w') as handle:
        json.dump(ids[: args.status_ids], handle)
    env = dict(
        os.environ,
        ALIBABA_CLOUD_ACCESS_KEY_ID='dts-emulator-ak',
        ALIBABA_CLOUD_ACCESS_KEY_SECRET='dts-emulator-secret',
        ALIBABA_CLOUD_REGION_ID=REGION,
        ALIBABA_CLOUD_ENDPOINT_DTS=endpoint,
        ANSIBLE_COLLECTIONS_PATH=collections,
        ANSIBLE_PYTHON_INTERPRETER=sys.executable,
        ANSIBLE_LOCALHOST_WARNING='false',
    )
    playbook = [
        os.path.join(BIN, 'ansible-playbook'),
        '-i',
        'localhost,',
        '-c',
        'local',
        '-e',
        'result_file=%s' % result_file,
    ]
    sdk = [sys.executable, os.path.join(ROOT, 'scripts', 'bench_sdk.py')]
    pages = math.ceil(args.jobs / 30.0)
    latency = args.latency_ms / 1000.0
    rows = []
    try:
        startup = measure(
            'ansible-playbook start-up (no API call)',
            playbook + [plays['empty']],
            endpoint,
            env,
            result_file,
            0,
            repeat=args.repeat,
        )
        startup['exact'] = True
        rows.append(dict(startup, bound=0.0))

        def listing(name, concurrency, fields, pace=None):
            extra = {'concurrency': concurrency, 'fields': fields}
            if pace is not None:
                extra['pace'] = pace
            row = measure(
                'dts_sync_job_info, %d jobs, %s' % (args.jobs, name),
                playbook + ['-e', json.dumps(extra), plays['list']],
                endpoint,
                env,
                result_file,
                args.jobs,
                repeat=args.repeat,
            )
            row['bound'] = (1 + math.ceil((pages - 1) / float(concurrency))) * latency
            if pace != 0:
                # Paced: the requests after the first leave one pacing interval apart at best.
                row['bound'] = max(row['bound'], (pages - 1) * (1 + PACING_MARGIN) / LISTING_RATE)
            rows.append(row)
            return row

        # The sweep measures concurrency alone, so pacing is off there; the default row is paced.
        for concurrency in sorted(set(int(x) for x in args.sweep.split(',')) | {DEFAULT_MAX_CONCURRENCY}):
            listing(
                'fields: [summary] (default), max_concurrent_requests=%d, pacing off' % concurrency,
                concurrency,
                ['summary'],
                pace=0,
            )
        ours = listing(
            'default: fields: [summary], max_concurrent_requests=%d, paced at %d a second'
            % (DEFAULT_MAX_CONCURRENCY, LISTING_RATE),
            DEFAULT_MAX_CONCURRENCY,
            ['summary'],
        )
        listing(
            'fields: [all], max_concurrent_requests=%d, pacing off' % DEFAULT_MAX_CONCURRENCY,
            DEFAULT_MAX_CONCURRENCY,
            ['all'],
            pace=0,
        )
        control(endpoint, 'faults', {'throttle_every': 4, '5xx_every': 9})
        try:
            listing('default, every 4th request throttled, every 9th a 503', DEFAULT_MAX_CONCURRENCY, ['summary'])
        finally:
            control(endpoint, 'faults', {})
        sdk_row = measure(
            'official SDK, %d jobs, one page after another' % args.jobs,
            sdk + ['list', endpoint, REGION],
            endpoint,
            env,
            result_file,
            args.jobs,
            repeat=args.repeat,
        )
        sdk_row['bound'] = pages * latency
        rows.append(sdk_row)
        paced = paced_listing(
            dict(env, PYTHONPATH=collections),
            endpoint,
            args.jobs,
            pages,
            (1 + PACING_MARGIN) / LISTING_RATE,
            args.repeat,
        )
        row = measure(
            'dts_sync_status_info, %d ids' % args.status_ids,
            playbook + ['-e', 'ids_file=%s' % ids_file, plays['status']],
            endpoint,
            env,
            result_file,
            args.status_ids,
            repeat=args.repeat,
        )
        row['bound'] = latency
        rows.append(row)
        row = measure(
            'official SDK status list, %d ids' % args.status_ids,
            sdk + ['status', endpoint, REGION, ids_file],
            endpoint,
            env,
            result_file,
            args.status_ids,
            repeat=args.repeat,
        )
        row['bound'] = latency
        rows.append(row)
    finally:
        emulator.terminate()
        emulator.wait()

    lines = [
        'Emulator: %d jobs in %s, %d ms added to every request; Python %s; %d CPUs; %d runs a row.'
        % (args.jobs, REGION, args.latency_ms, sys.version.split()[0], os.cpu_count(), args.repeat),
        '',
        '| run | wall s (median) | every run s | requests | round-trip bound s | peak RSS MB | exact |',
        '| --- | ---: | ---: | ---: | ---: | ---: | --- |',
    ]
    for row in rows:
        lines.append(
            '| %s | %.2f | %s | %d | %.2f | %.0f | %s |'
            % (
                row['name'],
                row['wall'],
                ' '.join('%.2f' % wall for wall in row['walls']),
                row['requests'],
                row['bound'],
                row['rss_mb'],
                'yes' if row['exact'] else 'NO (%s)' % row['answer'],
            )
        )
    lines += [
        '',
        'Default listing against the SDK loop: %.2f s / %.2f s = %.2f of its wall time (goal: at most 0.5); '
        '%.1fx the round-trip bound plus start-up (goal: within 2x).'
        % (
            ours['wall'],
            sdk_row['wall'],
            ours['wall'] / sdk_row['wall'],
            ours['wall'] / (ours['bound'] + startup['wall']),
        ),
    ]
    lines += [
        '',
        'The paced bound: the default listing (paged at %d a second, normalised as pages arrive), '
        'in a process '
        'of its own, %.2f s from its first request to its last fact, against one page (%.3f s) plus %d pacing '
        'intervals of %.3f s = %.2f s: %.3fx its bound (goal: at most 1.05; every run: %s); %s.'
        % (
            LISTING_RATE,
            paced['listing'],
            paced['page'],
            pages - 1,
            (1 + PACING_MARGIN) / LISTING_RATE,
            paced['bound'],
            paced['ratio'],
            ' '.join('%.3f' % ratio for ratio in paced['ratios']),
            'exact' if paced['exact'] else 'NOT EXACT',
        ),
    ]
    report = '\n'.join(lines)
    print(report)
    if args.output:
        with open(args.output, 'w') as handle:
            handle.write(report + '\n')
    return 0 if all(row['exact'] for row in rows) and paced['exact'] else 1


if __name__ == '__main__':
    sys.exit(main())
