# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""dts_job_info, and dts_sync_status_info across both families, as module processes against the emulator."""

from ansible_collections.alibabacloud.dts.plugins.module_utils._normalize import (
    DTS_JOB_FACTS,
    JOB_STATUSES,
    SUMMARY_DTS_JOB_FACTS,
)


def current_jobs(count, region='cn-hangzhou', job_type='SYNC', **extra):
    specs = []
    for index in range(count):
        spec = {
            'dts_job_id': 'cur%s%05d' % (job_type.lower()[:3], index),
            'origin': 'current',
            'region': region,
            'job_type': job_type,
            'name': 'task-%03d' % index,
            'status': ('Synchronizing', 'Retrying', 'Initializing', 'PreCheckPass')[index % 4],
            'delay': (index, index, None, None)[index % 4],
            'tags': {'env': 'prod' if index % 2 else 'dev'},
        }
        spec.update(extra)
        specs.append(spec)
    return specs


def test_every_sync_record_of_a_region_once_none_of_the_migrations_under_a_page_cap(run_module, emulator):
    two_way = [
        dict(spec, dts_job_id='twoway%02d' % index, two_way=True, reverse_status='initializing', reverse_delay=None)
        for index, spec in enumerate(current_jobs(4))
    ]
    elsewhere = [
        dict(spec, dts_job_id='beijing%02d' % index) for index, spec in enumerate(current_jobs(2, region='cn-beijing'))
    ]
    emulator.load_jobs(current_jobs(95) + two_way + current_jobs(40, job_type='MIGRATION') + elsewhere)
    emulator.config['dts_jobs_page_cap'] = 20
    emulator.config['lowercase_statuses'] = True
    run = run_module('dts_job_info', {'page_size': 100})
    assert not run.failed, run.result
    jobs = run.result['jobs']
    keys = [(job['dts_job_id'], job['dts_job_direction']) for job in jobs]
    assert len(keys) == len(set(keys)) == 95 + 4 * 2
    assert all(job['job_type'] == 'SYNC' and job['region'] == 'cn-hangzhou' and job['api'] == 'current' for job in jobs)
    # 99 tasks at 20 a page (the cap, not the 100 asked): 5 pages.
    assert emulator.counters['by_action']['DescribeDtsJobs'] == 5
    assert set(job['status'] for job in jobs) <= set(JOB_STATUSES)
    assert {'Retrying', 'PreCheckPass'} <= set(job['status'] for job in jobs)
    assert all(set(job) == set(SUMMARY_DTS_JOB_FACTS) for job in jobs)
    reverse = [job for job in jobs if job['dts_job_direction'] == 'Reverse']
    assert len(reverse) == 4 and all(job['status'] == 'Initializing' and job['delay'] is None for job in reverse)
    assert all(job['tags'] in ({'env': 'prod'}, {'env': 'dev'}) for job in jobs)


def test_delays_are_seconds_and_null_before_incremental_synchronization(run_module, emulator):
    emulator.load_jobs(current_jobs(8))
    jobs = run_module('dts_job_info', {'details': True}).result['jobs']
    by_name = dict((job['dts_job_name'], job) for job in jobs)
    assert by_name['task-005']['delay'] == 5 and by_name['task-005']['detail']['delay'] == 5
    assert by_name['task-002']['delay'] is None and by_name['task-002']['detail']['delay'] is None
    assert isinstance(by_name['task-001']['checkpoint'], int)
    assert by_name['task-001']['checkpoint_time'].endswith('Z')
    assert emulator.counters['by_action']['DescribeDtsJobDetail'] == 8


def test_filters_fields_and_query(run_module, emulator):
    emulator.load_jobs(current_jobs(12))
    run = run_module(
        'dts_job_info',
        {
            'tags': {'env': 'prod'},
            'statuses': ['retrying'],
            'fields': ['summary', 'source_endpoint'],
            'query': '[].dts_job_name',
        },
    )
    assert not run.failed, run.result
    assert [job['dts_job_name'] for job in run.result['jobs']] == ['task-001', 'task-005', 'task-009']
    assert run.result['query_result'] == ['task-001', 'task-005', 'task-009']
    assert all(isinstance(job['source_endpoint']['port'], int) for job in run.result['jobs'])
    everything = run_module('dts_job_info', {'fields': ['all'], 'name': 'TASK-01'}).result['jobs']
    assert [job['dts_job_name'] for job in everything] == ['task-010', 'task-011']
    assert set(everything[0]) <= set(DTS_JOB_FACTS) and 'precheck_status' in everything[0]
    known = run_module('dts_job_info', {'job_ids': ['cursyn00003', 'dtscursyn00004']}).result['jobs']
    assert [job['dts_job_id'] for job in known] == ['cursyn00003', 'cursyn00004']


def test_migration_tasks_are_their_own_listing(run_module, emulator):
    emulator.load_jobs(current_jobs(3) + current_jobs(2, job_type='MIGRATION', status='Migrating'))
    jobs = run_module('dts_job_info', {'job_type': 'migration', 'statuses': ['migrating']}).result['jobs']
    assert [(job['job_type'], job['status']) for job in jobs] == [('MIGRATION', 'Migrating')] * 2


def test_bad_input_fails_before_any_request_naming_the_option(run_module, emulator):
    run = run_module('dts_job_info', {'statuses': ['Synchronising']})
    assert run.failed and run.result['option'] == 'statuses' and 'PreCheckPass' in run.result['msg']
    run = run_module('dts_job_info', {'fields': ['synchronization_job_name']})
    assert run.failed and run.result['option'] == 'fields' and 'dts_job_name' in run.result['msg']
    assert emulator.counters['total'] == 0


def test_status_info_answers_a_mixed_list_with_nothing_missing(run_module, emulator):
    emulator.load_jobs([{'id': 'dtslegacy00001', 'region': 'cn-hangzhou', 'status': 'synchronizing'}] + current_jobs(3))
    asked = ['dtslegacy00001', 'cursyn00000', 'dtscursyn00001', 'dtsunknown000']
    run = run_module('dts_sync_status_info', {'job_ids': asked})
    assert not run.failed, run.result
    assert run.result['missing_job_ids'] == ['dtsunknown000']
    assert [(job['synchronization_job_id'], job['api'], job['status']) for job in run.result['jobs']] == [
        ('dtslegacy00001', 'legacy', 'Synchronizing'),
        ('cursyn00000', 'current', 'Synchronizing'),
        ('dtscursyn00001', 'current', 'Retrying'),
    ]
    assert run.result['jobs'][1]['directions'][0]['delay'] == 0
    # One status list, then by id: the task id, the two instance ids, and the one not found as a task id.
    assert emulator.counters['by_action'] == {'DescribeSynchronizationJobStatusList': 1, 'DescribeDtsJobs': 3}
    assert all(
        {'DtsJobId', 'DtsInstanceId'} & set(entry['params'])
        for entry in emulator.log
        if entry['action'] == 'DescribeDtsJobs'
    )

    legacy_only = run_module('dts_sync_status_info', {'job_ids': asked, 'api': 'legacy'})
    assert legacy_only.result['missing_job_ids'] == asked[1:]
