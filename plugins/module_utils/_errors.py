# -*- coding: utf-8 -*-
# Copyright: Contributors to the alibabacloud.dts collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The two kinds of failure the client reports.

DtsConfigError is raised before any request is sent (bad option, no credentials);
its message names the option and the fix.  DtsApiError carries what the service
(or the network) said, with the fields operators need to open a ticket.
"""

import json
import re
from typing import Any, Dict, Iterable, Optional
from urllib.parse import quote_plus

from ansible_collections.alibabacloud.dts.plugins.module_utils._signing import percent_encode

# A query string (``/?AccessKeyId=...&Signature=...``): V1 carries the signature and the STS token there.
_QUERY = re.compile(r"""\?[^\s'"?]*=[^\s'"]*""")
# ``user:password@`` in a URL (an endpoint, a proxy).
_USERINFO = re.compile(r"""(//)[^/@\s'"]*@""")
# A value labelled as credential material, however the text around it quotes it: a header
# (``Authorization: ...``, a dict's ``'x-acs-security-token': '...'``), a V3 ``Signature=<hex>``, a
# field of an STS or metadata answer.  Unquoted, a value ends at a separator; an Authorization value,
# which holds spaces and commas, at the end of the line.
_LABELLED = re.compile(
    r"""(\b(?:(?P<authorization>Authorization)|x-acs-security-token|x-aliyun-ecs-metadata-token|Signature"""
    r"""|SecurityToken|AccessKeySecret|OIDCToken)['"]?\s*[:=]\s*)"""
    r"""('[^'\n]*'?|"[^"\n]*"?|(?(authorization)[^\r\n'"]*|[^\s,;&'"]+))""",
    re.IGNORECASE,
)
HIDDEN = '****'


def _spellings(secret):
    """The ways ``secret`` can appear in error text: as is, escaped by repr() or JSON, percent-encoded
    once or twice (the gateway quotes a V1 string-to-sign, which encodes the token twice), form-encoded.
    Longest first, so that no shorter spelling leaves part of a longer one behind."""
    once = percent_encode(secret)
    forms = set(
        [
            secret,
            repr(secret)[1:-1],
            ascii(secret)[1:-1],
            json.dumps(secret)[1:-1],
            json.dumps(secret, ensure_ascii=False)[1:-1],
            once,
            percent_encode(once),
            quote_plus(secret),
        ]
    )
    return sorted(forms, key=len, reverse=True)


def scrub(text: Any, secrets: Iterable[Optional[str]] = ()) -> str:
    """``text`` (an exception or a message) without credential-derived material.

    Gone are: each of ``secrets`` (the secret, the STS token, a request's signature and
    ``Authorization`` value...) in every spelling of ``_spellings``; whatever is labelled as
    credential material (``Authorization``, ``Signature=``, ``SecurityToken``...), which covers a
    value no one passed in; query strings; the password of a URL.  The one scrubber: every message
    made from a transport error or from an answer goes through it.
    """
    text = str(text)
    for secret in secrets:
        if isinstance(secret, str) and secret:
            for form in _spellings(secret):
                text = text.replace(form, HIDDEN)
    text = _LABELLED.sub(lambda match: match.group(1) + HIDDEN, text)
    text = _QUERY.sub('?...', text)
    return _USERINFO.sub(r'\g<1>%s@' % HIDDEN, text)


class DtsError(Exception):
    """Base class for every error raised by this collection's client."""


class DtsConfigError(DtsError):
    """Invalid configuration or input, detected before any request is sent."""

    def __init__(self, message: str, option: Optional[str] = None) -> None:
        super(DtsConfigError, self).__init__(message)
        self.message = message
        self.option = option


class DtsApiError(DtsError):
    """An API call that failed: an error answer, an in-body failure or a transport fault.

    ``code`` is the service's error code (``Throttling.User``, ``SignatureDoesNotMatch``...)
    or, for transport faults, one of ``ConnectionError``, ``ReadTimeout``, ``InvalidResponse``.
    """

    # Set by retry_call on the failure it raises: attempts made, seconds taken, and why it stopped.
    attempts: int
    elapsed: float
    gave_up: Optional[str]

    def __init__(
        self,
        action: str,
        code: Optional[str],
        message: Optional[str],
        request_id: Optional[str] = None,
        http_status: Optional[int] = None,
        recommend: Optional[str] = None,
        retry_after: Optional[float] = None,
    ) -> None:
        self.action = action
        self.code = code or 'UnknownError'
        self.message = message or ''
        self.request_id = request_id
        self.http_status = http_status
        self.recommend = recommend
        # Seconds the server asked us to wait before trying again (x-acs-retry-after).
        self.retry_after = retry_after
        super(DtsApiError, self).__init__(self.describe())

    def redact(self, secrets: Iterable[Optional[str]]) -> 'DtsApiError':
        """This error, its message scrubbed (``scrub``) of ``secrets`` and of anything labelled secret.

        The gateway's SignatureDoesNotMatch message quotes its string-to-sign, which for V1
        carries the STS token percent-encoded twice.
        """
        self.message = scrub(self.message, secrets)
        self.args = (self.describe(),)
        return self

    def describe(self) -> str:
        text = '%s failed: %s: %s' % (self.action, self.code, self.message)
        if self.request_id:
            text += ' (RequestId %s)' % self.request_id
        return text

    def to_dict(self) -> Dict[str, Any]:
        """The structured form modules return under ``error``."""
        return {
            'action': self.action,
            'code': self.code,
            'message': self.message,
            'request_id': self.request_id,
            'http_status': self.http_status,
            'recommend': self.recommend,
        }
