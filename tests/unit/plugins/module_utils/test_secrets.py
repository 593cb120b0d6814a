# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Secrets out of error text: the scrubber, credentials checked from every source, requests that cannot
be made not retried, endpoints without user information, warnings for credentials sent in clear."""

import json
import re
import sys
from urllib.parse import quote_plus

import pytest
import requests

from ansible_collections.alibabacloud.dts.plugins.module_utils._client import DtsClient
from ansible_collections.alibabacloud.dts.plugins.module_utils._connection import connect
from ansible_collections.alibabacloud.dts.plugins.module_utils._credentials import (
    Credentials,
    _Resolver,
    check_credentials,
)
from ansible_collections.alibabacloud.dts.plugins.module_utils._endpoints import (
    explicit_endpoint,
    is_loopback,
    parse_endpoint,
    transport_warnings,
    userinfo,
)
from ansible_collections.alibabacloud.dts.plugins.module_utils._errors import DtsApiError, DtsConfigError, scrub
from ansible_collections.alibabacloud.dts.plugins.module_utils._retries import is_transient
from ansible_collections.alibabacloud.dts.plugins.module_utils._signing import percent_encode
from ansible_collections.alibabacloud.dts.tests.unit.plugins.module_utils.test_credentials import (
    SECRET,
    TOKEN,
    LocalServer,
    ecs_handler,
    resolve,
    write_cli_config,
)

# Two halves of a value that must never be printed, either of them: a value refused for the
# newline between them must not be quoted in part either.
HEAD, TAIL = 'Hd7kQ2head', 'Tz9wL4tail'
PASSWORD = 'Pw5-never-printed'


def assert_hidden(text, *values):
    for value in values:
        assert value not in text, '%r found in %r' % (value, text)


# -- the scrubber ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    'spell',
    [
        str,
        repr,
        ascii,
        json.dumps,
        lambda value: json.dumps(value, ensure_ascii=False),
        percent_encode,
        lambda value: percent_encode(percent_encode(value)),
        quote_plus,
    ],
    ids=['raw', 'repr', 'ascii', 'json', 'json-utf8', 'percent', 'percent-twice', 'form'],
)
def test_scrub_removes_every_spelling_of_a_secret(spell):
    secret = '%s "/+=\n\xe9%s' % (HEAD, TAIL)
    text = 'request failed: header value: %s, the end' % spell(secret)
    scrubbed = scrub(text, [secret])
    assert_hidden(scrubbed, HEAD, TAIL)
    assert scrubbed.startswith('request failed: header value: ') and scrubbed.endswith(', the end')


@pytest.mark.parametrize(
    'text',
    [
        # requests' InvalidHeader for an Authorization value (V3), quoted by repr.
        'Invalid leading whitespace, reserved character(s), or return character(s) in header value: '
        "'ACS3-HMAC-SHA256 Credential=ak\\n,SignedHeaders=host;x-acs-date,Signature=%s%s'" % (HEAD, TAIL),
        "{'Authorization': 'ACS3-HMAC-SHA256 %s %s', 'x-acs-security-token': '%s'}" % (HEAD, HEAD, TAIL),
        'Authorization: ACS3-HMAC-SHA256 %s' % HEAD + 'x, x-acs-security-token: %s' % TAIL,
        'Max retries exceeded with url: /?AccessKeyId=ak&SecurityToken=%s&Signature=%s (Caused by X)' % (HEAD, TAIL),
        '{"AccessKeyId": "STS.x", "AccessKeySecret": "%s", "SecurityToken": "%s"}' % (HEAD, TAIL),
        'Cannot connect to proxy http://user:%s@proxy:3128 or https://%s@proxy' % (HEAD, TAIL),
    ],
)
def test_scrub_removes_credential_material_no_one_named(text):
    assert_hidden(scrub(text), HEAD, TAIL)


@pytest.mark.parametrize(
    'text',
    [
        'IncompleteSignature: The request signature does not conform to Aliyun standards.',
        'request to http://127.0.0.1:8480 failed: [Errno 111] Connection refused. Is the endpoint right? Check it.',
        'HTTP 502 with an answer that is not a JSON object (12 bytes); is the endpoint a DTS endpoint?',
    ],
)
def test_scrub_keeps_what_is_not_secret(text):
    assert scrub(text, ['', None]) == text


def test_an_api_error_is_redacted_with_the_scrubber():
    error = DtsApiError(
        'AssumeRole',
        'SignatureDoesNotMatch',
        'string to sign: %s, %s' % (percent_encode(percent_encode(HEAD)), json.dumps(TAIL)),
        request_id='R-1',
    ).redact([HEAD, TAIL])
    assert_hidden(str(error) + error.describe() + json.dumps(error.to_dict()), HEAD, TAIL)
    assert error.request_id == 'R-1' and 'SignatureDoesNotMatch' in str(error)


# -- credentials from every source -------------------------------------------------------------


def test_surrounding_whitespace_is_dropped_from_every_value():
    checked = check_credentials(Credentials(' ak\n', '\tsecret\r\n', 'token\n', 'module options'))
    assert (checked.access_key_id, checked.access_key_secret, checked.security_token) == ('ak', 'secret', 'token')
    assert check_credentials(Credentials('ak', 'secret', ' \n', 'module options')).security_token is None


INNER = HEAD + '\n' + TAIL


@pytest.mark.parametrize(
    'params, environ, option',
    [
        ({'access_key_id': 'ak\nx', 'access_key_secret': SECRET}, {}, 'access_key_id'),
        ({'access_key_id': 'ak', 'access_key_secret': INNER}, {}, 'access_key_secret'),
        (
            {'access_key_id': 'ak', 'access_key_secret': SECRET, 'security_token': HEAD + '\r' + TAIL},
            {},
            'security_token',
        ),
        ({'access_key_id': 'ak', 'access_key_secret': HEAD + ' ' + TAIL}, {}, 'access_key_secret'),
        ({'access_key_id': 'ak', 'access_key_secret': HEAD + '\x00' + TAIL}, {}, 'access_key_secret'),
        ({'access_key_id': 'ak', 'access_key_secret': HEAD + '\xe9' + TAIL}, {}, 'access_key_secret'),
        ({'access_key_id': 'ak', 'access_key_secret': '  \n'}, {}, 'access_key_secret'),
        (
            {},
            {'ALIBABA_CLOUD_ACCESS_KEY_ID': 'ak', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET': INNER},
            'ALIBABA_CLOUD_ACCESS_KEY_SECRET',
        ),
        (
            {},
            {
                'ALIBABA_CLOUD_ACCESS_KEY_ID': 'ak',
                'ALIBABA_CLOUD_ACCESS_KEY_SECRET': SECRET,
                'ALIBABA_CLOUD_SECURITY_TOKEN': INNER,
            },
            'ALIBABA_CLOUD_SECURITY_TOKEN',
        ),
        (
            {},
            {'ALICLOUD_ACCESS_KEY': 'ak', 'ALICLOUD_SECRET_KEY': SECRET, 'ALICLOUD_SECURITY_TOKEN': INNER},
            'ALICLOUD_SECURITY_TOKEN',
        ),
    ],
)
def test_a_bad_option_or_variable_is_named_never_quoted(params, environ, option):
    with pytest.raises(DtsConfigError) as caught:
        resolve(params, environ)
    assert caught.value.option == option and caught.value.message.startswith(option + ' ')
    assert_hidden(caught.value.message, HEAD, TAIL)


@pytest.mark.parametrize(
    'profile, field',
    [
        ({'mode': 'AK', 'access_key_id': 'ak', 'access_key_secret': INNER}, 'access_key_secret'),
        ({'mode': 'StsToken', 'access_key_id': 'ak', 'access_key_secret': SECRET, 'sts_token': INNER}, 'sts_token'),
        (
            {
                'mode': 'CloudSSO',
                'access_key_id': 'STS.c',
                'access_key_secret': SECRET,
                'sts_token': INNER,
                'sts_expiration': 4102444800,
            },
            'sts_token',
        ),
        (
            {
                'mode': 'RamRoleArn',
                'access_key_id': 'ak\tx',
                'access_key_secret': SECRET,
                'ram_role_arn': 'acs:ram::1:role/r',
            },
            'access_key_id',
        ),
    ],
)
def test_a_bad_cli_profile_value_names_the_profile_and_its_key(tmp_path, profile, field):
    write_cli_config(tmp_path, [dict(profile, name='prod')])
    with pytest.raises(DtsConfigError) as caught:
        resolve(home=tmp_path)
    assert caught.value.option == 'profile'
    assert caught.value.message.startswith('%s of CLI profile prod (%s) ' % (field, profile['mode']))
    assert_hidden(caught.value.message, HEAD, TAIL)


@pytest.mark.parametrize(
    'section, field',
    [
        ('type = access_key\naccess_key_id = ak\naccess_key_secret = %s\x01%s\n' % (HEAD, TAIL), 'access_key_secret'),
        (
            'type = sts\naccess_key_id = ak\naccess_key_secret = s\nsecurity_token = %s %s\n' % (HEAD, TAIL),
            'security_token',
        ),
    ],
)
def test_a_bad_ini_value_names_the_file_and_its_key(tmp_path, section, field):
    path = tmp_path / 'credentials.ini'
    path.write_text('[default]\n' + section)
    with pytest.raises(DtsConfigError) as caught:
        resolve({'credentials_file': str(path)})
    assert caught.value.option == 'credentials_file'
    assert caught.value.message.startswith('%s of INI profile default of %s' % (field, path))
    assert_hidden(caught.value.message, HEAD, TAIL)


def test_an_ini_value_keeps_working_with_surrounding_whitespace(tmp_path):
    path = tmp_path / 'credentials.ini'
    path.write_text('[default]\ntype = sts\naccess_key_id = ak \naccess_key_secret =\ts\nsecurity_token = t  \n')
    creds = resolve({'credentials_file': str(path)})
    assert (creds.access_key_id, creds.access_key_secret, creds.security_token) == ('ak', 's', 't')


def test_an_oidc_token_file_with_a_newline_inside_is_refused_unread(tmp_path):
    (tmp_path / 'token').write_text(INNER + '\n')
    with pytest.raises(DtsConfigError) as caught:
        resolve(
            environ={
                'ALIBABA_CLOUD_ROLE_ARN': 'acs:ram::1:role/r',
                'ALIBABA_CLOUD_OIDC_PROVIDER_ARN': 'p',
                'ALIBABA_CLOUD_OIDC_TOKEN_FILE': str(tmp_path / 'token'),
                'ALIBABA_CLOUD_STS_ENDPOINT': 'http://127.0.0.1:9',
            }
        )
    assert caught.value.option == 'ALIBABA_CLOUD_OIDC_TOKEN_FILE'
    assert_hidden(caught.value.message, HEAD, TAIL)


def answering(fields):
    """A server answering STS, the metadata service and a credentials URI with ``fields`` as the credentials."""
    answer = dict(
        {
            'AccessKeyId': 'STS.x',
            'AccessKeySecret': SECRET,
            'SecurityToken': TOKEN,
            'Expiration': '2099-01-01T00:00:00Z',
        },
        **fields,
    )

    def handler(method, path, query, headers):
        if path == '/latest/api/token':
            return 200, b'imds-token'
        if path == '/latest/meta-data/ram/security-credentials/':
            return 200, b'dts-role'
        if path.startswith('/latest/meta-data/ram/security-credentials/'):
            return 200, dict(answer, Code='Success')
        if path == '/creds':
            return 200, dict(answer, Code='Success')
        return 200, {'RequestId': 'STS-OK', 'Credentials': answer}

    return LocalServer(handler)


@pytest.mark.parametrize('source', ['AssumeRole', 'AssumeRoleWithOIDC', 'ECS metadata', 'credentials URI'])
@pytest.mark.parametrize(
    'fields, field',
    [
        ({'AccessKeySecret': INNER}, 'access key secret'),
        ({'SecurityToken': HEAD + '\x1b' + TAIL}, 'security token'),
        ({'AccessKeyId': ['STS.x']}, 'access key id'),
    ],
    ids=['secret-newline', 'token-escape', 'id-not-text'],
)
def test_a_bad_answer_is_an_invalid_response_naming_the_field_never_quoting_it(tmp_path, source, fields, field):
    (tmp_path / 'token').write_text('oidc-token')
    with answering(fields) as server:
        environ = {'ALIBABA_CLOUD_STS_ENDPOINT': server.url, 'ALIBABA_CLOUD_ECS_METADATA_ENDPOINT': server.url}
        params = {}
        if source == 'AssumeRole':
            params = {'access_key_id': 'ak', 'access_key_secret': 'base', 'assume_role': {'role_arn': 'acs:ram::1:r'}}
        elif source == 'AssumeRoleWithOIDC':
            environ.update(
                ALIBABA_CLOUD_ROLE_ARN='acs:ram::1:r',
                ALIBABA_CLOUD_OIDC_PROVIDER_ARN='p',
                ALIBABA_CLOUD_OIDC_TOKEN_FILE=str(tmp_path / 'token'),
            )
        elif source == 'ECS metadata':
            environ.update(ALIBABA_CLOUD_ECS_METADATA_DISABLED='', ALIBABA_CLOUD_ECS_METADATA='dts-role')
        else:
            environ.update(ALIBABA_CLOUD_CREDENTIALS_URI=server.url + '/creds')
        with pytest.raises(DtsApiError) as caught:
            resolve(params, environ)
    assert caught.value.code == 'InvalidResponse' and ('the %s it gave ' % field) in caught.value.message
    assert_hidden(str(caught.value), HEAD, TAIL)
    assert len(server.requests) <= 3  # read once: a bad answer is not asked for again


def test_a_bad_answer_from_an_external_command_names_the_command(tmp_path):
    script = tmp_path / 'creds.py'
    script.write_text(
        'import json; print(json.dumps({"access_key_id": "ak", "access_key_secret": "%s\\n%s"}))' % (HEAD, TAIL)
    )
    write_cli_config(
        tmp_path, [{'name': 'ext', 'mode': 'External', 'process_command': '%s %s' % (sys.executable, script)}]
    )
    with pytest.raises(DtsApiError) as caught:
        resolve(home=tmp_path)
    assert caught.value.code == 'InvalidResponse' and 'CLI profile ext (External)' in str(caught.value)
    assert_hidden(str(caught.value), HEAD, TAIL)


# -- requests that cannot be made ---------------------------------------------------------------


def test_local_failures_are_never_transient():
    assert not is_transient(DtsApiError('DescribeDtsJobs', 'RequestNotSent', 'x'))
    assert not is_transient(requests.exceptions.InvalidHeader('x'))
    assert not is_transient(ValueError('x'))


def test_a_request_requests_refuses_is_not_retried_and_quotes_nothing_secret():
    # Credentials built without check_credentials, as a caller that skipped it would: the client
    # must still neither retry nor print them.
    credentials = Credentials('ak\n' + HEAD, SECRET, TOKEN + '\n' + TAIL, 'test')
    with LocalServer(lambda *args: (200, {'RequestId': 'R'})) as server:
        client = DtsClient(
            credentials, 'cn-hangzhou', server.url, session=requests.Session(), sleep=lambda seconds: None, retries=6
        )
        with pytest.raises(DtsApiError) as caught:
            client.call('DescribeDtsJobs', {'PageNumber': 1})
    assert caught.value.code == 'RequestNotSent' and caught.value.attempts == 1
    assert server.requests == []
    text = str(caught.value) + json.dumps(caught.value.to_dict())
    assert_hidden(text, HEAD, TAIL, SECRET)
    assert 'InvalidHeader' in text and not re.search('Signature=[0-9a-f]', text)


def test_a_proxy_password_is_not_in_the_error_of_a_refused_proxy(monkeypatch):
    for name in ('NO_PROXY', 'no_proxy', 'HTTPS_PROXY', 'https_proxy', 'ALL_PROXY', 'all_proxy'):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv('HTTP_PROXY', 'http://user:%s@127.0.0.1:1' % PASSWORD)
    client = DtsClient(
        Credentials('ak', SECRET, TOKEN, 'test'),
        'cn-hangzhou',
        'http://dts.internal.example',
        session=requests.Session(),
        sleep=lambda seconds: None,
        retries=0,
    )
    with pytest.raises(DtsApiError) as caught:
        client.call('DescribeDtsJobs', {'PageNumber': 1})
    assert 'through the proxy http://****@127.0.0.1:1' in str(caught.value)
    assert_hidden(str(caught.value), PASSWORD, SECRET, TOKEN)


def test_a_metadata_token_requests_refuses_is_not_retried():
    def handler(method, path, query, headers):
        if method == 'PUT':
            return 200, ('imds-%s\n%s' % (HEAD, TAIL)).encode('utf-8')
        return ecs_handler()(method, path, query, headers)

    with LocalServer(handler) as server:
        with pytest.raises(DtsApiError) as caught:
            resolve(
                {'ecs_role_name': 'dts-role'},
                {'ALIBABA_CLOUD_ECS_METADATA_ENDPOINT': server.url, 'ALIBABA_CLOUD_ECS_METADATA_DISABLED': ''},
            )
    assert caught.value.code == 'RequestNotSent' and caught.value.attempts == 1
    assert [request[0] for request in server.requests] == ['PUT']  # the GET was never sent
    assert_hidden(str(caught.value), HEAD, TAIL)


# -- endpoints ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    'endpoint',
    [
        'http://user:%s@127.0.0.1:8480' % PASSWORD,
        'https://user:%s@dts.aliyuncs.com/' % PASSWORD,
        'user:%s@dts.aliyuncs.com' % PASSWORD,
        'ftp://user:%s@host' % PASSWORD,
        'http://%s@[::1' % PASSWORD,
    ],
)
def test_an_endpoint_with_user_information_is_refused_without_quoting_it(endpoint):
    for option in ('endpoint', 'ALIBABA_CLOUD_STS_ENDPOINT'):
        with pytest.raises(DtsConfigError) as caught:
            parse_endpoint(endpoint, option=option)
        assert caught.value.option == option and caught.value.message.startswith(option + ' must not carry user')
        assert_hidden(caught.value.message, PASSWORD)
    assert PASSWORD in userinfo(endpoint)


def test_every_endpoint_setting_refuses_user_information():
    bad = 'http://u:%s@127.0.0.1:9' % PASSWORD
    with pytest.raises(DtsConfigError) as caught:
        explicit_endpoint(None, {'ALIBABA_CLOUD_ENDPOINT_DTS': bad})
    assert caught.value.option == 'ALIBABA_CLOUD_ENDPOINT_DTS'
    base = {'access_key_id': 'ak', 'access_key_secret': SECRET}
    cases = [
        (dict(base, assume_role={'role_arn': 'acs:ram::1:r', 'endpoint': bad}), {}, 'assume_role.endpoint'),
        (
            dict(base, assume_role={'role_arn': 'acs:ram::1:r'}),
            {'ALIBABA_CLOUD_STS_ENDPOINT': bad},
            'ALIBABA_CLOUD_STS_ENDPOINT',
        ),
        ({}, {'ALIBABA_CLOUD_CREDENTIALS_URI': bad + '/creds'}, 'ALIBABA_CLOUD_CREDENTIALS_URI'),
    ]
    for params, environ, option in cases:
        with pytest.raises(DtsConfigError) as caught:
            resolve(params, environ)
        assert caught.value.option == option
        assert_hidden(caught.value.message, PASSWORD)


def test_an_endpoint_with_whitespace_or_control_characters_inside_is_refused():
    for endpoint in ('http://127.0.0.1 :8480', 'dts.aliyuncs.com\x00evil', 'https://dts\n.aliyuncs.com'):
        with pytest.raises(DtsConfigError):
            parse_endpoint(endpoint)
    assert parse_endpoint(' http://127.0.0.1:8480\n') == 'http://127.0.0.1:8480'


# -- warnings for credentials sent in clear -------------------------------------------------------


@pytest.mark.parametrize(
    'host, loopback',
    [
        ('127.0.0.1', True),
        ('127.1.2.3', True),
        ('::1', True),
        ('localhost', True),
        ('LOCALHOST.', True),
        ('api.localhost', True),
        ('10.0.0.5', False),
        ('dts.aliyuncs.com', False),
        ('localhost.example.com', False),
        (None, False),
    ],
)
def test_loopback_hosts(host, loopback):
    assert is_loopback(host) is loopback


def test_plain_http_and_unverified_tls_are_warned_about_off_this_machine_only():
    assert transport_warnings('http://10.0.0.5:8480', True, 'the DTS endpoint') == [
        'the DTS endpoint http://10.0.0.5:8480 is plain http://: the access key id, the security token and the '
        'signature of every request travel unencrypted, and can be read or replayed on the way. Use https://.'
    ]
    (unverified,) = transport_warnings('https://dts.aliyuncs.com', False, 'the DTS endpoint')
    assert unverified.startswith(
        'validate_certs is false: the TLS certificate of the DTS endpoint https://dts.aliyuncs.com is not checked'
    )
    assert transport_warnings('https://dts.aliyuncs.com', '/etc/ca.pem', 'the DTS endpoint') == []
    for endpoint in ('http://127.0.0.1:8480', 'https://127.0.0.1:8480', 'http://[::1]:8480', 'http://localhost'):
        assert transport_warnings(endpoint, False, 'the DTS endpoint') == []


def test_connect_gives_the_client_the_transport_warnings():
    params = {'access_key_id': 'ak', 'access_key_secret': SECRET, 'region': 'cn-hangzhou'}
    assert connect(dict(params, endpoint='http://127.0.0.1:8480'), environ={}).warnings == []
    client = connect(dict(params, endpoint='http://dts.internal.example:8480'), environ={})
    assert [warning.split(' is ')[0] for warning in client.warnings] == [
        'the DTS endpoint http://dts.internal.example:8480'
    ]
    client = connect(dict(params, validate_certs=False), environ={})
    assert len(client.warnings) == 1 and client.warnings[0].startswith('validate_certs is false')


def test_an_sts_endpoint_in_clear_is_warned_about():
    warnings = []
    resolver = _Resolver(
        {},
        None,
        {'ALIBABA_CLOUD_STS_ENDPOINT': 'http://sts.internal.example'},
        '/nonexistent',
        10,
        True,
        None,
        None,
        warnings,
    )
    assert resolver.sts_endpoint() == 'http://sts.internal.example'
    assert warnings and warnings[0].startswith('the STS endpoint http://sts.internal.example is plain http://')
    warnings = []
    resolver = _Resolver(
        {},
        None,
        {'ALIBABA_CLOUD_STS_ENDPOINT': 'http://127.0.0.1:8480'},
        '/nonexistent',
        10,
        False,
        None,
        None,
        warnings,
    )
    assert resolver.sts_endpoint() == 'http://127.0.0.1:8480' and warnings == []
