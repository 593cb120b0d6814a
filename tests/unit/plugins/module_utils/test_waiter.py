# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The waiter's rules on a fake clock: every gate, every way a wait ends, and nothing ever sleeps."""

import json

import pytest

from ansible_collections.alibabacloud.dts.plugins.module_utils._errors import DtsApiError, DtsConfigError
from ansible_collections.alibabacloud.dts.plugins.module_utils._states import StateReader
from ansible_collections.alibabacloud.dts.plugins.module_utils._waiter import (
    DEFAULT_FAIL_STATUSES,
    Gate,
    WaitFailed,
    gate_from_params,
    parse_moment,
    wait_argument_spec,
    wait_for,
)
from ansible_collections.alibabacloud.dts.tests.unit.clock import FakeClock

T0 = 1700000000  # the fake wall clock's start, in epoch seconds


def waiter_clock():
    """The shared fake clock (monotonic time starting at 100 s, not 0), its wall time starting at T0."""
    return FakeClock(now=100.0, wall_start=T0)


def job(job_id, *directions, **extra):
    """A status entry as poll() reports it; each direction is (name, status[, delay[, checkpoint[, error]]])."""
    observations = []
    for item in directions:
        item = tuple(item) + (None,) * (5 - len(item))
        observations.append(
            {
                'synchronization_direction': item[0],
                'status': item[1],
                'delay': item[2],
                'checkpoint': item[3],
                'error_message': item[4],
            }
        )
    result = {'synchronization_job_id': job_id, 'api': 'legacy', 'directions': observations}
    result.update(extra)
    return result


class Script:
    """poll(): each call answers the next scripted poll (the last one repeats); records the times it was called."""

    def __init__(self, clock, *polls):
        self.clock = clock
        self.polls = list(polls)
        self.times = []

    def __call__(self):
        self.times.append(self.clock.now - 100.0)
        answer = self.polls.pop(0) if len(self.polls) > 1 else self.polls[0]
        if isinstance(answer, Exception):
            raise answer
        if isinstance(answer, tuple):
            return answer
        return answer, []


def run(clock, script, gate=None, **kwargs):
    kwargs.setdefault('timeout', 60)
    kwargs.setdefault('interval', 10)
    return wait_for(script, gate or Gate(), clock=clock, sleep=clock.sleep, wall=clock.wall, **kwargs)


def fails(clock, script, gate=None, **kwargs):
    with pytest.raises(WaitFailed) as caught:
        run(clock, script, gate, **kwargs)
    return caught.value


THROTTLED = DtsApiError('DescribeSynchronizationJobStatusList', 'Throttling.User', 'slow down', 'R1', 400)


# -- statuses -------------------------------------------------------------------------------------


def test_returns_at_the_first_poll_that_shows_every_job_there():
    clock = waiter_clock()
    script = Script(
        clock,
        [job('a', ('Forward', 'Initializing')), job('b', ('Forward', 'Synchronizing'))],
        [job('a', ('Forward', 'Synchronizing')), job('b', ('Forward', 'Synchronizing'))],
    )
    outcome = run(clock, script)
    assert outcome['polls'] == 2 and outcome['elapsed'] == 10 and outcome['passed']
    assert script.times == [0, 10]
    assert [state['verdict'] for state in outcome['states']] == ['there', 'there']


def test_already_there_means_one_poll_and_no_sleep():
    clock = waiter_clock()
    outcome = run(clock, Script(clock, [job('a', ('Forward', 'Synchronizing'))]))
    assert outcome['polls'] == 1 and clock.sleeps == [] and outcome['progress'] == []


@pytest.mark.parametrize('status', DEFAULT_FAIL_STATUSES)
def test_default_fail_statuses_fail_at_the_first_poll_with_the_error_message(status):
    clock = waiter_clock()
    script = Script(
        clock,
        [
            job('a', ('Forward', 'Synchronizing')),
            job('b', ('Forward', status, None, None, 'DTS-070211: Connect Source DB failed.')),
        ],
    )
    failure = fails(clock, script, timeout=3600)
    assert failure.reason == 'failed_status' and failure.details['polls'] == 1 and clock.sleeps == []
    assert 'b (Forward %s for 0 s): DTS-070211: Connect Source DB failed.' % status in failure.message
    assert 'a (' not in failure.message and failure.details['failed_job_ids'] == ['b']


def test_a_failure_says_how_long_the_last_status_held():
    clock = waiter_clock()
    script = Script(
        clock,
        [job('a', ('Forward', 'Initializing'))],
        [job('a', ('Forward', 'Initializing'))],
        [job('a', ('Forward', 'Failed'))],
    )
    failure = fails(clock, script, interval=15)
    assert 'a (Forward Failed for 0 s): DTS gives no error message' in failure.message
    assert failure.details['polls'] == 3 and clock.now - 100 == 30


def test_unknown_ids_fail_at_the_first_poll_naming_them():
    clock = waiter_clock()
    failure = fails(
        clock, Script(clock, ([job('a', ('Forward', 'Initializing'))], ['dtsNOPE'])), scope='in region cn-hangzhou'
    )
    assert failure.reason == 'missing_jobs' and failure.details['missing_job_ids'] == ['dtsNOPE']
    assert failure.message == 'DTS does not know these synchronization job ids in region cn-hangzhou: dtsNOPE'
    assert failure.details['polls'] == 1


def test_timeout_is_real_and_names_what_was_last_seen_and_for_how_long():
    clock = waiter_clock()
    script = Script(clock, [job('a', ('Forward', 'Synchronizing')), job('b', ('Forward', 'Initializing'))])
    failure = fails(clock, script, timeout=25, interval=10)
    assert failure.reason == 'timeout'
    assert failure.message == (
        'Timed out after 25 s waiting for Forward Synchronizing; not there yet: b (Forward Initializing for 25 s)'
    )
    # polls at 0, 10, 20 and the last one exactly at the 25 s deadline
    assert script.times == [0, 10, 20, 25] and failure.details['elapsed'] == 25
    assert failure.details['pending_job_ids'] == ['b']


@pytest.mark.parametrize(
    'transitional', ['Modifying', 'Retrying', 'Upgrade', 'Downgrade', 'Suspending', 'Initializing']
)
def test_transitional_statuses_are_ridden_through(transitional):
    clock = waiter_clock()
    script = Script(
        clock,
        [job('a', ('Forward', 'Synchronizing'))],
        [job('a', ('Forward', transitional))],
        [job('a', ('Forward', transitional))],
        [job('a', ('Forward', 'Synchronizing'))],
    )
    outcome = run(clock, script, Gate(stable_for=5))
    # There at poll 1, then not; the window starts again when it is back, and holds 5 s later.
    assert outcome['polls'] == 5 and script.times == [0, 5, 15, 25, 30]
    assert outcome['stable_since'] == '2023-11-14T22:13:45Z'  # T0 + 25 s


def test_a_transitional_status_ends_the_wait_when_listed_as_a_failure():
    clock = waiter_clock()
    script = Script(clock, [job('a', ('Forward', 'Modifying'))])
    failure = fails(clock, script, Gate(fail_statuses=DEFAULT_FAIL_STATUSES + ('Modifying',)))
    assert failure.reason == 'failed_status' and 'a (Forward Modifying' in failure.message


def test_initializing_counts_as_reached_only_when_asked():
    clock = waiter_clock()
    assert (
        run(clock, Script(clock, [job('a', ('Forward', 'Initializing'))]), Gate(accept_initializing=True))['polls'] == 1
    )
    clock = waiter_clock()
    assert fails(clock, Script(clock, [job('a', ('Forward', 'Initializing'))]), timeout=10).reason == 'timeout'


def test_two_way_jobs_wait_on_the_directions_asked_with_a_target_each():
    clock = waiter_clock()
    polls = (
        [job('a', ('Forward', 'Synchronizing'), ('Reverse', 'NotStarted'))],
        [job('a', ('Forward', 'Synchronizing'), ('Reverse', 'Synchronizing'))],
    )
    assert run(clock, Script(clock, *polls), Gate(directions=['Forward']))['polls'] == 1
    clock = waiter_clock()
    assert run(clock, Script(clock, *polls), Gate(directions=['Forward', 'Reverse']))['polls'] == 2
    clock = waiter_clock()
    gate = Gate(directions=['Forward', 'Reverse'], reverse_statuses=['NotStarted'])
    assert run(clock, Script(clock, *polls), gate)['polls'] == 1


def test_a_failed_reverse_direction_fails_only_when_watched():
    poll = [job('a', ('Forward', 'Synchronizing'), ('Reverse', 'Failed'))]
    clock = waiter_clock()
    assert run(clock, Script(clock, poll), Gate(directions=['Forward']))['polls'] == 1
    clock = waiter_clock()
    failure = fails(clock, Script(clock, poll), Gate(directions=['Forward', 'Reverse']))
    assert 'a (Reverse Failed' in failure.message and 'Forward' not in failure.message.split(':', 1)[1]


def test_a_job_without_a_watched_direction_is_never_there():
    clock = waiter_clock()
    failure = fails(clock, Script(clock, [job('a')]), timeout=10)
    assert failure.reason == 'timeout'


# -- transport ------------------------------------------------------------------------------------


def test_throttling_while_polling_is_never_success():
    clock = waiter_clock()
    failure = fails(clock, Script(clock, THROTTLED), timeout=30)
    assert failure.reason == 'timeout' and 'Throttling.User' in failure.message
    assert 'no poll answered' in failure.message


def test_throttled_polls_then_arrival_succeed():
    clock = waiter_clock()
    assert run(clock, Script(clock, THROTTLED, [job('a', ('Forward', 'Synchronizing'))]))['polls'] == 2


def test_a_permanent_error_ends_the_wait_at_once():
    clock = waiter_clock()
    denied = DtsApiError('DescribeSynchronizationJobStatusList', 'Forbidden.RAM', 'no', 'R2', 403)
    with pytest.raises(DtsApiError):
        run(clock, Script(clock, denied))
    assert clock.sleeps == []


# -- replication delay ----------------------------------------------------------------------------


def test_max_delay_passes_at_the_boundary_and_not_above():
    clock = waiter_clock()
    script = Script(clock, [job('a', ('Forward', 'Synchronizing', 11))], [job('a', ('Forward', 'Synchronizing', 10))])
    outcome = run(clock, script, Gate(max_delay=10))
    assert outcome['polls'] == 2 and outcome['states'][0]['delay'] == 10


def test_a_delay_not_started_never_passes_and_the_timeout_names_the_job():
    clock = waiter_clock()
    script = Script(clock, [job('a', ('Forward', 'Synchronizing', 0)), job('b', ('Forward', 'Synchronizing', None))])
    failure = fails(clock, script, Gate(max_delay=30), timeout=20)
    assert failure.reason == 'timeout' and failure.details['pending_job_ids'] == ['b']
    assert 'b (Forward Synchronizing for 20 s, delay not started)' in failure.message
    assert 'replication delay at most 30 s' in failure.message
    assert failure.details['states'][1]['waiting_for'] == 'delay not started'


def test_every_watched_direction_must_be_under_the_delay():
    clock = waiter_clock()
    script = Script(
        clock,
        [job('a', ('Forward', 'Synchronizing', 1), ('Reverse', 'Synchronizing', 99))],
        [job('a', ('Forward', 'Synchronizing', 1), ('Reverse', 'Synchronizing', 3))],
    )
    assert run(clock, script, Gate(max_delay=5, directions=['Forward', 'Reverse']))['polls'] == 2


# -- stability window -----------------------------------------------------------------------------


def test_stable_for_passes_only_after_the_whole_window_following_a_spike():
    clock = waiter_clock()
    delays = [2, 2, 40, 3, 1, 2, 4]  # a spike at the third poll
    script = Script(clock, *[[job('a', ('Forward', 'Synchronizing', delay))] for delay in delays])
    outcome = run(clock, script, Gate(max_delay=5, stable_for=30), timeout=600)
    # The window began at 0, broke at 20 (delay 40), began again at 30 and spans 30 s at 60.
    assert script.times == [0, 10, 20, 30, 40, 50, 60]
    assert outcome['stable_since'] == '2023-11-14T22:13:50Z'  # T0 + 30 s
    assert any('is broken' in line for line in outcome['progress'])


def test_the_window_ends_exactly_when_it_spans_stable_for():
    clock = waiter_clock()
    outcome = run(clock, Script(clock, [job('a', ('Forward', 'Synchronizing', 0))]), Gate(max_delay=5, stable_for=25))
    # Polls at 0, 10, 20, then 5 s later when the window can be complete.
    assert clock.sleeps == [10, 10, 5] and outcome['polls'] == 4 and outcome['stable_since'] == '2023-11-14T22:13:20Z'


def test_a_failed_poll_breaks_the_window():
    clock = waiter_clock()
    ok = [job('a', ('Forward', 'Synchronizing', 0))]
    script = Script(clock, ok, THROTTLED, ok, ok, ok)
    outcome = run(clock, script, Gate(max_delay=5, stable_for=20))
    assert script.times == [0, 10, 20, 30, 40] and outcome['stable_since'] == '2023-11-14T22:13:40Z'


def test_a_window_still_open_at_the_deadline_is_a_timeout_that_says_so():
    clock = waiter_clock()
    failure = fails(
        clock, Script(clock, [job('a', ('Forward', 'Synchronizing', 0))]), Gate(max_delay=5, stable_for=60), timeout=30
    )
    assert failure.reason == 'timeout' and 'every job there, but only for 30 s of 60 s' in failure.message


# -- checkpoint -----------------------------------------------------------------------------------


def test_checkpoint_after_passes_once_the_checkpoint_crosses_the_moment_and_not_before():
    clock = waiter_clock()
    moment = T0 + 5
    checkpoints = [None, T0 - 60, T0 + 4, T0 + 5]
    script = Script(clock, *[[job('a', ('Forward', 'Synchronizing', 0, point))] for point in checkpoints])
    outcome = run(clock, script, Gate(checkpoint_after=moment))
    assert outcome['polls'] == 4 and outcome['states'][0]['checkpoint_lag'] == 0
    lags = [line.split('checkpoint ')[1].split(')')[0] for line in outcome['progress']]
    assert lags == ['unknown', '65 s behind', '1 s behind']


def test_progress_has_one_line_per_job_not_there_with_status_delay_lag_and_time_left():
    clock = waiter_clock()
    first = [job('a', ('Forward', 'Initializing', None, None)), job('b', ('Forward', 'Synchronizing', 2, T0 - 30))]
    second = [job('a', ('Forward', 'Synchronizing', 1, T0)), job('b', ('Forward', 'Synchronizing', 2, T0))]
    script = Script(clock, first, second)
    outcome = run(clock, script, Gate(max_delay=5, checkpoint_after=T0), timeout=100)
    assert outcome['progress'] == [
        'poll 1, 0 s: a (Forward Initializing for 0 s, delay not started, checkpoint unknown), 100 s left',
        'poll 1, 0 s: b (Forward Synchronizing for 0 s, delay 2 s, checkpoint 30 s behind), 100 s left',
    ]


# -- check mode -----------------------------------------------------------------------------------


def test_check_mode_polls_once_and_reports_without_waiting():
    clock = waiter_clock()
    outcome = run(clock, Script(clock, [job('a', ('Forward', 'Initializing', 3))]), Gate(max_delay=5), once=True)
    assert outcome['polls'] == 1 and clock.sleeps == [] and outcome['passed'] is False
    assert outcome['pending_job_ids'] == ['a']


@pytest.mark.parametrize(
    'poll,reason',
    [
        ([job('a', ('Forward', 'Failed', None, None, 'boom'))], 'failed_status'),
        (([job('a', ('Forward', 'Synchronizing'))], ['dtsghost']), 'missing_jobs'),
        ([job('a', ('Forward', 'Synchronizing', 6))], 'delay_exceeded'),
    ],
)
def test_check_mode_never_hides_a_failure(poll, reason):
    clock = waiter_clock()
    failure = fails(clock, Script(clock, poll), Gate(max_delay=5), once=True)
    assert failure.reason == reason and clock.sleeps == []


# -- inputs ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    'value,expected',
    [
        (1700000000, 1700000000.0),
        ('1700000000', 1700000000.0),
        ('1700000000.5', 1700000000.5),
        ('2023-11-14T22:13:20Z', 1700000000.0),
        ('2023-11-15T06:13:20+08:00', 1700000000.0),
        ('2023-11-14T22:13:20', 1700000000.0),
        ('2023-11-14 22:13:20.250000', 1700000000.25),
    ],
)
def test_moments_are_epoch_seconds_or_iso_8601(value, expected):
    assert parse_moment(value) == expected


@pytest.mark.parametrize('value', ['yesterday', True, '-5', 0, [1]])
def test_a_bad_moment_is_refused_naming_the_option(value):
    with pytest.raises(DtsConfigError) as caught:
        parse_moment(value)
    assert caught.value.option == 'wait_checkpoint_after'


def params(**overrides):
    values = dict((name, spec.get('default')) for name, spec in wait_argument_spec().items())
    values['wait'] = True
    values.update(overrides)
    return values


@pytest.mark.parametrize(
    'overrides,option,text',
    [
        ({'wait_status': ['Modifying']}, 'wait_status', 'never ends a wait'),
        ({'wait_reverse_status': ['Modifying']}, 'wait_reverse_status', 'fail_statuses to stop on it'),
        ({'wait_status': ['Failed']}, 'fail_statuses', 'cannot be both'),
        ({'wait_status': []}, 'wait_status', 'at least one status'),
        (
            {'wait_accept_initializing': True, 'fail_statuses': ['Failed', 'Initializing']},
            'wait_accept_initializing',
            'cannot also be',
        ),
        ({'wait_sleep': 0}, 'wait_sleep', '1 or more'),
        ({'wait_max_delay': -1}, 'wait_max_delay', '0 or more'),
        ({'wait_stable_for': 120, 'wait_timeout': 60}, 'wait_stable_for', 'Raise wait_timeout'),
        ({'wait': False, 'wait_max_delay': 5}, 'wait_max_delay', 'only applies with wait=true'),
        ({'wait_checkpoint_after': 'soon'}, 'wait_checkpoint_after', 'ISO-8601'),
    ],
)
def test_bad_wait_options_are_refused_before_any_request(overrides, option, text):
    with pytest.raises(DtsConfigError) as caught:
        gate_from_params(params(**overrides))
    assert caught.value.option == option and text in caught.value.message


def test_the_options_make_the_gate():
    gate = gate_from_params(
        params(
            wait_status=['synchronizing'],
            wait_max_delay=5,
            wait_stable_for=30,
            wait_checkpoint_after='2023-11-14T22:13:20Z',
            wait_directions=['Forward', 'Reverse'],
            wait_reverse_status=['NotStarted'],
        )
    )
    assert gate.statuses == ('Synchronizing',) and gate.reverse_statuses == ('NotStarted',)
    assert (gate.max_delay, gate.stable_for, gate.checkpoint_after) == (5, 30, 1700000000.0)
    assert gate_from_params(params(wait=False)) is None


# -- gathering states: the request budget ---------------------------------------------------------


class FakeClient:
    """Both families' listings and the legacy status list over ``jobs``, counted by action.

    Jobs are made the legacy way: both families list them.  The legacy listing says "0" for a
    delay that has not started; DescribeDtsJobs says -1.  ``current_lacks`` are ids it leaves out.
    """

    region = 'cn-hangzhou'
    max_concurrency = 1

    def __init__(self, jobs, current_lacks=()):
        self.jobs = jobs  # job id -> list of (direction, status, delay, error); delay None = not started
        self.current_lacks = set(current_lacks)
        self.calls = []
        self.warnings = []

    def warn(self, message):
        self.warnings.append(message)

    def call(self, action, params, validate=None):
        self.calls.append(action)
        if action == 'DescribeDtsJobs':
            records = []
            # The DtsInstanceId and DtsJobId filters: comma-separated lists.
            instances = params.get('DtsInstanceId', '').split(',') if 'DtsInstanceId' in params else None
            tasks = params.get('DtsJobId', '').split(',') if 'DtsJobId' in params else None
            for job_id, items in sorted(self.jobs.items()):
                if (
                    job_id in self.current_lacks
                    or (instances is not None and job_id not in instances)
                    or (tasks is not None and job_id[3:] not in tasks)
                ):
                    continue
                record = {}
                for item in items:
                    entry = {
                        'DtsJobId': job_id[3:],
                        'DtsInstanceID': job_id,
                        'DtsJobDirection': item[0],
                        'Status': item[1],
                        'Delay': -1 if item[2] is None else int(item[2]),
                        'ErrorMessage': item[3] or '',
                    }
                    if item[0] == 'Forward':
                        record.update(entry, JobType='SYNC')
                    else:
                        record['ReverseJob'] = entry
                records.append(record)
            size, number = int(params['PageSize']), int(params['PageNumber'])
            return {
                'TotalRecordCount': len(records),
                'PageRecordCount': size,
                'PageNumber': number,
                'DtsJobList': records[(number - 1) * size : number * size],
            }
        if action == 'DescribeSynchronizationJobStatusList':
            ids = json.loads(params['SynchronizationJobIdListJsonStr'])
            return {
                'SynchronizationJobListStatusList': [
                    {
                        'SynchronizationJobId': job_id,
                        'SynchronizationDirectionInfoList': [
                            {'SynchronizationDirection': item[0], 'Status': item[1], 'Checkpoint': '1700000000'}
                            for item in self.jobs[job_id]
                        ],
                    }
                    for job_id in ids
                    if job_id in self.jobs
                ]
            }
        assert action == 'DescribeSynchronizationJobs'
        records = [
            {
                'SynchronizationJobId': job_id,
                'SynchronizationDirection': item[0],
                'Status': item[1],
                'Delay': '0' if item[2] is None else item[2],
                'ErrorMessage': item[3],
            }
            for job_id, items in sorted(self.jobs.items())
            for item in items
        ]
        size, number = int(params['PageSize']), int(params['PageNum'])
        return {
            'TotalRecordCount': len(records),
            'PageRecordCount': size,
            'PageNumber': number,
            'SynchronizationInstances': records[(number - 1) * size : number * size],
        }


def many_jobs(count):
    return dict(('dts%05d' % index, [('Forward', 'synchronizing', str(index % 7), None)]) for index in range(count))


def test_one_status_request_per_poll_and_no_listing_without_a_delay_gate():
    client = FakeClient(many_jobs(45))
    reader = StateReader(client, sorted(client.jobs), fail_statuses=DEFAULT_FAIL_STATUSES, read_kwargs={'api': 'auto'})
    for _ignored in range(3):
        jobs, missing = reader()
    assert client.calls == ['DescribeSynchronizationJobStatusList'] * 3 and reader.requests == 3
    # No delay gate: the legacy entries are what its status list says, without a delay.
    assert missing == [] and all('delay' not in item for entry in jobs for item in entry['directions'])


@pytest.mark.parametrize('api,listing', [('auto', 'DescribeDtsJobs'), ('legacy', 'DescribeSynchronizationJobs')])
def test_a_delay_gate_adds_one_listing_per_poll_whatever_the_number_of_jobs(api, listing):
    client = FakeClient(many_jobs(45))  # two listing pages of 30
    reader = StateReader(
        client, sorted(client.jobs), want_delay=True, fail_statuses=DEFAULT_FAIL_STATUSES, read_kwargs={'api': api}
    )
    jobs, _ignored = reader()
    assert client.calls.count('DescribeSynchronizationJobStatusList') == 1
    assert client.calls.count(listing) == 2 and len(client.calls) == 3 and reader.listings == 1
    assert [entry['directions'][0]['delay'] for entry in jobs[:8]] == [0, 1, 2, 3, 4, 5, 6, 0]
    assert jobs[3]['directions'][0]['delay'] == 3


def test_a_delay_not_started_is_read_where_it_can_be_told_from_zero():
    client = FakeClient(
        {'dtsa': [('Forward', 'Synchronizing', None, None)], 'dtsb': [('Forward', 'Synchronizing', '0', None)]}
    )
    jobs, _ignored = StateReader(client, ['dtsa', 'dtsb'], want_delay=True, read_kwargs={'api': 'auto'})()
    assert [entry['directions'][0]['delay'] for entry in jobs] == [None, 0]
    assert client.calls == ['DescribeSynchronizationJobStatusList', 'DescribeDtsJobs']


def test_a_job_the_current_listing_lacks_is_read_from_the_legacy_listing_on_that_poll():
    client = FakeClient(
        {'dtsa': [('Forward', 'Synchronizing', '7', None)], 'dtsb': [('Forward', 'Synchronizing', '3', None)]},
        current_lacks=['dtsb'],
    )
    jobs, _ignored = StateReader(client, ['dtsa', 'dtsb'], want_delay=True, read_kwargs={'api': 'auto'})()
    assert [entry['directions'][0]['delay'] for entry in jobs] == [7, 3]
    # DescribeDtsJobs by instance id, then by task id for the one it did not find, then the legacy listing.
    assert client.calls == [
        'DescribeSynchronizationJobStatusList',
        'DescribeDtsJobs',
        'DescribeDtsJobs',
        'DescribeSynchronizationJobs',
    ]


def test_legacy_delays_of_minus_one_or_nothing_are_not_started():
    client = FakeClient(
        {'a': [('Forward', 'Synchronizing', '-1', None)], 'b': [('Forward', 'Synchronizing', '', None)]}
    )
    jobs, _ignored = StateReader(client, ['a', 'b'], want_delay=True, read_kwargs={'api': 'legacy'})()
    assert [entry['directions'][0]['delay'] for entry in jobs] == [None, None]


def test_a_failed_legacy_job_costs_one_listing_for_its_error_message():
    client = FakeClient(
        {'a': [('Forward', 'Failed', '0', 'DTS-1: disk full')], 'b': [('Forward', 'Synchronizing', '0', None)]}
    )
    jobs, _ignored = StateReader(
        client, ['a', 'b'], fail_statuses=DEFAULT_FAIL_STATUSES, read_kwargs={'api': 'legacy'}
    )()
    assert client.calls == ['DescribeSynchronizationJobStatusList', 'DescribeSynchronizationJobs']
    assert jobs[0]['directions'][0]['error_message'] == 'DTS-1: disk full'
    assert jobs[0]['error_message'] == 'DTS-1: disk full'


def test_a_refused_error_message_listing_does_not_hide_the_failed_job():
    class Refusing(FakeClient):
        def call(self, action, params, validate=None):
            if action == 'DescribeSynchronizationJobs':
                self.calls.append(action)
                raise DtsApiError(action, 'Forbidden.RAM', 'no permission', 'R9', 403)
            return FakeClient.call(self, action, params, validate)

    client = Refusing({'a': [('Forward', 'Failed', '0', 'DTS-1: disk full')]})
    jobs, _ignored = StateReader(client, ['a'], fail_statuses=DEFAULT_FAIL_STATUSES, read_kwargs={'api': 'legacy'})()
    assert jobs[0]['directions'][0]['status'] == 'Failed'
    assert jobs[0]['directions'][0]['error_message'] == (
        'its error message could not be read: DescribeSynchronizationJobs failed: Forbidden.RAM: no permission '
        '(RequestId R9)'
    )


def test_current_family_entries_carry_their_delay_and_need_no_listing():
    class CurrentClient(FakeClient):
        pass

    client = CurrentClient({})
    reader = StateReader(client, ['t1'], want_delay=True)
    entry = {
        'synchronization_job_id': 't1',
        'status': 'Synchronizing',
        'api': 'current',
        'error_message': None,
        'directions': [
            {
                'synchronization_direction': 'Forward',
                'status': 'Synchronizing',
                'delay': 4,
                'checkpoint': 1700000000,
                'checkpoint_time': '2023-11-14T22:13:20Z',
            }
        ],
    }
    import ansible_collections.alibabacloud.dts.plugins.module_utils._states as states

    original = states.read_statuses
    states.read_statuses = lambda client, ids, **kwargs: ([entry], [])
    try:
        jobs, _ignored = reader()
    finally:
        states.read_statuses = original
    assert client.calls == [] and jobs[0]['directions'][0]['delay'] == 4 and jobs[0]['api'] == 'current'


# -- one definition, read everywhere (drift tests) -------------------------------------------------

import os  # noqa: E402  pylint: disable=wrong-import-position

import yaml  # noqa: E402  pylint: disable=wrong-import-position

from ansible_collections.alibabacloud.dts.plugins.doc_fragments.wait import ModuleDocFragment  # noqa: E402
from ansible_collections.alibabacloud.dts.plugins.module_utils import _waiter  # noqa: E402
from ansible_collections.alibabacloud.dts.plugins.module_utils._connection import (  # noqa: E402
    connection_argument_spec,
)
from ansible_collections.alibabacloud.dts.plugins.module_utils._normalize import JOB_STATUSES  # noqa: E402
from ansible_collections.alibabacloud.dts.plugins.modules import dts_job_info, dts_sync_status_info  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(_waiter.__file__), '..', '..'))
ROLE = os.path.join(ROOT, 'roles', 'dts_sync_wait')


def role_options():
    with open(os.path.join(ROLE, 'meta', 'argument_specs.yml')) as handle:
        return yaml.safe_load(handle)['argument_specs']['main']['options']


def role_defaults():
    with open(os.path.join(ROLE, 'defaults', 'main.yml')) as handle:
        return yaml.safe_load(handle)


def test_the_default_fail_statuses_are_defined_once():
    expected = list(DEFAULT_FAIL_STATUSES)
    assert role_options()['dts_sync_wait_fail_statuses']['default'] == expected
    assert role_defaults()['dts_sync_wait_fail_statuses'] == expected
    assert wait_argument_spec()['fail_statuses']['default'] == expected
    documented = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)['options']
    assert documented['fail_statuses']['default'] == expected


def test_the_role_offers_every_documented_status():
    options = role_options()
    for name in ('dts_sync_wait_status', 'dts_sync_wait_reverse_status', 'dts_sync_wait_fail_statuses'):
        assert options[name]['choices'] == list(JOB_STATUSES), name


@pytest.mark.parametrize('module', [dts_sync_status_info, dts_job_info])
def test_the_modules_document_every_wait_option_as_specified(module):
    assert 'alibabacloud.dts.wait' in yaml.safe_load(module.DOCUMENTATION)['extends_documentation_fragment']
    documented = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)['options']
    assert sorted(documented) == sorted(wait_argument_spec())
    for name, spec in wait_argument_spec().items():
        assert documented[name]['type'] == spec['type'], name
        assert documented[name].get('default') == spec.get('default'), name
        assert documented[name].get('choices') == spec.get('choices'), name


def _shape(spec):
    """Option name -> (type, no_log, nested shape) of an argument spec."""
    return dict(
        (
            name,
            (
                option.get('type', 'str'),
                bool(option.get('no_log')),
                _shape(option['options']) if option.get('options') else None,
            ),
        )
        for name, option in spec.items()
    )


def test_the_role_auth_options_are_the_connection_options():
    role_auth = role_options()['dts_sync_wait_auth']['options']
    assert _shape(role_auth) == _shape(connection_argument_spec())
