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
from ansible_collections.alibabacloud.dts.plugins.module_utils._concurrency import run_concurrently
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
from ansible_collections.alibabacloud.dts.plugins.module_utils._paging import check_records, read_all_pages

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
        raise DtsConfigError(
            '%s must be one of %s, got %r.' % (option, ', '.join(str(size) for size in PAGE_SIZES), page_size),
            option=option,
        )
    return page_size


def validate_job_type(job_type: Optional[str], option: str = 'job_type') -> str:
    """The wire value (``SYNC``...) of a job type given as ``sync``, ``migration`` or ``subscribe``."""
    wire = JOB_TYPES.get(job_type.strip().lower()) if isinstance(job_type, str) else None
    if wire is None:
        raise DtsConfigError('%s must be one of %s, got %r.' % (option, ', '.join(JOB_TYPES), job_type), option=option)
    return wire


def job_filters(
    job_type: str = 'sync',
    name: Optional[str] = None,
    tags: Optional[Mapping[str, Any]] = None,
    resource_group_id: Optional[str] = None,
    statuses: Optional[Iterable[str]] = None,
    job_id: Optional[str] = None,
    instance_id: Optional[str] = None,
) -> Dict[str, Any]:
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
        raise DtsApiError(
            action,
            'InvalidResponse',
            'the answer lacks DtsJobList or TotalRecordCount',
            request_id=body.get('RequestId'),
        )
    check_records(action, body, 'DtsJobList', ('DtsJobId', 'DtsInstanceID', 'DtsJobDirection'), nested=('ReverseJob',))


def record_key(record: Mapping[str, Any]) -> Tuple[Any, Any]:
    """What makes a DescribeDtsJobs entry the same one on another page (its reverse is nested in it)."""
    return record.get('DtsJobId'), record.get('DtsInstanceID')


def list_dts_jobs(
    client: Any,
    job_type: str = 'sync',
    name: Optional[str] = None,
    tags: Optional[Mapping[str, Any]] = None,
    resource_group_id: Optional[str] = None,
    statuses: Optional[Iterable[str]] = None,
    job_id: Optional[str] = None,
    instance_id: Optional[str] = None,
    page_size: int = DEFAULT_PAGE_SIZE,
    transform: Optional[Callable[[Any], Any]] = None,
    transform_lock: Any = None,
) -> List[Any]:
    """Every DescribeDtsJobs entry of the client's region matching the filters, each exactly once
    (or ``transform(record)`` of each: see ``_paging.read_all_pages``).

    One entry per job: a two-way job's reverse direction is nested under ``ReverseJob``.
    """
    filters = job_filters(
        job_type=job_type,
        name=name,
        tags=tags,
        resource_group_id=resource_group_id,
        statuses=statuses,
        job_id=job_id,
        instance_id=instance_id,
    )
    validate_page_size(page_size)
    return read_all_pages(
        page_fetcher(client, filters),
        lambda page: page['DtsJobList'],
        record_key,
        page_size,
        client.max_concurrency,
        action=LIST_ACTION,
        region=client.region,
        transform=transform,
        transform_lock=transform_lock,
    )


def page_fetcher(client: Any, filters: Mapping[str, Any]) -> Callable[[int, int], Dict[str, Any]]:
    """``fetch(page_number, page_size)`` for read_all_pages, over DescribeDtsJobs with ``filters``."""

    def fetch(page_number, size):
        query = dict(filters, Region=client.region, PageSize=size, PageNumber=page_number)
        return client.call(LIST_ACTION, query, validate=_check_jobs_page)

    return fetch


def describe_dts_job_detail(
    client: Any, job_id: str, instance_id: Optional[str] = None, direction: Optional[str] = None
) -> Dict[str, Any]:
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


# Ids per DescribeDtsJobs lookup (a comma-separated DtsInstanceId or DtsJobId): the query string stays
# about a kilobyte, and the answer two pages of 30 at most.
IDS_PER_LOOKUP = 50


def _chunks(ids, size=IDS_PER_LOOKUP):
    return [list(ids[start : start + size]) for start in range(0, len(ids), size)]


def _match(records, job_ids):
    wanted = set(job_ids)
    found: Dict[str, Dict[str, Any]] = {}
    for record in records:
        for value in record_ids(record):
            if value in wanted:
                found.setdefault(value, record)
    return found


def _guess(job_id, first_pass):
    """The filter an id is looked up by: instance ids start with ``dts``, task ids usually do not;
    a wrong guess costs the second pass, never a wrong job (answers are matched by record_ids)."""
    instance_first = job_id.startswith('dts')
    return 'instance_id' if instance_first == first_pass else 'job_id'


def _lookup(asked: Tuple[Any, Tuple[str, str, List[str]]]) -> List[Dict[str, Any]]:
    client, (job_type, guess, ids) = asked
    listed = ','.join(ids)
    if guess == 'instance_id':
        return list_dts_jobs(client, job_type=job_type, instance_id=listed)
    return list_dts_jobs(client, job_type=job_type, job_id=listed)


def lookup_current_jobs(
    client: Any, job_ids: Sequence[str], job_types: Sequence[str] = ('sync',)
) -> Dict[str, Dict[str, Any]]:
    """``{id: DescribeDtsJobs entry}`` for the ``job_ids`` (task ids or instance ids) the current family knows.

    Only the named jobs are read, whatever the size of the region: the ids travel in the
    ``DtsInstanceId`` and ``DtsJobId`` filters, at most IDS_PER_LOOKUP a request.  For each job type,
    a first pass asks each id by the filter its prefix suggests (``dts``: instance id), a second
    pass asks the ids still unknown by the other filter.  Requests, for n ids of one job type: one
    when a single id is guessed right, at most 2 x ceil(n / 50) lookups of at most two pages each
    otherwise (4 x ceil(n / 50)); a region of 12,000 jobs costs what a region of 12 does.
    """
    job_ids = list(dict.fromkeys(job_ids))
    found: Dict[str, Dict[str, Any]] = {}
    for job_type in job_types:
        for first_pass in (True, False):
            unknown = [job_id for job_id in job_ids if job_id not in found]
            if not unknown:
                return found
            lookups: List[Tuple[str, str, List[str]]] = []
            for guess in ('instance_id', 'job_id'):
                guessed = [job_id for job_id in unknown if _guess(job_id, first_pass) == guess]
                lookups.extend((job_type, guess, chunk) for chunk in _chunks(guessed))
            answers = run_concurrently(_lookup, [(client, lookup) for lookup in lookups], client.max_concurrency)
            for records in answers:
                found.update(
                    (job_id, record) for job_id, record in _match(records, unknown).items() if job_id not in found
                )
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
    identity_fields = {
        'job_id': 'DtsJobId',
        'instance_id': 'DtsInstanceID',
        'name': 'DtsJobName',
        'direction': 'DtsJobDirection',
        'job_type': 'JobType',
    }
    fact_names = DTS_JOB_FACTS
    summary_facts = SUMMARY_DTS_JOB_FACTS
    identity_facts = IDENTITY_DTS_JOB_FACTS
    integer_fields = CURRENT_INTEGER_FIELDS
    boolean_fields = CURRENT_BOOLEAN_FIELDS
    status_fields = CURRENT_STATUS_FIELDS
    status_is_complete = True
    tells_delay_not_started = True
    lists_task_ids = True
    reads_by_id = True
    # What a status entry shows, nothing more.
    status_facts = frozenset(SUMMARY_DTS_JOB_FACTS + (IDENTITY,))

    def validate_page_size(self, page_size: Any, option: str = 'page_size') -> int:
        return validate_page_size(page_size, option)

    def filters(
        self,
        name: Optional[str] = None,
        tags: Optional[Mapping[str, Any]] = None,
        resource_group_id: Optional[str] = None,
    ) -> Dict[str, Any]:
        return job_filters(name=name, tags=tags, resource_group_id=resource_group_id)

    def list_records(
        self,
        client: Any,
        page_size: Optional[int] = None,
        name: Optional[str] = None,
        tags: Optional[Mapping[str, Any]] = None,
        resource_group_id: Optional[str] = None,
        transform: Optional[Callable[[Any], Any]] = None,
        transform_lock: Any = None,
    ) -> List[Any]:
        return list_dts_jobs(
            client,
            name=name,
            tags=tags,
            resource_group_id=resource_group_id,
            page_size=page_size or DEFAULT_PAGE_SIZE,
            transform=transform,
            transform_lock=transform_lock,
        )

    def read_records(self, client: Any, job_ids: Sequence[str]) -> List[Dict[str, Any]]:
        """The DescribeDtsJobs entries of the named jobs, looked up by id (lookup_current_jobs)."""
        records = dict((record_key(record), record) for record in lookup_current_jobs(client, job_ids).values())
        return list(records.values())

    def normalize(
        self,
        record: Mapping[str, Any],
        region: Optional[str],
        facts: Optional[Container[str]] = None,
        warn: Optional[Callable[[str], Any]] = None,
    ) -> List[Dict[str, Any]]:
        result = []
        for raw, direction in dts_job_directions(record):
            fact = normalize_dts_direction(raw, region, facts, direction, warn)
            if wants(facts, IDENTITY):
                fact[IDENTITY] = self.identity(raw, region, direction)
            result.append(fact)
        return result

    def status_of(
        self, job_id: str, record: Mapping[str, Any], region: Optional[str], warn: Optional[Callable[[str], Any]] = None
    ) -> Dict[str, Any]:
        """One DescribeDtsJobs entry as the status entry of ``job_id`` (the id as asked)."""
        records = self.normalize(record, region, self.status_facts, warn)
        directions = [
            {
                'synchronization_direction': fact[IDENTITY]['direction'],
                'status': fact['status'],
                'checkpoint': fact['checkpoint'],
                'checkpoint_time': fact['checkpoint_time'],
                'delay': fact['delay'],
                'error_message': fact['error_message'],
            }
            for fact in records
        ]
        forward = records[0]
        return status_entry(
            job_id,
            forward[IDENTITY],
            directions,
            error_message=forward['error_message'],
            dts_job_id=forward['dts_job_id'],
            dts_instance_id=forward['dts_instance_id'],
        )

    def read_statuses(self, client: Any, job_ids: Sequence[str]) -> Dict[str, Dict[str, Any]]:
        """Looked up through DescribeDtsJobs by id (see lookup_current_jobs for the request count)."""
        return dict(
            (job_id, self.status_of(job_id, record, client.region, client.warn))
            for job_id, record in lookup_current_jobs(client, job_ids).items()
        )


CURRENT = CurrentFamily()
