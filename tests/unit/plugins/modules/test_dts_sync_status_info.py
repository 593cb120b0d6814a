# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""dts_sync_status_info as a whole module process against the emulator."""

import re

import pytest

from ansible_collections.alibabacloud.dts.tests.unit.plugins.modules.conftest import jobs_in_region


def test_sixty_known_and_two_unknown_ids_in_one_call(run_module, emulator):
    specs = jobs_in_region(60)
    specs[7]['two_way'] = True
    specs[7]['reverse_status'] = 'initializing'
    emulator.load_jobs(specs)
    ids = [spec['id'] for spec in specs] + ['dtsunknown0001', 'dts"], ["x']
    run = run_module('dts_sync_status_info', {'job_ids': ids})
    assert not run.failed, run.result
    assert emulator.counters['by_action']['DescribeSynchronizationJobStatusList'] <= 4
    assert [job['synchronization_job_id'] for job in run.result['jobs']] == ids[:60]
    assert run.result['missing_job_ids'] == ['dtsunknown0001', 'dts"], ["x']
    two_way = run.result['jobs'][7]
    assert [(d['synchronization_direction'], d['status']) for d in two_way['directions']] == [
        ('Forward', 'Failed'),
        ('Reverse', 'Initializing'),
    ]
    for job in run.result['jobs']:
        assert job['status'] in ('Synchronizing', 'Initializing', 'Failed')
        for direction in job['directions']:
            assert isinstance(direction['checkpoint'], int)
            assert re.match(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$', direction['checkpoint_time'])


def test_empty_job_ids_are_refused_naming_the_option(run_module, emulator):
    run = run_module('dts_sync_status_info', {'job_ids': []})
    assert run.failed and 'job_ids' in run.result['msg']
    assert emulator.counters['total'] == 0


def test_the_in_body_failure_is_an_error(run_module, emulator):
    emulator.load_jobs(jobs_in_region(2))
    emulator.status_list_failures.append({'code': 'Forbidden', 'message': 'not allowed'})
    run = run_module('dts_sync_status_info', {'job_ids': ['dtscnhang00000']})
    assert run.failed and run.result['error']['code'] == 'Forbidden'


def test_wait_follows_a_lifecycle_and_returns_at_arrival(run_module, emulator):
    specs = jobs_in_region(2)
    emulator.load_jobs(specs)
    job_id = specs[0]['id']
    emulator.set_status(job_id, 'NotStarted')
    emulator.set_timeline(
        job_id,
        [
            {'status': 'Prechecking', 'after_polls': 1},
            {'status': 'Initializing', 'after_polls': 2},
            {'status': 'synchronizing', 'after_polls': 3},
        ],
    )
    run = run_module('dts_sync_status_info', {'job_ids': [job_id], 'wait': True, 'wait_sleep': 1, 'wait_timeout': 60})
    assert not run.failed, run.result
    assert run.result['polls'] == 3 and run.result['jobs'][0]['status'] == 'Synchronizing'
    assert emulator.counters['by_action']['DescribeSynchronizationJobStatusList'] == 3


def test_wait_fails_fast_on_a_failed_job(run_module, emulator):
    specs = jobs_in_region(2)
    emulator.load_jobs(specs)
    emulator.set_status(specs[0]['id'], 'Initializing')
    emulator.set_timeline(specs[0]['id'], [{'status': 'Failed', 'after_polls': 2, 'error_message': 'boom'}])
    run = run_module(
        'dts_sync_status_info', {'job_ids': [specs[0]['id']], 'wait': True, 'wait_sleep': 1, 'wait_timeout': 600}
    )
    assert run.failed and run.result['reason'] == 'failed_status'
    assert specs[0]['id'] in run.result['msg'] and 'Failed' in run.result['msg']
    assert run.result['polls'] == 2 and run.result['elapsed'] < 60


def test_wait_times_out_naming_the_stuck_job(run_module, emulator):
    specs = jobs_in_region(2)
    emulator.load_jobs(specs)
    emulator.set_status(specs[1]['id'], 'Initializing')
    run = run_module(
        'dts_sync_status_info', {'job_ids': [specs[1]['id']], 'wait': True, 'wait_sleep': 1, 'wait_timeout': 2}
    )
    assert run.failed and run.result['reason'] == 'timeout'
    assert '%s (Forward Initializing for 2 s)' % specs[1]['id'] in run.result['msg']
    assert run.result['pending_jobs'][0]['status'] == 'Initializing'


def test_wait_fails_at_once_on_unknown_ids(run_module, emulator):
    emulator.load_jobs(jobs_in_region(1))
    run = run_module('dts_sync_status_info', {'job_ids': ['dtscnhang00000', 'dtsghost'], 'wait': True})
    assert run.failed and run.result['reason'] == 'missing_jobs' and 'dtsghost' in run.result['msg']
    assert run.result['polls'] == 1


def test_check_mode_reads_once_and_does_not_wait(run_module, emulator):
    specs = jobs_in_region(2)
    emulator.load_jobs(specs)
    emulator.set_status(specs[0]['id'], 'Initializing')
    run = run_module('dts_sync_status_info', {'job_ids': [specs[0]['id']], 'wait': True}, check_mode=True)
    assert not run.failed and run.result['jobs'][0]['status'] == 'Initializing'
    assert emulator.counters['total'] == 1


def test_contradictory_wait_options_are_refused(run_module, emulator):
    run = run_module('dts_sync_status_info', {'job_ids': ['x'], 'wait_status': ['Failed']})
    assert run.failed and 'fail_statuses' in run.result['msg']
    run = run_module('dts_sync_status_info', {'job_ids': ['x'], 'wait_status': ['Synchronising']})
    assert run.failed and 'wait_status' in run.result['msg']
    assert emulator.counters['total'] == 0


@pytest.mark.parametrize('api,listing', [('auto', 'DescribeDtsJobs'), ('legacy', 'DescribeSynchronizationJobs')])
def test_a_delay_gate_costs_one_status_request_and_one_listing_per_poll(run_module, emulator, api, listing):
    specs = jobs_in_region(40, status='synchronizing', delay='50')  # two listing pages of 30
    emulator.load_jobs(specs)
    job_id = specs[0]['id']
    # Each poll includes the job twice (the status list and the listing page holding it).
    emulator.set_timeline(job_id, [{'status': 'synchronizing', 'delay': 3, 'after_polls': 4}])
    for spec in specs[1:]:
        emulator.set_status(spec['id'], 'synchronizing', delay=1)
    emulator.reset_counters()
    run = run_module(
        'dts_sync_status_info',
        {
            'job_ids': [spec['id'] for spec in specs],
            'wait': True,
            'wait_sleep': 1,
            'wait_timeout': 60,
            'wait_max_delay': 5,
            'api': api,
        },
    )
    assert not run.failed, run.result
    assert run.result['polls'] == 2
    by_action = emulator.counters['by_action']
    assert by_action == {'DescribeSynchronizationJobStatusList': 2, listing: 4}
    assert run.result['requests'] == 6
    assert run.result['jobs'][0]['directions'][0]['delay'] == 3
    assert len(run.result['progress']) == 1
    assert re.match(
        r'^poll 1, [\d.]+ s: %s \(Forward Synchronizing for 0 s, delay 50 s\), [\d.]+ s left$' % job_id,
        run.result['progress'][0],
    ), run.result['progress']


def test_a_delay_not_started_times_out_naming_the_job(run_module, emulator):
    emulator.load_jobs(jobs_in_region(2, status='synchronizing', delay='-1'))
    run = run_module(
        'dts_sync_status_info',
        {'job_ids': ['dtscnhang00001'], 'wait': True, 'wait_sleep': 1, 'wait_timeout': 1, 'wait_max_delay': 600},
    )
    assert run.failed and run.result['reason'] == 'timeout'
    assert 'dtscnhang00001 (Forward Synchronizing for ' in run.result['msg']
    assert ', delay not started)' in run.result['msg']
    assert run.result['states'][0]['waiting_for'] == 'delay not started'


def test_check_mode_fails_on_a_failed_job_with_its_error_message(run_module, emulator):
    specs = jobs_in_region(2, status='synchronizing')
    emulator.load_jobs(specs)
    emulator.set_status(specs[1]['id'], 'Failed', error_message='DTS-070211: Connect Source DB failed.')
    run = run_module('dts_sync_status_info', {'job_ids': [spec['id'] for spec in specs], 'wait': True}, check_mode=True)
    assert run.failed and run.result['reason'] == 'failed_status'
    assert '%s (Forward Failed for 0 s): DTS-070211: Connect Source DB failed.' % specs[1]['id'] in run.result['msg']
    assert run.result['failed_jobs'][0]['error_message'] == 'DTS-070211: Connect Source DB failed.'
    # The status read, the job by id for its error message, and why it failed: the job looked up by id
    # and its failed stage's items (DescribePreCheckStatus); the region is never listed.
    assert emulator.counters['by_action'] == {
        'DescribeSynchronizationJobStatusList': 1,
        'DescribeDtsJobs': 2,
        'DescribePreCheckStatus': 1,
    }


def test_check_mode_fails_on_a_delay_gate_already_violated(run_module, emulator):
    emulator.load_jobs(jobs_in_region(1, status='synchronizing', delay='90'))
    run = run_module(
        'dts_sync_status_info', {'job_ids': ['dtscnhang00000'], 'wait': True, 'wait_max_delay': 30}, check_mode=True
    )
    assert run.failed and run.result['reason'] == 'delay_exceeded' and 'delay 90 s' in run.result['msg']
    run = run_module(
        'dts_sync_status_info', {'job_ids': ['dtscnhang00000'], 'wait': True, 'wait_max_delay': 90}, check_mode=True
    )
    assert not run.failed and run.result['passed'] and run.result['polls'] == 1


def test_checkpoint_after_waits_for_the_checkpoint_to_pass_the_moment(run_module, emulator):
    emulator.load_jobs(jobs_in_region(1, status='synchronizing'))
    job = emulator.job('dtscnhang00000')
    job['directions']['Forward']['checkpoint'] = 1700000000
    run = run_module(
        'dts_sync_status_info',
        {
            'job_ids': ['dtscnhang00000'],
            'wait': True,
            'wait_sleep': 1,
            'wait_timeout': 1,
            'wait_checkpoint_after': '2023-11-14T22:13:30Z',
        },
    )
    assert run.failed and run.result['reason'] == 'timeout' and 'checkpoint 10 s behind' in run.result['msg']
    assert run.result['states'][0]['checkpoint_lag'] == 10
    run = run_module(
        'dts_sync_status_info', {'job_ids': ['dtscnhang00000'], 'wait': True, 'wait_checkpoint_after': 1700000000}
    )
    assert not run.failed and run.result['polls'] == 1


def test_gate_options_without_wait_are_refused_before_any_request(run_module, emulator):
    run = run_module('dts_sync_status_info', {'job_ids': ['x'], 'wait_max_delay': 5})
    assert run.failed and run.result['option'] == 'wait_max_delay' and 'wait: true' in run.result['msg']
    assert emulator.counters['total'] == 0


# dts_job_info offers the same wait options through the same waiter.


def current_job(job_id, status, **extra):
    spec = {'id': job_id, 'region': 'cn-hangzhou', 'origin': 'current', 'status': status}
    spec.update(extra)
    return spec


def test_dts_job_info_waits_through_the_same_waiter_then_returns_its_records(run_module, emulator):
    emulator.load_jobs([current_job('dtscurwait0001', 'Initializing', delay=-1)])
    emulator.set_timeline(
        'dtscurwait0001',
        [
            {'status': 'Synchronizing', 'delay': 40, 'after_polls': 2},
            {'status': 'Synchronizing', 'delay': 2, 'after_polls': 3},
        ],
    )
    emulator.reset_counters()
    run = run_module(
        'dts_job_info',
        {'job_ids': ['dtscurwait0001'], 'wait': True, 'wait_sleep': 1, 'wait_max_delay': 5, 'wait_timeout': 60},
    )
    assert not run.failed, run.result
    assert run.result['polls'] == 3 and run.result['passed']
    assert [record['dts_instance_id'] for record in run.result['jobs']] == ['dtscurwait0001']
    assert run.result['jobs'][0]['delay'] == 2
    # The current family's entries carry their delay: no legacy listing, no legacy status list.
    assert 'DescribeSynchronizationJobs' not in emulator.counters['by_action']
    assert 'DescribeSynchronizationJobStatusList' not in emulator.counters['by_action']
    assert run.result['progress'][0].startswith('poll 1, ') and 'delay not started' in run.result['progress'][0]


def test_dts_job_info_in_check_mode_fails_on_a_failed_task(run_module, emulator):
    emulator.load_jobs([current_job('dtscurwait0002', 'Failed', error_message='DTS-1: disk full')])
    run = run_module('dts_job_info', {'job_ids': ['dtscurwait0002'], 'wait': True}, check_mode=True)
    assert run.failed and run.result['reason'] == 'failed_status'
    assert 'dtscurwait0002 (Forward Failed for 0 s): DTS-1: disk full' in run.result['msg']


def test_dts_job_info_refuses_to_wait_without_job_ids(run_module, emulator):
    run = run_module('dts_job_info', {'wait': True})
    assert run.failed and run.result['option'] == 'job_ids' and emulator.counters['total'] == 0
