# -*- coding: utf-8 -*-
# Copyright: Contributors to the alibabacloud.dts collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The DTS transport: signs, sends, retries and paces requests.  One client per region and run.

It knows nothing of particular actions: the API families (``_api_legacy``, ``_api_current``) say
what to call and how to page, and ``_normalize`` turns their records into facts.  Every plugin of
the collection reaches DTS through here.
"""

import json
import reprlib
import threading
import time
import uuid
from typing import Any, Callable, Dict, List, Mapping, Optional, Union

from ansible_collections.alibabacloud.dts.plugins.module_utils._concurrency import _NO_GATE, ConcurrencyWindow
from ansible_collections.alibabacloud.dts.plugins.module_utils._errors import DtsApiError, DtsConfigError
from ansible_collections.alibabacloud.dts.plugins.module_utils._http import (
    HAS_REQUESTS,
    MAX_RESPONSE_BYTES,
    environment_transport,
    new_session,
    send,
)
from ansible_collections.alibabacloud.dts.plugins.module_utils._pacing import LIMITERS, LimiterRegistry, rate_for
from ansible_collections.alibabacloud.dts.plugins.module_utils._retries import (
    DEFAULT_RETRIES,
    DEFAULT_RETRY_BUDGET,
    is_throttling,
    is_transient,
    retry_call,
)
from ansible_collections.alibabacloud.dts.plugins.module_utils._signing import canonical_query, sign_v1, sign_v3
from ansible_collections.alibabacloud.dts.plugins.module_utils._version import USER_AGENT

DTS_API_VERSION = '2020-01-01'
# Measured in docs/benchmarks.md: at 50 ms a request, 16 pages in flight take 0.45 s off a
# 3,000-job playbook against 8, and 32 under 0.2 s more.  A service that throttles narrows it
# (ConcurrencyWindow).
DEFAULT_MAX_CONCURRENCY = 16

# What to check when no connection to the endpoint could be made.
CONNECTION_ADVICE = (
    'Check the endpoint option or ALIBABA_CLOUD_ENDPOINT_DTS (unset, the region picks the documented endpoint)'
)
# How much of a code, message or request id from an error answer is kept.
MAX_ERROR_TEXT = 2000
# Warnings kept until they are read: a hostile answer can make one per record.
MAX_WARNINGS = 20


def _is_false(value):
    return value is False or (isinstance(value, str) and value.strip().lower() == 'false')


def _retry_after_seconds(headers):
    """``x-acs-retry-after`` is in milliseconds, as the official SDK reads it."""
    value = headers.get('x-acs-retry-after')
    try:
        millis = int(value)
    except (TypeError, ValueError):
        return None
    return millis / 1000.0 if millis > 0 else None


_SHORT = reprlib.Repr()
_SHORT.maxlevel, _SHORT.maxstring, _SHORT.maxother = 3, 200, 200


def _text(value, limit=MAX_ERROR_TEXT):
    """A code, message or request id from an error answer: text (or None), and not a book."""
    if value is None or value == '':
        return None
    text = value if isinstance(value, str) else _SHORT.repr(value)
    return text if len(text) <= limit else text[:limit] + '...'


def add_warning(warnings: List[str], message: str, limit: int = MAX_WARNINGS) -> None:
    """Add ``message`` to ``warnings`` unless it is there; past ``limit``, one line says more were left out."""
    if message in warnings:
        return
    if len(warnings) < limit:
        warnings.append(message)
    elif len(warnings) == limit:
        warnings.append('More warnings like these were left out.')


def _code(value):
    """An error code, which decides retries: text of a sane length, else none at all."""
    return value if isinstance(value, str) and 0 < len(value) <= 200 else None


class DtsClient:
    """Signed, retried calls to one DTS endpoint for one region.

    Safe to share between threads: the page and chunk fetches run concurrently
    over one keep-alive ``requests.Session``.  ``credentials.current()`` is asked for the keys
    before every attempt, so temporary credentials can be refreshed under a long run.
    """

    def __init__(
        self,
        credentials: Any,
        region: str,
        endpoint: str,
        signature_version: str = 'v3',
        verify: Union[bool, str] = True,
        timeout: float = 30.0,
        retries: int = DEFAULT_RETRIES,
        max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
        session: Any = None,
        sleep: Callable[[float], Any] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        retry_budget: float = DEFAULT_RETRY_BUDGET,
        max_requests_per_second: Optional[float] = None,
        gate: Any = None,
        limiters: Optional[LimiterRegistry] = None,
    ) -> None:
        """``gate``: a semaphore (any context manager) held around every request this client sends;
        one gate shared by several clients bounds their requests in flight together.
        ``max_requests_per_second`` replaces the per-action pacing of ``_pacing`` (0: not paced);
        ``limiters`` the process-wide registry of rate limiters (tests give their own).
        """
        if not HAS_REQUESTS:
            raise DtsConfigError('The python requests library is required: pip install requests')
        self.credentials = credentials
        self.region = region
        self.endpoint = endpoint.rstrip('/')
        self.host = self.endpoint.split('://', 1)[1]
        self.signature_version = signature_version
        self.timeout = timeout
        self.retries = retries
        self.retry_budget = retry_budget
        self.max_requests_per_second = max_requests_per_second
        self.max_concurrency = max(1, max_concurrency)
        self.window = ConcurrencyWindow(self.max_concurrency)
        self.session = session or self.new_session(self.max_concurrency)
        self.gate = gate
        # Warnings for the user (an unknown region let through...), for modules to warn() and the
        # inventory to display; connect() fills it.
        self.warnings: List[str] = []
        # Proxies and the CA bundle (verify: True, False or a path), resolved once.
        self._transport = environment_transport(self.endpoint, verify)
        self._sleep = sleep
        self._clock = clock
        self._limiters = LIMITERS if limiters is None else limiters
        self._account: Optional[str] = None
        self._lock = threading.Lock()

    @staticmethod
    def new_session(pool_size: int) -> Any:
        """The client's keep-alive session (``_http.new_session``): tests replace it here."""
        return new_session(pool_size)

    def warn(self, message: str) -> None:
        """A warning for the user (a value of an answer that could not be converted...), kept in
        ``warnings``: once each, at most MAX_WARNINGS until they are read and cleared."""
        with self._lock:
            add_warning(self.warnings, message)

    # -- one API call -----------------------------------------------------------------

    def call(
        self,
        action: str,
        params: Mapping[str, Any],
        validate: Optional[Callable[[str, Any], Any]] = None,
        rate: Optional[float] = None,
    ) -> Dict[str, Any]:
        """Call ``action`` with ``params``, retrying transient failures; return the parsed answer.

        ``validate(action, body)`` may raise ``DtsApiError('InvalidResponse')`` for an answer of
        the wrong shape, which is retried like a truncated one.  One ``ClientToken`` is kept for
        every attempt, so the service sees retries as the same request.  ``rate`` (requests a
        second) paces this action when ``_pacing`` has no entry for it.  Retries stop at
        ``retries`` or once ``retry_budget`` seconds have gone; the error then says how many
        attempts were made and in how long.
        """
        query = dict((key, value) for key, value in params.items() if value is not None)
        query.setdefault('RegionId', self.region)
        query.setdefault('ClientToken', str(uuid.uuid4()))
        pace = self._pace(action, rate)

        def attempt():
            return self._attempt(action, query, validate, pace)

        try:
            # A throttled request waits out its own backoff; what slows every other request of the
            # account down is the pace (its adaptive rate hears of every throttled answer).
            return retry_call(
                attempt,
                is_transient,
                budget=self.retry_budget,
                clock=self._clock,
                sleep=self._sleep,
                retries=self.retries,
            )
        except DtsApiError as error:
            if getattr(error, 'attempts', 1) > 1:
                error.message += ' (gave up after %d attempts in %.1f s%s)' % (
                    error.attempts,
                    error.elapsed,
                    '; retry_budget %g s' % self.retry_budget if error.gave_up == 'retry_budget' else '',
                )
                error.args = (error.describe(),)
            raise

    def _pace(self, action, rate):
        """What a request of ``action`` waits for (``_pacing.Pace``), or None when pacing is off."""
        rate = rate_for(action, self.max_requests_per_second, rate)
        if not rate or rate <= 0:
            return None
        if self._account is None:
            # Keyed by the access key id the client started with: refreshed temporary keys of
            # the same role keep drawing on the same limiters.
            self._account = self.credentials.current().access_key_id
        return self._limiters.pace(self._account, self.endpoint, self.region, action, rate, self._clock)

    def _attempt(self, action, query, validate, pace):
        """One request, in a slot of the concurrency window (released before any backoff sleep)."""
        generation = self.window.acquire()
        throttled = False
        sent_at = None
        try:
            # The gate is taken before the pace: a request that has its turn leaves at once, so
            # waiting for the gate cannot bunch up requests the limiter spread out.  With a shared
            # gate, its turn comes first: the action's other requests wait in line, not asleep in
            # the gate's slots, where they kept every other region's requests out (``Turnstile``).
            if pace is not None and self.gate is not None:
                pace.line_up()
            with self.gate or _NO_GATE:
                if pace is not None:
                    sent_at = pace.acquire(self._sleep)
                body = self._send_once(action, query)
            if validate is not None:
                try:
                    validate(action, body)
                except DtsApiError as error:
                    raise self._malformed(error) from None
            return body
        except DtsApiError as error:
            throttled = is_throttling(error)
            raise
        finally:
            if pace is not None:
                pace.leave_line()
            self.window.release(generation, throttled)
            if sent_at is not None:
                pace.answered(sent_at, throttled)

    def _send_once(self, action, query):
        method = 'POST'
        # Temporary credentials may have been refreshed since the last attempt: sign with what is
        # current now, the same snapshot for every part of this request.
        credentials = self.credentials.current()
        if self.signature_version == 'v1':
            signed_query = sign_v1(method, action, DTS_API_VERSION, query, credentials)
            headers = {}
        else:
            signed_query = query
            headers = sign_v3(method, self.host, action, DTS_API_VERSION, query, credentials)
        headers['Accept'] = 'application/json'
        headers['User-Agent'] = USER_AGENT
        url = '%s/?%s' % (self.endpoint, canonical_query(signed_query))
        # What an error text must not show, in any spelling (scrub): all of it is credential-derived.
        secrets = [
            credentials.access_key_secret,
            credentials.security_token,
            headers.get('Authorization'),
            signed_query.get('Signature'),
        ]
        status, response_headers, content = send(
            self.session,
            action,
            method,
            url,
            self.timeout,
            self.endpoint,
            secrets=secrets,
            limit=MAX_RESPONSE_BYTES,
            advice=CONNECTION_ADVICE,
            timeout_option='http_timeout',
            headers=headers,
            **self._transport,
        )
        try:
            return self._parse(action, status, response_headers, content)
        except DtsApiError as error:
            raise error.redact(secrets) from None

    def _malformed(self, error):
        """An answer of the wrong shape, said to come from this endpoint and region."""
        error.message += ' (answer of %s for region %s)' % (self.endpoint, self.region)
        error.args = (error.describe(),)
        return error

    def _parse(self, action, status, headers, content):
        retry_after = _retry_after_seconds(headers)
        if content is None:
            raise DtsApiError(
                action,
                'ResponseTooLarge',
                (
                    'HTTP %d with an answer of more than %d bytes from %s for region %s, more than any DTS answer; '
                    'is the endpoint a DTS endpoint?'
                )
                % (status, MAX_RESPONSE_BYTES, self.endpoint, self.region),
                http_status=status,
                retry_after=retry_after,
            )
        try:
            body = json.loads(content.decode('utf-8'))
        except (ValueError, RecursionError):
            # RecursionError: JSON nested deeper than the parser goes.
            body = None
        if not isinstance(body, dict):
            # A 2xx that is not JSON was cut short on the way (retried); an error page from
            # something that is not DTS (a proxy, a wrong endpoint) is reported by its status.
            code = 'InvalidResponse' if status < 300 else 'HTTP%d' % status
            raise DtsApiError(
                action,
                code,
                'HTTP %d with an answer that is not a JSON object (%d bytes) from %s for '
                'region %s; is the endpoint a DTS endpoint?' % (status, len(content), self.endpoint, self.region),
                http_status=status,
                retry_after=retry_after,
            )
        if status >= 400:
            raise DtsApiError(
                action,
                _code(body.get('Code')) or 'HTTP%d' % status,
                _text(body.get('Message')),
                request_id=_text(body.get('RequestId')),
                http_status=status,
                recommend=_text(body.get('Recommend')),
                retry_after=retry_after,
            )
        if _is_false(body.get('Success')):
            # The status list can fail inside an HTTP 200.
            raise DtsApiError(
                action,
                _code(body.get('ErrCode')) or _code(body.get('Code')),
                _text(body.get('ErrMessage')) or _text(body.get('Message')),
                request_id=_text(body.get('RequestId')),
                http_status=status,
                retry_after=retry_after,
            )
        return body
