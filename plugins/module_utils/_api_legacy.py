# -*- coding: utf-8 -*-
# Copyright: Contributors to the alibabacloud.dts collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The legacy DTS API family: DescribeSynchronizationJobs and DescribeSynchronizationJobStatusList.

Alibaba stopped maintaining these in 2022 but still serves them; jobs made with the current
console and API may not appear here (``_api_current`` reads those).  Each function takes a
``DtsClient`` and returns the API's raw records; ``_normalize`` turns them into facts.
``LEGACY`` is the family as the rest of the collection sees it (``_job_model.Family``).
"""

import json
from typing import Any, Callable, Container, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

from ansible_collections.alibabacloud.dts.plugins.module_utils._concurrency import run_concurrently
from ansible_collections.alibabacloud.dts.plugins.module_utils._errors import DtsApiError, DtsConfigError
from ansible_collections.alibabacloud.dts.plugins.module_utils._job_model import (
    IDENTITY,
    Family,
    status_entry,
    wants,
)
from ansible_collections.alibabacloud.dts.plugins.module_utils._normalize import (
    API_LEGACY,
    BOOLEAN_FIELDS,
    IDENTITY_JOB_FACTS,
    INTEGER_FIELDS,
    JOB_FACTS,
    STATUS_FIELDS,
    SUMMARY_JOB_FACTS,
    normalize_job,
    normalize_status,
)
from ansible_collections.alibabacloud.dts.plugins.module_utils._paging import check_records, read_all_pages

LIST_JOBS_ACTION = 'DescribeSynchronizationJobs'
STATUS_LIST_ACTION = 'DescribeSynchronizationJobStatusList'
PAGE_SIZES = (10, 20, 30)
DEFAULT_PAGE_SIZE = 30
MAX_TAG_FILTERS = 20
# The id list travels in the query string.  Past a few KB some gateways and proxies
# refuse the request line, so a long list is split into chunks fetched concurrently.
MAX_ENCODED_ID_LIST = 4000


def validate_page_size(page_size: Any, option: str = 'page_size') -> int:
    if page_size not in PAGE_SIZES:
        raise DtsConfigError(
            '%s must be one of %s, got %r.' % (option, ', '.join(str(size) for size in PAGE_SIZES), page_size),
            option=option,
        )
    return page_size


def job_filters(
    name: Optional[str] = None, tags: Optional[Mapping[str, Any]] = None, resource_group_id: Optional[str] = None
) -> Dict[str, Any]:
    """The server-side filter parameters of DescribeSynchronizationJobs."""
    query: Dict[str, Any] = {}
    if name:
        query['SynchronizationJobName'] = name
    if resource_group_id:
        query['ResourceGroupId'] = resource_group_id
    for index, (key, value) in enumerate(tag_filters(tags), start=1):
        query['Tag.%d.Key' % index] = key
        if value is not None:
            query['Tag.%d.Value' % index] = value
    return query


def tag_filters(tags: Optional[Mapping[str, Any]]) -> List[Tuple[str, Optional[str]]]:
    """The ``tags`` option as sorted (key, value) pairs, checked as both API families need them.

    A null value filters on the key alone (None here); an empty string is a real (empty) value.
    """
    tags = tags or {}
    if len(tags) > MAX_TAG_FILTERS:
        raise DtsConfigError(
            'tags accepts at most %d tags, got %d; drop some or filter the rest with query.'
            % (MAX_TAG_FILTERS, len(tags)),
            option='tags',
        )
    pairs = []
    for key in sorted(tags):
        if not isinstance(key, str) or not key.strip():
            raise DtsConfigError('tags keys must be non-empty strings; remove the empty key.', option='tags')
        pairs.append((key, None if tags[key] is None else str(tags[key])))
    return pairs


def _check_jobs_page(action, body):
    if not isinstance(body.get('SynchronizationInstances'), list) or 'TotalRecordCount' not in body:
        raise DtsApiError(
            action,
            'InvalidResponse',
            'the answer lacks SynchronizationInstances or TotalRecordCount',
            request_id=body.get('RequestId'),
        )
    check_records(action, body, 'SynchronizationInstances', ('SynchronizationJobId', 'SynchronizationDirection'))


def _check_status_page(action, body):
    if not isinstance(body.get('SynchronizationJobListStatusList'), list):
        raise DtsApiError(
            action,
            'InvalidResponse',
            'the answer lacks SynchronizationJobListStatusList',
            request_id=body.get('RequestId'),
        )
    check_records(action, body, 'SynchronizationJobListStatusList', ('SynchronizationJobId',))


def _record_key(record):
    # A two-way job is listed once per direction, with the same id.
    return record.get('SynchronizationJobId'), record.get('SynchronizationDirection') or 'Forward'


def list_jobs(
    client: Any,
    page_size: int = DEFAULT_PAGE_SIZE,
    name: Optional[str] = None,
    tags: Optional[Mapping[str, Any]] = None,
    resource_group_id: Optional[str] = None,
    transform: Optional[Callable[[Any], Any]] = None,
    transform_lock: Any = None,
) -> List[Any]:
    """Every job record of the client's region matching the server-side filters, each exactly once
    (or ``transform(record)`` of each: see ``_paging.read_all_pages``)."""
    filters = job_filters(name=name, tags=tags, resource_group_id=resource_group_id)
    validate_page_size(page_size)

    def fetch(page_number, size):
        query = dict(filters, PageSize=size, PageNum=page_number)
        return client.call(LIST_JOBS_ACTION, query, validate=_check_jobs_page)

    return read_all_pages(
        fetch,
        lambda page: page['SynchronizationInstances'],
        _record_key,
        page_size,
        client.max_concurrency,
        action=LIST_JOBS_ACTION,
        region=client.region,
        transform=transform,
        transform_lock=transform_lock,
    )


def chunk_job_ids(job_ids: Iterable[str], limit: int = MAX_ENCODED_ID_LIST) -> List[List[str]]:
    """Split ids into as few chunks as keep each encoded JSON list under ``limit`` characters."""
    chunks: List[List[str]] = []
    current: List[str] = []
    size = 2
    for job_id in job_ids:
        # json plus percent-encoding: quotes and the comma become %22 and %2C.
        cost = len(json.dumps(job_id)) + 6 + 3
        if current and size + cost > limit:
            chunks.append(current)
            current, size = [], 2
        current.append(job_id)
        size += cost
    if current:
        chunks.append(current)
    return chunks


def describe_statuses(client: Any, job_ids: Iterable[str]) -> List[Dict[str, Any]]:
    """The raw status entries for ``job_ids`` (unknown ids are simply absent)."""

    def fetch(chunk):
        query = {'SynchronizationJobIdListJsonStr': json.dumps(chunk, separators=(',', ':'))}
        return client.call(STATUS_LIST_ACTION, query, validate=_check_status_page)

    answers = run_concurrently(fetch, chunk_job_ids(job_ids), client.max_concurrency)
    return [entry for answer in answers for entry in answer['SynchronizationJobListStatusList']]


class LegacyFamily(Family):
    """The legacy family as a ``_job_model.Family``: one record per job direction, keyed by job id.

    Its job id is its instance id (``dts...``); its status list carries no delay and no error
    message, and its listing reports a delay not started as ``0``.
    """

    name = API_LEGACY
    precedence = 1
    page_sizes = PAGE_SIZES
    default_page_size = DEFAULT_PAGE_SIZE
    identity_fields = {
        'job_id': 'SynchronizationJobId',
        'instance_id': 'SynchronizationJobId',
        'name': 'SynchronizationJobName',
        'direction': 'SynchronizationDirection',
    }
    fact_names = JOB_FACTS
    summary_facts = SUMMARY_JOB_FACTS
    identity_facts = IDENTITY_JOB_FACTS
    integer_fields = INTEGER_FIELDS
    boolean_fields = BOOLEAN_FIELDS
    status_fields = STATUS_FIELDS
    status_is_complete = False
    tells_delay_not_started = False
    lists_task_ids = False

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
        return list_jobs(
            client,
            page_size=page_size or DEFAULT_PAGE_SIZE,
            name=name,
            tags=tags,
            resource_group_id=resource_group_id,
            transform=transform,
            transform_lock=transform_lock,
        )

    def read_records(self, client: Any, job_ids: Sequence[str]) -> List[Dict[str, Any]]:
        """The whole listing: DescribeSynchronizationJobs has no id filter (only a name, tags and a
        resource group), so a job is found by reading every page of its region."""
        return list_jobs(client)

    def normalize(
        self,
        record: Mapping[str, Any],
        region: Optional[str],
        facts: Optional[Container[str]] = None,
        warn: Optional[Callable[[str], Any]] = None,
    ) -> List[Dict[str, Any]]:
        result = normalize_job(record, region, facts, warn)
        if wants(facts, IDENTITY):
            result[IDENTITY] = self.identity(record, region)
        return [result]

    def read_statuses(self, client: Any, job_ids: Sequence[str]) -> Dict[str, Dict[str, Any]]:
        """One status list request (a few concurrent chunks for a very long id list)."""
        found: Dict[str, Dict[str, Any]] = {}
        for raw in describe_statuses(client, job_ids):
            entry = normalize_status(raw, client.warn, client.region)
            job_id = entry['synchronization_job_id']
            if job_id not in found:
                found[job_id] = status_entry(job_id, self.identity(raw, client.region), entry['directions'])
        return found


LEGACY = LegacyFamily()
