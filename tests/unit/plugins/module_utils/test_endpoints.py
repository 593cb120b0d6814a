# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

import pytest

from ansible_collections.alibabacloud.dts.plugins.module_utils._connection import connect
from ansible_collections.alibabacloud.dts.plugins.module_utils._endpoints import (
    CENTRAL_HOST,
    KNOWN_REGIONS,
    check_region,
    parse_endpoint,
    resolve_endpoint,
    validate_region,
)
from ansible_collections.alibabacloud.dts.plugins.module_utils._errors import DtsConfigError


@pytest.mark.parametrize(
    'region, url',
    [
        ('cn-hangzhou', 'https://dts.cn-hangzhou.aliyuncs.com'),
        ('ap-southeast-1', 'https://dts.ap-southeast-1.aliyuncs.com'),
        ('cn-wulanchabu', 'https://dts.aliyuncs.com'),
        ('cn-chengdu', 'https://dts.aliyuncs.com'),
        ('cn-beijing-finance-1', 'https://dts.aliyuncs.com'),
        ('cn-guangzhou', 'https://dts.aliyuncs.com'),
        ('cn-hangzhou-finance', 'https://dts.cn-hangzhou.aliyuncs.com'),
    ],
)
def test_documented_endpoint_map(region, url):
    assert resolve_endpoint(region, environ={}) == url


def test_endpoint_option_beats_the_environment_which_beats_the_map():
    env = {'ALIBABA_CLOUD_ENDPOINT_DTS': 'http://127.0.0.1:9000'}
    assert (
        resolve_endpoint('cn-hangzhou', 'dts-vpc.cn-hangzhou.aliyuncs.com', env)
        == 'https://dts-vpc.cn-hangzhou.aliyuncs.com'
    )
    assert resolve_endpoint('cn-hangzhou', None, env) == 'http://127.0.0.1:9000'


@pytest.mark.parametrize(
    'given, url',
    [
        ('dts.aliyuncs.com', 'https://dts.aliyuncs.com'),
        ('http://127.0.0.1:8480/', 'http://127.0.0.1:8480'),
        ('https://[::1]:8443', 'https://[::1]:8443'),
    ],
)
def test_parse_endpoint(given, url):
    assert parse_endpoint(given) == url


@pytest.mark.parametrize(
    'bad', ['ftp://host', 'http://', 'https://host/path', 'http://host:notaport', 'https://h/?a=1']
)
def test_bad_endpoints_name_the_option(bad):
    with pytest.raises(DtsConfigError) as caught:
        parse_endpoint(bad)
    assert caught.value.option == 'endpoint' and 'endpoint' in caught.value.message


@pytest.mark.parametrize('bad', ['', None, 'CN-HANGZHOU', 'hangzhou', 'cn_hangzhou', 'cn-hangzhou/../x'])
def test_bad_regions_name_the_option(bad):
    with pytest.raises(DtsConfigError) as caught:
        validate_region(bad)
    assert caught.value.option == 'region'


# -- the list of record ----------------------------------------------------------------------


def test_every_documented_region_is_known_and_resolves_without_a_warning():
    for region in ('cn-hangzhou', 'cn-wulanchabu', 'ap-southeast-7', 'me-central-1', 'cn-north-2-gov-1'):
        assert region in KNOWN_REGIONS
    for region in KNOWN_REGIONS:
        assert check_region(region) == (region, None)
        assert resolve_endpoint(region, environ={}).startswith('https://dts.')


@pytest.mark.parametrize(
    'typo, closest',
    [
        ('cn-hangzou', 'cn-hangzhou'),
        ('cn-beijng', 'cn-beijing'),
        ('ap-southeast-11', 'ap-southeast-1'),
        ('us-west-2', 'us-west-1'),
        ('cn-shanghai-finance', 'cn-shanghai-finance-1'),
    ],
)
def test_a_misspelled_region_fails_naming_the_closest_known_one(typo, closest):
    with pytest.raises(DtsConfigError) as caught:
        validate_region(typo)
    message = caught.value.message
    assert caught.value.option == 'region'
    assert repr(typo) in message and 'did you mean %s' % closest in message
    assert 'allow_unknown_region' in message


def test_an_unknown_region_with_nothing_close_lists_the_known_ones():
    with pytest.raises(DtsConfigError) as caught:
        validate_region('xx-nowhere-9')
    assert 'cn-hangzhou' in caught.value.message and 'me-central-1' in caught.value.message


def test_allow_unknown_region_lets_it_through_to_the_central_host_with_a_warning():
    region, warning = check_region('ap-newplace-1', allow_unknown=True)
    assert region == 'ap-newplace-1'
    assert "'ap-newplace-1'" in warning and CENTRAL_HOST in warning
    assert resolve_endpoint('ap-newplace-1', environ={}) == 'https://%s' % CENTRAL_HOST


def test_an_explicit_endpoint_lets_an_unknown_region_through_with_a_warning():
    region, warning = check_region('cn-hangzou', endpoint='http://127.0.0.1:8480')
    assert region == 'cn-hangzou' and 'did you mean cn-hangzhou' in warning and 'endpoint given' in warning


def test_connect_refuses_a_misspelled_region_before_resolving_anything():
    # No credentials at all: the region is checked first, so the error is about the region.
    with pytest.raises(DtsConfigError) as caught:
        connect({'region': 'cn-hangzou'}, environ={})
    assert caught.value.option == 'region' and 'cn-hangzhou' in caught.value.message


@pytest.mark.parametrize(
    'params, environ',
    [
        ({'allow_unknown_region': True}, {}),
        ({'allow_unknown_region': 'true'}, {}),
        ({'endpoint': 'http://127.0.0.1:1'}, {}),
        ({}, {'ALIBABA_CLOUD_ENDPOINT_DTS': 'http://127.0.0.1:1'}),
    ],
)
def test_connect_returns_the_warning_for_modules_and_the_inventory(params, environ):
    params = dict(params, region='cn-hangzou', access_key_id='ak', access_key_secret='sk')
    client = connect(params, environ=environ)
    assert client.region == 'cn-hangzou'
    assert len(client.warnings) == 1 and 'cn-hangzhou' in client.warnings[0]
