# -*- coding: utf-8 -*-
# Copyright: Contributors to the alibabacloud.dts collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One wait's state, apart from the steps that poll and judge (``_waiter``).

``_Tracker`` remembers what each watched direction looked like at the last poll and since when its
status has held; ``_Run`` holds the rest of one wait: the clock and deadline, the polls, the
progress lines (the first poll's and the latest, ``MAX_PROGRESS_LINES`` in all), the stability
window, and for a wait in slices what the next slice resumes from (``_Run.carry``, ``carried``).
"""

from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from ansible_collections.alibabacloud.dts.plugins.module_utils._errors import DtsApiError, DtsError
from ansible_collections.alibabacloud.dts.plugins.module_utils._gate import (
    DIRECTION,
    JOB_ID,
    Gate,
    checkpoint_of,
    iso_time,
    seconds,
)

# Progress lines kept in a result: the first poll's and the most recent ones.
MAX_PROGRESS_LINES = 300


class PollCutShort(DtsError):
    """A poll stopped at the wait's deadline before it had read everything: it counts as not there."""

    def describe(self) -> str:
        return str(self)


class _CarriedError(DtsError):
    """The last poll's failure, as an earlier slice of the wait described it."""

    def describe(self) -> str:
        return str(self)


class _Tracker:
    """What each direction looked like at the last poll, and since when its status has held."""

    def __init__(self, gate: Gate) -> None:
        self.gate = gate
        self.since: Dict[Tuple[Any, Any], Tuple[Any, float]] = {}
        self.last: Dict[Tuple[Any, Any], Dict[str, Any]] = {}

    def observe(self, job: Mapping[str, Any], item: Mapping[str, Any], now: float) -> Dict[str, Any]:
        key = (job[JOB_ID], item[DIRECTION])
        status = item.get('status')
        previous = self.since.get(key)
        if previous is None or previous[0] != status:
            self.since[key] = (status, now)
        verdict, why = self.gate.judge(item)
        checkpoint = checkpoint_of(item.get('checkpoint'))
        state = {
            'job_id': job[JOB_ID],
            'direction': item[DIRECTION],
            'status': status,
            'status_for': round(now - self.since[key][1], 3),
            'delay': item.get('delay'),
            'checkpoint': checkpoint,
            'error_message': item.get('error_message'),
            'verdict': verdict,
            'waiting_for': why,
        }
        if self.gate.checkpoint_after is not None:
            # Seconds the checkpoint is behind the moment writes stopped (0 once past it).
            state['checkpoint_lag'] = (
                None if checkpoint is None else max(0, int(round(self.gate.checkpoint_after - checkpoint)))
            )
        if self.gate.data_checks:
            state['data_checks'] = self.gate.checks_of(item)
        if verdict == 'failed' and job.get('failure_details'):
            state['failure_details'] = job['failure_details']
        self.last[key] = state
        return state

    def pending(self) -> List[Dict[str, Any]]:
        return [self.last[key] for key in sorted(self.last) if self.last[key]['verdict'] != 'there']

    def states(self) -> List[Dict[str, Any]]:
        return [self.last[key] for key in sorted(self.last)]


class _Run:
    """One wait's bookkeeping: the clock, the polls, the progress lines and the stability window."""

    def __init__(
        self,
        gate: Gate,
        clock: Callable[[], float],
        wall: Callable[[], float],
        timeout: float,
        carried: Optional[Mapping[str, Any]] = None,
        slicing: bool = False,
    ) -> None:
        self.gate = gate
        self.clock = clock
        self.started = clock()
        self.started_wall = wall()
        # Epoch seconds = this process's monotonic seconds + offset: how a carried time is read and written.
        self.offset = self.started_wall - self.started
        self.deadline = self.started + timeout
        self.timeout = timeout
        self.tracker = _Tracker(gate)
        self.progress: List[str] = []
        self.dropped = 0
        self.polls = 0
        self.last_error: Optional[Union[DtsApiError, PollCutShort, _CarriedError]] = None
        self.jobs: List[Dict[str, Any]] = []
        self.window_start: Optional[float] = None
        self.window_wall: Optional[float] = None
        # Slices: whether this run is one, when its next poll is due, what the last poll waited for,
        # how many lines this slice and the last poll noted, when the previous slice returned.
        self.slicing = slicing
        self.next_poll: Optional[float] = None
        self.waiting_on: Optional[Tuple[Any, ...]] = None
        self.slice_lines = 0
        self.poll_lines = 0
        self.reported: Optional[float] = None
        self.changed = False
        if carried is not None:
            self._resume(carried)

    def _resume(self, carried: Mapping[str, Any]) -> None:
        """Continue the wait an earlier slice carried (checked by ``_wait_state.open_state``)."""
        offset = self.offset
        self.started_wall = carried['started']
        self.started = self.started_wall - offset
        self.deadline = self.started + self.timeout
        for job_id, direction, status, since in carried['since']:
            self.tracker.since[(job_id, direction)] = (status, since - offset)
        for state in carried['seen']:
            self.tracker.last[(state['job_id'], state['direction'])] = dict(state)
        self.progress = list(carried['progress'])
        self.dropped = carried['dropped']
        self.polls = carried['polls']
        self.poll_lines = carried['poll_lines']
        self.last_error = _CarriedError(carried['last_error']) if carried['last_error'] else None
        self.jobs = [dict(job) for job in carried['jobs']]
        if carried['window'] is not None:
            self.window_wall = carried['window']
            self.window_start = self.window_wall - offset
        self.next_poll = carried['next_poll'] - offset
        self.reported = carried['reported_at'] - offset
        self.waiting_on = tuple(tuple(key) for key in carried['waiting_on'])

    def carry(self, now: float) -> Dict[str, Any]:
        """What the next slice needs to continue this wait exactly, times as epoch seconds."""
        next_poll = now if self.next_poll is None else self.next_poll
        return {
            'started': self.started_wall,
            'deadline': self.started_wall + self.timeout,
            'reported_at': now + self.offset,
            'next_poll': next_poll + self.offset,
            'polls': self.polls,
            'progress': list(self.progress),
            'dropped': self.dropped,
            'poll_lines': self.poll_lines,
            'last_error': self.last_error.describe() if self.last_error is not None else None,
            'window': self.window_wall if self.window_start is not None else None,
            'waiting_on': [list(key) for key in self.waiting_on or ()],
            'since': [
                [key[0], key[1], status, since + self.offset]
                for key, (status, since) in sorted(self.tracker.since.items())
            ],
            'seen': self.tracker.states(),
            'jobs': self.jobs,
        }

    def note(self, now: float, line: str) -> None:
        self.progress.append('poll %d, %s: %s' % (self.polls, seconds(now - self.started), line))
        self.slice_lines += 1
        self.poll_lines += 1
        if len(self.progress) > MAX_PROGRESS_LINES:
            # Keep the first poll's lines (where it began) and the latest ones (where it is).
            del self.progress[1]
            self.dropped += 1

    def waits_on(self, key: Tuple[Any, ...]) -> bool:
        """Record what this poll waits for; whether that differs from the poll before."""
        changed = key != self.waiting_on
        self.waiting_on = key
        return changed

    def _latest(self, count: int) -> List[str]:
        count = min(count, len(self.progress))
        return self.progress[len(self.progress) - count :]

    def result(self, now: float, **extra: Any) -> Dict[str, Any]:
        lines = list(self.progress)
        if self.dropped:
            lines.insert(1, '... %d earlier progress lines left out' % self.dropped)
        outcome = {
            'jobs': self.jobs,
            'states': self.tracker.states(),
            'polls': self.polls,
            'elapsed': round(now - self.started, 3),
            'progress': lines,
            'stable_since': iso_time(self.window_wall) if self.window_start is not None else None,
        }
        if self.slicing:
            # This slice's lines; a slice that had no poll due repeats the last poll's.
            outcome['slice_progress'] = self._latest(self.slice_lines or self.poll_lines)
        outcome.update(extra)
        return outcome

    def slice_ends(self, now: float, next_poll: float) -> Dict[str, Any]:
        """The slice ends with the wait still going: the result, and the state the next slice resumes."""
        self.next_poll = next_poll
        pending = self.tracker.pending()
        return self.result(now, pending=pending, pending_job_ids=_ids(pending), waiting=True, carried=self.carry(now))

    def hold(self, now: float) -> float:
        """Every job is there on this poll: how long the window has held."""
        if self.window_start is None:
            self.window_start, self.window_wall = now, self.started_wall + (now - self.started)
        return now - self.window_start

    def break_window(self, now: float) -> None:
        if self.window_start is not None:
            self.note(now, 'the window that began at %s is broken; it starts again' % iso_time(self.window_wall))
        self.window_start = self.window_wall = None


def _ids(states: Sequence[Mapping[str, Any]]) -> List[Any]:
    return list(dict.fromkeys(state['job_id'] for state in states))
