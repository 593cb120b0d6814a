# -*- coding: utf-8 -*-
# Copyright: Contributors to the alibabacloud.dts collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The current DTS API family: DescribeDtsJobs and DescribeDtsJobDetail.

This is what the current console, API and Terraform make and read jobs with; jobs made this way
may not appear in the legacy listing.  Each function takes a ``DtsClient`` and returns the API's
raw records; ``_normalize.normalize_dts_job`` turns them into facts.  ``CURRENT`` is the family as
the rest of the collection sees it (``_job_model.Family``), its status read included.

What the gateway wants, as opposed to what the legacy calls take: ``Region`` (a request with only
``RegionId`` is refused with ``MissingRegion``), ``PageNumber`` (not ``PageNum``), ``JobType``
(the service defaults to migration tasks), the name filter as ``Type=name`` + ``Params``, and tags
as one JSON list of ``{"key", "value"}``.
"""

import json
from typing import Any, Callable, Container, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

from ansible_collections.alibabacloud.dts.plugins.module_utils._api_legacy import tag_filters
from ansible_collections.alibabacloud.dts.plugins.module_utils._client import run_concurrently
from ansible_collections.alibabacloud.dts.plugins.module_utils._errors import DtsApiError, DtsConfigError
from ansible_collections.alibabacloud.dts.plugins.module_utils._job_model import (
    IDENTITY,
    Family,
    status_entry,
    wants,
)
from ansible_collections.alibabacloud.dts.plugins.module_utils._normalize import (
    API_CURRENT,
    CURRENT_BOOLEAN_FIELDS,
    CURRENT_INTEGER_FIELDS,
    CURRENT_STATUS_FIELDS,
    DTS_JOB_FACTS,
    IDENTITY_DTS_JOB_FACTS,
    SUMMARY_DTS_JOB_FACTS,
    dts_job_directions,
    normalize_dts_direction,
)
from ansible_collections.alibabacloud.dts.plugins.module_utils._paging import (
    check_records,
    read_all_pages,
    total_records,
)

LIST_ACTION = 'DescribeDtsJobs'
DETAIL_ACTION = 'DescribeDtsJobDetail'
JOB_TYPES = {'sync': 'SYNC', 'migration': 'MIGRATION', 'subscribe': 'SUBSCRIBE'}
# The documentation has said 30/50/100, 20/30/50/100 (the SDK) and 10/20/30 with a maximum of 30
# (the newest page).  30 is in every list, so it is the default; whatever a page really holds,
# read_all_pages derives the page count from it, so a silent cap loses no job.
PAGE_SIZES = (10, 20, 30, 50, 100)
DEFAULT_PAGE_SIZE = 30
DIRECTIONS = ('Forward', 'Reverse')


def validate_page_size(page_size: Any, option: str = 'page_size') -> int:
    if page_size not in PAGE_SIZES:
        raise DtsConfigError('%s must be one of %s, got %r.'
                             % (option, ', '.join(str(size) for size in PAGE_SIZES), page_size), option=option)
    return page_size


def validate_job_type(job_type: Optional[str], option: str = 'job_type') -> str:
    """The wire value (``SYNC``...) of a job type given as ``sync``, ``migration`` or ``subscribe``."""
    wire = JOB_TYPES.get(job_type.strip().lower()) if isinstance(job_type, str) else None
    if wire is None:
        raise DtsConfigError('%s must be one of %s, got %r.' % (option, ', '.join(JOB_TYPES), job_type),
                             option=option)
    return wire


def job_filters(job_type: str = 'sync', name: Optional[str] = None, tags: Optional[Mapping[str, Any]] = None,
                resource_group_id: Optional[str] = None, statuses: Optional[Iterable[str]] = None,
                job_id: Optional[str] = None, instance_id: Optional[str] = None) -> Dict[str, Any]:
    """The server-side filter parameters of DescribeDtsJobs (``statuses`` in documented spelling)."""
    query: Dict[str, Any] = {'JobType': validate_job_type(job_type)}
    if name:
        query['Type'] = 'name'
        query['Params'] = name
    if resource_group_id:
        query['ResourceGroupId'] = resource_group_id
    if statuses:
        query['Status'] = ','.join(statuses)
    if job_id:
        query['DtsJobId'] = job_id
    if instance_id:
        query['DtsInstanceId'] = instance_id
    entries = []
    for key, value in tag_filters(tags):
        entries.append({'key': key} if value is None else {'key': key, 'value': value})
    if entries:
        query['Tags'] = json.dumps(entries, separators=(',', ':'), ensure_ascii=False)
    return query


def _check_jobs_page(action, body):
    if not isinstance(body.get('DtsJobList'), list) or 'TotalRecordCount' not in body:
        raise DtsApiError(action, 'InvalidResponse', 'the answer lacks DtsJobList or TotalRecordCount',
                          request_id=body.get('RequestId'))
    check_records(action, body, 'DtsJobList', ('DtsJobId', 'DtsInstanceID', 'DtsJobDirection'), nested=('ReverseJob',))


def record_key(record: Mapping[str, Any]) -> Tuple[Any, Any]:
    """What makes a DescribeDtsJobs entry the same one on another page (its reverse is nested in it)."""
    return record.get('DtsJobId'), record.get('DtsInstanceID')


def list_dts_jobs(client: Any, job_type: str = 'sync', name: Optional[str] = None,
                  tags: Optional[Mapping[str, Any]] = None, resource_group_id: Optional[str] = None,
                  statuses: Optional[Iterable[str]] = None, job_id: Optional[str] = None,
                  instance_id: Optional[str] = None, page_size: int = DEFAULT_PAGE_SIZE,
                  transform: Optional[Callable[[Any], Any]] = None) -> List[Any]:
    """Every DescribeDtsJobs entry of the client's region matching the filters, each exactly once
    (or ``transform(record)`` of each: see ``_paging.read_all_pages``).

    One entry per job: a two-way job's reverse direction is nested under ``ReverseJob``.
    """
    filters = job_filters(job_type=job_type, name=name, tags=tags, resource_group_id=resource_group_id,
                          statuses=statuses, job_id=job_id, instance_id=instance_id)
    validate_page_size(page_size)
    return read_all_pages(page_fetcher(client, filters), lambda page: page['DtsJobList'], record_key, page_size,
                          client.max_concurrency, action=LIST_ACTION, region=client.region, transform=transform)


def page_fetcher(client: Any, filters: Mapping[str, Any]) -> Callable[[int, int], Dict[str, Any]]:
    """``fetch(page_number, page_size)`` for read_all_pages, over DescribeDtsJobs with ``filters``."""

    def fetch(page_number, size):
        query = dict(filters, Region=client.region, PageSize=size, PageNumber=page_number)
        return client.call(LIST_ACTION, query, validate=_check_jobs_page)
    return fetch


def describe_dts_job_detail(client: Any, job_id: str, instance_id: Optional[str] = None,
                            direction: Optional[str] = None) -> Dict[str, Any]:
    """The raw DescribeDtsJobDetail answer for one direction of a job (``Forward`` unless told).

    Its ``Delay`` is in milliseconds, unlike the listing's seconds; the normaliser converts it.
    """
    if direction is not None and direction not in DIRECTIONS:
        raise DtsConfigError('direction must be Forward or Reverse, got %r.' % (direction,), option='direction')
    query = {'DtsJobId': job_id, 'DtsInstanceID': instance_id}
    if direction == 'Reverse':
        # Only a two-way job's reverse direction is asked for by name; Forward is the default.
        query['SynchronizationDirection'] = direction
    return client.call(DETAIL_ACTION, query)


def record_ids(record: Mapping[str, Any]) -> List[str]:
    """Every id a DescribeDtsJobs entry answers to: its job id, instance id and its reverse's job id."""
    ids = [record.get('DtsJobId'), record.get('DtsInstanceID')]
    reverse = record.get('ReverseJob')
    if isinstance(reverse, dict):
        ids.append(reverse.get('DtsJobId'))
    return [value for value in ids if value]


def _lookup_one(client, job_id, job_type):
    """The DescribeDtsJobs entries that answer to ``job_id``: one request, two when the first guess misses.

    Instance ids start with ``dts``; job ids usually do not.  Whichever is guessed, the answer
    is checked, so a guess that is wrong costs a request, never a wrong job.
    """
    guesses = ('instance_id', 'job_id') if job_id.startswith('dts') else ('job_id', 'instance_id')
    for guess in guesses:
        records = list_dts_jobs(client, job_type=job_type, **{guess: job_id})
        matching = [record for record in records if job_id in record_ids(record)]
        if matching:
            return matching
    return []


def _match(records, job_ids):
    wanted = set(job_ids)
    found: Dict[str, Dict[str, Any]] = {}
    for record in records:
        for value in record_ids(record):
            if value in wanted:
                found.setdefault(value, record)
    return found


def lookup_current_jobs(client: Any, job_ids: Sequence[str], job_type: str = 'sync',
                        page_size: int = DEFAULT_PAGE_SIZE) -> Dict[str, Dict[str, Any]]:
    """``{id: DescribeDtsJobs entry}`` for the ``job_ids`` (job ids or instance ids) the current family knows.

    Requests, for n ids: one id is looked up alone (1 request, 2 if its kind was guessed wrong).
    Otherwise page 1 of the region's listing comes first; when it does not hold every id, the
    rest of the listing is read if it is no more pages than ids still unknown, else each unknown
    id is looked up on its own, concurrently.  So at most 1 + min(pages - 1, 2 x unknown).
    """
    job_ids = list(job_ids)
    if len(job_ids) <= 1:
        records = _lookup_one(client, job_ids[0], job_type) if job_ids else []
        return {job_ids[0]: records[0]} if records else {}
    fetch = page_fetcher(client, job_filters(job_type=job_type))
    first = fetch(1, page_size)
    found = _match(first['DtsJobList'], job_ids)
    unknown = [job_id for job_id in job_ids if job_id not in found]
    if not unknown:
        return found
    held = len(first['DtsJobList'])
    size = held if 0 < held < page_size else page_size
    remaining_pages = max(0, -(-total_records(first, LIST_ACTION, client.region) // size) - 1)
    if remaining_pages <= len(unknown):
        def fetch_again(number, asked):
            return first if (number, asked) == (1, page_size) else fetch(number, asked)
        records = read_all_pages(fetch_again, lambda page: page['DtsJobList'], record_key, page_size,
                                 client.max_concurrency, action=LIST_ACTION, region=client.region)
        found.update(_match(records, unknown))
        return found
    answers = run_concurrently(lambda job_id: _lookup_one(client, job_id, job_type), unknown, client.max_concurrency)
    for job_id, records in zip(unknown, answers):
        if records:
            found[job_id] = records[0]
    return found


class CurrentFamily(Family):
    """The current family as a ``_job_model.Family``: one entry per job, its reverse nested.

    Its records name a task id and an instance id; its status read (DescribeDtsJobs) carries the
    delay, in seconds, ``-1`` before incremental synchronization starts, and the error message.
    """

    name = API_CURRENT
    precedence = 2
    page_sizes = PAGE_SIZES
    default_page_size = DEFAULT_PAGE_SIZE
    identity_fields = {'job_id': 'DtsJobId', 'instance_id': 'DtsInstanceID', 'name': 'DtsJobName',
                       'direction': 'DtsJobDirection', 'job_type': 'JobType'}
    fact_names = DTS_JOB_FACTS
    summary_facts = SUMMARY_DTS_JOB_FACTS
    identity_facts = IDENTITY_DTS_JOB_FACTS
    integer_fields = CURRENT_INTEGER_FIELDS
    boolean_fields = CURRENT_BOOLEAN_FIELDS
    status_fields = CURRENT_STATUS_FIELDS
    status_is_complete = True
    tells_delay_not_started = True
    # What a status entry shows, nothing more.
    status_facts = frozenset(SUMMARY_DTS_JOB_FACTS + (IDENTITY,))

    def validate_page_size(self, page_size: Any, option: str = 'page_size') -> int:
        return validate_page_size(page_size, option)

    def filters(self, name: Optional[str] = None, tags: Optional[Mapping[str, Any]] = None,
                resource_group_id: Optional[str] = None) -> Dict[str, Any]:
        return job_filters(name=name, tags=tags, resource_group_id=resource_group_id)

    def list_records(self, client: Any, page_size: Optional[int] = None, name: Optional[str] = None,
                     tags: Optional[Mapping[str, Any]] = None, resource_group_id: Optional[str] = None,
                     transform: Optional[Callable[[Any], Any]] = None) -> List[Any]:
        return list_dts_jobs(client, name=name, tags=tags, resource_group_id=resource_group_id,
                             page_size=page_size or DEFAULT_PAGE_SIZE, transform=transform)

    def normalize(self, record: Mapping[str, Any], region: Optional[str],
                  facts: Optional[Container[str]] = None,
                  warn: Optional[Callable[[str], Any]] = None) -> List[Dict[str, Any]]:
        result = []
        for raw, direction in dts_job_directions(record):
            fact = normalize_dts_direction(raw, region, facts, direction, warn)
            if wants(facts, IDENTITY):
                fact[IDENTITY] = self.identity(raw, region, direction)
            result.append(fact)
        return result

    def status_of(self, job_id: str, record: Mapping[str, Any], region: Optional[str],
                  warn: Optional[Callable[[str], Any]] = None) -> Dict[str, Any]:
        """One DescribeDtsJobs entry as the status entry of ``job_id`` (the id as asked)."""
        records = self.normalize(record, region, self.status_facts, warn)
        directions = [{
            'synchronization_direction': fact[IDENTITY]['direction'],
            'status': fact['status'],
            'checkpoint': fact['checkpoint'],
            'checkpoint_time': fact['checkpoint_time'],
            'delay': fact['delay'],
            'error_message': fact['error_message'],
        } for fact in records]
        forward = records[0]
        return status_entry(job_id, forward[IDENTITY], directions, error_message=forward['error_message'],
                            dts_job_id=forward['dts_job_id'], dts_instance_id=forward['dts_instance_id'])

    def read_statuses(self, client: Any, job_ids: Sequence[str]) -> Dict[str, Dict[str, Any]]:
        """Looked up through DescribeDtsJobs (see lookup_current_jobs for the request count)."""
        return dict((job_id, self.status_of(job_id, record, client.region, client.warn))
                    for job_id, record in lookup_current_jobs(client, job_ids).items())


CURRENT = CurrentFamily()
