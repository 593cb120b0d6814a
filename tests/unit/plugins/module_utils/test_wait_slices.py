# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A wait run in slices, one task each, on the fake clock: what a slice hands on is checked, and the
wait goes on exactly as in one task (polls, stability window, deadline, progress lines)."""

import json

import pytest

from ansible_collections.alibabacloud.dts.plugins.module_utils._errors import DtsConfigError
from ansible_collections.alibabacloud.dts.plugins.module_utils._wait_state import (
    MAX_STATE_BYTES,
    _content,
    _digest,
    gate_digest,
    open_state,
    seal,
    slicing_from_params,
)
from ansible_collections.alibabacloud.dts.plugins.module_utils._waiter import (
    Gate,
    WaitFailed,
    gate_from_params,
    wait_argument_spec,
    wait_for,
)
from ansible_collections.alibabacloud.dts.tests.unit.plugins.module_utils.test_waiter import (
    THROTTLED,
    Script,
    job,
    waiter_clock,
)

JOB_IDS = ('a',)
# What Ansible takes between two tasks of a loop: the next slice starts this much after the last returned.
BETWEEN_TASKS = 0.4


def params(**options):
    values = dict((name, spec.get('default')) for name, spec in wait_argument_spec().items())
    values.update(wait=True, api='auto', wait_slice=None, wait_state=None)
    values.update(options)
    return values


def there(delay=1):
    return [job('a', ('Forward', 'Synchronizing', delay))]


def behind(delay=40):
    return [job('a', ('Forward', 'Synchronizing', delay))]


def in_one_task(clock, script, gate, **kwargs):
    return wait_for(script, gate, clock=clock, sleep=clock.sleep, wall=clock.wall, **kwargs)


class Slices:
    """Runs a wait as a loop of slices, each one's state through JSON and ``open_state`` as the module
    gets it; records each slice's result and when it returned."""

    def __init__(self, clock, script, gate, slice_length, timeout=60, interval=10, job_ids=JOB_IDS):
        self.clock, self.script, self.gate = clock, script, gate
        self.slice_length, self.timeout, self.interval = slice_length, timeout, interval
        self.digest = gate_digest(job_ids, gate, params(wait_timeout=timeout))
        self.job_ids = job_ids
        self.results, self.returned, self.states = [], [], []

    def one(self, state=None):
        carried = (
            None
            if state is None
            else open_state(
                json.loads(json.dumps(state)), self.digest, self.job_ids, self.gate, self.timeout, self.clock.wall()
            )
        )
        result = wait_for(
            self.script,
            self.gate,
            timeout=self.timeout,
            interval=self.interval,
            clock=self.clock,
            sleep=self.clock.sleep,
            wall=self.clock.wall,
            carried=carried,
            slice_length=self.slice_length,
        )
        self.results.append(result)
        self.returned.append(self.clock.now - 100.0)
        return result

    def run(self):
        state = None
        while True:
            result = self.one(state)
            if not result.get('waiting'):
                return result
            state = self.seal(result['carried'])
            self.states.append(state)
            self.clock.now += BETWEEN_TASKS

    def seal(self, carried, requests=0):
        return seal(dict(carried, requests=requests), self.digest)


def same_wait(sliced, whole):
    for key in ('polls', 'progress', 'stable_since', 'passed', 'states'):
        assert sliced.get(key) == whole.get(key), key


# -- the wait goes on exactly ---------------------------------------------------------------------


def test_a_stability_window_spanning_slices_passes_at_the_same_poll_as_in_one_task():
    gate = Gate(max_delay=5, stable_for=60)
    polls = [behind(), there(), there()]
    whole_clock, sliced_clock = waiter_clock(), waiter_clock()
    whole = in_one_task(whole_clock, Script(whole_clock, *polls), gate, timeout=300, interval=15)
    script = Script(sliced_clock, *polls)
    slices = Slices(sliced_clock, script, gate, slice_length=20, timeout=300, interval=15)
    sliced = slices.run()

    # Under the limit from 15 s on, so the window began then and held 60 s at 75 s, six polls in.
    assert whole['passed'] and whole['polls'] == 6 and whole['elapsed'] == 75
    assert whole['stable_since'] == '2023-11-14T22:13:35Z'
    same_wait(sliced, whole)
    assert script.times == [0, 15, 30, 45, 60, 75]
    # The pause between tasks is taken out of the next sleep: the polls keep their times and the
    # window its start; the elapsed time counts from the wait's first poll.
    assert sliced['elapsed'] == 75
    # A slice a poll: the first poll, the change to "every job there", then each slice returns after
    # its poll because the next one, 15 s on, would come more than 20 s after the slice before returned.
    assert len(slices.results) == 6
    assert [line for result in slices.results for line in result['slice_progress']] == whole['progress']


def test_a_spike_in_the_second_slice_starts_the_window_again():
    gate = Gate(max_delay=5, stable_for=30)
    polls = [there(), behind(), there()]
    whole_clock, sliced_clock = waiter_clock(), waiter_clock()
    whole = in_one_task(whole_clock, Script(whole_clock, *polls), gate, timeout=300, interval=10)
    slices = Slices(sliced_clock, Script(sliced_clock, *polls), gate, slice_length=15, timeout=300, interval=10)
    sliced = slices.run()

    same_wait(sliced, whole)
    # The window that began at 0 s broke at 10 s (the spike, in the second slice), began again at 20 s
    # and passed at 50 s.
    assert sliced['polls'] == 6 and sliced['elapsed'] == 50
    assert sliced['stable_since'] == '2023-11-14T22:13:40Z'
    broken = [
        index
        for index, result in enumerate(slices.results)
        if any('is broken' in line for line in result['slice_progress'])
    ]
    assert broken == [1]
    assert [line for result in slices.results for line in result['slice_progress']] == whole['progress']


def test_the_deadline_is_honoured_across_slices_with_the_same_message():
    gate = Gate(max_delay=5)
    whole_clock, sliced_clock = waiter_clock(), waiter_clock()
    with pytest.raises(WaitFailed) as whole:
        in_one_task(whole_clock, Script(whole_clock, behind()), gate, timeout=60, interval=10)
    script = Script(sliced_clock, behind())
    slices = Slices(sliced_clock, script, gate, slice_length=25, timeout=60, interval=10)
    with pytest.raises(WaitFailed) as sliced:
        slices.run()

    assert sliced.value.message == whole.value.message
    assert sliced.value.message.startswith('Timed out after 60 s waiting for Forward Synchronizing')
    assert script.times == [0, 10, 20, 30, 40, 50, 60]
    assert sliced.value.details['progress'] == whole.value.details['progress']
    assert sliced.value.details['elapsed'] == 60
    # The last slice's lines are in its failure too.
    assert sliced.value.details['slice_progress'][-1].startswith('poll 7, 60 s:')


def test_a_failed_poll_carried_over_is_in_the_timeout_message():
    gate = Gate()
    whole_clock, sliced_clock = waiter_clock(), waiter_clock()
    polls = [[job('a', ('Forward', 'Initializing'))], THROTTLED]
    with pytest.raises(WaitFailed) as whole:
        in_one_task(whole_clock, Script(whole_clock, *polls), gate, timeout=20, interval=10)
    with pytest.raises(WaitFailed) as sliced:
        Slices(sliced_clock, Script(sliced_clock, *polls), gate, slice_length=5, timeout=20, interval=10).run()
    assert sliced.value.message == whole.value.message
    assert 'The last poll failed: ' in sliced.value.message and 'a (Forward Initializing for ' in sliced.value.message


def test_how_long_a_status_held_carries_over():
    gate = Gate()
    clock = waiter_clock()
    polls = [[job('a', ('Forward', 'Initializing'))]] * 3 + [[job('a', ('Forward', 'Failed'))]]
    slices = Slices(clock, Script(clock, *polls), gate, slice_length=10, timeout=300, interval=10)
    with pytest.raises(WaitFailed):
        slices.run()
    # Each slice polls once (the next poll is 10 s on, past its end): status_for grows from the first sighting.
    assert [result['states'][0]['status_for'] for result in slices.results] == [0, 10, 20]
    assert slices.results[2]['slice_progress'] == ['poll 3, 20 s: a (Forward Initializing for 20 s), 280 s left']


# -- when a slice returns -------------------------------------------------------------------------


def test_a_slice_returns_when_what_the_wait_waits_for_changes_and_otherwise_within_its_length():
    gate = Gate(max_delay=5)
    clock = waiter_clock()
    polls = (
        [[job('a', ('Forward', 'Initializing'))]] * 2 + [behind(40), behind(30), behind(20), behind(10)] * 2 + [there()]
    )
    slices = Slices(clock, Script(clock, *polls), gate, slice_length=25, timeout=300, interval=5)
    sliced = slices.run()
    assert sliced['passed'] and sliced['polls'] == 11
    # Poll 1 (the first), poll 3 (Synchronizing, now waiting for the delay), then every 25 s at most
    # while the delay only shrinks, and poll 11 passes.
    assert [result['polls'] for result in slices.results] == [1, 3, 8, 11]
    gaps = [later - earlier for earlier, later in zip(slices.returned, slices.returned[1:])]
    assert all(gap <= 25 + BETWEEN_TASKS for gap in gaps), gaps


def test_a_slice_with_no_poll_due_repeats_the_last_lines_within_its_length():
    gate = Gate()
    clock = waiter_clock()
    initializing = [job('a', ('Forward', 'Initializing'))]
    slices = Slices(
        clock, Script(clock, initializing, initializing, there()), gate, slice_length=20, timeout=300, interval=50
    )
    sliced = slices.run()
    assert sliced['passed'] and sliced['polls'] == 3
    # Polls at 0, 50 and 100 s; a slice returns at most 20 s after the one before, those with no poll
    # due saying again what poll 1 (then 2) saw.
    assert slices.returned == [0, 20, 40, 50, 70, 90, 100]
    assert (
        slices.results[1]['slice_progress']
        == slices.results[0]['slice_progress']
        == ['poll 1, 0 s: a (Forward Initializing for 0 s), 300 s left']
    )
    assert slices.results[4]['slice_progress'] == ['poll 2, 50 s: a (Forward Initializing for 50 s), 250 s left']
    assert sliced['progress'] == [
        'poll 1, 0 s: a (Forward Initializing for 0 s), 300 s left',
        'poll 2, 50 s: a (Forward Initializing for 50 s), 250 s left',
    ]


def test_check_mode_polls_once_even_in_slices():
    clock = waiter_clock()
    script = Script(clock, [job('a', ('Forward', 'Initializing'))])
    outcome = wait_for(script, Gate(), once=True, clock=clock, sleep=clock.sleep, wall=clock.wall, slice_length=10)
    assert outcome['polls'] == 1 and outcome['passed'] is False and 'waiting' not in outcome
    assert script.times == [0] and clock.sleeps == []


# -- a state is checked before it is trusted ------------------------------------------------------


def a_state(clock=None, gate=None):
    clock = clock or waiter_clock()
    gate = gate or Gate(max_delay=5, stable_for=60)
    slices = Slices(clock, Script(clock, behind(), there()), gate, slice_length=20, timeout=300, interval=15)
    slices.one()
    slices.clock.now += BETWEEN_TASKS
    slices.one(slices.seal(slices.results[0]['carried']))
    return slices, slices.seal(slices.results[1]['carried'], requests=4)


def refused(slices, state, job_ids=JOB_IDS, timeout=300):
    with pytest.raises(DtsConfigError) as caught:
        open_state(state, slices.digest, job_ids, slices.gate, timeout, slices.clock.wall())
    assert caught.value.option == 'wait_state'
    assert caught.value.message.startswith('wait_state is not the state a slice of this wait returned (')
    return caught.value.message


def resealed(slices, state, **changes):
    """A state whose content is changed and sealed again: only the checks of its content can refuse it."""
    return seal(dict(_content(state), **changes), slices.digest)


def test_a_state_a_slice_returned_opens():
    slices, state = a_state()
    assert sorted(state) == ['data', 'digest', 'gate', 'version']
    carried = open_state(json.loads(json.dumps(state)), slices.digest, JOB_IDS, slices.gate, 300, slices.clock.wall())
    assert carried['polls'] == 2 and carried['requests'] == 4 and carried['window'] is not None


def test_a_state_changed_by_hand_is_refused():
    slices, state = a_state()
    content = _content(state)
    edited = dict(state, data=resealed(slices, state, window=content['window'] - 50)['data'])
    assert 'changed after the slice returned it' in refused(slices, edited)
    assert 'changed after the slice returned it' in refused(slices, dict(state, digest='0' * 64))
    assert 'changed after the slice returned it' in refused(slices, dict(state, data=state['data'][:-8]))


def test_a_state_of_another_wait_is_refused():
    slices, state = a_state()
    other = gate_digest(['b'], slices.gate, params(wait_timeout=300))
    with pytest.raises(DtsConfigError, match='made for other job_ids or wait options'):
        open_state(state, other, ['b'], slices.gate, 300, slices.clock.wall())
    longer = gate_digest(JOB_IDS, slices.gate, params(wait_timeout=600))
    with pytest.raises(DtsConfigError, match='made for other job_ids or wait options'):
        open_state(state, longer, JOB_IDS, slices.gate, 600, slices.clock.wall())
    stricter = gate_digest(JOB_IDS, Gate(max_delay=2, stable_for=60), params(wait_timeout=300))
    assert stricter != slices.digest


@pytest.mark.parametrize(
    'changes, why',
    [
        ({'polls': 'two'}, 'polls is not a count'),
        ({'polls': 0}, 'it has no poll'),
        ({'requests': -1}, 'requests is not a count'),
        ({'started': 'yesterday'}, 'started is not a number'),
        ({'started': float('1e12')}, 'started is out of range'),
        ({'deadline': 'never'}, 'deadline is not a number'),
        ({'progress': 'poll 1'}, 'progress is not a list'),
        ({'progress': [1, 2]}, 'progress is not a text'),
        ({'progress': ['x'] * 400}, 'progress is not a list of at most 300'),
        ({'since': [['z', 'Forward', 'Synchronizing', 1700000000]]}, 'since names a job or direction'),
        ({'seen': [{'job_id': 'a', 'direction': 'Sideways', 'verdict': 'there'}]}, 'seen names a job or direction'),
        ({'seen': [{'job_id': 'a', 'direction': 'Forward', 'verdict': 'maybe'}]}, 'seen has no verdict'),
        ({'jobs': [{'synchronization_job_id': 'z', 'directions': []}]}, 'jobs holds an entry'),
        ({'jobs': [{'synchronization_job_id': 'a', 'directions': 'Forward'}]}, 'jobs holds an entry'),
        ({'last_error': {'code': 'x'}}, 'last_error is not a text'),
        ({'waiting_on': [['a', 'Forward', 'Synchronizing', 'delay', 'more']]}, 'waiting_on is not'),
    ],
)
def test_a_malformed_state_is_refused_naming_what_is_wrong(changes, why):
    slices, state = a_state()
    assert why in refused(slices, resealed(slices, state, **changes))


def test_a_state_cannot_move_the_deadline_or_the_window():
    slices, state = a_state()
    content = _content(state)
    # A later deadline would give the wait more time than wait_timeout from its first poll.
    assert 'deadline is not wait_timeout after its start' in refused(
        slices, resealed(slices, state, deadline=content['deadline'] + 600)
    )
    assert 'started is out of range' in refused(slices, resealed(slices, state, started=slices.clock.wall() + 3600))
    assert 'window is out of range' in refused(slices, resealed(slices, state, window=content['started'] - 60))
    assert 'window is out of range' in refused(slices, resealed(slices, state, window=content['reported_at'] + 60))
    assert 'next_poll is out of range' in refused(slices, resealed(slices, state, next_poll=content['deadline'] + 60))


def sealed_data(slices, data):
    """A state whose data is ``data``, with the digest that matches it."""
    state = {'version': 1, 'gate': slices.digest, 'data': data}
    state['digest'] = _digest(state)
    return state


def test_a_state_that_is_not_a_state_or_too_large_is_refused():
    slices, state = a_state()
    assert 'not a dictionary of version, gate, data and digest' in refused(slices, [state])
    assert 'not a dictionary of version, gate, data and digest' in refused(slices, 'x')
    assert 'not a dictionary of version, gate, data and digest' in refused(slices, dict(state, polls=3))
    assert 'another version' in refused(slices, dict(state, version=2))
    # Decompressed no further than the bound: a small state that would inflate past it is refused.
    huge = seal(dict(_content(state), pad='x' * MAX_STATE_BYTES), slices.digest)
    assert len(huge['data']) < 10000
    assert 'larger than' in refused(slices, huge)
    assert 'its data is not what a slice returns' in refused(slices, sealed_data(slices, 'not base64!'))
    assert 'its data is not what a slice returns' in refused(slices, sealed_data(slices, 'eHl6'))
    assert 'its data is not a dictionary' in refused(slices, seal(['a list'], slices.digest))
    assert 'its data is cut short' in refused(slices, sealed_data(slices, state['data'][: len(state['data']) // 8 * 4]))


def test_the_slice_options_are_checked_before_any_request():
    gate = gate_from_params(params())
    with pytest.raises(DtsConfigError, match='wait_slice must be 1 or more seconds, got 0') as caught:
        slicing_from_params(params(wait_slice=0), JOB_IDS, gate, 1700000000)
    assert caught.value.option == 'wait_slice'
    with pytest.raises(DtsConfigError, match='wait_slice, wait_state only apply with wait=true') as caught:
        slicing_from_params(params(wait=False, wait_slice=60, wait_state={}), JOB_IDS, None, 1700000000)
    assert caught.value.option == 'wait_slice'
    with pytest.raises(DtsConfigError, match='wait_state is not the state') as caught:
        slicing_from_params(params(wait_slice=60, wait_state={'version': 1}), JOB_IDS, gate, 1700000000)
    assert caught.value.option == 'wait_state'
    assert slicing_from_params(params(), JOB_IDS, gate, 1700000000) is None
    fresh = slicing_from_params(params(wait_slice=60), JOB_IDS, gate, 1700000000)
    assert fresh.length == 60 and fresh.carried is None and fresh.requests_before == 0
