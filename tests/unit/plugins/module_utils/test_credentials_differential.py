# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The credential chain against the official one (alibabacloud_credentials), scenario by scenario.

Each scenario is a home directory (config.json, an INI file, an External command), environment
variables and what a fake STS / metadata / credentials-URI server on loopback knows.  Both chains
run against that server: the collection through a requests session that sends every request to
it, the official library through its HTTP layer, redirected the same way.  They must resolve the
same key id, secret and token, or both fail, and make the same STS and metadata calls (same host,
RoleArn, session name, OIDC token, policy, caller).  The server derives the credentials it issues
from the request, so equal credentials also mean equal requests.  Where the collection
deliberately differs (docs/credentials.md, "Where it differs"), the scenario says how.
"""

import hashlib
import importlib
import json
import os
import re
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit, urlunsplit

import pytest
import requests

alibabacloud_credentials = pytest.importorskip('alibabacloud_credentials')

from alibabacloud_credentials.provider import (  # noqa: E402
    default as official_default,
    ecs_ram_role as official_ecs,
)
from alibabacloud_credentials.utils import auth_constant, auth_util  # noqa: E402
from alibabacloud_tea_openapi.utils import Utils as SdkUtils  # noqa: E402
from Tea.core import TeaCore  # noqa: E402

from ansible_collections.alibabacloud.dts.plugins.module_utils._credentials import (  # noqa: E402
    DEFAULT_SESSION_NAME,
    resolve_credentials,
)
from ansible_collections.alibabacloud.dts.plugins.module_utils._errors import DtsError  # noqa: E402

FAR = '2099-01-01T00:00:00Z'
BASE_KEYS = {'env-ak': 'env-secret', 'cli-ak': 'cli-secret', 'ini-ak': 'ini-secret', 'base-ak': 'base-secret'}
OIDC_TOKEN = 'eyJhbGciOiJSUzI1NiJ9.oidc-token-A.sig'
ROLE = 'acs:ram::1234567890:role/dts-reader'
ROLE_2 = 'acs:ram::1234567890:role/dts-auditor'
PROVIDER = 'acs:ram::1234567890:oidc-provider/ack-rrsa'


def issued(*parts):
    digest = hashlib.sha256('|'.join(parts).encode('utf-8')).hexdigest()
    return {
        'AccessKeyId': 'STS.' + digest[:16],
        'AccessKeySecret': digest[16:40],
        'SecurityToken': 'tok-' + digest[40:],
        'Expiration': FAR,
    }


class FakeCloud:
    """STS (AssumeRole signed, AssumeRoleWithOIDC), ECS metadata and a credentials URI, on 127.0.0.1."""

    def __init__(self):
        self.calls = []
        self.keys = dict(BASE_KEYS)
        self.metadata = {}
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                parts = urlsplit(self.path)
                params = dict(parse_qsl(parts.query, keep_blank_values=True))
                length = int(self.headers.get('Content-Length') or 0)
                if length:
                    params.update(parse_qsl(self.rfile.read(length).decode('utf-8'), keep_blank_values=True))
                host = (self.headers.get('x-intended-host') or self.headers.get('Host') or '').split(':')[0]
                status, body = outer.answer(self.command, host, parts.path, params, self.headers)
                data = body if isinstance(body, bytes) else json.dumps(body).encode('utf-8')
                self.send_response(status)
                self.send_header('Content-Length', str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_PUT = do_POST = _answer

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def answer(self, method, host, path, params, headers):
        if path.startswith('/latest/'):
            return self.answer_metadata(method, path, headers)
        if path == '/creds-uri':
            self.calls.append(('uri', host, path))
            return 200, dict(issued('URI', path), Code='Success')
        action = params.get('Action')
        if action == 'AssumeRoleWithOIDC':
            self.calls.append(
                (
                    action,
                    host,
                    params.get('RoleArn'),
                    params.get('OIDCProviderArn'),
                    session(params.get('RoleSessionName')),
                    params.get('OIDCToken'),
                    params.get('Policy'),
                    params.get('DurationSeconds'),
                )
            )
            if params.get('OIDCToken') != OIDC_TOKEN:
                return 400, {'Code': 'AuthenticationFail.OIDCToken.Invalid', 'Message': 'bad token', 'RequestId': 'R1'}
            return 200, {'RequestId': 'R2', 'Credentials': self.issue('OIDC', params['RoleArn'], params['OIDCToken'])}
        if action == 'AssumeRole':
            signed = dict(params)
            signature = signed.pop('Signature', None)
            secret = self.keys.get(signed.get('AccessKeyId'))
            self.calls.append(
                (
                    action,
                    host,
                    params.get('RoleArn'),
                    session(params.get('RoleSessionName')),
                    params.get('Policy'),
                    params.get('ExternalId'),
                    params.get('DurationSeconds'),
                    params.get('AccessKeyId'),
                    params.get('SecurityToken'),
                )
            )
            if secret is None or signature != SdkUtils.get_rpcsignature(signed, method, secret):
                return 400, {'Code': 'SignatureDoesNotMatch', 'Message': 'bad signature', 'RequestId': 'R3'}
            return 200, {
                'RequestId': 'R4',
                'Credentials': self.issue('AssumeRole', params['RoleArn'], params['AccessKeyId']),
            }
        return 404, {'Code': 'InvalidAction.NotFound', 'Message': path, 'RequestId': 'R5'}

    def answer_metadata(self, method, path, headers):
        settings = self.metadata
        self.calls.append(('metadata', method, path))
        if method == 'PUT' and path == '/latest/api/token':
            return (200, b'imds-token') if settings.get('tokens', True) else (404, b'no tokens here')
        if settings.get('require_token') and headers.get('X-aliyun-ecs-metadata-token') != 'imds-token':
            return 401, b'token required'
        prefix = '/latest/meta-data/ram/security-credentials/'
        role = settings.get('role')
        if path == prefix:
            return (200, role.encode('utf-8')) if role else (404, b'no role')
        if role and path == prefix + role:
            return 200, dict(self.issue('ECS', role), Code='Success', LastUpdated=FAR)
        return 404, b'no such role'

    def issue(self, *parts):
        creds = issued(*parts)
        self.keys[creds['AccessKeyId']] = creds['AccessKeySecret']
        return creds

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def session(name):
    """Both chains' default session names (deliberately different) compare equal; given names as given."""
    if name == DEFAULT_SESSION_NAME or re.match(r'^credentials-python-\d+$', name or ''):
        return '<default>'
    return name


class Redirect:
    """A requests session that sends every request to the fake cloud, saying which host it was meant for."""

    def __init__(self, port):
        self.port = port
        self.session = requests.Session()
        self.session.trust_env = False

    def request(self, method, url, headers=None, verify=None, **kwargs):
        parts = urlsplit(url)
        headers = dict(headers or {}, **{'x-intended-host': parts.hostname})
        target = urlunsplit(('http', '127.0.0.1:%d' % self.port, parts.path or '/', parts.query, ''))
        return self.session.request(method, target, headers=headers, **kwargs)


@pytest.fixture(scope='module')
def cloud():
    server = FakeCloud()
    yield server
    server.stop()


class _NoScheduler:
    """The official ECS provider starts a background refresh thread per instance; a test needs none."""

    def add_job(self, *args, **kwargs):
        pass

    def start(self):
        pass

    def shutdown(self, *args, **kwargs):
        pass


# -- scenarios ---------------------------------------------------------------------------------------

EXTERNAL_SCRIPT = (
    """import json
print(json.dumps({"mode": "StsToken", "access_key_id": "ext-ak", "access_key_secret": "ext-secret",
                  "sts_token": "ext-token", "expiration": "%s"}))
"""
    % FAR
)

# The sources of the chain, in its order; each a piece of a scenario.
SOURCES = {
    'env': {'env': {'ALIBABA_CLOUD_ACCESS_KEY_ID': 'env-ak', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET': 'env-secret'}},
    'oidc': {
        'env': {
            'ALIBABA_CLOUD_ROLE_ARN': ROLE,
            'ALIBABA_CLOUD_OIDC_PROVIDER_ARN': PROVIDER,
            'ALIBABA_CLOUD_OIDC_TOKEN_FILE': '{home}/oidc-token',
            'ALIBABA_CLOUD_ROLE_SESSION_NAME': 'rrsa',
        }
    },
    'cli': {'cli': [{'name': 'prod', 'mode': 'AK', 'access_key_id': 'cli-ak', 'access_key_secret': 'cli-secret'}]},
    'ini': {'ini': '[default]\ntype = access_key  # static\naccess_key_id = ini-ak\naccess_key_secret = ini-secret\n'},
    'ecs': {'metadata': {'role': 'app-role'}},
    'uri': {'env': {'ALIBABA_CLOUD_CREDENTIALS_URI': 'http://127.0.0.1:{port}/creds-uri'}},
}
ORDER = ['env', 'oidc', 'cli', 'ini', 'ecs', 'uri']


def merge(*pieces):
    scenario = {'env': {}, 'cli': [], 'ini': '', 'metadata': {}}
    for piece in pieces:
        scenario['env'].update(piece.get('env', {}))
        scenario['cli'] = scenario['cli'] + piece.get('cli', [])
        scenario['ini'] += piece.get('ini', '')
        scenario['metadata'].update(piece.get('metadata', {}))
        for key in ('raw_cli', 'current', 'ini_env'):
            if key in piece:
                scenario[key] = piece[key]
    return scenario


def cli(*profiles, **extra):
    return dict({'cli': list(profiles)}, **extra)


AK_BASE = {'name': 'base', 'mode': 'AK', 'access_key_id': 'base-ak', 'access_key_secret': 'base-secret'}
SAME = {}
SAME.update(('single %s' % name, merge(SOURCES[name])) for name in ORDER)
SAME.update(
    ('%s before %s' % (ORDER[i], ORDER[j]), merge(SOURCES[ORDER[i]], SOURCES[ORDER[j]]))
    for i in range(len(ORDER))
    for j in range(i + 1, len(ORDER))
)
SAME.update(
    {
        'cli StsToken': merge(
            cli(
                {
                    'name': 'p',
                    'mode': 'StsToken',
                    'access_key_id': 'cli-ak',
                    'access_key_secret': 'cli-secret',
                    'sts_token': 'cli-token',
                }
            )
        ),
        'cli RamRoleArn with session, policy, external id, duration': merge(
            cli(
                dict(
                    AK_BASE,
                    name='p',
                    mode='RamRoleArn',
                    ram_role_arn=ROLE,
                    ram_session_name='cli-session',
                    policy='{"Statement":[]}',
                    external_id='ext-1',
                    expired_seconds=1800,
                )
            )
        ),
        'cli RamRoleArn through a regional VPC STS host': merge(
            cli(
                dict(AK_BASE, name='p', mode='RamRoleArn', ram_role_arn=ROLE, sts_region='cn-shanghai', enable_vpc=True)
            )
        ),
        'cli RamRoleArn, STS region from the environment': merge(
            cli(dict(AK_BASE, name='p', mode='RamRoleArn', ram_role_arn=ROLE)),
            {'env': {'ALIBABA_CLOUD_STS_REGION': 'cn-beijing'}},
        ),
        'cli ChainableRamRoleArn uses ram_session_name': merge(
            cli(
                {
                    'name': 'prod',
                    'mode': 'ChainableRamRoleArn',
                    'source_profile': 'base',
                    'ram_role_arn': ROLE,
                    'ram_session_name': 'prod-session',
                },
                AK_BASE,
                current='prod',
            )
        ),
        'cli ChainableRamRoleArn twice': merge(
            cli(
                {
                    'name': 'top',
                    'mode': 'ChainableRamRoleArn',
                    'source_profile': 'mid',
                    'ram_role_arn': ROLE_2,
                    'ram_session_name': 'top',
                },
                {'name': 'mid', 'mode': 'ChainableRamRoleArn', 'source_profile': 'base', 'ram_role_arn': ROLE},
                AK_BASE,
                current='top',
            )
        ),
        'cli ChainableRamRoleArn on an ECS role': merge(
            cli(
                {'name': 'prod', 'mode': 'ChainableRamRoleArn', 'source_profile': 'ecs', 'ram_role_arn': ROLE},
                {'name': 'ecs', 'mode': 'EcsRamRole', 'ram_role_name': 'app-role'},
                current='prod',
            ),
            {'metadata': {'role': 'app-role'}},
        ),
        'cli EcsRamRole named': merge(
            cli({'name': 'e', 'mode': 'EcsRamRole', 'ram_role_name': 'app-role'}), {'metadata': {'role': 'app-role'}}
        ),
        'cli EcsRamRole without a name is discovered': merge(
            cli({'name': 'e', 'mode': 'EcsRamRole'}), {'metadata': {'role': 'app-role'}}
        ),
        'cli OIDC': merge(
            cli(
                {
                    'name': 'o',
                    'mode': 'OIDC',
                    'ram_role_arn': ROLE,
                    'oidc_provider_arn': PROVIDER,
                    'oidc_token_file': '{home}/oidc-token',
                    'role_session_name': 'o-session',
                }
            )
        ),
        'cli External': merge(cli({'name': 'x', 'mode': 'External', 'process_command': '{python} {home}/creds.py'})),
        'ALIBABA_CLOUD_PROFILE picks a CLI profile': merge(
            cli(
                {'name': 'prod', 'mode': 'AK', 'access_key_id': 'cli-ak', 'access_key_secret': 'cli-secret'},
                AK_BASE,
                current='prod',
            ),
            {'env': {'ALIBABA_CLOUD_PROFILE': 'base'}},
        ),
        'ALIBABA_CLOUD_PROFILE picks an INI section': merge(
            {'ini': '[other]\ntype = access_key\naccess_key_id = ini-ak\naccess_key_secret = ini-secret\n'},
            {'env': {'ALIBABA_CLOUD_PROFILE': 'other'}},
        ),
        'CLI current names no profile: the INI file': merge(cli(AK_BASE, current='gone'), SOURCES['ini']),
        'config.json before ALIBABA_CLOUD_CREDENTIALS_FILE': merge(SOURCES['cli'], SOURCES['ini'], {'ini_env': True}),
        'ALIBABA_CLOUD_CREDENTIALS_FILE alone': merge(SOURCES['ini'], {'ini_env': True}),
        'CLI disabled: the INI file': merge(
            SOURCES['cli'], SOURCES['ini'], {'env': {'ALIBABA_CLOUD_CLI_PROFILE_DISABLED': 'true'}}
        ),
        'INI ram_role_arn': merge(
            {
                'ini': '[default]\ntype = ram_role_arn # role\naccess_key_id = base-ak\n'
                'access_key_secret = base-secret\nrole_arn = %s\nrole_session_name = ini-s\n'
                'policy = {"Statement":[]}\n' % ROLE
            }
        ),
        'INI ecs_ram_role named': merge(
            {'ini': '[default]\ntype = ecs_ram_role\nrole_name = app-role\n', 'metadata': {'role': 'app-role'}}
        ),
        'INI ecs_ram_role discovered': merge(
            {'ini': '[default]\ntype = ecs_ram_role\n', 'metadata': {'role': 'app-role'}}
        ),
        'INI oidc_role_arn': merge(
            {
                'ini': '[default]\ntype = oidc_role_arn\nrole_arn = %s\noidc_provider_arn = %s\n'
                'oidc_token_file_path = {home}/oidc-token\n' % (ROLE, PROVIDER)
            }
        ),
        'OIDC through a regional VPC STS host': merge(
            SOURCES['oidc'],
            {'env': {'ALIBABA_CLOUD_STS_REGION': 'cn-hangzhou', 'ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED': 'true'}},
        ),
        'OIDC without a session name': merge({'env': dict(SOURCES['oidc']['env'], ALIBABA_CLOUD_ROLE_SESSION_NAME='')}),
        'ECS named by ALIBABA_CLOUD_ECS_METADATA': merge(
            {'env': {'ALIBABA_CLOUD_ECS_METADATA': 'app-role'}, 'metadata': {'role': 'app-role'}}
        ),
        'ECS IMDSv2 only': merge({'metadata': {'role': 'app-role', 'require_token': True}}),
        'ECS without a token service (IMDSv1)': merge({'metadata': {'role': 'app-role', 'tokens': False}}),
        'ECS IMDSv1 disabled and no token: nothing': merge(
            {'metadata': {'role': 'app-role', 'tokens': False}, 'env': {'ALIBABA_CLOUD_IMDSV1_DISABLED': 'true'}}
        ),
        'ECS metadata disabled: the URI': merge(
            SOURCES['ecs'], SOURCES['uri'], {'env': {'ALIBABA_CLOUD_ECS_METADATA_DISABLED': 'true'}}
        ),
        'nothing at all': merge(),
        'malformed config.json alone': merge({'raw_cli': '{"current": "prod", "profiles": ['}),
        'malformed INI alone': merge({'ini': 'type = access_key\n'}),
        'unsupported CLI mode alone': merge(cli({'name': 'p', 'mode': 'Bogus'})),
        'AK profile without a secret alone': merge(cli({'name': 'p', 'mode': 'AK', 'access_key_id': 'cli-ak'})),
        'a wrong OIDC token': merge({'env': dict(SOURCES['oidc']['env'], ALIBABA_CLOUD_OIDC_TOKEN_FILE='{home}/bad')}),
    }
)

# Where both chains find nothing usable; every other scenario of SAME resolves credentials.
BOTH_FAIL = frozenset(
    [
        'nothing at all',
        'malformed config.json alone',
        'malformed INI alone',
        'unsupported CLI mode alone',
        'AK profile without a secret alone',
        'a wrong OIDC token',
        'ECS IMDSv1 disabled and no token: nothing',
    ]
)

# Scenarios where the collection deliberately differs: what it does instead.
DIFFERENT = {
    # A configured source that is broken is an error; the official chain tries the next source.
    'malformed config.json, then an INI file': (merge({'raw_cli': '{"profiles": '}, SOURCES['ini']), 'fails'),
    'half an environment key pair, then an INI file': (
        merge({'env': {'ALIBABA_CLOUD_ACCESS_KEY_ID': 'env-ak'}}, SOURCES['ini']),
        'fails',
    ),
    'an OIDC token file without the role, then an INI file': (
        merge({'env': {'ALIBABA_CLOUD_OIDC_TOKEN_FILE': '{home}/oidc-token'}}, SOURCES['ini']),
        'fails',
    ),
    'ALIBABA_CLOUD_PROFILE names no profile, then the ECS role': (
        merge(SOURCES['cli'], SOURCES['ecs'], {'env': {'ALIBABA_CLOUD_PROFILE': 'ghost'}}),
        'fails',
    ),
    'unsupported CLI mode, then an INI file': (merge(cli({'name': 'p', 'mode': 'Bogus'}), SOURCES['ini']), 'fails'),
    # The official library signs AssumeRole with form encoding (a space as "+"), which STS refuses.
    'a policy with a space in it': (
        merge(
            cli(
                dict(
                    AK_BASE, name='p', mode='RamRoleArn', ram_role_arn=ROLE, policy='{"Version": "1", "Statement": []}'
                )
            )
        ),
        'works',
    ),
    # Modes and types the official library does not read.
    'cli CredentialsURI mode': (
        merge(cli({'name': 'u', 'mode': 'CredentialsURI', 'credentials_uri': 'http://127.0.0.1:{port}/creds-uri'})),
        'works',
    ),
    'INI type sts': (
        merge(
            {
                'ini': '[default]\ntype = sts\naccess_key_id = ini-ak\naccess_key_secret = ini-secret\n'
                'security_token = ini-token\n'
            }
        ),
        'works',
    ),
}


def materialise(scenario, home, port):
    """Write the scenario's files under ``home``; its environment, placeholders filled in."""

    def fill(text):
        return text.replace('{home}', str(home)).replace('{port}', str(port)).replace('{python}', sys.executable)

    (home / 'oidc-token').write_text(OIDC_TOKEN)
    (home / 'bad').write_text('not-the-token')
    (home / 'creds.py').write_text(EXTERNAL_SCRIPT)
    if scenario.get('cli') or scenario.get('raw_cli'):
        (home / '.aliyun').mkdir()
        text = scenario.get('raw_cli') or json.dumps(
            {'current': scenario.get('current') or scenario['cli'][0]['name'], 'profiles': scenario['cli']}
        )
        (home / '.aliyun' / 'config.json').write_text(fill(text))
    env = dict((key, fill(value)) for key, value in scenario['env'].items())
    if scenario.get('ini'):
        if scenario.get('ini_env'):
            path = home / 'elsewhere.ini'
            env['ALIBABA_CLOUD_CREDENTIALS_FILE'] = str(path)
        else:
            (home / '.alibabacloud').mkdir()
            path = home / '.alibabacloud' / 'credentials.ini'
        path.write_text(fill(scenario['ini']))
    return env


def run_collection(cloud, env, home):
    try:
        creds = resolve_credentials(
            {}, Redirect(cloud.port), environ=env, home=str(home), sleep=lambda seconds: None
        ).current()
        return ('ok', creds.access_key_id, creds.access_key_secret, creds.security_token)
    except DtsError as error:
        return ('error', str(error))


def run_official(cloud, env, home):
    try:
        return _run_official(cloud, env, home)
    finally:
        # The environment is back: so is the library's reading of it.
        importlib.reload(auth_util)
        importlib.reload(auth_constant)


def _run_official(cloud, env, home):
    with pytest.MonkeyPatch.context() as patch:
        for name in list(os.environ):
            if name.startswith(('ALIBABA_CLOUD_', 'ALICLOUD_')):
                patch.delenv(name)
        for name, value in env.items():
            patch.setenv(name, value)
        patch.setenv('HOME', str(home))
        # The library reads its environment when imported.
        importlib.reload(auth_util)
        importlib.reload(auth_constant)
        original = TeaCore.do_action

        def redirected(request, runtime_option=None):
            request.headers['x-intended-host'] = request.headers.get('host')
            request.headers['host'] = '127.0.0.1'
            request.port = cloud.port
            request.protocol = 'http'
            return original(request, runtime_option)

        patch.setattr(TeaCore, 'do_action', staticmethod(redirected))
        patch.setattr(official_ecs, 'BackgroundScheduler', _NoScheduler)
        try:
            creds = official_default.DefaultCredentialsProvider().get_credentials()
            return ('ok', creds.get_access_key_id(), creds.get_access_key_secret(), creds.get_security_token() or None)
        except Exception as error:  # pylint: disable=broad-except
            return ('error', str(error))


def both(cloud, scenario, tmp_path):
    """(outcome, calls) of the collection, then of the official chain, each in a home of its own."""
    results = []
    for side in ('collection', 'official'):
        home = tmp_path / side
        home.mkdir()
        env = materialise(scenario, home, cloud.port)
        cloud.metadata = scenario['metadata']
        cloud.calls = []
        if side == 'collection':
            outcome = run_collection(cloud, env, home)
        else:
            outcome = run_official(cloud, env, home)
        sts = [call for call in cloud.calls if call[0] != 'metadata']
        metadata = set(call[2] for call in cloud.calls if call[0] == 'metadata')
        results.append((outcome, sts, metadata))
    return results


@pytest.mark.parametrize('name', sorted(SAME))
def test_the_collection_resolves_what_the_official_chain_resolves(cloud, name, tmp_path):
    (ours, our_sts, our_metadata), (theirs, their_sts, their_metadata) = both(cloud, SAME[name], tmp_path)
    if name in BOTH_FAIL:
        assert theirs[0] == 'error' and ours[0] == 'error', (ours, theirs)
        return
    assert theirs[0] == 'ok', 'the official chain failed: %s' % theirs[1]
    assert ours == theirs
    # The same STS exchanges (the official library repeats none), the same metadata paths.
    assert our_sts == their_sts
    assert our_metadata == their_metadata


@pytest.mark.parametrize('name', sorted(DIFFERENT))
def test_where_the_collection_deliberately_differs(cloud, name, tmp_path):
    scenario, ours_does = DIFFERENT[name]
    (ours, _sts, _metadata), (theirs, _their_sts, _their_metadata) = both(cloud, scenario, tmp_path)
    if ours_does == 'fails':
        assert ours[0] == 'error' and theirs[0] == 'ok', (ours, theirs)
    else:
        assert ours[0] == 'ok' and theirs[0] == 'error', (ours, theirs)


def test_default_session_names_differ_deliberately(cloud, tmp_path, monkeypatch):
    scenario = merge(cli(dict(AK_BASE, name='p', mode='RamRoleArn', ram_role_arn=ROLE)))
    names = []
    for side in ('collection', 'official'):
        home = tmp_path / side
        home.mkdir()
        env = materialise(scenario, home, cloud.port)
        cloud.calls = []
        captured = []
        original = FakeCloud.answer

        # Installed and removed within this iteration, so it only ever sees this iteration's variables.
        def spy(self, method, host, path, params, headers):
            captured.append(params.get('RoleSessionName'))  # noqa: B023
            return original(self, method, host, path, params, headers)  # noqa: B023

        monkeypatch.setattr(FakeCloud, 'answer', spy)
        if side == 'collection':
            run_collection(cloud, env, home)
        else:
            run_official(cloud, env, home)
        monkeypatch.setattr(FakeCloud, 'answer', original)
        names.append(captured[0])
    assert names[0] == DEFAULT_SESSION_NAME and re.match(r'^credentials-python-\d+$', names[1])


def test_whitespace_around_keys_is_dropped_here_and_kept_there(cloud, tmp_path):
    """A trailing newline (a YAML ``|`` block, a file read into a variable) is dropped here; the official
    library keeps it, and its first request fails on it.  Whitespace inside a key is refused here."""
    around = merge(
        {
            'env': {
                'ALIBABA_CLOUD_ACCESS_KEY_ID': 'env-ak\n',
                'ALIBABA_CLOUD_ACCESS_KEY_SECRET': ' env-secret',
                'ALIBABA_CLOUD_SECURITY_TOKEN': 'env-token\n',
            }
        }
    )
    (tmp_path / 'around').mkdir()
    (ours, _sts, _metadata), (theirs, _their_sts, _their_metadata) = both(cloud, around, tmp_path / 'around')
    assert ours == ('ok', 'env-ak', 'env-secret', 'env-token')
    assert theirs == ('ok', 'env-ak\n', ' env-secret', 'env-token\n')
    inside = merge({'env': {'ALIBABA_CLOUD_ACCESS_KEY_ID': 'env-ak', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET': 'env\nsecret'}})
    (tmp_path / 'inside').mkdir()
    (ours, _sts, _metadata), (theirs, _their_sts, _their_metadata) = both(cloud, inside, tmp_path / 'inside')
    assert ours[0] == 'error' and 'ALIBABA_CLOUD_ACCESS_KEY_SECRET holds whitespace' in ours[1]
    assert 'env\nsecret' not in ours[1] and theirs == ('ok', 'env-ak', 'env\nsecret', None)
