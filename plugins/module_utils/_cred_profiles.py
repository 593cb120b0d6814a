# -*- coding: utf-8 -*-
# Copyright: Contributors to the alibabacloud.dts collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a profile resolves to: an aliyun CLI profile by its mode, an INI section by its type.

``_profiles`` reads the files; here each mode or type is handed to its source (keys as they are,
``_cred_sts``, ``_cred_ecs``, ``_cred_uri``, ``_cred_process``, or the STS credentials the CLI cached
after a browser login).
"""

from typing import Any, Dict, Mapping, Optional, Sequence, Tuple

from ansible_collections.alibabacloud.dts.plugins.module_utils._cred_base import (
    AnyCredentials,
    Credentials,
    RefreshingCredentials,
    SourceContext,
    check_credentials,
)
from ansible_collections.alibabacloud.dts.plugins.module_utils._cred_ecs import ecs_role
from ansible_collections.alibabacloud.dts.plugins.module_utils._cred_process import external
from ansible_collections.alibabacloud.dts.plugins.module_utils._cred_sts import assume_role, oidc_role
from ansible_collections.alibabacloud.dts.plugins.module_utils._cred_uri import credentials_uri
from ansible_collections.alibabacloud.dts.plugins.module_utils._errors import DtsConfigError
from ansible_collections.alibabacloud.dts.plugins.module_utils._profiles import cli_profile

CLI_MODES = (
    'AK',
    'StsToken',
    'RamRoleArn',
    'ChainableRamRoleArn',
    'EcsRamRole',
    'OIDC',
    'External',
    'CredentialsURI',
    'CloudSSO',
    'OAuth',
)
INI_TYPES = ('access_key', 'sts', 'ram_role_arn', 'oidc_role_arn', 'ecs_ram_role')


def require_keys(
    section: Mapping[str, Any], source: str, id_key: str, secret_key: str, option: str, token_key: Optional[str] = None
) -> Credentials:
    """The keys a profile or section holds, checked; an error naming them when one is missing."""
    if not section.get(id_key) or not section.get(secret_key):
        raise DtsConfigError('%s lacks %s or %s.' % (source, id_key, secret_key), option=option)
    keys = (id_key, secret_key, token_key or 'security_token')
    return check_credentials(
        Credentials(section[id_key], section[secret_key], section.get(token_key) if token_key else None, source),
        names=['%s of %s' % (key, source) for key in keys],
        option=option,
    )


# -- aliyun CLI profiles (config.json) -------------------------------------------------------------


class _CliProfile:
    """One profile of config.json being resolved: what its modes read."""

    def __init__(
        self,
        context: SourceContext,
        config: Mapping[str, Any],
        profile: Mapping[str, Any],
        path: str,
        seen: Tuple[str, ...],
    ) -> None:
        self.context, self.config, self.profile, self.path, self.seen = context, config, profile, path, seen
        self.name: str = profile.get('name')  # type: ignore[assignment]
        self.mode = profile.get('mode') or 'AK'
        self.source = 'CLI profile %s (%s)' % (self.name, self.mode)
        self.sts = {'sts_region': profile.get('sts_region'), 'enable_vpc': profile.get('enable_vpc')}
        self.role = {
            'role_arn': profile.get('ram_role_arn'),
            'session_name': profile.get('ram_session_name'),
            'duration_seconds': profile.get('expired_seconds'),
            'policy': profile.get('policy'),
            'external_id': profile.get('external_id'),
        }

    def keys(self, token_key: Optional[str] = None) -> Credentials:
        return require_keys(
            self.profile, self.source, 'access_key_id', 'access_key_secret', 'profile', token_key=token_key
        )

    def ak(self) -> AnyCredentials:
        return self.keys()

    def sts_token(self) -> AnyCredentials:
        return self.keys(token_key='sts_token')

    def ram_role_arn(self) -> AnyCredentials:
        return assume_role(self.context, self.keys(), self.role, self.source, sts=self.sts, source=self.source)

    def chainable_ram_role_arn(self) -> AnyCredentials:
        parent_name = self.profile.get('source_profile')
        parent = cli_profile(self.config, parent_name) if parent_name else None
        if parent is None or parent_name in self.seen or parent_name == self.name:
            raise DtsConfigError(
                '%s needs source_profile naming another profile of %s, without a loop; got %r.'
                % (self.source, self.path, parent_name),
                option='profile',
            )
        base = from_cli_profile(self.context, self.config, parent, self.path, self.seen + (self.name,))
        return assume_role(
            self.context,
            base,
            self.role,
            self.source,
            sts=self.sts,
            source='CLI profile %s (ChainableRamRoleArn via %s)' % (self.name, parent_name),
        )

    def ecs_ram_role(self) -> AnyCredentials:
        return ecs_role(self.context, self.profile.get('ram_role_name') or None, 'profile', source_prefix=self.source)

    def oidc(self) -> AnyCredentials:
        profile = self.profile
        return oidc_role(
            self.context,
            profile.get('ram_role_arn'),
            profile.get('oidc_provider_arn'),
            profile.get('oidc_token_file'),
            profile.get('role_session_name'),
            profile.get('expired_seconds'),
            profile.get('policy'),
            self.sts,
            self.source,
            option='profile',
        )

    def external(self) -> AnyCredentials:
        return external(self.context, self.profile.get('process_command'), self.source)

    def credentials_uri(self) -> AnyCredentials:
        return credentials_uri(self.context, self.profile.get('credentials_uri'), self.source, 'profile')

    def cached_login(self) -> AnyCredentials:
        """CloudSSO / OAuth need a browser to log in: use the STS credentials the CLI cached, while they last."""
        profile, source, clock = self.profile, self.source, self.context.clock
        command = 'aliyun configure --profile %s --mode %s' % (self.name, self.mode)
        try:
            expiration = int(profile.get('sts_expiration') or 0)
        except (TypeError, ValueError):
            expiration = 0
        if not (profile.get('access_key_id') and profile.get('access_key_secret') and profile.get('sts_token')):
            raise DtsConfigError(
                '%s holds no STS credentials yet; log in with `%s` (it needs a browser), then run '
                'again.' % (source, command),
                option='profile',
            )
        if expiration <= clock():
            raise DtsConfigError(
                '%s: the STS credentials the aliyun CLI cached have expired; refresh them with `%s`.'
                % (source, command),
                option='profile',
            )
        cached = self.keys(token_key='sts_token')

        def fetch():
            if expiration <= clock():
                raise DtsConfigError(
                    '%s: the cached STS credentials expired during the run; refresh them with `%s`.'
                    % (source, command),
                    option='profile',
                )
            return Credentials(
                cached.access_key_id, cached.access_key_secret, cached.security_token, source, expiration
            )

        # Refreshing re-reads nothing: the fetch fails once they expire, with the command that renews them.
        return RefreshingCredentials(fetch, source, clock=clock, margin=0)


_CLI_MODE_RESOLVERS = {
    'AK': _CliProfile.ak,
    'StsToken': _CliProfile.sts_token,
    'RamRoleArn': _CliProfile.ram_role_arn,
    'ChainableRamRoleArn': _CliProfile.chainable_ram_role_arn,
    'EcsRamRole': _CliProfile.ecs_ram_role,
    'OIDC': _CliProfile.oidc,
    'External': _CliProfile.external,
    'CredentialsURI': _CliProfile.credentials_uri,
    'CloudSSO': _CliProfile.cached_login,
    'OAuth': _CliProfile.cached_login,
}


def from_cli_profile(
    context: SourceContext, config: Mapping[str, Any], profile: Mapping[str, Any], path: str, seen: Tuple[str, ...] = ()
) -> AnyCredentials:
    """The credentials of a config.json profile, by its mode (CLI_MODES)."""
    resolving = _CliProfile(context, config, profile, path, seen)
    resolve = _CLI_MODE_RESOLVERS.get(resolving.mode)
    if resolve is None:
        raise DtsConfigError(
            '%s: mode %s is not supported; supported modes are %s.'
            % (resolving.source, resolving.mode, ', '.join(CLI_MODES)),
            option='profile',
        )
    return resolve(resolving)


# -- sections of the INI file --------------------------------------------------------------------


def _ini_role(section: Mapping[str, Any]) -> Dict[str, Any]:
    return {
        'role_arn': section.get('role_arn'),
        'session_name': section.get('role_session_name'),
        'duration_seconds': section.get('duration_seconds'),
        'policy': section.get('policy'),
        'external_id': section.get('external_id'),
    }


def from_section(context: SourceContext, section: Mapping[str, Any], source: str, option: str) -> AnyCredentials:
    """Credentials from a section of the INI file, by its type (INI_TYPES)."""
    kind = (section.get('type') or section.get('enable_type') or 'access_key').strip()
    source = '%s (%s)' % (source, kind)
    keys: Sequence[str] = ('access_key_id', 'access_key_secret')
    if kind == 'access_key':
        return require_keys(section, source, keys[0], keys[1], option)
    if kind == 'sts':
        return require_keys(section, source, keys[0], keys[1], option, token_key='security_token')
    if kind == 'ram_role_arn':
        base = require_keys(section, source, keys[0], keys[1], option)
        return assume_role(context, base, _ini_role(section), source, source=source)
    if kind == 'oidc_role_arn':
        return oidc_role(
            context,
            section.get('role_arn'),
            section.get('oidc_provider_arn'),
            section.get('oidc_token_file_path'),
            section.get('role_session_name'),
            section.get('duration_seconds'),
            section.get('policy'),
            {},
            source,
            option=option,
        )
    if kind == 'ecs_ram_role':
        return ecs_role(context, section.get('role_name') or None, option, source_prefix=source)
    raise DtsConfigError(
        '%s: type %s is not supported; supported types are %s.' % (source, kind, ', '.join(INI_TYPES)), option=option
    )
