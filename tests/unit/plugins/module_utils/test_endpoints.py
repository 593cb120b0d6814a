# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.alibabacloud.dts.plugins.module_utils._endpoints import (
    parse_endpoint,
    resolve_endpoint,
    validate_region,
)
from ansible_collections.alibabacloud.dts.plugins.module_utils._errors import DtsConfigError


@pytest.mark.parametrize('region, url', [
    ('cn-hangzhou', 'https://dts.cn-hangzhou.aliyuncs.com'),
    ('ap-southeast-1', 'https://dts.ap-southeast-1.aliyuncs.com'),
    ('cn-wulanchabu', 'https://dts.aliyuncs.com'),
    ('cn-chengdu', 'https://dts.aliyuncs.com'),
    ('cn-beijing-finance-1', 'https://dts.aliyuncs.com'),
])
def test_documented_endpoint_map(region, url):
    assert resolve_endpoint(region, environ={}) == url


def test_endpoint_option_beats_the_environment_which_beats_the_map():
    env = {'ALIBABA_CLOUD_ENDPOINT_DTS': 'http://127.0.0.1:9000'}
    assert resolve_endpoint('cn-hangzhou', 'dts-vpc.cn-hangzhou.aliyuncs.com', env) == \
        'https://dts-vpc.cn-hangzhou.aliyuncs.com'
    assert resolve_endpoint('cn-hangzhou', None, env) == 'http://127.0.0.1:9000'


@pytest.mark.parametrize('given, url', [
    ('dts.aliyuncs.com', 'https://dts.aliyuncs.com'), ('http://127.0.0.1:8480/', 'http://127.0.0.1:8480'),
    ('https://[::1]:8443', 'https://[::1]:8443'),
])
def test_parse_endpoint(given, url):
    assert parse_endpoint(given) == url


@pytest.mark.parametrize('bad', ['ftp://host', 'http://', 'https://host/path', 'http://host:notaport', 'https://h/?a=1'])
def test_bad_endpoints_name_the_option(bad):
    with pytest.raises(DtsConfigError) as caught:
        parse_endpoint(bad)
    assert caught.value.option == 'endpoint' and 'endpoint' in caught.value.message


@pytest.mark.parametrize('bad', ['', None, 'CN-HANGZHOU', 'hangzhou', 'cn_hangzhou', 'cn-hangzhou/../x'])
def test_bad_regions_name_the_option(bad):
    with pytest.raises(DtsConfigError) as caught:
        validate_region(bad)
    assert caught.value.option == 'region'
