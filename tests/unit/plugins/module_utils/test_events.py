# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""JobWatch: one event per change worth acting on, never the same transition twice."""

from ansible_collections.alibabacloud.dts.plugins.module_utils._errors import DtsApiError
from ansible_collections.alibabacloud.dts.plugins.module_utils._events import JobWatch, error_event


def legacy(job_id, status='Synchronizing', delay=0, direction='Forward'):
    return {
        'synchronization_job_id': job_id,
        'synchronization_job_name': 'name-' + job_id,
        'synchronization_direction': direction,
        'status': status,
        'delay': delay,
        'region': 'cn-hangzhou',
    }


def current(instance_id, status='Synchronizing', delay=0, direction='Forward'):
    return {
        'dts_job_id': instance_id[3:],
        'dts_instance_id': instance_id,
        'dts_job_name': 'name-' + instance_id,
        'dts_job_direction': direction,
        'status': status,
        'delay': delay,
        'region': 'cn-hangzhou',
        'api': 'current',
    }


def kinds(events):
    return [(event['dts']['type'], event['dts']['job_id'], event['dts'].get('direction')) for event in events]


def test_the_first_look_is_silent_unless_a_snapshot_is_asked_for():
    assert JobWatch().observe(None, 'cn-hangzhou', [legacy('dtsA'), current('dtsB')]) == []
    events = JobWatch().observe(None, 'cn-hangzhou', [legacy('dtsA'), current('dtsB')], snapshot=True)
    assert kinds(events) == [('snapshot', 'dtsA', 'Forward'), ('snapshot', 'dtsB', 'Forward')]
    assert events[1]['dts']['api'] == 'current' and events[1]['dts']['job']['dts_job_id'] == 'B'


def test_a_status_transition_is_emitted_once_with_the_previous_status():
    watch = JobWatch()
    watch.observe(None, 'cn-hangzhou', [legacy('dtsA')])
    failed = legacy('dtsA', status='Failed')
    failed['error_message'] = 'disk full'
    events = watch.observe(None, 'cn-hangzhou', [failed])
    assert kinds(events) == [('status_changed', 'dtsA', 'Forward')]
    body = events[0]['dts']
    seen = (body['previous_status'], body['status'], body['job']['error_message'])
    assert seen == ('Synchronizing', 'Failed', 'disk full')
    # Still failed on the next looks: nothing more.
    assert watch.observe(None, 'cn-hangzhou', [failed]) == []
    assert watch.observe(None, 'cn-hangzhou', [failed]) == []


def test_directions_of_a_two_way_job_are_watched_apart():
    watch = JobWatch()
    watch.observe(None, 'cn-hangzhou', [current('dtsT'), current('dtsT', direction='Reverse')])
    events = watch.observe(None, 'cn-hangzhou', [current('dtsT'), current('dtsT', 'Failed', direction='Reverse')])
    assert kinds(events) == [('status_changed', 'dtsT', 'Reverse')]


def test_the_delay_threshold_is_crossed_up_and_down_once_each():
    watch = JobWatch(delay_threshold=30)
    watch.observe(None, 'r', [legacy('dtsA', delay=5)])
    assert kinds(watch.observe(None, 'r', [legacy('dtsA', delay=31)])) == [('delay_exceeded', 'dtsA', 'Forward')]
    assert watch.observe(None, 'r', [legacy('dtsA', delay=90)]) == []
    assert kinds(watch.observe(None, 'r', [legacy('dtsA', delay=30)])) == [('delay_recovered', 'dtsA', 'Forward')]
    assert watch.observe(None, 'r', [legacy('dtsA', delay=2)]) == []


def test_a_delay_that_blinks_to_not_started_is_not_a_second_crossing():
    watch = JobWatch(delay_threshold=30)
    watch.observe(None, 'r', [legacy('dtsA', delay=5)])
    assert len(watch.observe(None, 'r', [legacy('dtsA', delay=60)])) == 1
    assert watch.observe(None, 'r', [legacy('dtsA', delay=None)]) == []
    assert watch.observe(None, 'r', [legacy('dtsA', delay=70)]) == []


def test_no_threshold_means_no_delay_events():
    watch = JobWatch()
    watch.observe(None, 'r', [legacy('dtsA', delay=0)])
    assert watch.observe(None, 'r', [legacy('dtsA', delay=100000)]) == []


def test_jobs_appear_and_disappear_per_region_and_account():
    watch = JobWatch()
    watch.observe(None, 'cn-hangzhou', [legacy('dtsA')])
    watch.observe(None, 'cn-beijing', [legacy('dtsB')])
    assert kinds(watch.observe(None, 'cn-hangzhou', [legacy('dtsA'), legacy('dtsC')])) == [
        ('job_appeared', 'dtsC', 'Forward')
    ]
    # A listing of cn-hangzhou says nothing about cn-beijing's jobs.
    assert kinds(watch.observe(None, 'cn-hangzhou', [legacy('dtsC')])) == [('job_disappeared', 'dtsA', 'Forward')]
    assert watch.observe(None, 'cn-hangzhou', [legacy('dtsC')]) == []
    # The same id in another account is another job.
    assert watch.observe('prod', 'cn-beijing', [legacy('dtsB')]) == []


def test_error_events_carry_code_and_request_id_and_nothing_else():
    error = DtsApiError('DescribeDtsJobs', 'ServiceUnavailable', 'try later', request_id='REQ-9', http_status=503)
    body = error_event('prod', 'cn-hangzhou', error, 3)['dts']
    assert body == {
        'type': 'error',
        'region': 'cn-hangzhou',
        'consecutive_failures': 3,
        'account': 'prod',
        'code': 'ServiceUnavailable',
        'request_id': 'REQ-9',
        'message': error.describe(),
    }
