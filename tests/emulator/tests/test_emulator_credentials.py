# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""TLS, STS AssumeRole and the ECS metadata paths: what a credential chain meets end to end."""

import json
import socket
from datetime import datetime, timedelta, timezone

import pytest
import requests
from alibabacloud_credentials.provider.oidc import OIDCRoleArnCredentialsProvider
from alibabacloud_credentials.provider.ram_role_arn import RamRoleArnCredentialsProvider
from alibabacloud_credentials.provider.uri import URLCredentialsProvider
from alibabacloud_dts20200101 import models as dts_models
from alibabacloud_dts20200101.client import Client as TeaClient
from alibabacloud_tea_openapi.models import Config

from dts_emulator import DEFAULT_ECS_ROLE, DEFAULT_OIDC_TOKEN
from emulator_wire import call

from conftest import AK, SECRET

LIST = 'DescribeSynchronizationJobs'
ROLE = 'acs:ram::1234567890123456:role/dts-reader'
CREDENTIALS = '/latest/meta-data/ram/security-credentials/'


def assume_role(endpoint, verify=True, **params):
    params = dict({'RoleArn': ROLE, 'RoleSessionName': 'fidelity'}, **params)
    return call(endpoint, 'AssumeRole', params, signature='v1', method='GET', version='2015-04-01', verify=verify)


def error_of(response):
    return response.status_code, response.json()['Code']


# -- TLS -----------------------------------------------------------------------------------------


def test_tls_is_verified_with_the_ca_bundle(tls_emulator):
    assert tls_emulator.endpoint.startswith('https://127.0.0.1:')
    response = call(tls_emulator.endpoint, LIST, {'RegionId': 'cn-hangzhou'}, verify=tls_emulator.ca_file)
    assert response.status_code == 200
    assert (
        requests.get(tls_emulator.endpoint + '/_emulator/health', verify=tls_emulator.ca_file, timeout=10).json()[
            'status'
        ]
        == 'ok'
    )


def test_tls_without_the_ca_bundle_fails_certificate_verification(tls_emulator):
    with pytest.raises(requests.exceptions.SSLError):
        call(tls_emulator.endpoint, LIST, {'RegionId': 'cn-hangzhou'})
    # The refused handshake leaves the server serving.
    assert call(tls_emulator.endpoint, LIST, {'RegionId': 'cn-hangzhou'}, verify=tls_emulator.ca_file).ok


def test_tls_refuses_plain_http(tls_emulator):
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get('http://127.0.0.1:%d/_emulator/health' % tls_emulator.port, timeout=5)
    assert call(tls_emulator.endpoint, LIST, {'RegionId': 'cn-hangzhou'}, verify=tls_emulator.ca_file).ok


def test_a_silent_tls_client_does_not_block_others(tls_emulator):
    # A connection that never starts its handshake must not hold up everyone else.
    silent = socket.create_connection(('127.0.0.1', tls_emulator.port), timeout=5)
    try:
        response = call(
            tls_emulator.endpoint, LIST, {'RegionId': 'cn-hangzhou'}, verify=tls_emulator.ca_file, timeout=3
        )
        assert response.status_code == 200
    finally:
        silent.close()


# -- STS AssumeRole --------------------------------------------------------------------------------


def test_assume_role_returns_sts_credentials_that_work_for_dts(emulator):
    answer = assume_role(emulator.endpoint, DurationSeconds='900').json()
    creds = answer['Credentials']
    assert creds['AccessKeyId'].startswith('STS.')
    assert answer['AssumedRoleUser']['Arn'] == 'acs:ram::1234567890123456:assumed-role/dts-reader/fidelity'
    expires = datetime.strptime(creds['Expiration'], '%Y-%m-%dT%H:%M:%SZ').replace(tzinfo=timezone.utc)
    assert timedelta(seconds=880) < expires - datetime.now(timezone.utc) <= timedelta(seconds=900)

    client = TeaClient(
        Config(
            access_key_id=creds['AccessKeyId'],
            access_key_secret=creds['AccessKeySecret'],
            security_token=creds['SecurityToken'],
            endpoint='127.0.0.1:%d' % emulator.port,
            protocol='http',
        )
    )
    body = client.describe_synchronization_jobs(
        dts_models.DescribeSynchronizationJobsRequest(region_id='cn-hangzhou', page_size=10)
    ).body
    assert len(body.synchronization_instances) == 10

    without_token = call(
        emulator.endpoint, LIST, {'RegionId': 'cn-hangzhou'}, key=creds['AccessKeyId'], secret=creds['AccessKeySecret']
    )
    assert error_of(without_token) == (400, 'MissingSecurityToken')


def test_the_official_credentials_provider_assumes_a_role_over_tls(tls_emulator):
    provider = RamRoleArnCredentialsProvider(
        access_key_id=AK, access_key_secret=SECRET, role_arn=ROLE, sts_endpoint='127.0.0.1:%d' % tls_emulator.port
    )
    # The provider always speaks HTTPS; its runtime options are where a CA bundle goes.
    provider._runtime_options['ca'] = tls_emulator.ca_file
    creds = provider.get_credentials()
    assert creds.get_access_key_id() in tls_emulator.keys
    assert tls_emulator.keys[creds.get_access_key_id()]['token'] == creds.get_security_token()
    assert tls_emulator.log[-1]['action'] == 'AssumeRole' and tls_emulator.log[-1]['status'] == 200


@pytest.mark.parametrize(
    'params,expected',
    [
        ({'RoleArn': 'arn:aws:iam::1:role/x'}, (400, 'InvalidParameter.RoleArn')),
        ({'RoleArn': 'acs:ram::1234567890123456:role/denied'}, (403, 'NoPermission')),
        ({'DurationSeconds': '899'}, (400, 'InvalidParameter.DurationSeconds')),
        ({'DurationSeconds': '43201'}, (400, 'InvalidParameter.DurationSeconds')),
    ],
)
def test_assume_role_refusals(emulator, params, expected):
    assert error_of(assume_role(emulator.endpoint, **params)) == expected


def test_assume_role_checks_its_own_version_and_signature(emulator):
    wrong_version = call(emulator.endpoint, 'AssumeRole', {'RoleArn': ROLE}, signature='v1', version='2020-01-01')
    assert error_of(wrong_version) == (400, 'InvalidVersion')
    wrong_secret = call(
        emulator.endpoint, 'AssumeRole', {'RoleArn': ROLE}, signature='v1', version='2015-04-01', secret='nope'
    )
    assert error_of(wrong_secret) == (400, 'SignatureDoesNotMatch')


# -- ECS metadata ----------------------------------------------------------------------------------


def test_ecs_metadata_serves_role_credentials_that_work_for_dts(emulator):
    response = requests.get(emulator.endpoint + CREDENTIALS + DEFAULT_ECS_ROLE, timeout=5)
    creds = response.json()
    assert creds['Code'] == 'Success'
    assert set(creds) >= {'AccessKeyId', 'AccessKeySecret', 'SecurityToken', 'Expiration', 'LastUpdated'}
    listed = call(
        emulator.endpoint,
        LIST,
        {'RegionId': 'cn-hangzhou'},
        key=creds['AccessKeyId'],
        secret=creds['AccessKeySecret'],
        token=creds['SecurityToken'],
    )
    assert listed.status_code == 200


def test_ecs_metadata_lists_the_role_name(emulator):
    response = requests.get(emulator.endpoint + CREDENTIALS, timeout=5)
    assert response.status_code == 200
    assert response.text == DEFAULT_ECS_ROLE
    assert response.headers['Content-Type'].startswith('text/plain')
    emulator.config['require_imds_token'] = True
    assert requests.get(emulator.endpoint + CREDENTIALS, timeout=5).status_code == 401


def test_ecs_metadata_unknown_role_is_not_found(emulator):
    assert requests.get(emulator.endpoint + CREDENTIALS + 'other-role', timeout=5).status_code == 404
    assert requests.get(emulator.endpoint + '/latest/meta-data/instance-id-nope', timeout=5).status_code == 404


def test_ecs_metadata_with_the_token_requirement(emulator):
    emulator.config['require_imds_token'] = True
    assert requests.get(emulator.endpoint + CREDENTIALS + DEFAULT_ECS_ROLE, timeout=5).status_code == 401
    token = requests.put(
        emulator.endpoint + '/latest/api/token', timeout=5, headers={'X-aliyun-ecs-metadata-token-ttl-seconds': '21600'}
    )
    assert token.status_code == 200 and token.text
    wrong = requests.get(
        emulator.endpoint + CREDENTIALS + DEFAULT_ECS_ROLE, timeout=5, headers={'X-aliyun-ecs-metadata-token': 'forged'}
    )
    assert wrong.status_code == 401
    right = requests.get(
        emulator.endpoint + CREDENTIALS + DEFAULT_ECS_ROLE,
        timeout=5,
        headers={'X-aliyun-ecs-metadata-token': token.text},
    )
    assert right.json()['Code'] == 'Success'


def test_ecs_metadata_without_the_token_requirement_accepts_either(emulator):
    token = requests.put(
        emulator.endpoint + '/latest/api/token', timeout=5, headers={'X-aliyun-ecs-metadata-token-ttl-seconds': '60'}
    ).text
    for headers in ({}, {'X-aliyun-ecs-metadata-token': token}):
        response = requests.get(emulator.endpoint + CREDENTIALS + DEFAULT_ECS_ROLE, headers=headers, timeout=5)
        assert response.json()['Code'] == 'Success'


# -- STS AssumeRoleWithOIDC, the credentials URI, short-lived credentials ------------------------------

PROVIDER = 'acs:ram::1234567890123456:oidc-provider/ack-rrsa-emulator'


def assume_role_with_oidc(endpoint, verify=True, **params):
    """Unsigned, as the official library sends it: no AccessKeyId, no Signature."""
    params = dict(
        {
            'Action': 'AssumeRoleWithOIDC',
            'Version': '2015-04-01',
            'Format': 'JSON',
            'RoleArn': ROLE,
            'OIDCProviderArn': PROVIDER,
            'OIDCToken': DEFAULT_OIDC_TOKEN,
            'RoleSessionName': 'oidc-test',
            'Timestamp': datetime.now(timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ'),
        },
        **params,
    )
    return requests.get(endpoint + '/', params=params, verify=verify, timeout=10)


def test_the_official_oidc_provider_gets_credentials_that_work_for_dts(tls_emulator, tmp_path):
    token_file = tmp_path / 'oidc-token'
    token_file.write_text(DEFAULT_OIDC_TOKEN)
    provider = OIDCRoleArnCredentialsProvider(
        role_arn=ROLE,
        oidc_provider_arn=PROVIDER,
        oidc_token_file_path=str(token_file),
        role_session_name='pod-a',
        policy='{"Statement": []}',
        sts_endpoint='127.0.0.1:%d' % tls_emulator.port,
    )
    provider._runtime_options['ca'] = tls_emulator.ca_file  # it always speaks HTTPS
    creds = provider.get_credentials()
    assert tls_emulator.keys[creds.get_access_key_id()]['token'] == creds.get_security_token()
    entry = tls_emulator.log[-1]
    assert (entry['action'], entry['status'], entry['signature']) == ('AssumeRoleWithOIDC', 200, 'none')
    assert entry['params']['RoleSessionName'] == 'pod-a' and entry['params']['Policy'] == '{"Statement": []}'
    assert entry['params']['OIDCToken'].startswith('sha256:')
    assert DEFAULT_OIDC_TOKEN not in json.dumps(tls_emulator.log), 'the OIDC token is never logged'

    client = TeaClient(
        Config(
            access_key_id=creds.get_access_key_id(),
            access_key_secret=creds.get_access_key_secret(),
            security_token=creds.get_security_token(),
            endpoint='127.0.0.1:%d' % tls_emulator.port,
            protocol='https',
            ca=tls_emulator.ca_file,
        )
    )
    body = client.describe_dts_jobs(dts_models.DescribeDtsJobsRequest(region='cn-hangzhou', job_type='SYNC')).body
    assert body.success and body.dts_job_list


@pytest.mark.parametrize(
    'params,expected',
    [
        ({'OIDCToken': 'someone-elses-token'}, (400, 'InvalidParameter.OIDCToken')),
        ({'OIDCToken': ''}, (400, 'MissingParameter')),
        ({'OIDCProviderArn': 'acs:ram::1:role/not-a-provider'}, (400, 'InvalidParameter.OIDCProviderArn')),
        ({'RoleArn': 'arn:aws:iam::1:role/x'}, (400, 'InvalidParameter.RoleArn')),
        ({'RoleArn': 'acs:ram::1234567890123456:role/denied'}, (403, 'AuthenticationFail.NoPermission')),
        ({'DurationSeconds': '100'}, (400, 'InvalidParameter.DurationSeconds')),
        ({'Version': '2020-01-01'}, (400, 'InvalidVersion')),
    ],
)
def test_assume_role_with_oidc_refusals(emulator, params, expected):
    response = assume_role_with_oidc(emulator.endpoint, **params)
    assert error_of(response) == expected
    assert 'someone-elses-token' not in json.dumps(emulator.log)


def test_configured_oidc_tokens_replace_the_demo_token(emulator):
    emulator.config['oidc_tokens'] = ['token-a', 'token-b']
    assert error_of(assume_role_with_oidc(emulator.endpoint)) == (400, 'InvalidParameter.OIDCToken')
    answer = assume_role_with_oidc(emulator.endpoint, OIDCToken='token-b').json()
    assert answer['Credentials']['AccessKeyId'].startswith('STS.')
    assert answer['AssumedRoleUser']['Arn'].endswith(':assumed-role/dts-reader/oidc-test')


def test_assume_role_records_session_name_role_and_policy(emulator):
    assume_role(emulator.endpoint, RoleSessionName='deploy-42', Policy='{"Version": "1"}')
    params = emulator.log[-1]['params']
    assert (params['RoleArn'], params['RoleSessionName'], params['Policy']) == (ROLE, 'deploy-42', '{"Version": "1"}')


def test_the_credentials_uri_serves_fresh_sts_credentials(emulator):
    provider = URLCredentialsProvider(uri=emulator.endpoint + '/_emulator/credentials-uri')
    first = provider.get_credentials()
    assert first.get_access_key_id().startswith('STS.')
    raw = requests.get(emulator.endpoint + '/_emulator/credentials-uri', timeout=10).json()
    assert set(raw) == {'Code', 'AccessKeyId', 'AccessKeySecret', 'SecurityToken', 'Expiration'}
    assert raw['Code'] == 'Success' and raw['AccessKeyId'] != first.get_access_key_id()
    listed = call(
        emulator.endpoint,
        LIST,
        {'RegionId': 'cn-hangzhou'},
        key=raw['AccessKeyId'],
        secret=raw['AccessKeySecret'],
        token=raw['SecurityToken'],
    )
    assert listed.status_code == 200


def test_short_lived_credentials_when_configured(emulator):
    emulator.config['sts_duration_seconds'] = 5
    for creds in (
        assume_role(emulator.endpoint, DurationSeconds='3600').json()['Credentials'],
        assume_role_with_oidc(emulator.endpoint).json()['Credentials'],
        requests.get(emulator.endpoint + '/_emulator/credentials-uri', timeout=10).json(),
        requests.get(emulator.endpoint + CREDENTIALS + DEFAULT_ECS_ROLE, timeout=10).json(),
    ):
        expires = datetime.strptime(creds['Expiration'], '%Y-%m-%dT%H:%M:%SZ').replace(tzinfo=timezone.utc)
        assert timedelta(0) < expires - datetime.now(timezone.utc) <= timedelta(seconds=5)
    # Past Expiration the gateway refuses them: move the stored expiry instead of waiting.
    key = creds['AccessKeyId']
    emulator.keys[key]['expires'] = datetime.now(timezone.utc) - timedelta(seconds=1)
    expired = call(
        emulator.endpoint,
        LIST,
        {'RegionId': 'cn-hangzhou'},
        key=key,
        secret=creds['AccessKeySecret'],
        token=creds['SecurityToken'],
    )
    assert error_of(expired) == (403, 'InvalidSecurityToken.Expired')
