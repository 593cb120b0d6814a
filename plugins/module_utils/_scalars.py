# -*- coding: utf-8 -*-
# Copyright: Contributors to the alibabacloud.dts collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One wire value as a Python value: numbers, booleans, durations and times.

The wire is loose (numbers as strings, booleans as "true"/"false", times with or without an
offset), and untrusted.  Each private converter returns ``_INVALID`` for a value it cannot
convert, so that ``_convert.typed`` can name the field in a warning; each public one returns None
instead.  ``_convert`` types whole records with these, by the field table.
"""

import math
import re
from datetime import datetime, timedelta, timezone
from typing import Any, Optional

# The most a number fact may be: the API's numbers are 64-bit; past that is not a count or a time.
MAX_INTEGER = 2**63 - 1
# A duration's unit as seconds.
_SECONDS_PER = {'s': 1, 'ms': 0.001, 'min': 60}
# The legacy listing's CreateTime is local time in China (UTC+8), as its reference says.
_UTC8 = timezone(timedelta(hours=8))

# What a converter returns for a value it cannot convert (None is a value: "not given").
_INVALID = object()


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
    """ "true"/"false" (any case), 1/0, yes/no, real booleans; anything else is None."""
    result = _boolean(value)
    return None if result is _INVALID else result


def _seconds(value, unit='s'):
    number = _number(value)
    if number is _INVALID:
        return _INVALID
    if number is None or number < 0:
        return None
    return int(math.ceil(round(number * _SECONDS_PER[unit], 6)))


def to_delay(value: Any, millis: bool = False) -> Optional[int]:
    """A replication delay as whole seconds; None when unknown, negative or not a number.

    The current family says ``-1`` when incremental synchronization has not started: that must not
    become a number a ``delay <= 5`` gate would pass.  Milliseconds round up, so 5.4 s never reads as 5.
    """
    delay = _seconds(value, 'ms' if millis else 's')
    return None if delay is _INVALID else delay


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


_TIME = re.compile(r'(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,]\d{1,9})?\s*(Z{1,2}|[+-]\d{2}:?\d{2})?')


def _iso_time(value, local=timezone.utc):
    """A documented time as ISO 8601 UTC, ``YYYY-MM-DDTHH:MM:SSZ``; text without an offset is in ``local``."""
    if value is None:
        return None
    if not isinstance(value, str):
        return _INVALID
    text = value.strip()
    if not text:
        return None
    match = _TIME.fullmatch(text) if len(text) <= 40 else None
    if match is None:
        return _INVALID
    year, month, day, hour, minute, second, offset = match.groups()
    zone = local
    if offset and not offset.startswith('Z'):
        sign = -1 if offset[0] == '-' else 1
        digits = offset[1:].replace(':', '')
        zone = timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
    elif offset:
        zone = timezone.utc
    try:
        moment = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second), tzinfo=zone)
        return moment.astimezone(timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')
    except (ValueError, OverflowError):
        return _INVALID


def iso_time(value: Any) -> Optional[str]:
    """A time as ISO 8601 UTC ending in Z (offsets and fractions dropped); None when it is no time."""
    result = _iso_time(value)
    return None if result is _INVALID else result
