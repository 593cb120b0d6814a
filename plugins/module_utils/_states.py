# -*- coding: utf-8 -*-
# Copyright: Contributors to the alibabacloud.dts collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Job states for the waiter, gathered with a fixed request budget per poll, reading only the gated jobs.

Each poll is one batched status read for every job (``_jobs.read_statuses``: one legacy status list,
a few concurrent chunks for hundreds of ids, and ``DescribeDtsJobs`` by id for the ids it does not
know), and then, only where the gate needs it:

- a delay gate on jobs the legacy status list answered (it carries no delay): their delays, read by id
  (``Family.read_records``: ``DescribeDtsJobs`` with the ``DtsInstanceId`` / ``DtsJobId`` filters, 1 or
  2 requests for up to 50 jobs); a job in a fail status the same way, on that poll, for its
  ``ErrorMessage``;
- a validation gate (``Gate.data_checks``): the lookup again and one ``DescribeCheckJobs`` per job
  (``_gate_reads.add_data_checks``);
- a job in a fail status: why (``_gate_reads.add_failure_details``), on that poll only.

So the requests of a poll do not depend on the size of the region, and only the validation gate's
grow with the number of jobs (one a job).  The region's listing is read only where no family can
read the job by id: with ``api: legacy`` (DescribeSynchronizationJobs has no id filter) or for a
legacy job DescribeDtsJobs does not list.

Which delay: the legacy listing (DescribeSynchronizationJobs) reports a delay that has not started as
``0``, as its examples show for jobs not yet synchronizing, so a gate reading it would pass a job that
has replicated nothing.  Unless ``api`` is ``legacy``, the delay therefore comes from DescribeDtsJobs,
which says ``-1``; with ``api: legacy`` the legacy ``0`` cannot be told from caught up (documented).

Requests never run past the wait's deadline: from the second poll on, a request that would start after
the deadline is not made unless it is the poll's first (``PollCutShort``: the poll counts as not there),
so a wait ends at most one request's time after its timeout.
"""

import time
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

from ansible_collections.alibabacloud.dts.plugins.module_utils._errors import DtsApiError
from ansible_collections.alibabacloud.dts.plugins.module_utils._families import AUTO, families_for, family
from ansible_collections.alibabacloud.dts.plugins.module_utils._gate import DIRECTION
from ansible_collections.alibabacloud.dts.plugins.module_utils._gate_reads import add_data_checks, add_failure_details
from ansible_collections.alibabacloud.dts.plugins.module_utils._job_model import IDENTITY, records_by_identity
from ansible_collections.alibabacloud.dts.plugins.module_utils._jobs import read_statuses
from ansible_collections.alibabacloud.dts.plugins.module_utils._normalize import to_delay
from ansible_collections.alibabacloud.dts.plugins.module_utils._wait_state import Slicing
from ansible_collections.alibabacloud.dts.plugins.module_utils._waiter import (
    JOB_ID,
    Gate,
    PollCutShort,
    WaitFailed,
    wait_for,
)

# What a read made for the waiter keeps of each record.
_LISTING_FACTS = frozenset(['delay', 'error_message', 'precheck_status', IDENTITY])


class CountingClient:
    """A DtsClient that counts the calls made through it (each call is one request, before retries)
    and, from the second poll on (``start_poll``), makes none after ``deadline`` (on ``clock``) but
    the first of a poll: the first poll always reads all it needs, even with a timeout of 0."""

    def __init__(
        self, client: Any, clock: Callable[[], float] = time.monotonic, deadline: Optional[float] = None, polls: int = 0
    ) -> None:
        self._client = client
        self.clock = clock
        self.deadline = deadline
        self.calls = 0
        self.poll_calls = 0
        # Polls an earlier slice of the wait made: its first poll here is not the wait's first.
        self.polls = polls

    def start_poll(self) -> None:
        self.polls += 1
        self.poll_calls = 0

    def call(
        self, action: str, params: Mapping[str, Any], validate: Optional[Callable[[str, Any], Any]] = None
    ) -> Dict[str, Any]:
        if self.deadline is not None and self.polls > 1 and self.poll_calls and self.clock() > self.deadline:
            raise PollCutShort("the wait's deadline passed before %s could be asked; the poll stopped there" % action)
        self.calls += 1
        self.poll_calls += 1
        return self._client.call(action, params, validate=validate)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)


class StateReader:
    """``poll()`` for the waiter: ``(entries, missing_ids)``, status entries as ``read_statuses`` gives them.

    An entry from a family whose status read is incomplete (no delay, no error message) gets each
    direction's ``delay`` when a delay gate reads it and ``error_message`` when DTS gave one; with
    ``data_checks`` every direction gets its ``data_checks``; a failed job its ``failure_details``:
    the waiter judges the very entries the module returns.  ``requests`` counts every call so far.
    """

    def __init__(
        self,
        client: Any,
        job_ids: Iterable[str],
        want_delay: bool = False,
        fail_statuses: Iterable[str] = (),
        read_kwargs: Optional[Mapping[str, Any]] = None,
        data_checks: Iterable[str] = (),
        clock: Callable[[], float] = time.monotonic,
        deadline: Optional[float] = None,
        polls: int = 0,
    ) -> None:
        self.client = CountingClient(client, clock, deadline, polls)
        self.job_ids = list(job_ids)
        self.want_delay = want_delay
        self.fail_statuses = frozenset(fail_statuses)
        self.data_checks = tuple(data_checks)
        # Extra arguments of read_statuses (the API family, where the client supports it).
        self.read_kwargs = dict(read_kwargs or {})
        self.families = families_for(self.read_kwargs.get('api', AUTO))
        self.listings = 0
        # This poll's reads by _listing, so that a failure's precheck details reuse them.
        self._read: Dict[Tuple[Any, Any], Mapping[str, Any]] = {}

    @property
    def requests(self) -> int:
        return self.client.calls

    def _listing(self, entries: Sequence[Mapping[str, Any]]) -> Dict[Tuple[Any, Any], Mapping[str, Any]]:
        """(id, direction) -> facts of ``entries``' jobs: the families asked, those whose listing tells a
        delay not started from zero first, each reading by id where it can; the next one only for
        the jobs the first lacks."""
        wanted = [(entry[JOB_ID], direction[DIRECTION]) for entry in entries for direction in entry['directions']]
        asked = sorted(self.families, key=lambda known: not known.tells_delay_not_started)
        found = dict((key, self._read[key]) for key in wanted if key in self._read)
        for reader in asked:
            unknown = list(dict.fromkeys(job_id for job_id, direction in wanted if (job_id, direction) not in found))
            if not unknown:
                break
            self.listings += 1
            facts = [
                fact
                for record in reader.read_records(self.client, unknown)
                for fact in reader.normalize(record, self.client.region, _LISTING_FACTS)
            ]
            for key, fact in records_by_identity(facts).items():
                found.setdefault(key, fact)
        self._read.update(found)
        return found

    def _complete(
        self, entry: Dict[str, Any], listing: Mapping[Tuple[Any, Any], Mapping[str, Any]], unread: Optional[str]
    ) -> None:
        """Add what the listing says about ``entry`` (an incomplete family's) to it, in place."""
        for direction in entry['directions']:
            facts = listing.get((entry[JOB_ID], direction[DIRECTION]))
            if self.want_delay:
                direction['delay'] = to_delay(facts.get('delay')) if facts else None
            error = (facts.get('error_message') or None) if facts else unread
            if error:
                direction['error_message'] = error
        errors = [direction['error_message'] for direction in entry['directions'] if direction.get('error_message')]
        if errors and not entry.get('error_message'):
            entry['error_message'] = errors[0]

    def _complete_incomplete(self, found: List[Dict[str, Any]]) -> None:
        incomplete = [entry for entry in found if not family(entry['api']).status_is_complete]
        failing = any(
            direction['status'] in self.fail_statuses for entry in incomplete for direction in entry['directions']
        )
        if not incomplete or not (self.want_delay or failing):
            return
        listing, unread = {}, None
        try:
            listing = self._listing(incomplete)
        except (DtsApiError, PollCutShort) as refusal:
            if self.want_delay:
                raise
            # The failure to report is the jobs'; a listing refused (say, for want of the
            # permission) must not hide which jobs failed.
            unread = 'its error message could not be read: %s' % refusal.describe()
        for entry in incomplete:
            self._complete(entry, listing, unread)

    def _legacy_precheck(self, entries: List[Dict[str, Any]]) -> None:
        """The listing's precheck details of ``entries`` (jobs DescribeDtsJobs does not know)."""
        listing = self._listing(entries)
        for entry in entries:
            facts = listing.get((entry[JOB_ID], 'Forward')) or {}
            entry['precheck_status'] = facts.get('precheck_status')

    def __call__(self) -> Tuple[List[Dict[str, Any]], List[str]]:
        self.client.start_poll()
        self._read = {}
        found, missing = read_statuses(self.client, self.job_ids, **self.read_kwargs)
        self._complete_incomplete(found)
        if self.data_checks and found:
            add_data_checks(self.client, found, self.data_checks)
        add_failure_details(
            self.client,
            found,
            self.fail_statuses,
            self._legacy_precheck,
            by_id=any(known.reads_by_id for known in self.families),
        )
        return found, missing


_WAIT_ENTRIES = ('jobs', 'failed_jobs', 'pending_jobs')
# What a slice that ends with the wait going on does not return: its wait_state holds them.
_SLICE_LEAVES_OUT = ('jobs', 'pending_jobs', 'progress')


def _entries(outcome, ids):
    by_id = dict((entry[JOB_ID], entry) for entry in outcome.get('jobs') or [])
    return [by_id[job_id] for job_id in ids if job_id in by_id]


def _shape(outcome, reader, with_entries, slicing=None):
    """The waiter's outcome as a module result: the entries it judged, as it judged them."""
    result = dict(outcome)
    if with_entries:
        result.setdefault('missing_job_ids', [])
    result['requests'] = reader.requests + (slicing.requests_before if slicing else 0)
    if 'failed' in result:
        del result['failed']
        result['failed_jobs'] = _entries(outcome, outcome['failed_job_ids'])
    if 'pending' in result:
        del result['pending']
        result['pending_jobs'] = _entries(outcome, outcome['pending_job_ids'])
    if not with_entries:
        for key in _WAIT_ENTRIES:
            result.pop(key, None)
    if 'carried' in result:
        # A slice that ends with the wait going on: the state the next slice continues from. What it
        # holds of the jobs and the lines so far comes back with the result of the last slice.
        result['wait_state'] = slicing.seal(result.pop('carried'), result['requests'])
        for key in _SLICE_LEAVES_OUT:
            result.pop(key, None)
    return result


def wait_on_jobs(
    client: Any,
    job_ids: Iterable[str],
    gate: Gate,
    params: Mapping[str, Any],
    check_mode: bool = False,
    read_kwargs: Optional[Mapping[str, Any]] = None,
    with_entries: bool = True,
    slicing: Optional[Slicing] = None,
    **waiter_kwargs: Any,
) -> Dict[str, Any]:
    """Run the waiter over ``job_ids`` with ``gate`` and the timing in ``params``; a module result.

    ``with_entries``: whether the result holds the status entries (``jobs``, ``failed_jobs``,
    ``pending_jobs``); False for a module whose records are not status entries.
    ``slicing`` (``_wait_state.slicing_from_params``): run one slice of the wait, or continue one;
    a slice that ends before the wait does returns ``waiting: true`` and ``wait_state``.
    Raises WaitFailed with ``details`` shaped the same way.  In check mode it polls once.
    """
    clock = waiter_kwargs.get('clock', time.monotonic)
    wall = waiter_kwargs.get('wall', time.time)
    carried = slicing.carried if slicing and not check_mode else None
    # Check mode polls once and reads all it needs; a wait stops reading at its deadline.
    if check_mode:
        deadline = None
    elif carried is not None:
        deadline = clock() + carried['deadline'] - wall()
    else:
        deadline = clock() + params['wait_timeout']
    reader = StateReader(
        client,
        job_ids,
        want_delay=gate.wants_delay,
        fail_statuses=gate.fail_statuses,
        read_kwargs=read_kwargs,
        data_checks=gate.data_checks,
        clock=clock,
        deadline=deadline,
        polls=carried['polls'] if carried else 0,
    )
    try:
        outcome = wait_for(
            reader,
            gate,
            timeout=params['wait_timeout'],
            interval=params['wait_sleep'],
            once=check_mode,
            scope='in region %s' % client.region,
            carried=carried,
            slice_length=slicing.length if slicing else None,
            **waiter_kwargs,
        )
    except WaitFailed as failure:
        failure.details = _shape(failure.details, reader, with_entries, slicing)
        raise
    return _shape(outcome, reader, with_entries, slicing)
