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
"""

import calendar
import json
import os
import re
import shlex
import subprocess
import threading
import time
from typing import Any, Callable, List, Mapping, Optional, Union

from ansible_collections.alibabacloud.dts.plugins.module_utils._endpoints import (
    has_userinfo,
    parse_endpoint,
    transport_warnings,
)
from ansible_collections.alibabacloud.dts.plugins.module_utils._errors import DtsApiError, DtsConfigError, scrub
from ansible_collections.alibabacloud.dts.plugins.module_utils._profiles import (
    cli_config_path,
    cli_disabled,
    cli_profile,
    env_value,
    ini_path,
    is_true,
    profile_name,
    read_cli_config,
    read_ini,
)
from ansible_collections.alibabacloud.dts.plugins.module_utils._retries import is_transient, retry_call
from ansible_collections.alibabacloud.dts.plugins.module_utils._signing import canonical_query, sign_v1

ECS_METADATA_ENDPOINT = 'http://100.100.100.200'
ECS_TOKEN_PATH = '/latest/api/token'
ECS_CREDENTIALS_PATH = '/latest/meta-data/ram/security-credentials/'
ECS_TOKEN_TTL_SECONDS = '21600'
# The metadata service is link-local: it answers at once or is not there (not on ECS).
METADATA_TIMEOUT = (1, 5)
STS_HOST = 'sts.aliyuncs.com'
STS_API_VERSION = '2015-04-01'
DEFAULT_SESSION_NAME = 'ansible-alibabacloud-dts'
DEFAULT_DURATION_SECONDS = 3600
EXTERNAL_TIMEOUT = 60
CREDENTIAL_RETRIES = 2
# STS and the metadata service answer at once or not at all: a short budget, not the client's minute.
CREDENTIAL_RETRY_BUDGET = 15
# Temporary credentials are replaced this long before they expire (at most half their lifetime),
# so a request signed with them never reaches the service after their expiry.
REFRESH_MARGIN = 600
CLI_MODES = ('AK', 'StsToken', 'RamRoleArn', 'ChainableRamRoleArn', 'EcsRamRole', 'OIDC', 'External',
             'CredentialsURI', 'CloudSSO', 'OAuth')
INI_TYPES = ('access_key', 'sts', 'ram_role_arn', 'oidc_role_arn', 'ecs_ram_role')
OIDC_VARIABLES = ('ALIBABA_CLOUD_ROLE_ARN', 'ALIBABA_CLOUD_OIDC_PROVIDER_ARN', 'ALIBABA_CLOUD_OIDC_TOKEN_FILE')
NO_CREDENTIALS = (
    'No Alibaba Cloud credentials found. Set access_key_id and access_key_secret (or the '
    'ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET environment variables), set '
    'ALIBABA_CLOUD_ROLE_ARN, ALIBABA_CLOUD_OIDC_PROVIDER_ARN and ALIBABA_CLOUD_OIDC_TOKEN_FILE (RRSA), name a '
    'profile (profile, credentials_file, ALIBABA_CLOUD_PROFILE), configure the aliyun CLI, attach a RAM role to '
    'the ECS instance (or name it with ecs_role_name), or set ALIBABA_CLOUD_CREDENTIALS_URI.')


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

    def __init__(self, access_key_id: str, access_key_secret: str, security_token: Optional[str] = None,
                 source: str = '', expiration: Optional[float] = None) -> None:
        for name, value in (('access_key_id', access_key_id), ('access_key_secret', access_key_secret),
                            ('security_token', security_token or None), ('source', source),
                            ('expiration', expiration)):
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError('Credentials are immutable')

    def current(self) -> 'Credentials':
        """The keys to sign the next request with (refreshable credentials return a fresh snapshot)."""
        return self

    def __repr__(self) -> str:
        return 'Credentials(access_key_id=%r, source=%r%s)' % (
            self.access_key_id, self.source, ', with security token' if self.security_token else '')

    __str__ = __repr__


# One run of printable ASCII: every access key id, secret and STS token the service issues.
_CREDENTIAL_TEXT = re.compile(r'[!-~]+\Z')
CREDENTIAL_FIELDS = ('access_key_id', 'access_key_secret', 'security_token')


def check_credentials(credentials: Credentials, names: Any = CREDENTIAL_FIELDS, option: Optional[str] = None,
                      answer: bool = False) -> Credentials:
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
    for index, (name, value) in enumerate(zip(names, (credentials.access_key_id, credentials.access_key_secret,
                                                      credentials.security_token))):
        text = value.strip() if isinstance(value, str) else value
        problem = None
        if index == 2 and not text:
            text = None  # no token: long-term keys
        elif not isinstance(text, str):
            problem = 'is missing' if text is None else 'is not a string'
        elif not text:
            problem = 'is empty'
        elif not _CREDENTIAL_TEXT.match(text):
            problem = ('holds whitespace, a control character or a non-ASCII character (no key or token the '
                       'service issues does; the whitespace around it is dropped)')
        if problem and answer:
            raise DtsApiError(credentials.source, 'InvalidResponse', 'the %s it gave %s' % (name, problem))
        if problem:
            raise DtsConfigError('%s %s. Copy it again from where it was issued.' % (name, problem),
                                 option=option or name)
        values.append(text)
    return Credentials(values[0], values[1], values[2], credentials.source, credentials.expiration)


class RefreshingCredentials:
    """Temporary credentials from ``fetch``, fetched again (by the same source) shortly before they expire.

    ``fetch()`` returns a Credentials snapshot whose ``expiration`` is in epoch seconds (None: it
    does not expire).  The first fetch happens here, so a broken source fails before any API call.
    Thread-safe: concurrent requests wait for one refresh rather than starting several.
    """

    def __init__(self, fetch: Callable[[], Credentials], source: str, clock: Callable[[], float] = time.time,
                 margin: float = REFRESH_MARGIN) -> None:
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
        snapshot = check_credentials(Credentials(snapshot.access_key_id, snapshot.access_key_secret,
                                                 snapshot.security_token, self.source, snapshot.expiration),
                                     names=('access key id', 'access key secret', 'security token'), answer=True)
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


def parse_expiration(text: Any, source: str) -> int:
    """'2024-01-01T00:00:00Z' as epoch seconds."""
    try:
        return calendar.timegm(time.strptime(text, '%Y-%m-%dT%H:%M:%SZ'))
    except (TypeError, ValueError) as error:
        raise DtsApiError(source, 'InvalidResponse',
                          'the credentials carry no valid Expiration (%r)' % (text,)) from error


def _pair(key_id, secret, token, source, id_name, secret_name, token_name):
    if key_id and secret:
        return check_credentials(Credentials(key_id, secret, token, source), names=(id_name, secret_name, token_name))
    if key_id or secret:
        missing = secret_name if key_id else id_name
        raise DtsConfigError('%s is set but %s is not; set both, or neither to use another credential source.'
                             % (id_name if key_id else secret_name, missing), option=missing)
    return None


def _duration(value, option):
    if value in (None, '', 0, '0'):
        return DEFAULT_DURATION_SECONDS
    try:
        duration = int(value)
    except (TypeError, ValueError):
        duration = -1
    if not 900 <= duration <= 43200:
        raise DtsConfigError('%s must be from 900 to 43200 seconds, got %r.' % (option, value), option=option)
    return duration


def _safe_uri(uri):
    """A URI without its query string or password, which may be secret, for messages and sources."""
    return scrub(uri.split('?')[0])


class _Resolver:
    """One resolution: the options, environment and home directory it reads, and the session for network sources."""

    def __init__(self, params, session, environ, home, timeout, verify, sleep, clock, warnings=None):
        # Warnings for the user (an STS endpoint over plain HTTP): connect() gives them to the client.
        self.warnings = [] if warnings is None else warnings
        self.params = params
        self.session = session
        self.env = environ
        self.home = home
        self.timeout = timeout
        self.verify = verify
        self.sleep = sleep
        self.clock = clock

    def param(self, name):
        value = self.params.get(name)
        return value if value not in ('', None) else None

    # The chain -------------------------------------------------------------------------

    def resolve(self):
        credentials = self.from_options()
        if credentials is None and (self.param('profile') or self.param('credentials_file')):
            credentials = self.from_named_profile(self.param('profile'))
        if credentials is None and self.param('ecs_role_name'):
            credentials = self.ecs_role(self.param('ecs_role_name'), 'ecs_role_name')
        if credentials is None:
            credentials = (self.from_environment() or self.from_oidc_environment() or self.from_profiles()
                           or self.from_ecs_metadata() or self.from_credentials_uri())
        if credentials is None:
            raise DtsConfigError(NO_CREDENTIALS, option='access_key_id')
        assume_role = self.params.get('assume_role')
        if assume_role:
            endpoint = assume_role.get('endpoint')
            credentials = self.assume_role(credentials, assume_role, 'assume_role',
                                           endpoint=parse_endpoint(endpoint, option='assume_role.endpoint')
                                           if endpoint else None)
        return credentials

    def from_options(self):
        return _pair(self.param('access_key_id'), self.param('access_key_secret'), self.param('security_token'),
                     'module options', *CREDENTIAL_FIELDS)

    def from_environment(self):
        found = _pair(self.env.get('ALIBABA_CLOUD_ACCESS_KEY_ID'), self.env.get('ALIBABA_CLOUD_ACCESS_KEY_SECRET'),
                      self.env.get('ALIBABA_CLOUD_SECURITY_TOKEN'), 'environment (ALIBABA_CLOUD_ACCESS_KEY_ID)',
                      'ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET',
                      'ALIBABA_CLOUD_SECURITY_TOKEN')
        return found or _pair(self.env.get('ALICLOUD_ACCESS_KEY'), self.env.get('ALICLOUD_SECRET_KEY'),
                              self.env.get('ALICLOUD_SECURITY_TOKEN'), 'environment (ALICLOUD_ACCESS_KEY)',
                              'ALICLOUD_ACCESS_KEY', 'ALICLOUD_SECRET_KEY',
                              'ALICLOUD_SECURITY_TOKEN')

    def from_oidc_environment(self):
        values = [self.env.get(name) for name in OIDC_VARIABLES]
        if all(values):
            role_arn, provider_arn, token_file = values
            return self.oidc_role(role_arn, provider_arn, token_file, None, None, None, {},
                                  'OIDC role %s' % role_arn, option='ALIBABA_CLOUD_OIDC_TOKEN_FILE')
        # ALIBABA_CLOUD_ROLE_ARN alone has other uses; a provider or token file alone is half an OIDC setup.
        if values[1] or values[2]:
            missing = [name for name, value in zip(OIDC_VARIABLES, values) if not value]
            raise DtsConfigError('OIDC credentials need %s too (set all of %s, or none).'
                                 % (' and '.join(missing), ', '.join(OIDC_VARIABLES)), option=missing[0])
        return None

    def from_named_profile(self, name):
        """``profile`` / ``credentials_file`` given as options: that profile or an error, nothing else."""
        explicit_file = self.param('credentials_file')
        if explicit_file:
            path = os.path.expanduser(explicit_file)
            section = name or env_value(self.env, 'ALIBABA_CLOUD_PROFILE', 'ALICLOUD_PROFILE') or 'default'
            found = self.from_ini(path, section, 'credentials_file')
            if found is None:
                raise DtsConfigError('Profile %r is not in the credentials file %s.' % (section, path),
                                     option='profile' if name else 'credentials_file')
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
                return self.from_cli_profile(config, profile, cli_path)
        path = ini_path(self.env, self.home)
        if env_value(self.env, 'ALIBABA_CLOUD_CREDENTIALS_FILE') and not os.path.isfile(path):
            raise DtsConfigError('ALIBABA_CLOUD_CREDENTIALS_FILE names %s, which is not a file.' % path,
                                 option='credentials_file')
        found = self.from_ini(path, name or 'default', 'profile') if os.path.isfile(path) else None
        if found is None and name:
            raise DtsConfigError('Profile %r was not found; looked in %s and %s.' % (name, cli_path, path),
                                 option='profile')
        return found

    def from_ini(self, path, section_name, option):
        sections = read_ini(path, option)
        section = sections.get(section_name)
        if section is None:
            return None
        return self.from_section(section, 'INI profile %s of %s' % (section_name, path), option)

    # Profiles ------------------------------------------------------------------------------

    @staticmethod
    def require_keys(section, source, id_key, secret_key, option, token_key=None):
        if not section.get(id_key) or not section.get(secret_key):
            raise DtsConfigError('%s lacks %s or %s.' % (source, id_key, secret_key), option=option)
        keys = (id_key, secret_key, token_key or 'security_token')
        return check_credentials(Credentials(section[id_key], section[secret_key],
                                             section.get(token_key) if token_key else None, source),
                                 names=['%s of %s' % (key, source) for key in keys], option=option)

    def from_cli_profile(self, config, profile, path, seen=()):
        name = profile.get('name')
        mode = profile.get('mode') or 'AK'
        source = 'CLI profile %s (%s)' % (name, mode)
        keys = ('access_key_id', 'access_key_secret')
        sts = {'sts_region': profile.get('sts_region'), 'enable_vpc': profile.get('enable_vpc')}
        role = {'role_arn': profile.get('ram_role_arn'), 'session_name': profile.get('ram_session_name'),
                'duration_seconds': profile.get('expired_seconds'), 'policy': profile.get('policy'),
                'external_id': profile.get('external_id')}
        if mode == 'AK':
            return self.require_keys(profile, source, keys[0], keys[1], 'profile')
        if mode == 'StsToken':
            return self.require_keys(profile, source, keys[0], keys[1], 'profile', token_key='sts_token')
        if mode == 'RamRoleArn':
            base = self.require_keys(profile, source, keys[0], keys[1], 'profile')
            return self.assume_role(base, role, source, sts=sts, source=source)
        if mode == 'ChainableRamRoleArn':
            parent_name = profile.get('source_profile')
            parent = cli_profile(config, parent_name) if parent_name else None
            if parent is None or parent_name in seen or parent_name == name:
                raise DtsConfigError('%s needs source_profile naming another profile of %s, without a loop; got %r.'
                                     % (source, path, parent_name), option='profile')
            base = self.from_cli_profile(config, parent, path, seen + (name,))
            return self.assume_role(base, role, source, sts=sts,
                                    source='CLI profile %s (ChainableRamRoleArn via %s)' % (name, parent_name))
        if mode == 'EcsRamRole':
            return self.ecs_role(profile.get('ram_role_name') or None, 'profile', source_prefix=source)
        if mode == 'OIDC':
            return self.oidc_role(profile.get('ram_role_arn'), profile.get('oidc_provider_arn'),
                                  profile.get('oidc_token_file'), profile.get('role_session_name'),
                                  profile.get('expired_seconds'), profile.get('policy'), sts, source, option='profile')
        if mode == 'External':
            return self.external(profile.get('process_command'), source)
        if mode == 'CredentialsURI':
            return self.credentials_uri(profile.get('credentials_uri'), source, 'profile')
        if mode in ('CloudSSO', 'OAuth'):
            return self.cached_login(profile, mode, source)
        raise DtsConfigError('%s: mode %s is not supported; supported modes are %s.'
                             % (source, mode, ', '.join(CLI_MODES)), option='profile')

    def cached_login(self, profile, mode, source):
        """CloudSSO / OAuth need a browser to log in: use the STS credentials the CLI cached, while they last."""
        command = 'aliyun configure --profile %s --mode %s' % (profile.get('name'), mode)
        try:
            expiration = int(profile.get('sts_expiration') or 0)
        except (TypeError, ValueError):
            expiration = 0
        if not (profile.get('access_key_id') and profile.get('access_key_secret') and profile.get('sts_token')):
            raise DtsConfigError('%s holds no STS credentials yet; log in with `%s` (it needs a browser), then run '
                                 'again.' % (source, command), option='profile')
        if expiration <= self.clock():
            raise DtsConfigError('%s: the STS credentials the aliyun CLI cached have expired; refresh them with `%s`.'
                                 % (source, command), option='profile')
        cached = self.require_keys(profile, source, 'access_key_id', 'access_key_secret', 'profile',
                                   token_key='sts_token')

        def fetch():
            if expiration <= self.clock():
                raise DtsConfigError('%s: the cached STS credentials expired during the run; refresh them with `%s`.'
                                     % (source, command), option='profile')
            return Credentials(cached.access_key_id, cached.access_key_secret, cached.security_token, source,
                               expiration)

        # Refreshing re-reads nothing: the fetch fails once they expire, with the command that renews them.
        return RefreshingCredentials(fetch, source, clock=self.clock, margin=0)

    def from_section(self, section, source, option):
        """Credentials from a section of the INI file."""
        kind = (section.get('type') or section.get('enable_type') or 'access_key').strip()
        source = '%s (%s)' % (source, kind)
        if kind == 'access_key':
            return self.require_keys(section, source, 'access_key_id', 'access_key_secret', option)
        if kind == 'sts':
            return self.require_keys(section, source, 'access_key_id', 'access_key_secret', option,
                                     token_key='security_token')
        if kind == 'ram_role_arn':
            base = self.require_keys(section, source, 'access_key_id', 'access_key_secret', option)
            return self.assume_role(base, {
                'role_arn': section.get('role_arn'), 'session_name': section.get('role_session_name'),
                'duration_seconds': section.get('duration_seconds'), 'policy': section.get('policy'),
                'external_id': section.get('external_id')}, source, source=source)
        if kind == 'oidc_role_arn':
            return self.oidc_role(section.get('role_arn'), section.get('oidc_provider_arn'),
                                  section.get('oidc_token_file_path'), section.get('role_session_name'),
                                  section.get('duration_seconds'), section.get('policy'), {}, source, option=option)
        if kind == 'ecs_ram_role':
            return self.ecs_role(section.get('role_name') or None, option, source_prefix=source)
        raise DtsConfigError('%s: type %s is not supported; supported types are %s.'
                             % (source, kind, ', '.join(INI_TYPES)), option=option)

    # Network sources ---------------------------------------------------------------------

    def with_retries(self, send):
        """``send()``, again after a transient failure: the client's retry loop, with fewer attempts."""
        return retry_call(send, is_transient, budget=CREDENTIAL_RETRY_BUDGET, clock=self.clock, sleep=self.sleep,
                          retries=CREDENTIAL_RETRIES)

    def http(self, action, method, url, timeout=None, secrets=(), **kwargs):
        """One request; ``secrets`` (what it carries) never appear in the error it may raise."""
        import requests  # only reached with requests present: DtsClient checks it first
        where = scrub(url.split('?')[0])
        try:
            return self.session.request(method, url, timeout=timeout or self.timeout, **kwargs)
        except requests.exceptions.Timeout:
            raise DtsApiError(action, 'ReadTimeout',
                              'no answer from %s within %s s' % (where, self.timeout)) from None
        except ValueError as error:
            # A header or URL requests refuses (InvalidHeader, InvalidURL...): never sent, not retried.
            raise DtsApiError(action, 'RequestNotSent', 'the request to %s could not be made: %s: %s'
                              % (where, type(error).__name__, scrub(error, secrets))) from None
        except requests.exceptions.RequestException as error:
            raise DtsApiError(action, 'ConnectionError',
                              'request to %s failed: %s' % (where, type(error).__name__)) from None

    # ECS instance metadata

    def metadata_base(self):
        return (self.env.get('ALIBABA_CLOUD_ECS_METADATA_ENDPOINT') or ECS_METADATA_ENDPOINT).rstrip('/')

    def metadata_token(self, base, action):
        """(IMDSv2 session token or None, whether the metadata service answered at all)."""
        try:
            response = self.http(action, 'PUT', base + ECS_TOKEN_PATH, timeout=METADATA_TIMEOUT,
                                 headers={'X-aliyun-ecs-metadata-token-ttl-seconds': ECS_TOKEN_TTL_SECONDS})
            reachable = True
            token = response.content.decode('utf-8').strip() if response.status_code == 200 else None
        except DtsApiError:
            reachable, token = False, None
        if not token and is_true(self.env.get('ALIBABA_CLOUD_IMDSV1_DISABLED')):
            raise DtsApiError(action, 'MetadataTokenUnavailable', 'the instance metadata service at %s gave no '
                              'session token and ALIBABA_CLOUD_IMDSV1_DISABLED forbids the plain request' % base)
        return token or None, reachable

    def metadata_get(self, base, path, token, action):
        """GET with the session token; without it when that fails and IMDSv1 is allowed (the official fallback)."""
        headers = {'X-aliyun-ecs-metadata-token': token} if token else {}
        response = self.http(action, 'GET', base + path, timeout=METADATA_TIMEOUT, headers=headers, secrets=[token])
        if response.status_code != 200 and token and not is_true(self.env.get('ALIBABA_CLOUD_IMDSV1_DISABLED')):
            response = self.http(action, 'GET', base + path, timeout=METADATA_TIMEOUT)
        return response

    def from_ecs_metadata(self):
        """The chain's ECS step: ALIBABA_CLOUD_ECS_METADATA's role, else the instance's role, if on ECS."""
        if is_true(self.env.get('ALIBABA_CLOUD_ECS_METADATA_DISABLED')):
            return None
        role = self.env.get('ALIBABA_CLOUD_ECS_METADATA')
        if role:
            return self.ecs_role(role, 'ecs_role_name')
        base = self.metadata_base()
        action = 'ECS metadata RAM role discovery'
        try:
            token, reachable = self.metadata_token(base, action)
        except DtsApiError:
            reachable = False
        if not reachable:
            return None  # not on ECS: the next source
        try:
            response = self.metadata_get(base, ECS_CREDENTIALS_PATH, token, action)
        except DtsApiError:
            return None
        names = response.content.decode('utf-8').split() if response.status_code == 200 else []
        if not names:
            return None  # an instance without a RAM role
        return self.ecs_role(names[0], None, discovered=True)

    def ecs_role(self, role, option, discovered=False, source_prefix=None):
        """The instance RAM role's credentials, from the metadata service (discovering the role when None)."""
        if is_true(self.env.get('ALIBABA_CLOUD_ECS_METADATA_DISABLED')):
            raise DtsConfigError('%s needs the ECS metadata service, which ALIBABA_CLOUD_ECS_METADATA_DISABLED '
                                 'turns off.' % (source_prefix or 'ecs_role_name'), option=option)
        base = self.metadata_base()
        if not role:
            action = 'ECS metadata RAM role discovery'
            token, reachable = self.metadata_token(base, action)
            response = self.metadata_get(base, ECS_CREDENTIALS_PATH, token, action)
            names = response.content.decode('utf-8').split() if response.status_code == 200 else []
            if not names:
                raise DtsApiError(action, 'RoleNotFound', 'the instance metadata service names no RAM role (HTTP %d); '
                                  'attach one to the instance, or name it' % response.status_code,
                                  http_status=response.status_code)
            role, discovered = names[0], True
        action = 'ECS metadata RAM role %s' % role
        source = 'ECS RAM role %s%s' % (role, ' (discovered)' if discovered else '')
        if source_prefix:
            source = '%s: %s' % (source_prefix, source)

        def send():
            token, _reachable = self.metadata_token(base, action)
            response = self.metadata_get(base, ECS_CREDENTIALS_PATH + role, token, action)
            if response.status_code == 404:
                raise DtsApiError(action, 'RoleNotFound', 'the instance has no RAM role named %s' % role,
                                  http_status=404)
            if response.status_code != 200:
                raise DtsApiError(action, 'HTTP%d' % response.status_code, 'the instance metadata service refused',
                                  http_status=response.status_code)
            try:
                body = json.loads(response.content.decode('utf-8'))
            except ValueError:
                body = None
            if not isinstance(body, dict) or body.get('Code') != 'Success':
                raise DtsApiError(action, 'InvalidResponse', 'the instance metadata service answered without '
                                  'credentials (Code %r)' % ((body or {}).get('Code'),))
            return Credentials(body.get('AccessKeyId'), body.get('AccessKeySecret'), body.get('SecurityToken'),
                               source, parse_expiration(body.get('Expiration'), action))

        return RefreshingCredentials(lambda: self.with_retries(send), source, clock=self.clock)

    # STS

    def sts_endpoint(self, sts=None, endpoint=None):
        """An explicit endpoint, ALIBABA_CLOUD_STS_ENDPOINT, then sts[-vpc].<region>.aliyuncs.com, then
        sts.aliyuncs.com."""
        sts = sts or {}
        explicit = self.env.get('ALIBABA_CLOUD_STS_ENDPOINT')
        if endpoint or explicit:
            url = endpoint or parse_endpoint(explicit, option='ALIBABA_CLOUD_STS_ENDPOINT')
            self.warnings.extend(transport_warnings(url, self.verify, 'the STS endpoint'))
            return url
        enable_vpc = sts.get('enable_vpc')
        if enable_vpc is None:
            enable_vpc = self.env.get('ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED')
        region = sts.get('sts_region') or self.env.get('ALIBABA_CLOUD_STS_REGION')
        if region:
            return 'https://%s.%s.aliyuncs.com' % ('sts-vpc' if is_true(enable_vpc) else 'sts', region)
        return 'https://' + STS_HOST

    def session_name(self, given):
        return given or self.env.get('ALIBABA_CLOUD_ROLE_SESSION_NAME') or DEFAULT_SESSION_NAME

    def sts_answer(self, action, response, secrets):
        """The Credentials of an STS answer, or a DtsApiError with its Code, Message and RequestId."""
        try:
            body = json.loads(response.content.decode('utf-8'))
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise DtsApiError(action, 'HTTP%d' % response.status_code, 'STS answered with no JSON',
                              http_status=response.status_code)
        creds = body.get('Credentials')
        if response.status_code >= 400 or not isinstance(creds, dict):
            raise DtsApiError(action, body.get('Code') or 'HTTP%d' % response.status_code, body.get('Message'),
                              request_id=body.get('RequestId'), http_status=response.status_code,
                              recommend=body.get('Recommend')).redact(secrets)
        return creds

    def assume_role(self, base, options, what, sts=None, endpoint=None, source=None):
        """``base`` exchanged for the role's STS credentials, refreshed with ``base.current()`` when due."""
        role_arn = options.get('role_arn')
        if not role_arn:
            raise DtsConfigError('%s needs a role ARN, for example acs:ram::123456789012:role/dts-reader.' % what,
                                 option='assume_role.role_arn' if what == 'assume_role' else 'profile')
        duration = _duration(options.get('duration_seconds'),
                             'assume_role.duration_seconds' if what == 'assume_role' else 'profile')
        url = self.sts_endpoint(sts, endpoint)
        query = {'RoleArn': role_arn, 'RoleSessionName': self.session_name(options.get('session_name')),
                 'DurationSeconds': str(duration)}
        if options.get('policy'):
            query['Policy'] = options['policy']
        if options.get('external_id'):
            query['ExternalId'] = options['external_id']
        source = source or 'AssumeRole %s (from %s)' % (role_arn, base.source)

        def send():
            caller = base.current()
            signed = sign_v1('POST', 'AssumeRole', STS_API_VERSION, query, caller)
            secrets = [caller.security_token, caller.access_key_secret, signed.get('Signature')]
            response = self.http('AssumeRole', 'POST', '%s/?%s' % (url, canonical_query(signed)),
                                 headers={'Accept': 'application/json'}, verify=self.verify, secrets=secrets)
            sts_creds = self.sts_answer('AssumeRole', response, secrets)
            return Credentials(sts_creds.get('AccessKeyId'), sts_creds.get('AccessKeySecret'),
                               sts_creds.get('SecurityToken'), source,
                               parse_expiration(sts_creds.get('Expiration'), 'AssumeRole'))

        return RefreshingCredentials(lambda: self.with_retries(send), source, clock=self.clock)

    def oidc_role(self, role_arn, provider_arn, token_file, session_name, duration, policy, sts, source, option):
        """AssumeRoleWithOIDC (unsigned) with the token file's content, read again at every refresh."""
        for name, value in (('role ARN', role_arn), ('OIDC provider ARN', provider_arn),
                            ('OIDC token file', token_file)):
            if not value:
                raise DtsConfigError('%s has no %s.' % (source, name), option=option)
        duration = _duration(duration, option)
        url = self.sts_endpoint(sts)
        token_file = os.path.expanduser(token_file)

        def send():
            try:
                with open(token_file) as handle:
                    # Kubernetes rotates the projected token in place: read it at every exchange.
                    token = handle.read().strip()
            except (IOError, OSError) as error:
                raise DtsConfigError('%s: cannot read the OIDC token file %s: %s'
                                     % (source, token_file, error.strerror), option=option) from error
            if not token:
                raise DtsConfigError('%s: the OIDC token file %s is empty.' % (source, token_file), option=option)
            if not _CREDENTIAL_TEXT.match(token):
                raise DtsConfigError('%s: the OIDC token in %s holds whitespace, a control character or a non-ASCII '
                                     'character; an OIDC token is one line of ASCII.' % (source, token_file),
                                     option=option)
            form = {'Action': 'AssumeRoleWithOIDC', 'Format': 'JSON', 'Version': STS_API_VERSION,
                    'Timestamp': time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()),
                    'DurationSeconds': str(duration), 'RoleArn': role_arn, 'OIDCProviderArn': provider_arn,
                    'OIDCToken': token, 'RoleSessionName': self.session_name(session_name)}
            if policy:
                form['Policy'] = policy
            # The token goes in the body, not the URL, where proxies and access logs would keep it.
            response = self.http('AssumeRoleWithOIDC', 'POST', url + '/', data=form, verify=self.verify,
                                 headers={'Accept': 'application/json'}, secrets=[token])
            sts_creds = self.sts_answer('AssumeRoleWithOIDC', response, [token])
            return Credentials(sts_creds.get('AccessKeyId'), sts_creds.get('AccessKeySecret'),
                               sts_creds.get('SecurityToken'), source,
                               parse_expiration(sts_creds.get('Expiration'), 'AssumeRoleWithOIDC'))

        return RefreshingCredentials(lambda: self.with_retries(send), source, clock=self.clock)

    # Commands and URIs

    def external(self, command, source):
        """An aliyun CLI ``External`` profile: run ``process_command`` (no shell) and read the JSON it prints."""
        if not command or not command.strip():
            raise DtsConfigError('%s has no process_command.' % source, option='profile')
        try:
            argv = shlex.split(command)
        except ValueError as error:
            raise DtsConfigError('%s: process_command cannot be split into words: %s' % (source, error),
                                 option='profile') from error
        action = 'External credentials command %s' % os.path.basename(argv[0])

        def fetch():
            try:
                process = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                         timeout=EXTERNAL_TIMEOUT, check=False, universal_newlines=True)
            except subprocess.TimeoutExpired:
                raise DtsApiError(action, 'ReadTimeout', 'the command gave no credentials within %d s'
                                  % EXTERNAL_TIMEOUT) from None
            except (IOError, OSError) as error:
                raise DtsApiError(action, 'CommandFailed', 'the command could not run: %s' % error.strerror) from error
            if process.returncode != 0:
                last = (process.stderr.strip().splitlines() or [''])[-1][:200]
                raise DtsApiError(action, 'CommandFailed', 'exit status %d%s'
                                  % (process.returncode, ': ' + last if last else ''))
            try:
                data = json.loads(process.stdout)
            except ValueError:
                data = None
            if not isinstance(data, dict) or not data.get('access_key_id') or not data.get('access_key_secret'):
                raise DtsApiError(action, 'InvalidResponse', 'the command printed no JSON object with access_key_id '
                                  'and access_key_secret')
            if data.get('mode') == 'StsToken' and not data.get('sts_token'):
                raise DtsApiError(action, 'InvalidResponse', 'the command printed mode StsToken without sts_token')
            expiration = parse_expiration(data['expiration'], action) if data.get('expiration') else None
            return Credentials(data['access_key_id'], data['access_key_secret'], data.get('sts_token'), source,
                               expiration)

        return RefreshingCredentials(fetch, source, clock=self.clock)

    def from_credentials_uri(self):
        uri = self.env.get('ALIBABA_CLOUD_CREDENTIALS_URI')
        if not uri:
            return None
        return self.credentials_uri(uri, 'credentials URI %s' % _safe_uri(uri), 'ALIBABA_CLOUD_CREDENTIALS_URI')

    def credentials_uri(self, uri, source, option):
        """GET ``uri``: {"Code": "Success", "AccessKeyId", "AccessKeySecret", "SecurityToken", "Expiration"}."""
        if not uri or not uri.lower().startswith(('http://', 'https://')):
            raise DtsConfigError('%s: the credentials URI must be an http:// or https:// URL, got %r.'
                                 % (source, _safe_uri(uri or '')), option=option)
        if has_userinfo(uri):
            # The official library drops it (it never sends it); here it would travel as Basic auth.
            raise DtsConfigError('%s: the credentials URI must not carry user information (user:password@); '
                                 'remove it.' % source, option=option)
        action = 'Credentials URI %s' % _safe_uri(uri)

        def send():
            response = self.http(action, 'GET', uri, verify=self.verify, headers={'Accept': 'application/json'})
            try:
                body = json.loads(response.content.decode('utf-8'))
            except ValueError:
                body = None
            if response.status_code != 200 or not isinstance(body, dict) or body.get('Code') != 'Success':
                raise DtsApiError(action, (body or {}).get('Code') or 'HTTP%d' % response.status_code,
                                  'the credentials URI answered without credentials',
                                  http_status=response.status_code)
            if not (body.get('AccessKeyId') and body.get('AccessKeySecret')):
                raise DtsApiError(action, 'InvalidResponse', 'the answer lacks AccessKeyId or AccessKeySecret')
            return Credentials(body['AccessKeyId'], body['AccessKeySecret'], body.get('SecurityToken'), source,
                               parse_expiration(body.get('Expiration'), action))

        return RefreshingCredentials(lambda: self.with_retries(send), source, clock=self.clock)


def resolve_credentials(params: Mapping[str, Any], session: Any, environ: Optional[Mapping[str, str]] = None,
                        home: Optional[str] = None, timeout: float = 10.0, verify: Union[bool, str] = True,
                        sleep: Callable[[float], Any] = time.sleep, clock: Callable[[], float] = time.time,
                        warnings: Optional[List[str]] = None) -> Union[Credentials, 'RefreshingCredentials']:
    """The credentials object of the first source that has them, then through assume_role if asked.

    The result has ``source`` (where they came from, never the values) and ``current()``, the
    snapshot to sign a request with.  Raises DtsConfigError for missing or bad configuration
    (never quoting a secret), or DtsApiError when a network source (metadata, STS, a command,
    a URI) refuses.  ``warnings`` (a list) gets a warning for an STS endpoint over plain HTTP or
    unverified TLS (``transport_warnings``).
    """
    resolver = _Resolver(params, session, os.environ if environ is None else environ,
                         home or os.path.expanduser('~'), min(timeout, 30.0), verify, sleep, clock, warnings)
    return resolver.resolve()
