# -*- coding: utf-8 -*-
# Copyright: Contributors to the alibabacloud.dts collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a wait waits for (``Gate``), how it judges one direction of a job, and how it says so.

A direction is there when it is in its target status and, when the gate asks, its delay is at
most ``max_delay``, its checkpoint at or past ``checkpoint_after`` and each named data validation
(``data_checks``) has passed.  It has failed when its status is a fail status, or a named validation
is inconsistent, failed or not configured: no amount of waiting changes those.  Everything else is
pending.  Every text made here from what DTS said is bounded (``bounded``): it ends up in messages.
"""

import re
from datetime import datetime, timedelta, timezone
from typing import Any, Iterable, List, Mapping, Optional, Set, Tuple

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
# The validations a gate can ask for (``_api_checks.CHECK_TYPES``), and the data check states
# that end a wait at once, with the reason a failed wait gives.
DATA_CHECK_KINDS = ('full', 'incremental')
DATA_CHECK_FAILURES = {
    'inconsistent': 'data_inconsistent',
    'failed': 'data_check_failed',
    'not_configured': 'data_check_not_configured',
}
# Bounds on what a message repeats of DTS's own text: per text, and items or tables per job.
MAX_TEXT = 300
MAX_LISTED = 10
_CONTROL = re.compile(r'[\x00-\x1f\x7f]+')


def bounded(text: Any, limit: int = MAX_TEXT) -> str:
    """Untrusted text for a message: one line, at most ``limit`` characters."""
    text = _CONTROL.sub(' ', str(text)).strip()
    return text if len(text) <= limit else text[: limit - 3].rstrip() + '...'


def seconds(value: float) -> str:
    """A duration for messages: whole seconds when whole, else one decimal."""
    value = round(value, 1)
    return '%d s' % value if value == int(value) else '%.1f s' % value


def iso_time(epoch: Optional[float]) -> Optional[str]:
    if epoch is None:
        return None
    moment = datetime(1970, 1, 1, tzinfo=timezone.utc) + timedelta(seconds=round(epoch, 3))
    return moment.strftime('%Y-%m-%dT%H:%M:%S') + (
        '.%03dZ' % (moment.microsecond // 1000) if moment.microsecond else 'Z'
    )


def checkpoint_of(value: Any) -> Optional[float]:
    """A checkpoint in Unix seconds, or None for none yet (DTS says 0 or nothing)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        return None
    return value


class Gate:
    """What a wait waits for.  Statuses are in their documented spelling (validated by the caller)."""

    def __init__(
        self,
        statuses: Iterable[str] = DEFAULT_WAIT_STATUSES,
        fail_statuses: Iterable[str] = DEFAULT_FAIL_STATUSES,
        directions: Iterable[str] = DEFAULT_WAIT_DIRECTIONS,
        reverse_statuses: Optional[Iterable[str]] = None,
        max_delay: Optional[float] = None,
        stable_for: Optional[float] = 0,
        checkpoint_after: Optional[float] = None,
        accept_initializing: bool = False,
        data_checks: Iterable[str] = (),
    ) -> None:
        self.statuses = tuple(statuses)
        self.reverse_statuses = tuple(reverse_statuses) if reverse_statuses else self.statuses
        self.fail_statuses = frozenset(fail_statuses)
        self.directions = tuple(directions)
        self.max_delay = max_delay
        self.stable_for = stable_for or 0
        self.checkpoint_after = checkpoint_after
        self.accept_initializing = accept_initializing
        self.data_checks = tuple(kind for kind in DATA_CHECK_KINDS if kind in tuple(data_checks))

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
        text = ' and '.join(
            '%s %s' % (direction, ' or '.join(sorted(self.targets(direction)))) for direction in self.directions
        )
        if self.max_delay is not None:
            text += ', replication delay at most %s' % seconds(self.max_delay)
        if self.checkpoint_after is not None:
            text += ', checkpoint at or past %s' % iso_time(self.checkpoint_after)
        if self.data_checks:
            text += ', %s data validation passed' % ' and '.join(self.data_checks)
        if self.stable_for:
            text += ', held for %s' % seconds(self.stable_for)
        return text

    def checks_of(self, observation: Mapping[str, Any]) -> List[Mapping[str, Any]]:
        """The direction's data check entries of the kinds the gate names (none for a direction that
        runs no validation of its own, such as the reverse of most two-way jobs)."""
        return [check for check in observation.get('data_checks') or [] if check.get('check_type') in self.data_checks]

    def judge(self, observation: Mapping[str, Any]) -> Tuple[str, Any]:
        """``(verdict, why)`` for one direction: 'failed' (why: the reason), 'pending' (why: what is
        missing) or 'there'."""
        status = observation.get('status')
        if status in self.fail_statuses:
            return 'failed', 'failed_status'
        checks = self.checks_of(observation)
        for check in checks:
            if check.get('state') in DATA_CHECK_FAILURES:
                return 'failed', DATA_CHECK_FAILURES[check['state']]
        if status not in self.targets(observation[DIRECTION]):
            return 'pending', 'status'
        if self.max_delay is not None:
            delay = observation.get('delay')
            if delay is None:
                return 'pending', 'delay not started'
            if delay > self.max_delay:
                return 'pending', 'delay'
        if self.checkpoint_after is not None:
            checkpoint = checkpoint_of(observation.get('checkpoint'))
            if checkpoint is None or checkpoint < self.checkpoint_after:
                return 'pending', 'checkpoint'
        if any(check.get('state') != 'passed' for check in checks):
            return 'pending', 'data check'
        return 'there', None


# -- the words of a message --------------------------------------------------------------------------


def _count(value: Any) -> str:
    return '{:,}'.format(value) if isinstance(value, int) else '?'


def _table_name(table: Mapping[str, Any]) -> str:
    source = '%s.%s' % (table.get('source_schema'), table.get('source_table'))
    target = '%s.%s' % (table.get('target_schema'), table.get('target_table'))
    name = source if source == target else '%s -> %s' % (source, target)
    return bounded('%s (%s rows)' % (name, _count(table.get('diff_count'))), 160)


def describe_check(check: Mapping[str, Any]) -> str:
    """One data check in words: its state, counts and (when inconsistent) the tables named."""
    kind = '%s data validation' % check.get('check_type')
    state = check.get('state')
    if state == 'inconsistent':
        tables = check.get('tables') or []
        text = '%s found %s inconsistent rows' % (kind, _count(check.get('diff_count')))
        if tables:
            text += ' in %s' % ', '.join(_table_name(table) for table in tables[:MAX_LISTED])
            if len(tables) > MAX_LISTED:
                text += ' and %d more tables' % (len(tables) - MAX_LISTED)
        elif check.get('tables_error'):
            text += ' (the tables could not be read: %s)' % bounded(check['tables_error'])
        return text
    if state == 'not_configured':
        return (
            '%s is not configured on this task, so the gate cannot tell whether the data is the same on both '
            "sides; enable it on the task (DTS console: the task's data verification settings, or "
            'ConfigureDtsJob with DataCheckConfigure), or leave %s out of wait_data_check '
            '(the role: dts_sync_wait_data_check)' % (kind, check.get('check_type'))
        )
    if state == 'failed':
        return '%s failed: %s' % (kind, bounded(check.get('error_message') or 'DTS gives no error message'))
    progress = '%s %s' % (kind, check.get('status') or 'not started')
    if isinstance(check.get('percent'), int):
        progress += ' %d%%' % check['percent']
    if isinstance(check.get('total_count'), int):
        progress += ' (%s of %s rows)' % (_count(check.get('finish_count')), _count(check['total_count']))
    return progress


def describe_failed_items(items: Iterable[Mapping[str, Any]]) -> str:
    """Failed precheck (or stage) items: the item, what it checked, DTS's error and its repair method."""
    items = list(items)
    parts = []
    for item in items[:MAX_LISTED]:
        text = bounded(item.get('item') or 'item', 80)
        if item.get('names'):
            text += ' on %s' % bounded(item['names'], 120)
        text += ': %s' % bounded(item.get('error') or 'DTS gives no error')
        if item.get('repair_method'):
            text += '; repair: %s' % bounded(item['repair_method'])
        if item.get('can_skip'):
            text += ' (can be skipped)'
        parts.append(text)
    if len(items) > MAX_LISTED:
        parts.append('and %d more' % (len(items) - MAX_LISTED))
    return '; '.join(parts)


def describe_state(state: Mapping[str, Any], gate: Gate, with_error: bool = False) -> str:
    """One direction as last seen, for progress lines and messages."""
    text = '%s (%s %s for %s' % (
        state['job_id'],
        state['direction'],
        state['status'] or 'no status',
        seconds(state['status_for']),
    )
    if gate.max_delay is not None:
        delay = state.get('delay')
        text += ', delay %s' % ('not started' if delay is None else seconds(delay))
    if gate.checkpoint_after is not None:
        lag = state.get('checkpoint_lag')
        text += ', checkpoint %s' % (
            'unknown' if lag is None else ('%s behind' % seconds(lag) if lag else 'past the moment')
        )
    checks = [check for check in state.get('data_checks') or [] if check.get('state') != 'passed']
    if checks and state.get('verdict') != 'failed':
        text += ', %s' % ', '.join(describe_check(check) for check in checks)
    text += ')'
    if with_error:
        text += ': %s' % explain_failure(state)
    return text


def explain_failure(state: Mapping[str, Any]) -> str:
    """Why a failed direction failed: its error, the checks that failed, the failed items."""
    if state.get('waiting_for') != 'failed_status':
        return '; '.join(
            describe_check(check)
            for check in state.get('data_checks') or []
            if check.get('state') in DATA_CHECK_FAILURES
        )
    text = bounded(state.get('error_message') or 'DTS gives no error message')
    details = state.get('failure_details') or {}
    if details.get('failed_items'):
        text += '. Failed %s items: %s' % (
            details.get('stage') or 'precheck',
            describe_failed_items(details['failed_items']),
        )
    if details.get('error'):
        text += '. %s' % bounded(details['error'])
    return text
