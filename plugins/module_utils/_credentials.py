# -*- coding: utf-8 -*-
# Copyright: Contributors to the alibabacloud.dts collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The credential chain users already have, resolved the way the Alibaba Cloud tools do.

First match wins: module options; environment variables (ALIBABA_CLOUD_*, then the older
collection's ALICLOUD_*); a profile (credentials_file INI, the aliyun CLI's config.json,
~/.alibabacloud/credentials.ini); the ECS instance RAM role.  ``assume_role`` then trades
whatever was found for a role's STS credentials.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import time

try:
    from configparser import ConfigParser, Error as ConfigParserError
except ImportError:  # pragma: no cover
    from ConfigParser import ConfigParser, Error as ConfigParserError

from ansible_collections.alibabacloud.dts.plugins.module_utils._endpoints import parse_endpoint
from ansible_collections.alibabacloud.dts.plugins.module_utils._errors import DtsApiError, DtsConfigError
from ansible_collections.alibabacloud.dts.plugins.module_utils._retries import backoff_delay, is_transient
from ansible_collections.alibabacloud.dts.plugins.module_utils._signing import canonical_query, sign_v1


ECS_METADATA_ENDPOINT = 'http://100.100.100.200'
ECS_TOKEN_PATH = '/latest/api/token'
ECS_CREDENTIALS_PATH = '/latest/meta-data/ram/security-credentials/'
ECS_TOKEN_TTL_SECONDS = '21600'
# The metadata service is link-local: it answers at once or is not there (not on ECS).
METADATA_TIMEOUT = (2, 5)
STS_ENDPOINT = 'https://sts.aliyuncs.com'
STS_API_VERSION = '2015-04-01'
DEFAULT_SESSION_NAME = 'ansible-alibabacloud-dts'
DEFAULT_DURATION_SECONDS = 3600
CLI_CONFIG = os.path.join('.aliyun', 'config.json')
CREDENTIALS_INI = os.path.join('.alibabacloud', 'credentials.ini')
CREDENTIAL_RETRIES = 2
NO_CREDENTIALS = (
    'No Alibaba Cloud credentials found. Set access_key_id and access_key_secret (or the '
    'ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET environment variables), name a '
    'profile (profile, credentials_file, ALIBABA_CLOUD_PROFILE), configure the aliyun CLI, or set '
    'ecs_role_name (ALIBABA_CLOUD_ECS_METADATA) on an ECS instance with a RAM role.')


class Credentials(object):
    """An access key, an optional STS token, and where they came from.  Never prints the secrets."""

    __slots__ = ('access_key_id', 'access_key_secret', 'security_token', 'source')

    def __init__(self, access_key_id, access_key_secret, security_token=None, source=''):
        self.access_key_id = access_key_id
        self.access_key_secret = access_key_secret
        self.security_token = security_token or None
        self.source = source

    def current(self):
        """The keys to sign the next request with (refreshable credentials return a fresh snapshot)."""
        return self

    def __repr__(self):
        return 'Credentials(access_key_id=%r, source=%r%s)' % (
            self.access_key_id, self.source, ', with security token' if self.security_token else '')

    __str__ = __repr__


def _is_true(value):
    return str(value or '').strip().lower() in ('1', 'true', 'yes')


def _pair(key_id, secret, token, source, id_name, secret_name):
    if key_id and secret:
        return Credentials(key_id, secret, token, source)
    if key_id or secret:
        missing = secret_name if key_id else id_name
        raise DtsConfigError('%s is set but %s is not; set both, or neither to use another credential source.'
                             % (id_name if key_id else secret_name, missing), option=missing)
    return None


# -- profiles ------------------------------------------------------------------------------


def _read_json(path):
    try:
        with open(path) as handle:
            return json.load(handle)
    except (IOError, OSError) as error:
        raise DtsConfigError('Cannot read the aliyun CLI configuration %s: %s' % (path, error.strerror),
                             option='profile')
    except ValueError as error:
        raise DtsConfigError('The aliyun CLI configuration %s is not valid JSON: %s' % (path, error),
                             option='profile')


def _read_ini(path, option):
    parser = ConfigParser()
    try:
        with open(path) as handle:
            parser.read_file(handle)
    except (IOError, OSError) as error:
        raise DtsConfigError('Cannot read the credentials file %s: %s' % (path, error.strerror), option=option)
    except ConfigParserError as error:
        raise DtsConfigError('The credentials file %s is not a valid INI file: %s'
                             % (path, str(error).splitlines()[0]), option=option)
    return parser


def _cli_profile(config, name, path):
    for profile in config.get('profiles') or []:
        if isinstance(profile, dict) and profile.get('name') == name:
            return profile
    raise DtsConfigError('Profile %r is not in the aliyun CLI configuration %s.' % (name, path), option='profile')


# aliyun CLI profile modes, and the INI credential type each one is.
_CLI_MODES = {'AK': 'access_key', 'StsToken': 'sts', 'RamRoleArn': 'ram_role_arn', 'EcsRamRole': 'ecs_ram_role'}


def _cli_as_ini(profile):
    """An aliyun CLI profile in the INI file's shape, so one routine reads both."""
    return {
        'type': _CLI_MODES.get(profile.get('mode') or 'AK'),
        'access_key_id': profile.get('access_key_id'),
        'access_key_secret': profile.get('access_key_secret'),
        'security_token': profile.get('sts_token'),
        'role_arn': profile.get('ram_role_arn'),
        'role_session_name': profile.get('ram_session_name'),
        'duration_seconds': profile.get('expired_seconds') or None,
        'policy': profile.get('policy'),
        'external_id': profile.get('external_id'),
        'role_name': profile.get('ram_role_name'),
    }


class _Resolver(object):
    """One resolution: the options, environment and home directory it reads, and the session for network sources."""

    def __init__(self, params, session, environ, home, timeout, verify, sleep):
        self.params = params
        self.session = session
        self.env = environ
        self.home = home
        self.timeout = timeout
        self.verify = verify
        self.sleep = sleep

    def param(self, name):
        value = self.params.get(name)
        return value if value not in ('', None) else None

    def env_value(self, *names):
        for name in names:
            if self.env.get(name):
                return self.env[name]
        return None

    # The chain -------------------------------------------------------------------------

    def resolve(self):
        credentials = (self.from_options() or self.from_environment() or self.from_profile()
                       or self.from_ecs_role())
        if credentials is None:
            raise DtsConfigError(NO_CREDENTIALS, option='access_key_id')
        assume_role = self.params.get('assume_role')
        if assume_role:
            credentials = self.assume_role(credentials, assume_role)
        return credentials

    def from_options(self):
        return _pair(self.param('access_key_id'), self.param('access_key_secret'), self.param('security_token'),
                     'module options', 'access_key_id', 'access_key_secret')

    def from_environment(self):
        found = _pair(self.env.get('ALIBABA_CLOUD_ACCESS_KEY_ID'), self.env.get('ALIBABA_CLOUD_ACCESS_KEY_SECRET'),
                      self.env.get('ALIBABA_CLOUD_SECURITY_TOKEN'), 'environment ALIBABA_CLOUD_*',
                      'ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET')
        return found or _pair(self.env.get('ALICLOUD_ACCESS_KEY'), self.env.get('ALICLOUD_SECRET_KEY'),
                              self.env.get('ALICLOUD_SECURITY_TOKEN'), 'environment ALICLOUD_*',
                              'ALICLOUD_ACCESS_KEY', 'ALICLOUD_SECRET_KEY')

    def profile_name(self):
        return self.param('profile') or self.env_value('ALIBABA_CLOUD_PROFILE', 'ALICLOUD_PROFILE')

    def credentials_file(self):
        return self.param('credentials_file') or self.env_value('ALIBABA_CLOUD_CREDENTIALS_FILE')

    def cli_config_path(self):
        return os.path.join(self.home, CLI_CONFIG)

    def from_profile(self):
        name = self.profile_name()
        explicit_file = self.credentials_file()
        if explicit_file:
            parser = _read_ini(os.path.expanduser(explicit_file), 'credentials_file')
            section = name or 'default'
            if not parser.has_section(section):
                if name:
                    raise DtsConfigError('Profile %r is not in the credentials file %s.' % (name, explicit_file),
                                         option='profile')
                return None
            return self.from_section(dict(parser.items(section)), "profile '%s' of %s" % (section, explicit_file))

        cli_path = self.cli_config_path()
        cli_enabled = not _is_true(self.env.get('ALIBABA_CLOUD_CLI_PROFILE_DISABLED'))
        if cli_enabled and os.path.isfile(cli_path):
            config = _read_json(cli_path)
            if name:
                names = [p.get('name') for p in config.get('profiles') or [] if isinstance(p, dict)]
                if name in names:
                    return self.from_cli_profile(config, name, cli_path)
            elif config.get('current'):
                return self.from_cli_profile(config, config['current'], cli_path)

        ini_path = os.path.join(self.home, CREDENTIALS_INI)
        if os.path.isfile(ini_path):
            parser = _read_ini(ini_path, 'profile')
            section = name or 'default'
            if parser.has_section(section):
                return self.from_section(dict(parser.items(section)), "profile '%s' of %s" % (section, ini_path))
        if name:
            raise DtsConfigError('Profile %r was not found; looked in %s and %s.' % (name, cli_path, ini_path),
                                 option='profile')
        return None

    def from_cli_profile(self, config, name, path, seen=None):
        profile = _cli_profile(config, name, path)
        mode = profile.get('mode') or 'AK'
        source = "aliyun CLI profile '%s'" % name
        if mode == 'ChainableRamRoleArn':
            seen = (seen or set()) | set([name])
            parent = profile.get('source_profile')
            if not parent or parent in seen:
                raise DtsConfigError('%s needs a source_profile that is not itself or a loop.' % source,
                                     option='profile')
            base = self.from_cli_profile(config, parent, path, seen)
            if not profile.get('ram_role_arn'):
                raise DtsConfigError('%s has no ram_role_arn.' % source, option='profile')
            return self.assume_role(base, _cli_as_ini(profile))
        if mode not in _CLI_MODES:
            raise DtsConfigError('%s uses mode %s, which this collection does not support; supported modes are AK, '
                                 'StsToken, RamRoleArn, ChainableRamRoleArn and EcsRamRole.' % (source, mode),
                                 option='profile')
        return self.from_section(_cli_as_ini(profile), source)

    @staticmethod
    def require_keys(section, source, id_key, secret_key):
        if not section.get(id_key) or not section.get(secret_key):
            raise DtsConfigError('%s lacks %s or %s.' % (source, id_key, secret_key), option='profile')
        return Credentials(section[id_key], section[secret_key], None, source)

    def from_section(self, section, source):
        """Credentials from a profile in the INI file's shape (the CLI's are translated to it)."""
        kind = (section.get('type') or section.get('enable_type') or 'access_key').strip()
        if kind == 'access_key':
            return self.require_keys(section, source, 'access_key_id', 'access_key_secret')
        if kind == 'sts':
            creds = self.require_keys(section, source, 'access_key_id', 'access_key_secret')
            return Credentials(creds.access_key_id, creds.access_key_secret, section.get('security_token'), source)
        if kind == 'ram_role_arn':
            base = self.require_keys(section, source, 'access_key_id', 'access_key_secret')
            if not section.get('role_arn'):
                raise DtsConfigError('%s (type ram_role_arn) has no role_arn.' % source, option='profile')
            return self.assume_role(base, {
                'role_arn': section['role_arn'], 'session_name': section.get('role_session_name'),
                'duration_seconds': section.get('duration_seconds'), 'policy': section.get('policy'),
                'external_id': section.get('external_id')})
        if kind == 'ecs_ram_role':
            if not section.get('role_name'):
                raise DtsConfigError('%s (type ecs_ram_role) has no role_name.' % source, option='profile')
            return self.ecs_role(section['role_name'])
        raise DtsConfigError('%s has type %s; supported types are access_key, sts, ram_role_arn and ecs_ram_role.'
                             % (source, kind), option='credentials_file')

    # Network sources ---------------------------------------------------------------------

    def from_ecs_role(self):
        role = self.param('ecs_role_name') or self.env_value('ALIBABA_CLOUD_ECS_METADATA')
        return self.ecs_role(role) if role else None

    def with_retries(self, action, send):
        attempt = 0
        while True:
            try:
                return send()
            except DtsApiError as error:
                if attempt >= CREDENTIAL_RETRIES or not is_transient(error):
                    raise
                self.sleep(backoff_delay(attempt, error.retry_after))
                attempt += 1

    def http(self, action, method, url, timeout=None, **kwargs):
        import requests  # only reached with requests present: DtsClient checks it first
        try:
            return self.session.request(method, url, timeout=timeout or self.timeout, **kwargs)
        except requests.exceptions.Timeout:
            raise DtsApiError(action, 'ReadTimeout', 'no answer from %s within %s s' % (url.split('?')[0], self.timeout))
        except requests.exceptions.RequestException as error:
            raise DtsApiError(action, 'ConnectionError', 'request to %s failed: %s'
                              % (url.split('?')[0], type(error).__name__))

    def ecs_role(self, role):
        base = (self.env.get('ALIBABA_CLOUD_ECS_METADATA_ENDPOINT') or ECS_METADATA_ENDPOINT).rstrip('/')
        action = 'ECS metadata RAM role %s' % role
        headers = {}
        token = self.ecs_metadata_token(base)
        if token:
            headers['X-aliyun-ecs-metadata-token'] = token
        elif _is_true(self.env.get('ALIBABA_CLOUD_IMDSV1_DISABLED')):
            raise DtsApiError(action, 'MetadataTokenUnavailable',
                              'the instance metadata service gave no session token and IMDSv1 is disabled')

        def fetch():
            response = self.http(action, 'GET', base + ECS_CREDENTIALS_PATH + role, headers=headers,
                                 timeout=METADATA_TIMEOUT)
            if response.status_code >= 500:
                raise DtsApiError(action, 'HTTP%d' % response.status_code, 'metadata service error',
                                  http_status=response.status_code)
            if response.status_code == 404:
                raise DtsApiError(action, 'RoleNotFound', 'no RAM role %r is attached to this instance' % role,
                                  http_status=404)
            try:
                body = json.loads(response.content.decode('utf-8'))
            except ValueError:
                body = {}
            if response.status_code != 200 or body.get('Code') != 'Success':
                raise DtsApiError(action, body.get('Code') or 'HTTP%d' % response.status_code,
                                  'the metadata service did not hand out credentials for role %r' % role,
                                  http_status=response.status_code)
            return body

        body = self.with_retries(action, fetch)
        return Credentials(body['AccessKeyId'], body['AccessKeySecret'], body.get('SecurityToken'),
                           "ECS RAM role '%s'" % role)

    def ecs_metadata_token(self, base):
        """IMDSv2 session token, or None when the service does not hand one out (then v1 is used)."""
        try:
            response = self.http('ECS metadata token', 'PUT', base + ECS_TOKEN_PATH, timeout=METADATA_TIMEOUT,
                                 headers={'X-aliyun-ecs-metadata-token-ttl-seconds': ECS_TOKEN_TTL_SECONDS})
        except DtsApiError:
            return None
        if response.status_code != 200:
            return None
        return response.content.decode('utf-8').strip() or None

    def assume_role(self, credentials, options):
        role_arn = options.get('role_arn')
        if not role_arn:
            raise DtsConfigError('assume_role.role_arn is required, for example acs:ram::123456789012:role/dts-reader.',
                                 option='assume_role.role_arn')
        duration = options.get('duration_seconds') or DEFAULT_DURATION_SECONDS
        try:
            duration = int(duration)
        except (TypeError, ValueError):
            duration = -1
        if not 900 <= duration <= 43200:
            raise DtsConfigError('assume_role.duration_seconds must be from 900 to 43200, got %r.'
                                 % (options.get('duration_seconds'),), option='assume_role.duration_seconds')
        endpoint = options.get('endpoint') or self.env.get('ALIBABA_CLOUD_STS_ENDPOINT') or STS_ENDPOINT
        endpoint = parse_endpoint(endpoint, option='assume_role.endpoint')
        query = {'RoleArn': role_arn, 'RoleSessionName': options.get('session_name') or DEFAULT_SESSION_NAME,
                 'DurationSeconds': str(duration)}
        if options.get('policy'):
            query['Policy'] = options['policy']
        if options.get('external_id'):
            query['ExternalId'] = options['external_id']

        def send():
            signed = sign_v1('POST', 'AssumeRole', STS_API_VERSION, query, credentials)
            response = self.http('AssumeRole', 'POST', '%s/?%s' % (endpoint, canonical_query(signed)),
                                 headers={'Accept': 'application/json'}, verify=self.verify)
            try:
                body = json.loads(response.content.decode('utf-8'))
            except ValueError:
                body = None
            if not isinstance(body, dict):
                raise DtsApiError('AssumeRole', 'HTTP%d' % response.status_code, 'STS answered with no JSON',
                                  http_status=response.status_code)
            if response.status_code >= 400 or not isinstance(body.get('Credentials'), dict):
                raise DtsApiError('AssumeRole', body.get('Code') or 'HTTP%d' % response.status_code,
                                  body.get('Message'), request_id=body.get('RequestId'),
                                  http_status=response.status_code, recommend=body.get('Recommend')).redact(
                    [credentials.security_token, credentials.access_key_secret])
            return body['Credentials']

        sts = self.with_retries('AssumeRole', send)
        return Credentials(sts['AccessKeyId'], sts['AccessKeySecret'], sts.get('SecurityToken'),
                           'AssumeRole %s (from %s)' % (role_arn, credentials.source))


def resolve_credentials(params, session, environ=None, home=None, timeout=10.0, verify=True, sleep=time.sleep):
    """Credentials from the first source that has them, then through assume_role if asked.

    Raises DtsConfigError for missing or bad configuration (never quoting a secret), or
    DtsApiError when ECS metadata or STS refuse.
    """
    resolver = _Resolver(params, session, os.environ if environ is None else environ,
                         home or os.path.expanduser('~'), min(timeout, 30.0), verify, sleep)
    return resolver.resolve()


def resolve_region(params, environ=None, home=None):
    """region option, ALIBABA_CLOUD_REGION_ID, ALICLOUD_REGION(_ID), then the CLI profile's region_id."""
    environ = os.environ if environ is None else environ
    region = params.get('region') or environ.get('ALIBABA_CLOUD_REGION_ID') or environ.get('ALICLOUD_REGION') \
        or environ.get('ALICLOUD_REGION_ID')
    if region:
        return region
    path = os.path.join(home or os.path.expanduser('~'), CLI_CONFIG)
    if _is_true(environ.get('ALIBABA_CLOUD_CLI_PROFILE_DISABLED')) or not os.path.isfile(path):
        return None
    try:
        with open(path) as handle:
            config = json.load(handle)
    except (IOError, OSError, ValueError):
        return None
    name = params.get('profile') or environ.get('ALIBABA_CLOUD_PROFILE') or environ.get('ALICLOUD_PROFILE') \
        or config.get('current')
    for profile in config.get('profiles') or []:
        if isinstance(profile, dict) and profile.get('name') == name:
            return profile.get('region_id') or None
    return None
