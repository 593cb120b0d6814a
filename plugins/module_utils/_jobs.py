# -*- coding: utf-8 -*-
# Copyright: Contributors to the alibabacloud.dts collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Job listing and status reads as facts, with the filters every face of the collection shares.

Both API families are read here: the legacy one (``_api_legacy``) and the current one
(``_api_current``).  A job both list is the same job when the legacy ``synchronization_job_id``
equals the current ``dts_instance_id`` and the directions match; the current description wins.
"""

from typing import Any, Callable, Container, Dict, Iterable, List, Mapping, Optional, Sequence, Set, Tuple

from ansible_collections.alibabacloud.dts.plugins.module_utils import _api_current
from ansible_collections.alibabacloud.dts.plugins.module_utils._api_legacy import (
    DEFAULT_PAGE_SIZE,
    describe_statuses,
    list_jobs,
)
from ansible_collections.alibabacloud.dts.plugins.module_utils._client import run_concurrently
from ansible_collections.alibabacloud.dts.plugins.module_utils._errors import DtsConfigError
from ansible_collections.alibabacloud.dts.plugins.module_utils._normalize import (
    API_CURRENT,
    API_LEGACY,
    DTS_JOB_FACTS,
    IDENTITY_DTS_JOB_FACTS,
    IDENTITY_JOB_FACTS,
    JOB_FACTS,
    JOB_STATUSES,
    SUMMARY_DTS_JOB_FACTS,
    SUMMARY_JOB_FACTS,
    canonical_status,
    dts_status_entry,
    normalize_dts_job,
    normalize_dts_job_detail,
    normalize_job,
    normalize_status,
)
from ansible_collections.alibabacloud.dts.plugins.module_utils._paging import read_all_pages, total_records

# A bound on one task's id list: enough for every job of a large account, small enough
# that a runaway variable is caught before it becomes thousands of requests.
MAX_JOB_IDS = 5000
MAX_JOB_ID_LENGTH = 128


STATUS_APIS = ('auto', 'legacy', 'current')


def validate_statuses(statuses: Optional[Iterable[Any]], option: str = 'statuses',
                      valid: Sequence[str] = JOB_STATUSES) -> List[str]:
    """Documented spellings of ``statuses`` (any case in); an unknown one is an error listing the valid ones."""
    result = []
    for status in statuses or []:
        documented = canonical_status(status) if isinstance(status, str) else status
        if documented not in valid:
            raise DtsConfigError('%s: %r is not a DTS job status; valid statuses are %s.'
                                 % (option, status, ', '.join(valid)), option=option)
        if documented not in result:
            result.append(documented)
    return result


def status_filter(statuses: Optional[Iterable[str]]) -> Callable[[Any], bool]:
    """A test of one status (wire or fact spelling, any case) against ``statuses`` (validated); None or
    empty passes everything. The modules and the inventory filter with it, so they agree."""
    wanted = frozenset(statuses or ())
    if not wanted:
        return lambda status: True
    return lambda status: canonical_status(status) in wanted


def validate_job_ids(job_ids: Optional[Iterable[Any]], option: str = 'job_ids', required: bool = False) -> List[str]:
    """Job ids as given, duplicates folded, order kept; empty or absurd ids are refused."""
    if required and not job_ids:
        raise DtsConfigError('%s must list at least one DTS synchronization job id, for example '
                             '[dtsexjk1alb116****].' % option, option=option)
    result, seen = [], set()
    for job_id in job_ids or []:
        if not isinstance(job_id, str) or not job_id.strip():
            raise DtsConfigError('%s must hold non-empty job id strings; got %r.' % (option, job_id), option=option)
        if len(job_id) > MAX_JOB_ID_LENGTH or any(ord(char) < 32 for char in job_id):
            raise DtsConfigError('%s: %r is not a job id (ids are short printable strings such as '
                                 'dtsexjk1alb116****).' % (option, job_id[:40] + '...'), option=option)
        if job_id not in seen:
            seen.add(job_id)
            result.append(job_id)
    if len(result) > MAX_JOB_IDS:
        raise DtsConfigError('%s lists %d ids; at most %d are accepted in one task. Split the list.'
                             % (option, len(result), MAX_JOB_IDS), option=option)
    return result


def validate_job_facts(fields: Optional[Iterable[Any]], option: str = 'fields',
                       api: str = API_LEGACY) -> Optional[Set[str]]:
    """The fact names ``fields`` asks for, as a set, or None for every fact.

    Entries are fact names of the ``api`` family's records, V(summary) or V(all); the identity
    facts are always included.
    """
    identity, summary, known = ((IDENTITY_DTS_JOB_FACTS, SUMMARY_DTS_JOB_FACTS, DTS_JOB_FACTS) if api == API_CURRENT
                                else (IDENTITY_JOB_FACTS, SUMMARY_JOB_FACTS, JOB_FACTS))
    if not fields:
        raise DtsConfigError('%s must name at least one fact, for example [summary] or [summary, precheck_status].'
                             % option, option=option)
    selected = set(identity)
    for entry in fields:
        name = entry.strip().lower() if isinstance(entry, str) else entry
        if name == 'all':
            return None
        if name == 'summary':
            selected.update(summary)
        elif name in known:
            selected.add(name)
        else:
            raise DtsConfigError('%s: %r is not a job fact; use summary, all or any of %s.'
                                 % (option, entry, ', '.join(known)), option=option)
    return selected


def list_job_facts(client: Any, name: Optional[str] = None, tags: Optional[Mapping[str, Any]] = None,
                   resource_group_id: Optional[str] = None, job_ids: Optional[Iterable[str]] = None,
                   statuses: Optional[Iterable[str]] = None, page_size: int = DEFAULT_PAGE_SIZE,
                   facts: Optional[Container[str]] = None) -> List[Dict[str, Any]]:
    """Every job of the client's region as facts, server-side filters applied by DTS and
    ``job_ids`` / ``statuses`` (already validated) applied here; ``facts`` as for normalize_job."""
    records = list_jobs(client, page_size=page_size, name=name, tags=tags, resource_group_id=resource_group_id)
    wanted_ids = set(job_ids) if job_ids else None
    status_wanted = status_filter(statuses)
    jobs = []
    for record in records:
        # Filtered on the wire values, so the filters work whichever facts are returned.
        if wanted_ids is not None and record.get('SynchronizationJobId') not in wanted_ids:
            continue
        if not status_wanted(record.get('Status')):
            continue
        jobs.append(normalize_job(record, client.region, facts, client.warn))
    return jobs


def validate_status_api(api: Optional[str], option: str = 'api') -> str:
    if api not in STATUS_APIS:
        raise DtsConfigError('%s must be one of %s, got %r.' % (option, ', '.join(STATUS_APIS), api), option=option)
    return api


# -- the current family -----------------------------------------------------------------------------

def _record_ids(record):
    """Every id a DescribeDtsJobs entry answers to: its job id, instance id and its reverse's job id."""
    ids = [record.get('DtsJobId'), record.get('DtsInstanceID')]
    reverse = record.get('ReverseJob')
    if isinstance(reverse, dict):
        ids.append(reverse.get('DtsJobId'))
    return [value for value in ids if value]


def list_dts_job_facts(client: Any, job_type: str = 'sync', name: Optional[str] = None,
                       tags: Optional[Mapping[str, Any]] = None, resource_group_id: Optional[str] = None,
                       job_ids: Optional[Iterable[str]] = None, statuses: Optional[Iterable[str]] = None,
                       page_size: int = _api_current.DEFAULT_PAGE_SIZE,
                       facts: Optional[Container[str]] = None) -> List[Dict[str, Any]]:
    """Every record (one per direction) of the region's ``job_type`` jobs, current family, as facts.

    ``name``, ``tags`` and ``resource_group_id`` are applied by DTS.  ``job_ids`` (job ids or
    instance ids) and ``statuses`` (documented spellings) are applied here, to each direction:
    DTS's own status filter looks at a job's forward direction only, so a two-way job whose
    reverse direction matches would be lost.
    """
    records = _api_current.list_dts_jobs(client, job_type=job_type, name=name, tags=tags,
                                         resource_group_id=resource_group_id, page_size=page_size)
    wanted_ids = set(job_ids) if job_ids else None
    wanted_statuses = set(statuses) if statuses else None
    jobs = []
    for record in records:
        if wanted_ids is not None and not wanted_ids.intersection(_record_ids(record)):
            continue
        for fact in normalize_dts_job(record, client.region, facts, client.warn):
            # Filtered on what every selection keeps or on the wire, so the filters work whatever facts are returned.
            if wanted_statuses is not None and _direction_status(record, fact) not in wanted_statuses:
                continue
            jobs.append(fact)
    return jobs


def _direction_status(record, fact):
    if fact['dts_job_direction'] == 'Reverse':
        return canonical_status((record.get('ReverseJob') or {}).get('Status'))
    return canonical_status(record.get('Status'))


def add_job_details(client: Any, jobs: List[Dict[str, Any]],
                    max_concurrency: Optional[int] = None) -> List[Dict[str, Any]]:
    """Each job record with ``detail``: its direction's DescribeDtsJobDetail facts, read concurrently.

    Reads are bounded by the client's concurrency window (and ``max_concurrency`` threads).
    """
    def read(job):
        body = _api_current.describe_dts_job_detail(client, job['dts_job_id'], instance_id=job.get('dts_instance_id'),
                                                    direction=job['dts_job_direction'])
        return normalize_dts_job_detail(body, client.region, client.warn)

    details = run_concurrently(read, jobs, max_concurrency or client.max_concurrency)
    return [dict(job, detail=detail) for job, detail in zip(jobs, details)]


# Status reads ask for the facts a status entry shows, nothing more.
_STATUS_FACTS = frozenset(SUMMARY_DTS_JOB_FACTS)


def _lookup_one(client, job_id, job_type):
    """The DescribeDtsJobs entries that answer to ``job_id``: one request, two when the first guess misses.

    Instance ids start with ``dts``; job ids usually do not.  Whichever is guessed, the answer
    is checked, so a guess that is wrong costs a request, never a wrong job.
    """
    guesses = ('instance_id', 'job_id') if job_id.startswith('dts') else ('job_id', 'instance_id')
    for guess in guesses:
        records = _api_current.list_dts_jobs(client, job_type=job_type, **{guess: job_id})
        matching = [record for record in records if job_id in _record_ids(record)]
        if matching:
            return matching
    return []


def lookup_current_jobs(client: Any, job_ids: Sequence[str], job_type: str = 'sync',
                        page_size: int = _api_current.DEFAULT_PAGE_SIZE) -> Dict[str, Dict[str, Any]]:
    """``{id: DescribeDtsJobs entry}`` for the ``job_ids`` (job ids or instance ids) the current family knows.

    Requests, for n ids: one id is looked up alone (1 request, 2 if its kind was guessed wrong).
    Otherwise page 1 of the region's listing comes first; when it does not hold every id, the
    rest of the listing is read if it is no more pages than ids still unknown, else each unknown
    id is looked up on its own, concurrently.  So at most 1 + min(pages - 1, 2 x unknown).
    """
    job_ids = list(job_ids)
    if not job_ids:
        return {}
    if len(job_ids) == 1:
        records = _lookup_one(client, job_ids[0], job_type)
        return {job_ids[0]: records[0]} if records else {}

    filters = _api_current.job_filters(job_type=job_type)
    fetch = _api_current.page_fetcher(client, filters)
    first = fetch(1, page_size)
    found = _match(first['DtsJobList'], job_ids)
    unknown = [job_id for job_id in job_ids if job_id not in found]
    if not unknown:
        return found
    held = len(first['DtsJobList'])
    size = held if 0 < held < page_size else page_size
    remaining_pages = max(0, -(-total_records(first, _api_current.LIST_ACTION, client.region) // size) - 1)
    if remaining_pages <= len(unknown):
        def fetch_again(number, asked):
            return first if (number, asked) == (1, page_size) else fetch(number, asked)
        records = read_all_pages(fetch_again, lambda page: page['DtsJobList'], _api_current.record_key, page_size,
                                 client.max_concurrency, action=_api_current.LIST_ACTION, region=client.region)
        found.update(_match(records, unknown))
        return found
    answers = run_concurrently(lambda job_id: _lookup_one(client, job_id, job_type), unknown, client.max_concurrency)
    for job_id, records in zip(unknown, answers):
        if records:
            found[job_id] = records[0]
    return found


def _match(records, job_ids):
    wanted = set(job_ids)
    found = {}
    for record in records:
        for value in _record_ids(record):
            if value in wanted:
                found.setdefault(value, record)
    return found


# -- both families ---------------------------------------------------------------------------------

def read_statuses(client: Any, job_ids: Sequence[str], api: str = 'auto') -> Tuple[List[Dict[str, Any]], List[str]]:
    """Status entries for ``job_ids`` in the order asked, and the ids neither family knows.

    ``api``: V(legacy) reads DescribeSynchronizationJobStatusList only (one request, or a few
    concurrent chunks for a very long list); V(current) reads DescribeDtsJobs only (see
    ``lookup_current_jobs`` for its request count); V(auto) reads the legacy status list first and
    looks up through DescribeDtsJobs only the ids it did not know.  Ids of the current family may
    be job ids (``DtsJobId``) or instance ids (``DtsInstanceID``).

    Each entry: ``synchronization_job_id`` (the id as asked), ``status``, ``directions`` and ``api``
    (the family that answered); current-family entries also carry ``delay`` per direction,
    ``error_message``, ``dts_job_id`` and ``dts_instance_id``.
    """
    validate_status_api(api)
    by_id: Dict[str, Dict[str, Any]] = {}
    if api in ('auto', 'legacy'):
        for entry in describe_statuses(client, job_ids):
            status = normalize_status(entry, client.warn, client.region)
            status['api'] = API_LEGACY
            by_id.setdefault(status['synchronization_job_id'], status)
    unknown = [job_id for job_id in job_ids if job_id not in by_id]
    if api in ('auto', 'current') and unknown:
        for job_id, record in lookup_current_jobs(client, unknown).items():
            by_id[job_id] = dts_status_entry(job_id, normalize_dts_job(record, client.region, _STATUS_FACTS,
                                                                       client.warn))
    found = [by_id[job_id] for job_id in job_ids if job_id in by_id]
    missing = [job_id for job_id in job_ids if job_id not in by_id]
    return found, missing


def list_job_facts_all(client: Any, apis: Iterable[str] = (API_LEGACY, API_CURRENT), name: Optional[str] = None,
                       tags: Optional[Mapping[str, Any]] = None, resource_group_id: Optional[str] = None,
                       page_size: int = DEFAULT_PAGE_SIZE, legacy_facts: Optional[Container[str]] = None,
                       current_facts: Optional[Container[str]] = None) -> List[Dict[str, Any]]:
    """The region's synchronization jobs of both families as facts, each job direction once.

    The two listings are read concurrently.  A job both families list (legacy
    ``synchronization_job_id`` == current ``dts_instance_id``, same direction) is returned once,
    as the current family describes it.  Every record carries ``api`` (V(legacy) or V(current));
    legacy records are otherwise ``dts_sync_job_info``'s, current ones ``dts_job_info``'s.
    ``legacy_facts`` / ``current_facts`` select facts as ``normalize_job`` / ``normalize_dts_job``.
    """
    for api in apis:
        if api not in (API_LEGACY, API_CURRENT):
            raise DtsConfigError('apis must name legacy and/or current, got %r.' % (api,), option='apis')
    readers = []
    if API_LEGACY in apis:
        readers.append(lambda: list_jobs(client, page_size=page_size, name=name, tags=tags,
                                         resource_group_id=resource_group_id))
    if API_CURRENT in apis:
        readers.append(lambda: _api_current.list_dts_jobs(client, name=name, tags=tags,
                                                          resource_group_id=resource_group_id,
                                                          page_size=page_size))
    answers = run_concurrently(lambda read: read(), readers, 2)
    legacy = answers.pop(0) if API_LEGACY in apis else []
    current = answers.pop(0) if API_CURRENT in apis else []
    return merge_job_facts(legacy, current, client.region, legacy_facts, current_facts, client.warn)


def merge_job_facts(legacy: Iterable[Mapping[str, Any]], current: Iterable[Mapping[str, Any]], region: Optional[str],
                    legacy_facts: Optional[Container[str]] = None,
                    current_facts: Optional[Container[str]] = None,
                    warn: Optional[Callable[[str], Any]] = None) -> List[Dict[str, Any]]:
    """Raw records of both families' listings of one region as facts, each job direction once.

    A job both families list is kept as the current family describes it (see list_job_facts_all).
    ``warn`` hears of values that could not be converted (see _normalize).
    """
    jobs, seen = [], set()
    for record in current:
        for fact in normalize_dts_job(record, region, current_facts, warn):
            jobs.append(fact)
        seen.add((record.get('DtsInstanceID'), 'Forward'))
        if isinstance(record.get('ReverseJob'), dict) and record['ReverseJob']:
            seen.add((record.get('DtsInstanceID'), 'Reverse'))
            seen.add((record['ReverseJob'].get('DtsInstanceID'), 'Reverse'))
    legacy_jobs = []
    for record in legacy:
        key = (record.get('SynchronizationJobId'),
               canonical_status(record.get('SynchronizationDirection')) or 'Forward')
        if key in seen:
            continue
        fact = normalize_job(record, region, legacy_facts, warn)
        fact['api'] = API_LEGACY
        legacy_jobs.append(fact)
    # Legacy records first, as the legacy listing orders them, then the current family's.
    return legacy_jobs + jobs
