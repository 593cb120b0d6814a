# -*- coding: utf-8 -*-
# Copyright: Contributors to the alibabacloud.dts collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one normaliser: the API's records, as typed snake_case facts.

The wire format is loose: numbers arrive as strings, booleans as "true"/"false" or
real booleans, statuses in any case (and one misspelt).  Everything users see goes
through here, so a playbook can compare ``delay > 300`` or ``status == 'Synchronizing'``.
"""

import math
from datetime import datetime, timezone
from typing import Any, Container, Dict, List, Mapping, Optional, Tuple

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

# Synchronization job statuses of both families; PreCheckPass to Downgrade only the current one reports.
JOB_STATUSES = (
    'NotStarted', 'Prechecking', 'PrecheckFailed', 'PreCheckPass', 'NotConfigured', 'Initializing',
    'InitializeFailed', 'Synchronizing', 'Failed', 'Suspending', 'Modifying', 'Finished', 'Retrying',
    'Upgrade', 'Locked', 'Downgrade',
)
# What the current family's migration and change tracking (subscribe) tasks report besides.
MIGRATION_STATUSES = ('Migrating', 'MigrationFailed')
SUBSCRIBE_STATUSES = ('Normal', 'Abnormal')
DIRECTIONS = ('Forward', 'Reverse')
# Statuses of the schema/data initialization stages and of precheck items.
STAGE_STATUSES = ('NotStarted', 'Migrating', 'Failed', 'Finished', 'Success')

_CANONICAL = dict((status.lower(), status) for status in
                  JOB_STATUSES + MIGRATION_STATUSES + SUBSCRIBE_STATUSES + STAGE_STATUSES + DIRECTIONS)
# One page of the API reference spells it this way; the service may too.
_CANONICAL['initializating'] = 'Initializing'

# Fields that carry counts or Unix times as strings.
INTEGER_FIELDS = frozenset(['Delay', 'Percent', 'Progress', 'Port', 'Checkpoint', 'RPS'])
BOOLEAN_FIELDS = frozenset(['DataInitialization', 'StructureInitialization', 'DataSynchronization'])
STATUS_FIELDS = frozenset(['Status', 'CheckStatus', 'SynchronizationDirection'])


def canonical_status(value: Any) -> Any:
    """The documented spelling of a status, whatever its case; unknown values pass through."""
    if not isinstance(value, str):
        return value
    return _CANONICAL.get(value.strip().lower(), value)


def to_int(value: Any) -> Any:
    """Counts and timestamps: "42" -> 42, "12.5" -> 12.5, "" or None -> None, other text unchanged."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value
    text = str(value).strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return value


def to_bool(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    text = str(value).strip().lower()
    if text in ('true', '1', 'yes'):
        return True
    if text in ('false', '0', 'no', ''):
        return False
    return value


def tags_to_dict(tags: Optional[List[Any]], key: str = 'Key', value: str = 'Value') -> Dict[str, Any]:
    """``[{"Key": k, "Value": v}]`` -> ``{k: v}``; a missing value is the empty string.

    The current family names the fields ``TagKey`` / ``TagValue``: pass them as ``key`` / ``value``.
    """
    result: Dict[str, Any] = {}
    for tag in tags or []:
        if isinstance(tag, dict) and tag.get(key) is not None:
            given = tag.get(value)
            result[tag[key]] = '' if given is None else given
    return result


_SNAKE_NAMES: Dict[str, str] = {}


def snake_case(name: str) -> str:
    """The mechanical snake_case of an API field name (Ansible's camel_dict_to_snake_dict rule).

    The API uses a few dozen names across thousands of records, so each is converted once.
    """
    try:
        return _SNAKE_NAMES[name]
    except KeyError:
        converted = _SNAKE_NAMES[name] = next(iter(camel_dict_to_snake_dict({name: None})))
        return converted


def _facts(value, key=None):
    """Typed by the wire name ``key``, with snake_case keys, in one pass."""
    if isinstance(value, dict):
        return dict((snake_case(name), _facts(item, name)) for name, item in value.items())
    if isinstance(value, list):
        return [_facts(item) for item in value]
    if key in INTEGER_FIELDS:
        return to_int(value)
    if key in BOOLEAN_FIELDS:
        return to_bool(value)
    if key in STATUS_FIELDS:
        return canonical_status(value)
    return value


def to_delay(value: Any, millis: bool = False) -> Optional[int]:
    """A replication delay as whole seconds; None when unknown or negative.

    The current family says ``-1`` when incremental synchronization has not started: that must not
    become a number a ``delay <= 5`` gate would pass.  Milliseconds (DescribeDtsJobDetail) round up,
    so 5.4 s never reads as 5.
    """
    number = to_int(value)
    if not isinstance(number, (int, float)) or isinstance(number, bool) or number < 0:
        return None
    return int(math.ceil(number / 1000.0 if millis else number))


# Every documented fact of a job record.
JOB_FACTS = (
    'synchronization_job_id', 'synchronization_job_name', 'synchronization_direction', 'status',
    'delay', 'error_message', 'pay_type', 'expire_time', 'tags', 'region',
    'synchronization_job_class', 'data_initialization', 'structure_initialization', 'create_time',
    'job_create_time', 'instance_create_time', 'source_endpoint', 'destination_endpoint',
    'synchronization_objects', 'precheck_status', 'structure_initialization_status',
    'data_initialization_status', 'data_synchronization_status', 'performance', 'identity',
)
# The summary, what deciding about a job needs: which job, its status, delay and error, its billing
# and expiry, tags and region.  A listing returns it unless asked for more, because Ansible's cost
# for a task result grows with every value in it: the other facts are five times the size and
# cost seconds for thousands of jobs (docs/benchmarks.md has the numbers).
SUMMARY_JOB_FACTS = JOB_FACTS[:10]
# What tells one record from another: a two-way job is listed once per direction.
IDENTITY_JOB_FACTS = ('synchronization_job_id', 'synchronization_direction')


def normalize_job(record: Mapping[str, Any], region: Optional[str],
                  facts: Optional[Container[str]] = None) -> Dict[str, Any]:
    """One DescribeSynchronizationJobs record as facts, with the region it was listed in.

    ``facts`` is the set of fact names to keep (None keeps every field, known or not); only
    those are converted, so a summary of thousands of records costs a fraction of the whole.
    """
    result: Dict[str, Any] = {}
    for name, value in record.items():
        key = snake_case(name)
        if name != 'Tags' and (facts is None or key in facts):
            result[key] = _facts(value, name)
    if facts is None or 'tags' in facts:
        result['tags'] = tags_to_dict(record.get('Tags'))
    if facts is None or 'region' in facts:
        result['region'] = region
    return result


def checkpoint_time(checkpoint: Any) -> Optional[str]:
    """A Unix-seconds checkpoint as ISO 8601 UTC ending in Z (None when unknown)."""
    if not isinstance(checkpoint, (int, float)) or isinstance(checkpoint, bool) or checkpoint <= 0:
        return None
    try:
        moment = datetime.fromtimestamp(checkpoint, tz=timezone.utc)
    except (ValueError, OverflowError, OSError):
        # Past what a date can say (year 10000 and on): no time rather than a crash.
        return None
    return moment.strftime('%Y-%m-%dT%H:%M:%SZ')


def normalize_direction(entry: Mapping[str, Any]) -> Dict[str, Any]:
    checkpoint = to_int(entry.get('Checkpoint'))
    return {
        'synchronization_direction': canonical_status(entry.get('SynchronizationDirection')) or 'Forward',
        'status': canonical_status(entry.get('Status')),
        'checkpoint': checkpoint,
        'checkpoint_time': checkpoint_time(checkpoint),
    }


def normalize_status(entry: Mapping[str, Any]) -> Dict[str, Any]:
    """One DescribeSynchronizationJobStatusList entry.

    ``status`` is the Forward direction's (a one-way job has only that one); every
    direction is kept under ``directions``.
    """
    directions = [normalize_direction(item) for item in entry.get('SynchronizationDirectionInfoList') or []]
    forward = [item for item in directions if item['synchronization_direction'] == 'Forward']
    main = (forward or directions or [{'status': None}])[0]
    return {
        'synchronization_job_id': entry.get('SynchronizationJobId'),
        'status': main['status'],
        'directions': directions,
    }


# -- the current family (DescribeDtsJobs, DescribeDtsJobDetail) -------------------------------------

CURRENT_INTEGER_FIELDS = frozenset(['Checkpoint', 'Percent', 'Progress', 'Port', 'Rps', 'RetryCount',
                                    'MaxRetryTime'])
CURRENT_BOOLEAN_FIELDS = frozenset(['DataInitialization', 'StructureInitialization', 'DataSynchronization',
                                    'FullDataCheck', 'IncDataCheck', 'StructureDataCheck', 'TimeWindowCheck',
                                    'NeedUpgrade', 'CanSwitch'])
CURRENT_STATUS_FIELDS = frozenset(['Status', 'CheckResult', 'DtsJobDirection', 'SynchronizationDirection'])
# Fields of a job, not of a direction: a two-way job's ReverseJob leaves them out and takes the job's.
JOB_LEVEL_FIELDS = ('DtsJobId', 'DtsInstanceID', 'DtsJobName', 'JobType', 'PayType', 'ExpireTime', 'CreateTime',
                    'DtsJobClass', 'ResourceGroupId', 'ResourceGroupDisplayName', 'DedicatedClusterId', 'TagList')
# What answers carry about the call, not the job.
ENVELOPE_FIELDS = frozenset(['RequestId', 'Success', 'HttpStatusCode', 'ErrCode', 'ErrMessage', 'Code',
                             'DynamicMessage', 'DynamicCode'])

# Every documented fact of a DescribeDtsJobs record (the SDK model's fields, ``TagList`` as
# ``tags``, ``ReverseJob`` as a record of its own), plus what the collection adds.
DTS_JOB_FACTS = (
    'dts_job_id', 'dts_instance_id', 'dts_job_name', 'dts_job_direction', 'status', 'delay', 'checkpoint',
    'checkpoint_time', 'error_message', 'job_type', 'pay_type', 'expire_time', 'create_time', 'tags', 'region',
    'api',
    'dts_job_class', 'resource_group_id', 'resource_group_display_name', 'source_endpoint', 'destination_endpoint',
    'migration_mode', 'precheck_status', 'structure_initialization_status', 'data_initialization_status',
    'data_synchronization_status', 'performance', 'error_details', 'migration_err_code', 'migration_err_msg',
    'migration_err_type', 'migration_err_workaround', 'migration_err_help_doc_id', 'migration_err_help_doc_key',
    'retry_state', 'db_object', 'reserved', 'app_name', 'begin_timestamp', 'end_timestamp',
    'consumption_checkpoint', 'consumption_client', 'cpu_usage', 'mem_usage', 'du_usage', 'du_real_usage',
    'max_du', 'min_du', 'data_cloud_status', 'data_etl_status', 'full_data_check_status', 'inc_data_check_status',
    'structure_data_check_status', 'time_window_data_check_status', 'dedicated_cluster_id', 'dts_bis_label',
    'etl_safe_checkpoint', 'insight_module', 'origin_type', 'identity',
)
# What deciding about a job needs; returned unless ``fields`` asks for more (see SUMMARY_JOB_FACTS).
SUMMARY_DTS_JOB_FACTS = DTS_JOB_FACTS[:16]
# What tells one record from another: a two-way job gives one record per direction.
IDENTITY_DTS_JOB_FACTS = ('dts_job_id', 'dts_instance_id', 'dts_job_direction', 'api')
API_LEGACY = 'legacy'
API_CURRENT = 'current'


def _current_facts(value, key=None, millis=False):
    """The current family's typing of ``value`` (wire name ``key``); ``Delay`` in seconds."""
    if isinstance(value, dict):
        return dict((snake_case(name), _current_facts(item, name, millis)) for name, item in value.items())
    if isinstance(value, list):
        return [_current_facts(item, None, millis) for item in value]
    if key == 'Delay':
        return to_delay(value, millis)
    if key in CURRENT_INTEGER_FIELDS:
        return to_int(value)
    if key in CURRENT_BOOLEAN_FIELDS:
        return to_bool(value)
    if key in CURRENT_STATUS_FIELDS:
        return canonical_status(value)
    return value


def _dts_direction(record, region, facts, direction, millis=False):
    wanted = (lambda key: True) if facts is None else (lambda key: key in facts)
    result = {}
    for name, value in record.items():
        if name in ('TagList', 'ReverseJob', 'SubSyncJob', 'SubDistributedJob') or name in ENVELOPE_FIELDS:
            continue
        key = snake_case(name)
        if wanted(key):
            result[key] = _current_facts(value, name, millis)
    # The summary facts are always there (null when DTS left them out), so templates can read them.
    for key in SUMMARY_DTS_JOB_FACTS:
        if wanted(key) and key not in result:
            result[key] = None
    if wanted('dts_job_direction'):
        result['dts_job_direction'] = canonical_status(record.get('DtsJobDirection')) or direction
    if wanted('checkpoint_time'):
        result['checkpoint_time'] = checkpoint_time(to_int(record.get('Checkpoint')))
    if wanted('tags'):
        result['tags'] = tags_to_dict(record.get('TagList'), 'TagKey', 'TagValue')
    if wanted('region'):
        result['region'] = region
    if wanted('api'):
        result['api'] = API_CURRENT
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


def normalize_dts_direction(record: Mapping[str, Any], region: Optional[str], facts: Optional[Container[str]],
                            direction: str) -> Dict[str, Any]:
    """One direction (see dts_job_directions) as facts; ``facts`` as for normalize_dts_job."""
    return _dts_direction(record, region, facts, direction)


def normalize_dts_job(record: Mapping[str, Any], region: Optional[str],
                      facts: Optional[Container[str]] = None) -> List[Dict[str, Any]]:
    """One DescribeDtsJobs entry as facts: ONE DICT PER DIRECTION, Forward first.

    The reverse direction is a record of its own with ``dts_job_direction: Reverse``.  ``facts``
    is the set of fact names to keep (None keeps every field, known or not).
    """
    return [_dts_direction(raw, region, facts, direction) for raw, direction in dts_job_directions(record)]


def normalize_dts_job_detail(body: Mapping[str, Any], region: Optional[str]) -> Dict[str, Any]:
    """A DescribeDtsJobDetail answer (one direction) as facts: its ``Delay`` is in milliseconds."""
    facts = _dts_direction(body, region, None, 'Forward', millis=True)
    if isinstance(body.get('SubSyncJob'), list):
        facts['sub_sync_job'] = _current_facts(body['SubSyncJob'], None, millis=True)
    if isinstance(body.get('SubDistributedJob'), list):
        facts['sub_distributed_job'] = _current_facts(body['SubDistributedJob'], None, millis=True)
    return facts
