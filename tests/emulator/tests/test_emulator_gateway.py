# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The gateway's checks, with requests signed by the small local signer in emulator_wire.

The published signature examples pin both the local signer and the emulator's verifier to the
documented algorithm; the hand-made requests then probe each refusal the gateway makes.
"""

import hashlib
import json
import time
from datetime import datetime, timedelta, timezone

import pytest
import requests
from hypothesis import given, settings, strategies as st

from dts_emulator import ApiError, Emulator
from emulator_wire import EMPTY_SHA256, call, utc_now, v1_signature, v3_signature

from conftest import AK, SECRET

LIST = 'DescribeSynchronizationJobs'
HZ = {'RegionId': 'cn-hangzhou', 'PageSize': '10'}

# Alibaba's V3 signature guide (RunInstances on ECS) and the classic V1 DescribeRegions example.
V3_HEADERS = {
    'host': 'ecs.cn-shanghai.aliyuncs.com',
    'x-acs-action': 'RunInstances',
    'x-acs-version': '2014-05-26',
    'x-acs-date': '2023-10-26T10:22:32Z',
    'x-acs-signature-nonce': '3156853299f313e23d1673dc12e1703d',
    'x-acs-content-sha256': EMPTY_SHA256,
}
V3_QUERY = {'ImageId': 'win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd', 'RegionId': 'cn-shanghai'}
V3_SIGNATURE = '06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0'
V1_PARAMS = {
    'Action': 'DescribeRegions',
    'AccessKeyId': 'testid',
    'Format': 'XML',
    'SignatureMethod': 'HMAC-SHA1',
    'SignatureNonce': '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf',
    'SignatureVersion': '1.0',
    'Timestamp': '2016-02-23T12:46:24Z',
    'Version': '2014-05-26',
}
V1_SIGNATURE = 'OLeaidS1JvxuMvnyHOwuJ+uX5qY='


def refused(response):
    """(HTTP status, Code) of an error answer, after checking the documented error body."""
    body = response.json()
    assert set(body) >= {'RequestId', 'HostId', 'Code', 'Message', 'Recommend'}, body
    return response.status_code, body['Code']


def v3_headers_with(
    signature,
    names='host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version',
    key='YourAccessKeyId',
):
    return dict(
        V3_HEADERS,
        authorization='ACS3-HMAC-SHA256 Credential=%s,SignedHeaders=%s,Signature=%s' % (key, names, signature),
    )


class TestPublishedVectors:
    def test_the_local_signer_reproduces_the_published_v3_signature(self):
        names, signature = v3_signature('YourAccessKeySecret', 'POST', '/', V3_QUERY, V3_HEADERS)
        assert names == 'host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version'
        assert signature == V3_SIGNATURE

    def test_the_local_signer_reproduces_the_published_v1_signature(self):
        assert v1_signature('testsecret', 'GET', V1_PARAMS) == V1_SIGNATURE

    def test_the_emulator_accepts_the_published_v3_signature(self):
        # The signature passes; only the 2023 timestamp, checked after it, is refused.
        emulator = Emulator('YourAccessKeyId', 'YourAccessKeySecret')
        with pytest.raises(ApiError) as caught:
            emulator.verify_v3('POST', '/', V3_QUERY, v3_headers_with(V3_SIGNATURE), b'')
        assert caught.value.code == 'InvalidTimeStamp.Expired'

    def test_the_emulator_refuses_a_v3_signature_one_digit_off(self):
        emulator = Emulator('YourAccessKeyId', 'YourAccessKeySecret')
        wrong = V3_SIGNATURE[:-1] + ('1' if V3_SIGNATURE[-1] != '1' else '2')
        with pytest.raises(ApiError) as caught:
            emulator.verify_v3('POST', '/', V3_QUERY, v3_headers_with(wrong), b'')
        assert (caught.value.status, caught.value.code) == (400, 'SignatureDoesNotMatch')

    def test_the_emulator_accepts_the_published_v1_signature(self):
        emulator = Emulator('testid', 'testsecret')
        with pytest.raises(ApiError) as caught:
            emulator.verify_v1('GET', dict(V1_PARAMS, Signature=V1_SIGNATURE))
        assert caught.value.code == 'InvalidTimeStamp.Expired'

    def test_the_emulator_quotes_the_v1_string_to_sign_it_computed(self):
        emulator = Emulator('testid', 'testsecret')
        with pytest.raises(ApiError) as caught:
            emulator.verify_v1('POST', dict(V1_PARAMS, Signature=V1_SIGNATURE))
        assert caught.value.code == 'SignatureDoesNotMatch'
        assert caught.value.message.endswith(
            'server string to sign is:POST&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML'
            '%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf'
            '%26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26'
        )


@pytest.mark.parametrize('signature,method', [('v3', 'POST'), ('v3', 'GET'), ('v1', 'GET'), ('v1', 'POST')])
class TestGateway:
    def test_a_hand_signed_request_is_answered(self, emulator, signature, method):
        response = call(emulator.endpoint, LIST, HZ, signature=signature, method=method)
        assert response.status_code == 200, response.text
        assert len(response.json()['SynchronizationInstances']) == 10

    def test_a_reused_nonce_is_refused(self, emulator, signature, method):
        assert call(emulator.endpoint, LIST, HZ, signature=signature, method=method, nonce='n-1').status_code == 200
        again = call(emulator.endpoint, LIST, HZ, signature=signature, method=method, nonce='n-1')
        assert refused(again) == (400, 'SignatureNonceUsed')

    @pytest.mark.parametrize('minutes', [-20, 20])
    def test_a_timestamp_20_minutes_off_is_refused(self, emulator, signature, method, minutes):
        date = utc_now(timedelta(minutes=minutes))
        response = call(emulator.endpoint, LIST, HZ, signature=signature, method=method, date=date)
        assert refused(response) == (400, 'InvalidTimeStamp.Expired')

    @pytest.mark.parametrize('minutes', [-10, 10])
    def test_a_timestamp_within_15_minutes_is_accepted(self, emulator, signature, method, minutes):
        date = utc_now(timedelta(minutes=minutes))
        assert call(emulator.endpoint, LIST, HZ, signature=signature, method=method, date=date).status_code == 200

    def test_a_malformed_timestamp_is_refused(self, emulator, signature, method):
        response = call(emulator.endpoint, LIST, HZ, signature=signature, method=method, date='2026-01-01 10:00:00')
        assert refused(response) == (400, 'InvalidTimeStamp.Format')

    def test_an_unknown_action_is_refused(self, emulator, signature, method):
        response = call(emulator.endpoint, 'DescribeMigrationJobsEverywhere', HZ, signature=signature, method=method)
        assert refused(response) == (404, 'InvalidAction.NotFound')

    def test_a_wrong_version_is_refused(self, emulator, signature, method):
        response = call(emulator.endpoint, LIST, HZ, signature=signature, method=method, version='2016-08-01')
        assert refused(response) == (400, 'InvalidVersion')

    def test_a_wrong_secret_is_refused(self, emulator, signature, method):
        response = call(emulator.endpoint, LIST, HZ, signature=signature, method=method, secret='wrong')
        assert refused(response) == (400, 'SignatureDoesNotMatch')

    def test_an_unknown_key_is_refused(self, emulator, signature, method):
        response = call(emulator.endpoint, LIST, HZ, signature=signature, method=method, key='LTAI-unknown')
        assert refused(response) == (404, 'InvalidAccessKeyId.NotFound')

    def test_an_expired_sts_token_is_refused(self, emulator, signature, method):
        creds = emulator.issue_sts_credentials(900)
        emulator.keys[creds['AccessKeyId']]['expires'] = datetime.now(timezone.utc) - timedelta(seconds=1)
        response = call(
            emulator.endpoint,
            LIST,
            HZ,
            signature=signature,
            method=method,
            key=creds['AccessKeyId'],
            secret=creds['AccessKeySecret'],
            token=creds['SecurityToken'],
        )
        assert refused(response) == (403, 'InvalidSecurityToken.Expired')

    def test_a_tampered_parameter_breaks_the_signature(self, emulator, signature, method):
        # Signed for page 1, sent for page 2: the emulator must verify what it received.
        response = call(
            emulator.endpoint, LIST, dict(HZ, PageNum='1'), signature=signature, method=method, tamper={'PageNum': '2'}
        )
        assert refused(response) == (400, 'SignatureDoesNotMatch')


def raw_v3(emulator, headers_names=None, body=b'', content_sha=None):
    headers = {
        'host': '127.0.0.1:%d' % emulator.port,
        'x-acs-action': LIST,
        'x-acs-version': '2020-01-01',
        'x-acs-date': utc_now(),
        'x-acs-signature-nonce': 'raw-%s' % hashlib.md5(body).hexdigest(),
        'x-acs-content-sha256': content_sha or hashlib.sha256(body).hexdigest(),
    }
    signed = dict((name, headers[name]) for name in (headers_names or headers))
    names, signature = v3_signature(SECRET, 'POST', '/', HZ, signed, body)
    headers['Authorization'] = 'ACS3-HMAC-SHA256 Credential=%s,SignedHeaders=%s,Signature=%s' % (AK, names, signature)
    return requests.post(
        emulator.endpoint + '/?RegionId=cn-hangzhou&PageSize=10', headers=headers, data=body, timeout=10
    )


def test_a_nonce_is_remembered_for_15_minutes_then_forgotten(emulator):
    # Nonces are forgotten oldest first, at the next signed request: one seen 15 minutes ago goes,
    # one seen 14 minutes ago stays refused, and so does every nonce seen after it.
    now = time.monotonic()
    emulator.nonces[(AK, 'old')] = now - 15 * 60 - 1
    emulator.nonces[(AK, 'recent')] = now - 14 * 60
    assert call(emulator.endpoint, LIST, HZ, nonce='fresh').status_code == 200
    assert list(emulator.nonces) == [(AK, 'recent'), (AK, 'fresh')]
    assert call(emulator.endpoint, LIST, HZ, nonce='old').status_code == 200
    assert refused(call(emulator.endpoint, LIST, HZ, nonce='recent')) == (400, 'SignatureNonceUsed')
    assert refused(call(emulator.endpoint, LIST, HZ, nonce='fresh')) == (400, 'SignatureNonceUsed')


def test_v3_requires_the_nonce_header_to_be_signed(emulator):
    names = ['host', 'x-acs-action', 'x-acs-version', 'x-acs-date', 'x-acs-content-sha256']
    assert refused(raw_v3(emulator, names)) == (400, 'IncompleteSignature')


def test_v3_refuses_a_body_whose_hash_does_not_match(emulator):
    assert refused(raw_v3(emulator, body=b'{}', content_sha=EMPTY_SHA256)) == (400, 'ContentSHA256NotMatched')


def test_v3_refuses_a_malformed_authorization_header(emulator):
    response = requests.post(
        emulator.endpoint + '/',
        headers={'Authorization': 'Bearer abc', 'x-acs-action': LIST, 'x-acs-version': '2020-01-01'},
        timeout=10,
    )
    assert refused(response) == (400, 'IncompleteSignature')


@pytest.fixture(scope='module')
def shared_emulator():
    with Emulator(AK, SECRET) as running:
        yield running


NAME_TEXT = st.text(alphabet=st.characters(blacklist_categories=('Cs', 'Cc')), max_size=12)


@settings(max_examples=40, deadline=None)
@given(name=NAME_TEXT, signature=st.sampled_from(['v3', 'v1']), method=st.sampled_from(['GET', 'POST']))
def test_any_unicode_parameter_is_signed_and_filtered_alike(shared_emulator, name, signature, method):
    """Spaces, '*', '~', '+', '&', '=', CJK: the percent-encoding rules agree end to end."""
    response = call(
        shared_emulator.endpoint,
        LIST,
        dict(HZ, PageSize='30', SynchronizationJobName=name),
        signature=signature,
        method=method,
    )
    assert response.status_code == 200, response.text
    expected = [
        job
        for job in shared_emulator.jobs
        if job['region'] == 'cn-hangzhou' and job['origin'] == 'legacy' and name.lower() in job['name'].lower()
    ]
    records = sum(len(job['directions']) for job in expected)
    assert response.json()['TotalRecordCount'] == records
    assert json.loads(response.content.decode('utf-8'))['PageNumber'] == 1
