# -*- coding: utf-8 -*-
# Copyright: Contributors to the alibabacloud.dts collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The wait options every waiting module shares, checked before any request, and the Gate they describe."""

import re
from datetime import datetime, timezone
from typing import Any, Dict, List, Mapping, Optional

from ansible_collections.alibabacloud.dts.plugins.module_utils._errors import DtsConfigError
from ansible_collections.alibabacloud.dts.plugins.module_utils._gate import (
    DATA_CHECK_KINDS,
    DEFAULT_FAIL_STATUSES,
    DEFAULT_WAIT_DIRECTIONS,
    DEFAULT_WAIT_STATUSES,
    NEVER_TARGET_STATUSES,
    Gate,
)
from ansible_collections.alibabacloud.dts.plugins.module_utils._jobs import validate_statuses

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
            raise DtsConfigError(
                '%s: %r is neither epoch seconds nor an ISO-8601 time such as 2026-01-31T08:00:00Z.' % (option, value),
                option=option,
            ) from error
        moment = (parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)).timestamp()
    else:
        raise DtsConfigError('%s must be epoch seconds or an ISO-8601 time, got %r.' % (option, value), option=option)
    if moment <= 0:
        raise DtsConfigError('%s must be a moment after 1970, got %r.' % (option, value), option=option)
    return moment


def wait_argument_spec() -> Dict[str, Any]:
    """The wait options of every module that can wait on jobs (dts_sync_status_info, dts_job_info)."""
    return dict(
        wait=dict(type='bool', default=False),
        wait_status=dict(type='list', elements='str', default=list(DEFAULT_WAIT_STATUSES)),
        wait_reverse_status=dict(type='list', elements='str'),
        wait_directions=dict(
            type='list', elements='str', choices=['Forward', 'Reverse'], default=list(DEFAULT_WAIT_DIRECTIONS)
        ),
        wait_timeout=dict(type='int', default=1800),
        wait_sleep=dict(type='int', default=15),
        fail_statuses=dict(type='list', elements='str', default=list(DEFAULT_FAIL_STATUSES)),
        wait_max_delay=dict(type='int'),
        wait_stable_for=dict(type='int', default=0),
        wait_checkpoint_after=dict(type='raw'),
        wait_accept_initializing=dict(type='bool', default=False),
        wait_data_check=dict(type='list', elements='str', choices=list(DATA_CHECK_KINDS), default=[]),
    )


def wait_slice_argument_spec() -> Dict[str, Any]:
    """The options of a wait run in slices, one task each (dts_sync_status_info; see ``_wait_state``)."""
    return dict(wait_slice=dict(type='int'), wait_state=dict(type='dict'))


def _targets(params, option):
    statuses = validate_statuses(params.get(option), option=option)
    never = [status for status in statuses if status in NEVER_TARGET_STATUSES]
    if never:
        raise DtsConfigError(
            '%s: %s %s a job passes through and never ends a wait; list the status the job '
            'settles in (such as Synchronizing), or put %s in fail_statuses to stop on it.'
            % (
                option,
                ', '.join(never),
                'is a status' if len(never) == 1 else 'are statuses',
                'it' if len(never) == 1 else 'them',
            ),
            option=option,
        )
    return statuses


def _at_least(params: Mapping[str, Any], option: str, low: int, unit: str = 'seconds') -> Optional[int]:
    value = params.get(option)
    if value is not None and value < low:
        raise DtsConfigError('%s must be %d or more %s, got %d.' % (option, low, unit, value), option=option)
    return value


def _check_fail_statuses(
    params: Mapping[str, Any], statuses: List[str], reverse: Optional[List[str]], fail_statuses: List[str]
) -> None:
    """No status is both a target and a failure (Initializing counts as a target when accepted)."""
    for option, targets in (('wait_status', statuses), ('wait_reverse_status', reverse or [])):
        both = [status for status in targets if status in fail_statuses]
        if both:
            raise DtsConfigError(
                '%s cannot be both in %s and in fail_statuses; remove it from one of them.' % (', '.join(both), option),
                option='fail_statuses',
            )
    if params.get('wait_accept_initializing') and 'Initializing' in fail_statuses:
        raise DtsConfigError(
            'wait_accept_initializing counts Initializing as reached, so it cannot also be in fail_statuses.',
            option='wait_accept_initializing',
        )


def _data_checks(params: Mapping[str, Any]) -> List[str]:
    data_checks = list(params.get('wait_data_check') or [])
    unknown = [kind for kind in data_checks if kind not in DATA_CHECK_KINDS]
    if unknown:
        raise DtsConfigError(
            'wait_data_check lists %s; it takes %s.' % (', '.join(map(str, unknown)), ' and '.join(DATA_CHECK_KINDS)),
            option='wait_data_check',
        )
    return data_checks


def _refuse_without_wait(
    max_delay: Optional[int], stable_for: int, checkpoint_after: Optional[float], data_checks: List[str]
) -> None:
    """The options that shape a gate mean nothing without one: refuse them rather than ignore them."""
    given = [
        option
        for option, value in (
            ('wait_max_delay', max_delay),
            ('wait_stable_for', stable_for),
            ('wait_checkpoint_after', checkpoint_after),
            ('wait_data_check', data_checks),
        )
        if value
    ]
    if given:
        raise DtsConfigError(
            '%s only %s with wait=true; set wait: true or remove %s.'
            % (', '.join(given), 'applies' if len(given) == 1 else 'apply', 'it' if len(given) == 1 else 'them'),
            option=given[0],
        )


def gate_from_params(params: Mapping[str, Any]) -> Optional[Gate]:
    """The Gate the wait options describe, checked before any request; None when ``wait`` is false."""
    statuses = _targets(params, 'wait_status')
    if not statuses:
        raise DtsConfigError(
            'wait_status must list at least one status, for example [Synchronizing].', option='wait_status'
        )
    reverse = _targets(params, 'wait_reverse_status') if params.get('wait_reverse_status') else None
    fail_statuses = validate_statuses(params.get('fail_statuses'), option='fail_statuses')
    _check_fail_statuses(params, statuses, reverse, fail_statuses)
    timeout = _at_least(params, 'wait_timeout', 0)
    _at_least(params, 'wait_sleep', 1, unit='second')
    max_delay = _at_least(params, 'wait_max_delay', 0)
    stable_for = _at_least(params, 'wait_stable_for', 0) or 0
    if timeout is not None and stable_for > timeout:
        raise DtsConfigError(
            'wait_stable_for (%d s) cannot be longer than wait_timeout (%d s): the wait could never '
            'pass. Raise wait_timeout.' % (stable_for, timeout),
            option='wait_stable_for',
        )
    checkpoint_after = parse_moment(params.get('wait_checkpoint_after'))
    data_checks = _data_checks(params)
    if not params.get('wait'):
        _refuse_without_wait(max_delay, stable_for, checkpoint_after, data_checks)
        return None
    return Gate(
        statuses=statuses,
        fail_statuses=fail_statuses,
        directions=params.get('wait_directions') or DEFAULT_WAIT_DIRECTIONS,
        reverse_statuses=reverse,
        max_delay=max_delay,
        stable_for=stable_for,
        checkpoint_after=checkpoint_after,
        accept_initializing=bool(params.get('wait_accept_initializing')),
        data_checks=data_checks,
    )
