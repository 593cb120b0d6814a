# -*- coding: utf-8 -*-
# Copyright: Contributors to the alibabacloud.dts collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The state a wait run in slices hands from one task to the next, and the checks before it is trusted.

A slice of a wait (``_waiter.wait_for`` with ``slice_length``) ends with what the next slice needs
to go on exactly as one task would have: when the wait started and its deadline, when the next
poll is due, how many polls and requests it made, since when each direction has held its status,
when the stability window began, what the last poll saw and the progress lines so far.  The
module returns it as ``wait_state`` and takes it back as the ``wait_state`` option.

The state is opaque: ``{version, gate, data, digest}``, ``data`` the content as compressed JSON in
base64.  It travels through every job event of a slice twice (the task's arguments and its result)
and a loop's last event gathers every slice's, so it is kept small: the progress lines, which
repeat most of their words, compress about fivefold (see docs/benchmarks.md).

It comes back through a playbook, so it is input like any other and is checked before any request
(``open_state``): of this version, made for this very wait (``gate``: a digest of the job ids and
every option that decides the gate), unchanged since it was made (``digest``: SHA-256 of the rest;
it catches a state edited by hand or cut, not a forger, who could as well change the options), at
most ``MAX_STATE_BYTES`` once decompressed (read no further), a JSON object whose every field is of
the type and within the bounds it can have: times between the start of the wait and now, the
deadline the start and ``wait_timeout`` make, job ids and directions the options name.  Anything
else is a ``DtsConfigError`` naming the option.
"""

import base64
import binascii
import hashlib
import json
import math
import zlib
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from ansible_collections.alibabacloud.dts.plugins.module_utils._errors import DtsConfigError
from ansible_collections.alibabacloud.dts.plugins.module_utils._gate import Gate
from ansible_collections.alibabacloud.dts.plugins.module_utils._wait_run import MAX_PROGRESS_LINES

STATE_VERSION = 1
# A state holds the last poll's entries of at most MAX_JOB_IDS jobs and 300 progress lines.
MAX_STATE_BYTES = 4 * 1024 * 1024
MAX_LINE_CHARACTERS = 20000
# How far ahead of this machine's clock a state's times may be: the clock stepped back between
# two slices, or the slices ran on machines whose clocks differ a little.
CLOCK_TOLERANCE = 120.0
# A time carried through two processes' clocks may come back a rounding error later than it went.
_ROUNDING = 0.001
_VERDICTS = ('there', 'pending', 'failed')
_OPTION = 'wait_state'
# The options that decide what a wait waits for: a state made under others belongs to another wait.
_GATE_OPTIONS = ('api', 'wait_timeout')


class Slicing:
    """How this task runs the wait: a slice of at most ``length`` seconds (None: to the end),
    continuing ``carried`` (None: a new wait); ``seal`` makes what a slice carries a ``wait_state``."""

    def __init__(self, length: Optional[int], carried: Optional[Dict[str, Any]], gate_digest: str) -> None:
        self.length = length
        self.carried = carried
        self.gate_digest = gate_digest

    @property
    def requests_before(self) -> int:
        return self.carried['requests'] if self.carried else 0

    def seal(self, carried: Mapping[str, Any], requests: int) -> Dict[str, Any]:
        return seal(dict(carried, requests=requests), self.gate_digest)


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(',', ':'), allow_nan=False, ensure_ascii=True)


def _digest(state: Mapping[str, Any]) -> str:
    return hashlib.sha256(
        _canonical(dict((key, value) for key, value in state.items() if key != 'digest')).encode('ascii')
    ).hexdigest()


def seal(content: Mapping[str, Any], digest_of_gate: str) -> Dict[str, Any]:
    """``content`` (what ``_Run.carry`` gives, with ``requests``) as an opaque ``wait_state``."""
    data = base64.b64encode(zlib.compress(_canonical(content).encode('ascii'), 9)).decode('ascii')
    state = {'version': STATE_VERSION, 'gate': digest_of_gate, 'data': data}
    state['digest'] = _digest(state)
    return state


def _content(state: Mapping[str, Any]) -> Any:
    """The JSON ``data`` holds, decompressed no further than ``MAX_STATE_BYTES``."""
    data = state.get('data')
    if not isinstance(data, str) or len(data) > MAX_STATE_BYTES:
        raise _refuse('its data is not what a slice returns')
    try:
        inflater = zlib.decompressobj()
        text = inflater.decompress(base64.b64decode(data.encode('ascii'), validate=True), MAX_STATE_BYTES)
        if inflater.unconsumed_tail:
            raise _refuse('it is larger than %d bytes' % MAX_STATE_BYTES)
        if not inflater.eof:
            raise _refuse('its data is cut short')
        return json.loads(text.decode('ascii'))
    except (binascii.Error, UnicodeError, ValueError, zlib.error):
        raise _refuse('its data is not what a slice returns') from None


def gate_digest(job_ids: Sequence[str], gate: Gate, params: Mapping[str, Any]) -> str:
    """What makes a wait this wait: its jobs, its gate and its timeout, as a digest."""
    described = {
        'job_ids': list(job_ids),
        'gate': gate.describe(),
        'directions': list(gate.directions),
        'fail_statuses': sorted(gate.fail_statuses),
        'checkpoint_after': gate.checkpoint_after,
        'data_checks': list(gate.data_checks),
    }
    described.update((option, params.get(option)) for option in _GATE_OPTIONS)
    return hashlib.sha256(_canonical(described).encode('ascii')).hexdigest()


def slicing_from_params(
    params: Mapping[str, Any], job_ids: Sequence[str], gate: Optional[Gate], now: float
) -> Optional[Slicing]:
    """The ``wait_slice`` and ``wait_state`` options, checked before any request; None when neither is set.

    ``now`` is the wall clock (epoch seconds)."""
    length, state = params.get('wait_slice'), params.get('wait_state')
    if length is None and state is None:
        return None
    if gate is None:
        given = [option for option, value in (('wait_slice', length), ('wait_state', state)) if value is not None]
        raise DtsConfigError(
            '%s only %s with wait=true; set wait: true or remove %s.'
            % (', '.join(given), 'applies' if len(given) == 1 else 'apply', 'it' if len(given) == 1 else 'them'),
            option=given[0],
        )
    if length is not None and length < 1:
        raise DtsConfigError('wait_slice must be 1 or more seconds, got %d.' % length, option='wait_slice')
    digest = gate_digest(job_ids, gate, params)
    carried = None if state is None else open_state(state, digest, job_ids, gate, params['wait_timeout'], now)
    return Slicing(length, carried, digest)


def _refuse(why: str) -> DtsConfigError:
    return DtsConfigError(
        'wait_state is not the state a slice of this wait returned (%s). Pass the previous '
        "task's wait_state unchanged, with the same job_ids and wait options, or leave "
        'wait_state out to start a new wait.' % why,
        option=_OPTION,
    )


def _number(state: Mapping[str, Any], key: str, low: float, high: float, nullable: bool = False) -> Any:
    value = state.get(key)
    if value is None and nullable:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise _refuse('%s is not a number' % key)
    if not low <= value <= high:
        raise _refuse('%s is out of range' % key)
    return value


def _count(value: Any, key: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _refuse('%s is not a count' % key)
    return value


def _text(value: Any, key: str, nullable: bool = True, limit: int = MAX_LINE_CHARACTERS) -> Optional[str]:
    if value is None and nullable:
        return None
    if not isinstance(value, str) or len(value) > limit:
        raise _refuse('%s is not a text' % key)
    return value


def _list(state: Mapping[str, Any], key: str, limit: int) -> List[Any]:
    value = state.get(key)
    if not isinstance(value, list) or len(value) > limit:
        raise _refuse('%s is not a list of at most %d entries' % (key, limit))
    return value


def _check_seen(seen: Any, job_ids: Sequence[str], directions: Sequence[str], started: float, now: float) -> None:
    """A direction as the last poll judged it (``_wait_run._Tracker.observe``)."""
    if not isinstance(seen, dict) or seen.get('job_id') not in job_ids or seen.get('direction') not in directions:
        raise _refuse('seen names a job or direction the options do not')
    if seen.get('verdict') not in _VERDICTS:
        raise _refuse('seen has no verdict')
    _text(seen.get('status'), 'seen.status', limit=64)
    _text(seen.get('waiting_for'), 'seen.waiting_for', limit=64)
    _text(seen.get('error_message'), 'seen.error_message')
    _number(seen, 'status_for', 0, max(0.0, now - started) + CLOCK_TOLERANCE)
    for key in ('delay', 'checkpoint', 'checkpoint_lag'):
        value = seen.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise _refuse('seen.%s is not a whole number' % key)
    for key in ('data_checks',):
        checks = seen.get(key)
        if checks is not None and (
            not isinstance(checks, list) or not all(isinstance(check, dict) for check in checks)
        ):
            raise _refuse('seen.data_checks is not a list of checks')


def _unwrapped(state: Any, digest: str) -> Dict[str, Any]:
    """The data of a state made for this wait (``digest`` of its options), unchanged since it was returned."""
    if not isinstance(state, dict) or sorted(state) != ['data', 'digest', 'gate', 'version']:
        raise _refuse('it is not a dictionary of version, gate, data and digest')
    if state['version'] != STATE_VERSION:
        raise _refuse('it is of another version')
    if state['gate'] != digest:
        raise _refuse('it was made for other job_ids or wait options')
    try:
        unchanged = state['digest'] == _digest(state)
    except (TypeError, ValueError):
        unchanged = False
    if not unchanged:
        raise _refuse('it was changed after the slice returned it')
    data = _content(state)
    if not isinstance(data, dict):
        raise _refuse('its data is not a dictionary')
    return data


def _check_times_and_counts(state: Dict[str, Any], timeout: float, now: float) -> Tuple[float, float]:
    """The state's times and counts in their bounds; (started, reported_at)."""
    started = _number(state, 'started', 1, now + CLOCK_TOLERANCE)
    deadline = _number(state, 'deadline', started, math.inf)
    if deadline != started + timeout:
        raise _refuse('its deadline is not wait_timeout after its start')
    reported = _number(state, 'reported_at', started, now + CLOCK_TOLERANCE)
    _number(state, 'next_poll', started, deadline + _ROUNDING)
    _number(state, 'window', started, reported + _ROUNDING, nullable=True)
    if _count(state.get('polls'), 'polls') < 1:
        raise _refuse('it has no poll')
    for name in ('requests', 'dropped', 'poll_lines'):
        _count(state.get(name), name)
    _text(state.get('last_error'), 'last_error')
    for line in _list(state, 'progress', MAX_PROGRESS_LINES):
        _text(line, 'progress', nullable=False)
    return started, reported


def _check_jobs(
    state: Dict[str, Any], job_ids: Sequence[str], gate: Gate, started: float, reported: float, now: float
) -> None:
    """What the state says of each job names only the options' jobs and directions."""
    directions = list(gate.directions) + [', '.join(gate.directions)]
    for key in _list(state, 'waiting_on', 2 * len(job_ids) + 1):
        if not isinstance(key, list) or len(key) > 4 or not all(isinstance(part, (str, type(None))) for part in key):
            raise _refuse('waiting_on is not what a poll waits for')
    for entry in _list(state, 'since', 2 * len(job_ids)):
        if (
            not isinstance(entry, list)
            or len(entry) != 4
            or entry[0] not in job_ids
            or entry[1] not in directions
            or not isinstance(entry[2], (str, type(None)))
        ):
            raise _refuse('since names a job or direction the options do not')
        _number({'since': entry[3]}, 'since', started - CLOCK_TOLERANCE, reported + _ROUNDING)
    for seen in _list(state, 'seen', 2 * len(job_ids)):
        _check_seen(seen, job_ids, directions, started, now)
    for job in _list(state, 'jobs', len(job_ids)):
        if (
            not isinstance(job, dict)
            or job.get('synchronization_job_id') not in job_ids
            or not isinstance(job.get('directions'), list)
            or not all(isinstance(direction, dict) for direction in job['directions'])
        ):
            raise _refuse("jobs holds an entry that is not a status entry of the options' jobs")


def open_state(
    state: Any, digest: str, job_ids: Sequence[str], gate: Gate, timeout: float, now: float
) -> Dict[str, Any]:
    """``state`` checked for this wait (``digest`` of its options) at ``now`` (epoch seconds): what
    ``_waiter.wait_for`` takes as ``carried``.  Raises DtsConfigError (option ``wait_state``)."""
    data = _unwrapped(state, digest)
    started, reported = _check_times_and_counts(data, timeout, now)
    _check_jobs(data, job_ids, gate, started, reported, now)
    return dict(data)
