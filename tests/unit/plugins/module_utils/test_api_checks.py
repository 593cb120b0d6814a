# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Data validation and precheck progress: the facts, the state of a check, and the reads a gate makes.

The state rules are specified on hand-made facts; the reads run against the emulator in this
process, on the validation scenarios of its default data; the facts are held against the official
SDK's models.
"""

import pytest
from alibabacloud_dts20200101 import models

from ansible_collections.alibabacloud.dts.plugins.module_utils import _api_checks
from ansible_collections.alibabacloud.dts.plugins.module_utils._api_checks import (
    data_check_states,
    describe_report_url,
    list_table_details,
    lookup_jobs,
    read_data_checks,
    read_failed_precheck_items,
    validate_check_types,
)
from ansible_collections.alibabacloud.dts.plugins.module_utils._checks_facts import (
    normalize_check_job,
    normalize_precheck_item,
    normalize_table,
)
from ansible_collections.alibabacloud.dts.plugins.module_utils._client import DtsClient
from ansible_collections.alibabacloud.dts.plugins.module_utils._credentials import Credentials
from ansible_collections.alibabacloud.dts.plugins.module_utils._errors import DtsApiError, DtsConfigError
from ansible_collections.alibabacloud.dts.plugins.module_utils._normalize import (
    SUMMARY_DTS_JOB_FACTS,
    normalize_dts_job,
)
from ansible_collections.alibabacloud.dts.plugins.module_utils._normalize_checks import check_status
from ansible_collections.alibabacloud.dts.tests.unit.plugins.modules.conftest import EMULATOR_DIR  # noqa: F401  pylint: disable=unused-import

from dts_emulator import Emulator  # noqa: E402  (EMULATOR_DIR is on sys.path)
from emulator_data import default_data, dts_job_entry, make_job  # noqa: E402

HZ = 'cn-hangzhou'


# -- the state of a check, on hand-made facts -------------------------------------------------------------


def facts(full=None, incremental=None):
    """One direction's facts with the data_check of ``full`` / ``incremental`` ({status, enabled})."""

    def check(given):
        given = dict(given or {})
        return {
            'enabled': given.get('enabled', bool(given)),
            'status': given.get('status'),
            'percent': None,
            'progress': None,
            'error_message': given.get('error_message'),
        }

    return {
        'dts_job_id': 'job1',
        'dts_instance_id': 'dtsjob1',
        'dts_job_name': 'orders',
        'dts_job_direction': 'Forward',
        'data_check': {'full': check(full), 'incremental': check(incremental), 'structure': check(None)},
    }


def run(kind='full', diff=0, result=0, checkpoint=1700000000, finished=10, total=10, job='job1'):
    return normalize_check_job(
        {
            'DtsJobId': job,
            'DtsInstanceID': 'dts' + job,
            'CheckType': _api_checks.CHECK_TYPES[kind],
            'Status': result,
            'DiffCount': diff,
            'FinishCount': finished,
            'TotalCount': total,
            'CheckPoint': checkpoint,
        }
    )


def state(job, runs, kind='full'):
    return data_check_states(job, runs, [kind])[0]['state']


def test_a_check_the_task_does_not_run_is_not_configured():
    assert state(facts(), []) == 'not_configured'
    assert state(facts(full={'enabled': None, 'status': 'NotStarted'}), []) == 'not_configured'
    # A run DTS reports counts, whatever MigrationMode says: validation may be started on its own.
    assert state(facts(), [run(diff=0)]) == 'running'


def test_rows_that_differ_are_inconsistent_finished_or_not():
    assert state(facts(full={'status': 'Finished'}), [run(diff=3, result=1)]) == 'inconsistent'
    assert state(facts(full={'status': 'Checking'}), [run(diff=1, result=0, finished=4)]) == 'inconsistent'
    assert state(facts(full={'status': 'Failed'}), [run(diff=2, result=1)]) == 'inconsistent'


def test_a_failed_check_or_a_failed_result_without_counted_rows_is_failed():
    assert state(facts(full={'status': 'Failed', 'error_message': 'boom'}), [run()]) == 'failed'
    assert state(facts(full={'status': 'Failed'}), []) == 'failed'
    assert state(facts(full={'status': 'Finished'}), [run(diff=0, result=1)]) == 'failed'


def test_passed_needs_the_check_through_and_a_run_that_counts_zero_rows():
    assert state(facts(full={'status': 'Finished'}), [run()]) == 'passed'
    assert state(facts(incremental={'status': 'Catched'}), [run('incremental')], 'incremental') == 'passed'
    # Finished is not Catched: an incremental check is through only once it has caught up.
    assert state(facts(incremental={'status': 'Finished'}), [run('incremental')], 'incremental') == 'running'
    # Through, but no run counts the rows yet: nothing proves zero differences.
    assert state(facts(full={'status': 'Finished'}), []) == 'running'
    assert state(facts(full={'status': 'Finished'}), [run('incremental')]) == 'running'


def test_what_is_not_through_or_not_understood_keeps_running():
    for status in ('NotStarted', 'Checking', None, 'Paused'):
        assert state(facts(full={'status': status}), [run(finished=3)]) == 'running', status
    assert state(facts(full={'status': 'Finished'}), [run(result='7')]) == 'running'


def test_the_latest_run_of_the_task_counts():
    runs = [
        run(diff=5, result=1, checkpoint=1700000000),
        run(diff=0, checkpoint=1700009999),
        run(diff=9, result=1, checkpoint=1800000000, job='otherjob'),
    ]
    entry = data_check_states(facts(full={'status': 'Finished'}), runs, ['full'])[0]
    assert (entry['state'], entry['diff_count'], entry['checkpoint_time']) == ('passed', 0, '2023-11-15T00:59:59Z')


def test_an_entry_names_the_job_and_carries_the_counts():
    entry = data_check_states(facts(full={'status': 'Checking'}), [run(finished=4, total=10)], ['full'])[0]
    assert entry == {
        'dts_job_id': 'job1',
        'dts_instance_id': 'dtsjob1',
        'dts_job_name': 'orders',
        'dts_job_direction': 'Forward',
        'check_type': 'full',
        'state': 'running',
        'status': 'Checking',
        'diff_count': 0,
        'finish_count': 4,
        'total_count': 10,
        'percent': None,
        'progress': None,
        'error_message': None,
        'checkpoint_time': '2023-11-14T22:13:20Z',
    }


def test_check_types_are_validated_before_any_request():
    assert validate_check_types('all') == ('full', 'incremental')
    assert validate_check_types('incremental') == ('incremental',)
    with pytest.raises(DtsConfigError) as caught:
        validate_check_types('schema')
    assert caught.value.option == 'check_type' and 'full, incremental or all' in caught.value.message


# -- the facts ----------------------------------------------------------------------------------------------


def test_the_data_check_fact_is_what_the_sdk_model_parsed():
    job = make_job(
        {
            'id': 'dtsexample0001',
            'region': HZ,
            'data_check': {
                'full': {'status': 'finished', 'tables': [{'schema': 'a', 'table': 't', 'total': 40, 'diff': 2}]},
                'incremental': {
                    'status': 'catched',
                    'tables': [{'schema': 'a', 'table': 't', 'total': 10, 'finished': 5}],
                },
                'structure': {'status': 'Inconsistency', 'objects': 4},
            },
        }
    )
    wire = dts_job_entry(job)
    parsed = models.DescribeDtsJobsResponseBodyDtsJobList().from_map(wire)
    [forward] = normalize_dts_job(wire, HZ)
    checks = forward['data_check']
    assert checks['full'] == {
        'enabled': parsed.migration_mode.full_data_check,
        'status': 'Finished',
        'percent': int(parsed.full_data_check_status.percent),
        'progress': int(parsed.full_data_check_status.progress),
        'error_message': None,
        'can_switch': parsed.full_data_check_status.can_switch,
    }
    assert (checks['full']['can_switch'], checks['full']['percent']) == (False, 100)
    assert checks['incremental'] == {
        'enabled': True,
        'status': 'Catched',
        'percent': 50,
        'progress': 5,
        'error_message': None,
    }
    assert checks['structure']['status'] == 'Inconsistency' and checks['structure']['progress'] == 4


def test_a_job_without_validation_says_so_and_unknown_statuses_are_kept():
    [forward] = normalize_dts_job(dts_job_entry(make_job({'id': 'dtsexample0002', 'region': HZ})), HZ)
    assert all(check['enabled'] is False and check['status'] is None for check in forward['data_check'].values())
    [nothing] = normalize_dts_job({'DtsJobId': 'x', 'FullDataCheckStatus': {'Status': 'Verifying', 'Percent': ''}}, HZ)
    assert nothing['data_check']['full'] == {
        'enabled': None,
        'status': 'Verifying',
        'percent': None,
        'progress': None,
        'error_message': None,
        'can_switch': None,
    }
    assert check_status('CHECKING') == 'Checking' and check_status('  ') is None


def test_the_summary_carries_the_data_check():
    [summary] = normalize_dts_job(
        dts_job_entry(make_job({'id': 'dtsexample0003', 'region': HZ})), HZ, frozenset(SUMMARY_DTS_JOB_FACTS)
    )
    assert 'data_check' in summary and 'migration_mode' not in summary


def test_tables_runs_and_precheck_items_as_facts():
    assert normalize_table(
        {
            'SourceDbName': 'appdb',
            'SourceTbName': 'orders',
            'TargetDbName': 'appdb_new',
            'TargetTbName': 'orders',
            'DiffCount': 3,
            'FinishCount': '10',
            'TotalCount': 10,
            'Status': '5',
            'ErrorCode': 3,
            'Id': 7,
        }
    ) == {
        'source_schema': 'appdb',
        'source_table': 'orders',
        'target_schema': 'appdb_new',
        'target_table': 'orders',
        'diff_count': 3,
        'finish_count': 10,
        'total_count': 10,
        'state': 'failed',
        'error_code': 3,
        'error': 'the table does not exist',
    }
    assert [normalize_table({'Status': status})['state'] for status in ('0', '2', '3', '9', None)] == [
        'done',
        'initializing',
        'running',
        '9',
        None,
    ]
    assert run(result=1)['result'] == 'failed' and run(result=0)['result'] == 'passed'
    assert normalize_check_job({'CheckType': 4, 'Status': 'x'})['check_type'] == 4
    item = normalize_precheck_item(
        {
            'Item': 'CHECK_SAME_OBJ',
            'Names': 'appdb.orders',
            'State': 'failed',
            'ErrMsg': 'exists',
            'RepairMethod': 'rename',
            'CanSkip': 'true',
            'Skip': False,
            'OrderNum': 9,
        }
    )
    assert item == {
        'item': 'CHECK_SAME_OBJ',
        'names': 'appdb.orders',
        'state': 'Failed',
        'error': 'exists',
        'repair_method': 'rename',
        'can_skip': True,
        'skipped': False,
        'order': 9,
    }


# -- the reads, against the emulator --------------------------------------------------------------------------


@pytest.fixture(scope='module')
def served():
    with Emulator(access_key_id='checks-ak', access_key_secret='checks-secret') as emulator:
        yield emulator


@pytest.fixture
def emulator(served):
    """One emulator for the module's tests, with its default data fresh for each."""
    served.load_jobs(default_data(served.started), replace=True)
    served.reset_counters()
    served.business_failures = {}
    return served


@pytest.fixture
def client(emulator):
    return DtsClient(Credentials('checks-ak', 'checks-secret', None, 'test'), HZ, emulator.endpoint, retries=0)


def named(emulator, name):
    return next(job for job in emulator.jobs if job['name'] == name)


def dts_requests(emulator):
    return [entry for entry in emulator.log if entry['action'] == 'DescribeDtsJobs']


def test_the_seeded_scenarios_read_as_their_states(emulator, client):
    inconsistent = named(emulator, 'analytics-prod-sync-05')  # made the legacy way: asked by its legacy id
    clean = named(emulator, 'payments-prod-cdc')  # asked by its task id
    running = named(emulator, 'orders-prod-dr')  # asked by its instance id
    failed = named(emulator, 'billing-prod-sync')
    migration = named(emulator, 'orders-prod-migrate')
    bare = named(emulator, 'inventory-staging-sync')
    asked = [
        inconsistent['id'],
        clean['dts_job_id'],
        running['id'],
        failed['dts_job_id'],
        migration['id'],
        bare['dts_job_id'],
        'dtsnosuchjob01',
    ]
    entries, missing = read_data_checks(client, asked)
    assert missing == ['dtsnosuchjob01']
    states = [(entry['job_id'], entry['check_type'], entry['state']) for entry in entries]
    assert states == [
        (inconsistent['id'], 'full', 'inconsistent'),
        (inconsistent['id'], 'incremental', 'passed'),
        (clean['dts_job_id'], 'full', 'passed'),
        (clean['dts_job_id'], 'incremental', 'passed'),
        (running['id'], 'full', 'running'),
        (running['id'], 'incremental', 'running'),
        (failed['dts_job_id'], 'full', 'failed'),
        (failed['dts_job_id'], 'incremental', 'not_configured'),
        (migration['id'], 'full', 'passed'),
        (migration['id'], 'incremental', 'not_configured'),
        (bare['dts_job_id'], 'full', 'not_configured'),
        (bare['dts_job_id'], 'incremental', 'not_configured'),
    ]
    first = entries[0]
    assert first['diff_count'] == sum(table['diff'] for table in inconsistent['data_check']['full']['tables']) > 0
    assert first['dts_instance_id'] == inconsistent['id'] and first['dts_job_id'] == inconsistent['dts_job_id']
    assert entries[6]['error_message'].startswith('DTS-31009')
    # Only the named jobs were read: every DescribeDtsJobs request filtered by ids, none listed the region.
    lookups = dts_requests(emulator)
    assert lookups and all(set(entry['params']) & {'DtsJobId', 'DtsInstanceId'} for entry in lookups)
    # Synchronization tasks: instance and task ids as their prefix says, then the one id not found by
    # the other filter; migration tasks: that id both ways.
    assert len(lookups) == 5
    assert sum(1 for entry in emulator.log if entry['action'] == 'DescribeCheckJobs') == 6


def test_instance_ids_of_synchronization_jobs_cost_one_lookup(emulator, client):
    ids = [job['id'] for job in emulator.jobs if job['region'] == HZ and job['job_type'] == 'SYNC']
    assert 50 < len(ids) < 60
    found, missing = lookup_jobs(client, ids)
    assert missing == [] and sorted(found) == sorted(ids)
    lookups = dts_requests(emulator)
    # Two lists of at most 50 ids, the first two pages of 30, the second one.
    assert [entry['params']['DtsInstanceId'].count(',') + 1 for entry in lookups].count(50) == 2
    assert len(lookups) == 3 and all(entry['params']['JobType'] == 'SYNC' for entry in lookups)


def test_a_running_check_moves_until_it_passes(emulator, client):
    running = named(emulator, 'orders-prod-dr')
    seen = []
    for _poll in range(6):
        entries, _missing = read_data_checks(client, [running['dts_job_id']])
        seen.append(tuple((entry['state'], entry['finish_count']) for entry in entries))
    assert seen[0][0][0] == 'running' and seen[-1] == (('passed', 1280000), ('passed', 400))
    finished = [states[0][1] for states in seen]
    assert finished == sorted(finished) and finished[0] < finished[-1]


def test_tables_page_and_filter(emulator, client, monkeypatch):
    monkeypatch.setattr(_api_checks, 'DETAIL_PAGE_SIZE', 2)
    job = named(emulator, 'analytics-prod-sync-05')
    every, counts = list_table_details(client, job['dts_job_id'], 1, tables='all')
    assert [table['SourceTbName'] for table in every] == [
        table['table'] for table in job['data_check']['full']['tables']
    ]
    assert counts == {'DiffTableCount': 2, 'FailedTableCount': 0, 'FinishedCount': 525000, 'TotalCount': 3}
    differing, _counts = list_table_details(client, job['dts_job_id'], 1)
    assert [table['SourceTbName'] for table in differing] == ['orders', 'order_items']
    assert [
        entry['params']['Status'] for entry in emulator.log if entry['action'] == _api_checks.TABLE_DETAILS_ACTION
    ] == ['-1', '-1', '6']


def test_the_report_link_and_an_in_body_failure(emulator, client):
    job = named(emulator, 'analytics-prod-sync-05')
    link = describe_report_url(client, job['dts_job_id'], 'appdb', 'orders')
    assert link.startswith('https://') and 'Signature=' in link
    with pytest.raises(DtsApiError) as caught:
        describe_report_url(client, job['dts_job_id'], 'appdb', 'nosuchtable')
    assert caught.value.code == 'InvalidParameter' and 'Signature' not in str(caught.value)
    emulator.business_failures['DescribeCheckJobs'] = [{'code': 'InternalError.Busy', 'message': 'later'}]
    with pytest.raises(DtsApiError) as caught:
        read_data_checks(client, [job['id']])
    assert (caught.value.action, caught.value.code) == ('DescribeCheckJobs', 'InternalError.Busy')


def test_the_failed_precheck_items_with_their_repair(emulator, client):
    job = next(
        job
        for job in emulator.jobs
        if job['region'] == HZ and job['directions']['Forward']['status'] == 'PrecheckFailed'
    )
    precheck = read_failed_precheck_items(client, job['dts_job_id'])
    assert (precheck['state'], precheck['error_item'], precheck['total']) == ('Failed', 2, 10)
    assert [(item['item'], item['error'], item['repair_method'], item['can_skip']) for item in precheck['items']] == [
        (failure['item'], failure['error'], failure['repair'], failure.get('can_skip', False))
        for failure in job['precheck_failures']
    ]
    clean = read_failed_precheck_items(client, named(emulator, 'payments-prod-cdc')['dts_job_id'])
    assert (clean['state'], clean['items']) == ('Finished', [])
    with pytest.raises(DtsApiError) as caught:
        read_failed_precheck_items(client, 'nosuchjob00')
    assert caught.value.code == 'Forbidden.InstanceNotFound'
