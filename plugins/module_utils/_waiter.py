# -*- coding: utf-8 -*-
# Copyright: Contributors to the alibabacloud.dts collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Gating on DTS jobs, as data: what counts as there, what counts as failed, everything else polls.

The waiter knows nothing about where states come from.  It calls ``poll()``, which returns
``(jobs, missing_ids)``; each job is a status entry (``_job_model.status_entry``), exactly what a
module returns: ``{'synchronization_job_id', 'directions': [direction, ...], ...}``, each direction
``{'synchronization_direction', 'status', 'delay', 'checkpoint', 'error_message'}`` (delay in
seconds or None when DTS says replication has not started or it was not read, checkpoint in Unix
seconds) and, with a validation gate, ``data_checks``.  Other keys pass through untouched.

A gate (``_gate.Gate``) holds on a poll when every watched direction of every job is there.  With
``stable_for`` it must hold on consecutive polls spanning that many seconds; one poll that does not
hold (a delay spike, a status change, a poll that failed) starts the window again.

The clock is monotonic and injected, like ``sleep``, so every rule is testable without waiting.
The deadline is real: the last poll happens at the deadline, not one interval past it.

A wait can also run in slices (``slice_length``), one task each, so that a caller such as the
dts_sync_wait role reports progress while it waits: a slice returns after the first poll, after
any poll that changes what the wait waits for, and before the next poll would come later than
``slice_length`` seconds after the previous slice returned (a slice with no poll due returns then,
its progress the last poll's lines).  It hands on what the next slice needs (``_Run.carry``, times
as epoch seconds) and the next one resumes from it (``carried``), so that the polls, the
stability window, how long each status held, the deadline and the progress lines continue exactly
as in one task.  ``_wait_state`` checks a carried state before it is trusted.
"""

import time
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple

from ansible_collections.alibabacloud.dts.plugins.module_utils._errors import DtsApiError, DtsError

# Some names are imported to be the waiter's too: the modules and tests import them from here.
# pylint: disable=unused-import
from ansible_collections.alibabacloud.dts.plugins.module_utils._gate import (  # noqa: F401 (the waiter's names)
    DEFAULT_FAIL_STATUSES,
    DIRECTION,
    JOB_ID,
    Gate,
    describe_state,
    seconds,
)
from ansible_collections.alibabacloud.dts.plugins.module_utils._retries import is_transient
from ansible_collections.alibabacloud.dts.plugins.module_utils._wait_options import (  # noqa: F401 (the modules')
    gate_from_params,
    parse_moment,
    wait_argument_spec,
)
from ansible_collections.alibabacloud.dts.plugins.module_utils._wait_run import (  # noqa: F401 (the waiter's names)
    MAX_PROGRESS_LINES,
    PollCutShort,
    _ids,
    _Run,
)

# pylint: enable=unused-import


class WaitFailed(DtsError):
    """The wait ended without every job at its target; ``details`` says why, per job."""

    def __init__(self, reason: str, message: str, details: Dict[str, Any]) -> None:
        super(WaitFailed, self).__init__(message)
        # 'failed_status', 'data_inconsistent', 'data_check_failed', 'data_check_not_configured',
        # 'missing_jobs', 'delay_exceeded' (check mode) or 'timeout'
        self.reason = reason
        self.message = message
        self.details = details  # dict returned to the user alongside the failure


def _observe(run: _Run, now: float) -> List[Dict[str, Any]]:
    """The watched directions of the poll's jobs, judged."""
    states = []
    for job in run.jobs:
        watched = [item for item in job.get('directions') or [] if item.get(DIRECTION) in run.gate.directions]
        if not watched:
            # A job that reports no watched direction is not there, whatever else it says.
            states.append(
                {
                    'job_id': job[JOB_ID],
                    'direction': ', '.join(run.gate.directions),
                    'status': None,
                    'status_for': 0,
                    'verdict': 'pending',
                    'waiting_for': 'status',
                    'delay': None,
                    'checkpoint': None,
                }
            )
        states.extend(run.tracker.observe(job, item, now) for item in watched)
    return states


def _fail_fast(run: _Run, states: List[Dict[str, Any]], missing: List[str], now: float, scope: str) -> None:
    """End the wait on unknown ids and on anything waiting cannot change."""
    if missing:
        raise WaitFailed(
            'missing_jobs',
            'DTS does not know these synchronization job ids%s: %s' % (scope and ' ' + scope, ', '.join(missing)),
            run.result(now, missing_job_ids=list(missing)),
        )
    failed = [state for state in states if state['verdict'] == 'failed']
    if not failed:
        return
    reasons = [state['waiting_for'] for state in failed]
    reason = 'failed_status' if 'failed_status' in reasons else reasons[0]
    title = (
        'DTS synchronization jobs in a failure status'
        if reason == 'failed_status'
        else 'DTS data validation does not let the gate pass'
    )
    message = '%s: %s' % (title, '; '.join(describe_state(state, run.gate, with_error=True) for state in failed))
    raise WaitFailed(reason, message, run.result(now, failed=failed, failed_job_ids=_ids(failed)))


def _check_mode(run: _Run, states: List[Dict[str, Any]], now: float) -> Dict[str, Any]:
    """The one poll of check mode: besides failures, a delay already above the gate fails."""
    pending = [state for state in states if state['verdict'] != 'there']
    limit = run.gate.max_delay
    exceeded = [
        state for state in states if limit is not None and state.get('delay') is not None and state['delay'] > limit
    ]
    if exceeded:
        raise WaitFailed(
            'delay_exceeded',
            'Replication delay above %s: %s'
            % (seconds(limit or 0), '; '.join(describe_state(state, run.gate) for state in exceeded)),
            run.result(now, pending=pending, pending_job_ids=_ids(pending)),
        )
    return run.result(now, pending=pending, pending_job_ids=_ids(pending), passed=not pending)


def _judge_poll(run: _Run, states: List[Dict[str, Any]], now: float) -> Optional[Dict[str, Any]]:
    """The outcome when the gate has held long enough, else None after noting the progress."""
    pending = [state for state in states if state['verdict'] != 'there']
    run.changed = run.waits_on(
        tuple((state['job_id'], state['direction'], state['status'], state['waiting_for']) for state in pending)
    )
    left = seconds(max(0.0, run.deadline - now))
    if not pending:
        held = run.hold(now)
        if held >= run.gate.stable_for:
            return run.result(now, pending=[], pending_job_ids=[], passed=True)
        run.note(
            now, 'every job there, held for %s of %s, %s left' % (seconds(held), seconds(run.gate.stable_for), left)
        )
        return None
    run.break_window(now)
    for state in pending:
        run.note(now, '%s, %s left' % (describe_state(state, run.gate), left))
    return None


def _timed_out(run: _Run, now: float) -> WaitFailed:
    pending = run.tracker.pending()
    if pending:
        what = '; '.join(describe_state(state, run.gate) for state in pending)
    elif run.window_start is not None:
        what = 'every job there, but only for %s of %s' % (
            seconds(now - run.window_start),
            seconds(run.gate.stable_for),
        )
    else:
        what = 'no poll answered'
    message = 'Timed out after %s waiting for %s; not there yet: %s' % (seconds(run.timeout), run.gate.describe(), what)
    if run.last_error is not None:
        message += '. The last poll failed: %s' % run.last_error.describe()
    return WaitFailed('timeout', message, run.result(now, pending=pending, pending_job_ids=_ids(pending)))


def _poll(run: _Run, poll: Callable[[], Tuple[List[Dict[str, Any]], List[str]]]) -> Tuple[float, Optional[List[str]]]:
    """One poll: ``(now, missing ids)``, or ``(now, None)`` for a poll that failed transiently or was
    cut short at the deadline (it counts as not there, never as success)."""
    run.polls += 1
    run.poll_lines = 0
    try:
        run.jobs, missing = poll()
    except (DtsApiError, PollCutShort) as error:
        if isinstance(error, DtsApiError) and not is_transient(error):
            raise
        run.last_error = error
        now = run.clock()
        run.window_start = run.window_wall = None
        run.changed = run.waits_on((('the poll failed',),))
        run.note(now, 'the poll failed and counts as not there: %s' % error.describe())
        return now, None
    run.last_error = None
    return run.clock(), list(missing)


def _slice_end(run: _Run, begun: float, slice_length: float) -> float:
    """When this slice returns at the latest, measured from when the previous slice returned, so that two
    reports are never further apart (but a slice lasts a second at least, however long the caller took to
    start it)."""
    return max((begun if run.reported is None else run.reported) + slice_length, begun + 1)


def _pause(run: _Run, now: float, interval: float) -> float:
    """How long to sleep before the next poll: an interval, less when the deadline or a full window comes first."""
    pause = run.deadline - now
    if run.window_start is not None:
        # Poll again when the window can be complete, if that comes before the next interval.
        pause = min(pause, max(run.gate.stable_for - (now - run.window_start), 0))
    return min(interval, pause)


def wait_for(
    poll: Callable[[], Tuple[List[Dict[str, Any]], List[str]]],
    gate: Gate,
    timeout: float = 1800,
    interval: float = 15,
    once: bool = False,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], Any] = time.sleep,
    wall: Callable[[], float] = time.time,
    scope: str = '',
    carried: Optional[Mapping[str, Any]] = None,
    slice_length: Optional[float] = None,
) -> Dict[str, Any]:
    """Poll until ``gate`` holds for every job (and has held for ``gate.stable_for`` seconds).

    Returns a dict: ``jobs`` (the last poll's jobs), ``states`` (one per watched direction, as last
    seen), ``polls``, ``elapsed``, ``progress`` (lines a person can follow), ``stable_since``.
    Raises WaitFailed at the first poll that shows a job in a fail status, a named validation
    inconsistent, failed or not configured, or an unknown id, and when ``timeout`` seconds have
    passed.  A poll that fails transiently even after the client's retries (throttling, 5xx), or
    that the deadline cut short, counts as "not there yet", never as success; a permanent API
    error ends the wait.

    ``once`` (check mode) polls once and does not wait; besides those failures it fails on a delay
    gate that is already violated (a delay reported above ``max_delay``).

    ``slice_length`` runs one slice of the wait (see the module's docstring): a slice that ends
    with the wait still going returns ``waiting: True`` and ``carried``, which the next slice takes
    as ``carried`` (already checked: ``_wait_state.open_state``); every result of a slice has
    ``slice_progress``, the lines to show for it.
    """
    run = _Run(gate, clock, wall, timeout, None if once else carried, slicing=slice_length is not None)
    slice_end = None if slice_length is None or once else _slice_end(run, clock(), slice_length)
    if run.next_poll is not None:
        now = clock()
        if slice_end is not None and run.next_poll > slice_end:
            sleep(max(0.0, slice_end - now))
            return run.slice_ends(clock(), run.next_poll)
        sleep(max(0.0, run.next_poll - now))
    while True:
        now, missing = _poll(run, poll)
        if missing is not None:
            states = _observe(run, now)
            _fail_fast(run, states, missing, now, scope)
            if once:
                return _check_mode(run, states, now)
            outcome = _judge_poll(run, states, now)
            if outcome is not None:
                return outcome
        if now >= run.deadline:
            raise _timed_out(run, now)
        pause = _pause(run, now, interval)
        if slice_end is not None and (run.changed or now + pause > slice_end):
            return run.slice_ends(now, now + pause)
        sleep(pause)
