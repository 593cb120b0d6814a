# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""dts_sync_job_info as a whole module process against the emulator."""

import os
import subprocess
import sys

import pytest

from ansible_collections.alibabacloud.dts.plugins.module_utils._normalize import (
    JOB_FACTS,
    JOB_STATUSES,
    SUMMARY_JOB_FACTS,
)
from ansible_collections.alibabacloud.dts.tests.unit.plugins.modules.conftest import (
    COLLECTIONS_ROOT,
    SECRET,
    TOKEN,
    jobs_in_region,
)


def test_every_job_of_a_137_job_region_exactly_once_in_5_requests(run_module, emulator):
    emulator.load_jobs(jobs_in_region(137))
    run = run_module('dts_sync_job_info', {})
    assert not run.failed, run.result
    ids = [job['synchronization_job_id'] for job in run.result['jobs']]
    assert len(ids) == 137 and len(set(ids)) == 137
    assert emulator.counters['by_action']['DescribeSynchronizationJobs'] == 5
    assert run.result['changed'] is False


def test_facts_are_typed_and_statuses_documented(run_module, emulator):
    emulator.load_jobs(
        jobs_in_region(
            8,
            tags={'env': 'prod', 'owner': ''},
            pay_type='PrePaid',
            expire_time='2030-01-01T00:00:00Z',
            wire_bool='bool',
        )
    )
    jobs = run_module('dts_sync_job_info', {'fields': ['all']}).result['jobs']
    assert set(job['status'] for job in jobs) == {'Synchronizing', 'Initializing', 'Failed'}
    assert all(job['status'] in JOB_STATUSES for job in jobs)
    job = jobs[3]
    assert job['delay'] == 3 and isinstance(job['source_endpoint']['port'], int)
    assert job['data_initialization'] is True and job['structure_initialization'] is True
    assert job['tags'] == {'env': 'prod', 'owner': ''}
    assert job['region'] == 'cn-hangzhou'
    assert isinstance(job['precheck_status']['detail'], list)
    assert job['expire_time'] == '2030-01-01T00:00:00Z'


def test_the_default_is_the_summary_and_fields_add_the_nested_facts(run_module, emulator):
    emulator.load_jobs(
        jobs_in_region(
            6,
            pay_type='PrePaid',
            expire_time='2030-01-01T00:00:00Z',
            error_message='DTS-070211: Connect Source DB failed.',
        )
    )
    full = run_module('dts_sync_job_info', {'fields': ['all']}).result['jobs']
    summary = run_module('dts_sync_job_info', {}).result['jobs']
    assert summary == [dict((key, value) for key, value in job.items() if key in SUMMARY_JOB_FACTS) for job in full]
    assert set(summary[3]) == set(SUMMARY_JOB_FACTS)  # a failed PrePaid job has every summary fact
    assert all(set(job) == set(JOB_FACTS) for job in full)
    picked = run_module('dts_sync_job_info', {'fields': ['precheck_status', 'delay']}).result['jobs']
    expected_keys = ['delay', 'precheck_status', 'synchronization_direction', 'synchronization_job_id']
    assert [sorted(job) for job in picked] == [expected_keys] * 6
    assert [job['precheck_status'] for job in picked] == [job['precheck_status'] for job in full]


def test_server_side_filters_are_sent_and_applied(run_module, emulator):
    specs = jobs_in_region(6)
    specs[0].update(name='订单-orders-sync', tags={'env': 'prod', 'team': 'pay'})
    specs[1].update(name='orders-archive', tags={'env': 'dev'})
    specs[2].update(name='ORDERS-report', tags={'env': 'prod'}, resource_group_id='rg-other')
    emulator.load_jobs(specs)
    run = run_module('dts_sync_job_info', {'name': 'orders', 'tags': {'env': 'prod'}})
    assert sorted(job['synchronization_job_id'] for job in run.result['jobs']) == [specs[0]['id'], specs[2]['id']]
    params = emulator.log[-1]['params']
    assert params['SynchronizationJobName'] == 'orders' and params['Tag.1.Key'] == 'env'
    run = run_module('dts_sync_job_info', {'resource_group_id': 'rg-other'})
    assert [job['synchronization_job_id'] for job in run.result['jobs']] == [specs[2]['id']]


def test_client_side_filters_statuses_any_case_and_job_ids(run_module, emulator):
    specs = jobs_in_region(12)
    emulator.load_jobs(specs)
    run = run_module('dts_sync_job_info', {'statuses': ['SYNCHRONIZING', 'initializing']})
    assert len(run.result['jobs']) == 9
    run = run_module('dts_sync_job_info', {'job_ids': [specs[4]['id'], 'dtsnotthere']})
    assert [job['synchronization_job_id'] for job in run.result['jobs']] == [specs[4]['id']]


def test_query_result_is_jmespath_over_the_facts(run_module, emulator):
    emulator.load_jobs(jobs_in_region(12))
    run = run_module('dts_sync_job_info', {'query': '[?delay > `9`].synchronization_job_name'})
    assert run.result['query_result'] == ['job-010', 'job-011']
    assert len(run.result['jobs']) == 12


def test_jmespath_is_imported_only_for_a_query():
    # Every run would pay for the import; most runs have no query.
    code = (
        'import sys; from ansible_collections.alibabacloud.dts.plugins.modules import dts_sync_job_info; '
        'print("jmespath" in sys.modules)'
    )
    loaded = subprocess.run(
        [sys.executable, '-c', code],
        env=dict(os.environ, PYTHONPATH=COLLECTIONS_ROOT),
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert loaded == 'False'


def test_query_sees_every_fact_while_jobs_carry_the_fields_asked_for(run_module, emulator):
    emulator.load_jobs(jobs_in_region(12))
    run = run_module('dts_sync_job_info', {'query': '[?source_endpoint.port == `3306`].precheck_status.status'})
    assert run.result['query_result'] == ['Success'] * 12
    assert all(set(job) <= set(SUMMARY_JOB_FACTS) for job in run.result['jobs'])


@pytest.mark.parametrize(
    'args, option, words',
    [
        ({'page_size': 25}, 'page_size', ['10', '20', '30']),
        ({'tags': dict(('k%d' % i, 'v') for i in range(21))}, 'tags', ['20']),
        ({'tags': {'': 'v'}}, 'tags', ['empty']),
        ({'statuses': ['Running']}, 'statuses', ['Synchronizing', 'PrecheckFailed']),
        ({'query': '[?delay >'}, 'query', ['JMESPath']),
        ({'job_ids': ['']}, 'job_ids', ['non-empty']),
        ({'region': 'Hangzhou'}, 'region', ['cn-hangzhou']),
        ({'endpoint': 'ftp://example.com'}, 'endpoint', ['endpoint']),
        ({'retries': 99}, 'retries', ['0', '20']),
        ({'http_timeout': 0}, 'http_timeout', ['1', '600']),
        ({'fields': ['precheck']}, 'fields', ['precheck_status', 'summary']),
        ({'fields': []}, 'fields', ['[summary]']),
    ],
)
def test_bad_input_fails_before_any_request_naming_the_option(run_module, emulator, args, option, words):
    run = run_module('dts_sync_job_info', args)
    assert run.failed
    assert option in run.result['msg']
    for word in words:
        assert word in run.result['msg']
    assert emulator.counters['total'] == 0


def test_an_empty_region_gives_an_empty_list(run_module, emulator):
    run = run_module('dts_sync_job_info', {'region': 'us-west-1'})
    assert not run.failed and run.result['jobs'] == []


def test_check_mode_reads_the_same(run_module, emulator):
    emulator.load_jobs(jobs_in_region(5))
    run = run_module('dts_sync_job_info', {}, check_mode=True)
    assert not run.failed and len(run.result['jobs']) == 5 and run.result['changed'] is False


def test_3000_jobs_exact_with_every_4th_request_throttled_and_every_9th_a_503(run_module, emulator):
    from dts_emulator import Faults

    emulator.load_jobs(jobs_in_region(3000))
    emulator.faults = Faults(throttle_every=4, **{'5xx_every': 9})
    run = run_module('dts_sync_job_info', {})
    assert not run.failed, run.result.get('msg')
    keys = [(job['synchronization_job_id'], job['synchronization_direction']) for job in run.result['jobs']]
    assert len(keys) == 3000 and len(set(keys)) == 3000
    outcomes = emulator.counters['by_outcome']
    assert outcomes['throttle'] >= 25 and outcomes['5xx'] >= 10


def test_v1_signing_and_an_sts_token(run_module, emulator):
    emulator.keys['sts-ak'] = {'secret': SECRET, 'token': TOKEN, 'expires': None}
    emulator.load_jobs(jobs_in_region(3))
    for version in ('v1', 'v3'):
        run = run_module(
            'dts_sync_job_info', {'access_key_id': 'sts-ak', 'security_token': TOKEN, 'signature_version': version}
        )
        assert not run.failed, run.result
        assert len(run.result['jobs']) == 3
        assert TOKEN not in run.stdout + run.stderr and SECRET not in run.stdout + run.stderr


def test_a_missing_token_fails_naming_the_token_error(run_module, emulator):
    emulator.keys['sts-ak'] = {'secret': SECRET, 'token': TOKEN, 'expires': None}
    run = run_module('dts_sync_job_info', {'access_key_id': 'sts-ak'})
    assert run.failed and 'MissingSecurityToken' in run.result['msg']
    assert run.result['error']['code'] == 'MissingSecurityToken'


def test_a_wrong_secret_fails_with_code_message_and_request_id(run_module, emulator):
    run = run_module('dts_sync_job_info', {'access_key_secret': 'not-the-secret'})
    assert run.failed
    error = run.result['error']
    assert error['code'] == 'SignatureDoesNotMatch' and error['request_id'] and error['http_status'] == 400
    assert run.result['msg'].startswith('DescribeSynchronizationJobs failed: SignatureDoesNotMatch: ')
    assert '(RequestId %s)' % error['request_id'] in run.result['msg']
    assert emulator.counters['total'] == 1  # permanent: not retried
    assert 'not-the-secret' not in run.stdout + run.stderr


def test_a_v1_signature_error_does_not_echo_the_token(run_module, emulator):
    # The gateway quotes its string-to-sign, where V1 carries the token percent-encoded twice.
    emulator.keys['sts-ak'] = {'secret': SECRET, 'token': 'tok+en/with=reserved&chars', 'expires': None}
    run = run_module(
        'dts_sync_job_info',
        {
            'access_key_id': 'sts-ak',
            'access_key_secret': 'wrong-secret',
            'security_token': 'tok+en/with=reserved&chars',
            'signature_version': 'v1',
        },
    )
    assert run.failed and run.result['error']['code'] == 'SignatureDoesNotMatch'
    assert 'SecurityToken%3D****' in run.result['msg']  # the quoted string-to-sign, token masked
    for form in (
        'tok+en/with=reserved&chars',
        'tok%2Ben%2Fwith%3Dreserved%26chars',
        'tok%252Ben%252Fwith%253Dreserved%2526chars',
    ):
        assert form not in run.stdout + run.stderr


def test_credentials_from_environment_variables(run_module, emulator):
    emulator.load_jobs(jobs_in_region(2))
    run = run_module(
        'dts_sync_job_info',
        {},
        credentials=False,
        env={'ALIBABA_CLOUD_ACCESS_KEY_ID': 'test-ak', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET': SECRET},
    )
    assert not run.failed and len(run.result['jobs']) == 2
    assert SECRET not in run.stdout + run.stderr


def test_no_credentials_names_every_way_to_give_them(run_module, emulator):
    run = run_module('dts_sync_job_info', {}, credentials=False)
    assert run.failed and 'ALIBABA_CLOUD_ACCESS_KEY_ID' in run.result['msg'] and 'profile' in run.result['msg']
    assert emulator.counters['total'] == 0


def test_the_secret_is_masked_even_in_the_invocation(run_module, emulator):
    run = run_module('dts_sync_job_info', {})
    assert SECRET not in run.stdout + run.stderr
    if 'invocation' in run.result:  # ansible-core 2.21+ no longer returns it by default
        assert run.result['invocation']['module_args']['access_key_secret'] == 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'
