# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Waiting: arrive at once, fail fast, time out honestly, never mistake throttling for success."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.alibabacloud.dts.plugins.module_utils._errors import DtsApiError
from ansible_collections.alibabacloud.dts.plugins.module_utils._waiter import WaitFailed, wait_for_statuses


class Clock(object):
    def __init__(self):
        self.now = 100.0
        self.sleeps = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


def entry(job_id, *directions):
    return {'SynchronizationJobId': job_id, 'SynchronizationDirectionInfoList': [
        {'SynchronizationDirection': direction, 'Status': status, 'Checkpoint': '1700000000'}
        for direction, status in directions]}


class ScriptedClient(object):
    """Answers each poll with the next scripted list of entries (or raises a scripted error)."""

    region = 'cn-hangzhou'
    max_concurrency = 1

    def __init__(self, *polls):
        self.polls = list(polls)
        self.calls = []

    def call(self, action, params, validate=None):
        if action == 'DescribeDtsJobs':
            # Ids the legacy status list does not know are looked up in the current family: none here.
            return {'DtsJobList': [], 'TotalRecordCount': 0, 'PageNumber': 1}
        assert action == 'DescribeSynchronizationJobStatusList'
        self.calls.append(json.loads(params['SynchronizationJobIdListJsonStr']))
        answer = self.polls.pop(0) if len(self.polls) > 1 else self.polls[0]
        if isinstance(answer, Exception):
            raise answer
        return {'SynchronizationJobListStatusList': answer}


def run(client, job_ids, clock, **kwargs):
    kwargs.setdefault('timeout', 60)
    kwargs.setdefault('sleep_seconds', 10)
    return wait_for_statuses(client, job_ids, clock=clock, sleep=clock.sleep, **kwargs)


def test_returns_at_the_first_poll_that_shows_every_job_there():
    clock = Clock()
    client = ScriptedClient(
        [entry('a', ('Forward', 'initializing')), entry('b', ('Forward', 'synchronizing'))],
        [entry('a', ('Forward', 'synchronizing')), entry('b', ('Forward', 'Synchronizing'))],
    )
    jobs, polls, elapsed = run(client, ['a', 'b'], clock)
    assert polls == 2 and elapsed == 10
    assert [job['status'] for job in jobs] == ['Synchronizing', 'Synchronizing']
    # one batched status call per poll, for all jobs
    assert client.calls == [['a', 'b'], ['a', 'b']]


def test_already_there_means_one_poll_and_no_sleep():
    clock = Clock()
    jobs, polls, _ignored = run(ScriptedClient([entry('a', ('Forward', 'Synchronizing'))]), ['a'], clock)
    assert polls == 1 and clock.sleeps == []


def test_a_failed_job_fails_at_the_next_poll_naming_it_and_its_status():
    clock = Clock()
    client = ScriptedClient([entry('a', ('Forward', 'Initializing')), entry('b', ('Forward', 'Prechecking'))],
                            [entry('a', ('Forward', 'Initializing')), entry('b', ('Forward', 'failed'))])
    with pytest.raises(WaitFailed) as caught:
        run(client, ['a', 'b'], clock, timeout=3600)
    failure = caught.value
    assert failure.reason == 'failed_status'
    assert 'b (Forward Failed)' in failure.message and 'a (' not in failure.message
    assert failure.details['polls'] == 2
    assert clock.now - 100 == 10  # long before the timeout


def test_unknown_ids_fail_at_the_first_poll_naming_them():
    clock = Clock()
    with pytest.raises(WaitFailed) as caught:
        run(ScriptedClient([entry('a', ('Forward', 'Initializing'))]), ['a', 'dtsNOPE'], clock)
    assert caught.value.reason == 'missing_jobs' and 'dtsNOPE' in caught.value.message
    assert caught.value.details['polls'] == 1


def test_timeout_is_real_and_names_every_job_not_there_with_its_last_status():
    clock = Clock()
    client = ScriptedClient([entry('a', ('Forward', 'Synchronizing')), entry('b', ('Forward', 'Initializing'))])
    with pytest.raises(WaitFailed) as caught:
        run(client, ['a', 'b'], clock, timeout=25, sleep_seconds=10)
    failure = caught.value
    assert failure.reason == 'timeout'
    assert 'b (Forward Initializing)' in failure.message and 'a (' not in failure.message
    # polls at 0, 10, 20 and the last one exactly at the 25 s deadline
    assert clock.sleeps == [10, 10, 5] and failure.details['polls'] == 4
    assert failure.details['elapsed'] == 25


def test_throttling_while_polling_is_never_success():
    clock = Clock()
    throttled = DtsApiError('DescribeSynchronizationJobStatusList', 'Throttling.User', 'slow down', 'R1', 400)
    client = ScriptedClient(throttled)
    with pytest.raises(WaitFailed) as caught:
        run(client, ['a'], clock, timeout=30, sleep_seconds=10)
    assert caught.value.reason == 'timeout' and 'Throttling.User' in caught.value.message


def test_throttled_polls_then_arrival_succeed():
    clock = Clock()
    throttled = DtsApiError('DescribeSynchronizationJobStatusList', 'Throttling.User', 'slow down', 'R1', 400)
    client = ScriptedClient(throttled, [entry('a', ('Forward', 'Synchronizing'))])
    _ignored, polls, _ignored = run(client, ['a'], clock)
    assert polls == 2


def test_a_permanent_error_ends_the_wait_at_once():
    clock = Clock()
    denied = DtsApiError('DescribeSynchronizationJobStatusList', 'Forbidden.RAM', 'no', 'R2', 403)
    with pytest.raises(DtsApiError):
        run(ScriptedClient(denied), ['a'], clock)
    assert clock.sleeps == []


def test_two_way_jobs_wait_on_the_directions_asked():
    clock = Clock()
    polls = [
        [entry('a', ('Forward', 'Synchronizing'), ('Reverse', 'Initializing'))],
        [entry('a', ('Forward', 'Synchronizing'), ('Reverse', 'Synchronizing'))],
    ]
    _ignored, count, _ignored = run(ScriptedClient(*polls), ['a'], clock, directions=['Forward'])
    assert count == 1
    _ignored, count, _ignored = run(ScriptedClient(*polls), ['a'], Clock(), directions=['Forward', 'Reverse'])
    assert count == 2


def test_a_failed_reverse_direction_fails_only_when_watched():
    poll = [entry('a', ('Forward', 'Synchronizing'), ('Reverse', 'Failed'))]
    _ignored, count, _ignored = run(ScriptedClient(poll), ['a'], Clock(), directions=['Forward'])
    assert count == 1
    with pytest.raises(WaitFailed):
        run(ScriptedClient(poll), ['a'], Clock(), directions=['Forward', 'Reverse'])


def test_custom_target_and_fail_statuses():
    clock = Clock()
    client = ScriptedClient([entry('a', ('Forward', 'Synchronizing'))], [entry('a', ('Forward', 'Finished'))])
    _ignored, polls, _ignored = run(client, ['a'], clock, wait_statuses=['Finished'], fail_statuses=['Failed'])
    assert polls == 2
