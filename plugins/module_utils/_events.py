# -*- coding: utf-8 -*-
# Copyright: Contributors to the alibabacloud.dts collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What changed between two looks at a region's jobs, as events a rulebook can act on.

The ``dts_sync_events`` event source lists jobs every interval and hands each region's facts to
``JobWatch.observe``; this file holds no I/O, so every rule about what is worth an event (and
what must never be emitted twice) is tested without a network or a clock.
"""

from typing import Any, Dict, Iterable, List, Mapping, Optional, Set, Tuple

from ansible_collections.alibabacloud.dts.plugins.module_utils._families import identity_of

EVENT_TYPES = (
    'snapshot',
    'status_changed',
    'delay_exceeded',
    'delay_recovered',
    'job_appeared',
    'job_disappeared',
    'error',
)


def _identity(facts: Mapping[str, Any], region: str) -> Mapping[str, Any]:
    """The record's identity block (``_families.identity_of``); an event names a job by its
    instance id (``dts...``), which names it in every family."""
    return identity_of(facts, region) or {}


def job_key(account: Optional[str], region: str, facts: Mapping[str, Any]) -> Tuple[Any, ...]:
    identity = _identity(facts, region)
    return account or '', region, identity.get('instance_id'), identity.get('direction') or 'Forward'


def _over(delay, threshold):
    # A delay the API reports as "not started" (None) is not lag: it is neither over nor under.
    return threshold is not None and delay is not None and delay > threshold


class _Seen:
    __slots__ = ('status', 'over', 'facts')

    def __init__(self, status, over, facts):
        self.status, self.over, self.facts = status, over, facts


class JobWatch:
    """The last state seen of every job, and the events that a new look produces.

    Each transition is emitted once: the state it leads to is remembered, so the next look
    emits nothing until the state changes again.  A region whose listing failed is not looked
    at, so its jobs neither disappear nor change.
    """

    def __init__(self, delay_threshold: Optional[float] = None) -> None:
        self.delay_threshold = delay_threshold
        self._seen: Dict[Tuple[Any, ...], _Seen] = {}
        self._looked: Set[Tuple[str, str]] = set()

    def observe(
        self, account: Optional[str], region: str, jobs: Iterable[Mapping[str, Any]], snapshot: bool = False
    ) -> List[Dict[str, Any]]:
        """Events for one successful listing of ``region`` (of ``account``): facts of every job in it.

        On the first look at a region every job is new to the watch: it emits a ``snapshot``
        event per job when ``snapshot`` is true and nothing otherwise (a job already failed or
        lagging when the watch starts is in the snapshot, not a transition).
        """
        first_look = (account or '', region) not in self._looked
        self._looked.add((account or '', region))
        events, present = [], set()
        for facts in jobs:
            key = job_key(account, region, facts)
            present.add(key)
            status = facts.get('status')
            before = self._seen.get(key)
            over = _over(facts.get('delay'), self.delay_threshold)
            if facts.get('delay') is None and before is not None:
                # "Not started" says nothing about lag: keep what was known, so a delay that
                # blinks to -1 and back is not a second crossing.
                over = before.over
            self._seen[key] = _Seen(status, over, facts)
            if before is None:
                if first_look:
                    if snapshot:
                        events.append(self._event('snapshot', account, region, facts))
                else:
                    events.append(self._event('job_appeared', account, region, facts))
                continue
            if status != before.status:
                events.append(self._event('status_changed', account, region, facts, previous_status=before.status))
            if over and not before.over:
                events.append(self._event('delay_exceeded', account, region, facts))
            elif before.over and not over:
                events.append(self._event('delay_recovered', account, region, facts))
        for key in [key for key in self._seen if key[:2] == (account or '', region) and key not in present]:
            gone = self._seen.pop(key)
            events.append(self._event('job_disappeared', account, region, gone.facts))
        return events

    def _event(self, kind, account, region, facts, **extra):
        identity = _identity(facts, region)
        body = {
            'type': kind,
            'job_id': identity.get('instance_id'),
            'job_name': identity.get('name'),
            'direction': identity.get('direction') or 'Forward',
            'region': region,
            'api': identity.get('family'),
            'status': facts.get('status'),
            'delay': facts.get('delay'),
            'job': facts,
        }
        if account:
            body['account'] = account
        if self.delay_threshold is not None and kind in ('delay_exceeded', 'delay_recovered'):
            body['delay_threshold'] = self.delay_threshold
        body.update(extra)
        return {'dts': body}


def error_event(account: Optional[str], region: str, error: Any, failures: int) -> Dict[str, Any]:
    """An ``error`` event after ``failures`` consecutive failed listings of one region."""
    body = {
        'type': 'error',
        'region': region,
        'consecutive_failures': failures,
        'message': error.describe() if hasattr(error, 'describe') else str(error),
    }
    code = getattr(error, 'code', None)
    if code:
        body['code'] = code
    if getattr(error, 'request_id', None):
        body['request_id'] = error.request_id
    if account:
        body['account'] = account
    return {'dts': body}
