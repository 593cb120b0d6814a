# -*- coding: utf-8 -*-
# Copyright: Contributors to the alibabacloud.dts collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Job listing and status reads as facts, with the filters every face of the collection shares.

Every family is read through the registry (``_families``) and its ``_job_model.Family``
interface; nothing here knows which family a record came from: filters read each record's
identity block, and a job several families list is merged by ``_families.merge_records``.
"""

from typing import Any, Callable, Collection, Dict, Iterable, List, Mapping, Optional, Sequence, Set, Tuple

from ansible_collections.alibabacloud.dts.plugins.module_utils import _api_current
from ansible_collections.alibabacloud.dts.plugins.module_utils._api_current import CURRENT
from ansible_collections.alibabacloud.dts.plugins.module_utils._api_legacy import LEGACY
from ansible_collections.alibabacloud.dts.plugins.module_utils._concurrency import run_concurrently
from ansible_collections.alibabacloud.dts.plugins.module_utils._errors import DtsConfigError
from ansible_collections.alibabacloud.dts.plugins.module_utils._families import (
    AUTO,
    NAMES,
    Family,
    families_for,
    family,
    merge_normalized,
    normalizer,
    validate_families,
)
from ansible_collections.alibabacloud.dts.plugins.module_utils._job_model import IDENTITY
from ansible_collections.alibabacloud.dts.plugins.module_utils._normalize import (
    JOB_STATUSES,
    canonical_status,
    normalize_dts_job_detail,
)

# A bound on one task's id list: enough for every job of a large account, small enough
# that a runaway variable is caught before it becomes thousands of requests.
MAX_JOB_IDS = 5000
MAX_JOB_ID_LENGTH = 128


def validate_statuses(
    statuses: Optional[Iterable[Any]], option: str = 'statuses', valid: Sequence[str] = JOB_STATUSES
) -> List[str]:
    """Documented spellings of ``statuses`` (any case in); an unknown one is an error listing the valid ones."""
    result = []
    for status in statuses or []:
        documented = canonical_status(status) if isinstance(status, str) else status
        if documented not in valid:
            raise DtsConfigError(
                '%s: %r is not a DTS job status; valid statuses are %s.' % (option, status, ', '.join(valid)),
                option=option,
            )
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
        raise DtsConfigError(
            '%s must list at least one DTS synchronization job id, for example [dtsexjk1alb116****].' % option,
            option=option,
        )
    result, seen = [], set()
    for job_id in job_ids or []:
        if not isinstance(job_id, str) or not job_id.strip():
            raise DtsConfigError('%s must hold non-empty job id strings; got %r.' % (option, job_id), option=option)
        if len(job_id) > MAX_JOB_ID_LENGTH or any(ord(char) < 32 for char in job_id):
            raise DtsConfigError(
                '%s: %r is not a job id (ids are short printable strings such as '
                'dtsexjk1alb116****).' % (option, job_id[:40] + '...'),
                option=option,
            )
        if job_id not in seen:
            seen.add(job_id)
            result.append(job_id)
    if len(result) > MAX_JOB_IDS:
        raise DtsConfigError(
            '%s lists %d ids; at most %d are accepted in one task. Split the list.'
            % (option, len(result), MAX_JOB_IDS),
            option=option,
        )
    return result


def validate_job_facts(
    fields: Optional[Iterable[Any]], option: str = 'fields', api: str = LEGACY.name
) -> Optional[Set[str]]:
    """The fact names ``fields`` asks for, as a set, or None for every fact.

    Entries are fact names of the ``api`` family's records, V(summary) or V(all); the identity
    facts are always included.
    """
    described = family(api)
    identity, summary, known = described.identity_facts, described.summary_facts, described.fact_names
    if not fields:
        raise DtsConfigError(
            '%s must name at least one fact, for example [summary] or [summary, precheck_status].' % option,
            option=option,
        )
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
            raise DtsConfigError(
                '%s: %r is not a job fact; use summary, all or any of %s.' % (option, entry, ', '.join(known)),
                option=option,
            )
    return selected


def _selected(facts: Optional[Collection[str]]) -> Optional[Collection[str]]:
    """``facts`` plus what filtering needs (the identity block and the status)."""
    return None if facts is None else frozenset(facts) | frozenset([IDENTITY, 'status'])


def family_facts(
    family: Family,
    records: Iterable[Mapping[str, Any]],
    region: Optional[str],
    job_ids: Optional[Iterable[str]] = None,
    statuses: Optional[Iterable[str]] = None,
    facts: Optional[Collection[str]] = None,
    warn: Optional[Callable[[str], Any]] = None,
) -> List[Dict[str, Any]]:
    """One family's raw records of a region as facts (``facts`` as its normaliser takes them), each
    direction filtered by ``statuses``; ``job_ids`` (job or instance ids) keep every direction of a
    job they name.  Filters read the identity block, so they work whatever facts are returned.
    """
    facts_of = record_facts(family, region, job_ids, statuses, facts, warn)
    return [fact for record in records for fact in facts_of(record)]


def record_facts(
    family: Family,
    region: Optional[str],
    job_ids: Optional[Iterable[str]] = None,
    statuses: Optional[Iterable[str]] = None,
    facts: Optional[Collection[str]] = None,
    warn: Optional[Callable[[str], Any]] = None,
) -> Callable[[Mapping[str, Any]], List[Dict[str, Any]]]:
    """What ``family_facts`` does to one raw record, as a function: the facts of its directions that
    pass the filters. The listing modules hand it to the paging as its ``transform``, so records are
    normalised while later pages wait for their turn."""
    wanted_ids = frozenset(job_ids) if job_ids else None
    status_wanted = status_filter(statuses)
    selection = _selected(facts)

    def facts_of(record):
        directions = family.normalize(record, region, selection, warn)
        if wanted_ids is not None and not any(
            wanted_ids.intersection((fact[IDENTITY]['job_id'], fact[IDENTITY]['instance_id'])) for fact in directions
        ):
            return []
        kept = []
        for fact in directions:
            if not status_wanted(fact['status']):
                continue
            for name in (IDENTITY, 'status'):
                if facts is not None and name not in facts:
                    del fact[name]
            kept.append(fact)
        return kept

    return facts_of


def list_job_facts(
    client: Any,
    name: Optional[str] = None,
    tags: Optional[Mapping[str, Any]] = None,
    resource_group_id: Optional[str] = None,
    job_ids: Optional[Iterable[str]] = None,
    statuses: Optional[Iterable[str]] = None,
    page_size: int = LEGACY.default_page_size,
    facts: Optional[Collection[str]] = None,
) -> List[Dict[str, Any]]:
    """Every job of the client's region as the legacy family lists it, server-side filters applied by DTS
    and ``job_ids`` / ``statuses`` (already validated) applied here; ``facts`` as for normalize_job."""
    facts_of = record_facts(LEGACY, client.region, job_ids, statuses, facts, client.warn)
    listed = LEGACY.list_records(
        client, page_size=page_size, name=name, tags=tags, resource_group_id=resource_group_id, transform=facts_of
    )
    return [fact for directions in listed for fact in directions]


def list_dts_job_facts(
    client: Any,
    job_type: str = 'sync',
    name: Optional[str] = None,
    tags: Optional[Mapping[str, Any]] = None,
    resource_group_id: Optional[str] = None,
    job_ids: Optional[Iterable[str]] = None,
    statuses: Optional[Iterable[str]] = None,
    page_size: int = _api_current.DEFAULT_PAGE_SIZE,
    facts: Optional[Collection[str]] = None,
) -> List[Dict[str, Any]]:
    """Every record (one per direction) of the region's ``job_type`` jobs, current family, as facts.

    ``name``, ``tags`` and ``resource_group_id`` are applied by DTS.  ``job_ids`` (job ids or
    instance ids) and ``statuses`` (documented spellings) are applied here, to each direction:
    DTS's own status filter looks at a job's forward direction only, so a two-way job whose
    reverse direction matches would be lost.
    """
    facts_of = record_facts(CURRENT, client.region, job_ids, statuses, facts, client.warn)
    listed = _api_current.list_dts_jobs(
        client,
        job_type=job_type,
        name=name,
        tags=tags,
        resource_group_id=resource_group_id,
        page_size=page_size,
        transform=facts_of,
    )
    return [fact for directions in listed for fact in directions]


def add_job_details(
    client: Any, jobs: List[Dict[str, Any]], max_concurrency: Optional[int] = None
) -> List[Dict[str, Any]]:
    """Each job record with ``detail``: its direction's DescribeDtsJobDetail facts, read concurrently.

    Reads are bounded by the client's concurrency window (and ``max_concurrency`` threads).
    """

    def read(job):
        body = _api_current.describe_dts_job_detail(
            client, job['dts_job_id'], instance_id=job.get('dts_instance_id'), direction=job['dts_job_direction']
        )
        return normalize_dts_job_detail(body, client.region, client.warn)

    details = run_concurrently(read, jobs, max_concurrency or client.max_concurrency)
    return [dict(job, detail=detail) for job, detail in zip(jobs, details)]


# -- every family ----------------------------------------------------------------------------------


def read_statuses(client: Any, job_ids: Sequence[str], api: str = AUTO) -> Tuple[List[Dict[str, Any]], List[str]]:
    """Status entries for ``job_ids`` in the order asked, and the ids no family asked knows.

    ``api``: a family's name reads that family only; V(auto) asks every family in registry order
    (the legacy status list first: one request, or a few concurrent chunks for a very long list,
    then DescribeDtsJobs, see ``_api_current.lookup_current_jobs``) for the ids the ones before did
    not know.  Ids of the current family may be job ids (``DtsJobId``) or instance ids (``DtsInstanceID``).

    Each entry (``_job_model.status_entry``): ``synchronization_job_id`` (the id as asked),
    ``status``, ``directions``, ``api`` (the family that answered) and ``identity``; a family whose
    status read is complete also gives each direction's ``delay`` and ``error_message``, and the
    current one ``dts_job_id`` and ``dts_instance_id``.
    """
    asked = families_for(api)
    by_id: Dict[str, Dict[str, Any]] = {}
    for reader in asked:
        unknown = [job_id for job_id in job_ids if job_id not in by_id]
        if unknown:
            by_id.update(reader.read_statuses(client, unknown))
    found = [by_id[job_id] for job_id in job_ids if job_id in by_id]
    missing = [job_id for job_id in job_ids if job_id not in by_id]
    return found, missing


def list_job_facts_all(
    client: Any,
    apis: Iterable[str] = NAMES,
    name: Optional[str] = None,
    tags: Optional[Mapping[str, Any]] = None,
    resource_group_id: Optional[str] = None,
    page_size: Optional[int] = None,
    facts: Optional[Collection[str]] = None,
) -> List[Dict[str, Any]]:
    """The region's synchronization jobs of the ``apis`` families as facts, each job direction once.

    The listings are read concurrently, each record normalised as soon as its page is in (while
    later pages wait for their turn), and merged by ``_families.merge_records``: a job several
    families list (the same instance id and direction) is returned once, as the family of highest
    precedence describes it, with every fact only the others have.  Every record carries ``api``
    (the family that describes it) and ``identity``.
    """
    families = validate_families(apis, option='apis')

    def read(lister):
        return lister.list_records(
            client,
            page_size=page_size,
            name=name,
            tags=tags,
            resource_group_id=resource_group_id,
            transform=normalizer(lister, client.region, facts, client.warn),
        )

    answers = run_concurrently(read, families, len(families))
    return merge_normalized(dict((lister.name, normalized) for lister, normalized in zip(families, answers)))
