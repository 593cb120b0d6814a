# -*- coding: utf-8 -*-
# Copyright: Contributors to the alibabacloud.dts collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one normaliser: the API's records, as typed snake_case facts.

The wire format is loose: numbers arrive as strings, booleans as "true"/"false" or
real booleans, statuses in any case (and one misspelt).  Everything users see goes
through here, so a playbook can compare ``delay > 300`` or ``status == 'Synchronizing'``.

The answers are not trusted either: a typed fact holds its type or null.  A value that cannot be
converted (``Delay: "abc"``, a list where a status belongs, a number past 64 bits, NaN, tags that
are not a list of tags, values nested deeper than MAX_FACT_DEPTH) becomes null (tags: ``{}``),
and ``warn(message)`` is told, naming the field and the job; the functions never raise on what
an answer holds.  Callers pass their client's ``warn``: modules return the warnings, the
inventory displays them, the event source logs them.  (What identifies a record, and the shape
of the answer around the records, is checked when the answer arrives: see
``_paging.check_records``.)
"""

import math
import reprlib
import threading
from datetime import datetime, timezone
from typing import Any, Callable, Container, Dict, List, Mapping, Optional, Tuple

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.alibabacloud.dts.plugins.module_utils import _normalize_checks

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
_LEGACY_TYPES = dict([(name, 'int') for name in INTEGER_FIELDS] + [(name, 'bool') for name in BOOLEAN_FIELDS]
                     + [(name, 'status') for name in STATUS_FIELDS])


# The most a number fact may be: the API's numbers are 64-bit; past that is not a count or a time.
MAX_INTEGER = 2 ** 63 - 1
# Facts nested deeper than this are not DTS's (its records nest four levels at most).
MAX_FACT_DEPTH = 16
# Field names converted to snake_case are remembered, up to this many (an answer may invent names).
MAX_REMEMBERED_NAMES = 4096

Warn = Optional[Callable[[str], Any]]
# What a converter returns for a value it cannot convert (None is a value: "not given").
_INVALID = object()


def canonical_status(value: Any) -> Any:
    """The documented spelling of a status, whatever its case; unknown text passes through, and
    anything that is not text is None."""
    if not isinstance(value, str):
        return None
    return _CANONICAL.get(value.strip().lower(), value)


def _status(value):
    if value is None or isinstance(value, str):
        return canonical_status(value)
    return _INVALID


def _number(value):
    """A count, time or percentage: int or float within 64 bits, None for nothing, else _INVALID."""
    if value is None:
        return None
    if isinstance(value, bool):
        return _INVALID
    if isinstance(value, int):
        return value if -MAX_INTEGER - 1 <= value <= MAX_INTEGER else _INVALID
    if isinstance(value, float):
        return value if math.isfinite(value) and abs(value) <= MAX_INTEGER else _INVALID
    if not isinstance(value, str):
        return _INVALID
    text = value.strip()
    if not text:
        return None
    if len(text) > 32:
        return _INVALID
    try:
        return _number(int(text))
    except ValueError:
        pass
    try:
        return _number(float(text))
    except ValueError:
        return _INVALID


def to_int(value: Any) -> Any:
    """Counts and timestamps: "42" -> 42, "12.5" -> 12.5; "", None and anything not a number
    (text, NaN, infinities, past 64 bits, a list...) -> None."""
    number = _number(value)
    return None if number is _INVALID else number


def _boolean(value):
    if isinstance(value, bool) or value is None:
        return value
    if not isinstance(value, (str, int)):
        return _INVALID
    text = str(value).strip().lower()
    if text in ('true', '1', 'yes'):
        return True
    if text in ('false', '0', 'no', ''):
        return False
    return _INVALID


def to_bool(value: Any) -> Optional[bool]:
    """"true"/"false" (any case), 1/0, yes/no, real booleans; anything else is None."""
    result = _boolean(value)
    return None if result is _INVALID else result


def _delay(value, millis=False):
    number = _number(value)
    if number is _INVALID:
        return _INVALID
    if number is None or number < 0:
        return None
    return int(math.ceil(number / 1000.0 if millis else number))


def to_delay(value: Any, millis: bool = False) -> Optional[int]:
    """A replication delay as whole seconds; None when unknown, negative or not a number.

    The current family says ``-1`` when incremental synchronization has not started: that must not
    become a number a ``delay <= 5`` gate would pass.  Milliseconds (DescribeDtsJobDetail) round up,
    so 5.4 s never reads as 5.
    """
    delay = _delay(value, millis)
    return None if delay is _INVALID else delay


_CONVERTERS = {
    'int': _number, 'bool': _boolean, 'status': _status, 'delay': _delay,
    'delay_ms': lambda value: _delay(value, millis=True),
}
_EXPECTED = {
    'int': 'a number', 'bool': 'true or false', 'status': 'a status name', 'delay': 'a number of seconds',
    'delay_ms': 'a number of milliseconds',
}


_SHORT = reprlib.Repr()
_SHORT.maxlevel, _SHORT.maxstring, _SHORT.maxother = 2, 40, 40


def _shown(value):
    """A value from the answer, short enough for a warning (reprlib: however deep it nests)."""
    text = _SHORT.repr(value)
    return text if len(text) <= 60 else text[:57] + '...'


class _Record:
    """Where the values being converted come from, to name it in a warning (built only then)."""

    __slots__ = ('record', 'region', 'warn')

    def __init__(self, record, region, warn):
        self.record, self.region, self.warn = record, region, warn

    def invalid(self, field, value, expected):
        """Warn that ``field`` holds ``value``, not ``expected``; return the null that replaces it."""
        if self.warn is not None:
            self.warn('DTS job %s in region %s: %s is %s, not %s; the fact is null.'
                      % (self._job(), self.region, field, _shown(value), expected))
        return None

    def _job(self):
        record = self.record if isinstance(self.record, dict) else {}
        job = next((record[name] for name in ('DtsInstanceID', 'DtsJobId', 'SynchronizationJobId')
                    if isinstance(record.get(name), str) and record[name]), None)
        direction = next((record[name] for name in ('DtsJobDirection', 'SynchronizationDirection')
                          if isinstance(record.get(name), str) and record[name]), None)
        text = job[:60] if job is not None else '(no id)'
        return '%s (%s)' % (text, direction[:20]) if direction else text


def tags_to_dict(tags: Optional[List[Any]], key: str = 'Key', value: str = 'Value',
                 source: Any = None) -> Dict[str, Any]:
    """``[{"Key": k, "Value": v}]`` -> ``{k: v}``; a missing value is the empty string.

    The current family names the fields ``TagKey`` / ``TagValue``: pass them as ``key`` / ``value``.
    Tags that are not a list are ``{}``, an entry that is not a tag is left out and a value that is
    not text (or a number) is None, each with a warning to ``source`` (a _Record).
    """
    source = source or _Record(None, None, None)
    if tags is None or tags == '':
        return {}
    if not isinstance(tags, list):
        source.invalid('the tags', tags, 'a list of tags')
        return {}
    result: Dict[str, Any] = {}
    for tag in tags:
        name = tag.get(key) if isinstance(tag, dict) else None
        if isinstance(name, (int, float)) and not isinstance(name, bool) and _number(name) is not _INVALID:
            name = str(name)
        if not isinstance(name, str):
            source.invalid('a tag', tag, 'a tag with a %s' % key)
            continue
        given = tag.get(value)
        if given is None:
            given = ''
        elif isinstance(given, (int, float)) and not isinstance(given, bool) and _number(given) is not _INVALID:
            given = str(given)
        elif not isinstance(given, str):
            given = source.invalid('tag %s' % _shown(name), given, 'text')
        result[name] = given
    return result


_SNAKE_NAMES: Dict[str, str] = {}
_SNAKE_LOCK = threading.Lock()


def snake_case(name: str) -> str:
    """The mechanical snake_case of an API field name (Ansible's camel_dict_to_snake_dict rule).

    The API uses a few dozen names across thousands of records, so each is converted once (up to
    MAX_REMEMBERED_NAMES: an answer that invents names cannot grow the table without end).
    """
    try:
        return _SNAKE_NAMES[name]
    except KeyError:
        converted = next(iter(camel_dict_to_snake_dict({name: None})))
        with _SNAKE_LOCK:
            if len(_SNAKE_NAMES) < MAX_REMEMBERED_NAMES:
                _SNAKE_NAMES[name] = converted
        return converted


def _typed(value, key, types, source, depth=0):
    """``value`` (wire name ``key``) typed by ``types`` (wire name -> converter), snake_case keys, one pass.

    A typed field holds its type or None; a float anywhere is finite; nothing nests past MAX_FACT_DEPTH.
    """
    kind = types.get(key) if key is not None else None
    if kind is not None:
        converted = _CONVERTERS[kind](value)
        return source.invalid(key, value, _EXPECTED[kind]) if converted is _INVALID else converted
    if isinstance(value, dict):
        if depth >= MAX_FACT_DEPTH:
            return source.invalid(key, value, 'nested less than %d levels deep' % MAX_FACT_DEPTH)
        return dict((snake_case(name), _typed(item, name, types, source, depth + 1)) for name, item in value.items())
    if isinstance(value, list):
        if depth >= MAX_FACT_DEPTH:
            return source.invalid(key, value, 'nested less than %d levels deep' % MAX_FACT_DEPTH)
        return [_typed(item, None, types, source, depth + 1) for item in value]
    if isinstance(value, float) and not math.isfinite(value):
        return source.invalid(key, value, 'a finite number')
    return value


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
                  facts: Optional[Container[str]] = None, warn: Warn = None) -> Dict[str, Any]:
    """One DescribeSynchronizationJobs record as facts, with the region it was listed in.

    ``facts`` is the set of fact names to keep (None keeps every field, known or not); only
    those are converted, so a summary of thousands of records costs a fraction of the whole.
    ``warn(message)`` hears of each value that could not be converted (see the module's docstring).
    """
    source = _Record(record, region, warn)
    result: Dict[str, Any] = {}
    for name, value in record.items():
        key = snake_case(name)
        if name != 'Tags' and (facts is None or key in facts):
            result[key] = _typed(value, name, _LEGACY_TYPES, source)
    if facts is None or 'tags' in facts:
        result['tags'] = tags_to_dict(record.get('Tags'), source=source)
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


def normalize_direction(entry: Mapping[str, Any], warn: Warn = None, source: Any = None) -> Dict[str, Any]:
    source = source or _Record(entry, None, warn)
    checkpoint = _typed(entry.get('Checkpoint'), 'Checkpoint', _LEGACY_TYPES, source)
    return {
        'synchronization_direction': canonical_status(entry.get('SynchronizationDirection')) or 'Forward',
        'status': _typed(entry.get('Status'), 'Status', _LEGACY_TYPES, source),
        'checkpoint': checkpoint,
        'checkpoint_time': checkpoint_time(checkpoint),
    }


def normalize_status(entry: Mapping[str, Any], warn: Warn = None, region: Optional[str] = None) -> Dict[str, Any]:
    """One DescribeSynchronizationJobStatusList entry.

    ``status`` is the Forward direction's (a one-way job has only that one); every
    direction is kept under ``directions``.  ``warn`` as for normalize_job; ``region`` names it.
    """
    source = _Record(entry, region, warn)
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

CURRENT_INTEGER_FIELDS = frozenset(['Checkpoint', 'Percent', 'Progress', 'Port', 'Rps', 'RetryCount',
                                    'MaxRetryTime'])
CURRENT_BOOLEAN_FIELDS = frozenset(['DataInitialization', 'StructureInitialization', 'DataSynchronization',
                                    'FullDataCheck', 'IncDataCheck', 'StructureDataCheck', 'TimeWindowCheck',
                                    'NeedUpgrade', 'CanSwitch'])
CURRENT_STATUS_FIELDS = frozenset(['Status', 'CheckResult', 'DtsJobDirection', 'SynchronizationDirection'])
_CURRENT_TYPES = dict([(name, 'int') for name in CURRENT_INTEGER_FIELDS]
                      + [(name, 'bool') for name in CURRENT_BOOLEAN_FIELDS]
                      + [(name, 'status') for name in CURRENT_STATUS_FIELDS] + [('Delay', 'delay')])
# DescribeDtsJobDetail gives the delay in milliseconds.
_CURRENT_TYPES_MS = dict(_CURRENT_TYPES, Delay='delay_ms')
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
    'etl_safe_checkpoint', 'insight_module', 'origin_type', 'data_check', 'identity',
)
# What deciding about a job needs; returned unless ``fields`` asks for more (see SUMMARY_JOB_FACTS).
# ``data_check`` is there because a cutover decides on it (_normalize_checks.data_check_facts).
SUMMARY_DTS_JOB_FACTS = DTS_JOB_FACTS[:16] + ('data_check',)
# What tells one record from another: a two-way job gives one record per direction.
IDENTITY_DTS_JOB_FACTS = ('dts_job_id', 'dts_instance_id', 'dts_job_direction', 'api')
API_LEGACY = 'legacy'
API_CURRENT = 'current'


def _dts_direction(record, region, facts, direction, warn, millis=False):
    wanted = (lambda key: True) if facts is None else (lambda key: key in facts)
    types = _CURRENT_TYPES_MS if millis else _CURRENT_TYPES
    source = _Record(record, region, warn)
    result = {}
    for name, value in record.items():
        if name in ('TagList', 'ReverseJob', 'SubSyncJob', 'SubDistributedJob') or name in ENVELOPE_FIELDS:
            continue
        key = snake_case(name)
        if wanted(key):
            result[key] = _typed(value, name, types, source)
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
        typed = _typed(dict((name, record.get(name)) for name in _normalize_checks.WIRE_FIELDS), None, types, source)
        result['data_check'] = _normalize_checks.data_check_facts(typed)
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
                            direction: str, warn: Warn = None) -> Dict[str, Any]:
    """One direction (see dts_job_directions) as facts; ``facts`` and ``warn`` as for normalize_dts_job."""
    return _dts_direction(record, region, facts, direction, warn)


def normalize_dts_job(record: Mapping[str, Any], region: Optional[str],
                      facts: Optional[Container[str]] = None, warn: Warn = None) -> List[Dict[str, Any]]:
    """One DescribeDtsJobs entry as facts: ONE DICT PER DIRECTION, Forward first.

    The reverse direction is a record of its own with ``dts_job_direction: Reverse`` and the job's
    tags, type and billing.  ``facts`` is the set of fact names to keep (None keeps every field,
    known or not).  ``warn`` as for normalize_job.
    """
    return [_dts_direction(raw, region, facts, direction, warn) for raw, direction in dts_job_directions(record)]


def normalize_dts_job_detail(body: Mapping[str, Any], region: Optional[str], warn: Warn = None) -> Dict[str, Any]:
    """A DescribeDtsJobDetail answer (one direction) as facts: its ``Delay`` is in milliseconds."""
    facts = _dts_direction(body, region, None, 'Forward', warn, millis=True)
    source = _Record(body, region, warn)
    for name in ('SubSyncJob', 'SubDistributedJob'):
        if isinstance(body.get(name), list):
            facts[snake_case(name)] = _typed(body[name], None, _CURRENT_TYPES_MS, source)
    return facts
