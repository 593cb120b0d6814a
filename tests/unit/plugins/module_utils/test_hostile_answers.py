# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Hostile and broken endpoints: every answer ends in bounded time and memory with a clear message.

The endpoint is a real HTTP server on loopback (hostile.py), the client a real DtsClient with its
real session, so the deadline and the size cap are those users get.  Waits between retries go to
a fake clock; what is asserted is what the server saw and what the client said, never how long
it took.
"""

import json

import pytest

from ansible_collections.alibabacloud.dts.plugins.module_utils import _client
from ansible_collections.alibabacloud.dts.plugins.module_utils._api_current import list_dts_jobs
from ansible_collections.alibabacloud.dts.plugins.module_utils._api_legacy import list_jobs
from ansible_collections.alibabacloud.dts.plugins.module_utils._client import DtsClient
from ansible_collections.alibabacloud.dts.plugins.module_utils._errors import DtsApiError
from ansible_collections.alibabacloud.dts.plugins.module_utils._jobs import list_dts_job_facts
from ansible_collections.alibabacloud.dts.plugins.module_utils._paging import MAX_EXTRA_PAGES, MAX_LISTED_RECORDS
from ansible_collections.alibabacloud.dts.tests.unit.clock import FakeClock
from ansible_collections.alibabacloud.dts.tests.unit.plugins.module_utils.fakes import CREDS, job
from ansible_collections.alibabacloud.dts.tests.unit.plugins.module_utils.hostile import Drip, Endless, HostileServer


def client_for(server, retries=0, timeout=5.0, max_concurrency=4):
    clock = FakeClock()
    return DtsClient(
        CREDS,
        'cn-hangzhou',
        server.endpoint,
        retries=retries,
        timeout=timeout,
        max_concurrency=max_concurrency,
        sleep=clock.sleep,
        clock=clock,
        max_requests_per_second=0,
    )


def legacy_page(number, records, total, size=30):
    return 200, {
        'RequestId': 'R-%d' % number,
        'PageNumber': number,
        'PageRecordCount': len(records),
        'TotalRecordCount': total,
        'SynchronizationInstances': records,
    }


def dts_job(job_id, **extra):
    record = {
        'DtsJobId': 'j' + job_id,
        'DtsInstanceID': job_id,
        'DtsJobName': 'job ' + job_id,
        'Status': 'Synchronizing',
        'Delay': 3,
        'DtsJobDirection': 'Forward',
        'TagList': [],
        'JobType': 'SYNC',
    }
    record.update(extra)
    return record


def current_page(number, records, total):
    return 200, {
        'RequestId': 'R-%d' % number,
        'PageNumber': number,
        'PageRecordCount': len(records),
        'TotalRecordCount': total,
        'DtsJobList': records,
        'Success': True,
    }


def failure(call):
    with pytest.raises(DtsApiError) as caught:
        call()
    return caught.value


# -- paging ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    'total, why',
    [
        (10**9, 'TotalRecordCount 1000000000 is past the %d records' % MAX_LISTED_RECORDS),
        (1e308, 'TotalRecordCount 1e+308 is not a whole number'),
        (-5, 'TotalRecordCount -5 is not a whole number'),
        ('many', "TotalRecordCount 'many' is not a whole number"),
        (True, 'TotalRecordCount True is not a whole number'),
    ],
)
def test_a_total_that_is_huge_or_not_a_count_is_refused_after_page_one(total, why):
    records = [job('dts%03d' % index) for index in range(30)]
    with HostileServer(lambda number, action, params: legacy_page(number, records, total)) as server:
        error = failure(lambda: list_jobs(client_for(server)))
    assert error.code == 'InvalidResponse' and why in error.message
    assert error.describe().startswith('DescribeSynchronizationJobs failed') and 'cn-hangzhou' in error.message
    assert len(server.requests) == 1


def test_a_total_that_keeps_growing_is_followed_a_bounded_number_of_pages_then_reported():
    def answer(number, action, params):
        # Every page full of new records, and a count always one page ahead.
        records = [job('dts%02d-%02d' % (number, index)) for index in range(30)]
        return legacy_page(number, records, 30 * (number + 1))

    with HostileServer(answer) as server:
        error = failure(lambda: list_jobs(client_for(server)))
    assert 'kept growing' in error.message and 'in region cn-hangzhou' in error.message
    # Page 1 counted 60 (two pages), then at most MAX_EXTRA_PAGES more.
    assert len(server.requests) == 2 + MAX_EXTRA_PAGES


def test_a_total_that_goes_down_between_pages_is_reported():
    def answer(number, action, params):
        records = [job('dts%02d-%02d' % (number, index)) for index in range(30 if number < 3 else 10)]
        return legacy_page(number, records, 100 if number == 1 else 70)

    with HostileServer(answer) as server:
        error = failure(lambda: list_jobs(client_for(server, max_concurrency=1)))
    assert 'TotalRecordCount went down from 100 on page 1 to 70 on page 2' in error.message


def test_a_page_served_again_under_every_number_stops_the_listing_within_one_window():
    records = [job('dts%03d' % index) for index in range(30)]
    with HostileServer(lambda number, action, params: legacy_page(number, records, 30000)) as server:
        error = failure(lambda: list_jobs(client_for(server, max_concurrency=4)))
    assert 'repeats the records of page 1' in error.message
    # 1000 pages claimed; page 1 and one window of four were asked for.
    assert len(server.requests) <= 1 + 4


def test_a_short_last_page_is_reported_not_dropped():
    records = [dts_job('dts%03d' % index) for index in range(45)]

    def answer(number, action, params):
        return current_page(number, records[:30] if number == 1 else [], 45)

    with HostileServer(answer) as server:
        error = failure(lambda: list_dts_jobs(client_for(server)))
    assert error.describe().startswith('DescribeDtsJobs failed: InvalidResponse: the listing in region cn-hangzhou')
    assert '30 distinct records read of the 45 counted' in error.message
    assert len(server.requests) == 2


def test_a_short_page_in_the_middle_stops_asking_for_more():
    def answer(number, action, params):
        held = 30 if number != 2 else 3
        return legacy_page(number, [job('dts%02d-%02d' % (number, index)) for index in range(held)], 3000)

    with HostileServer(answer) as server:
        error = failure(lambda: list_jobs(client_for(server, max_concurrency=1)))
    assert 'page 2 of 100 holds 3 records, not 30' in error.message
    assert len(server.requests) == 2


# -- one attempt's deadline and the size of an answer ----------------------------------------------


@pytest.mark.parametrize('head_at_once', [False, True])
def test_a_server_that_drips_its_answer_is_cut_off_at_the_deadline(head_at_once):
    body = json.dumps(
        {'RequestId': 'R', 'TotalRecordCount': 0, 'SynchronizationInstances': [], 'Padding': 'x' * 2000}
    ).encode()
    with HostileServer(lambda number, action, params: Drip(body, every=0.01, head_at_once=head_at_once)) as server:
        error = failure(lambda: list_jobs(client_for(server, timeout=0.3)))
        dripped_when_cut_off = server.dripped
    assert error.code == 'ReadTimeout'
    assert 'within 0.3 s (http_timeout)' in error.message and server.endpoint in error.message
    # The answer was still coming when the client gave up on it.
    assert dripped_when_cut_off < len(body)
    assert len(server.requests) == 1


def test_a_dripping_server_is_retried_within_the_budget_on_the_same_session():
    body = b'{"RequestId": "R", "TotalRecordCount": 0, "SynchronizationInstances": []}' + b' ' * 4000
    with HostileServer(lambda number, action, params: Drip(body, every=0.01)) as server:
        client = client_for(server, retries=2, timeout=0.2)
        session = client.session
        error = failure(lambda: list_jobs(client))
    assert error.code == 'ReadTimeout' and 'gave up after 3 attempts' in error.message
    assert client.session is session and len(server.requests) == 3


def test_an_endless_answer_is_read_no_further_than_the_cap(monkeypatch):
    monkeypatch.setattr(_client, 'MAX_RESPONSE_BYTES', 1024 * 1024)
    with HostileServer(lambda number, action, params: Endless()) as server:
        error = failure(lambda: list_jobs(client_for(server)))
    assert error.code == 'ResponseTooLarge' and 'more than 1048576 bytes' in error.message
    assert 'region cn-hangzhou' in error.message
    # The server stopped when the client hung up, long before its own limit.
    assert sum(server.sent) < 64 * 1024 * 1024


def test_an_answer_that_says_it_is_too_large_is_not_read(monkeypatch):
    monkeypatch.setattr(_client, 'MAX_RESPONSE_BYTES', 1024)
    with HostileServer(lambda number, action, params: (200, b'{"a": "%s"}' % (b'x' * 4096))) as server:
        error = failure(lambda: list_jobs(client_for(server)))
    assert error.code == 'ResponseTooLarge'


# -- malformed answers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    'body',
    [
        b'<html>gateway</html>',
        b'[' * 100000 + b']' * 100000,
        b'"just a string"',
        b'\xff\xfe not utf-8',
    ],
)
def test_an_answer_that_is_not_a_json_object_names_the_action_endpoint_and_region(body):
    with HostileServer(lambda number, action, params: (200, body)) as server:
        error = failure(lambda: list_jobs(client_for(server, retries=1)))
    assert error.code == 'InvalidResponse'
    assert error.describe().startswith(
        'DescribeSynchronizationJobs failed: InvalidResponse: HTTP 200 with an answer that is not a JSON object'
    )
    assert server.endpoint in error.message and 'region cn-hangzhou' in error.message
    # Treated as an answer cut short on the way: retried, within the retries.
    assert len(server.requests) == 2


@pytest.mark.parametrize(
    'records, why',
    [
        (['dtsA', 'dtsB'], "entry 1 of DtsJobList is 'dtsA', not an object"),
        ([dts_job('dtsA', DtsJobId=['x'])], "entry 1 of DtsJobList has DtsJobId ['x'], not a string"),
        ([dts_job('dtsA'), dts_job('dtsB', DtsInstanceID={'a': 1})], 'entry 2 of DtsJobList has DtsInstanceID'),
        ([dts_job('dtsA', ReverseJob={'DtsJobId': 7})], 'entry 1 of DtsJobList ReverseJob has DtsJobId 7'),
        ([dts_job('dtsA', ReverseJob='yes')], "ReverseJob is 'yes', not an object"),
    ],
)
def test_records_of_the_wrong_shape_are_a_clear_error(records, why):
    with HostileServer(lambda number, action, params: current_page(number, records, len(records))) as server:
        error = failure(lambda: list_dts_jobs(client_for(server)))
    assert error.code == 'InvalidResponse' and why in error.message
    assert 'region cn-hangzhou' in error.message


def test_an_error_answer_with_junk_fields_is_still_a_clean_error():
    body = {'Code': ['Throttling'], 'Message': {'m': 1}, 'RequestId': 'x' * 10000}
    with HostileServer(lambda number, action, params: (400, body)) as server:
        error = failure(lambda: list_jobs(client_for(server, retries=3)))
    # A code that is not text is no code: not taken for throttling (which is retried all the budget long).
    assert error.code == 'HTTP400' and error.message == "{'m': 1}" and len(error.request_id) < 2100
    assert len(server.requests) == 1


def test_values_that_cannot_be_converted_are_null_and_named_in_warnings():
    records = [
        dts_job('dtsA', Delay='abc', Status=['Failed'], TagList='env=prod', Checkpoint='1e308'),
        dts_job('dtsB', Delay='NaN', ErrorMessage=None),
    ]
    with HostileServer(lambda number, action, params: current_page(number, records, 2)) as server:
        client = client_for(server)
        facts = list_dts_job_facts(client)
    first, second = facts
    assert (first['delay'], first['status'], first['tags'], first['checkpoint']) == (None, None, {}, None)
    assert second['delay'] is None
    text = '\n'.join(client.warnings)
    assert "DTS job dtsA (Forward) in region cn-hangzhou: Delay is 'abc', not a number of seconds" in text
    assert "Status is ['Failed'], not a status name" in text
    assert "the tags is 'env=prod', not a list of tags" in text
    assert 'DTS job dtsB' in text and "Delay is 'NaN'" in text
