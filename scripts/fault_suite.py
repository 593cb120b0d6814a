#!/usr/bin/env python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Exact or a clean failure within its budget, never a wrong answer: module runs against an emulator injecting faults.

    .venv/bin/python scripts/fault_suite.py [--runs 50] [--rates 0.05,0.1,0.2,0.3] [--retries 6]
        [--suites rates,bursts,gone,time-to-fail,paced,paced-current,quota-shared]

Each run is a dts_sync_job_info process listing a 137-job region ten to a page (14 requests).
A run is "exact" when it returns every job once, a "clean failure" when it fails naming an error
code within its budget (retry_budget plus one http_timeout, plus the process's start-up), and
"WRONG" otherwise (a partial or duplicated answer reported as success, or a failure that took
longer than its budget).  Exits non-zero on any WRONG run.

- rates: every kind of fault (throttling, 5xx, connection resets, stalls past http_timeout,
  truncated and non-JSON answers) at the given rate per request, each kind equally likely, for
  each --retries value (a comma list measures the retry count against the time runs take).
- bursts: a run of 3 to 15 throttled answers in a row starting at a random request.
- gone: the endpoint goes away after 1 to 13 requests (it resets what is in flight, then
  refuses connections).
- time-to-fail: an endpoint whose every answer is a 503, for each --retries value: how long a
  run takes to give up.
- paced: 3,000 jobs (100 pages) from an endpoint that throttles past 20 requests in any second,
  with the client's default pacing and with pacing off; the paced run must see no throttled answer.
- paced-current: the same through dts_job_info (DescribeDtsJobs), with the emulator's own rate
  limit of 20 calls a second, answering Throttling.User and then Rejected.Throttling.
- quota-shared: the inventory (ansible-inventory --list, current family) over ten regions of 600
  jobs each (200 pages) at the default pace (20 a second in each region), from an account whose
  DescribeDtsJobs quota, counted across all regions, is --quota calls a second (8: another tool
  spends the rest): every run must list every job once, every region listed; the throttled answers
  and the time are reported against the floor the quota sets (pages / quota).
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'emulator'))

from dts_emulator import Emulator, Faults  # noqa: E402  pylint: disable=wrong-import-position

KINDS = ('throttle', '5xx', 'reset', 'stall', 'truncate', 'badjson')
JOBS = 137
HTTP_TIMEOUT = 1
# Python and ansible-core start-up, generous on a shared 2-CPU machine.
START_UP = 5


def run_module(work, endpoint, module='dts_sync_job_info', **options):
    """One module process listing the emulator's jobs; its result and how long the process took."""
    args = os.path.join(work, 'args-%s.json' % module)
    module_args = {
        'endpoint': endpoint,
        'region': 'cn-hangzhou',
        'access_key_id': 'fault-ak',
        'access_key_secret': 'fault-secret',
        'page_size': 10,
        'http_timeout': HTTP_TIMEOUT,
        'fields': ['summary'],
    }
    module_args.update(options)
    with open(args, 'w') as handle:
        json.dump({'ANSIBLE_MODULE_ARGS': module_args}, handle)
    env = dict(os.environ, PYTHONPATH=os.path.join(work, 'collections'), HOME=work)
    started = time.monotonic()
    process = subprocess.run(
        [sys.executable, '-m', 'ansible_collections.alibabacloud.dts.plugins.modules.' + module, args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    return json.loads(process.stdout), time.monotonic() - started


def classify(result, seconds, budget, jobs=JOBS):
    if result.get('failed'):
        if not result.get('error', {}).get('code'):
            return 'WRONG'
        return 'clean failure' if seconds <= budget + HTTP_TIMEOUT + START_UP else 'WRONG'
    ids = [(job['synchronization_job_id'], job['synchronization_direction']) for job in result['jobs']]
    return 'exact' if len(ids) == jobs and len(set(ids)) == jobs else 'WRONG'


class Tally:
    def __init__(self):
        self.counts = {'exact': 0, 'clean failure': 0, 'WRONG': 0}
        self.codes = {}
        self.seconds = []

    def add(self, result, seconds, budget, jobs=JOBS):
        outcome = classify(result, seconds, budget, jobs)
        self.counts[outcome] += 1
        self.seconds.append(seconds)
        if result.get('failed'):
            code = result.get('error', {}).get('code') or '?'
            self.codes[code] = self.codes.get(code, 0) + 1
        return outcome

    def cells(self):
        return '%d | %d | %d | %.1f | %.1f | %s' % (
            self.counts['exact'],
            self.counts['clean failure'],
            self.counts['WRONG'],
            statistics.median(self.seconds),
            max(self.seconds),
            ', '.join('%s x%d' % item for item in sorted(self.codes.items())) or '-',
        )


HEADER = 'exact | clean failure | WRONG | median s | max s | failures named'


def job_specs(count):
    return [
        {'id': 'dtsfault%05d' % index, 'region': 'cn-hangzhou', 'status': 'synchronizing'} for index in range(count)
    ]


def suite_rates(work, args):
    print('\n### Random faults\n')
    print('| fault rate per request | retries | runs | %s |' % HEADER)
    print('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |')
    wrong = 0
    with Emulator(access_key_id='fault-ak', access_key_secret='fault-secret', job_specs=job_specs(JOBS)) as emulator:
        for retries in args.retries:
            for rate in args.rates:
                settings = dict(('%s_rate' % kind, rate / len(KINDS)) for kind in KINDS)
                emulator.faults = Faults(seed=int(rate * 1000) + retries, stall_seconds=1.5, **settings)
                tally = Tally()
                for _run in range(args.runs):
                    result, seconds = run_module(work, emulator.endpoint, retries=retries)
                    tally.add(result, seconds, args.budget)
                wrong += tally.counts['WRONG']
                print('| %.0f%% | %d | %d | %s |' % (rate * 100, retries, args.runs, tally.cells()))
                sys.stdout.flush()
    return wrong


class Script(Faults):
    """Faults from a per-run script (a list of outcomes), then none."""

    def __init__(self, script):
        super(Script, self).__init__(script=script)


def suite_bursts(work, args):
    print('\n### Bursts of throttling\n')
    print('| burst | runs | %s |' % HEADER)
    print('| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |')
    chooser = random.Random(7)
    wrong = 0
    with Emulator(access_key_id='fault-ak', access_key_secret='fault-secret', job_specs=job_specs(JOBS)) as emulator:
        for low, high in ((3, 6), (7, 10), (11, 15)):
            tally = Tally()
            for _run in range(args.runs):
                start = chooser.randint(0, 13)
                emulator.faults = Script(['ok'] * start + ['throttle'] * chooser.randint(low, high))
                result, seconds = run_module(work, emulator.endpoint)
                tally.add(result, seconds, args.budget)
            wrong += tally.counts['WRONG']
            print('| %d to %d throttled in a row | %d | %s |' % (low, high, args.runs, tally.cells()))
            sys.stdout.flush()
    return wrong


class GoesAway(Faults):
    """Answers ``after`` requests, then the endpoint goes: what is in flight is reset, new connections refused."""

    def __init__(self, emulator, after):
        super(GoesAway, self).__init__()
        self.emulator, self.after, self.gone = emulator, after, False

    def next(self):
        self.count += 1
        if self.count <= self.after:
            return None
        if not self.gone:
            self.gone = True
            # Closing the listening socket from a request's own thread would wait for that request.
            threading.Thread(target=self.emulator.stop, daemon=True).start()
        return 'reset'


def suite_gone(work, args):
    print('\n### The endpoint goes away mid-listing\n')
    print('| goes away after | runs | %s |' % HEADER)
    print('| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |')
    chooser = random.Random(11)
    tally = Tally()
    for _run in range(args.runs):
        emulator = Emulator(access_key_id='fault-ak', access_key_secret='fault-secret', job_specs=job_specs(JOBS))
        emulator.faults = GoesAway(emulator, chooser.randint(1, 13))
        emulator.serve()
        try:
            result, seconds = run_module(work, emulator.endpoint)
        finally:
            emulator.stop()
        tally.add(result, seconds, args.budget)
    print('| 1 to 13 requests | %d | %s |' % (args.runs, tally.cells()))
    return tally.counts['WRONG']


def suite_time_to_fail(work, args):
    print('\n### Time to fail: every answer a 503\n')
    print('| retries | runs | %s |' % HEADER)
    print('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |')
    wrong = 0
    with Emulator(access_key_id='fault-ak', access_key_secret='fault-secret', job_specs=job_specs(JOBS)) as emulator:
        for retries in args.retries:
            emulator.faults = Faults(**{'5xx_every': 1})
            tally = Tally()
            for _run in range(max(3, args.runs // 5)):
                result, seconds = run_module(work, emulator.endpoint, retries=retries)
                tally.add(result, seconds, args.budget)
            wrong += tally.counts['WRONG']
            print('| %d | %d | %s |' % (retries, len(tally.seconds), tally.cells()))
            sys.stdout.flush()
    return wrong


class RateEnforcement(Faults):
    """Throttles every request past ``limit`` in any one-second window, as the gateway counts them."""

    def __init__(self, limit):
        super(RateEnforcement, self).__init__()
        self.limit = limit
        self.arrivals = deque()
        self.lock = threading.Lock()

    def next(self):
        with self.lock:
            self.count += 1
            now = time.monotonic()
            while self.arrivals and self.arrivals[0] <= now - 1.0:
                self.arrivals.popleft()
            if len(self.arrivals) >= self.limit:
                return 'throttle'
            self.arrivals.append(now)
            return None


def suite_paced(work, args):
    print('\n### 3,000 jobs from an endpoint that throttles past 20 requests a second\n')
    print('| client pacing | runs | requests | throttled answers | %s |' % HEADER)
    print('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |')
    jobs, wrong = 3000, 0
    with Emulator(access_key_id='fault-ak', access_key_secret='fault-secret', job_specs=job_specs(jobs)) as emulator:
        for label, options in (
            ('default (20 a second)', {}),
            ('off (max_requests_per_second: 0)', {'max_requests_per_second': 0}),
        ):
            tally, requests, throttled = Tally(), 0, 0
            for _run in range(max(1, args.runs // 10)):
                emulator.faults = RateEnforcement(20)
                emulator.reset_counters()
                result, seconds = run_module(work, emulator.endpoint, page_size=30, http_timeout=10, **options)
                tally.add(result, seconds, args.budget, jobs=jobs)
                requests += emulator.counters['total']
                throttled += emulator.counters['by_outcome'].get('throttle', 0)
            if not options and throttled:
                wrong += 1
            wrong += tally.counts['WRONG']
            print('| %s | %d | %d | %d | %s |' % (label, len(tally.seconds), requests, throttled, tally.cells()))
            sys.stdout.flush()
    return wrong


def suite_paced_current(work, args):
    print('\n### 3,000 jobs through DescribeDtsJobs, which the endpoint limits to 20 calls a second\n')
    print(
        '| throttling code | client pacing | runs | requests | throttled answers | exact | clean failure | WRONG '
        '| median s |'
    )
    print('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |')
    jobs, wrong = 3000, 0
    specs = [
        {'id': 'dtscur%05d' % index, 'region': 'cn-hangzhou', 'status': 'Synchronizing', 'origin': 'current'}
        for index in range(jobs)
    ]
    with Emulator(access_key_id='fault-ak', access_key_secret='fault-secret', job_specs=specs) as emulator:
        emulator.config['rate_limits'] = {'DescribeDtsJobs': 20}
        for code in ('Throttling.User', 'Rejected.Throttling'):
            emulator.config['throttle_code'] = code
            for label, options in (('default', {}), ('off', {'max_requests_per_second': 0})):
                counts, requests, throttled, seconds_all = {'exact': 0, 'clean failure': 0, 'WRONG': 0}, 0, 0, []
                for _run in range(max(1, args.runs // 10)):
                    emulator.reset_counters()
                    result, seconds = run_module(
                        work, emulator.endpoint, module='dts_job_info', page_size=30, http_timeout=10, **options
                    )
                    seconds_all.append(seconds)
                    requests += emulator.counters['total']
                    throttled += emulator.counters['by_outcome'].get('throttle', 0)
                    if result.get('failed'):
                        outcome = 'clean failure' if result.get('error', {}).get('code') else 'WRONG'
                    else:
                        keys = set((job['dts_job_id'], job['dts_job_direction']) for job in result['jobs'])
                        outcome = 'exact' if len(keys) == len(result['jobs']) == jobs else 'WRONG'
                    counts[outcome] += 1
                if label == 'default' and throttled:
                    wrong += 1
                wrong += counts['WRONG']
                print(
                    '| %s | %s | %d | %d | %d | %d | %d | %d | %.1f |'
                    % (
                        code,
                        label,
                        len(seconds_all),
                        requests,
                        throttled,
                        counts['exact'],
                        counts['clean failure'],
                        counts['WRONG'],
                        statistics.median(seconds_all),
                    )
                )
                sys.stdout.flush()
    return wrong


QUOTA_REGIONS = (
    'cn-hangzhou',
    'cn-beijing',
    'cn-shanghai',
    'cn-shenzhen',
    'cn-qingdao',
    'cn-zhangjiakou',
    'cn-huhehaote',
    'cn-hongkong',
    'ap-southeast-1',
    'ap-northeast-1',
)


def run_inventory(work, endpoint, regions):
    """One ansible-inventory --list --export process (group variables on their groups) over ``regions``
    (current family); its output and time."""
    config = os.path.join(work, 'quota.dts_sync_jobs.yml')
    with open(config, 'w') as handle:
        json.dump(
            {
                'plugin': 'alibabacloud.dts.dts_sync_jobs',
                'api': ['current'],
                'regions': list(regions),
                'endpoint': endpoint,
                'access_key_id': 'fault-ak',
                'access_key_secret': 'fault-secret',
            },
            handle,
        )
    home = os.path.join(work, 'home')
    env = dict(
        os.environ,
        ANSIBLE_COLLECTIONS_PATH=os.path.join(work, 'collections'),
        HOME=home,
        ANSIBLE_HOME=os.path.join(home, '.ansible'),
        ANSIBLE_INVENTORY_ENABLED='alibabacloud.dts.dts_sync_jobs',
        ANSIBLE_INVENTORY_UNPARSED_FAILED='true',
        ANSIBLE_NOCOLOR='1',
    )
    started = time.monotonic()
    process = subprocess.run(
        [os.path.join(os.path.dirname(sys.executable), 'ansible-inventory'), '-i', config, '--list', '--export'],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    seconds = time.monotonic() - started
    try:
        listed = json.loads(process.stdout) if process.returncode == 0 else None
    except ValueError:
        listed = None
    return listed, process.stderr, seconds


def suite_quota_shared(work, args):
    regions, per_region = QUOTA_REGIONS, 600
    jobs, pages = len(regions) * per_region, len(regions) * per_region // 30
    print('\n### A quota below the pace, shared by ten regions: %d jobs, %d DescribeDtsJobs pages\n' % (jobs, pages))
    print(
        '| account quota (calls a second, all regions) | floor s (pages / quota) | runs | exact | WRONG '
        '| requests | throttled answers | throttled per run (each) | median s | max s | median / floor |'
    )
    print('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |')
    specs = [
        {
            'id': 'dtsq%s%04d' % (region.replace('-', ''), index),
            'region': region,
            'status': 'Synchronizing',
            'origin': 'current',
        }
        for region in regions
        for index in range(per_region)
    ]
    wrong = 0
    with Emulator(access_key_id='fault-ak', access_key_secret='fault-secret', job_specs=specs) as emulator:
        emulator.config['account_rate_limits'] = {'DescribeDtsJobs': args.quota}
        counts, requests, throttled, seconds_all = {'exact': 0, 'WRONG': 0}, 0, [], []
        for _run in range(max(1, args.runs // 10)):
            emulator.reset_counters()
            listed, stderr, seconds = run_inventory(work, emulator.endpoint, regions)
            seconds_all.append(seconds)
            requests += emulator.counters['total']
            throttled.append(emulator.counters['by_outcome'].get('throttle', 0))
            hostvars = (listed or {}).get('_meta', {}).get('hostvars', {})
            summary = ((listed or {}).get('all', {}).get('vars') or {}).get('dts_regions') or []
            # ansible-inventory writes the strings the plugin marks as data as {"__ansible_unsafe": text}.
            ids = set(json.dumps(facts.get('dts_instance_id'), sort_keys=True) for facts in hostvars.values())
            whole = (
                len(summary) == len(regions)
                and not any(entry.get('failed') for entry in summary)
                and sum(entry['jobs'] for entry in summary) == jobs
            )
            outcome = 'exact' if len(hostvars) == len(ids) == jobs and whole else 'WRONG'
            if outcome == 'WRONG':
                sys.stderr.write(stderr[-3000:])
            counts[outcome] += 1
        wrong += counts['WRONG']
        floor = pages / float(args.quota)
        print(
            '| %g | %.1f | %d | %d | %d | %d | %d | %s | %.1f | %.1f | %.2f |'
            % (
                args.quota,
                floor,
                len(seconds_all),
                counts['exact'],
                counts['WRONG'],
                requests,
                sum(throttled),
                ' '.join(str(count) for count in throttled),
                statistics.median(seconds_all),
                max(seconds_all),
                statistics.median(seconds_all) / floor,
            )
        )
        sys.stdout.flush()
    return wrong


SUITES = {
    'rates': suite_rates,
    'bursts': suite_bursts,
    'gone': suite_gone,
    'time-to-fail': suite_time_to_fail,
    'paced': suite_paced,
    'paced-current': suite_paced_current,
    'quota-shared': suite_quota_shared,
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0])
    parser.add_argument('--runs', type=int, default=50)
    parser.add_argument('--rates', default='0.05,0.1,0.2,0.3')
    parser.add_argument('--retries', default='6', help='comma-separated retry counts to compare')
    parser.add_argument('--budget', type=float, default=60, help='the retry_budget runs are held to (its default)')
    parser.add_argument(
        '--quota',
        type=float,
        default=8,
        help='quota-shared: DescribeDtsJobs calls a second the account may make, all regions together',
    )
    parser.add_argument('--suites', default=','.join(SUITES))
    args = parser.parse_args()
    args.rates = [float(value) for value in args.rates.split(',')]
    args.retries = [int(value) for value in args.retries.split(',')]
    work = tempfile.mkdtemp(prefix='dts-faults-')
    os.makedirs(os.path.join(work, 'collections', 'ansible_collections', 'alibabacloud'))
    os.symlink(ROOT, os.path.join(work, 'collections', 'ansible_collections', 'alibabacloud', 'dts'))
    wrong = 0
    for name in args.suites.split(','):
        wrong += SUITES[name](work, args)
    return 1 if wrong else 0


if __name__ == '__main__':
    sys.exit(main())
