# -*- coding: utf-8 -*-
# Copyright: Contributors to the alibabacloud.dts collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Credentials of the ECS instance's RAM role, from the instance metadata service.

A session token first (IMDSv2), the plain request when that fails and IMDSv1 is allowed, as the
official library does; the role named, or discovered from the service.
"""

import json
from typing import Any, Optional

from ansible_collections.alibabacloud.dts.plugins.module_utils._cred_base import (
    Credentials,
    RefreshingCredentials,
    SourceContext,
    parse_expiration,
)
from ansible_collections.alibabacloud.dts.plugins.module_utils._errors import DtsApiError, DtsConfigError
from ansible_collections.alibabacloud.dts.plugins.module_utils._profiles import is_true

ECS_METADATA_ENDPOINT = 'http://100.100.100.200'
ECS_TOKEN_PATH = '/latest/api/token'
ECS_CREDENTIALS_PATH = '/latest/meta-data/ram/security-credentials/'
ECS_TOKEN_TTL_SECONDS = '21600'
# The metadata service is link-local: it answers at once or is not there (not on ECS).
METADATA_TIMEOUT = (1, 5)
DISCOVERY = 'ECS metadata RAM role discovery'


def metadata_base(context: SourceContext) -> str:
    return (context.env.get('ALIBABA_CLOUD_ECS_METADATA_ENDPOINT') or ECS_METADATA_ENDPOINT).rstrip('/')


def metadata_token(context: SourceContext, base: str, action: str) -> Any:
    """(IMDSv2 session token or None, whether the metadata service answered at all)."""
    try:
        answer = context.http(
            action,
            'PUT',
            base + ECS_TOKEN_PATH,
            timeout=METADATA_TIMEOUT,
            headers={'X-aliyun-ecs-metadata-token-ttl-seconds': ECS_TOKEN_TTL_SECONDS},
        )
        reachable = True
        token = (answer.content or b'').decode('utf-8').strip() if answer.status_code == 200 else None
    except DtsApiError:
        reachable, token = False, None
    if not token and is_true(context.env.get('ALIBABA_CLOUD_IMDSV1_DISABLED')):
        raise DtsApiError(
            action,
            'MetadataTokenUnavailable',
            'the instance metadata service at %s gave no '
            'session token and ALIBABA_CLOUD_IMDSV1_DISABLED forbids the plain request' % base,
        )
    return token or None, reachable


def metadata_get(context: SourceContext, base: str, path: str, token: Optional[str], action: str) -> Any:
    """GET with the session token; without it when that fails and IMDSv1 is allowed (the official fallback)."""
    headers = {'X-aliyun-ecs-metadata-token': token} if token else {}
    answer = context.http(action, 'GET', base + path, timeout=METADATA_TIMEOUT, headers=headers, secrets=[token])
    if answer.status_code != 200 and token and not is_true(context.env.get('ALIBABA_CLOUD_IMDSV1_DISABLED')):
        answer = context.http(action, 'GET', base + path, timeout=METADATA_TIMEOUT)
    return answer


def _role_names(answer):
    return answer.content.decode('utf-8').split() if answer.status_code == 200 else []


def from_ecs_metadata(context: SourceContext) -> Optional[RefreshingCredentials]:
    """The chain's ECS step: ALIBABA_CLOUD_ECS_METADATA's role, else the instance's role, if on ECS."""
    if is_true(context.env.get('ALIBABA_CLOUD_ECS_METADATA_DISABLED')):
        return None
    role = context.env.get('ALIBABA_CLOUD_ECS_METADATA')
    if role:
        return ecs_role(context, role, 'ecs_role_name')
    base = metadata_base(context)
    try:
        token, reachable = metadata_token(context, base, DISCOVERY)
    except DtsApiError:
        reachable = False
    if not reachable:
        return None  # not on ECS: the next source
    try:
        names = _role_names(metadata_get(context, base, ECS_CREDENTIALS_PATH, token, DISCOVERY))
    except DtsApiError:
        return None
    if not names:
        return None  # an instance without a RAM role
    return ecs_role(context, names[0], None, discovered=True)


def _discover_role(context, base):
    token, _reachable = metadata_token(context, base, DISCOVERY)
    answer = metadata_get(context, base, ECS_CREDENTIALS_PATH, token, DISCOVERY)
    names = _role_names(answer)
    if not names:
        raise DtsApiError(
            DISCOVERY,
            'RoleNotFound',
            'the instance metadata service names no RAM role (HTTP %d); '
            'attach one to the instance, or name it' % answer.status_code,
            http_status=answer.status_code,
        )
    return names[0]


def _role_credentials(answer, role, action, source):
    if answer.status_code == 404:
        raise DtsApiError(action, 'RoleNotFound', 'the instance has no RAM role named %s' % role, http_status=404)
    if answer.status_code != 200:
        raise DtsApiError(
            action,
            'HTTP%d' % answer.status_code,
            'the instance metadata service refused',
            http_status=answer.status_code,
        )
    try:
        body = json.loads(answer.content.decode('utf-8'))
    except ValueError:
        body = None
    if not isinstance(body, dict) or body.get('Code') != 'Success':
        raise DtsApiError(
            action,
            'InvalidResponse',
            'the instance metadata service answered without credentials (Code %r)' % ((body or {}).get('Code'),),
        )
    return Credentials(
        body.get('AccessKeyId'),
        body.get('AccessKeySecret'),
        body.get('SecurityToken'),
        source,
        parse_expiration(body.get('Expiration'), action),
    )


def ecs_role(
    context: SourceContext,
    role: Optional[str],
    option: Optional[str],
    discovered: bool = False,
    source_prefix: Optional[str] = None,
) -> RefreshingCredentials:
    """The instance RAM role's credentials, from the metadata service (discovering the role when None)."""
    if is_true(context.env.get('ALIBABA_CLOUD_ECS_METADATA_DISABLED')):
        raise DtsConfigError(
            '%s needs the ECS metadata service, which ALIBABA_CLOUD_ECS_METADATA_DISABLED '
            'turns off.' % (source_prefix or 'ecs_role_name'),
            option=option,
        )
    base = metadata_base(context)
    if not role:
        role, discovered = _discover_role(context, base), True
    action = 'ECS metadata RAM role %s' % role
    source = 'ECS RAM role %s%s' % (role, ' (discovered)' if discovered else '')
    if source_prefix:
        source = '%s: %s' % (source_prefix, source)

    def send():
        token, _reachable = metadata_token(context, base, action)
        answer = metadata_get(context, base, ECS_CREDENTIALS_PATH + role, token, action)
        return _role_credentials(answer, role, action, source)

    return context.refreshing(send, source)
