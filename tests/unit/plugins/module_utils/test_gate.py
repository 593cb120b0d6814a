# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The gate against the emulator, on a fake clock: data validation, a failure that explains itself,
what a poll reads (only the gated jobs, a constant number of requests whatever the region's size),
and a deadline no poll runs past."""

import ast
import os

import pytest

from ansible_collections.alibabacloud.dts.plugins.module_utils import _gate, _states, _wait_options, _wait_run, _waiter
from ansible_collections.alibabacloud.dts.plugins.module_utils._client import DtsClient
from ansible_collections.alibabacloud.dts.plugins.module_utils._credentials import Credentials
from ansible_collections.alibabacloud.dts.plugins.module_utils._states import wait_on_jobs
from ansible_collections.alibabacloud.dts.plugins.module_utils._waiter import WaitFailed, gate_from_params
from ansible_collections.alibabacloud.dts.tests.unit.clock import FakeClock
from ansible_collections.alibabacloud.dts.tests.unit.plugins.modules.conftest import EMULATOR_DIR  # noqa: F401  pylint: disable=unused-import

from dts_emulator import Emulator  # noqa: E402  (EMULATOR_DIR is on sys.path)
from emulator_data import default_data, generate_job_specs  # noqa: E402

HZ = 'cn-hangzhou'


class SlowClient:
    """A client whose every request takes ``per_request`` seconds of the fake clock."""

    def __init__(self, client, clock, per_request):
        self._client = client
        self.clock = clock
        self.per_request = per_request

    def call(self, action, params, validate=None):
        self.clock.advance(self.per_request)
        return self._client.call(action, params, validate=validate)

    def __getattr__(self, name):
        return getattr(self._client, name)


@pytest.fixture(scope='module')
def served():
    with Emulator(access_key_id='gate-ak', access_key_secret='gate-secret') as emulator:
        yield emulator


@pytest.fixture
def emulator(served):
    served.load_jobs(default_data(served.started), replace=True)
    served.reset_counters()
    return served


def connect(emulator):
    return DtsClient(Credentials('gate-ak', 'gate-secret', None, 'test'), HZ, emulator.endpoint, retries=0)


def named(emulator, name):
    return next(job for job in emulator.jobs if job['name'] == name)


def gate(**options):
    params = dict((name, spec.get('default')) for name, spec in _waiter.wait_argument_spec().items())
    params.update(wait=True, wait_timeout=600, wait_sleep=15)
    params.update(options)
    return gate_from_params(params), params


def wait(emulator, job_ids, clock=None, check_mode=False, client=None, **options):
    clock = clock or FakeClock()
    the_gate, params = gate(**options)
    return wait_on_jobs(
        client or connect(emulator),
        job_ids,
        the_gate,
        params,
        check_mode=check_mode,
        read_kwargs={'api': 'auto'},
        clock=clock,
        sleep=clock.sleep,
        wall=clock.wall,
    )


def failure(emulator, job_ids, **options):
    with pytest.raises(WaitFailed) as caught:
        wait(emulator, job_ids, **options)
    return caught.value


# -- data validation ----------------------------------------------------------------------------------


def test_a_clean_full_and_incremental_validation_passes(emulator):
    job = named(emulator, 'payments-prod-cdc')
    outcome = wait(emulator, [job['dts_job_id']], wait_data_check=['full', 'incremental'])
    assert outcome['passed'] and outcome['polls'] == 1
    checks = outcome['states'][0]['data_checks']
    assert [(check['check_type'], check['state'], check['diff_count']) for check in checks] == [
        ('full', 'passed', 0),
        ('incremental', 'passed', 0),
    ]
    assert outcome['jobs'][0]['directions'][0]['data_checks'] == checks


def test_an_inconsistent_validation_fails_at_once_naming_rows_and_tables(emulator):
    job = named(emulator, 'analytics-prod-sync-05')
    failed = failure(emulator, [job['id']], wait_data_check=['full', 'incremental'])
    assert failed.reason == 'data_inconsistent' and failed.details['polls'] == 1
    diff = sum(table['diff'] for table in job['data_check']['full']['tables'])
    assert job['id'] in failed.message
    assert '{:,} inconsistent rows'.format(diff) in failed.message
    # Both differing tables, the one mapped to another schema as such, the clean one not.
    assert 'appdb.orders (3 rows)' in failed.message
    assert 'appdb.order_items -> appdb_new.order_items (17 rows)' in failed.message
    assert 'customers' not in failed.message
    check = failed.details['failed_jobs'][0]['directions'][0]['data_checks'][0]
    assert check['state'] == 'inconsistent' and len(check['tables']) == 2
    assert failed.details['states'][0]['data_checks'][0] == check
    # Row contents are never read.
    assert not [entry for entry in emulator.log if entry['action'] == 'DescribeDataCheckTableDiffDetails']


def test_a_running_validation_keeps_the_wait_polling_with_its_progress(emulator):
    job = named(emulator, 'orders-prod-dr')
    outcome = wait(emulator, [job['dts_job_id']], wait_data_check=['full'])
    assert outcome['passed'] and outcome['polls'] > 1
    assert any('full data validation Checking' in line and 'rows)' in line for line in outcome['progress'])


def test_a_running_validation_is_in_the_timeout_message(emulator):
    job = named(emulator, 'orders-prod-dr')
    failed = failure(emulator, [job['dts_job_id']], wait_data_check=['full'], wait_timeout=15)
    assert failed.reason == 'timeout' and 'full data validation Checking' in failed.message


def test_a_job_without_validation_is_refused_saying_how_to_enable_it(emulator):
    job = next(
        job
        for job in emulator.jobs
        if job['region'] == HZ
        and not job.get('data_check')
        and job['directions']['Forward']['status'].lower() == 'synchronizing'
    )
    failed = failure(emulator, [job['id']], wait_data_check=['incremental'])
    assert failed.reason == 'data_check_not_configured' and failed.details['polls'] == 1
    assert 'incremental data validation is not configured' in failed.message
    assert 'ConfigureDtsJob' in failed.message and 'wait_data_check' in failed.message


def test_an_inconsistency_that_appears_while_waiting_ends_the_wait(emulator):
    job = named(emulator, 'payments-prod-cdc')
    emulator.set_timeline(
        job['id'],
        [
            {
                'after_polls': 3,
                'data_check': {
                    'full': {
                        'status': 'Finished',
                        'tables': [{'schema': 'appdb', 'table': 'ledger', 'total': 1000, 'diff': 7}],
                    }
                },
            }
        ],
    )
    failed = failure(emulator, [job['dts_job_id']], wait_data_check=['full'], wait_stable_for=120)
    assert failed.reason == 'data_inconsistent'
    assert '7 inconsistent rows' in failed.message and 'appdb.ledger (7 rows)' in failed.message


# -- a failed gate explains itself ---------------------------------------------------------------------


def test_a_precheck_failed_job_fails_with_its_failed_items_and_repair_methods(emulator):
    job = next(
        job
        for job in emulator.jobs
        if job['region'] == HZ
        and job['directions']['Forward']['status'] == 'PrecheckFailed'
        and job.get('precheck_failures')
    )
    failed = failure(emulator, [job['id']])
    assert failed.reason == 'failed_status'
    assert 'Failed precheck items: CHECK_CONN_SRC' in failed.message
    for item in job['precheck_failures']:
        assert item['item'] in failed.message and item['repair'][:40] in failed.message
    assert '(can be skipped)' in failed.message
    details = failed.details['failed_jobs'][0]['failure_details']
    assert details['stage'] == 'precheck' and [item['item'] for item in details['failed_items']] == [
        item['item'] for item in job['precheck_failures']
    ]


def test_failure_text_is_bounded_and_on_one_line():
    text = _gate.bounded('a\nb' + 'x' * 1000)
    assert '\n' not in text and len(text) == _gate.MAX_TEXT and text.endswith('...')


# -- a gate reads what it gates -----------------------------------------------------------------------


def requests_per_poll(emulator, job_id, **options):
    emulator.reset_counters()
    clock = FakeClock()
    outcome = wait(emulator, [job_id], clock=clock, check_mode=True, **options)
    assert outcome['polls'] == 1
    return dict(emulator.counters['by_action'])


@pytest.mark.parametrize('options', [{'wait_max_delay': 5}, {'wait_data_check': ['full']}])
def test_a_poll_costs_the_same_in_a_region_of_12_or_12000_jobs(emulator, options):
    specs = generate_job_specs(12000, [HZ], now=emulator.started)
    legacy = dict(
        next(spec for spec in specs if spec['origin'] == 'legacy' and spec['status'] == 'Synchronizing'),
        data_check={'full': {'status': 'Finished', 'tables': [{'schema': 'a', 'table': 'b', 'total': 9}]}},
    )
    specs = [legacy if spec['id'] == legacy['id'] else spec for spec in specs]
    emulator.load_jobs([legacy], replace=True)
    small = requests_per_poll(emulator, legacy['id'], **options)
    emulator.load_jobs(specs, replace=True)
    big = requests_per_poll(emulator, legacy['id'], **options)
    assert big == small and sum(big.values()) <= 4, big
    assert 'DescribeSynchronizationJobs' not in big
    assert all(
        {'DtsJobId', 'DtsInstanceId'} & set(entry['params'])
        for entry in emulator.log
        if entry['action'] == 'DescribeDtsJobs'
    )


def test_no_poll_runs_past_the_deadline_by_more_than_one_request(emulator):
    job = named(emulator, 'orders-prod-dr')
    clock = FakeClock()
    client = SlowClient(connect(emulator), clock, per_request=4.0)
    with pytest.raises(WaitFailed) as caught:
        wait(
            emulator,
            [job['dts_job_id']],
            clock=clock,
            client=client,
            wait_data_check=['full'],
            wait_timeout=30,
            wait_sleep=10,
        )
    assert caught.value.reason == 'timeout'
    assert clock.now <= 30 + client.per_request
    assert 'deadline passed' in caught.value.message


# -- the waiter stays small (issue: no function over 60 lines, each file under 400) ----------------------


@pytest.mark.parametrize('module', [_waiter, _wait_run, _wait_options, _states, _gate])
def test_the_waiter_is_made_of_small_pieces(module):
    path = module.__file__
    with open(path) as handle:
        source = handle.read()
    assert len(source.splitlines()) < 400, path
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            assert node.end_lineno - node.lineno < 60, (os.path.basename(path), node.name)


# -- the option, checked before any request -------------------------------------------------------------


def test_wait_data_check_needs_wait_and_known_checks():
    from ansible_collections.alibabacloud.dts.plugins.module_utils._errors import DtsConfigError

    with pytest.raises(DtsConfigError) as caught:
        gate(wait=False, wait_data_check=['full'])
    assert caught.value.option == 'wait_data_check' and 'wait=true' in str(caught.value)
    with pytest.raises(DtsConfigError) as caught:
        gate(wait_data_check=['structure'])
    assert caught.value.option == 'wait_data_check' and 'full and incremental' in str(caught.value)
    the_gate, _params = gate(wait_data_check=['incremental', 'full'])
    assert the_gate.data_checks == ('full', 'incremental')
    assert the_gate.describe().endswith('full and incremental data validation passed')
