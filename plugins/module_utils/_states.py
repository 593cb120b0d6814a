# -*- coding: utf-8 -*-
# Copyright: Contributors to the alibabacloud.dts collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Job states for the waiter, gathered with a fixed request budget per poll.

Each poll is one batched status read for every job (``_jobs.read_statuses``; a list of
hundreds of ids is split into a few concurrent chunks to keep URLs short) and, only when
a delay gate is asked for and a job was answered by the legacy status list (which carries no
delay), one listing of the region, every page of it.  Current-family entries carry their delay
already.  A legacy job seen in a fail status costs one listing too, on that poll only, for its
``ErrorMessage`` (unless the poll listed the region anyway).  So the number of requests per
poll does not grow with the number of jobs.

Which listing: the legacy listing (DescribeSynchronizationJobs) reports a delay that has not
started as ``0``, as its examples show for jobs not yet synchronizing, so a gate reading it
would pass a job that has replicated nothing.  Unless ``api`` is ``legacy``, the listing is
therefore the current family's (DescribeDtsJobs, which says ``-1``); it lists jobs made either
way, matched by instance id and direction.  A legacy job it does not list is looked up in the
legacy listing on that poll.  With ``api: legacy`` only the legacy listing is read, and its
``0`` cannot be told from caught up (documented).
"""

from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Tuple

from ansible_collections.alibabacloud.dts.plugins.module_utils._api_current import list_dts_jobs
from ansible_collections.alibabacloud.dts.plugins.module_utils._api_legacy import list_jobs
from ansible_collections.alibabacloud.dts.plugins.module_utils._errors import DtsApiError
from ansible_collections.alibabacloud.dts.plugins.module_utils._jobs import read_statuses
from ansible_collections.alibabacloud.dts.plugins.module_utils._normalize import (
    canonical_status,
    normalize_dts_job,
    to_int,
)
from ansible_collections.alibabacloud.dts.plugins.module_utils._waiter import Gate, WaitFailed, wait_for

# What a delay listing keeps of each DescribeDtsJobs record.
_LISTING_FACTS = frozenset(['dts_job_id', 'dts_instance_id', 'dts_job_direction', 'delay', 'error_message'])


class CountingClient:
    """A DtsClient that counts the calls made through it (each call is one request, before retries)."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self.calls = 0

    def call(self, action: str, params: Mapping[str, Any],
             validate: Optional[Callable[[str, Any], Any]] = None) -> Dict[str, Any]:
        self.calls += 1
        return self._client.call(action, params, validate=validate)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)


def _delay(value):
    """Seconds of replication delay, or None when DTS says it has not started (-1) or says nothing."""
    value = to_int(value)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        return None
    return value


def _checkpoint(value):
    value = to_int(value)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        return None
    return value


class StateReader:
    """``poll()`` for the waiter: ``(jobs, missing_ids)`` in the waiter's observation shape.

    ``jobs[i]['entry']`` is the status entry as ``dts_sync_status_info`` returns it, with each
    direction's ``delay`` added when the poll read it and ``error_message`` when DTS gave one.
    ``requests`` counts every call made so far.
    """

    def __init__(self, client: Any, job_ids: Iterable[str], want_delay: bool = False,
                 fail_statuses: Iterable[str] = (), read_kwargs: Optional[Mapping[str, Any]] = None) -> None:
        self.client = CountingClient(client)
        self.job_ids = list(job_ids)
        self.want_delay = want_delay
        self.fail_statuses = frozenset(fail_statuses)
        # Extra arguments of read_statuses (the API family, where the client supports it).
        self.read_kwargs = dict(read_kwargs or {})
        self.listings = 0

    @property
    def requests(self) -> int:
        return self.client.calls

    def _legacy_listing(self):
        """(job id, direction) -> (delay, error message) from one legacy listing of the region."""
        self.listings += 1
        by_key = {}
        for record in list_jobs(self.client):
            direction = canonical_status(record.get('SynchronizationDirection')) or 'Forward'
            by_key[(record.get('SynchronizationJobId'), direction)] = (
                _delay(record.get('Delay')), record.get('ErrorMessage') or None)
        return by_key

    def _current_listing(self):
        """The same from one DescribeDtsJobs listing of the region's synchronization jobs."""
        self.listings += 1
        by_key = {}
        for record in list_dts_jobs(self.client, job_type='sync'):
            for fact in normalize_dts_job(record, self.client.region, _LISTING_FACTS, self.client.warn):
                value = (_delay(fact.get('delay')), fact.get('error_message') or None)
                by_key[(fact.get('dts_instance_id'), fact.get('dts_job_direction'))] = value
                by_key[(fact.get('dts_job_id'), fact.get('dts_job_direction'))] = value
        return by_key

    def _listing(self, legacy):
        """What one poll needs for the legacy entries: one listing, two only for jobs the first lacks."""
        if self.read_kwargs.get('api', 'auto') == 'legacy':
            return self._legacy_listing()
        by_key = self._current_listing()
        wanted = [(entry['synchronization_job_id'], direction.get('synchronization_direction') or 'Forward')
                  for entry in legacy for direction in entry.get('directions') or []]
        if any(key not in by_key for key in wanted):
            legacy_keys = self._legacy_listing()
            for key in wanted:
                if key not in by_key and key in legacy_keys:
                    by_key[key] = legacy_keys[key]
        return by_key

    def __call__(self) -> Tuple[List[Dict[str, Any]], List[str]]:
        found, missing = read_statuses(self.client, self.job_ids, **self.read_kwargs)
        legacy = [entry for entry in found if entry.get('api', 'legacy') == 'legacy']
        failing = any(canonical_status(direction.get('status')) in self.fail_statuses
                      for entry in legacy for direction in entry.get('directions') or [])
        listing, unread = None, None
        if legacy and self.want_delay:
            listing = self._listing(legacy)
        elif legacy and failing:
            try:
                listing = self._listing(legacy)
            except DtsApiError as refusal:
                # The failure to report is the jobs'; a listing refused (say, for want of the
                # permission) must not hide which jobs failed.
                unread = 'its error message could not be read: %s' % refusal.describe()
        jobs = []
        for entry in found:
            api = entry.get('api', 'legacy')
            entry = dict(entry, directions=[dict(direction) for direction in entry.get('directions') or []])
            observations = []
            for direction in entry['directions']:
                name = direction.get('synchronization_direction') or 'Forward'
                if api == 'legacy':
                    delay, error = (listing or {}).get((entry['synchronization_job_id'], name), (None, unread))
                    if self.want_delay:
                        direction['delay'] = delay
                    else:
                        # A listing made only for error messages: its delays are not what was asked.
                        delay = None
                else:
                    delay = _delay(direction.get('delay'))
                    error = direction.get('error_message') or entry.get('error_message')
                if error:
                    direction['error_message'] = error
                observations.append({
                    'direction': name,
                    'status': canonical_status(direction.get('status')),
                    'delay': delay,
                    'checkpoint': _checkpoint(direction.get('checkpoint')),
                    'error_message': error,
                })
            errors = [item['error_message'] for item in observations if item['error_message']]
            if errors and not entry.get('error_message'):
                entry['error_message'] = errors[0]
            jobs.append({'job_id': entry['synchronization_job_id'], 'api': api, 'directions': observations,
                         'entry': entry})
        return jobs, missing


def _entries(outcome, ids):
    by_id = dict((job['job_id'], job['entry']) for job in outcome.get('jobs') or [])
    return [by_id[job_id] for job_id in ids if job_id in by_id]


def _shape(outcome, reader):
    """The waiter's outcome as a module result: status entries where the waiter has observations."""
    result = dict(outcome)
    result['jobs'] = [job['entry'] for job in outcome.get('jobs') or []]
    result.setdefault('missing_job_ids', [])
    result['requests'] = reader.requests
    if 'failed' in result:
        del result['failed']
        result['failed_jobs'] = _entries(outcome, outcome['failed_job_ids'])
    if 'pending' in result:
        del result['pending']
        result['pending_jobs'] = _entries(outcome, outcome['pending_job_ids'])
    return result


def wait_on_jobs(client: Any, job_ids: Iterable[str], gate: Gate, params: Mapping[str, Any], check_mode: bool = False,
                 read_kwargs: Optional[Mapping[str, Any]] = None, **waiter_kwargs: Any) -> Dict[str, Any]:
    """Run the waiter over ``job_ids`` with ``gate`` and the timing in ``params``; a module result.

    Raises WaitFailed with ``details`` shaped the same way.  In check mode it polls once.
    """
    reader = StateReader(client, job_ids, want_delay=gate.wants_delay, fail_statuses=gate.fail_statuses,
                         read_kwargs=read_kwargs)
    try:
        outcome = wait_for(reader, gate, timeout=params['wait_timeout'], interval=params['wait_sleep'],
                           once=check_mode, scope='in region %s' % client.region, **waiter_kwargs)
    except WaitFailed as failure:
        failure.details = _shape(failure.details, reader)
        raise
    return _shape(outcome, reader)
