# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The credential chain: every source, their precedence, and secrets kept out of every message."""

import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
from alibabacloud_tea_openapi.utils import Utils as SdkUtils

from ansible_collections.alibabacloud.dts.plugins.module_utils._credentials import (
    Credentials,
    RefreshingCredentials,
    _Resolver,
    resolve_credentials,
)
from ansible_collections.alibabacloud.dts.plugins.module_utils._errors import DtsApiError, DtsConfigError
from ansible_collections.alibabacloud.dts.plugins.module_utils._profiles import resolve_region
from ansible_collections.alibabacloud.dts.tests.unit.clock import FakeClock

SECRET = 'very-secret-value-123'
TOKEN = 'sts-token-value-456'


class LocalServer:
    """A real HTTP server on 127.0.0.1 answering with ``handler(method, path, query, headers)``."""

    def __init__(self, handler):
        outer = self
        self.requests = []

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                parts = urlsplit(self.path)
                query = dict(parse_qsl(parts.query, keep_blank_values=True))
                outer.requests.append((self.command, parts.path, query, dict(self.headers)))
                status, body = handler(self.command, parts.path, query, self.headers)
                data = body if isinstance(body, bytes) else json.dumps(body).encode('utf-8')
                self.send_response(status)
                self.send_header('Content-Length', str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_PUT = do_POST = _answer

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self.url = 'http://127.0.0.1:%d' % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def ecs_handler(require_token=True, role='dts-role'):
    def handler(method, path, query, headers):
        if method == 'PUT' and path == '/latest/api/token':
            if not require_token:
                return 404, b'not here'
            assert headers['X-aliyun-ecs-metadata-token-ttl-seconds'] == '21600'
            return 200, b'imds-token'
        if path == '/latest/meta-data/ram/security-credentials/' + role:
            if require_token and headers.get('X-aliyun-ecs-metadata-token') != 'imds-token':
                return 401, b'token required'
            return 200, {
                'Code': 'Success',
                'AccessKeyId': 'STS.ecs',
                'AccessKeySecret': SECRET,
                'SecurityToken': TOKEN,
                'Expiration': '2099-01-01T00:00:00Z',
            }
        return 404, b'no such role'

    return handler


def sts_handler(secret_of=None):
    secret_of = secret_of or {'base-ak': 'base-secret', 'STS.ecs': SECRET}

    def handler(method, path, query, headers):
        params = dict(query)
        signature = params.pop('Signature')
        secret = secret_of.get(params['AccessKeyId'])
        if secret is None or signature != SdkUtils.get_rpcsignature(params, method, secret):
            return 400, {'Code': 'SignatureDoesNotMatch', 'Message': 'bad signature', 'RequestId': 'STS-REQ-1'}
        if params['RoleArn'].endswith('denied'):
            return 403, {'Code': 'NoPermission', 'Message': 'You are not authorized', 'RequestId': 'STS-REQ-2'}
        return 200, {
            'RequestId': 'STS-OK',
            'Credentials': {
                'AccessKeyId': 'STS.assumed',
                'AccessKeySecret': 'assumed-secret',
                'SecurityToken': 'assumed-token',
                'Expiration': '2099-01-01T00:00:00Z',
            },
            'AssumedRoleUser': {'Arn': params['RoleArn']},
        }

    return handler


def resolve(params=None, environ=None, home='/nonexistent-home', clock=None):
    # The chain ends by asking the ECS metadata service: tests that do not serve one turn it off.
    environ = dict(environ or {})
    environ.setdefault('ALIBABA_CLOUD_ECS_METADATA_DISABLED', 'true')
    return resolve_credentials(
        params or {},
        requests.Session(),
        environ=environ,
        home=str(home),
        sleep=lambda seconds: None,
        **({'clock': clock} if clock else {}),
    )


def write_cli_config(home, profiles, current=None):
    (home / '.aliyun').mkdir()
    (home / '.aliyun' / 'config.json').write_text(
        json.dumps({'current': current or profiles[0]['name'], 'profiles': profiles})
    )


# -- static sources and precedence -----------------------------------------------------


def test_module_options_win_over_everything():
    creds = resolve(
        {'access_key_id': 'opt-ak', 'access_key_secret': SECRET, 'security_token': TOKEN},
        {'ALIBABA_CLOUD_ACCESS_KEY_ID': 'env-ak', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET': 'x'},
    )
    assert (creds.access_key_id, creds.security_token, creds.source) == ('opt-ak', TOKEN, 'module options')


def test_alibaba_cloud_env_wins_over_alicloud_env():
    env = {
        'ALIBABA_CLOUD_ACCESS_KEY_ID': 'new-ak',
        'ALIBABA_CLOUD_ACCESS_KEY_SECRET': SECRET,
        'ALIBABA_CLOUD_SECURITY_TOKEN': TOKEN,
        'ALICLOUD_ACCESS_KEY': 'old-ak',
        'ALICLOUD_SECRET_KEY': 'old',
    }
    creds = resolve(environ=env)
    assert (creds.access_key_id, creds.security_token) == ('new-ak', TOKEN)


def test_alicloud_env_is_a_fallback():
    creds = resolve(
        environ={'ALICLOUD_ACCESS_KEY': 'old-ak', 'ALICLOUD_SECRET_KEY': SECRET, 'ALICLOUD_SECURITY_TOKEN': TOKEN}
    )
    assert (creds.access_key_id, creds.access_key_secret, creds.security_token) == ('old-ak', SECRET, TOKEN)


def test_env_wins_over_profiles(tmp_path):
    write_cli_config(
        tmp_path, [{'name': 'default', 'mode': 'AK', 'access_key_id': 'cli-ak', 'access_key_secret': 'cli-secret'}]
    )
    creds = resolve(
        environ={'ALIBABA_CLOUD_ACCESS_KEY_ID': 'env-ak', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET': SECRET}, home=tmp_path
    )
    assert creds.access_key_id == 'env-ak'


@pytest.mark.parametrize(
    'params, environ, missing',
    [
        ({'access_key_id': 'ak'}, {}, 'access_key_secret'),
        ({'access_key_secret': SECRET}, {}, 'access_key_id'),
        ({}, {'ALIBABA_CLOUD_ACCESS_KEY_ID': 'ak'}, 'ALIBABA_CLOUD_ACCESS_KEY_SECRET'),
        ({}, {'ALICLOUD_SECRET_KEY': SECRET}, 'ALICLOUD_ACCESS_KEY'),
    ],
)
def test_half_a_pair_names_what_is_missing(params, environ, missing):
    with pytest.raises(DtsConfigError) as caught:
        resolve(params, environ)
    assert missing in caught.value.message and SECRET not in caught.value.message


def test_nothing_found_names_every_way_to_fix_it():
    with pytest.raises(DtsConfigError) as caught:
        resolve()
    for name in ('access_key_id', 'access_key_secret', 'ALIBABA_CLOUD_ACCESS_KEY_ID', 'profile', 'ecs_role_name'):
        assert name in caught.value.message


def test_repr_never_shows_secret_or_token():
    creds = Credentials('ak', SECRET, TOKEN, 'module options')
    assert SECRET not in repr(creds) and TOKEN not in repr(creds) and SECRET not in str(creds)


# -- profiles ----------------------------------------------------------------------------


def test_cli_current_profile_is_used_when_none_is_named(tmp_path):
    write_cli_config(
        tmp_path,
        [
            {'name': 'default', 'mode': 'AK', 'access_key_id': 'd-ak', 'access_key_secret': 'd'},
            {
                'name': 'prod',
                'mode': 'StsToken',
                'access_key_id': 'p-ak',
                'access_key_secret': SECRET,
                'sts_token': TOKEN,
                'region_id': 'cn-beijing',
            },
        ],
        current='prod',
    )
    creds = resolve(home=tmp_path)
    assert (creds.access_key_id, creds.security_token) == ('p-ak', TOKEN)
    assert resolve_region({}, environ={}, home=str(tmp_path)) == 'cn-beijing'


def test_named_profile_from_option_and_env(tmp_path):
    write_cli_config(
        tmp_path,
        [
            {'name': 'default', 'mode': 'AK', 'access_key_id': 'd-ak', 'access_key_secret': 'd'},
            {
                'name': 'audit',
                'mode': 'AK',
                'access_key_id': 'a-ak',
                'access_key_secret': 'a',
                'region_id': 'cn-shanghai',
            },
        ],
    )
    assert resolve({'profile': 'audit'}, home=tmp_path).access_key_id == 'a-ak'
    assert resolve(environ={'ALIBABA_CLOUD_PROFILE': 'audit'}, home=tmp_path).access_key_id == 'a-ak'
    assert resolve(environ={'ALICLOUD_PROFILE': 'audit'}, home=tmp_path).access_key_id == 'a-ak'
    assert resolve_region({'profile': 'audit'}, environ={}, home=str(tmp_path)) == 'cn-shanghai'


def test_unknown_profile_names_it_and_the_files(tmp_path):
    write_cli_config(tmp_path, [{'name': 'default', 'mode': 'AK', 'access_key_id': 'x', 'access_key_secret': 'y'}])
    with pytest.raises(DtsConfigError) as caught:
        resolve({'profile': 'nope'}, home=tmp_path)
    assert "'nope'" in caught.value.message and 'config.json' in caught.value.message


def test_invalid_cli_json_names_the_file(tmp_path):
    (tmp_path / '.aliyun').mkdir()
    (tmp_path / '.aliyun' / 'config.json').write_text('{not json')
    with pytest.raises(DtsConfigError) as caught:
        resolve(home=tmp_path)
    assert 'config.json' in caught.value.message


def test_unsupported_cli_mode_lists_the_supported_ones(tmp_path):
    write_cli_config(tmp_path, [{'name': 'default', 'mode': 'Bogus'}])
    with pytest.raises(DtsConfigError) as caught:
        resolve(home=tmp_path)
    assert 'Bogus' in caught.value.message and 'EcsRamRole' in caught.value.message


def test_cli_profile_can_be_disabled(tmp_path):
    write_cli_config(tmp_path, [{'name': 'default', 'mode': 'AK', 'access_key_id': 'x', 'access_key_secret': 'y'}])
    with pytest.raises(DtsConfigError):
        resolve(environ={'ALIBABA_CLOUD_CLI_PROFILE_DISABLED': 'true'}, home=tmp_path)


def test_ini_credentials_file_profiles(tmp_path):
    path = tmp_path / 'creds.ini'
    path.write_text(
        '[default]\ntype = access_key\naccess_key_id = ini-ak\naccess_key_secret = s\n\n'
        '[temp]\ntype = sts\naccess_key_id = t-ak\naccess_key_secret = s\nsecurity_token = %s\n' % TOKEN
    )
    assert resolve({'credentials_file': str(path)}).access_key_id == 'ini-ak'
    assert resolve({'credentials_file': str(path), 'profile': 'temp'}).security_token == TOKEN
    assert resolve(environ={'ALIBABA_CLOUD_CREDENTIALS_FILE': str(path)}).access_key_id == 'ini-ak'
    with pytest.raises(DtsConfigError):
        resolve({'credentials_file': str(path), 'profile': 'missing'})


def test_home_ini_default_section_after_the_cli(tmp_path):
    (tmp_path / '.alibabacloud').mkdir()
    (tmp_path / '.alibabacloud' / 'credentials.ini').write_text(
        '[default]\ntype = access_key\naccess_key_id = home-ini\naccess_key_secret = s\n'
    )
    assert resolve(home=tmp_path).access_key_id == 'home-ini'


# -- ECS metadata -----------------------------------------------------------------------------


def test_ecs_role_uses_the_session_token_first():
    with LocalServer(ecs_handler(require_token=True)) as server:
        creds = resolve(
            {'ecs_role_name': 'dts-role'},
            {'ALIBABA_CLOUD_ECS_METADATA_ENDPOINT': server.url, 'ALIBABA_CLOUD_ECS_METADATA_DISABLED': ''},
        )
    assert (creds.access_key_id, creds.security_token) == ('STS.ecs', TOKEN)
    assert [r[0] for r in server.requests] == ['PUT', 'GET']
    assert SECRET not in repr(creds)


def test_ecs_role_falls_back_to_v1_without_a_token_service():
    with LocalServer(ecs_handler(require_token=False)) as server:
        creds = resolve(
            environ={
                'ALIBABA_CLOUD_ECS_METADATA': 'dts-role',
                'ALIBABA_CLOUD_ECS_METADATA_DISABLED': '',
                'ALIBABA_CLOUD_ECS_METADATA_ENDPOINT': server.url,
            }
        )
    assert creds.access_key_id == 'STS.ecs'
    assert 'X-aliyun-ecs-metadata-token' not in server.requests[-1][3]


def test_ecs_unknown_role_is_an_api_error():
    with LocalServer(ecs_handler()) as server:
        with pytest.raises(DtsApiError) as caught:
            resolve(
                {'ecs_role_name': 'other'},
                {'ALIBABA_CLOUD_ECS_METADATA_ENDPOINT': server.url, 'ALIBABA_CLOUD_ECS_METADATA_DISABLED': ''},
            )
    assert caught.value.code == 'RoleNotFound'


def test_ecs_role_in_a_cli_profile(tmp_path):
    write_cli_config(tmp_path, [{'name': 'ecs', 'mode': 'EcsRamRole', 'ram_role_name': 'dts-role'}])
    with LocalServer(ecs_handler()) as server:
        creds = resolve(
            environ={'ALIBABA_CLOUD_ECS_METADATA_ENDPOINT': server.url, 'ALIBABA_CLOUD_ECS_METADATA_DISABLED': ''},
            home=tmp_path,
        )
    assert creds.source == 'CLI profile ecs (EcsRamRole): ECS RAM role dts-role'


# -- AssumeRole ----------------------------------------------------------------------------------


def test_assume_role_on_top_of_options_signs_v1_and_returns_sts_credentials():
    with LocalServer(sts_handler()) as server:
        creds = resolve(
            {
                'access_key_id': 'base-ak',
                'access_key_secret': 'base-secret',
                'assume_role': {
                    'role_arn': 'acs:ram::1:role/reader',
                    'session_name': 'audit',
                    'duration_seconds': 900,
                    'external_id': 'ext',
                    'endpoint': server.url,
                },
            }
        )
    assert (creds.access_key_id, creds.access_key_secret, creds.security_token) == (
        'STS.assumed',
        'assumed-secret',
        'assumed-token',
    )
    query = server.requests[0][2]
    assert (
        query['Action'],
        query['Version'],
        query['RoleSessionName'],
        query['DurationSeconds'],
        query['ExternalId'],
    ) == ('AssumeRole', '2015-04-01', 'audit', '900', 'ext')


def test_assume_role_chained_on_an_ecs_role():
    with LocalServer(ecs_handler()) as ecs, LocalServer(sts_handler()) as sts:
        creds = resolve(
            {'ecs_role_name': 'dts-role', 'assume_role': {'role_arn': 'acs:ram::1:role/reader'}},
            {
                'ALIBABA_CLOUD_ECS_METADATA_ENDPOINT': ecs.url,
                'ALIBABA_CLOUD_STS_ENDPOINT': sts.url,
                'ALIBABA_CLOUD_ECS_METADATA_DISABLED': '',
            },
        )
    assert creds.access_key_id == 'STS.assumed'
    assert sts.requests[0][2]['SecurityToken'] == TOKEN  # the ECS token travels with the AssumeRole call


def test_ram_role_arn_cli_profile(tmp_path):
    write_cli_config(
        tmp_path,
        [
            {
                'name': 'ops',
                'mode': 'RamRoleArn',
                'access_key_id': 'base-ak',
                'access_key_secret': 'base-secret',
                'ram_role_arn': 'acs:ram::1:role/reader',
                'ram_session_name': 'cli',
            }
        ],
    )
    with LocalServer(sts_handler()) as server:
        creds = resolve(environ={'ALIBABA_CLOUD_STS_ENDPOINT': server.url}, home=tmp_path)
    assert creds.access_key_id == 'STS.assumed' and server.requests[0][2]['RoleSessionName'] == 'cli'


def test_assume_role_refusal_carries_code_and_request_id_but_no_secret():
    with LocalServer(sts_handler()) as server:
        with pytest.raises(DtsApiError) as caught:
            resolve(
                {
                    'access_key_id': 'base-ak',
                    'access_key_secret': 'base-secret',
                    'assume_role': {'role_arn': 'acs:ram::1:role/denied', 'endpoint': server.url},
                }
            )
    assert (caught.value.code, caught.value.request_id) == ('NoPermission', 'STS-REQ-2')
    assert 'base-secret' not in str(caught.value)


@pytest.mark.parametrize('duration', [899, 43201, 'soon'])
def test_assume_role_duration_out_of_range_is_refused_before_any_request(duration):
    with pytest.raises(DtsConfigError) as caught:
        resolve(
            {
                'access_key_id': 'a',
                'access_key_secret': SECRET,
                'assume_role': {
                    'role_arn': 'acs:ram::1:role/r',
                    'duration_seconds': duration,
                    'endpoint': 'http://127.0.0.1:9',
                },
            }
        )
    assert caught.value.option == 'assume_role.duration_seconds'


def test_region_chain():
    assert resolve_region({'region': 'cn-a'}, environ={'ALIBABA_CLOUD_REGION_ID': 'cn-b'}) == 'cn-a'
    assert resolve_region({}, environ={'ALIBABA_CLOUD_REGION_ID': 'cn-b', 'ALICLOUD_REGION': 'cn-c'}) == 'cn-b'
    assert resolve_region({}, environ={'ALICLOUD_REGION': 'cn-c'}) == 'cn-c'
    assert resolve_region({}, environ={}, home='/nonexistent') is None


# -- refresh before expiry -------------------------------------------------------------------------


def test_temporary_credentials_refresh_before_they_expire_with_the_same_source():
    clock = FakeClock(now=1000.0)
    fetched = []

    def fetch():
        fetched.append(clock.now)
        return Credentials('STS.%d' % len(fetched), 'secret-%d' % len(fetched), 'token', 'x', clock.now + 3600)

    creds = RefreshingCredentials(fetch, 'AssumeRole r', clock=clock, margin=600)
    seen = []
    creds.on_refresh(lambda snapshot: seen.append(snapshot.access_key_id))
    assert creds.current().access_key_id == 'STS.1'
    clock.now += 2999  # 601 s left: still outside the margin
    assert creds.current().access_key_id == 'STS.1' and len(fetched) == 1
    clock.now += 1  # 600 s left: refreshed, and listeners told
    snapshot = creds.current()
    assert (snapshot.access_key_id, snapshot.source, seen, creds.refreshes) == ('STS.2', 'AssumeRole r', ['STS.2'], 1)
    with pytest.raises(AttributeError):
        snapshot.access_key_id = 'changed'  # a snapshot is immutable


def test_short_lived_credentials_refresh_at_half_their_lifetime():
    clock = FakeClock(now=1000.0)
    creds = RefreshingCredentials(lambda: Credentials('STS', 's', 't', 'x', clock.now + 900), 'x', clock=clock)
    clock.now += 449
    assert creds.refreshes == 0 and creds.current() and creds.refreshes == 0
    clock.now += 1
    creds.current()
    assert creds.refreshes == 1


def test_a_failed_refresh_keeps_valid_credentials_and_raises_once_they_expired():
    clock = FakeClock(now=1000.0)
    answers = [Credentials('STS.1', 's', 't', 'x', clock.now + 1200)]

    def fetch():
        if answers:
            return answers.pop()
        raise DtsApiError('AssumeRole', 'ServiceUnavailable', 'down')

    creds = RefreshingCredentials(fetch, 'x', clock=clock, margin=600)
    clock.now += 700
    assert creds.current().access_key_id == 'STS.1'  # refresh failed, 500 s of validity left
    clock.now += 500
    with pytest.raises(DtsApiError):
        creds.current()


def test_assume_role_refreshes_through_sts_signed_by_the_base_credentials():
    clock = FakeClock(time.time())
    with LocalServer(sts_handler()) as server:
        creds = resolve_credentials(
            {
                'access_key_id': 'base-ak',
                'access_key_secret': 'base-secret',
                'assume_role': {'role_arn': 'acs:ram::1:role/reader', 'endpoint': server.url},
            },
            requests.Session(),
            environ={'ALIBABA_CLOUD_ECS_METADATA_DISABLED': 'true'},
            clock=clock,
        )
        assert creds.source == 'AssumeRole acs:ram::1:role/reader (from module options)'
        clock.now = 4102444800 - 60  # a minute before the 2099 expiry the fake STS hands out
        creds.current()
    assert len(server.requests) == 2 and creds.refreshes == 1


# -- OIDC, External, the credentials URI, CloudSSO/OAuth, ECS discovery -----------------------------


def oidc_handler(method, path, query, headers):
    return 200, {
        'RequestId': 'OIDC-OK',
        'Credentials': {
            'AccessKeyId': 'STS.oidc',
            'AccessKeySecret': 'oidc-secret',
            'SecurityToken': 'oidc-sts',
            'Expiration': '2099-01-01T00:00:00Z',
        },
    }


def test_oidc_environment_comes_after_the_keys_and_sends_the_token_in_the_body(tmp_path):
    token = tmp_path / 'token'
    token.write_text('oidc-token-value\n')
    env = {
        'ALIBABA_CLOUD_ROLE_ARN': 'acs:ram::1:role/r',
        'ALIBABA_CLOUD_OIDC_PROVIDER_ARN': 'acs:ram::1:oidc-provider/p',
        'ALIBABA_CLOUD_OIDC_TOKEN_FILE': str(token),
    }
    bodies = []

    def handler(method, path, query, headers):
        bodies.append(query)
        return oidc_handler(method, path, query, headers)

    with LocalServer(handler) as server:
        env['ALIBABA_CLOUD_STS_ENDPOINT'] = server.url
        creds = resolve(environ=env)
        assert (
            resolve(environ=dict(env, ALIBABA_CLOUD_ACCESS_KEY_ID='k', ALIBABA_CLOUD_ACCESS_KEY_SECRET=SECRET)).source
            == 'environment (ALIBABA_CLOUD_ACCESS_KEY_ID)'
        )
    assert (creds.access_key_id, creds.source) == ('STS.oidc', 'OIDC role acs:ram::1:role/r')
    assert bodies[0] == {}  # nothing in the URL: the token travelled in the form body
    assert server.requests[0][0] == 'POST'


@pytest.mark.parametrize('present', [['ALIBABA_CLOUD_OIDC_TOKEN_FILE'], ['ALIBABA_CLOUD_OIDC_PROVIDER_ARN']])
def test_half_an_oidc_setup_names_what_is_missing(present):
    with pytest.raises(DtsConfigError) as caught:
        resolve(environ=dict((name, 'x') for name in present))
    assert 'ALIBABA_CLOUD_ROLE_ARN' in caught.value.message


@pytest.mark.parametrize(
    'env, host',
    [
        ({}, 'https://sts.aliyuncs.com'),
        ({'ALIBABA_CLOUD_STS_REGION': 'cn-beijing'}, 'https://sts.cn-beijing.aliyuncs.com'),
        (
            {'ALIBABA_CLOUD_STS_REGION': 'cn-beijing', 'ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED': 'true'},
            'https://sts-vpc.cn-beijing.aliyuncs.com',
        ),
        (
            {'ALIBABA_CLOUD_STS_ENDPOINT': 'sts.example.com', 'ALIBABA_CLOUD_STS_REGION': 'cn-beijing'},
            'https://sts.example.com',
        ),
    ],
)
def test_sts_endpoint_order(env, host):
    resolver = _Resolver({}, None, env, '/nonexistent', 10, True, None, time.time)
    assert resolver.sts_endpoint() == host
    assert resolver.sts_endpoint({'sts_region': 'cn-shanghai', 'enable_vpc': True}) == (
        host if 'ALIBABA_CLOUD_STS_ENDPOINT' in env else 'https://sts-vpc.cn-shanghai.aliyuncs.com'
    )


def test_external_profile_runs_its_command_and_reads_its_json(tmp_path):
    script = tmp_path / 'creds.py'
    script.write_text(
        'import json\nprint(json.dumps({"mode": "StsToken", "access_key_id": "ext-ak", '
        '"access_key_secret": "%s", "sts_token": "%s", "expiration": "2099-01-01T00:00:00Z"}))\n' % (SECRET, TOKEN)
    )
    write_cli_config(
        tmp_path, [{'name': 'x', 'mode': 'External', 'process_command': '%s %s' % (sys.executable, script)}]
    )
    creds = resolve(home=tmp_path)
    assert (creds.access_key_id, creds.security_token, creds.source) == ('ext-ak', TOKEN, 'CLI profile x (External)')


def test_external_command_failure_names_the_exit_status(tmp_path):
    write_cli_config(
        tmp_path,
        [{'name': 'x', 'mode': 'External', 'process_command': '%s -c "import sys; sys.exit(3)"' % sys.executable}],
    )
    with pytest.raises(DtsApiError) as caught:
        resolve(home=tmp_path)
    assert caught.value.code == 'CommandFailed' and 'exit status 3' in caught.value.message


def test_credentials_uri_is_the_last_source_and_hides_its_query():
    def handler(method, path, query, headers):
        return 200, {
            'Code': 'Success',
            'AccessKeyId': 'STS.uri',
            'AccessKeySecret': SECRET,
            'SecurityToken': TOKEN,
            'Expiration': '2099-01-01T00:00:00Z',
        }

    with LocalServer(handler) as server:
        creds = resolve(environ={'ALIBABA_CLOUD_CREDENTIALS_URI': server.url + '/creds?auth=hidden'})
    assert creds.access_key_id == 'STS.uri' and creds.source == 'credentials URI %s/creds' % server.url


@pytest.mark.parametrize('mode', ['CloudSSO', 'OAuth'])
def test_cloud_sso_and_oauth_use_the_cached_sts_credentials_while_they_last(tmp_path, mode):
    profile = {
        'name': 'sso',
        'mode': mode,
        'access_key_id': 'STS.cached',
        'access_key_secret': SECRET,
        'sts_token': TOKEN,
        'sts_expiration': int(time.time()) + 3600,
    }
    write_cli_config(tmp_path, [profile])
    assert resolve(home=tmp_path).access_key_id == 'STS.cached'
    (tmp_path / '.aliyun' / 'config.json').unlink()
    (tmp_path / '.aliyun').rmdir()
    write_cli_config(tmp_path, [dict(profile, sts_expiration=int(time.time()) - 1)])
    with pytest.raises(DtsConfigError) as caught:
        resolve(home=tmp_path)
    assert 'aliyun configure --profile sso --mode %s' % mode in caught.value.message
    assert SECRET not in caught.value.message and TOKEN not in caught.value.message


def test_ecs_role_is_discovered_and_the_chain_moves_on_without_a_metadata_service():
    handler_roles = ecs_handler()

    def handler(method, path, query, headers):
        if path == '/latest/meta-data/ram/security-credentials/':
            return 200, b'dts-role'
        return handler_roles(method, path, query, headers)

    with LocalServer(handler) as server:
        creds = resolve(
            environ={'ALIBABA_CLOUD_ECS_METADATA_ENDPOINT': server.url, 'ALIBABA_CLOUD_ECS_METADATA_DISABLED': ''}
        )
    assert creds.source == 'ECS RAM role dts-role (discovered)'
    # Nothing listening: not on ECS, so the chain ends with the usual message, not a connection error.
    with pytest.raises(DtsConfigError) as caught:
        resolve(
            environ={
                'ALIBABA_CLOUD_ECS_METADATA_ENDPOINT': 'http://127.0.0.1:9',
                'ALIBABA_CLOUD_ECS_METADATA_DISABLED': '',
            }
        )
    assert 'No Alibaba Cloud credentials found' in caught.value.message


def test_a_chainable_profile_sends_its_ram_session_name(tmp_path):
    write_cli_config(
        tmp_path,
        [
            {
                'name': 'prod',
                'mode': 'ChainableRamRoleArn',
                'source_profile': 'base',
                'ram_role_arn': 'acs:ram::1:role/r',
                'ram_session_name': 'prod-session',
            },
            {'name': 'base', 'mode': 'AK', 'access_key_id': 'base-ak', 'access_key_secret': 'base-secret'},
        ],
    )
    with LocalServer(sts_handler()) as server:
        creds = resolve(environ={'ALIBABA_CLOUD_STS_ENDPOINT': server.url}, home=tmp_path)
    assert server.requests[0][2]['RoleSessionName'] == 'prod-session'
    assert creds.source == 'CLI profile prod (ChainableRamRoleArn via base)'


def test_a_chainable_profile_loop_is_refused(tmp_path):
    write_cli_config(
        tmp_path,
        [
            {'name': 'a', 'mode': 'ChainableRamRoleArn', 'source_profile': 'b', 'ram_role_arn': 'acs:ram::1:role/r'},
            {'name': 'b', 'mode': 'ChainableRamRoleArn', 'source_profile': 'a', 'ram_role_arn': 'acs:ram::1:role/r'},
        ],
    )
    with pytest.raises(DtsConfigError) as caught:
        resolve(home=tmp_path)
    assert 'loop' in caught.value.message


def test_the_cli_profile_wins_over_alibaba_cloud_credentials_file(tmp_path):
    write_cli_config(tmp_path, [{'name': 'default', 'mode': 'AK', 'access_key_id': 'cli-ak', 'access_key_secret': 's'}])
    ini = tmp_path / 'c.ini'
    ini.write_text('[default]\ntype = access_key  # static\naccess_key_id = ini-ak\naccess_key_secret = s%d\n')
    assert resolve(environ={'ALIBABA_CLOUD_CREDENTIALS_FILE': str(ini)}, home=tmp_path).access_key_id == 'cli-ak'
    creds = resolve(
        environ={'ALIBABA_CLOUD_CREDENTIALS_FILE': str(ini), 'ALIBABA_CLOUD_CLI_PROFILE_DISABLED': '1'}, home=tmp_path
    )
    assert (creds.access_key_id, creds.access_key_secret) == ('ini-ak', 's%d')  # comment dropped, % kept
    assert resolve({'credentials_file': str(ini)}, home=tmp_path).access_key_id == 'ini-ak'  # the option pins it
