#!/usr/bin/env python
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checks for the inventory target; every expectation is read from the emulator's own data."""

import json
import os
import sys
from urllib.request import Request, urlopen

CONTROL = os.environ['DTS_EMULATOR_ENDPOINT'] + '/_emulator/'
REGIONS = ('cn-hangzhou', 'cn-beijing', 'cn-shanghai', 'ap-southeast-1', 'us-west-1')
STATUSES = (
    'NotStarted',
    'Prechecking',
    'PrecheckFailed',
    'PreCheckPass',
    'NotConfigured',
    'Initializing',
    'InitializeFailed',
    'Synchronizing',
    'Failed',
    'Suspending',
    'Modifying',
    'Finished',
    'Retrying',
    'Upgrade',
    'Locked',
    'Downgrade',
)


def control(path, body=None):
    data = None if body is None else json.dumps(body).encode('utf-8')
    request = Request(CONTROL + path, data=data, method='GET' if data is None else 'POST')
    with urlopen(request) as answer:
        return json.loads(answer.read().decode('utf-8'))


def documented(status):
    lowered = status.lower()
    return 'Initializing' if lowered == 'initializating' else dict((s.lower(), s) for s in STATUSES)[lowered]


def records(skip=()):
    """(host, region, documented status, tags) of every synchronization job direction the emulator serves,
    made the legacy way or the current way (the inventory lists both API families)."""
    result = []
    for job in control('jobs?origin=all')['jobs']:
        if job['region'] not in REGIONS or job['region'] in skip or job.get('job_type', 'SYNC') != 'SYNC':
            continue
        for direction, state in job['directions'].items():
            host = job['id'] + ('_reverse' if direction == 'Reverse' else '')
            result.append((host, job['region'], documented(state['status']), job['tags']))
    return result


def plain(value):
    """ansible-core 2.21+ writes untrusted strings in --list output as {"__ansible_unsafe": "..."}."""
    if isinstance(value, dict):
        if list(value) == ['__ansible_unsafe']:
            return value['__ansible_unsafe']
        return dict((key, plain(item)) for key, item in value.items())
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def load(path):
    with open(path) as handle:
        return plain(json.load(handle))


def hosts(data, group):
    return sorted(data.get(group, {}).get('hosts', []))


def reset():
    control('reset', {})


def check_inventory(path):
    data = load(path)
    expected = records()
    hostvars = data['_meta']['hostvars']
    assert sorted(hostvars) == sorted(r[0] for r in expected), 'one host per record'
    assert len(set(r[1] for r in expected)) >= 3, 'several regions with data'
    for region in REGIONS:
        group = 'dts_region_' + region.replace('-', '_')
        assert hosts(data, group) == sorted(r[0] for r in expected if r[1] == region), group
    for status in set(r[2] for r in expected):
        group = 'dts_status_' + status.lower()
        assert hosts(data, group) == sorted(r[0] for r in expected if r[2] == status), group
    for env in set(r[3].get('env', 'untagged') for r in expected):
        assert hosts(data, 'env_' + env) == sorted(r[0] for r in expected if r[3].get('env', 'untagged') == env), env
    for host, region, status, tags in expected:
        facts = hostvars[host]
        assert (facts['dts_region'], facts['dts_status'], facts['dts_tags']) == (region, status, tags), host
        # A job both families list is described by the current one.
        job_id, direction = (
            (facts['dts_instance_id'], facts['dts_job_direction'])
            if facts['dts_api'] == 'current'
            else (facts['dts_synchronization_job_id'], facts['dts_synchronization_direction'])
        )
        assert job_id == host.replace('_reverse', ''), host
        assert direction == ('Reverse' if host.endswith('_reverse') else 'Forward'), host
        assert isinstance(facts['dts_delay'], int) or facts['dts_delay'] is None, host
        # No job variable is named as a task keyword or without the prefix.
        assert not set(facts) & {'delay', 'tags', 'status', 'region'}, host
    assert os.environ['ALIBABA_CLOUD_ACCESS_KEY_SECRET'] not in json.dumps(data), 'secret in the inventory'
    assert all('dts_refused_regions' not in facts for facts in hostvars.values()), 'nothing refused'
    # Every region audited is on the group all, the empty one too, with its number of jobs.
    regions = next(iter(hostvars.values()))['dts_regions']
    assert sorted((entry['region'], entry['jobs'], entry['refused']) for entry in regions) == sorted(
        (region, sum(1 for r in expected if r[1] == region), False) for region in REGIONS
    ), regions
    counters = control('counters')
    assert counters['max_in_flight'] >= 3, counters
    print(
        'inventory: %d hosts, %d requests, %d in flight at most'
        % (len(hostvars), counters['total'], counters['max_in_flight'])
    )


def check_cached(first, second):
    assert load(first) == load(second), 'the cached inventory differs'
    assert control('counters')['total'] == 0, 'the cached run made requests'


def check_graph(path):
    with open(path) as handle:
        graph = handle.read()
    for group in (
        '@dts_region_cn_beijing:',
        '@dts_region_ap_southeast_1:',
        '@dts_status_synchronizing:',
        '@env_prod:',
        '@env_untagged:',
    ):
        assert group in graph, group
    assert control('counters')['total'] == 0, 'the cached --graph made requests'


def check_requested(path):
    with open(path) as handle:
        listed = handle.read()
    assert 'hosts (%d):' % len(records()) in listed, listed
    assert control('counters')['total'] >= len(REGIONS), 'the flushed cache was used'


def refuse(*regions):
    control('config', {'refused_regions': list(regions)})


def check_refused(region, path, stderr):
    data = load(path)
    assert sorted(data['_meta']['hostvars']) == sorted(r[0] for r in records(skip=(region,)))
    with open(stderr) as handle:
        errors = handle.read()
    assert region in errors and 'Forbidden.RAM' in errors, errors
    assert os.environ['ALIBABA_CLOUD_ACCESS_KEY_SECRET'] not in errors
    # --list shows the group all's variables on every host.
    refused = next(iter(data['_meta']['hostvars'].values()))['dts_refused_regions']
    assert [(entry['region'], entry['code']) for entry in refused] == [(region, 'Forbidden.RAM')], refused


def check_failed(account, region, path, stderr):
    """A failed region is a partial result: every other job is a host, and dts_regions names the failure."""
    data = load(path)
    assert sorted(data['_meta']['hostvars']) == sorted(r[0] for r in records())
    with open(stderr) as handle:
        errors = handle.read()
    assert region in errors and 'ConnectionRefused' in errors and 'strict_regions' in errors, errors
    assert os.environ['ALIBABA_CLOUD_ACCESS_KEY_SECRET'] not in errors
    regions = next(iter(data['_meta']['hostvars'].values()))['dts_regions']
    failed = [(entry['account'], entry['region'], entry['code']) for entry in regions if entry['failed']]
    assert failed == [(account, region, 'ConnectionRefused')], regions
    assert all(not entry['failed'] for entry in regions if entry['account'] != account)


def check_quiet(*stderrs):
    for stderr in stderrs:
        with open(stderr) as handle:
            errors = handle.read()
        # ansible-test runs the target from inside the collection, which Ansible itself remarks on.
        warnings = [
            line for line in errors.splitlines() if 'WARNING' in line and 'running with default collection' not in line
        ]
        assert not warnings, errors


def check_strict(region, stderr, code='Forbidden.RAM'):
    with open(stderr) as handle:
        errors = handle.read()
    assert region in errors and code in errors, errors
    assert os.environ['ALIBABA_CLOUD_ACCESS_KEY_SECRET'] not in errors


if __name__ == '__main__':
    {
        'reset': reset,
        'inventory': check_inventory,
        'cached': check_cached,
        'graph': check_graph,
        'requested': check_requested,
        'refuse': refuse,
        'refused': check_refused,
        'strict': check_strict,
        'quiet': check_quiet,
        'failed': check_failed,
    }[sys.argv[1]](*sys.argv[2:])
