# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The command line, as `make emulator`, the demo and CI start it: a subprocess on a free port."""

import itertools
import json
import os
import signal
import subprocess
import sys
import time

import pytest
import requests
import yaml

from emulator_clients import CLIENTS, REFUSALS, list_all
from emulator_data import default_job_specs
from emulator_wire import call

SERIAL = itertools.count()
SCRIPT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'dts_emulator.py')
LIST = 'DescribeSynchronizationJobs'
STATUS = 'DescribeSynchronizationJobStatusList'
JOBS = [
    {
        'id': 'dtsclijob000001',
        'region': 'eu-central-1',
        'name': 'cli-één',
        'status': 'Synchronizing',
        'tags': {'env': 'prod'},
    },
    {
        'id': 'dtsclijob000002',
        'region': 'eu-central-1',
        'name': 'cli-two',
        'status': 'Failed',
        'error_message': 'DTS-3: broken',
        'two_way': True,
        'reverse_status': 'Suspending',
    },
]


def wait_for(condition, seconds=10.0, what='condition'):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError('timed out waiting for %s' % what)


class Running:
    def __init__(self, tmp_path, *args):
        self.port_file = str(tmp_path / ('port-%d' % next(SERIAL)))
        self.process = subprocess.Popen(
            [sys.executable, SCRIPT, '--port', '0', '--port-file', self.port_file, '--quiet'] + list(args),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            universal_newlines=True,
        )
        self.port = int(wait_for(self._port, what='the port file'))
        self.scheme = 'https' if '--tls' in args else 'http'
        self.endpoint = '%s://127.0.0.1:%d' % (self.scheme, self.port)

    def _port(self):
        if self.process.poll() is not None:
            raise AssertionError('the emulator exited: %s' % self.process.stderr.read())
        if os.path.exists(self.port_file):
            with open(self.port_file) as handle:
                return handle.read().strip()
        return None

    def stop(self):
        """SIGTERM; returns (exit status, stdout, stderr)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        out, err = self.process.communicate(timeout=10)
        return self.process.returncode, out, err


@pytest.fixture
def start(tmp_path):
    started = []

    def _start(*args):
        running = Running(tmp_path, *args)
        started.append(running)
        return running

    yield _start
    for running in started:
        if running.process.poll() is None:
            running.process.kill()
            running.process.communicate()


def test_port_zero_port_file_and_a_clean_sigterm(start):
    emulator = start()
    page = call(emulator.endpoint, LIST, {'RegionId': 'cn-hangzhou', 'PageSize': '10'}).json()
    assert page['TotalRecordCount'] >= 40
    status, out, err = emulator.stop()
    assert status == 0, err
    assert 'DTS emulator listening on %s' % emulator.endpoint in out
    assert 'ALIBABA_CLOUD_ACCESS_KEY_ID=dts-emulator-ak' in out
    assert 'control API: %s/_emulator/' % emulator.endpoint in out
    with pytest.raises(requests.ConnectionError):
        requests.get(emulator.endpoint + '/_emulator/health', timeout=2)


def test_sigterm_right_after_the_port_file_appears_still_exits_cleanly(start):
    for _attempt in range(3):
        status, _out, err = start().stop()
        assert status == 0, err


def test_custom_keys_and_a_required_security_token(start):
    emulator = start('--access-key-id', 'LTAIcli', '--access-key-secret', 'cli-secret', '--security-token', 'tok')
    keys = dict(key='LTAIcli', secret='cli-secret')
    assert call(emulator.endpoint, LIST, {'RegionId': 'cn-hangzhou'}, token='tok', **keys).status_code == 200
    assert call(emulator.endpoint, LIST, {'RegionId': 'cn-hangzhou'}, **keys).json()['Code'] == 'MissingSecurityToken'
    assert call(emulator.endpoint, LIST, {'RegionId': 'cn-hangzhou'}).json()['Code'] == 'InvalidAccessKeyId.NotFound'


@pytest.mark.parametrize('form', ['yaml-list', 'json-wrapped'])
def test_data_from_a_file_replaces_the_default_jobs(start, tmp_path, form):
    path = tmp_path / ('jobs.yml' if form == 'yaml-list' else 'jobs.json')
    if form == 'yaml-list':
        path.write_text(yaml.safe_dump(JOBS, allow_unicode=True), encoding='utf-8')
    else:
        path.write_text(json.dumps({'jobs': JOBS}), encoding='utf-8')
    emulator = start('--data', str(path))
    page = call(emulator.endpoint, LIST, {'RegionId': 'eu-central-1'}).json()
    records = dict(
        ((r['SynchronizationJobId'], r['SynchronizationDirection']), r) for r in page['SynchronizationInstances']
    )
    assert sorted(records) == [
        ('dtsclijob000001', 'Forward'),
        ('dtsclijob000002', 'Forward'),
        ('dtsclijob000002', 'Reverse'),
    ]
    assert records[('dtsclijob000001', 'Forward')]['SynchronizationJobName'] == 'cli-één'
    assert records[('dtsclijob000002', 'Forward')]['ErrorMessage'] == 'DTS-3: broken'
    assert records[('dtsclijob000002', 'Reverse')]['Status'] == 'Suspending'
    assert call(emulator.endpoint, LIST, {'RegionId': 'cn-hangzhou'}).json()['TotalRecordCount'] == 0


def test_fault_latency_and_limit_options(start):
    emulator = start('--throttle-every', '2', '--latency-ms', '100', '--max-status-ids', '1')
    started = time.monotonic()
    first = call(emulator.endpoint, LIST, {'RegionId': 'cn-hangzhou'})
    assert first.status_code == 200 and time.monotonic() - started >= 0.1
    second = call(emulator.endpoint, LIST, {'RegionId': 'cn-hangzhou'})
    assert (second.status_code, second.json()['Code']) == (400, 'Throttling.User')
    assert int(second.headers['x-acs-retry-after']) > 0
    ids = [record['SynchronizationJobId'] for record in first.json()['SynchronizationInstances']][:2]
    refused = call(
        emulator.endpoint, STATUS, {'RegionId': 'cn-hangzhou', 'SynchronizationJobIdListJsonStr': json.dumps(ids)}
    )
    assert refused.json()['Code'] == 'InvalidParameter'


def test_tls_with_a_ca_file(start, tmp_path):
    ca_file = str(tmp_path / 'bundle.pem')
    emulator = start('--tls', '--ca-file', ca_file)
    assert call(emulator.endpoint, LIST, {'RegionId': 'cn-hangzhou'}, verify=ca_file).status_code == 200
    with pytest.raises(requests.exceptions.SSLError):
        call(emulator.endpoint, LIST, {'RegionId': 'cn-hangzhou'})
    status, out, _err = emulator.stop()
    assert status == 0
    assert 'CA bundle (ca_path): %s' % ca_file in out


def test_the_official_clients_against_the_command_line_emulator(start):
    """The bar of the issue: an emulator started as a program with its default data; every
    official client pages through cn-hangzhou exactly once, reads a status for every listed id,
    and is refused for a wrong secret, PageSize 25 and a status list without ids."""
    emulator = start()
    specs = default_job_specs()
    expected = set(
        (s['id'], d)
        for s in specs
        if s['region'] == 'cn-hangzhou'
        for d in (('Forward', 'Reverse') if s.get('two_way') else ('Forward',))
    )
    for name in sorted(CLIENTS):
        client = CLIENTS[name](emulator.port)
        for size in (10, 30):
            seen, _pages = list_all(client, size)
            assert set(seen) == expected, name
        ids = sorted(set(job_id for job_id, _direction in seen))
        assert len(ids) >= 25
        listed = client.statuses(ids).synchronization_job_list_status_list
        assert sorted(entry.synchronization_job_id for entry in listed) == ids, name
        # Each call is made in the iteration that built it (B023 cannot see that).
        for call_, code in (
            (
                lambda: CLIENTS[name](emulator.port, secret='wrong').list_page(10, 1),  # noqa: B023
                # the legacy SDK renames it when the server's string-to-sign equals its own
                ('InvalidAccessKeySecret',) if name.startswith('legacy') else ('SignatureDoesNotMatch',),
            ),
            (lambda: client.list_page(25, 1), ('InvalidParameter',)),  # noqa: B023
            (lambda: client.statuses(None), ('MissingParameter',)),  # noqa: B023
        ):
            with pytest.raises(REFUSALS) as caught:
                call_()
            assert client.refusal(caught.value)[0] in code, name
    assert emulator.stop()[0] == 0


def test_generated_jobs_and_the_current_family_flags(start):
    emulator = start(
        '--generate-jobs',
        '600',
        '--generate-regions',
        'cn-hangzhou,eu-central-1',
        '--rate-limit',
        'DescribeDtsJobs=3',
        '--throttle-code',
        'Rejected.Throttling',
        '--dts-jobs-page-cap',
        '10',
        '--lowercase-statuses',
        '--oidc-token',
        'cli-oidc',
        '--sts-duration-seconds',
        '900',
    )
    config = requests.get(emulator.endpoint + '/_emulator/jobs?origin=all&region=eu-central-1', timeout=10).json()
    assert len(config['jobs']) == 300
    page = call(
        emulator.endpoint, 'DescribeDtsJobs', {'Region': 'eu-central-1', 'JobType': 'SYNC', 'PageSize': '100'}
    ).json()
    assert page['PageRecordCount'] == 10 < page['TotalRecordCount']
    assert all(entry['Status'] == entry['Status'].lower() for entry in page['DtsJobList'])
    legacy = call(emulator.endpoint, LIST, {'RegionId': 'eu-central-1'}).json()
    assert legacy['TotalRecordCount'] == sum(
        len(job['directions']) for job in config['jobs'] if job['origin'] == 'legacy'
    )
    # An empty config change answers the whole config: what the flags set, without timing any calls.
    settings = requests.post(emulator.endpoint + '/_emulator/config', data='{}', timeout=10).json()
    assert (
        settings['rate_limits'],
        settings['throttle_code'],
        settings['oidc_tokens'],
        settings['sts_duration_seconds'],
    ) == ({'DescribeDtsJobs': 3}, 'Rejected.Throttling', ['cli-oidc'], 900)
    status, out, err = emulator.stop()
    assert status == 0, err


@pytest.mark.parametrize(
    'args', [['--rate-limit', 'DescribeDtsJobs=lots'], ['--rate-limit', 'Nope=3'], ['--generate-jobs', '-1']]
)
def test_bad_new_flags_are_refused_before_serving(tmp_path, args):
    process = subprocess.run(
        [sys.executable, SCRIPT, '--port', '0', '--quiet'] + args,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert process.returncode == 2 and args[0] in process.stderr
