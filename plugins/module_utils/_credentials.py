# -*- coding: utf-8 -*-
# Copyright: Contributors to the alibabacloud.dts collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The credential chain users already have, resolved in the official library's order.

Options (keys, ``profile``, ``credentials_file``, ``ecs_role_name``) pin a source.  Otherwise the
first source that is configured wins: the environment keys; the OIDC role of the environment
(RRSA); the aliyun CLI profile (config.json); the INI file; the ECS instance RAM role (named or
discovered); the credentials URI.  ``assume_role`` then trades whatever was found for a role's
STS credentials.  A source that is configured but broken is an error, not a reason to try the
next one: silently signing with other credentials than the ones meant is worse than stopping.

Temporary credentials refresh themselves before they expire: every credentials object has
``current()``, which the client calls once per request attempt and signs with.

This file is the chain: the order, and the sources that need nothing but the options, the
environment and the files.  Each source family has a file of its own (``_cred_sts``: AssumeRole
and OIDC; ``_cred_ecs``: the instance metadata service; ``_cred_uri``; ``_cred_process``;
``_cred_profiles``: what a CLI profile or INI section resolves to), and ``_cred_base`` what they
share: the credentials objects and the one way to the network (``_http``, as the client's).
"""

import os
import time
from typing import Any, Callable, List, Mapping, Optional, Union

from ansible_collections.alibabacloud.dts.plugins.module_utils._cred_base import (
    CREDENTIAL_FIELDS,
    AnyCredentials,
    Credentials,
    RefreshingCredentials,
    SourceContext,
    check_credentials,
    parse_expiration,
)
from ansible_collections.alibabacloud.dts.plugins.module_utils._cred_ecs import ecs_role, from_ecs_metadata
from ansible_collections.alibabacloud.dts.plugins.module_utils._cred_profiles import from_cli_profile, from_section
from ansible_collections.alibabacloud.dts.plugins.module_utils._cred_sts import (
    DEFAULT_SESSION_NAME,
    assume_role,
    oidc_role,
    sts_endpoint,
)
from ansible_collections.alibabacloud.dts.plugins.module_utils._cred_uri import from_credentials_uri
from ansible_collections.alibabacloud.dts.plugins.module_utils._endpoints import parse_endpoint
from ansible_collections.alibabacloud.dts.plugins.module_utils._errors import DtsConfigError
from ansible_collections.alibabacloud.dts.plugins.module_utils._profiles import (
    cli_config_path,
    cli_disabled,
    cli_profile,
    env_value,
    ini_path,
    profile_name,
    read_cli_config,
    read_ini,
)

# What callers of the chain use, defined with the sources.
__all__ = [
    'CREDENTIAL_FIELDS',
    'DEFAULT_SESSION_NAME',
    'Credentials',
    'RefreshingCredentials',
    'check_credentials',
    'parse_expiration',
    'resolve_credentials',
]

OIDC_VARIABLES = ('ALIBABA_CLOUD_ROLE_ARN', 'ALIBABA_CLOUD_OIDC_PROVIDER_ARN', 'ALIBABA_CLOUD_OIDC_TOKEN_FILE')
NO_CREDENTIALS = (
    'No Alibaba Cloud credentials found. Set access_key_id and access_key_secret (or the '
    'ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET environment variables), set '
    'ALIBABA_CLOUD_ROLE_ARN, ALIBABA_CLOUD_OIDC_PROVIDER_ARN and ALIBABA_CLOUD_OIDC_TOKEN_FILE (RRSA), name a '
    'profile (profile, credentials_file, ALIBABA_CLOUD_PROFILE), configure the aliyun CLI, attach a RAM role to '
    'the ECS instance (or name it with ecs_role_name), or set ALIBABA_CLOUD_CREDENTIALS_URI.'
)


def _pair(key_id, secret, token, source, id_name, secret_name, token_name):
    if key_id and secret:
        return check_credentials(Credentials(key_id, secret, token, source), names=(id_name, secret_name, token_name))
    if key_id or secret:
        missing = secret_name if key_id else id_name
        raise DtsConfigError(
            '%s is set but %s is not; set both, or neither to use another credential source.'
            % (id_name if key_id else secret_name, missing),
            option=missing,
        )
    return None


class _Resolver(SourceContext):
    """One resolution: the options it was given, and the chain's order over the sources."""

    def __init__(self, params, session, environ, home, timeout, verify, sleep, clock, warnings=None):
        super().__init__(session, environ, home, timeout, verify, sleep, clock, warnings)
        self.params = params

    def param(self, name):
        value = self.params.get(name)
        return value if value not in ('', None) else None

    def resolve(self) -> AnyCredentials:
        credentials = self.from_options()
        if credentials is None and (self.param('profile') or self.param('credentials_file')):
            credentials = self.from_named_profile(self.param('profile'))
        if credentials is None and self.param('ecs_role_name'):
            credentials = ecs_role(self, self.param('ecs_role_name'), 'ecs_role_name')
        if credentials is None:
            credentials = (
                self.from_environment()
                or self.from_oidc_environment()
                or self.from_profiles()
                or from_ecs_metadata(self)
                or from_credentials_uri(self)
            )
        if credentials is None:
            raise DtsConfigError(NO_CREDENTIALS, option='access_key_id')
        assume = self.params.get('assume_role')
        if assume:
            endpoint = assume.get('endpoint')
            credentials = assume_role(
                self,
                credentials,
                assume,
                'assume_role',
                endpoint=parse_endpoint(endpoint, option='assume_role.endpoint') if endpoint else None,
            )
        return credentials

    def sts_endpoint(self, sts=None, endpoint=None):
        """Where this resolution's STS calls go (``_cred_sts.sts_endpoint``)."""
        return sts_endpoint(self, sts, endpoint)

    def from_options(self):
        return _pair(
            self.param('access_key_id'),
            self.param('access_key_secret'),
            self.param('security_token'),
            'module options',
            *CREDENTIAL_FIELDS,
        )

    def from_environment(self):
        found = _pair(
            self.env.get('ALIBABA_CLOUD_ACCESS_KEY_ID'),
            self.env.get('ALIBABA_CLOUD_ACCESS_KEY_SECRET'),
            self.env.get('ALIBABA_CLOUD_SECURITY_TOKEN'),
            'environment (ALIBABA_CLOUD_ACCESS_KEY_ID)',
            'ALIBABA_CLOUD_ACCESS_KEY_ID',
            'ALIBABA_CLOUD_ACCESS_KEY_SECRET',
            'ALIBABA_CLOUD_SECURITY_TOKEN',
        )
        return found or _pair(
            self.env.get('ALICLOUD_ACCESS_KEY'),
            self.env.get('ALICLOUD_SECRET_KEY'),
            self.env.get('ALICLOUD_SECURITY_TOKEN'),
            'environment (ALICLOUD_ACCESS_KEY)',
            'ALICLOUD_ACCESS_KEY',
            'ALICLOUD_SECRET_KEY',
            'ALICLOUD_SECURITY_TOKEN',
        )

    def from_oidc_environment(self):
        values = [self.env.get(name) for name in OIDC_VARIABLES]
        if all(values):
            role_arn, provider_arn, token_file = values
            return oidc_role(
                self,
                role_arn,
                provider_arn,
                token_file,
                None,
                None,
                None,
                {},
                'OIDC role %s' % role_arn,
                option='ALIBABA_CLOUD_OIDC_TOKEN_FILE',
            )
        # ALIBABA_CLOUD_ROLE_ARN alone has other uses; a provider or token file alone is half an OIDC setup.
        if values[1] or values[2]:
            missing = [name for name, value in zip(OIDC_VARIABLES, values) if not value]
            raise DtsConfigError(
                'OIDC credentials need %s too (set all of %s, or none).'
                % (' and '.join(missing), ', '.join(OIDC_VARIABLES)),
                option=missing[0],
            )
        return None

    def from_named_profile(self, name):
        """``profile`` / ``credentials_file`` given as options: that profile or an error, nothing else."""
        explicit_file = self.param('credentials_file')
        if explicit_file:
            path = os.path.expanduser(explicit_file)
            section = name or env_value(self.env, 'ALIBABA_CLOUD_PROFILE', 'ALICLOUD_PROFILE') or 'default'
            found = self.from_ini(path, section, 'credentials_file')
            if found is None:
                raise DtsConfigError(
                    'Profile %r is not in the credentials file %s.' % (section, path),
                    option='profile' if name else 'credentials_file',
                )
            return found
        return self.from_profiles(name)

    def from_profiles(self, name=None):
        """The CLI profile, then the INI file: the named profile (option or ALIBABA_CLOUD_PROFILE) or the default."""
        name = name or profile_name(self.params, self.env)
        cli_path = cli_config_path(self.home)
        if not cli_disabled(self.env) and os.path.isfile(cli_path):
            config = read_cli_config(cli_path)
            profile = cli_profile(config, name or config.get('current'))
            if profile is not None:
                return from_cli_profile(self, config, profile, cli_path)
        path = ini_path(self.env, self.home)
        if env_value(self.env, 'ALIBABA_CLOUD_CREDENTIALS_FILE') and not os.path.isfile(path):
            raise DtsConfigError(
                'ALIBABA_CLOUD_CREDENTIALS_FILE names %s, which is not a file.' % path, option='credentials_file'
            )
        found = self.from_ini(path, name or 'default', 'profile') if os.path.isfile(path) else None
        if found is None and name:
            raise DtsConfigError(
                'Profile %r was not found; looked in %s and %s.' % (name, cli_path, path), option='profile'
            )
        return found

    def from_ini(self, path, section_name, option):
        sections = read_ini(path, option)
        section = sections.get(section_name)
        if section is None:
            return None
        return from_section(self, section, 'INI profile %s of %s' % (section_name, path), option)


def resolve_credentials(
    params: Mapping[str, Any],
    session: Any,
    environ: Optional[Mapping[str, str]] = None,
    home: Optional[str] = None,
    timeout: float = 10.0,
    verify: Union[bool, str] = True,
    sleep: Callable[[float], Any] = time.sleep,
    clock: Callable[[], float] = time.time,
    warnings: Optional[List[str]] = None,
) -> AnyCredentials:
    """The credentials object of the first source that has them, then through assume_role if asked.

    The result has ``source`` (where they came from, never the values) and ``current()``, the
    snapshot to sign a request with.  Raises DtsConfigError for missing or bad configuration
    (never quoting a secret), or DtsApiError when a network source (metadata, STS, a command,
    a URI) refuses.  ``warnings`` (a list) gets a warning for an STS endpoint over plain HTTP or
    unverified TLS (``transport_warnings``).
    """
    resolver = _Resolver(
        params,
        session,
        os.environ if environ is None else environ,
        home or os.path.expanduser('~'),
        min(timeout, 30.0),
        verify,
        sleep,
        clock,
        warnings,
    )
    return resolver.resolve()
