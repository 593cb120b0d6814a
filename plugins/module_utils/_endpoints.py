# -*- coding: utf-8 -*-
# Copyright: Contributors to the alibabacloud.dts collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where DTS answers for a region, and how a user-supplied endpoint is read."""

import difflib
import ipaddress
import re
from typing import Any, List, Mapping, Optional, Tuple, Union
from urllib.parse import urlsplit

from ansible_collections.alibabacloud.dts.plugins.module_utils._errors import DtsConfigError

CENTRAL_HOST = 'dts.aliyuncs.com'

# The regions DTS documents ("Supported regions" and the API's endpoint list), with the host that
# answers for each: the list of record.  A region outside it fails before any request, unless
# allow_unknown_region or an explicit endpoint lets it through (a region newer than this list).
# Regions without a host of their own in the endpoint list go to the central host, which the
# official SDKs use for every region anyway.
REGION_HOSTS = dict(
    [
        (region, 'dts.%s.aliyuncs.com' % region)
        for region in (
            'cn-hangzhou',
            'cn-shanghai',
            'cn-qingdao',
            'cn-beijing',
            'cn-zhangjiakou',
            'cn-huhehaote',
            'cn-shenzhen',
            'cn-hongkong',
            'ap-northeast-1',
            'ap-southeast-1',
            'ap-southeast-2',
            'ap-southeast-3',
            'ap-southeast-5',
            'ap-south-1',
            'us-east-1',
            'us-west-1',
            'eu-west-1',
            'eu-central-1',
            'me-east-1',
            'cn-shanghai-finance-1',
            'cn-shenzhen-finance-1',
        )
    ]
    + [
        (region, CENTRAL_HOST)
        for region in (
            'cn-wulanchabu',
            'cn-heyuan',
            'cn-guangzhou',
            'cn-chengdu',
            'ap-southeast-6',
            'ap-southeast-7',
            'ap-northeast-2',
            'me-central-1',
            'cn-beijing-finance-1',
            'cn-north-2-gov-1',
        )
    ]
    # Hangzhou finance is served by the Hangzhou host.
    + [('cn-hangzhou-finance', 'dts.cn-hangzhou.aliyuncs.com')]
)
KNOWN_REGIONS = frozenset(REGION_HOSTS)
# Kept for callers of the earlier name.
REGIONAL_HOST_REGIONS = frozenset(region for region, host in REGION_HOSTS.items() if host != CENTRAL_HOST)

_REGION_RE = re.compile(r'^[a-z]{2}(-[a-z0-9]+)+$')


def _check_shape(region):
    if not region:
        raise DtsConfigError(
            'No region set. Set the region option (aliases region_id, alicloud_region) or the '
            'ALIBABA_CLOUD_REGION_ID environment variable, for example cn-hangzhou.',
            option='region',
        )
    if not isinstance(region, str) or not _REGION_RE.match(region):
        raise DtsConfigError(
            'region %r is not a region id; expected lower-case words joined by hyphens, '
            'for example cn-hangzhou or ap-southeast-1.' % (region,),
            option='region',
        )


def closest_regions(region: str, count: int = 3) -> List[str]:
    """The known regions that look most like ``region`` (a typo), best first."""
    return difflib.get_close_matches(region, sorted(KNOWN_REGIONS), n=count, cutoff=0.6)


def check_region(region: Any, allow_unknown: bool = False, endpoint: Optional[str] = None) -> Tuple[str, Optional[str]]:
    """``(region, warning)``: a region DTS documents gives no warning.

    A region the list does not know fails, naming the closest known ones, unless
    ``allow_unknown`` or an explicit ``endpoint`` lets it through: then the warning (text for
    ``warn()``) says so.
    """
    _check_shape(region)
    if region in KNOWN_REGIONS:
        return region, None
    close = closest_regions(region)
    hint = (
        ('did you mean %s?' % ' or '.join(close))
        if close
        else ('the regions DTS documents are %s.' % ', '.join(sorted(KNOWN_REGIONS)))
    )
    if not (allow_unknown or endpoint):
        raise DtsConfigError(
            'region %r is not a region DTS documents; %s For a region newer than this collection, set '
            'allow_unknown_region: true (or give its endpoint).' % (region, hint),
            option='region',
        )
    where = 'the endpoint given' if endpoint else 'the central endpoint https://%s' % CENTRAL_HOST
    return region, (
        'region %r is not a region DTS documents (%s); sending its requests to %s as asked. '
        'An answer with no jobs may only mean the region id is wrong.'
        % (region, ('did you mean %s?' % ' or '.join(close)) if close else 'no close match', where)
    )


def validate_region(region: Any, allow_unknown: bool = False, endpoint: Optional[str] = None) -> str:
    """The region, checked as ``check_region`` does; its warning, if any, is dropped."""
    return check_region(region, allow_unknown=allow_unknown, endpoint=endpoint)[0]


def default_endpoint(region: str) -> str:
    return 'https://%s' % REGION_HOSTS.get(region, CENTRAL_HOST)


def _authority(url: str) -> str:
    """What comes between ``scheme://`` (if any) and the path: ``[user[:password]@]host[:port]``."""
    text = url.strip()
    return re.split(r'[/?#]', text.split('://', 1)[1] if '://' in text else text, maxsplit=1)[0]


def has_userinfo(url: Any) -> bool:
    """Whether ``url`` (or a bare ``host[:port]``) carries ``user[:password]@`` before its host."""
    return isinstance(url, str) and '@' in _authority(url)


def userinfo(url: Any) -> List[str]:
    """The ``user:password`` of ``url`` and its password, if it has them.

    Modules hide them (no_log) from the invocation a refused endpoint is returned with.
    """
    if not has_userinfo(url):
        return []
    info = _authority(url).rsplit('@', 1)[0]
    return [part for part in (info, info.partition(':')[2]) if part]


def parse_endpoint(endpoint: str, option: str = 'endpoint') -> str:
    """Normalise a user endpoint to ``scheme://host[:port]``; a bare host means https.

    ``user:password@`` is refused without being quoted: requests would send it as Basic auth, in
    place of the signature, and print it in its errors.
    """
    if has_userinfo(endpoint):
        raise DtsConfigError(
            '%s must not carry user information (user:password@ before the host): DTS requests are signed with '
            'the access key, and the password would be sent instead. Give scheme://host[:port] only.' % option,
            option=option,
        )
    text = endpoint.strip()
    if '://' not in text:
        text = 'https://' + text
    try:
        parts = urlsplit(text)
    except ValueError:  # an unbalanced [ in an IPv6 host
        parts = urlsplit('')
    if re.search(r'[\s\x00-\x1f\x7f]', text) or parts.scheme not in ('http', 'https') or not parts.hostname:
        raise DtsConfigError(
            '%s %r is not an endpoint; give a host such as dts.cn-hangzhou.aliyuncs.com or a URL '
            'such as https://dts.cn-hangzhou.aliyuncs.com or http://127.0.0.1:8480.' % (option, endpoint),
            option=option,
        )
    if parts.path not in ('', '/') or parts.query or parts.fragment:
        raise DtsConfigError(
            '%s %r must not carry a path or query; RPC requests always go to "/".' % (option, endpoint), option=option
        )
    try:
        parts.port  # noqa: B018 - urlsplit checks the port only when it is read
    except ValueError as error:
        raise DtsConfigError('%s %r has an invalid port.' % (option, endpoint), option=option) from error
    return '%s://%s' % (parts.scheme, parts.netloc)


def is_loopback(host: Optional[str]) -> bool:
    """``localhost`` or a loopback address (127.0.0.0/8, ::1): traffic that never leaves this machine."""
    if not host:
        return False
    host = host.lower().rstrip('.')
    if host == 'localhost' or host.endswith('.localhost'):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def transport_warnings(endpoint: str, verify: Union[bool, str], what: str) -> List[str]:
    """Warnings (text for ``warn()``) when signed requests to ``endpoint`` leave this machine unprotected.

    Plain ``http://``, or ``https://`` with the certificate unchecked (``verify`` False, from
    ``validate_certs: false``), to a host that is not loopback: the emulator and a local proxy on
    127.0.0.1 are not warned about.  ``what`` names the endpoint (``the DTS endpoint``).
    """
    parts = urlsplit(endpoint)
    if is_loopback(parts.hostname):
        return []
    if parts.scheme == 'http':
        return [
            '%s %s is plain http://: the access key id, the security token and the signature of every request '
            'travel unencrypted, and can be read or replayed on the way. Use https://.' % (what, endpoint)
        ]
    if verify is False:
        return [
            'validate_certs is false: the TLS certificate of %s %s is not checked, so whoever can intercept the '
            'connection can read the signed requests and forge the answers. Set ca_path to the CA bundle '
            'that signed it instead.' % (what, endpoint)
        ]
    return []


def explicit_endpoint(endpoint: Optional[str] = None, environ: Optional[Mapping[str, str]] = None) -> Optional[str]:
    """The endpoint the user gave (the option, then ALIBABA_CLOUD_ENDPOINT_DTS), normalised, or None."""
    if endpoint:
        return parse_endpoint(endpoint)
    from_env = (environ or {}).get('ALIBABA_CLOUD_ENDPOINT_DTS')
    if from_env:
        return parse_endpoint(from_env, option='ALIBABA_CLOUD_ENDPOINT_DTS')
    return None


def resolve_endpoint(region: str, endpoint: Optional[str] = None, environ: Optional[Mapping[str, str]] = None) -> str:
    """The DTS endpoint URL: the endpoint option, then ALIBABA_CLOUD_ENDPOINT_DTS, then the map."""
    return explicit_endpoint(endpoint, environ) or default_endpoint(region)
