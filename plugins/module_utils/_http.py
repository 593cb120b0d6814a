# -*- coding: utf-8 -*-
# Copyright: Contributors to the alibabacloud.dts collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One HTTP request, bounded in time and memory, its failures told apart: the layer under every request.

The DTS client (``_client``) and the credential sources that need the network (the ECS metadata
service, STS, a credentials URI) send through here, so all of them get the same keep-alive session,
the same deadline for a whole answer, the same cap on its size and the same words for a request
that could not be made.  It knows nothing of DTS: no action names, no signing, no retries.
"""

import errno
import os
import socket
import traceback
from typing import Any, Dict, Mapping, NamedTuple, Optional, Sequence, Union

try:
    import requests
    from requests.adapters import HTTPAdapter
    from requests.utils import get_environ_proxies
    from urllib3.connection import HTTPConnection, HTTPSConnection
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError:
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()
    HTTPAdapter = HTTPConnection = HTTPSConnection = object  # type: ignore[misc,assignment]
    HTTPConnectionPool = HTTPSConnectionPool = object  # type: ignore[misc,assignment]

from ansible_collections.alibabacloud.dts.plugins.module_utils._deadline import AttemptDeadline, watch_current_attempt
from ansible_collections.alibabacloud.dts.plugins.module_utils._errors import DtsApiError, scrub

# The most of one answer read into memory.  A page of 100 jobs with every field is a few hundred
# KB, an STS or metadata answer a few hundred bytes; an answer past this is not one of them, and
# reading it on would only fill memory.
MAX_RESPONSE_BYTES = 8 * 1024 * 1024

# A timeout requests takes: seconds, or (connect, read) seconds.
Timeout = Union[float, Sequence[float]]


class Answer(NamedTuple):
    """What one request got back: ``content`` is None when the answer was longer than the cap."""

    status_code: int
    headers: Mapping[str, str]
    content: Optional[bytes]


class _Watched:
    """A connection that the deadline of the attempt using it can cut off (see AttemptDeadline)."""

    def connect(self, *args: Any, **kwargs: Any) -> Any:
        watch_current_attempt(self)
        return super().connect(*args, **kwargs)  # type: ignore[misc]

    def getresponse(self, *args: Any, **kwargs: Any) -> Any:
        # A kept-alive connection is not connected again: this is where a reused one registers.
        watch_current_attempt(self)
        return super().getresponse(*args, **kwargs)  # type: ignore[misc]


class _WatchedHTTPConnection(_Watched, HTTPConnection):  # type: ignore[misc,valid-type]
    pass


class _WatchedHTTPSConnection(_Watched, HTTPSConnection):  # type: ignore[misc,valid-type]
    pass


class _WatchedHTTPPool(HTTPConnectionPool):  # type: ignore[misc,valid-type]
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):  # type: ignore[misc,valid-type]
    ConnectionCls = _WatchedHTTPSConnection


def _watch_pools(manager):
    """Make ``manager`` (a urllib3 PoolManager or proxy manager) open watched connections.

    A manager that brings pools of its own (SOCKS) is left as it is."""
    pools = getattr(manager, 'pool_classes_by_scheme', None)
    if pools is not None and pools.get('http') is HTTPConnectionPool and pools.get('https') is HTTPSConnectionPool:
        manager.pool_classes_by_scheme = {'http': _WatchedHTTPPool, 'https': _WatchedHTTPSPool}
    return manager


class _WatchedAdapter(HTTPAdapter):  # type: ignore[misc,valid-type]
    """requests' adapter, its connections watched by the deadline of the attempt using them."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        _watch_pools(self.poolmanager)

    def proxy_manager_for(self, *args: Any, **kwargs: Any) -> Any:
        return _watch_pools(super().proxy_manager_for(*args, **kwargs))


def new_session(pool_size: int) -> Any:
    """A keep-alive session of up to ``pool_size`` connections, each watched by its attempt's deadline."""
    session = requests.Session()
    # The environment is read once per client (environment_transport), not on every request;
    # and a ~/.netrc entry must not replace the Authorization header of a signed request.
    session.trust_env = False
    adapter = _WatchedAdapter(pool_connections=1, pool_maxsize=pool_size, max_retries=0)
    session.mount('https://', adapter)
    session.mount('http://', adapter)
    return session


def environment_transport(endpoint: str, verify: Union[bool, str]) -> Dict[str, Any]:
    """The proxies and CA bundle requests would take from the environment for ``endpoint``.

    ``HTTPS_PROXY``/``HTTP_PROXY``/``NO_PROXY`` and ``REQUESTS_CA_BUNDLE``/``CURL_CA_BUNDLE`` are
    honoured as requests honours them; requests itself would look them up on every request.
    """
    if verify is True:
        verify = os.environ.get('REQUESTS_CA_BUNDLE') or os.environ.get('CURL_CA_BUNDLE') or True
    return {'proxies': get_environ_proxies(endpoint), 'verify': verify}


# -- one exchange ----------------------------------------------------------------------------


def read_capped(response: Any, limit: int = MAX_RESPONSE_BYTES) -> Optional[bytes]:
    """The body of a streamed ``response``, or None when it is longer than ``limit`` bytes.

    A ``Content-Length`` past the limit is refused before anything is read; otherwise reading stops
    at the first chunk past it, so no more than ``limit`` and a chunk is ever held.
    """
    try:
        declared = int(response.headers.get('Content-Length'))
    except (TypeError, ValueError):
        declared = None
    if declared is not None and declared > limit:
        return None
    chunks, size = [], 0
    for chunk in response.iter_content(64 * 1024):
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b''.join(chunks)


def _deadline_seconds(timeout):
    """The time a whole attempt may take: ``timeout``, or connect and read together for a pair."""
    if isinstance(timeout, (int, float)):
        return float(timeout)
    return float(sum(timeout))


def exchange(
    session: Any, method: str, url: str, timeout: Timeout, limit: Optional[int] = None, **kwargs: Any
) -> Answer:
    """One request through ``session``, the whole answer read within ``timeout`` seconds.

    The body is streamed and kept only up to ``limit`` bytes (MAX_RESPONSE_BYTES unless given;
    ``content`` None past that).  Past
    the deadline the attempt is cut off and fails as requests' ReadTimeout, whatever was read by
    then.  Other failures are requests' own exceptions (``request_error`` names them).
    """
    with AttemptDeadline(_deadline_seconds(timeout)) as deadline:
        try:
            response = session.request(method, url, timeout=timeout, stream=True, **kwargs)
            try:
                content = read_capped(response, MAX_RESPONSE_BYTES if limit is None else limit)
            finally:
                response.close()
        except requests.exceptions.RequestException:
            if not deadline.expired:
                raise
            content = None
        if deadline.expired:
            raise requests.exceptions.ReadTimeout('answer not complete within the deadline') from None
    return Answer(response.status_code, response.headers, content)


# -- a request that failed ------------------------------------------------------------------


def _causes(exc):
    """``exc`` and what it wraps: requests and urllib3 nest the socket error in reasons and causes."""
    seen, pending = [], [exc]
    while pending:
        current = pending.pop(0)
        if current is None or any(current is known for known in seen):
            continue
        seen.append(current)
        pending.extend([getattr(current, 'reason', None), current.__cause__, current.__context__])
        pending.extend(arg for arg in getattr(current, 'args', ()) if isinstance(arg, BaseException))
    return seen


def connection_failure(exc: BaseException) -> Optional[str]:
    """``'NameResolutionError'``, ``'ConnectionRefused'`` or None for a requests ConnectionError."""
    for cause in _causes(exc):
        if isinstance(cause, socket.gaierror) or type(cause).__name__ == 'NameResolutionError':
            return 'NameResolutionError'
    for cause in _causes(exc):
        if isinstance(cause, ConnectionRefusedError) or getattr(cause, 'errno', None) == errno.ECONNREFUSED:
            return 'ConnectionRefused'
    return None


def root_message(exc: BaseException) -> str:
    """The innermost error's own words (``[Errno 111] Connection refused``), not urllib3's wrapping."""
    for cause in reversed(_causes(exc)):
        if isinstance(cause, (OSError, socket.gaierror)) and str(cause):
            return str(cause)
    return str(exc)


def _timeout_text(timeout, option):
    seconds = timeout if isinstance(timeout, (int, float)) else timeout[-1]
    return '%s s%s' % (seconds, ' (%s)' % option if option else '')


def _connection_error(action, exc, where, secrets, proxies, advice):
    """A connection that could not be made names the place, the cause, and what to check."""
    code = connection_failure(exc)
    if code is None:
        return DtsApiError(action, 'ConnectionError', 'request to %s failed: %s' % (where, scrub(exc, secrets)))
    via = ' through the proxy %s' % scrub(', '.join(sorted(set(proxies.values())))) if proxies else ''
    check = (advice + (', and the proxy variables' if proxies else '') + '.') if advice else ''
    what = 'the host of %s could not be resolved' if code == 'NameResolutionError' else 'connection to %s refused'
    message = '%s%s (%s).' % (what % where, via, scrub(root_message(exc), secrets))
    return DtsApiError(action, code, message + (' ' + check if check else ''))


def request_error(
    action: str,
    exc: BaseException,
    where: str,
    timeout: Timeout,
    secrets: Sequence[Any] = (),
    proxies: Optional[Mapping[str, str]] = None,
    advice: str = '',
    timeout_option: Optional[str] = None,
) -> DtsApiError:
    """The DtsApiError of a request to ``where`` that requests could not complete.

    Codes: ``SSLError`` (permanent: the CA bundle is wrong), ``ConnectTimeout`` and ``ReadTimeout``,
    ``NameResolutionError`` and ``ConnectionRefused`` (one quick retry at most), ``ConnectionError``,
    and ``RequestNotSent`` for a request requests refused to make (a header value or URL it cannot
    send: never sent, never retried).  ``secrets`` (what the request carried) never appear in the
    message; ``advice`` says what to check when the connection could not be made.
    """
    if isinstance(exc, requests.exceptions.SSLError):
        return DtsApiError(
            action,
            'SSLError',
            (
                'TLS verification of %s failed (%s). Set ca_path to the CA bundle that signed the '
                'endpoint certificate, or validate_certs: false for an endpoint you trust.'
            )
            % (where, scrub(exc, secrets)),
        )
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return DtsApiError(
            action,
            'ConnectTimeout',
            'could not connect to %s within %s' % (where, _timeout_text(timeout, timeout_option)),
        )
    if isinstance(exc, requests.exceptions.Timeout):
        return DtsApiError(
            action, 'ReadTimeout', 'no answer from %s within %s' % (where, _timeout_text(timeout, timeout_option))
        )
    if isinstance(exc, requests.exceptions.ConnectionError):
        return _connection_error(action, exc, where, secrets, proxies, advice)
    if isinstance(exc, ValueError):
        # requests' InvalidHeader and InvalidURL among others: made here, never sent, and the same
        # request would fail the same way again (not retried: see _retries.LOCAL_CODES).
        return DtsApiError(
            action,
            'RequestNotSent',
            'the request to %s could not be made: %s: %s' % (where, type(exc).__name__, scrub(exc, secrets)),
        )
    return DtsApiError(action, 'ConnectionError', 'request to %s failed: %s' % (where, scrub(exc, secrets)))


def send(
    session: Any,
    action: str,
    method: str,
    url: str,
    timeout: Timeout,
    where: str,
    secrets: Sequence[Any] = (),
    limit: Optional[int] = None,
    advice: str = '',
    timeout_option: Optional[str] = None,
    **kwargs: Any,
) -> Answer:
    """``exchange``, a failure of the request raised as ``request_error``'s DtsApiError for ``action``.

    ``kwargs`` go to ``session.request`` (headers, data, verify, proxies).
    """
    try:
        return exchange(session, method, url, timeout, limit, **kwargs)
    except (requests.exceptions.RequestException, ValueError) as exc:
        raise request_error(
            action, exc, where, timeout, secrets, kwargs.get('proxies'), advice, timeout_option
        ) from None
