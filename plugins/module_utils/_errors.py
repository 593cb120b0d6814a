# -*- coding: utf-8 -*-
# Copyright: Contributors to the alibabacloud.dts collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The two kinds of failure the client reports.

DtsConfigError is raised before any request is sent (bad option, no credentials);
its message names the option and the fix.  DtsApiError carries what the service
(or the network) said, with the fields operators need to open a ticket.
"""

from typing import Any, Dict, Iterable, Optional


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

    def __init__(self, action: str, code: Optional[str], message: Optional[str], request_id: Optional[str] = None,
                 http_status: Optional[int] = None, recommend: Optional[str] = None,
                 retry_after: Optional[float] = None) -> None:
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
        """Replace each secret, raw or percent-encoded once or twice, with ``****`` in the message.

        The gateway's SignatureDoesNotMatch message quotes its string-to-sign, which for V1
        carries the STS token percent-encoded twice.
        """
        from ansible_collections.alibabacloud.dts.plugins.module_utils._signing import percent_encode
        for secret in secrets:
            if not secret:
                continue
            once = percent_encode(secret)
            for form in (percent_encode(once), once, secret):
                self.message = self.message.replace(form, '****')
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
