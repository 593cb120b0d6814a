# -*- coding: utf-8 -*-
# Copyright: Contributors to the alibabacloud.dts collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one normaliser: the API's records, as typed snake_case facts.

The wire format is loose: numbers arrive as strings, booleans as "true"/"false" or
real booleans, statuses in any case (and one misspelt), a delay in seconds or milliseconds.
Everything users see goes through here, so a playbook can compare ``delay > 300`` or
``status == 'Synchronizing'``.  Each field is typed as the vendor documents it for its action
and job type (the field table, ``_fields``, generated from the SDK: see docs/fields.md) by
``_convert.typed``: durations in seconds, times as Unix seconds or ISO 8601 UTC.

The answers are not trusted either: a typed fact holds its type or null.  A value that cannot be
converted (``Delay: "abc"``, a list where a status belongs, a number past 64 bits, NaN, tags that
are not a list of tags, values nested deeper than MAX_FACT_DEPTH) becomes null (tags: ``{}``),
and ``warn(message)`` is told, naming the field and the job; the functions never raise on what
an answer holds.  Callers pass their client's ``warn``: modules return the warnings, the
inventory displays them, the event source logs them.  (What identifies a record, and the shape
of the answer around the records, is checked when the answer arrives: see
``_paging.check_records``.)
"""

from typing import Any, Container, Dict, List, Mapping, Optional, Tuple

from ansible_collections.alibabacloud.dts.plugins.module_utils import _normalize_checks

# The normaliser's names, importable from here as before the conversions moved to _convert and _scalars.
# pylint: disable=unused-import
from ansible_collections.alibabacloud.dts.plugins.module_utils._convert import (  # noqa: F401
    DIRECTIONS,
    JOB_STATUSES,
    MAX_FACT_DEPTH,
    MIGRATION_STATUSES,
    STAGE_STATUSES,
    SUBSCRIBE_STATUSES,
    Warn,
    _Record,
    canonical_status,
    snake_case,
    tags_to_dict,
    typed,
)
from ansible_collections.alibabacloud.dts.plugins.module_utils._fields import TYPES
from ansible_collections.alibabacloud.dts.plugins.module_utils._scalars import (  # noqa: F401
    MAX_INTEGER,
    checkpoint_time,
    iso_time,
    to_bool,
    to_delay,
    to_int,
)

# pylint: enable=unused-import

LIST_JOBS_ACTION = 'DescribeSynchronizationJobs'
STATUS_LIST_ACTION = 'DescribeSynchronizationJobStatusList'
LIST_DTS_JOBS_ACTION = 'DescribeDtsJobs'
DETAIL_ACTION = 'DescribeDtsJobDetail'
# How one record of each action is typed (the field table: docs/fields.md).
_LEGACY_TYPES = TYPES[LIST_JOBS_ACTION]
_STATUS_TYPES = TYPES[STATUS_LIST_ACTION]['SynchronizationDirectionInfoList']
_CURRENT_TYPES = TYPES[LIST_DTS_JOBS_ACTION]
# A two-way job's reverse direction: documented under ReverseJob, with the job's own fields besides.
_REVERSE_TYPES = dict(_CURRENT_TYPES, **_CURRENT_TYPES.get('ReverseJob', {}))
_DETAIL_TYPES = TYPES[DETAIL_ACTION]


def _fields_of_kind(types: Mapping[str, Any], *kinds: str) -> frozenset:
    """The wire names, at any depth of ``types``, of the fields of one of ``kinds``."""
    found: set = set()
    for name, spec in types.items():
        if isinstance(spec, dict):
            found |= _fields_of_kind(spec, *kinds)
        elif spec[0] in kinds or spec[0] == 'time' and spec[1] == 'epoch_s' and 'number' in kinds:
            found.add(name)
    return frozenset(found)


# The fields each family types as numbers (durations included), booleans and statuses.
INTEGER_FIELDS = _fields_of_kind(_LEGACY_TYPES, 'number', 'duration')
BOOLEAN_FIELDS = _fields_of_kind(_LEGACY_TYPES, 'flag')
STATUS_FIELDS = _fields_of_kind(_LEGACY_TYPES, 'status')


# Every documented fact of a job record.
JOB_FACTS = (
    'synchronization_job_id',
    'synchronization_job_name',
    'synchronization_direction',
    'status',
    'delay',
    'error_message',
    'pay_type',
    'expire_time',
    'tags',
    'region',
    'synchronization_job_class',
    'data_initialization',
    'structure_initialization',
    'create_time',
    'job_create_time',
    'instance_create_time',
    'source_endpoint',
    'destination_endpoint',
    'synchronization_objects',
    'precheck_status',
    'structure_initialization_status',
    'data_initialization_status',
    'data_synchronization_status',
    'performance',
    'identity',
)
# The summary, what deciding about a job needs: which job, its status, delay and error, its billing
# and expiry, tags and region.  A listing returns it unless asked for more, because Ansible's cost
# for a task result grows with every value in it: the other facts are five times the size and
# cost seconds for thousands of jobs (docs/benchmarks.md has the numbers).
SUMMARY_JOB_FACTS = JOB_FACTS[:10]
# What tells one record from another: a two-way job is listed once per direction.
IDENTITY_JOB_FACTS = ('synchronization_job_id', 'synchronization_direction')


def normalize_job(
    record: Mapping[str, Any], region: Optional[str], facts: Optional[Container[str]] = None, warn: Warn = None
) -> Dict[str, Any]:
    """One DescribeSynchronizationJobs record as facts, with the region it was listed in.

    ``facts`` is the set of fact names to keep (None keeps every field, known or not); only
    those are converted, so a summary of thousands of records costs a fraction of the whole.
    ``warn(message)`` hears of each value that could not be converted (see the module's docstring).
    """
    source = _Record(record, region, warn, 'sync')
    result: Dict[str, Any] = {}
    for name, value in record.items():
        key = snake_case(name)
        if name != 'Tags' and (facts is None or key in facts):
            result[key] = typed(value, name, _LEGACY_TYPES, source)
    if facts is None or 'tags' in facts:
        result['tags'] = tags_to_dict(record.get('Tags'), source=source)
    if facts is None or 'region' in facts:
        result['region'] = region
    return result


def normalize_direction(entry: Mapping[str, Any], warn: Warn = None, source: Any = None) -> Dict[str, Any]:
    """One direction of a DescribeSynchronizationJobStatusList entry: its status and checkpoint."""
    source = source or _Record(entry, None, warn, 'sync')
    checkpoint = typed(entry.get('Checkpoint'), 'Checkpoint', _STATUS_TYPES, source)
    return {
        'synchronization_direction': canonical_status(entry.get('SynchronizationDirection')) or 'Forward',
        'status': typed(entry.get('Status'), 'Status', _STATUS_TYPES, source),
        'checkpoint': checkpoint,
        'checkpoint_time': checkpoint_time(checkpoint),
    }


def normalize_status(entry: Mapping[str, Any], warn: Warn = None, region: Optional[str] = None) -> Dict[str, Any]:
    """One DescribeSynchronizationJobStatusList entry.

    ``status`` is the Forward direction's (a one-way job has only that one); every
    direction is kept under ``directions``.  ``warn`` as for normalize_job; ``region`` names it.
    """
    source = _Record(entry, region, warn, 'sync')
    listed = entry.get('SynchronizationDirectionInfoList')
    if listed is not None and not isinstance(listed, list):
        listed = source.invalid('SynchronizationDirectionInfoList', listed, 'a list of directions')
    directions = []
    for item in listed or []:
        if isinstance(item, dict):
            directions.append(normalize_direction(item, source=source))
        else:
            source.invalid('a direction', item, 'an object')
    forward = [item for item in directions if item['synchronization_direction'] == 'Forward']
    main = (forward or directions or [{'status': None}])[0]
    return {
        'synchronization_job_id': entry.get('SynchronizationJobId'),
        'status': main['status'],
        'directions': directions,
    }


# -- the current family (DescribeDtsJobs, DescribeDtsJobDetail) -------------------------------------

CURRENT_INTEGER_FIELDS = _fields_of_kind(_CURRENT_TYPES, 'number', 'duration')
CURRENT_BOOLEAN_FIELDS = _fields_of_kind(_CURRENT_TYPES, 'flag')
CURRENT_STATUS_FIELDS = _fields_of_kind(_CURRENT_TYPES, 'status')
# Fields of a job, not of a direction: a two-way job's ReverseJob leaves them out and takes the job's.
JOB_LEVEL_FIELDS = (
    'DtsJobId',
    'DtsInstanceID',
    'DtsJobName',
    'JobType',
    'PayType',
    'ExpireTime',
    'CreateTime',
    'DtsJobClass',
    'ResourceGroupId',
    'ResourceGroupDisplayName',
    'DedicatedClusterId',
    'TagList',
)
# What answers carry about the call, not the job.
ENVELOPE_FIELDS = frozenset(
    ['RequestId', 'Success', 'HttpStatusCode', 'ErrCode', 'ErrMessage', 'Code', 'DynamicMessage', 'DynamicCode']
)

# Every documented fact of a DescribeDtsJobs record (the SDK model's fields, ``TagList`` as
# ``tags``, ``ReverseJob`` as a record of its own), plus what the collection adds.
DTS_JOB_FACTS = (
    'dts_job_id',
    'dts_instance_id',
    'dts_job_name',
    'dts_job_direction',
    'status',
    'delay',
    'checkpoint',
    'checkpoint_time',
    'error_message',
    'job_type',
    'pay_type',
    'expire_time',
    'create_time',
    'tags',
    'region',
    'api',
    'dts_job_class',
    'resource_group_id',
    'resource_group_display_name',
    'source_endpoint',
    'destination_endpoint',
    'migration_mode',
    'precheck_status',
    'structure_initialization_status',
    'data_initialization_status',
    'data_synchronization_status',
    'performance',
    'error_details',
    'migration_err_code',
    'migration_err_msg',
    'migration_err_type',
    'migration_err_workaround',
    'migration_err_help_doc_id',
    'migration_err_help_doc_key',
    'retry_state',
    'db_object',
    'reserved',
    'app_name',
    'begin_timestamp',
    'end_timestamp',
    'consumption_checkpoint',
    'consumption_client',
    'cpu_usage',
    'mem_usage',
    'du_usage',
    'du_real_usage',
    'max_du',
    'min_du',
    'data_cloud_status',
    'data_etl_status',
    'full_data_check_status',
    'inc_data_check_status',
    'structure_data_check_status',
    'time_window_data_check_status',
    'dedicated_cluster_id',
    'dts_bis_label',
    'etl_safe_checkpoint',
    'insight_module',
    'origin_type',
    'data_check',
    'identity',
)
# What deciding about a job needs; returned unless ``fields`` asks for more (see SUMMARY_JOB_FACTS).
# ``data_check`` is there because a cutover decides on it (_normalize_checks.data_check_facts).
SUMMARY_DTS_JOB_FACTS = DTS_JOB_FACTS[:16] + ('data_check',)
# What tells one record from another: a two-way job gives one record per direction.
IDENTITY_DTS_JOB_FACTS = ('dts_job_id', 'dts_instance_id', 'dts_job_direction', 'api')
API_LEGACY = 'legacy'
API_CURRENT = 'current'


def _dts_direction(record, region, facts, direction, warn, types=None):
    types = _CURRENT_TYPES if types is None else types
    wanted = (lambda key: True) if facts is None else (lambda key: key in facts)
    # A reverse direction is always a synchronization (only two-way synchronization has one).
    source = _Record(record, region, warn, 'sync' if direction == 'Reverse' else None)
    result = {}
    for name, value in record.items():
        if name in ('TagList', 'ReverseJob', 'SubSyncJob', 'SubDistributedJob') or name in ENVELOPE_FIELDS:
            continue
        key = snake_case(name)
        if wanted(key):
            result[key] = typed(value, name, types, source)
    # The summary facts are always there (null when DTS left them out), so templates can read them.
    for key in SUMMARY_DTS_JOB_FACTS:
        if wanted(key) and key not in result:
            result[key] = None
    if wanted('dts_job_direction'):
        result['dts_job_direction'] = canonical_status(record.get('DtsJobDirection')) or direction
    if wanted('checkpoint_time'):
        result['checkpoint_time'] = checkpoint_time(to_int(record.get('Checkpoint')))
    if wanted('tags'):
        result['tags'] = tags_to_dict(record.get('TagList'), 'TagKey', 'TagValue', source)
    if wanted('region'):
        result['region'] = region
    if wanted('api'):
        result['api'] = API_CURRENT
    if wanted('data_check'):
        checks = typed(dict((name, record.get(name)) for name in _normalize_checks.WIRE_FIELDS), None, types, source)
        result['data_check'] = _normalize_checks.data_check_facts(checks)
    return result


def _reverse_of(record):
    """A two-way job's nested ReverseJob with the job-level fields it leaves out, or None."""
    reverse = record.get('ReverseJob')
    if not isinstance(reverse, dict) or not any(reverse.get(name) for name in ('DtsJobId', 'Status')):
        return None
    merged = dict((name, record[name]) for name in JOB_LEVEL_FIELDS if name in record and reverse.get(name) is None)
    merged.update((name, value) for name, value in reverse.items() if value is not None or name not in merged)
    return merged


def dts_job_directions(record: Mapping[str, Any]) -> List[Tuple[Mapping[str, Any], str]]:
    """(raw record, direction) of each direction of a DescribeDtsJobs entry, Forward first.

    A two-way job nests its reverse direction under ``ReverseJob``; it becomes a record of its own
    with the job's tags, type and billing.
    """
    directions: List[Tuple[Mapping[str, Any], str]] = [(record, 'Forward')]
    reverse = _reverse_of(record)
    if reverse is not None:
        directions.append((reverse, 'Reverse'))
    return directions


def normalize_dts_direction(
    record: Mapping[str, Any], region: Optional[str], facts: Optional[Container[str]], direction: str, warn: Warn = None
) -> Dict[str, Any]:
    """One direction (see dts_job_directions) as facts; ``facts`` and ``warn`` as for normalize_dts_job."""
    return _dts_direction(
        record, region, facts, direction, warn, _REVERSE_TYPES if direction == 'Reverse' else _CURRENT_TYPES
    )


def normalize_dts_job(
    record: Mapping[str, Any], region: Optional[str], facts: Optional[Container[str]] = None, warn: Warn = None
) -> List[Dict[str, Any]]:
    """One DescribeDtsJobs entry as facts: ONE DICT PER DIRECTION, Forward first.

    The reverse direction is a record of its own with ``dts_job_direction: Reverse`` and the job's
    tags, type and billing.  ``facts`` is the set of fact names to keep (None keeps every field,
    known or not).  ``warn`` as for normalize_job.
    """
    return [
        normalize_dts_direction(raw, region, facts, direction, warn) for raw, direction in dts_job_directions(record)
    ]


def normalize_dts_job_detail(body: Mapping[str, Any], region: Optional[str], warn: Warn = None) -> Dict[str, Any]:
    """A DescribeDtsJobDetail answer (one direction) as facts: its milliseconds made seconds."""
    facts = _dts_direction(body, region, None, 'Forward', warn, _DETAIL_TYPES)
    source = _Record(body, region, warn)
    for name in ('SubSyncJob', 'SubDistributedJob'):
        if isinstance(body.get(name), list):
            facts[snake_case(name)] = typed(body[name], name, _DETAIL_TYPES, source)
    return facts
