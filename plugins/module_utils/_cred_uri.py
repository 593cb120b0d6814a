# -*- coding: utf-8 -*-
# Copyright: Contributors to the alibabacloud.dts collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Credentials from a credentials URI: ALIBABA_CLOUD_CREDENTIALS_URI, or a CLI profile of mode CredentialsURI.

A GET answered with ``{"Code": "Success", "AccessKeyId", "AccessKeySecret", "SecurityToken",
"Expiration"}``, asked again before the credentials expire.
"""

import json
from typing import Any, Optional

from ansible_collections.alibabacloud.dts.plugins.module_utils._cred_base import (
    Credentials,
    RefreshingCredentials,
    SourceContext,
    parse_expiration,
    safe_uri,
)
from ansible_collections.alibabacloud.dts.plugins.module_utils._endpoints import has_userinfo
from ansible_collections.alibabacloud.dts.plugins.module_utils._errors import DtsApiError, DtsConfigError


def from_credentials_uri(context: SourceContext) -> Optional[RefreshingCredentials]:
    """The chain's last step: ALIBABA_CLOUD_CREDENTIALS_URI, when set."""
    uri = context.env.get('ALIBABA_CLOUD_CREDENTIALS_URI')
    if not uri:
        return None
    return credentials_uri(context, uri, 'credentials URI %s' % safe_uri(uri), 'ALIBABA_CLOUD_CREDENTIALS_URI')


def _uri_credentials(answer: Any, action: str, source: str) -> Credentials:
    try:
        body = json.loads(answer.content.decode('utf-8'))
    except ValueError:
        body = None
    if answer.status_code != 200 or not isinstance(body, dict) or body.get('Code') != 'Success':
        raise DtsApiError(
            action,
            (body or {}).get('Code') or 'HTTP%d' % answer.status_code,
            'the credentials URI answered without credentials',
            http_status=answer.status_code,
        )
    if not (body.get('AccessKeyId') and body.get('AccessKeySecret')):
        raise DtsApiError(action, 'InvalidResponse', 'the answer lacks AccessKeyId or AccessKeySecret')
    return Credentials(
        body['AccessKeyId'],
        body['AccessKeySecret'],
        body.get('SecurityToken'),
        source,
        parse_expiration(body.get('Expiration'), action),
    )


def credentials_uri(context: SourceContext, uri: Optional[str], source: str, option: str) -> RefreshingCredentials:
    """GET ``uri`` now and before the credentials it gives expire."""
    if not uri or not uri.lower().startswith(('http://', 'https://')):
        raise DtsConfigError(
            '%s: the credentials URI must be an http:// or https:// URL, got %r.' % (source, safe_uri(uri or '')),
            option=option,
        )
    if has_userinfo(uri):
        # The official library drops it (it never sends it); here it would travel as Basic auth.
        raise DtsConfigError(
            '%s: the credentials URI must not carry user information (user:password@); remove it.' % source,
            option=option,
        )
    action = 'Credentials URI %s' % safe_uri(uri)

    def send():
        answer = context.http(action, 'GET', uri, verify=context.verify, headers={'Accept': 'application/json'})
        return _uri_credentials(answer, action, source)

    return context.refreshing(send, source)
