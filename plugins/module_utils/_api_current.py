# -*- coding: utf-8 -*-
# Copyright: Contributors to the alibabacloud.dts collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The current DTS API family: DescribeDtsJobs and DescribeDtsJobDetail.

This is what the current console, API and Terraform make and read jobs with; jobs made this way
may not appear in the legacy listing.  Each function takes a ``DtsClient`` and returns the API's
raw records; ``_normalize.normalize_dts_job`` turns them into facts.

What the gateway wants, as opposed to what the legacy calls take: ``Region`` (a request with only
``RegionId`` is refused with ``MissingRegion``), ``PageNumber`` (not ``PageNum``), ``JobType``
(the service defaults to migration tasks), the name filter as ``Type=name`` + ``Params``, and tags
as one JSON list of ``{"key", "value"}``.
"""

import json
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Tuple

from ansible_collections.alibabacloud.dts.plugins.module_utils._api_legacy import tag_filters
from ansible_collections.alibabacloud.dts.plugins.module_utils._errors import DtsApiError, DtsConfigError
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
                  instance_id: Optional[str] = None, page_size: int = DEFAULT_PAGE_SIZE) -> List[Dict[str, Any]]:
    """Every DescribeDtsJobs entry of the client's region matching the filters, each exactly once.

    One entry per job: a two-way job's reverse direction is nested under ``ReverseJob``.
    """
    filters = job_filters(job_type=job_type, name=name, tags=tags, resource_group_id=resource_group_id,
                          statuses=statuses, job_id=job_id, instance_id=instance_id)
    validate_page_size(page_size)
    return read_all_pages(page_fetcher(client, filters), lambda page: page['DtsJobList'], record_key, page_size,
                          client.max_concurrency, action=LIST_ACTION, region=client.region)


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
