# -*- coding: utf-8 -*-
# Copyright: Contributors to the alibabacloud.dts collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Credentials from STS: AssumeRole (signed with base credentials) and AssumeRoleWithOIDC (RRSA).

Which endpoint, which session name, and what an STS answer means; each source refreshes itself
through the same call before the credentials expire.
"""

import json
import os
import time
from typing import Any, Mapping, Optional

from ansible_collections.alibabacloud.dts.plugins.module_utils._cred_base import (
    CREDENTIAL_TEXT,
    AnyCredentials,
    Credentials,
    RefreshingCredentials,
    SourceContext,
    parse_expiration,
)
from ansible_collections.alibabacloud.dts.plugins.module_utils._endpoints import parse_endpoint, transport_warnings
from ansible_collections.alibabacloud.dts.plugins.module_utils._errors import DtsApiError, DtsConfigError
from ansible_collections.alibabacloud.dts.plugins.module_utils._profiles import is_true
from ansible_collections.alibabacloud.dts.plugins.module_utils._signing import canonical_query, sign_v1

STS_HOST = 'sts.aliyuncs.com'
STS_API_VERSION = '2015-04-01'
DEFAULT_SESSION_NAME = 'ansible-alibabacloud-dts'
DEFAULT_DURATION_SECONDS = 3600


def duration(value: Any, option: str) -> int:
    """The session duration asked for: 900 to 43200 seconds, DEFAULT_DURATION_SECONDS when unset."""
    if value in (None, '', 0, '0'):
        return DEFAULT_DURATION_SECONDS
    try:
        seconds = int(value)
    except (TypeError, ValueError):
        seconds = -1
    if not 900 <= seconds <= 43200:
        raise DtsConfigError('%s must be from 900 to 43200 seconds, got %r.' % (option, value), option=option)
    return seconds


def sts_endpoint(
    context: SourceContext, sts: Optional[Mapping[str, Any]] = None, endpoint: Optional[str] = None
) -> str:
    """An explicit endpoint, ALIBABA_CLOUD_STS_ENDPOINT, then sts[-vpc].<region>.aliyuncs.com, then
    sts.aliyuncs.com."""
    sts = sts or {}
    explicit = context.env.get('ALIBABA_CLOUD_STS_ENDPOINT')
    if endpoint or explicit:
        url = endpoint or parse_endpoint(str(explicit), option='ALIBABA_CLOUD_STS_ENDPOINT')
        context.warnings.extend(transport_warnings(url, context.verify, 'the STS endpoint'))
        return url
    enable_vpc = sts.get('enable_vpc')
    if enable_vpc is None:
        enable_vpc = context.env.get('ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED')
    region = sts.get('sts_region') or context.env.get('ALIBABA_CLOUD_STS_REGION')
    if region:
        return 'https://%s.%s.aliyuncs.com' % ('sts-vpc' if is_true(enable_vpc) else 'sts', region)
    return 'https://' + STS_HOST


def session_name(context: SourceContext, given: Optional[str]) -> str:
    return given or context.env.get('ALIBABA_CLOUD_ROLE_SESSION_NAME') or DEFAULT_SESSION_NAME


def sts_credentials(action: str, answer: Any, secrets: Any, source: str) -> Credentials:
    """The Credentials of an STS answer, or a DtsApiError with its Code, Message and RequestId."""
    try:
        body = json.loads(answer.content.decode('utf-8'))
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise DtsApiError(
            action, 'HTTP%d' % answer.status_code, 'STS answered with no JSON', http_status=answer.status_code
        )
    creds = body.get('Credentials')
    if answer.status_code >= 400 or not isinstance(creds, dict):
        raise DtsApiError(
            action,
            body.get('Code') or 'HTTP%d' % answer.status_code,
            body.get('Message'),
            request_id=body.get('RequestId'),
            http_status=answer.status_code,
            recommend=body.get('Recommend'),
        ).redact(secrets)
    # Checked where every source's answer is checked (RefreshingCredentials), not here.
    fields: Any = creds
    return Credentials(
        fields.get('AccessKeyId'),
        fields.get('AccessKeySecret'),
        fields.get('SecurityToken'),
        source,
        parse_expiration(fields.get('Expiration'), action),
    )


def assume_role(
    context: SourceContext,
    base: AnyCredentials,
    options: Mapping[str, Any],
    what: str,
    sts: Optional[Mapping[str, Any]] = None,
    endpoint: Optional[str] = None,
    source: Optional[str] = None,
) -> RefreshingCredentials:
    """``base`` exchanged for the role's STS credentials, refreshed with ``base.current()`` when due."""
    role_arn = options.get('role_arn')
    if not role_arn:
        raise DtsConfigError(
            '%s needs a role ARN, for example acs:ram::123456789012:role/dts-reader.' % what,
            option='assume_role.role_arn' if what == 'assume_role' else 'profile',
        )
    seconds = duration(
        options.get('duration_seconds'), 'assume_role.duration_seconds' if what == 'assume_role' else 'profile'
    )
    url = sts_endpoint(context, sts, endpoint)
    query = {
        'RoleArn': role_arn,
        'RoleSessionName': session_name(context, options.get('session_name')),
        'DurationSeconds': str(seconds),
    }
    if options.get('policy'):
        query['Policy'] = options['policy']
    if options.get('external_id'):
        query['ExternalId'] = options['external_id']
    source = source or 'AssumeRole %s (from %s)' % (role_arn, base.source)

    def send():
        caller = base.current()
        signed = sign_v1('POST', 'AssumeRole', STS_API_VERSION, query, caller)
        secrets = [caller.security_token, caller.access_key_secret, signed.get('Signature')]
        answer = context.http(
            'AssumeRole',
            'POST',
            '%s/?%s' % (url, canonical_query(signed)),
            headers={'Accept': 'application/json'},
            verify=context.verify,
            secrets=secrets,
        )
        return sts_credentials('AssumeRole', answer, secrets, source)

    return context.refreshing(send, source)


def _read_oidc_token(token_file, source, option):
    try:
        with open(token_file) as handle:
            # Kubernetes rotates the projected token in place: read it at every exchange.
            token = handle.read().strip()
    except (IOError, OSError) as error:
        raise DtsConfigError(
            '%s: cannot read the OIDC token file %s: %s' % (source, token_file, error.strerror), option=option
        ) from error
    if not token:
        raise DtsConfigError('%s: the OIDC token file %s is empty.' % (source, token_file), option=option)
    if not CREDENTIAL_TEXT.match(token):
        raise DtsConfigError(
            '%s: the OIDC token in %s holds whitespace, a control character or a non-ASCII '
            'character; an OIDC token is one line of ASCII.' % (source, token_file),
            option=option,
        )
    return token


def oidc_role(
    context: SourceContext,
    role_arn: Optional[str],
    provider_arn: Optional[str],
    token_file: Optional[str],
    given_session_name: Optional[str],
    duration_seconds: Any,
    policy: Optional[str],
    sts: Mapping[str, Any],
    source: str,
    option: str,
) -> RefreshingCredentials:
    """AssumeRoleWithOIDC (unsigned) with the token file's content, read again at every refresh."""
    for name, value in (('role ARN', role_arn), ('OIDC provider ARN', provider_arn), ('OIDC token file', token_file)):
        if not value:
            raise DtsConfigError('%s has no %s.' % (source, name), option=option)
    seconds = duration(duration_seconds, option)
    url = sts_endpoint(context, sts)
    path = os.path.expanduser(str(token_file))

    def send():
        token = _read_oidc_token(path, source, option)
        form = {
            'Action': 'AssumeRoleWithOIDC',
            'Format': 'JSON',
            'Version': STS_API_VERSION,
            'Timestamp': time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()),
            'DurationSeconds': str(seconds),
            'RoleArn': role_arn,
            'OIDCProviderArn': provider_arn,
            'OIDCToken': token,
            'RoleSessionName': session_name(context, given_session_name),
        }
        if policy:
            form['Policy'] = policy
        # The token goes in the body, not the URL, where proxies and access logs would keep it.
        answer = context.http(
            'AssumeRoleWithOIDC',
            'POST',
            url + '/',
            data=form,
            verify=context.verify,
            headers={'Accept': 'application/json'},
            secrets=[token],
        )
        return sts_credentials('AssumeRoleWithOIDC', answer, [token], source)

    return context.refreshing(send, source)
