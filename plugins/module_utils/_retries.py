# -*- coding: utf-8 -*-
# Copyright: Contributors to the alibabacloud.dts collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which failures are worth another try, and how long to wait before it."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import random


# Codes the service uses for load and internal faults: the same request can succeed later.
TRANSIENT_CODES = frozenset([
    'Throttling', 'Throttling.User', 'Throttling.Api', 'Throttling.Concurrent',
    'ServiceUnavailable', 'InternalError', 'UnknownError', 'ServiceUnavailableTemporary',
])
# Faults the client itself reports when the network, not the service, failed.
TRANSPORT_CODES = frozenset(['ConnectionError', 'ReadTimeout', 'ConnectTimeout', 'InvalidResponse'])
TRANSIENT_HTTP_STATUSES = frozenset([500, 502, 503, 504])
# Codes that are permanent whatever HTTP status carries them: retrying only repeats the failure.
PERMANENT_CODES = frozenset([
    'SignatureDoesNotMatch', 'IncompleteSignature', 'SignatureNonceUsed',
    'InvalidAccessKeyId.NotFound', 'InvalidAccessKeyId.Inactive', 'Forbidden.RAM',
    'MissingParameter', 'InvalidParameter', 'SSLError',
])

DEFAULT_RETRIES = 10
BASE_DELAY = 0.25
MAX_DELAY = 20.0


def is_throttling(error):
    return error.code.startswith('Throttling')


def is_transient(error):
    """True when ``error`` (a DtsApiError) may succeed on another attempt."""
    code = error.code
    if code in PERMANENT_CODES or code.startswith(('InvalidSecurityToken', 'InvalidTimeStamp')):
        return False
    if code in TRANSIENT_CODES or code in TRANSPORT_CODES or is_throttling(error):
        return True
    return error.http_status in TRANSIENT_HTTP_STATUSES


def backoff_delay(attempt, retry_after=None, base=BASE_DELAY, cap=MAX_DELAY, rand=random.uniform):
    """Full-jitter exponential backoff for retry number ``attempt`` (0-based).

    Full jitter (a uniform draw up to the exponential ceiling) spreads out the
    concurrent page fetches that were throttled together.  A server-given
    ``retry_after`` (seconds) is a floor: waiting less would only be refused again.
    """
    ceiling = min(cap, base * (2 ** attempt))
    delay = rand(0, ceiling)
    if retry_after is not None:
        delay = max(delay, min(retry_after, cap))
    return delay
