# -*- coding: utf-8 -*-
# Copyright: Contributors to the alibabacloud.dts collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one normaliser: the API's records, as typed snake_case facts.

The wire format is loose: numbers arrive as strings, booleans as "true"/"false" or
real booleans, statuses in any case (and one misspelt).  Everything users see goes
through here, so a playbook can compare ``delay > 300`` or ``status == 'Synchronizing'``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from datetime import datetime, timezone

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict


JOB_STATUSES = (
    'NotStarted', 'Prechecking', 'PrecheckFailed', 'Initializing', 'InitializeFailed',
    'Synchronizing', 'Failed', 'Suspending', 'Modifying', 'Finished',
)
DIRECTIONS = ('Forward', 'Reverse')
# Statuses of the schema/data initialization stages and of precheck items.
STAGE_STATUSES = ('NotStarted', 'Migrating', 'Failed', 'Finished', 'Success')

_CANONICAL = dict((status.lower(), status) for status in JOB_STATUSES + STAGE_STATUSES + DIRECTIONS)
# One page of the API reference spells it this way; the service may too.
_CANONICAL['initializating'] = 'Initializing'

# Fields that carry counts or Unix times as strings.
INTEGER_FIELDS = frozenset(['Delay', 'Percent', 'Progress', 'Port', 'Checkpoint', 'RPS'])
BOOLEAN_FIELDS = frozenset(['DataInitialization', 'StructureInitialization', 'DataSynchronization'])
STATUS_FIELDS = frozenset(['Status', 'CheckStatus', 'SynchronizationDirection'])


def canonical_status(value):
    """The documented spelling of a status, whatever its case; unknown values pass through."""
    if not isinstance(value, str):
        return value
    return _CANONICAL.get(value.strip().lower(), value)


def to_int(value):
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


def to_bool(value):
    if isinstance(value, bool) or value is None:
        return value
    text = str(value).strip().lower()
    if text in ('true', '1', 'yes'):
        return True
    if text in ('false', '0', 'no', ''):
        return False
    return value


def tags_to_dict(tags):
    """``[{"Key": k, "Value": v}]`` -> ``{k: v}``; a missing value is the empty string."""
    result = {}
    for tag in tags or []:
        if isinstance(tag, dict) and tag.get('Key') is not None:
            value = tag.get('Value')
            result[tag['Key']] = '' if value is None else value
    return result


_SNAKE_NAMES = {}


def snake_case(name):
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


# Every documented fact of a job record.
JOB_FACTS = (
    'synchronization_job_id', 'synchronization_job_name', 'synchronization_direction', 'status',
    'delay', 'error_message', 'pay_type', 'expire_time', 'tags', 'region',
    'synchronization_job_class', 'data_initialization', 'structure_initialization', 'create_time',
    'job_create_time', 'instance_create_time', 'source_endpoint', 'destination_endpoint',
    'synchronization_objects', 'precheck_status', 'structure_initialization_status',
    'data_initialization_status', 'data_synchronization_status', 'performance',
)
# The summary, what deciding about a job needs: which job, its status, delay and error, its billing
# and expiry, tags and region.  A listing returns it unless asked for more, because Ansible's cost
# for a task result grows with every value in it: the other facts are five times the size and
# cost seconds for thousands of jobs (docs/benchmarks.md has the numbers).
SUMMARY_JOB_FACTS = JOB_FACTS[:10]
# What tells one record from another: a two-way job is listed once per direction.
IDENTITY_JOB_FACTS = ('synchronization_job_id', 'synchronization_direction')


def normalize_job(record, region, facts=None):
    """One DescribeSynchronizationJobs record as facts, with the region it was listed in.

    ``facts`` is the set of fact names to keep (None keeps every field, known or not); only
    those are converted, so a summary of thousands of records costs a fraction of the whole.
    """
    result = {}
    for name, value in record.items():
        key = snake_case(name)
        if name != 'Tags' and (facts is None or key in facts):
            result[key] = _facts(value, name)
    if facts is None or 'tags' in facts:
        result['tags'] = tags_to_dict(record.get('Tags'))
    if facts is None or 'region' in facts:
        result['region'] = region
    return result


def checkpoint_time(checkpoint):
    """A Unix-seconds checkpoint as ISO 8601 UTC ending in Z (None when unknown)."""
    if not isinstance(checkpoint, (int, float)) or isinstance(checkpoint, bool) or checkpoint <= 0:
        return None
    moment = datetime.fromtimestamp(checkpoint, tz=timezone.utc)
    return moment.strftime('%Y-%m-%dT%H:%M:%SZ')


def normalize_direction(entry):
    checkpoint = to_int(entry.get('Checkpoint'))
    return {
        'synchronization_direction': canonical_status(entry.get('SynchronizationDirection')) or 'Forward',
        'status': canonical_status(entry.get('Status')),
        'checkpoint': checkpoint,
        'checkpoint_time': checkpoint_time(checkpoint),
    }


def normalize_status(entry):
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
