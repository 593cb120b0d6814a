# -*- coding: utf-8 -*-
# Copyright: Contributors to the alibabacloud.dts collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Gating on DTS jobs, as data: what counts as there, what counts as failed, everything else polls.

The waiter knows nothing about where states come from.  It calls ``poll()``, which returns
``(jobs, missing_ids)``; each job is a status entry (``_job_model.status_entry``), exactly what a
module returns: ``{'synchronization_job_id', 'directions': [direction, ...], ...}``, each direction
``{'synchronization_direction', 'status', 'delay', 'checkpoint', 'error_message'}`` (delay in
seconds or None when DTS says replication has not started or it was not read, checkpoint in Unix
seconds).  Other keys pass through untouched.

A gate holds on a poll when every watched direction of every job is in its target status, and,
when asked, its delay is at most ``max_delay`` and its checkpoint at or past ``checkpoint_after``.
With ``stable_for`` it must hold on consecutive polls spanning that many seconds; one poll that
does not hold (a delay spike, a status change, a poll that failed) starts the window again.

The clock is monotonic and injected, like ``sleep``, so every rule is testable without waiting.
The deadline is real: the last poll happens at the deadline, not one interval past it.
"""

import re
import time
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Set, Tuple

from ansible_collections.alibabacloud.dts.plugins.module_utils._errors import DtsApiError, DtsConfigError, DtsError
from ansible_collections.alibabacloud.dts.plugins.module_utils._jobs import validate_statuses
from ansible_collections.alibabacloud.dts.plugins.module_utils._retries import is_transient

DEFAULT_WAIT_STATUSES = ('Synchronizing',)
# The keys of a status entry the waiter reads: the id as asked, and each direction's name.
JOB_ID = 'synchronization_job_id'
DIRECTION = 'synchronization_direction'
# The one definition of the statuses that end a wait with a failure by default; the modules'
# argument specs, the role's argument spec and its defaults are checked against it by tests.
DEFAULT_FAIL_STATUSES = ('Failed', 'PrecheckFailed', 'InitializeFailed')
DEFAULT_WAIT_DIRECTIONS = ('Forward',)
# Statuses a job passes through on its way back to where it was (a change of configuration or
# class, a retry, Suspending while it resumes, Initializing after its precheck).  They never end
# a wait unless the user lists them in the fail statuses.
TRANSITIONAL_STATUSES = ('Modifying', 'Retrying', 'Upgrade', 'Downgrade', 'Suspending', 'Initializing')
# Of those, the ones that cannot be a target either: a wait "until Modifying" would pass on a
# glimpse of a job that is about to be something else.
NEVER_TARGET_STATUSES = ('Modifying', 'Retrying', 'Upgrade', 'Downgrade')
# Progress lines kept in a result: the first poll's and the most recent ones.
MAX_PROGRESS_LINES = 300


class WaitFailed(DtsError):
    """The wait ended without every job at its target; ``details`` says why, per job."""

    def __init__(self, reason: str, message: str, details: Dict[str, Any]) -> None:
        super(WaitFailed, self).__init__(message)
        # 'failed_status', 'missing_jobs', 'delay_exceeded' (check mode) or 'timeout'
        self.reason = reason
        self.message = message
        self.details = details        # dict returned to the user alongside the failure


_EPOCH = re.compile(r'^\s*\d+(\.\d+)?\s*$')


def parse_moment(value: Any, option: str = 'wait_checkpoint_after') -> Optional[float]:
    """Epoch seconds from ``value``: a number, a string of digits or an ISO-8601 time.

    An ISO time without a zone is read as UTC (what ``now(utc=true)`` gives in a playbook).
    """
    if value is None or value == '':
        return None
    if isinstance(value, bool):
        raise DtsConfigError('%s must be epoch seconds or an ISO-8601 time, got %r.' % (option, value), option=option)
    if isinstance(value, (int, float)):
        moment = float(value)
    elif isinstance(value, datetime):
        moment = (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).timestamp()
    elif isinstance(value, str) and _EPOCH.match(value):
        moment = float(value)
    elif isinstance(value, str):
        text = value.strip()
        if text.endswith(('Z', 'z')):
            text = text[:-1] + '+00:00'
        try:
            parsed = datetime.fromisoformat(text.replace(' ', 'T', 1) if 'T' not in text else text)
        except ValueError as error:
            raise DtsConfigError('%s: %r is neither epoch seconds nor an ISO-8601 time such as '
                                 '2026-01-31T08:00:00Z.' % (option, value), option=option) from error
        moment = (parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)).timestamp()
    else:
        raise DtsConfigError('%s must be epoch seconds or an ISO-8601 time, got %r.' % (option, value), option=option)
    if moment <= 0:
        raise DtsConfigError('%s must be a moment after 1970, got %r.' % (option, value), option=option)
    return moment


def iso_time(epoch: Optional[float]) -> Optional[str]:
    if epoch is None:
        return None
    moment = datetime(1970, 1, 1, tzinfo=timezone.utc) + timedelta(seconds=round(epoch, 3))
    return moment.strftime('%Y-%m-%dT%H:%M:%S') + ('.%03dZ' % (moment.microsecond // 1000) if moment.microsecond
                                                   else 'Z')


def _seconds(value):
    """A duration for messages: whole seconds when whole, else one decimal."""
    value = round(value, 1)
    return '%d s' % value if value == int(value) else '%.1f s' % value


class Gate:
    """What a wait waits for.  Statuses are in their documented spelling (validated by the caller)."""

    def __init__(self, statuses: Iterable[str] = DEFAULT_WAIT_STATUSES,
                 fail_statuses: Iterable[str] = DEFAULT_FAIL_STATUSES,
                 directions: Iterable[str] = DEFAULT_WAIT_DIRECTIONS, reverse_statuses: Optional[Iterable[str]] = None,
                 max_delay: Optional[float] = None, stable_for: Optional[float] = 0,
                 checkpoint_after: Optional[float] = None, accept_initializing: bool = False) -> None:
        self.statuses = tuple(statuses)
        self.reverse_statuses = tuple(reverse_statuses) if reverse_statuses else self.statuses
        self.fail_statuses = frozenset(fail_statuses)
        self.directions = tuple(directions)
        self.max_delay = max_delay
        self.stable_for = stable_for or 0
        self.checkpoint_after = checkpoint_after
        self.accept_initializing = accept_initializing

    @property
    def wants_delay(self) -> bool:
        return self.max_delay is not None

    def targets(self, direction: str) -> Set[str]:
        targets = set(self.reverse_statuses if direction == 'Reverse' else self.statuses)
        # Terraform's convention: a job initializing after its precheck counts as synchronizing.
        if self.accept_initializing and 'Synchronizing' in targets:
            targets.add('Initializing')
        return targets

    def describe(self) -> str:
        """The gate in words, for messages."""
        parts = []
        for direction in self.directions:
            parts.append('%s %s' % (direction, ' or '.join(sorted(self.targets(direction)))))
        text = ' and '.join(parts)
        if self.max_delay is not None:
            text += ', replication delay at most %s' % _seconds(self.max_delay)
        if self.checkpoint_after is not None:
            text += ', checkpoint at or past %s' % iso_time(self.checkpoint_after)
        if self.stable_for:
            text += ', held for %s' % _seconds(self.stable_for)
        return text

    def judge(self, observation: Mapping[str, Any]) -> Tuple[str, Any]:
        """``(verdict, why)`` for one direction: 'failed', 'pending' (why says what is missing) or 'there'."""
        status = observation.get('status')
        if status in self.fail_statuses:
            return 'failed', status
        if status not in self.targets(observation[DIRECTION]):
            return 'pending', 'status'
        if self.max_delay is not None:
            delay = observation.get('delay')
            if delay is None:
                return 'pending', 'delay not started'
            if delay > self.max_delay:
                return 'pending', 'delay'
        if self.checkpoint_after is not None:
            checkpoint = _checkpoint(observation.get('checkpoint'))
            if checkpoint is None or checkpoint < self.checkpoint_after:
                return 'pending', 'checkpoint'
        return 'there', None


def _checkpoint(value):
    """A checkpoint in Unix seconds, or None for none yet (DTS says 0 or nothing)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        return None
    return value


def _watched(job, directions):
    """The job's directions the gate looks at (a one-way job has no Reverse to wait on)."""
    return [item for item in job.get('directions') or [] if item.get(DIRECTION) in directions]


class _Tracker:
    """What each direction looked like at the last poll, and since when its status has held."""

    def __init__(self, gate):
        self.gate = gate
        self.since = {}
        self.last = {}

    def observe(self, job, item, now):
        key = (job[JOB_ID], item[DIRECTION])
        status = item.get('status')
        previous = self.since.get(key)
        if previous is None or previous[0] != status:
            self.since[key] = (status, now)
        verdict, why = self.gate.judge(item)
        delay = item.get('delay')
        checkpoint = _checkpoint(item.get('checkpoint'))
        state = {
            'job_id': job[JOB_ID],
            'direction': item[DIRECTION],
            'status': status,
            'status_for': round(now - self.since[key][1], 3),
            'delay': delay,
            'checkpoint': checkpoint,
            'error_message': item.get('error_message'),
            'verdict': verdict,
            'waiting_for': why,
        }
        if self.gate.checkpoint_after is not None:
            # Seconds the checkpoint is behind the moment writes stopped (0 once past it).
            state['checkpoint_lag'] = (None if checkpoint is None
                                       else max(0, int(round(self.gate.checkpoint_after - checkpoint))))
        self.last[key] = state
        return state


def _describe_state(state, gate, with_error=False):
    text = '%s (%s %s for %s' % (state['job_id'], state['direction'], state['status'] or 'no status',
                                 _seconds(state['status_for']))
    if gate.max_delay is not None:
        delay = state.get('delay')
        text += ', delay %s' % ('not started' if delay is None else _seconds(delay))
    if gate.checkpoint_after is not None:
        lag = state.get('checkpoint_lag')
        text += ', checkpoint %s' % ('unknown' if lag is None else
                                     ('%s behind' % _seconds(lag) if lag else 'past the moment'))
    text += ')'
    if with_error:
        text += ': %s' % (state.get('error_message') or 'DTS gives no error message')
    return text


def wait_for(poll: Callable[[], Tuple[List[Dict[str, Any]], List[str]]], gate: Gate, timeout: float = 1800,
             interval: float = 15, once: bool = False, clock: Callable[[], float] = time.monotonic,
             sleep: Callable[[float], Any] = time.sleep, wall: Callable[[], float] = time.time,
             scope: str = '') -> Dict[str, Any]:
    """Poll until ``gate`` holds for every job (and has held for ``gate.stable_for`` seconds).

    Returns a dict: ``jobs`` (the last poll's jobs), ``states`` (one per watched direction, as last
    seen), ``polls``, ``elapsed``, ``progress`` (lines a person can follow), ``stable_since``.
    Raises WaitFailed at the first poll that shows a job in a fail status or an unknown id,
    and when ``timeout`` seconds have passed.  A poll that fails transiently even after the
    client's retries (throttling, 5xx) counts as "not there yet", never as success; a
    permanent API error ends the wait.

    ``once`` (check mode) polls once and does not wait; besides fail statuses and unknown ids it
    fails on a delay gate that is already violated (a delay reported above ``max_delay``).
    """
    started = clock()
    started_wall = wall()
    deadline = started + timeout
    tracker = _Tracker(gate)
    progress: List[str] = []
    dropped = [0]
    polls, last_error = 0, None
    jobs: List[Dict[str, Any]] = []
    window_start = window_wall = None

    def note(line):
        progress.append(line)
        if len(progress) > MAX_PROGRESS_LINES:
            # Keep the first poll's lines (where it began) and the latest ones (where it is).
            del progress[1]
            dropped[0] += 1

    def result(now, **extra):
        states = [tracker.last[key] for key in sorted(tracker.last)]
        lines = list(progress)
        if dropped[0]:
            lines.insert(1, '... %d earlier progress lines left out' % dropped[0])
        outcome = {'jobs': jobs, 'states': states, 'polls': polls, 'elapsed': round(now - started, 3),
                   'progress': lines,
                   'stable_since': iso_time(window_wall) if window_start is not None else None}
        outcome.update(extra)
        return outcome

    while True:
        polls += 1
        try:
            jobs, missing = poll()
        except DtsApiError as error:
            if not is_transient(error):
                raise
            last_error = error
            now = clock()
            window_start = window_wall = None
            note('poll %d, %s: the poll failed and counts as not there: %s'
                 % (polls, _seconds(now - started), error.describe()))
        else:
            last_error = None
            now = clock()
            if missing:
                raise WaitFailed('missing_jobs', 'DTS does not know these synchronization job ids%s: %s'
                                 % (scope and ' ' + scope, ', '.join(missing)),
                                 result(now, missing_job_ids=list(missing)))
            states = []
            for job in jobs:
                watched = _watched(job, gate.directions)
                if not watched:
                    # A job that reports no watched direction is not there, whatever else it says.
                    states.append({'job_id': job[JOB_ID], 'direction': ', '.join(gate.directions),
                                   'status': None, 'status_for': 0, 'verdict': 'pending',
                                   'waiting_for': 'status', 'delay': None, 'checkpoint': None})
                for item in watched:
                    states.append(tracker.observe(job, item, now))
            failed = [state for state in states if state['verdict'] == 'failed']
            if failed:
                raise WaitFailed('failed_status', 'DTS synchronization jobs in a failure status: %s'
                                 % '; '.join(_describe_state(state, gate, with_error=True) for state in failed),
                                 result(now, failed=failed, failed_job_ids=_ids(failed)))
            pending = [state for state in states if state['verdict'] != 'there']
            if once:
                exceeded = [state for state in states
                            if gate.max_delay is not None and state.get('delay') is not None
                            and state['delay'] > gate.max_delay]
                if exceeded:
                    raise WaitFailed('delay_exceeded', 'Replication delay above %s: %s' % (
                        _seconds(gate.max_delay), '; '.join(_describe_state(state, gate) for state in exceeded)),
                        result(now, pending=pending, pending_job_ids=_ids(pending)))
                return result(now, pending=pending, pending_job_ids=_ids(pending), passed=not pending)
            left = max(0.0, deadline - now)
            if not pending:
                if window_start is None:
                    window_start, window_wall = now, started_wall + (now - started)
                held = now - window_start
                if held >= gate.stable_for:
                    return result(now, pending=[], pending_job_ids=[], passed=True)
                note('poll %d, %s: every job there, held for %s of %s, %s left'
                     % (polls, _seconds(now - started), _seconds(held), _seconds(gate.stable_for), _seconds(left)))
            else:
                if window_start is not None:
                    note('poll %d, %s: the window that began at %s is broken; it starts again'
                         % (polls, _seconds(now - started), iso_time(window_wall)))
                window_start = window_wall = None
                for state in pending:
                    note('poll %d, %s: %s, %s left' % (polls, _seconds(now - started),
                                                       _describe_state(state, gate), _seconds(left)))
        if now >= deadline:
            pending = [tracker.last[key] for key in sorted(tracker.last) if tracker.last[key]['verdict'] != 'there']
            if pending:
                what = '; '.join(_describe_state(state, gate) for state in pending)
            elif window_start is not None:
                what = 'every job there, but only for %s of %s' % (
                    _seconds(now - window_start), _seconds(gate.stable_for))
            else:
                what = 'no poll answered'
            message = 'Timed out after %s waiting for %s; not there yet: %s' % (
                _seconds(timeout), gate.describe(), what)
            if last_error is not None:
                message += '. The last poll failed: %s' % last_error.describe()
            raise WaitFailed('timeout', message, result(now, pending=pending, pending_job_ids=_ids(pending)))
        pause = deadline - now
        if window_start is not None:
            # Poll again when the window can be complete, if that comes before the next interval.
            pause = min(pause, max(gate.stable_for - (now - window_start), 0))
        sleep(min(interval, pause))


def _ids(states):
    ids = []
    for state in states:
        if state['job_id'] not in ids:
            ids.append(state['job_id'])
    return ids


def wait_argument_spec() -> Dict[str, Any]:
    """The wait options of every module that can wait on jobs (dts_sync_status_info, dts_job_info)."""
    return dict(
        wait=dict(type='bool', default=False),
        wait_status=dict(type='list', elements='str', default=list(DEFAULT_WAIT_STATUSES)),
        wait_reverse_status=dict(type='list', elements='str'),
        wait_directions=dict(type='list', elements='str', choices=['Forward', 'Reverse'],
                             default=list(DEFAULT_WAIT_DIRECTIONS)),
        wait_timeout=dict(type='int', default=1800),
        wait_sleep=dict(type='int', default=15),
        fail_statuses=dict(type='list', elements='str', default=list(DEFAULT_FAIL_STATUSES)),
        wait_max_delay=dict(type='int'),
        wait_stable_for=dict(type='int', default=0),
        wait_checkpoint_after=dict(type='raw'),
        wait_accept_initializing=dict(type='bool', default=False),
    )


def _targets(params, option):
    statuses = validate_statuses(params.get(option), option=option)
    never = [status for status in statuses if status in NEVER_TARGET_STATUSES]
    if never:
        raise DtsConfigError('%s: %s %s a job passes through and never ends a wait; list the status the job '
                             'settles in (such as Synchronizing), or put %s in fail_statuses to stop on it.'
                             % (option, ', '.join(never), 'is a status' if len(never) == 1 else 'are statuses',
                                'it' if len(never) == 1 else 'them'), option=option)
    return statuses


def gate_from_params(params: Mapping[str, Any]) -> Optional[Gate]:
    """The Gate the wait options describe, checked before any request; None when ``wait`` is false."""
    def at_least(option, low, unit='seconds'):
        value = params.get(option)
        if value is not None and value < low:
            raise DtsConfigError('%s must be %d or more %s, got %d.' % (option, low, unit, value), option=option)
        return value

    statuses = _targets(params, 'wait_status')
    if not statuses:
        raise DtsConfigError('wait_status must list at least one status, for example [Synchronizing].',
                             option='wait_status')
    reverse = _targets(params, 'wait_reverse_status') if params.get('wait_reverse_status') else None
    fail_statuses = validate_statuses(params.get('fail_statuses'), option='fail_statuses')
    for option, targets in (('wait_status', statuses), ('wait_reverse_status', reverse or [])):
        both = [status for status in targets if status in fail_statuses]
        if both:
            raise DtsConfigError('%s cannot be both in %s and in fail_statuses; remove it from one of them.'
                                 % (', '.join(both), option), option='fail_statuses')
    if params.get('wait_accept_initializing') and 'Initializing' in fail_statuses:
        raise DtsConfigError('wait_accept_initializing counts Initializing as reached, so it cannot also be in '
                             'fail_statuses.', option='wait_accept_initializing')
    timeout = at_least('wait_timeout', 0)
    at_least('wait_sleep', 1, unit='second')
    max_delay = at_least('wait_max_delay', 0)
    stable_for = at_least('wait_stable_for', 0) or 0
    if timeout is not None and stable_for > timeout:
        raise DtsConfigError('wait_stable_for (%d s) cannot be longer than wait_timeout (%d s): the wait could never '
                             'pass. Raise wait_timeout.' % (stable_for, timeout), option='wait_stable_for')
    checkpoint_after = parse_moment(params.get('wait_checkpoint_after'))
    if not params.get('wait'):
        given = [option for option, value in (('wait_max_delay', max_delay), ('wait_stable_for', stable_for),
                                              ('wait_checkpoint_after', checkpoint_after)) if value]
        if given:
            raise DtsConfigError('%s only %s with wait=true; set wait: true or remove %s.'
                                 % (', '.join(given), 'applies' if len(given) == 1 else 'apply',
                                    'it' if len(given) == 1 else 'them'), option=given[0])
        return None
    return Gate(statuses=statuses, fail_statuses=fail_statuses, directions=params.get('wait_directions') or
                DEFAULT_WAIT_DIRECTIONS, reverse_statuses=reverse, max_delay=max_delay, stable_for=stable_for,
                checkpoint_after=checkpoint_after, accept_initializing=bool(params.get('wait_accept_initializing')))
