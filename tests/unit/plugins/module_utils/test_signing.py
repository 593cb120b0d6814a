# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The signer against Alibaba's published vectors and against the official SDK's own code."""

from collections import namedtuple
from datetime import datetime, timezone

import pytest
from alibabacloud_tea_openapi.utils import Utils as SdkUtils
from hypothesis import given, settings, strategies as st

from ansible_collections.alibabacloud.dts.plugins.module_utils import _signing
from ansible_collections.alibabacloud.dts.plugins.module_utils._signing import (
    EMPTY_BODY_SHA256,
    canonical_query,
    percent_encode,
    sign_v1,
    sign_v3,
    v1_signature,
    v3_authorization,
)

Creds = namedtuple('Creds', 'access_key_id access_key_secret security_token')


def test_v3_reproduces_the_published_signature_guide_example():
    headers = {
        'host': 'ecs.cn-shanghai.aliyuncs.com',
        'x-acs-action': 'RunInstances',
        'x-acs-version': '2014-05-26',
        'x-acs-date': '2023-10-26T10:22:32Z',
        'x-acs-signature-nonce': '3156853299f313e23d1673dc12e1703d',
        'x-acs-content-sha256': EMPTY_BODY_SHA256,
    }
    query = {'ImageId': 'win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd', 'RegionId': 'cn-shanghai'}
    authorization = v3_authorization(
        'POST', '/', query, headers, EMPTY_BODY_SHA256, 'YourAccessKeyId', 'YourAccessKeySecret'
    )
    assert authorization == (
        'ACS3-HMAC-SHA256 Credential=YourAccessKeyId,'
        'SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,'
        'Signature=06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0'
    )


def test_v1_reproduces_the_classic_describe_regions_example():
    params = {
        'Format': 'XML',
        'Version': '2014-05-26',
        'AccessKeyId': 'testid',
        'SignatureMethod': 'HMAC-SHA1',
        'Timestamp': '2016-02-23T12:46:24Z',
        'SignatureVersion': '1.0',
        'SignatureNonce': '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf',
        'Action': 'DescribeRegions',
    }
    assert v1_signature('GET', params, 'testsecret') == 'OLeaidS1JvxuMvnyHOwuJ+uX5qY='


@pytest.mark.parametrize(
    'raw, encoded',
    [
        ('a b', 'a%20b'),
        ('*', '%2A'),
        ('~', '~'),
        ('-_.', '-_.'),
        ('/', '%2F'),
        ('+', '%2B'),
        ('中', '%E4%B8%AD'),
        ('["a","b"]', '%5B%22a%22%2C%22b%22%5D'),
        ('', ''),
    ],
)
def test_percent_encode_follows_rfc3986(raw, encoded):
    assert percent_encode(raw) == encoded


def test_canonical_query_sorts_keys_and_encodes_both_sides():
    assert canonical_query({'b': '2 2', 'a': '1', 'Tag.1.Key': 'env'}) == 'Tag.1.Key=env&a=1&b=2%202'


def test_sign_v3_signs_the_token_and_uses_a_fresh_nonce_each_time():
    creds = Creds('ak', 'secret', 'sts-token')
    first = sign_v3('POST', 'dts.aliyuncs.com', 'DescribeSynchronizationJobs', '2020-01-01', {}, creds)
    second = sign_v3('POST', 'dts.aliyuncs.com', 'DescribeSynchronizationJobs', '2020-01-01', {}, creds)
    assert first['x-acs-security-token'] == 'sts-token'
    assert 'x-acs-security-token' in first['Authorization'].split('SignedHeaders=')[1].split(',')[0]
    assert first['x-acs-signature-nonce'] != second['x-acs-signature-nonce']
    assert 'secret' not in first['Authorization']


def test_sign_v1_adds_common_parameters_and_the_token():
    now = datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    params = sign_v1(
        'POST',
        'DescribeSynchronizationJobs',
        '2020-01-01',
        {'RegionId': 'cn-hangzhou'},
        Creds('ak', 'secret', 'tok'),
        now=now,
        nonce='n1',
    )
    assert params['Timestamp'] == '2024-01-02T03:04:05Z'
    assert params['SecurityToken'] == 'tok'
    assert params['SignatureMethod'] == 'HMAC-SHA1' and params['SignatureVersion'] == '1.0'
    unsigned = dict(params)
    del unsigned['Signature']
    assert params['Signature'] == SdkUtils.get_rpcsignature(unsigned, 'POST', 'secret')


def test_timestamps_are_utc():
    assert _signing.utc_timestamp(datetime(2020, 5, 6, 7, 8, 9, tzinfo=timezone.utc)) == '2020-05-06T07:08:09Z'


# Parameter names are ASCII API names; values can be anything a user types.
names = st.text(alphabet='ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-', min_size=1, max_size=24)
values = st.one_of(
    st.text(max_size=40),
    st.sampled_from(['', ' ', '*', '~', '+', '/', '%', '&=?#', '["dts1","dts\\"2"]', '中文任务', 'ümlaut', '😀']),
)
queries = st.dictionaries(names, values, max_size=12)
secrets = st.text(min_size=1, max_size=40)
tokens = st.one_of(
    st.none(),
    st.text(alphabet='ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=', min_size=1, max_size=64),
)


def twenty_tags():
    query = {}
    for index in range(1, 21):
        query['Tag.%d.Key' % index] = 'key%d' % index
        query['Tag.%d.Value' % index] = '' if index % 3 == 0 else 'välue %d' % index
    return query


class _SdkRequest:
    """The attributes Utils.get_authorization reads from a Tea request."""

    def __init__(self, method, query, headers):
        self.method = method
        self.pathname = '/'
        self.query = query
        self.headers = headers


@settings(max_examples=200, deadline=None)
@given(query=queries, secret=secrets, token=tokens, method=st.sampled_from(['GET', 'POST']))
def test_v3_matches_the_official_sdk(query, secret, token, method):
    creds = Creds('LTAI5tExampleKey', secret, token)
    headers = sign_v3(method, 'dts.cn-hangzhou.aliyuncs.com', 'DescribeSynchronizationJobs', '2020-01-01', query, creds)
    signed = dict((name, value) for name, value in headers.items() if name != 'Authorization')
    expected = SdkUtils.get_authorization(
        _SdkRequest(method, query, signed), 'ACS3-HMAC-SHA256', EMPTY_BODY_SHA256, creds.access_key_id, secret
    )
    assert headers['Authorization'] == expected


@settings(max_examples=200, deadline=None)
@given(query=queries, secret=secrets, token=tokens, method=st.sampled_from(['GET', 'POST']))
def test_v1_matches_the_official_sdk(query, secret, token, method):
    params = sign_v1(
        method, 'DescribeSynchronizationJobs', '2020-01-01', query, Creds('LTAI5tExampleKey', secret, token)
    )
    unsigned = dict(params)
    signature = unsigned.pop('Signature')
    assert signature == SdkUtils.get_rpcsignature(unsigned, method, secret)


@pytest.mark.parametrize('token', [None, 'CAIS-sts-token=='])
def test_twenty_tags_sign_like_the_sdk_in_both_versions(token):
    query = twenty_tags()
    creds = Creds('ak', 'secret', token)
    headers = sign_v3('POST', 'dts.aliyuncs.com', 'DescribeSynchronizationJobs', '2020-01-01', query, creds)
    signed = dict((name, value) for name, value in headers.items() if name != 'Authorization')
    assert headers['Authorization'] == SdkUtils.get_authorization(
        _SdkRequest('POST', query, signed), 'ACS3-HMAC-SHA256', EMPTY_BODY_SHA256, 'ak', 'secret'
    )
    params = sign_v1('POST', 'DescribeSynchronizationJobs', '2020-01-01', query, creds)
    signature = params.pop('Signature')
    assert signature == SdkUtils.get_rpcsignature(params, 'POST', 'secret')
