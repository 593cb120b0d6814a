# -*- coding: utf-8 -*-
# Copyright: Contributors to the alibabacloud.dts collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Wire values as typed facts, by the field table (``_fields``): the one typing pass.

The wire format is loose: numbers arrive as strings, booleans as "true"/"false" or real booleans,
statuses in any case (and one misspelt), and one kind of fact in several units (a delay in seconds
or milliseconds, depending on the action and the job type; times as ISO 8601 UTC or, in the legacy
listing, as local time in UTC+8).  ``_fields.TYPES`` says, for one record of each action, how the
vendor documents each field; ``typed`` follows it, so every duration is whole seconds, every time
either Unix seconds or ISO 8601 UTC (``YYYY-MM-DDTHH:MM:SSZ``), and every documented number a number.

The answers are not trusted: a typed fact holds its type or null.  A value that cannot be converted
becomes null and ``source.invalid`` warns, naming the field and the job; a value an enumeration
does not document is kept and ``source.unknown`` warns.  Nothing here raises on what an answer holds.

The conversions of single values (numbers, booleans, durations, times) are in ``_scalars``.
"""

import math
import reprlib
import threading
from datetime import timezone
from typing import Any, Callable, Dict, List, Optional

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.alibabacloud.dts.plugins.module_utils._fields import VOCABULARIES
from ansible_collections.alibabacloud.dts.plugins.module_utils._scalars import (
    _INVALID,
    _UTC8,
    _boolean,
    _iso_time,
    _number,
    _seconds,
)

# Synchronization job statuses of both families; PreCheckPass to Downgrade only the current one reports.
JOB_STATUSES = (
    'NotStarted',
    'Prechecking',
    'PrecheckFailed',
    'PreCheckPass',
    'NotConfigured',
    'Initializing',
    'InitializeFailed',
    'Synchronizing',
    'Failed',
    'Suspending',
    'Modifying',
    'ModifyFailed',
    'Finished',
    'Retrying',
    'Upgrade',
    'Locked',
    'Downgrade',
)
# What the current family's migration and change tracking (subscribe) tasks report besides.
MIGRATION_STATUSES = ('Migrating', 'MigrationFailed')
SUBSCRIBE_STATUSES = ('Normal', 'Abnormal')
DIRECTIONS = ('Forward', 'Reverse')
# Statuses of the schema/data initialization stages and of precheck items.
STAGE_STATUSES = ('NotStarted', 'Migrating', 'Failed', 'Finished', 'Success')

_CANONICAL = dict(
    (status.lower(), status)
    for status in JOB_STATUSES + MIGRATION_STATUSES + SUBSCRIBE_STATUSES + STAGE_STATUSES + DIRECTIONS
)
# Every other status the field table documents, in its documented spelling (the ones above win).
for _values in VOCABULARIES.values():
    for _value in sum(_values.values(), ()) if isinstance(_values, dict) else _values:
        if isinstance(_value, str) and _value[:1].isupper():
            _CANONICAL.setdefault(_value.lower(), _value)
# One page of the API reference spells it this way; the service may too.
_CANONICAL['initializating'] = 'Initializing'

# What a record's JobType says, as the table's job types.
JOB_TYPE_NAMES = {
    'online': 'migration',
    'migration': 'migration',
    'sync': 'sync',
    'subsync': 'sync',
    'subscribe': 'subscribe',
}
# Facts nested deeper than this are not DTS's (its records nest four levels at most).
MAX_FACT_DEPTH = 16
# Field names converted to snake_case are remembered, up to this many (an answer may invent names).
MAX_REMEMBERED_NAMES = 4096

Warn = Optional[Callable[[str], Any]]


def canonical_status(value: Any) -> Any:
    """The documented spelling of a status, whatever its case; unknown text passes through, and
    anything that is not text is None."""
    if not isinstance(value, str):
        return None
    return _CANONICAL.get(value.strip().lower(), value)


_SHORT = reprlib.Repr()
_SHORT.maxlevel, _SHORT.maxstring, _SHORT.maxother = 2, 40, 40


def _shown(value):
    """A value from the answer, short enough for a warning (reprlib: however deep it nests)."""
    text = _SHORT.repr(value)
    return text if len(text) <= 60 else text[:57] + '...'


class _Record:
    """Where the values being converted come from: to name it in a warning, and its job type."""

    __slots__ = ('record', 'region', 'warn', 'default_type')

    def __init__(self, record, region, warn, job_type=None):
        self.record, self.region, self.warn, self.default_type = record, region, warn, job_type

    def job_type(self):
        """``sync``, ``migration``, ``subscribe``: the one the caller knows (a legacy record, a reverse
        direction), else the record's JobType, else None."""
        if self.default_type is not None:
            return self.default_type
        record = self.record if isinstance(self.record, dict) else {}
        given = record.get('JobType')
        return JOB_TYPE_NAMES.get(given.strip().lower()) if isinstance(given, str) else None

    def invalid(self, field, value, expected):
        """Warn that ``field`` holds ``value``, not ``expected``; return the null that replaces it."""
        if self.warn is not None:
            self.warn(
                'DTS job %s in region %s: %s is %s, not %s; the fact is null.'
                % (self._job(), self.region, field, _shown(value), expected)
            )
        return None

    def unknown(self, field, value):
        """Warn that ``field`` holds a value its documentation does not list; return it, kept."""
        if self.warn is not None:
            self.warn(
                'DTS job %s in region %s: %s is %s, which the API does not document; kept as sent.'
                % (self._job(), self.region, field, _shown(value))
            )
        return value

    def _job(self):
        record = self.record if isinstance(self.record, dict) else {}
        job = next(
            (
                record[name]
                for name in ('DtsInstanceID', 'DtsJobId', 'SynchronizationJobId', 'JobId')
                if isinstance(record.get(name), str) and record[name]
            ),
            None,
        )
        direction = next(
            (
                record[name]
                for name in ('DtsJobDirection', 'SynchronizationDirection')
                if isinstance(record.get(name), str) and record[name]
            ),
            None,
        )
        text = job[:60] if job is not None else '(no id)'
        return '%s (%s)' % (text, direction[:20]) if direction else text


def _lowered(values):
    """The lower-case spellings of ``values``, as documented and as canonical_status spells them."""
    return frozenset(
        [str(value).lower() for value in values] + [canonical_status(str(value)).lower() for value in values]
    )


# Each vocabulary as the lower-case documented spellings it accepts: per job type, and all of them.
_ACCEPTED = dict(
    (
        vocabulary,
        (dict((name, _lowered(group)) for name, group in values.items()), _lowered(sum(values.values(), ())))
        if isinstance(values, dict)
        else ({}, _lowered(values)),
    )
    for vocabulary, values in VOCABULARIES.items()
    if values
)


def _in_vocabulary(value, vocabulary, source):
    """Whether ``value`` is one of the documented values (of the record's job type, when they differ)."""
    accepted = _ACCEPTED.get(vocabulary) if vocabulary is not None else None
    if accepted is None or value is None or value == '':
        return True
    per_type, every = accepted
    documented = per_type.get(source.job_type(), every) if per_type else every
    wanted = (value if isinstance(value, str) else str(value)).strip().lower()
    return wanted in documented or _CANONICAL.get(wanted, wanted).lower() in documented


def _checked(converted, key, value, expected, source):
    return source.invalid(key, value, expected) if converted is _INVALID else converted


def _duration(value, key, unit, source):
    chosen = unit.get(source.job_type()) if isinstance(unit, dict) else unit
    if chosen is None:
        # Its unit depends on the job type, which the record does not say: a number is no delay.
        unknown = _checked(_seconds(value, 's'), key, value, 'a number', source)
        return unknown if unknown is None else source.invalid(key, value, 'a duration of a known JobType')
    return _checked(_seconds(value, chosen), key, value, 'a number of %s' % _UNIT_NAMES[chosen], source)


def _time(value, key, unit, source):
    if unit == 'epoch_s':
        return _checked(_number(value), key, value, 'a Unix time in seconds', source)
    return _checked(
        _iso_time(value, _UTC8 if unit == 'local_utc8' else timezone.utc), key, value, 'a date and time', source
    )


def _enumerated(value, key, vocabulary, source, status=False):
    if status:
        converted = canonical_status(value) if value is None or isinstance(value, str) else _INVALID
    else:
        scalar = value is None or isinstance(value, (str, int)) and not isinstance(value, bool)
        converted = value if scalar else _INVALID
    if converted is _INVALID:
        return source.invalid(key, value, 'a status name' if status else 'a documented value')
    return converted if _in_vocabulary(converted, vocabulary, source) else source.unknown(key, converted)


_UNIT_NAMES = {'s': 'seconds', 'ms': 'milliseconds', 'min': 'minutes'}
# The table's kinds: (value, wire name, unit or vocabulary, source) -> the fact.
_LEAVES: Dict[str, Callable[..., Any]] = {
    'duration': _duration,
    'time': _time,
    'number': lambda value, key, unit, source: _checked(_number(value), key, value, 'a number', source),
    'flag': lambda value, key, unit, source: _checked(_boolean(value), key, value, 'true or false', source),
    'status': lambda value, key, vocabulary, source: _enumerated(value, key, vocabulary, source, status=True),
    'enum': _enumerated,
}


_NO_TYPES: Dict[str, Any] = {}
_PLAIN = (str, int, bool, type(None))


def typed(
    value: Any, key: Optional[str], types: Dict[str, Any], source: _Record, depth: int = 0, parent: str = ''
) -> Any:
    """``value`` (wire name ``key``) typed by ``types`` (the table's subtree where it sits), snake_case keys.

    A typed field holds its type or None; a float anywhere is finite; nothing nests past MAX_FACT_DEPTH.
    ``parent`` is where the value sits (``DataSynchronizationStatus``), for warnings.
    """
    spec = types.get(key) if key is not None else types
    # Exact types, not isinstance: this runs for every value of every record, plain JSON types only.
    # pylint: disable=unidiomatic-typecheck
    if type(spec) is tuple:
        return _LEAVES[spec[0]](value, '%s.%s' % (parent, key) if parent and key else key or parent, spec[1], source)
    if type(value) in _PLAIN:
        return value  # text, a number, a flag or nothing: untyped, as sent (the common case, kept fast)
    where = '%s.%s' % (parent, key) if parent and key else key or parent
    subtree = spec if type(spec) is dict else _NO_TYPES
    if isinstance(value, dict):
        if depth >= MAX_FACT_DEPTH:
            return source.invalid(where, value, 'nested less than %d levels deep' % MAX_FACT_DEPTH)
        depth += 1
        return {snake_case(name): typed(item, name, subtree, source, depth, where) for name, item in value.items()}
    if isinstance(value, list):
        if depth >= MAX_FACT_DEPTH:
            return source.invalid(where, value, 'nested less than %d levels deep' % MAX_FACT_DEPTH)
        return [typed(item, None, subtree, source, depth + 1, where) for item in value]
    if isinstance(value, float) and not math.isfinite(value):
        return source.invalid(where, value, 'a finite number')
    return value


def tags_to_dict(
    tags: Optional[List[Any]], key: str = 'Key', value: str = 'Value', source: Any = None
) -> Dict[str, Any]:
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
