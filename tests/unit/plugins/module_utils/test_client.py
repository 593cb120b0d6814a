# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The client's contract: what it sends, what it retries, how it pages."""

import json
import socket
import threading
import time

import pytest
import requests

from ansible_collections.alibabacloud.dts.plugins.module_utils._api_legacy import (
    chunk_job_ids,
    describe_statuses,
    job_filters,
    list_jobs,
)
from ansible_collections.alibabacloud.dts.plugins.module_utils._client import DtsClient
from ansible_collections.alibabacloud.dts.plugins.module_utils._concurrency import ConcurrencyWindow, run_concurrently
from ansible_collections.alibabacloud.dts.plugins.module_utils._connection import connect
from ansible_collections.alibabacloud.dts.plugins.module_utils._errors import DtsApiError, DtsConfigError
from ansible_collections.alibabacloud.dts.plugins.module_utils._pacing import MARGIN, RATE_LIMITS, LimiterRegistry
from ansible_collections.alibabacloud.dts.tests.unit.clock import FakeClock
from ansible_collections.alibabacloud.dts.tests.unit.plugins.module_utils.fakes import (
    CREDS,
    FakeResponse,
    FakeSession,
    error,
    job,
    paged,
)


def make_client(handler, signature_version='v3', retries=5, max_concurrency=4, clock=None, pace=None):
    clock = clock or FakeClock()
    session = FakeSession(handler)
    client = DtsClient(
        CREDS,
        'cn-hangzhou',
        'https://dts.cn-hangzhou.aliyuncs.com',
        signature_version=signature_version,
        retries=retries,
        max_concurrency=max_concurrency,
        session=session,
        sleep=clock.sleep,
        clock=clock,
        max_requests_per_second=pace,
    )
    return client, session, clock


def ok(body=None):
    return FakeResponse(200, body or {'RequestId': 'OK', 'SynchronizationJobListStatusList': []})


# -- sending -------------------------------------------------------------------------


def test_v3_request_carries_region_action_and_authorization_header():
    client, session, _ignored = make_client(lambda *a: ok())
    client.call('DescribeSynchronizationJobStatusList', {'SynchronizationJobIdListJsonStr': '[]'})
    action, params, headers = session.sent[0]
    assert action == 'DescribeSynchronizationJobStatusList'
    assert params['RegionId'] == 'cn-hangzhou'
    assert headers['x-acs-version'] == '2020-01-01'
    assert headers['Authorization'].startswith('ACS3-HMAC-SHA256 Credential=test-ak,')
    assert headers['host'] == 'dts.cn-hangzhou.aliyuncs.com'
    assert 'Signature' not in params


def test_v1_request_carries_signature_in_the_query():
    client, session, _ignored = make_client(lambda *a: ok(), signature_version='v1')
    client.call('DescribeSynchronizationJobStatusList', {'SynchronizationJobIdListJsonStr': '[]'})
    _ignored, params, headers = session.sent[0]
    assert params['Action'] == 'DescribeSynchronizationJobStatusList'
    assert params['SignatureMethod'] == 'HMAC-SHA1' and params['Signature']
    assert 'Authorization' not in headers


def test_none_parameters_are_not_sent():
    client, session, _ignored = make_client(lambda *a: ok())
    client.call('DescribeSynchronizationJobStatusList', {'SynchronizationJobIdListJsonStr': '[]', 'X': None})
    assert 'X' not in session.sent[0][1]


# -- errors ----------------------------------------------------------------------------


def test_api_error_carries_code_message_request_id_and_status():
    client, _ignored, _ignored = make_client(lambda *a: error('Forbidden.RAM', 403, 'User not authorized', 'REQ-42'))
    with pytest.raises(DtsApiError) as caught:
        client.call('DescribeSynchronizationJobs', {})
    err = caught.value
    assert (err.code, err.message, err.request_id, err.http_status) == (
        'Forbidden.RAM',
        'User not authorized',
        'REQ-42',
        403,
    )
    assert str(err) == 'DescribeSynchronizationJobs failed: Forbidden.RAM: User not authorized (RequestId REQ-42)'


def test_status_list_failure_inside_http_200_is_an_error():
    body = {'Success': 'false', 'ErrCode': 'InvalidParameter', 'ErrMessage': 'bad ids', 'RequestId': 'R9'}
    client, session, _ignored = make_client(lambda *a: FakeResponse(200, body))
    with pytest.raises(DtsApiError) as caught:
        describe_statuses(client, ['dts1'])
    assert (caught.value.code, caught.value.message, caught.value.request_id) == ('InvalidParameter', 'bad ids', 'R9')
    assert len(session.sent) == 1


def test_boolean_false_success_is_an_error_too():
    body = {'Success': False, 'ErrCode': 'Forbidden', 'ErrMessage': 'no', 'RequestId': 'R'}
    client, _ignored, _ignored = make_client(lambda *a: FakeResponse(200, body), retries=0)
    with pytest.raises(DtsApiError):
        describe_statuses(client, ['dts1'])


@pytest.mark.parametrize(
    'code',
    [
        'SignatureDoesNotMatch',
        'InvalidAccessKeyId.NotFound',
        'MissingParameter',
        'InvalidParameter',
        'InvalidSecurityToken.Expired',
        'Forbidden.RAM',
        'SignatureNonceUsed',
        'InvalidTimeStamp.Expired',
    ],
)
def test_permanent_errors_fail_at_once(code):
    client, session, clock = make_client(lambda *a: error(code, 400))
    with pytest.raises(DtsApiError):
        client.call('DescribeSynchronizationJobs', {})
    assert len(session.sent) == 1
    assert clock.sleeps == []


@pytest.mark.parametrize(
    'response',
    [
        error('Throttling.User', 400),
        error('Throttling', 400),
        error('Throttling.Api', 400),
        error('ServiceUnavailable', 503),
        error('InternalError', 500),
        error('UnknownError', 500),
        FakeResponse(502, raw=b'<html>Bad gateway</html>'),
        FakeResponse(200, raw=b'{"TotalRecord'),
    ],
)
def test_transient_errors_are_retried_until_success(response):
    answers = [response, response, ok()]
    client, session, _ignored = make_client(lambda *a: answers.pop(0))
    assert client.call('DescribeSynchronizationJobStatusList', {})['RequestId'] == 'OK'
    assert len(session.sent) == 3


@pytest.mark.parametrize(
    'exc, code',
    [
        (requests.exceptions.ConnectionError('reset by peer'), 'ConnectionError'),
        (requests.exceptions.ReadTimeout('slow'), 'ReadTimeout'),
        (requests.exceptions.ConnectTimeout('slow'), 'ConnectTimeout'),
    ],
)
def test_transport_faults_are_retried_then_reported(exc, code):
    client, session, _ignored = make_client(lambda *a: exc, retries=2)
    with pytest.raises(DtsApiError) as caught:
        client.call('DescribeSynchronizationJobs', {})
    assert caught.value.code == code
    assert len(session.sent) == 3


def test_an_html_error_page_is_reported_by_status_and_not_retried():
    client, session, _ignored = make_client(lambda *a: FakeResponse(404, raw=b'<html>Not Found</html>'))
    with pytest.raises(DtsApiError) as caught:
        client.call('DescribeSynchronizationJobs', {})
    assert caught.value.code == 'HTTP404' and 'endpoint' in caught.value.message
    assert len(session.sent) == 1


def test_tls_failures_are_not_retried_and_say_how_to_fix_them():
    client, session, _ignored = make_client(lambda *a: requests.exceptions.SSLError('certificate verify failed'))
    with pytest.raises(DtsApiError) as caught:
        client.call('DescribeSynchronizationJobs', {})
    assert caught.value.code == 'SSLError' and 'ca_path' in caught.value.message
    assert len(session.sent) == 1


def test_transport_error_text_never_carries_the_query_string():
    exc = requests.exceptions.ConnectionError(
        "HTTPSConnectionPool(host='dts.aliyuncs.com', port=443): Max retries exceeded with url: "
        '/?AccessKeyId=ak&SecurityToken=TOPSECRET&Signature=abc%3D (Caused by reset)'
    )
    client, _ignored, _ignored = make_client(lambda *a: exc, retries=0, signature_version='v1')
    with pytest.raises(DtsApiError) as caught:
        client.call('DescribeSynchronizationJobs', {})
    assert 'TOPSECRET' not in str(caught.value) and 'Signature' not in str(caught.value)


def test_retries_zero_disables_retrying():
    client, session, _ignored = make_client(lambda *a: error('Throttling.User'), retries=0)
    with pytest.raises(DtsApiError):
        client.call('DescribeSynchronizationJobs', {})
    assert len(session.sent) == 1


def test_gives_up_after_the_configured_retries_with_the_last_error():
    client, session, _ignored = make_client(lambda *a: error('ServiceUnavailable', 503, request_id='LAST'), retries=3)
    with pytest.raises(DtsApiError) as caught:
        client.call('DescribeSynchronizationJobs', {})
    assert len(session.sent) == 4
    assert caught.value.request_id == 'LAST'


def test_client_token_is_kept_across_retries_and_nonce_changes():
    answers = [error('Throttling.User'), error('ServiceUnavailable', 503), ok()]
    client, session, _ignored = make_client(lambda *a: answers.pop(0))
    client.call('DescribeSynchronizationJobStatusList', {})
    tokens = set(params['ClientToken'] for _ignored, params, _ignored in session.sent)
    nonces = set(headers['x-acs-signature-nonce'] for _ignored, _ignored, headers in session.sent)
    assert len(tokens) == 1 and len(nonces) == 3


def test_x_acs_retry_after_is_honoured_as_milliseconds():
    answers = [error('Throttling.User', headers={'x-acs-retry-after': '1500'}), ok()]
    client, _ignored, clock = make_client(lambda *a: answers.pop(0))
    client.call('DescribeSynchronizationJobStatusList', {})
    assert sum(clock.sleeps) >= 1.5


def test_backoff_waits_grow_and_stay_bounded():
    # Pacing off: a backoff shorter than the pacing interval would add a pacing sleep to count.
    client, _ignored, clock = make_client(lambda *a: error('InternalError', 500), retries=8, pace=0)
    with pytest.raises(DtsApiError):
        client.call('DescribeSynchronizationJobs', {})
    assert len(clock.sleeps) == 8
    assert all(0 <= delay <= 20 for delay in clock.sleeps)
    for attempt, delay in enumerate(clock.sleeps):
        assert delay <= 0.25 * 2**attempt


# -- paging ------------------------------------------------------------------------------


def test_lists_137_jobs_in_exactly_5_requests_each_once():
    records = [job('dts%05d' % index) for index in range(137)]
    client, session, _ignored = make_client(paged(records))
    listed = list_jobs(client, page_size=30)
    assert [record['SynchronizationJobId'] for record in listed] == [r['SynchronizationJobId'] for r in records]
    assert len(session.sent) == 5
    assert sorted(int(params['PageNum']) for _ignored, params, _ignored in session.sent) == [1, 2, 3, 4, 5]


def test_exact_multiple_of_the_page_size_needs_no_extra_request():
    records = [job('dts%05d' % index) for index in range(60)]
    client, session, _ignored = make_client(paged(records))
    assert len(list_jobs(client, page_size=30)) == 60
    assert len(session.sent) == 2


def test_empty_region_is_one_request_and_no_jobs():
    client, session, _ignored = make_client(paged([]))
    assert list_jobs(client) == []
    assert len(session.sent) == 1


def test_two_way_jobs_keep_both_directions_and_duplicates_are_dropped():
    records = [job('dtsA'), job('dtsA', direction='Reverse'), job('dtsB'), job('dtsB')]
    # The count is of distinct records: fewer distinct records than counted is an incomplete listing.
    client, _ignored, _ignored = make_client(paged(records, total=3))
    listed = list_jobs(client, page_size=10)
    assert [(r['SynchronizationJobId'], r['SynchronizationDirection']) for r in listed] == [
        ('dtsA', 'Forward'),
        ('dtsA', 'Reverse'),
        ('dtsB', 'Forward'),
    ]


def test_a_listing_that_grows_while_read_is_followed_past_the_expected_last_page():
    records = [job('dts%03d' % index) for index in range(25)]
    grown = records + [job('dtsNEW1'), job('dtsNEW2')]

    def handler(action, params, headers):
        # Page 1 still reports 25; by the time page 3 is read, two jobs were added.
        source = records if params['PageNum'] == '1' else grown
        return paged(source)(action, params, headers)

    client, session, _ignored = make_client(handler, max_concurrency=1)
    listed = list_jobs(client, page_size=10)
    assert len(listed) == 27
    assert len(set(r['SynchronizationJobId'] for r in listed)) == 27


def test_a_total_that_overstates_the_records_is_an_error_after_one_window_of_pages():
    records = [job('dts%03d' % index) for index in range(12)]
    client, session, _ignored = make_client(paged(records, total=500), retries=0)
    with pytest.raises(DtsApiError) as caught:
        list_jobs(client, page_size=10)
    assert caught.value.code == 'InvalidResponse'
    assert 'in region cn-hangzhou' in caught.value.message
    assert 'page 2 of 50 holds 2 records' in caught.value.message
    assert '12 distinct records read of the 500 counted' in caught.value.message
    # Page 1, then at most one window (max_concurrency 4) of the 49 pages the total claims.
    assert len(session.sent) <= 1 + 4


def test_pages_after_the_first_run_concurrently():
    import threading

    in_flight, peak, lock = [0], [0], threading.Lock()
    barrier = threading.Barrier(4, timeout=10)
    records = [job('dts%03d' % index) for index in range(150)]
    serve = paged(records)

    def handler(action, params, headers):
        with lock:
            in_flight[0] += 1
            peak[0] = max(peak[0], in_flight[0])
        try:
            if params['PageNum'] in ('2', '3', '4', '5'):
                barrier.wait()  # only passes if four pages are in flight together
            return serve(action, params, headers)
        finally:
            with lock:
                in_flight[0] -= 1

    client, _ignored, _ignored = make_client(handler, max_concurrency=4)
    assert len(list_jobs(client, page_size=30)) == 150
    assert peak[0] >= 4


def test_the_window_halves_once_per_burst_of_throttling_and_grows_back_by_one_per_window():
    window = ConcurrencyWindow(8)
    burst = [window.acquire() for _ignored in range(8)]
    for generation in burst:
        window.release(generation, throttled=True)
    assert window.size == 4  # eight answers to one burst: one cut, not three
    window.release(window.acquire(), throttled=True)
    assert window.size == 2
    for _ignored in range(3):
        window.release(window.acquire(), throttled=True)
    assert window.size == 1  # never below one
    sizes = []
    for _ignored in range(40):  # 1 + 2 + ... + 7 answers take it from 1 to 8
        window.release(window.acquire())
        sizes.append(window.size)
    assert sizes[:6] == [2, 2, 3, 3, 3, 4]
    assert max(sizes) == window.size == 8  # never above the maximum
    assert window.in_flight == 0


def test_throttling_narrows_the_pages_in_flight_then_the_listing_widens_again():
    import threading

    in_flight, seen, lock = [0], [], threading.Lock()
    barrier = threading.Barrier(4, timeout=10)
    records = [job('dts%03d' % index) for index in range(300)]
    serve, attempts = paged(records), {}

    def handler(action, params, headers):
        page = params['PageNum']
        with lock:
            in_flight[0] += 1
            seen.append((in_flight[0], client.window.size))
            attempts[page] = attempts.get(page, 0) + 1
            first = attempts[page] == 1
        try:
            if first and page in ('2', '3', '4', '5'):
                barrier.wait()  # four pages in flight together, all throttled
                return error('Throttling.User', headers={'x-acs-retry-after': '100'})
            return serve(action, params, headers)
        finally:
            with lock:
                in_flight[0] -= 1

    client, _ignored, clock = make_client(handler, max_concurrency=4)
    assert len(list_jobs(client, page_size=10)) == 300
    assert all(count <= size for count, size in seen)
    assert min(size for _count, size in seen) == 2  # halved once for the burst
    assert client.window.size == 4
    assert clock.now >= 0.1  # the throttled pages waited out x-acs-retry-after (100 ms)


def test_a_failing_page_fails_the_listing_with_its_error():
    records = [job('dts%03d' % index) for index in range(90)]
    serve = paged(records)

    def handler(action, params, headers):
        if params['PageNum'] == '2':
            return error('Forbidden.RAM', 403, request_id='PAGE2')
        return serve(action, params, headers)

    client, _ignored, _ignored = make_client(handler)
    with pytest.raises(DtsApiError) as caught:
        list_jobs(client, page_size=30)
    assert caught.value.request_id == 'PAGE2'


@pytest.mark.parametrize('size', [0, 25, 50, 100, '30'])
def test_page_size_outside_10_20_30_is_refused_before_any_request(size):
    client, session, _ignored = make_client(paged([]))
    with pytest.raises(DtsConfigError) as caught:
        list_jobs(client, page_size=size)
    assert caught.value.option == 'page_size' and '10, 20, 30' in caught.value.message
    assert session.sent == []


def test_filters_become_the_documented_parameters():
    query = job_filters(name='orders', tags={'env': 'prod', 'owner': '', 'team': None}, resource_group_id='rg-1')
    assert query == {
        'SynchronizationJobName': 'orders',
        'ResourceGroupId': 'rg-1',
        'Tag.1.Key': 'env',
        'Tag.1.Value': 'prod',
        'Tag.2.Key': 'owner',
        'Tag.2.Value': '',
        'Tag.3.Key': 'team',
    }


def test_more_than_20_tags_or_an_empty_key_are_refused():
    with pytest.raises(DtsConfigError) as caught:
        job_filters(tags=dict(('k%d' % i, 'v') for i in range(21)))
    assert caught.value.option == 'tags' and '20' in caught.value.message
    with pytest.raises(DtsConfigError):
        job_filters(tags={'': 'v'})


# -- status list --------------------------------------------------------------------------


def test_status_ids_are_sent_as_one_json_array_whatever_they_hold():
    weird = ['dtsA', 'dts"quoted"', 'dts]["bracket', 'dts\\back', 'dts中文']
    client, session, _ignored = make_client(lambda *a: ok())
    describe_statuses(client, weird)
    assert len(session.sent) == 1
    assert json.loads(session.sent[0][1]['SynchronizationJobIdListJsonStr']) == weird


def test_sixty_two_ids_go_in_one_call():
    client, session, _ignored = make_client(lambda *a: ok())
    describe_statuses(client, ['dtsjob%012d' % i for i in range(62)])
    assert len(session.sent) == 1


def test_long_id_lists_are_chunked_by_encoded_length_and_keep_every_id():
    ids = ['dtsjob%012d' % i for i in range(500)]
    chunks = chunk_job_ids(ids)
    assert [job_id for chunk in chunks for job_id in chunk] == ids
    assert 1 < len(chunks) <= 5
    for chunk in chunks:
        from ansible_collections.alibabacloud.dts.plugins.module_utils._signing import percent_encode

        assert len(percent_encode(json.dumps(chunk, separators=(',', ':')))) <= 4000


def test_run_concurrently_keeps_order_and_raises_the_failure():
    assert run_concurrently(lambda x: x * 2, [3, 1, 2], 3) == [6, 2, 4]

    def boom(x):
        if x == 2:
            raise ValueError('two')
        return x

    with pytest.raises(ValueError):
        run_concurrently(boom, [1, 2, 3], 3)


def test_proxy_and_ca_variables_are_read_once_per_client_and_honoured(monkeypatch):
    for name in ('HTTPS_PROXY', 'https_proxy', 'NO_PROXY', 'no_proxy', 'REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE'):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv('HTTPS_PROXY', 'http://proxy.example:3128')
    monkeypatch.setenv('REQUESTS_CA_BUNDLE', '/etc/corp-ca.pem')
    session = FakeSession(paged([job('dtsA')]))
    client = DtsClient(CREDS, 'cn-hangzhou', 'https://dts.aliyuncs.com', session=session)
    # Changed after the client is built: the client keeps what it read.
    monkeypatch.setenv('HTTPS_PROXY', 'http://other.example:3128')
    list_jobs(client)
    assert session.transport == {'proxies': {'https': 'http://proxy.example:3128'}, 'verify': '/etc/corp-ca.pem'}

    monkeypatch.setenv('NO_PROXY', 'dts.aliyuncs.com')
    client = DtsClient(CREDS, 'cn-hangzhou', 'https://dts.aliyuncs.com', session=session, verify='/my/ca.pem')
    list_jobs(client)
    assert session.transport == {'proxies': {}, 'verify': '/my/ca.pem'}
    client = DtsClient(CREDS, 'cn-hangzhou', 'https://dts.aliyuncs.com', session=session, verify=False)
    list_jobs(client)
    assert session.transport['verify'] is False


def test_sessions_ignore_netrc_so_nothing_replaces_the_signed_authorization(tmp_path, monkeypatch):
    netrc = tmp_path / 'netrc'
    netrc.write_text('machine dts.aliyuncs.com login user password pass\n')
    monkeypatch.setenv('NETRC', str(netrc))
    session = DtsClient.new_session(4)
    prepared = session.prepare_request(
        requests.Request('POST', 'https://dts.aliyuncs.com/?a=1', headers={'Authorization': 'ACS3-HMAC-SHA256 x'})
    )
    assert prepared.headers['Authorization'] == 'ACS3-HMAC-SHA256 x'
    assert session.trust_env is False


# -- retry budget, fast failures ------------------------------------------------------------


def test_rejected_throttling_is_throttling_backs_off_and_narrows_the_window():
    answers = [error('Rejected.Throttling', 400)] * 2 + [ok()]
    client, session, _ignored = make_client(lambda *a: answers.pop(0))
    client.call('DescribeSynchronizationJobStatusList', {})
    assert len(session.sent) == 3
    assert client.window.size < client.window.maximum


def test_the_retry_budget_bounds_the_waits_and_the_error_says_how_many_attempts():
    clock = FakeClock()
    session = FakeSession(lambda *a: error('ServiceUnavailable', 503, request_id='LAST'))
    client = DtsClient(
        CREDS,
        'cn-hangzhou',
        'https://dts.cn-hangzhou.aliyuncs.com',
        retries=20,
        retry_budget=10,
        session=session,
        sleep=clock.sleep,
        clock=clock,
        max_requests_per_second=0,
    )
    with pytest.raises(DtsApiError) as caught:
        client.call('DescribeSynchronizationJobStatusList', {})
    assert sum(clock.sleeps) <= 10
    assert len(session.sent) == len(clock.sleeps) + 1 < 21
    message = caught.value.describe()
    assert 'gave up after %d attempts' % len(session.sent) in message and 'retry_budget 10 s' in message
    assert caught.value.code == 'ServiceUnavailable' and '(RequestId LAST)' in message


def closed_port():
    listener = socket.socket()
    listener.bind(('127.0.0.1', 0))
    port = listener.getsockname()[1]
    listener.close()
    return port


def test_a_refused_connection_is_retried_once_and_names_the_endpoint_and_what_to_check():
    clock = FakeClock()
    endpoint = 'http://127.0.0.1:%d' % closed_port()
    client = DtsClient(CREDS, 'cn-hangzhou', endpoint, sleep=clock.sleep, clock=clock)
    with pytest.raises(DtsApiError) as caught:
        client.call('DescribeSynchronizationJobStatusList', {})
    assert caught.value.code == 'ConnectionRefused'
    assert clock.sleeps == [0.5]
    message = caught.value.describe()
    assert endpoint in message and 'refused' in message
    assert 'endpoint option' in message and 'ALIBABA_CLOUD_ENDPOINT_DTS' in message
    assert 'gave up after 2 attempts' in message


def test_an_unresolvable_host_is_retried_once_and_names_the_endpoint():
    gaierror = socket.gaierror(-2, 'Name or service not known')
    wrapped = requests.exceptions.ConnectionError(
        requests.packages.urllib3.exceptions.MaxRetryError(None, '/', reason=gaierror)
    )
    client, session, clock = make_client(lambda *a: wrapped)
    with pytest.raises(DtsApiError) as caught:
        client.call('DescribeSynchronizationJobStatusList', {})
    assert caught.value.code == 'NameResolutionError' and len(session.sent) == 2 and clock.sleeps == [0.5]
    message = caught.value.describe()
    assert 'https://dts.cn-hangzhou.aliyuncs.com' in message and 'could not be resolved' in message
    assert 'Name or service not known' in message and 'ALIBABA_CLOUD_ENDPOINT_DTS' in message


def test_a_reset_connection_is_still_an_ordinary_transient_fault():
    reset = requests.exceptions.ConnectionError(ConnectionResetError(104, 'Connection reset by peer'))
    answers = [reset, reset, reset, ok()]
    client, session, _ignored = make_client(lambda *a: answers.pop(0), retries=5)
    client.call('DescribeSynchronizationJobStatusList', {})
    assert len(session.sent) == 4


# -- pacing and the shared gate -------------------------------------------------------------


class TimedSession(FakeSession):
    """Records the fake clock's time of every request."""

    def __init__(self, handler, clock):
        super(TimedSession, self).__init__(handler)
        self.clock, self.times = clock, []

    def request(self, *args, **kwargs):
        self.times.append(self.clock())
        return super(TimedSession, self).request(*args, **kwargs)


def most_in_a_window(times, width):
    return max(len([other for other in times if start <= other < start + width]) for start in times)


def paced_client(clock, registry, session, **kwargs):
    return DtsClient(
        CREDS,
        'cn-hangzhou',
        'https://dts.cn-hangzhou.aliyuncs.com',
        session=session,
        sleep=clock.sleep,
        clock=clock,
        limiters=registry,
        max_concurrency=1,
        **kwargs,
    )


def test_an_action_is_paced_at_its_documented_rate_with_injected_sleeps_only():
    clock, registry = FakeClock(), LimiterRegistry()
    session = TimedSession(lambda *a: ok({'RequestId': 'R'}), clock)
    client = paced_client(clock, registry, session)
    for _call in range(60):
        client.call('DescribeDtsJobs', {})
    assert RATE_LIMITS['DescribeDtsJobs'] == 20
    assert most_in_a_window(session.times, 1.0) == 19
    assert sum(clock.sleeps) == pytest.approx(59 * (1.0 + MARGIN) / 20)


def test_max_requests_per_second_overrides_the_table_and_zero_turns_pacing_off():
    clock, registry = FakeClock(), LimiterRegistry()
    session = TimedSession(lambda *a: ok({'RequestId': 'R'}), clock)
    client = paced_client(clock, registry, session, max_requests_per_second=5)
    for _call in range(10):
        client.call('DescribeDtsJobDetail', {})
    assert most_in_a_window(session.times, 1.0) == 5
    clock.sleeps[:] = []
    client = paced_client(clock, registry, session, max_requests_per_second=0)
    for _call in range(100):
        client.call('DescribeDtsJobs', {})
    assert clock.sleeps == []


def test_a_call_may_pass_the_rate_of_an_action_the_table_does_not_know():
    clock, registry = FakeClock(), LimiterRegistry()
    session = TimedSession(lambda *a: ok({'RequestId': 'R'}), clock)
    client = paced_client(clock, registry, session)
    for _call in range(9):
        client.call('DescribeSomethingNew', {}, rate=3)
    assert most_in_a_window(session.times, 1.0) == 3


def test_clients_of_one_account_and_region_share_the_pace():
    clock, registry = FakeClock(), LimiterRegistry()
    session = TimedSession(lambda *a: ok({'RequestId': 'R'}), clock)
    clients = [paced_client(clock, registry, session) for _client in range(3)]
    for _round in range(20):
        for client in clients:
            client.call('DescribeDtsJobs', {})
    assert most_in_a_window(session.times, 1.0) == 19
    other_region = DtsClient(
        CREDS,
        'cn-beijing',
        'https://dts.cn-beijing.aliyuncs.com',
        session=session,
        sleep=clock.sleep,
        clock=clock,
        limiters=registry,
    )
    clock.sleeps[:] = []
    other_region.call('DescribeDtsJobs', {})
    assert clock.sleeps == []


def test_a_paged_listing_of_3000_jobs_stays_under_the_rate():
    clock, registry = FakeClock(), LimiterRegistry()
    records = [job('dts%05d' % index) for index in range(3000)]
    session = TimedSession(paged(records), clock)
    client = DtsClient(
        CREDS,
        'cn-hangzhou',
        'https://dts.cn-hangzhou.aliyuncs.com',
        session=session,
        sleep=clock.sleep,
        clock=clock,
        limiters=registry,
        max_concurrency=1,
    )
    assert len(list_jobs(client)) == 3000
    assert len(session.times) == 100
    assert most_in_a_window(session.times, 1.0) == 19


class CountingGate:
    """A gate that records how often it was taken and whether a request was sent outside it."""

    def __init__(self):
        self.held = 0
        self.entered = 0

    def __enter__(self):
        self.held += 1
        self.entered += 1

    def __exit__(self, *exc_info):
        self.held -= 1


def test_every_request_of_every_client_sharing_a_gate_goes_through_it():
    gate = CountingGate()
    outside = []

    def handler(*args):
        if not gate.held:
            outside.append(args[0])
        return ok()

    session = FakeSession(handler)
    clients = [
        DtsClient(CREDS, region, 'https://dts.aliyuncs.com', session=session, gate=gate)
        for region in ('cn-hangzhou', 'cn-beijing')
    ]
    for client in clients:
        describe_statuses(client, ['dtsA'])
    assert outside == [] and gate.entered == len(session.sent) == 2


class SleepersInGate:
    """A shared gate of ``slots`` that counts, per region, the requests asleep on their pace while they hold a slot."""

    def __init__(self, slots):
        self._slots = threading.BoundedSemaphore(slots)
        self._lock = threading.Lock()
        self._holders = set()
        self.asleep = {}
        self.most_asleep = {}

    def __enter__(self):
        self._slots.acquire()
        with self._lock:
            self._holders.add(threading.get_ident())

    def __exit__(self, *exc_info):
        with self._lock:
            self._holders.discard(threading.get_ident())
        self._slots.release()

    def sleeper(self, region):
        def sleep(seconds):
            holding = threading.get_ident() in self._holders
            with self._lock:
                self.asleep[region] = self.asleep.get(region, 0) + holding
                self.most_asleep[region] = max(self.most_asleep.get(region, 0), self.asleep[region])
            time.sleep(seconds)
            with self._lock:
                self.asleep[region] -= holding

        return sleep


def test_requests_waiting_for_their_pace_wait_in_line_not_in_the_shared_gate():
    # Eight requests of one action in flight at once: only the one whose turn it is may sleep on
    # the pace in a slot of the gate. The others, in its slots, would keep other regions out.
    gate = SleepersInGate(slots=4)
    registry = LimiterRegistry()
    session = FakeSession(lambda *a: ok({'RequestId': 'R'}))
    clients = [
        DtsClient(
            CREDS,
            region,
            'https://dts.%s.aliyuncs.com' % region,
            session=session,
            gate=gate,
            limiters=registry,
            sleep=gate.sleeper(region),
            max_requests_per_second=100,
        )
        for region in ('cn-hangzhou', 'cn-beijing')
    ]
    calls = [client for client in clients for _request in range(8)]
    run_concurrently(lambda client: client.call('DescribeDtsJobs', {}), calls, len(calls))
    assert len(session.sent) == 16
    assert gate.most_asleep == {'cn-hangzhou': 1, 'cn-beijing': 1}


def test_connect_passes_the_gate_and_the_new_options():
    gate = threading.BoundedSemaphore(3)
    client = connect(
        {
            'access_key_id': 'ak',
            'access_key_secret': 'sk',
            'region': 'cn-hangzhou',
            'retry_budget': 12,
            'max_requests_per_second': 7,
        },
        environ={},
        gate=gate,
    )
    assert client.gate is gate and client.retry_budget == 12 and client.max_requests_per_second == 7
    assert client.warnings == []


@pytest.mark.parametrize(
    'option, value',
    [
        ('retry_budget', -1),
        ('retry_budget', 4000),
        ('max_requests_per_second', -2),
        ('max_requests_per_second', 'fast'),
    ],
)
def test_new_options_out_of_range_are_refused_naming_the_option(option, value):
    with pytest.raises(DtsConfigError) as caught:
        connect({'access_key_id': 'ak', 'access_key_secret': 'sk', 'region': 'cn-hangzhou', option: value}, environ={})
    assert caught.value.option == option and option in caught.value.message


def test_the_transport_names_no_action():
    # The API families say what to call and how fast (_pacing); the transport must stay generic.
    import ansible_collections.alibabacloud.dts.plugins.module_utils._client as client_module

    with open(client_module.__file__.replace('.pyc', '.py')) as handle:
        source = handle.read()
    assert 'Describe' not in source
