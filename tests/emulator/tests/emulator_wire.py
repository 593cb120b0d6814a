# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A deliberately small signer for hand-made requests, written from the published algorithm.

It imports nothing from the emulator or the collection, so that a request it signs and the
emulator accepts is evidence that both follow the documented algorithm.
"""

import base64
import hashlib
import hmac
import uuid
from datetime import datetime, timezone
from urllib.parse import quote, urlsplit

import requests

EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'


def pct(value):
    """RFC 3986: unreserved characters stay, everything else is %XX of its UTF-8 bytes."""
    return quote(str(value).encode('utf-8'), safe='-_.~')


def query_string(params):
    return '&'.join('%s=%s' % (pct(key), pct(params[key])) for key in sorted(params))


def utc_now(offset=None):
    moment = datetime.now(timezone.utc)
    if offset is not None:
        moment += offset
    return moment.strftime('%Y-%m-%dT%H:%M:%SZ')


def v3_signature(secret, method, path, params, headers, body=b''):
    """(signed header names, hex signature) of ACS3-HMAC-SHA256 over lower-case ``headers``."""
    names = sorted(headers)
    canonical_request = '\n'.join(
        [
            method,
            path,
            query_string(params),
            ''.join('%s:%s\n' % (name, str(headers[name]).strip()) for name in names),
            ';'.join(names),
            hashlib.sha256(body).hexdigest(),
        ]
    )
    to_sign = 'ACS3-HMAC-SHA256\n' + hashlib.sha256(canonical_request.encode('utf-8')).hexdigest()
    return ';'.join(names), hmac.new(secret.encode('utf-8'), to_sign.encode('utf-8'), hashlib.sha256).hexdigest()


def v1_signature(secret, method, params):
    to_sign = '%s&%s&%s' % (method, pct('/'), pct(query_string(params)))
    digest = hmac.new((secret + '&').encode('utf-8'), to_sign.encode('utf-8'), hashlib.sha1).digest()
    return base64.b64encode(digest).decode('ascii')


def call(
    endpoint,
    action,
    params=None,
    key='dts-emulator-ak',
    secret='dts-emulator-secret',
    token=None,
    signature='v3',
    method='POST',
    version='2020-01-01',
    date=None,
    nonce=None,
    verify=True,
    timeout=10,
    tamper=None,
):
    """Sign and send one RPC call; returns the ``requests.Response``.

    ``tamper`` replaces parameters after signing, as a man in the middle would.
    """
    params = dict(params or {})
    tamper = tamper or {}
    date = date or utc_now()
    nonce = nonce or uuid.uuid4().hex
    url = endpoint.rstrip('/') + '/'
    if signature == 'v3':
        headers = {
            'host': urlsplit(endpoint).netloc,
            'x-acs-action': action,
            'x-acs-version': version,
            'x-acs-date': date,
            'x-acs-signature-nonce': nonce,
            'x-acs-content-sha256': EMPTY_SHA256,
        }
        if token:
            headers['x-acs-security-token'] = token
        names, value = v3_signature(secret, method, '/', params, headers)
        headers['Authorization'] = 'ACS3-HMAC-SHA256 Credential=%s,SignedHeaders=%s,Signature=%s' % (key, names, value)
        return requests.request(
            method,
            url + '?' + query_string(dict(params, **tamper)),
            headers=headers,
            data=b'',
            verify=verify,
            timeout=timeout,
        )
    params.update(
        Action=action,
        Version=version,
        Format='JSON',
        AccessKeyId=key,
        SignatureMethod='HMAC-SHA1',
        SignatureVersion='1.0',
        SignatureNonce=nonce,
        Timestamp=date,
    )
    if token:
        params['SecurityToken'] = token
    params['Signature'] = v1_signature(secret, method, params)
    params.update(tamper)
    if method == 'GET':
        return requests.get(url + '?' + query_string(params), verify=verify, timeout=timeout)
    return requests.post(
        url,
        data=query_string(params),
        verify=verify,
        timeout=timeout,
        headers={'Content-Type': 'application/x-www-form-urlencoded'},
    )
