# -*- coding: utf-8 -*-
# Copyright: Contributors to the alibabacloud.dts collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The shared connection options and the one way to turn them into a DtsClient.

Modules, the inventory plugin and the role all hand the same option names here.
"""

import os
from typing import Any, Dict, List, Mapping, Optional

from ansible_collections.alibabacloud.dts.plugins.module_utils._client import (
    DEFAULT_MAX_CONCURRENCY,
    DtsClient,
)
from ansible_collections.alibabacloud.dts.plugins.module_utils._credentials import resolve_credentials
from ansible_collections.alibabacloud.dts.plugins.module_utils._endpoints import (
    check_region,
    default_endpoint,
    explicit_endpoint,
    transport_warnings,
)
from ansible_collections.alibabacloud.dts.plugins.module_utils._errors import DtsConfigError
from ansible_collections.alibabacloud.dts.plugins.module_utils._profiles import is_true, resolve_region
from ansible_collections.alibabacloud.dts.plugins.module_utils._retries import DEFAULT_RETRIES, DEFAULT_RETRY_BUDGET

SIGNATURE_VERSIONS = ('v3', 'v1')
DEFAULT_HTTP_TIMEOUT = 30
MAX_RETRIES = 20
MAX_CONCURRENCY = 32
MAX_RETRY_BUDGET = 3600
MAX_REQUESTS_PER_SECOND = 1000


def connection_argument_spec() -> Dict[str, Any]:
    """The options every module of the collection accepts (documented in the common doc fragment)."""
    return dict(
        access_key_id=dict(type='str', aliases=['access_key', 'alicloud_access_key'], no_log=False),
        access_key_secret=dict(type='str', aliases=['secret_key', 'alicloud_secret_key'], no_log=True),
        security_token=dict(type='str', aliases=['alicloud_security_token'], no_log=True),
        region=dict(type='str', aliases=['region_id', 'alicloud_region']),
        endpoint=dict(type='str'),
        profile=dict(type='str', aliases=['alicloud_profile']),
        credentials_file=dict(type='path'),
        ecs_role_name=dict(type='str'),
        assume_role=dict(
            type='dict',
            options=dict(
                role_arn=dict(type='str', required=True),
                session_name=dict(type='str'),
                duration_seconds=dict(type='int'),
                policy=dict(type='str'),
                external_id=dict(type='str', no_log=False),
                endpoint=dict(type='str'),
            ),
        ),
        signature_version=dict(type='str', choices=list(SIGNATURE_VERSIONS), default='v3'),
        validate_certs=dict(type='bool', default=True),
        ca_path=dict(type='path'),
        http_timeout=dict(type='float', default=DEFAULT_HTTP_TIMEOUT),
        retries=dict(type='int', default=DEFAULT_RETRIES),
        max_concurrent_requests=dict(type='int', default=DEFAULT_MAX_CONCURRENCY),
        retry_budget=dict(type='float', default=DEFAULT_RETRY_BUDGET),
        max_requests_per_second=dict(type='float'),
        allow_unknown_region=dict(type='bool', default=False),
    )


CONNECTION_OPTIONS = tuple(connection_argument_spec())


def _check_range(params, name, low, high, default):
    value = params.get(name)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        raise DtsConfigError('%s must be a number from %s to %s, got %r.' % (name, low, high, value), option=name)
    return value


def validate_connection_params(params: Mapping[str, Any]) -> Dict[str, Any]:
    """Check the connection options that need no network; return the ones DtsClient takes."""
    signature_version = (params.get('signature_version') or 'v3').lower()
    if signature_version not in SIGNATURE_VERSIONS:
        raise DtsConfigError(
            'signature_version must be v3 (ACS3-HMAC-SHA256) or v1 (HMAC-SHA1), got %r.'
            % (params.get('signature_version'),),
            option='signature_version',
        )
    ca_path = params.get('ca_path')
    if ca_path and not os.path.isfile(ca_path):
        raise DtsConfigError(
            'ca_path %r is not a readable file; give the path of a PEM CA bundle.' % (ca_path,), option='ca_path'
        )
    validate_certs = params.get('validate_certs')
    verify = False if validate_certs is False else (ca_path or True)
    return dict(
        signature_version=signature_version,
        verify=verify,
        timeout=float(_check_range(params, 'http_timeout', 1, 600, DEFAULT_HTTP_TIMEOUT)),
        retries=int(_check_range(params, 'retries', 0, MAX_RETRIES, DEFAULT_RETRIES)),
        max_concurrency=int(
            _check_range(params, 'max_concurrent_requests', 1, MAX_CONCURRENCY, DEFAULT_MAX_CONCURRENCY)
        ),
        retry_budget=float(_check_range(params, 'retry_budget', 0, MAX_RETRY_BUDGET, DEFAULT_RETRY_BUDGET)),
        max_requests_per_second=_check_range(params, 'max_requests_per_second', 0, MAX_REQUESTS_PER_SECOND, None),
    )


# The options that decide which credentials connect() resolves.
CREDENTIAL_OPTIONS = (
    'access_key_id',
    'access_key_secret',
    'security_token',
    'profile',
    'credentials_file',
    'ecs_role_name',
    'assume_role',
)


def connect(
    params: Mapping[str, Any],
    environ: Optional[Mapping[str, str]] = None,
    region: Optional[str] = None,
    credentials: Any = None,
    gate: Any = None,
    credentials_cache: Any = None,
) -> DtsClient:
    """A DtsClient for ``params`` (the shared options), in ``region`` when given.

    ``credentials`` from an earlier client of the same account skip resolving them again
    (one AssumeRole per account, not per region; temporary ones refresh for every client
    that shares them); a ``credentials_cache`` (``get(params, resolve)``: the controller's
    ``plugin_utils._credential_cache.CredentialCache``) does that for many clients at once.
    ``client.credentials.source`` says where they came from.  ``gate``: a semaphore shared by
    every client of a run, held around each request (the inventory bounds all its listings'
    requests with it).  A region DTS does not document fails here unless ``allow_unknown_region``
    or an explicit endpoint lets it through; the client's ``warnings`` then say so, and say when
    credentials leave this machine over plain HTTP or unverified TLS (``transport_warnings``; for
    the STS endpoint, only the client that resolved the credentials says it).  Raises
    DtsConfigError for bad options or missing credentials; credential sources that need the
    network (ECS metadata, STS, a command, a URI) may raise DtsApiError.
    """
    environ = os.environ if environ is None else environ
    settings = validate_connection_params(params)
    given_endpoint = explicit_endpoint(params.get('endpoint'), environ)
    region, warning = check_region(
        region or resolve_region(params, environ=environ),
        allow_unknown=is_true(params.get('allow_unknown_region')),
        endpoint=given_endpoint,
    )
    endpoint = given_endpoint or default_endpoint(region)
    session = DtsClient.new_session(settings['max_concurrency'])
    warnings: List[str] = [warning] if warning else []
    warnings += transport_warnings(endpoint, settings['verify'], 'the DTS endpoint')
    if credentials is None:

        def resolve():
            return resolve_credentials(
                params,
                session,
                environ=environ,
                timeout=settings['timeout'],
                verify=settings['verify'],
                warnings=warnings,
            )

        credentials = resolve() if credentials_cache is None else credentials_cache.get(params, resolve)
    client = DtsClient(credentials, region, endpoint, session=session, gate=gate, **settings)
    client.warnings.extend(warnings)
    return client
