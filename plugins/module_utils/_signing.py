# -*- coding: utf-8 -*-
# Copyright: Contributors to the alibabacloud.dts collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Request signing for Alibaba Cloud RPC APIs, done here rather than by an SDK.

Two schemes, both accepted by the gateway:

* V3, ``ACS3-HMAC-SHA256``: an ``Authorization`` header over a canonical request
  (method, path, query, signed headers, body hash).  The default.
* V1, ``HMAC-SHA1``: a ``Signature`` query parameter over the sorted query.

Pure functions of their inputs: the caller supplies the clock and the nonce, so
the published test vectors can be reproduced exactly.
"""

import base64
import hashlib
import hmac
import uuid
from datetime import datetime, timezone
from typing import Any, Dict, Mapping, Optional
from urllib.parse import quote

V3_ALGORITHM = 'ACS3-HMAC-SHA256'
V1_METHOD = 'HMAC-SHA1'
EMPTY_BODY_SHA256 = hashlib.sha256(b'').hexdigest()
TIMESTAMP_FORMAT = '%Y-%m-%dT%H:%M:%SZ'


def percent_encode(value: Any) -> str:
    """RFC 3986 encoding: unreserved characters stay, everything else is %XX of its UTF-8 bytes.

    Space becomes %20 (never +), ``*`` becomes %2A and ``~`` stays, which is what
    both signature versions require and what ``urllib.parse.quote`` does with no safe set.
    """
    if not isinstance(value, str):
        value = str(value)
    return quote(value.encode('utf-8'), safe='~')


def canonical_query(params: Mapping[str, Any]) -> str:
    """``k=v`` pairs, keys sorted, both sides percent-encoded, joined by ``&``."""
    return '&'.join('%s=%s' % (percent_encode(key), percent_encode(params[key])) for key in sorted(params))


def new_nonce() -> str:
    return uuid.uuid4().hex


def utc_timestamp(now: Optional[datetime] = None) -> str:
    return (now or datetime.now(timezone.utc)).strftime(TIMESTAMP_FORMAT)


def _sha256_hex(data):
    return hashlib.sha256(data).hexdigest()


def v3_authorization(
    method: str,
    path: str,
    query: Mapping[str, Any],
    headers: Mapping[str, Any],
    hashed_payload: str,
    access_key_id: str,
    access_key_secret: str,
) -> str:
    """The ``Authorization`` header value for a V3 request.

    Every header in ``headers`` is signed: the caller passes exactly the headers it
    wants covered (host and the x-acs-* family).
    """
    canonical = {}
    for name, value in headers.items():
        canonical[name.lower()] = str(value).strip()
    signed_names = sorted(canonical)
    canonical_headers = ''.join('%s:%s\n' % (name, canonical[name]) for name in signed_names)
    signed_headers = ';'.join(signed_names)
    canonical_request = '\n'.join(
        [
            method.upper(),
            path or '/',
            canonical_query(query),
            canonical_headers,
            signed_headers,
            hashed_payload,
        ]
    )
    string_to_sign = '%s\n%s' % (V3_ALGORITHM, _sha256_hex(canonical_request.encode('utf-8')))
    signature = hmac.new(access_key_secret.encode('utf-8'), string_to_sign.encode('utf-8'), hashlib.sha256).hexdigest()
    return '%s Credential=%s,SignedHeaders=%s,Signature=%s' % (V3_ALGORITHM, access_key_id, signed_headers, signature)


def sign_v3(
    method: str,
    host: str,
    action: str,
    version: str,
    query: Mapping[str, Any],
    credentials: Any,
    body: bytes = b'',
    now: Optional[datetime] = None,
    nonce: Optional[str] = None,
) -> Dict[str, str]:
    """Headers for a V3-signed RPC request whose parameters travel in ``query``."""
    headers = {
        'host': host,
        'x-acs-action': action,
        'x-acs-version': version,
        'x-acs-date': utc_timestamp(now),
        'x-acs-signature-nonce': nonce or new_nonce(),
        'x-acs-content-sha256': _sha256_hex(body) if body else EMPTY_BODY_SHA256,
    }
    if credentials.security_token:
        headers['x-acs-security-token'] = credentials.security_token
    headers['Authorization'] = v3_authorization(
        method,
        '/',
        query,
        headers,
        headers['x-acs-content-sha256'],
        credentials.access_key_id,
        credentials.access_key_secret,
    )
    return headers


def v1_signature(method: str, params: Mapping[str, Any], access_key_secret: str) -> str:
    """base64(HMAC-SHA1(secret + '&', METHOD&%2F&percentEncode(canonical query)))."""
    string_to_sign = '%s&%s&%s' % (method.upper(), percent_encode('/'), percent_encode(canonical_query(params)))
    digest = hmac.new((access_key_secret + '&').encode('utf-8'), string_to_sign.encode('utf-8'), hashlib.sha1).digest()
    return base64.b64encode(digest).decode('ascii')


def sign_v1(
    method: str,
    action: str,
    version: str,
    query: Mapping[str, Any],
    credentials: Any,
    now: Optional[datetime] = None,
    nonce: Optional[str] = None,
) -> Dict[str, Any]:
    """The full query string parameters (common ones and ``Signature``) of a V1 request."""
    params = dict(query)
    # The signature is computed over everything else; a stale one must not be signed.
    params.pop('Signature', None)
    params.update(
        {
            'Action': action,
            'Version': version,
            'Format': 'JSON',  # the client parses only JSON answers
            'AccessKeyId': credentials.access_key_id,
            'SignatureMethod': V1_METHOD,
            'SignatureVersion': '1.0',
            'SignatureNonce': nonce or new_nonce(),
            'Timestamp': utc_timestamp(now),
        }
    )
    if credentials.security_token:
        params['SecurityToken'] = credentials.security_token
    params['Signature'] = v1_signature(method, params, credentials.access_key_secret)
    return params
