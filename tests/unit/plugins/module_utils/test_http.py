# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one HTTP layer: credential sources get the client's deadline, size cap and words for failures.

The DTS client's side is specified in test_hostile_answers.py; here the same hostile endpoint
answers a credentials URI, the metadata service and STS, through the session connect() builds.
"""

import socket

import pytest

from ansible_collections.alibabacloud.dts.plugins.module_utils import _http
from ansible_collections.alibabacloud.dts.plugins.module_utils._client import DtsClient
from ansible_collections.alibabacloud.dts.plugins.module_utils._credentials import resolve_credentials
from ansible_collections.alibabacloud.dts.plugins.module_utils._errors import DtsApiError
from ansible_collections.alibabacloud.dts.tests.unit.plugins.module_utils.hostile import Drip, Endless, HostileServer

ANSWER = (
    b'{"Code": "Success", "AccessKeyId": "STS.uri", "AccessKeySecret": "uri-secret", '
    b'"SecurityToken": "uri-token", "Expiration": "2099-01-01T00:00:00Z"}'
)


def from_uri(uri, timeout=5.0):
    environ = {'ALIBABA_CLOUD_CREDENTIALS_URI': uri, 'ALIBABA_CLOUD_ECS_METADATA_DISABLED': 'true'}
    return resolve_credentials(
        {}, DtsClient.new_session(2), environ=environ, home='/nonexistent', timeout=timeout, sleep=lambda seconds: None
    )


def failure(call):
    with pytest.raises(DtsApiError) as caught:
        call()
    return caught.value


def test_a_credentials_uri_answers_through_the_shared_layer():
    with HostileServer(lambda number, action, params: (200, ANSWER)) as server:
        creds = from_uri(server.endpoint + '/credentials')
    assert (creds.access_key_id, creds.security_token) == ('STS.uri', 'uri-token')


def test_a_credentials_uri_that_drips_its_answer_is_cut_off_at_the_deadline():
    with HostileServer(lambda number, action, params: Drip(ANSWER + b' ' * 2000, every=0.01)) as server:
        error = failure(lambda: from_uri(server.endpoint + '/credentials', timeout=0.3))
        dripped = server.dripped
    assert error.code == 'ReadTimeout' and 'within 0.3 s' in error.message
    # Cut off while the answer was still coming, at every attempt the credential retries make.
    assert dripped < 3 * (len(ANSWER) + 2000)


def test_an_endless_credentials_answer_is_read_no_further_than_the_cap(monkeypatch):
    monkeypatch.setattr(_http, 'MAX_RESPONSE_BYTES', 1024 * 1024)
    with HostileServer(lambda number, action, params: Endless()) as server:
        error = failure(lambda: from_uri(server.endpoint + '/credentials'))
    assert error.code == 'ResponseTooLarge' and 'more than 1048576 bytes' in error.message
    assert len(server.requests) == 1  # not retried
    assert sum(server.sent) < 64 * 1024 * 1024


def test_a_refused_sts_connection_is_named_as_the_client_names_it():
    with socket.socket() as unused:
        unused.bind(('127.0.0.1', 0))
        port = unused.getsockname()[1]
    environ = {'ALIBABA_CLOUD_STS_ENDPOINT': 'http://127.0.0.1:%d' % port}
    error = failure(
        lambda: resolve_credentials(
            {'access_key_id': 'ak', 'access_key_secret': 'sk', 'assume_role': {'role_arn': 'acs:ram::1:role/r'}},
            DtsClient.new_session(2),
            environ=environ,
            home='/nonexistent',
            sleep=lambda seconds: None,
        )
    )
    assert error.code == 'ConnectionRefused' and error.action == 'AssumeRole'
    assert error.message.startswith('connection to http://127.0.0.1:%d/ refused (' % port)


@pytest.mark.parametrize('timeout, seconds', [(2.5, 2.5), ((1, 5), 6.0)])
def test_the_deadline_of_an_attempt_covers_connecting_and_reading(timeout, seconds):
    assert _http._deadline_seconds(timeout) == seconds
