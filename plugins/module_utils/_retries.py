# -*- coding: utf-8 -*-
# Copyright: Contributors to the alibabacloud.dts collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which failures are worth another try, how long to wait before it, and when to give up."""

import random
import time
from typing import Any, Callable, Optional, TypeVar

# Codes the service uses for load and internal faults: the same request can succeed later.
TRANSIENT_CODES = frozenset(
    [
        'Throttling',
        'Throttling.User',
        'Throttling.Api',
        'Throttling.Concurrent',
        'ServiceUnavailable',
        'InternalError',
        'UnknownError',
        'ServiceUnavailableTemporary',
    ]
)
# Faults the client itself reports when the network, not the service, failed.
TRANSPORT_CODES = frozenset(
    [
        'ConnectionError',
        'ReadTimeout',
        'ConnectTimeout',
        'InvalidResponse',
        'ConnectionRefused',
        'NameResolutionError',
    ]
)
# Nothing listens there, or the name does not resolve: almost always a wrong endpoint or a host
# that is down, not a passing fault.  One quick retry covers a service restarting; more would only
# make a typo slow to report.
FAST_FAILURE_CODES = frozenset(['ConnectionRefused', 'NameResolutionError'])
FAST_RETRY_DELAY = 0.5
# A fast failure that took longer than this (a resolver timing out) is not retried at all.
FAST_FAILURE_WINDOW = 2.0
TRANSIENT_HTTP_STATUSES = frozenset([500, 502, 503, 504])
# Codes that are permanent whatever HTTP status carries them: retrying only repeats the failure.
PERMANENT_CODES = frozenset(
    [
        'SignatureDoesNotMatch',
        'IncompleteSignature',
        'SignatureNonceUsed',
        'InvalidAccessKeyId.NotFound',
        'InvalidAccessKeyId.Inactive',
        'Forbidden.RAM',
        'MissingParameter',
        'InvalidParameter',
        'SSLError',
    ]
)

# The request was never sent: it could not be made from what was given (a header value requests
# refuses, a URL it cannot parse).  The same request fails the same way every time.
LOCAL_CODES = frozenset(['RequestNotSent'])

# Chosen from the fault suite against the time to fail: see docs/benchmarks.md, "Retries and pacing".
DEFAULT_RETRIES = 6
# Seconds one call may spend retrying: no retry starts, and no wait ends, later than this after
# its first attempt began.  The attempt then running is bounded by http_timeout (from connecting to
# the last byte of its answer: _http.AttemptDeadline).
DEFAULT_RETRY_BUDGET = 60.0
BASE_DELAY = 0.25
MAX_DELAY = 20.0

T = TypeVar('T')


def is_throttling(error: BaseException) -> bool:
    """Every spelling of "too many requests": ``Throttling``, ``Throttling.User``, ``Rejected.Throttling``..."""
    return 'Throttling' in (getattr(error, 'code', None) or '')


def is_fast_failure(error: BaseException) -> bool:
    return getattr(error, 'code', None) in FAST_FAILURE_CODES


def is_transient(error: Any) -> bool:
    """True when ``error`` (a DtsApiError) may succeed on another attempt; anything else is not.

    Local failures (``LOCAL_CODES``, or an exception that is not a DtsApiError, such as a
    ``ValueError`` from preparing the request) are never transient.
    """
    code = getattr(error, 'code', None)
    if not isinstance(code, str):
        return False
    if code in LOCAL_CODES or code in PERMANENT_CODES or code.startswith(('InvalidSecurityToken', 'InvalidTimeStamp')):
        return False
    if code in TRANSIENT_CODES or code in TRANSPORT_CODES or is_throttling(error):
        return True
    return error.http_status in TRANSIENT_HTTP_STATUSES


def backoff_delay(
    attempt: int,
    retry_after: Optional[float] = None,
    base: float = BASE_DELAY,
    cap: float = MAX_DELAY,
    rand: Callable[[float, float], float] = random.uniform,
) -> float:
    """Full-jitter exponential backoff for retry number ``attempt`` (0-based).

    Full jitter (a uniform draw up to the exponential ceiling) spreads out the
    concurrent page fetches that were throttled together.  A server-given
    ``retry_after`` (seconds) is a floor: waiting less would only be refused again.
    """
    ceiling = min(cap, base * (2**attempt))
    delay = rand(0, ceiling)
    if retry_after is not None:
        delay = max(delay, min(retry_after, cap))
    return delay


def default_delay(attempt: int, error: BaseException) -> float:
    if is_fast_failure(error):
        return FAST_RETRY_DELAY
    return backoff_delay(attempt, getattr(error, 'retry_after', None))


def retry_call(
    function: Callable[[], T],
    is_retryable: Callable[[BaseException], bool] = is_transient,
    budget: float = DEFAULT_RETRY_BUDGET,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], Any] = time.sleep,
    retries: int = DEFAULT_RETRIES,
    delay: Callable[[int, BaseException], float] = default_delay,
    wait: Optional[Callable[[float, BaseException], Any]] = None,
) -> T:
    """``function()``, tried again after each failure ``is_retryable(error)`` accepts, until one of:

    - it returns (its result is returned);
    - the failure is not retryable, or ``retries`` retries of failures other than throttling have
      been made (a throttled answer says the account is busy, not that this request is failing:
      it is retried for as long as the budget lasts; ``retries`` 0 still means no retry at all);
    - the next wait would end more than ``budget`` seconds after the first attempt began;
    - a fast failure (connection refused, name not resolved) repeats, or took more than
      ``FAST_FAILURE_WINDOW`` seconds: it is retried once at most, after ``FAST_RETRY_DELAY``.

    Then the last failure is raised as is, with ``attempts`` (how many were made), ``elapsed``
    (seconds since the first began) and ``gave_up`` (``'retries'``, ``'retry_budget'`` or None when
    the failure was not retryable) set on it.  ``delay(retry_number, error)`` is the wait before a
    retry (0-based; default: full-jitter backoff with ``x-acs-retry-after`` as a floor);
    ``wait(seconds, error)`` does the waiting (default ``sleep(seconds)``).  Inject ``clock`` and
    ``sleep`` in tests: nothing here reads the wall clock otherwise.
    """
    wait = wait or (lambda seconds, error: sleep(seconds))
    started = clock()
    attempt = 0
    counted = 0
    fast_failures = 0
    while True:
        attempt_started = clock()
        try:
            return function()
        except Exception as error:  # pylint: disable=broad-except
            now = clock()
            gave_up = None
            if is_retryable(error):
                pause = delay(attempt, error)
                if retries <= 0 or (counted >= retries and not is_throttling(error)):
                    gave_up = 'retries'
                elif is_fast_failure(error) and (fast_failures or now - attempt_started > FAST_FAILURE_WINDOW):
                    gave_up = 'retries'
                elif now + pause - started > budget:
                    gave_up = 'retry_budget'
            if not is_retryable(error) or gave_up:
                # Any exception may be raised here: these attributes are added to whichever it is.
                failure: Any = error
                failure.attempts = attempt + 1
                failure.elapsed = now - started
                failure.gave_up = gave_up
                raise
            if is_fast_failure(error):
                fast_failures += 1
            if not is_throttling(error):
                counted += 1
            wait(pause, error)
            attempt += 1
