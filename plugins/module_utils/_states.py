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

from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

from ansible_collections.alibabacloud.dts.plugins.module_utils._errors import DtsApiError
from ansible_collections.alibabacloud.dts.plugins.module_utils._families import AUTO, families_for, family
from ansible_collections.alibabacloud.dts.plugins.module_utils._job_model import IDENTITY, records_by_identity
from ansible_collections.alibabacloud.dts.plugins.module_utils._jobs import read_statuses
from ansible_collections.alibabacloud.dts.plugins.module_utils._normalize import to_delay
from ansible_collections.alibabacloud.dts.plugins.module_utils._waiter import (
    JOB_ID,
    Gate,
    WaitFailed,
    wait_for,
)

# What a listing made for the waiter keeps of each record.
_LISTING_FACTS = frozenset(['delay', 'error_message', IDENTITY])


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


class StateReader:
    """``poll()`` for the waiter: ``(entries, missing_ids)``, status entries as ``read_statuses`` gives them.

    An entry from a family whose status read is incomplete (no delay, no error message) gets each
    direction's ``delay`` when a delay gate reads it and ``error_message`` when DTS gave one: the
    waiter judges the very entries the module returns.  ``requests`` counts every call so far.
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

    def _listing(self, entries: Sequence[Mapping[str, Any]]) -> Dict[Tuple[Any, Any], Mapping[str, Any]]:
        """(id, direction) -> listing facts for ``entries``: the families asked, those whose listing
        tells a delay not started from zero first; the next one only for jobs the first lacks."""
        wanted = [(entry[JOB_ID], direction['synchronization_direction'])
                  for entry in entries for direction in entry['directions']]
        asked = sorted(families_for(self.read_kwargs.get('api', AUTO)),
                       key=lambda known: not known.tells_delay_not_started)
        found: Dict[Tuple[Any, Any], Mapping[str, Any]] = {}
        for lister in asked:
            if found and all(key in found for key in wanted):
                break
            self.listings += 1
            facts = [fact for record in lister.list_records(self.client)
                     for fact in lister.normalize(record, self.client.region, _LISTING_FACTS)]
            for key, fact in records_by_identity(facts).items():
                found.setdefault(key, fact)
        return found

    def _complete(self, entry: Dict[str, Any], listing: Mapping[Tuple[Any, Any], Mapping[str, Any]],
                  unread: Optional[str]) -> None:
        """Add what the listing says about ``entry`` (an incomplete family's) to it, in place."""
        for direction in entry['directions']:
            facts = listing.get((entry[JOB_ID], direction['synchronization_direction']))
            if self.want_delay:
                direction['delay'] = to_delay(facts.get('delay')) if facts else None
            error = (facts.get('error_message') or None) if facts else unread
            if error:
                direction['error_message'] = error
        errors = [direction['error_message'] for direction in entry['directions'] if direction.get('error_message')]
        if errors and not entry.get('error_message'):
            entry['error_message'] = errors[0]

    def __call__(self) -> Tuple[List[Dict[str, Any]], List[str]]:
        found, missing = read_statuses(self.client, self.job_ids, **self.read_kwargs)
        incomplete = [entry for entry in found if not family(entry['api']).status_is_complete]
        failing = any(direction['status'] in self.fail_statuses
                      for entry in incomplete for direction in entry['directions'])
        if not incomplete or not (self.want_delay or failing):
            return found, missing
        listing, unread = {}, None
        try:
            listing = self._listing(incomplete)
        except DtsApiError as refusal:
            if self.want_delay:
                raise
            # The failure to report is the jobs'; a listing refused (say, for want of the
            # permission) must not hide which jobs failed.
            unread = 'its error message could not be read: %s' % refusal.describe()
        for entry in incomplete:
            self._complete(entry, listing, unread)
        return found, missing


_WAIT_ENTRIES = ('jobs', 'failed_jobs', 'pending_jobs')


def _entries(outcome, ids):
    by_id = dict((entry[JOB_ID], entry) for entry in outcome.get('jobs') or [])
    return [by_id[job_id] for job_id in ids if job_id in by_id]


def _shape(outcome, reader, with_entries):
    """The waiter's outcome as a module result: the entries it judged, as it judged them."""
    result = dict(outcome)
    if with_entries:
        result.setdefault('missing_job_ids', [])
    result['requests'] = reader.requests
    if 'failed' in result:
        del result['failed']
        result['failed_jobs'] = _entries(outcome, outcome['failed_job_ids'])
    if 'pending' in result:
        del result['pending']
        result['pending_jobs'] = _entries(outcome, outcome['pending_job_ids'])
    if not with_entries:
        for key in _WAIT_ENTRIES:
            result.pop(key, None)
    return result


def wait_on_jobs(client: Any, job_ids: Iterable[str], gate: Gate, params: Mapping[str, Any], check_mode: bool = False,
                 read_kwargs: Optional[Mapping[str, Any]] = None, with_entries: bool = True,
                 **waiter_kwargs: Any) -> Dict[str, Any]:
    """Run the waiter over ``job_ids`` with ``gate`` and the timing in ``params``; a module result.

    ``with_entries``: whether the result holds the status entries (``jobs``, ``failed_jobs``,
    ``pending_jobs``); False for a module whose records are not status entries.
    Raises WaitFailed with ``details`` shaped the same way.  In check mode it polls once.
    """
    reader = StateReader(client, job_ids, want_delay=gate.wants_delay, fail_statuses=gate.fail_statuses,
                         read_kwargs=read_kwargs)
    try:
        outcome = wait_for(reader, gate, timeout=params['wait_timeout'], interval=params['wait_sleep'],
                           once=check_mode, scope='in region %s' % client.region, **waiter_kwargs)
    except WaitFailed as failure:
        failure.details = _shape(failure.details, reader, with_entries)
        raise
    return _shape(outcome, reader, with_entries)
