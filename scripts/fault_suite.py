#!/usr/bin/env python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Exact or a clean failure, never a wrong answer: module runs against an emulator injecting faults.

    .venv/bin/python scripts/fault_suite.py [--runs 50] [--rates 0.05,0.1,0.2,0.3]

Each run is a dts_sync_job_info process listing a 137-job region ten to a page (14 requests),
while every kind of fault (throttling, 5xx, connection resets, stalls past http_timeout,
truncated and non-JSON answers) is injected at the given rate, each kind equally likely.
A run is "exact" when it returns every job once, a "clean failure" when it fails naming an error
code, and "WRONG" otherwise (a partial or duplicated answer reported as success). Exits non-zero
on any WRONG run.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'emulator'))

from dts_emulator import Emulator, Faults  # noqa: E402  pylint: disable=wrong-import-position

KINDS = ('throttle', '5xx', 'reset', 'stall', 'truncate', 'badjson')
JOBS = 137


def run_module(work, endpoint):
    args = os.path.join(work, 'args.json')
    with open(args, 'w') as handle:
        json.dump({'ANSIBLE_MODULE_ARGS': {
            'endpoint': endpoint, 'region': 'cn-hangzhou', 'access_key_id': 'fault-ak',
            'access_key_secret': 'fault-secret', 'page_size': 10, 'http_timeout': 1}}, handle)
    env = dict(os.environ, PYTHONPATH=os.path.join(work, 'collections'))
    process = subprocess.run([sys.executable, '-m', 'ansible_collections.alibabacloud.dts.plugins.modules.'
                              'dts_sync_job_info', args], capture_output=True, text=True, env=env, check=False)
    return json.loads(process.stdout)


def classify(result):
    if result.get('failed'):
        return 'clean failure' if result.get('error', {}).get('code') else 'WRONG'
    ids = [job['synchronization_job_id'] for job in result['jobs']]
    return 'exact' if len(ids) == JOBS and len(set(ids)) == JOBS else 'WRONG'


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0])
    parser.add_argument('--runs', type=int, default=50)
    parser.add_argument('--rates', default='0.05,0.1,0.2,0.3')
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix='dts-faults-')
    os.makedirs(os.path.join(work, 'collections', 'ansible_collections', 'alibabacloud'))
    os.symlink(ROOT, os.path.join(work, 'collections', 'ansible_collections', 'alibabacloud', 'dts'))
    specs = [{'id': 'dtsfault%05d' % index, 'region': 'cn-hangzhou', 'status': 'synchronizing'}
             for index in range(JOBS)]
    rows, wrong = [], 0
    with Emulator(access_key_id='fault-ak', access_key_secret='fault-secret', job_specs=specs) as emulator:
        for rate in [float(value) for value in args.rates.split(',')]:
            settings = dict(('%s_rate' % kind, rate / len(KINDS)) for kind in KINDS)
            emulator.faults = Faults(seed=int(rate * 1000), stall_seconds=1.5, **settings)
            counts, codes = {'exact': 0, 'clean failure': 0, 'WRONG': 0}, {}
            for _run in range(args.runs):
                result = run_module(work, emulator.endpoint)
                outcome = classify(result)
                counts[outcome] += 1
                if outcome == 'clean failure':
                    code = result['error']['code']
                    codes[code] = codes.get(code, 0) + 1
            wrong += counts['WRONG']
            injected = emulator.faults.count
            rows.append('| %.0f%% | %d | %d | %d | %d | %s |' % (
                rate * 100, args.runs, counts['exact'], counts['clean failure'], counts['WRONG'],
                ', '.join('%s x%d' % item for item in sorted(codes.items())) or '-'))
            sys.stderr.write('rate %.2f: %s (%d requests)\n' % (rate, counts, injected))
    print('| fault rate per request | runs | exact | clean failure | WRONG | failures named |')
    print('| ---: | ---: | ---: | ---: | ---: | --- |')
    print('\n'.join(rows))
    return 1 if wrong else 0


if __name__ == '__main__':
    sys.exit(main())
