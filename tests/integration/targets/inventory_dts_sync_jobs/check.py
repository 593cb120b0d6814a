#!/usr/bin/env python
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checks for the inventory target, with expectations read from the emulator's own data."""

import csv
import json
import os
import sys
from urllib.request import urlopen

CONTROL = os.environ['DTS_EMULATOR_ENDPOINT'] + '/_emulator/'
FAILED = ('PrecheckFailed', 'InitializeFailed', 'Failed')


def control(path):
    with urlopen(CONTROL + path) as answer:
        return json.loads(answer.read().decode('utf-8'))


def canonical(status):
    status = status.lower()
    return 'Initializing' if status in ('initializating', 'initializing') else {
        s.lower(): s for s in ('NotStarted', 'Prechecking', 'PrecheckFailed', 'InitializeFailed', 'Synchronizing',
                               'Failed', 'Suspending', 'Modifying', 'Finished')}[status]


def records():
    """(host name, region, documented status, tags) of every record the emulator serves."""
    result = []
    for job in control('jobs')['jobs']:
        for direction, state in job['directions'].items():
            host = job['id'] + ('_reverse' if direction == 'Reverse' else '')
            result.append((host, job['region'], canonical(state['status']), job['tags']))
    return result


def check_inventory(path):
    with open(path) as handle:
        data = json.load(handle)
    expected = records()
    hostvars = data['_meta']['hostvars']
    assert sorted(hostvars) == sorted(host for host, _region, _status, _tags in expected), 'one host per record'
    for group, predicate in (('dts_status_synchronizing', lambda r: r[2] == 'Synchronizing'),
                             ('dts_region_cn_beijing', lambda r: r[1] == 'cn-beijing'),
                             ('env_prod', lambda r: r[3].get('env') == 'prod')):
        assert sorted(data[group]['hosts']) == sorted(r[0] for r in expected if predicate(r)), group
    sample = hostvars[expected[0][0]]
    assert isinstance(sample['delay'], int) and isinstance(sample['tags'], dict) and sample['region']
    text = json.dumps(data)
    assert os.environ['ALIBABA_CLOUD_ACCESS_KEY_SECRET'] not in text, 'secret in the inventory'
    counters = control('counters')
    assert counters['max_in_flight'] >= 3, counters
    print('inventory: %d hosts, %d requests, %d at once' % (len(hostvars), counters['total'],
                                                            counters['max_in_flight']))


def check_cached(first, second):
    before = control('counters')['total']
    with open(first) as one, open(second) as two:
        assert json.load(one) == json.load(two)
    assert control('counters')['total'] == before


def check_audit(directory):
    expected = records()
    with open(os.path.join(directory, 'dts-audit.csv')) as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(expected)
    failed = sorted(r[0] for r in expected if r[2] in FAILED)
    flagged = sorted(row['synchronization_job_id'] + ('_reverse' if row['direction'] == 'Reverse' else '')
                     for row in rows if 'failed' in row['attention'].split(';'))
    assert flagged == failed, (flagged, failed)
    with open(os.path.join(directory, 'dts-audit.md')) as handle:
        report = handle.read()
    assert '## Failed jobs (%d)' % len(failed) in report
    for job in control('jobs')['jobs']:
        if job['directions']['Forward'].get('error_message'):
            assert job['directions']['Forward']['error_message'] in report, job['id']


if __name__ == '__main__':
    {'inventory': check_inventory, 'cached': check_cached, 'audit': check_audit}[sys.argv[1]](*sys.argv[2:])
