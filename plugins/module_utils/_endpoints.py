# -*- coding: utf-8 -*-
# Copyright: Contributors to the alibabacloud.dts collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where DTS answers for a region, and how a user-supplied endpoint is read."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

try:
    from urllib.parse import urlsplit
except ImportError:  # pragma: no cover
    from urlparse import urlsplit

from ansible_collections.alibabacloud.dts.plugins.module_utils._errors import DtsConfigError


CENTRAL_HOST = 'dts.aliyuncs.com'

# Regions the DTS documentation lists with their own dts.<region>.aliyuncs.com host.
# Every other region (cn-wulanchabu, cn-chengdu, Beijing finance, regions added later)
# goes to the central host, which the official SDKs use for every region anyway.
REGIONAL_HOST_REGIONS = frozenset([
    'cn-hangzhou', 'cn-shanghai', 'cn-qingdao', 'cn-beijing', 'cn-zhangjiakou',
    'cn-huhehaote', 'cn-shenzhen', 'cn-hongkong', 'ap-northeast-1', 'ap-southeast-1',
    'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-5', 'ap-south-1', 'us-east-1',
    'us-west-1', 'eu-west-1', 'eu-central-1', 'me-east-1', 'cn-shanghai-finance-1',
    'cn-shenzhen-finance-1',
])

_REGION_RE = re.compile(r'^[a-z]{2}(-[a-z0-9]+)+$')


def validate_region(region):
    if not region:
        raise DtsConfigError(
            'No region set. Set the region option (aliases region_id, alicloud_region) or the '
            'ALIBABA_CLOUD_REGION_ID environment variable, for example cn-hangzhou.', option='region')
    if not _REGION_RE.match(region):
        raise DtsConfigError(
            'region %r is not a region id; expected lower-case words joined by hyphens, '
            'for example cn-hangzhou or ap-southeast-1.' % (region,), option='region')
    return region


def default_endpoint(region):
    if region in REGIONAL_HOST_REGIONS:
        return 'https://dts.%s.aliyuncs.com' % region
    return 'https://%s' % CENTRAL_HOST


def parse_endpoint(endpoint, option='endpoint'):
    """Normalise a user endpoint to ``scheme://host[:port]``; a bare host means https."""
    text = endpoint.strip()
    if '://' not in text:
        text = 'https://' + text
    parts = urlsplit(text)
    if parts.scheme not in ('http', 'https') or not parts.hostname:
        raise DtsConfigError(
            '%s %r is not an endpoint; give a host such as dts.cn-hangzhou.aliyuncs.com or a URL '
            'such as https://dts.cn-hangzhou.aliyuncs.com or http://127.0.0.1:8480.' % (option, endpoint),
            option=option)
    if parts.path not in ('', '/') or parts.query or parts.fragment:
        raise DtsConfigError(
            '%s %r must not carry a path or query; RPC requests always go to "/".' % (option, endpoint),
            option=option)
    try:
        parts.port
    except ValueError:
        raise DtsConfigError('%s %r has an invalid port.' % (option, endpoint), option=option)
    return '%s://%s' % (parts.scheme, parts.netloc)


def resolve_endpoint(region, endpoint=None, environ=None):
    """The DTS endpoint URL: the endpoint option, then ALIBABA_CLOUD_ENDPOINT_DTS, then the map."""
    if endpoint:
        return parse_endpoint(endpoint)
    from_env = (environ or {}).get('ALIBABA_CLOUD_ENDPOINT_DTS')
    if from_env:
        return parse_endpoint(from_env, option='ALIBABA_CLOUD_ENDPOINT_DTS')
    return default_endpoint(region)
