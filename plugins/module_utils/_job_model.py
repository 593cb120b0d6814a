# -*- coding: utf-8 -*-
# Copyright: Contributors to the alibabacloud.dts collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One job model for every API family: the family interface, the identity block and the merge rule.

Each DTS API family (``_api_legacy``, ``_api_current``) is a ``Family``: how it lists a region, reads
statuses, filters, pages and types its fields, and how its records name their job.  ``_families``
holds the registry.  Everything else (modules, waiter, inventory, event source, audit filters)
reads a job's identity from one block every normalised record and status entry carries::

    identity: {job_id, instance_id, name, direction, family, region, job_type}

and never asks which family a record came from.
"""

from typing import Any, Callable, Container, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

from ansible_collections.alibabacloud.dts.plugins.module_utils._normalize import canonical_status, snake_case

IDENTITY = 'identity'
IDENTITY_KEYS = ('job_id', 'instance_id', 'name', 'direction', 'family', 'region', 'job_type')


def job_identity(
    record: Mapping[str, Any],
    fields: Mapping[str, str],
    family: str,
    region: Optional[str],
    job_type: Optional[str] = None,
    direction: Optional[str] = None,
) -> Dict[str, Any]:
    """The identity block of ``record``, a raw record or its facts: THE one identity function.

    ``fields`` maps ``job_id``, ``instance_id``, ``name``, ``direction`` and ``job_type`` to the
    family's wire field names; a fact dict is read by their snake_case, so the same call names a
    job from the API's answer, from a module's result or from an inventory host's variables.
    A family whose job id is its instance id (the legacy one) maps both to the same field.
    """

    def read(key):
        name = fields.get(key)
        if name is None:
            return None
        value = record.get(name)
        return record.get(snake_case(name)) if value is None else value

    job_id = read('job_id')
    given_type = read('job_type') or job_type
    return {
        'job_id': job_id,
        'instance_id': read('instance_id') or job_id,
        'name': read('name'),
        'direction': canonical_status(read('direction')) or direction or 'Forward',
        'family': family,
        'region': region,
        'job_type': given_type.lower() if isinstance(given_type, str) else given_type,
    }


def identity_key(identity: Mapping[str, Any]) -> Tuple[Any, Any]:
    """What makes two descriptions the same job direction: the instance id and the direction."""
    return identity['instance_id'], identity['direction']


def wants(facts: Optional[Container[str]], name: str) -> bool:
    """Whether a fact selection (None: every fact) keeps ``name``."""
    return facts is None or name in facts


def _empty(value: Any) -> bool:
    # None is a value (a delay not started, an error DTS did not give); only an empty list or
    # dict says "this family has nothing here".
    return isinstance(value, (list, dict)) and not value


def fill_missing(
    primary: Mapping[str, Any], secondary: Mapping[str, Any], renamed: Optional[Mapping[str, str]] = None
) -> Dict[str, Any]:
    """``primary`` with every fact only ``secondary`` has: THE merge rule, applied recursively.

    A fact ``primary`` lacks, or holds as an empty list or dict, is taken from ``secondary``;
    dicts both hold are merged the same way; everything else is ``primary``'s.  ``renamed`` maps
    ``secondary``'s top-level names to ``primary``'s where the families name one fact two ways.
    """
    merged = dict(primary)
    renamed = renamed or {}
    for key, value in secondary.items():
        key = renamed.get(key, key)
        if key == IDENTITY:
            continue
        if key not in merged or _empty(merged[key]):
            merged[key] = value
        elif isinstance(merged[key], dict) and isinstance(value, dict):
            merged[key] = fill_missing(merged[key], value)
    return merged


class Family:
    """The interface an API family implements (``_api_legacy.LEGACY``, ``_api_current.CURRENT``).

    Attributes: ``name`` (what ``api`` options and records say), ``precedence`` (where families
    describe one job, the higher one's description is kept and the others fill what it lacks),
    ``page_sizes`` / ``default_page_size``, ``identity_fields`` (wire names of the identity block's
    parts: how a record names its job), ``job_type`` (the type of a record that does not say),
    ``fact_names`` / ``summary_facts`` / ``identity_facts`` (what ``fields`` selects from),
    ``integer_fields`` / ``boolean_fields`` / ``status_fields`` (how wire values are typed),
    ``shared_facts`` (identity key -> this family's fact name, so a merge does not repeat them),
    ``status_is_complete`` (its status entries carry delay and error message),
    ``tells_delay_not_started`` (its listing can tell a delay not started from zero),
    ``lists_task_ids`` (its records carry the task id, ``DtsJobId``, that per-task actions such as
    DescribeJobMonitorRule ask with) and ``reads_by_id`` (``read_records`` reads only the named
    jobs, not the whole region).
    """

    name = ''
    precedence = 0
    page_sizes: Sequence[int] = ()
    default_page_size = 30
    identity_fields: Mapping[str, str] = {}
    job_type = 'sync'
    fact_names: Sequence[str] = ()
    summary_facts: Sequence[str] = ()
    identity_facts: Sequence[str] = ()
    integer_fields: Container[str] = frozenset()
    boolean_fields: Container[str] = frozenset()
    status_fields: Container[str] = frozenset()
    status_is_complete = False
    tells_delay_not_started = False
    lists_task_ids = False
    reads_by_id = False

    @property
    def shared_facts(self) -> Dict[str, str]:
        return dict((key, snake_case(name)) for key, name in self.identity_fields.items())

    def identity(
        self, record: Mapping[str, Any], region: Optional[str], direction: Optional[str] = None
    ) -> Dict[str, Any]:
        """The identity block of one of this family's records (raw or facts)."""
        return job_identity(record, self.identity_fields, self.name, region, self.job_type, direction)

    def validate_page_size(self, page_size: Any, option: str = 'page_size') -> int:
        raise NotImplementedError

    def filters(
        self,
        name: Optional[str] = None,
        tags: Optional[Mapping[str, Any]] = None,
        resource_group_id: Optional[str] = None,
    ) -> Dict[str, Any]:
        """The server-side filter parameters (checked: bad input raises DtsConfigError)."""
        raise NotImplementedError

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
        """Every raw synchronization job record of the client's region matching the filters, or
        ``transform(record)`` of each, applied while later pages are awaited, one listing at a time
        with a ``transform_lock`` shared by several (``_paging.read_all_pages``)."""
        raise NotImplementedError

    def read_records(self, client: Any, job_ids: Sequence[str]) -> List[Dict[str, Any]]:
        """The raw records of (at least) the named jobs: only those where the API filters by id
        (``reads_by_id``), else the whole listing of the region."""
        raise NotImplementedError

    def normalize(
        self,
        record: Mapping[str, Any],
        region: Optional[str],
        facts: Optional[Container[str]] = None,
        warn: Optional[Callable[[str], Any]] = None,
    ) -> List[Dict[str, Any]]:
        """One raw record as facts, one dict per job direction, each with its identity block; ``warn``
        hears of values that could not be converted (see _normalize)."""
        raise NotImplementedError

    def read_statuses(self, client: Any, job_ids: Sequence[str]) -> Dict[str, Dict[str, Any]]:
        """``{id as asked: status entry}`` for the ids this family knows (see ``status_entry``)."""
        raise NotImplementedError


def status_entry(
    job_id: str, identity: Mapping[str, Any], directions: List[Dict[str, Any]], **facts: Any
) -> Dict[str, Any]:
    """A status entry, the one shape for both families, which the waiter judges and modules return.

    ``directions``: ``{synchronization_direction, status, checkpoint, checkpoint_time}`` each, plus
    ``delay`` and ``error_message`` where the family's status read gives them.
    """
    forward = [item for item in directions if item['synchronization_direction'] == 'Forward']
    main = (forward or directions or [{'status': None}])[0]
    entry = {
        'synchronization_job_id': job_id,
        'status': main['status'],
        'directions': directions,
        'api': identity['family'],
        IDENTITY: dict(identity),
    }
    entry.update(facts)
    return entry


def records_by_identity(records: Iterable[Mapping[str, Any]]) -> Dict[Tuple[Any, Any], Mapping[str, Any]]:
    """Facts of one region keyed by their identity (instance id, direction) and (job id, direction)."""
    by_key: Dict[Tuple[Any, Any], Mapping[str, Any]] = {}
    for facts in records:
        identity = facts[IDENTITY]
        by_key.setdefault(identity_key(identity), facts)
        by_key.setdefault((identity['job_id'], identity['direction']), facts)
    return by_key
