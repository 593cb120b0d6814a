# -*- coding: utf-8 -*-
# Copyright: Contributors to the alibabacloud.dts collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every credential source shares: the credentials objects, their check, and the way to the network.

``Credentials`` is an immutable snapshot, ``RefreshingCredentials`` asks its source again before the
snapshot expires; both have ``source`` and ``current()``.  ``SourceContext`` is one resolution's
view of the machine (environment, home directory, session, clock) that the sources of
``_cred_sts``, ``_cred_ecs``, ``_cred_uri``, ``_cred_process`` and ``_cred_profiles`` read, with the
one request helper they send through (``_http``: the client's deadline, size cap and error words)
and the one retry loop (``_retries``).
"""

import calendar
import re
import threading
import time
from typing import Any, Callable, List, Mapping, Optional, Union

from ansible_collections.alibabacloud.dts.plugins.module_utils import _http
from ansible_collections.alibabacloud.dts.plugins.module_utils._errors import DtsApiError, DtsConfigError, scrub
from ansible_collections.alibabacloud.dts.plugins.module_utils._retries import is_transient, retry_call

CREDENTIAL_RETRIES = 2
# STS and the metadata service answer at once or not at all: a short budget, not the client's minute.
CREDENTIAL_RETRY_BUDGET = 15
# Temporary credentials are replaced this long before they expire (at most half their lifetime),
# so a request signed with them never reaches the service after their expiry.
REFRESH_MARGIN = 600


class Credentials:
    """An immutable access key, optional STS token and expiry, and where they came from.

    Static credentials are their own snapshot.  Never prints the secret or the token.
    """

    __slots__ = ('access_key_id', 'access_key_secret', 'security_token', 'source', 'expiration')
    access_key_id: str
    access_key_secret: str
    security_token: Optional[str]
    source: str
    expiration: Optional[float]

    def __init__(
        self,
        access_key_id: str,
        access_key_secret: str,
        security_token: Optional[str] = None,
        source: str = '',
        expiration: Optional[float] = None,
    ) -> None:
        for name, value in (
            ('access_key_id', access_key_id),
            ('access_key_secret', access_key_secret),
            ('security_token', security_token or None),
            ('source', source),
            ('expiration', expiration),
        ):
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError('Credentials are immutable')

    def current(self) -> 'Credentials':
        """The keys to sign the next request with (refreshable credentials return a fresh snapshot)."""
        return self

    def __repr__(self) -> str:
        return 'Credentials(access_key_id=%r, source=%r%s)' % (
            self.access_key_id,
            self.source,
            ', with security token' if self.security_token else '',
        )

    __str__ = __repr__


# One run of printable ASCII: every access key id, secret and STS token the service issues.
CREDENTIAL_TEXT = re.compile(r'[!-~]+\Z')
CREDENTIAL_FIELDS = ('access_key_id', 'access_key_secret', 'security_token')


def _problem(index, text):
    """What is wrong with the ``index``-th value (0 key id, 1 secret, 2 token), or None."""
    if index == 2 and not text:
        return None  # no token: long-term keys
    if not isinstance(text, str):
        return 'is missing' if text is None else 'is not a string'
    if not text:
        return 'is empty'
    if not CREDENTIAL_TEXT.match(text):
        return (
            'holds whitespace, a control character or a non-ASCII character (no key or token the '
            'service issues does; the whitespace around it is dropped)'
        )
    return None


def check_credentials(
    credentials: Credentials, names: Any = CREDENTIAL_FIELDS, option: Optional[str] = None, answer: bool = False
) -> Credentials:
    """``credentials`` with the whitespace around each value dropped, once each is one run of printable ASCII.

    Surrounding whitespace is dropped rather than refused: no key the service issues has any, and a
    YAML ``|`` block or a file read into a variable ends with a newline.  Whitespace, a control or
    a non-ASCII character inside a value is refused: requests would quote it in the error of a
    header it cannot send.  ``names`` call the three values what their source calls them
    (``ALIBABA_CLOUD_ACCESS_KEY_SECRET``, ``sts_token of CLI profile prod (StsToken)``); a bad one is
    a DtsConfigError naming it (``option``, else the name), or, for an ``answer`` (STS, the metadata
    service, a command, a URI), a DtsApiError ``InvalidResponse`` of ``credentials.source``.  The
    value itself is never quoted.
    """
    values: List[Any] = []
    for index, (name, value) in enumerate(
        zip(names, (credentials.access_key_id, credentials.access_key_secret, credentials.security_token))
    ):
        text = value.strip() if isinstance(value, str) else value
        problem = _problem(index, text)
        if problem and answer:
            raise DtsApiError(credentials.source, 'InvalidResponse', 'the %s it gave %s' % (name, problem))
        if problem:
            raise DtsConfigError(
                '%s %s. Copy it again from where it was issued.' % (name, problem), option=option or name
            )
        values.append(text or None if index == 2 else text)
    return Credentials(values[0], values[1], values[2], credentials.source, credentials.expiration)


class RefreshingCredentials:
    """Temporary credentials from ``fetch``, fetched again (by the same source) shortly before they expire.

    ``fetch()`` returns a Credentials snapshot whose ``expiration`` is in epoch seconds (None: it
    does not expire).  The first fetch happens here, so a broken source fails before any API call.
    Thread-safe: concurrent requests wait for one refresh rather than starting several.
    """

    def __init__(
        self,
        fetch: Callable[[], Credentials],
        source: str,
        clock: Callable[[], float] = time.time,
        margin: float = REFRESH_MARGIN,
    ) -> None:
        self._fetch = fetch
        self.source = source
        self._clock = clock
        self._margin = margin
        self._lock = threading.Lock()
        self._listeners: List[Callable[[Credentials], Any]] = []
        self.refreshes = 0
        self._snapshot, self._refresh_at = self._obtain()

    def _obtain(self):
        obtained = self._clock()
        snapshot = self._fetch()
        snapshot = check_credentials(
            Credentials(
                snapshot.access_key_id,
                snapshot.access_key_secret,
                snapshot.security_token,
                self.source,
                snapshot.expiration,
            ),
            names=('access key id', 'access key secret', 'security token'),
            answer=True,
        )
        if snapshot.expiration is None:
            return snapshot, None
        lifetime = max(0.0, snapshot.expiration - obtained)
        return snapshot, snapshot.expiration - min(self._margin, lifetime / 2.0)

    def on_refresh(self, callback: Callable[[Credentials], Any]) -> None:
        """Call ``callback(snapshot)`` with every new snapshot (modules hide each new secret)."""
        self._listeners.append(callback)

    def current(self) -> Credentials:
        with self._lock:
            if self._refresh_at is not None and self._clock() >= self._refresh_at:
                try:
                    self._snapshot, self._refresh_at = self._obtain()
                    self.refreshes += 1
                except (DtsApiError, DtsConfigError):
                    # Still valid: sign with it and try again at the next request.
                    if self._clock() >= self._snapshot.expiration:
                        raise
                    return self._snapshot
                for listener in self._listeners:
                    listener(self._snapshot)
            return self._snapshot

    # The snapshot's fields, for callers that read them directly.
    access_key_id = property(lambda self: self.current().access_key_id)
    access_key_secret = property(lambda self: self.current().access_key_secret)
    security_token = property(lambda self: self.current().security_token)
    expiration = property(lambda self: self.current().expiration)

    def __repr__(self) -> str:
        return 'RefreshingCredentials(source=%r)' % (self.source,)

    __str__ = __repr__


AnyCredentials = Union[Credentials, RefreshingCredentials]


def parse_expiration(text: Any, source: str) -> int:
    """'2024-01-01T00:00:00Z' as epoch seconds."""
    try:
        return calendar.timegm(time.strptime(text, '%Y-%m-%dT%H:%M:%SZ'))
    except (TypeError, ValueError) as error:
        raise DtsApiError(
            source, 'InvalidResponse', 'the credentials carry no valid Expiration (%r)' % (text,)
        ) from error


def safe_uri(uri: str) -> str:
    """A URI without its query string or password, which may be secret, for messages and sources."""
    return scrub(uri.split('?')[0])


class SourceContext:
    """One resolution's view of the machine: the environment and home directory the sources read,
    the session, timeout and TLS verification of their requests, the clock and sleep of their
    retries and refreshes, and the list their warnings for the user go to."""

    def __init__(
        self,
        session: Any,
        environ: Mapping[str, str],
        home: str,
        timeout: float,
        verify: Union[bool, str],
        sleep: Callable[[float], Any],
        clock: Callable[[], float],
        warnings: Optional[List[str]] = None,
    ) -> None:
        # Warnings for the user (an STS endpoint over plain HTTP): connect() gives them to the client.
        self.warnings = [] if warnings is None else warnings
        self.session = session
        self.env = environ
        self.home = home
        self.timeout = timeout
        self.verify = verify
        self.sleep = sleep
        self.clock = clock

    def http(
        self,
        action: str,
        method: str,
        url: str,
        timeout: Optional[_http.Timeout] = None,
        secrets: Any = (),
        **kwargs: Any,
    ) -> _http.Answer:
        """One request, bounded as the client's are (``_http.send``); ``secrets`` (what it carries)
        never appear in the error it may raise."""
        where = safe_uri(url)
        answer = _http.send(
            self.session, action, method, url, timeout or self.timeout, where, secrets=secrets, **kwargs
        )
        if answer.content is None:
            raise DtsApiError(
                action,
                'ResponseTooLarge',
                'HTTP %d with an answer of more than %d bytes from %s, '
                'more than any credentials answer' % (answer.status_code, _http.MAX_RESPONSE_BYTES, where),
                http_status=answer.status_code,
            )
        return answer

    def with_retries(self, send_once: Callable[[], Credentials]) -> Credentials:
        """``send_once()``, again after a transient failure: the client's retry loop, with fewer attempts."""
        return retry_call(
            send_once,
            is_transient,
            budget=CREDENTIAL_RETRY_BUDGET,
            clock=self.clock,
            sleep=self.sleep,
            retries=CREDENTIAL_RETRIES,
        )

    def refreshing(self, send_once: Callable[[], Credentials], source: str) -> RefreshingCredentials:
        """Credentials from a network source: ``send_once`` (retried) now, and again before they expire."""
        return RefreshingCredentials(lambda: self.with_retries(send_once), source, clock=self.clock)
