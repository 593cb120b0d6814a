# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The current family's calls: the request shape the gateway wants, and paging that loses no job."""

import json

import pytest

from ansible_collections.alibabacloud.dts.plugins.module_utils._api_current import (
    describe_dts_job_detail,
    job_filters,
    list_dts_jobs,
)
from ansible_collections.alibabacloud.dts.plugins.module_utils._client import DtsClient
from ansible_collections.alibabacloud.dts.plugins.module_utils._errors import DtsApiError, DtsConfigError
from ansible_collections.alibabacloud.dts.tests.unit.plugins.module_utils.fakes import (
    CREDS,
    FakeResponse,
    FakeSession,
)


def client_for(handler, max_concurrency=4):
    return DtsClient(
        CREDS,
        'cn-hangzhou',
        'https://dts.cn-hangzhou.aliyuncs.com',
        session=FakeSession(handler),
        max_concurrency=max_concurrency,
        retries=0,
    )


def dts_job(job_id, status='Synchronizing', **extra):
    record = {
        'DtsJobId': job_id,
        'DtsInstanceID': 'dts' + job_id,
        'DtsJobName': 'task ' + job_id,
        'Status': status,
        'DtsJobDirection': 'Forward',
        'Delay': 0,
        'Checkpoint': '1610524452',
        'JobType': 'SYNC',
    }
    record.update(extra)
    return record


class DtsJobsService:
    """DescribeDtsJobs over ``records``: refuses what the gateway refuses, caps pages at ``cap``.

    ``offset_by_asked``: whether the offset of page N is computed from the size asked for (as
    some services do) or from the size the page really holds.
    """

    def __init__(self, records, cap=None, offset_by_asked=False):
        self.records = records
        self.cap = cap
        self.offset_by_asked = offset_by_asked

    def __call__(self, action, params, headers):
        assert action == 'DescribeDtsJobs'
        if 'Region' not in params:
            return FakeResponse(400, {'Code': 'MissingRegion', 'Message': 'Region is mandatory', 'RequestId': 'R'})
        if 'PageNum' in params:
            return FakeResponse(400, {'Code': 'InvalidParameter', 'Message': 'PageNum', 'RequestId': 'R'})
        size, number = int(params['PageSize']), int(params['PageNumber'])
        held = min(size, self.cap or size)
        start = (number - 1) * (size if self.offset_by_asked else held)
        page = self.records[start : start + held]
        return FakeResponse(
            200,
            {
                'TotalRecordCount': len(self.records),
                'PageRecordCount': len(page),
                'PageNumber': number,
                'DtsJobList': page,
                'Success': True,
                'HttpStatusCode': 200,
                'RequestId': 'R-%d' % number,
            },
        )


def test_the_request_says_region_page_number_and_the_sync_job_type():
    session_client = client_for(DtsJobsService([dts_job('a')]))
    list_dts_jobs(session_client)
    ((action, params, _headers),) = session_client.session.sent
    assert action == 'DescribeDtsJobs'
    assert params['Region'] == 'cn-hangzhou' and params['JobType'] == 'SYNC'
    assert params['PageNumber'] == '1' and params['PageSize'] == '30' and 'PageNum' not in params


def test_server_side_filters_take_the_apis_own_shapes():
    query = job_filters(
        job_type='Migration',
        name='orders',
        tags={'env': 'prod', 'team': None, 'empty': ''},
        resource_group_id='rg-1',
        statuses=['Synchronizing', 'Failed'],
        job_id='j1',
        instance_id='dtsj1',
    )
    assert query['JobType'] == 'MIGRATION'
    assert (query['Type'], query['Params']) == ('name', 'orders')
    # A null value filters on the key alone; an empty string is a value.
    assert json.loads(query['Tags']) == [
        {'key': 'empty', 'value': ''},
        {'key': 'env', 'value': 'prod'},
        {'key': 'team'},
    ]
    assert query['ResourceGroupId'] == 'rg-1' and query['Status'] == 'Synchronizing,Failed'
    assert (query['DtsJobId'], query['DtsInstanceId']) == ('j1', 'dtsj1')
    assert job_filters() == {'JobType': 'SYNC'}


@pytest.mark.parametrize(
    'kwargs, option',
    [
        ({'job_type': 'replication'}, 'job_type'),
        ({'tags': {'': 'x'}}, 'tags'),
        ({'tags': dict(('k%d' % i, 'v') for i in range(21))}, 'tags'),
        ({'page_size': 40}, 'page_size'),
    ],
)
def test_bad_input_is_refused_before_any_request(kwargs, option):
    client = client_for(DtsJobsService([]))
    with pytest.raises(DtsConfigError) as caught:
        list_dts_jobs(client, **kwargs)
    assert caught.value.option == option
    assert client.session.sent == []


@pytest.mark.parametrize(
    'asked, cap, offset_by_asked',
    [
        (100, 30, False),
        (100, 30, True),
        (50, 20, False),
        (30, 30, False),
        (30, None, False),
        (10, None, False),
    ],
)
def test_every_job_exactly_once_whatever_page_size_the_service_enforces(asked, cap, offset_by_asked):
    records = [dts_job('job%03d' % index) for index in range(97)]
    client = client_for(DtsJobsService(records, cap=cap, offset_by_asked=offset_by_asked))
    listed = list_dts_jobs(client, page_size=asked)
    assert [record['DtsJobId'] for record in listed] == [record['DtsJobId'] for record in records]
    held = min(asked, cap or asked)
    assert len(client.session.sent) == -(-97 // held)


def test_a_two_way_job_is_one_entry_with_its_reverse_nested():
    two_way = dts_job('tw', ReverseJob=dts_job('tw-r', DtsJobDirection='Reverse'))
    listed = list_dts_jobs(client_for(DtsJobsService([dts_job('a'), two_way])))
    assert [record['DtsJobId'] for record in listed] == ['a', 'tw']
    assert listed[1]['ReverseJob']['DtsJobId'] == 'tw-r'


def test_success_false_inside_http_200_is_an_api_error_with_code_and_request_id():
    body = {
        'Success': False,
        'ErrCode': 'InvalidParameter',
        'ErrMessage': 'The Tags are not valid.',
        'HttpStatusCode': 400,
        'RequestId': 'REQ-77',
    }
    with pytest.raises(DtsApiError) as caught:
        list_dts_jobs(client_for(lambda *args: FakeResponse(200, body)))
    assert (caught.value.code, caught.value.request_id) == ('InvalidParameter', 'REQ-77')
    assert (
        'DescribeDtsJobs failed: InvalidParameter: The Tags are not valid. (RequestId REQ-77)'
        == caught.value.describe()
    )


def test_an_answer_without_the_job_list_is_refused():
    with pytest.raises(DtsApiError) as caught:
        list_dts_jobs(client_for(lambda *args: FakeResponse(200, {'RequestId': 'R', 'TotalRecordCount': 1})))
    assert caught.value.code == 'InvalidResponse'


def test_detail_asks_for_the_job_and_names_only_the_reverse_direction():
    answers = []
    client = client_for(
        lambda action, params, headers: (
            answers.append((action, params))
            or FakeResponse(200, {'DtsJobId': params['DtsJobId'], 'Delay': 1200, 'Success': True, 'RequestId': 'R'})
        )
    )
    describe_dts_job_detail(client, 'j1', instance_id='dtsj1')
    describe_dts_job_detail(client, 'j1', direction='Reverse')
    (action, forward), (_action, reverse) = answers
    assert action == 'DescribeDtsJobDetail'
    assert forward['DtsJobId'] == 'j1' and forward['DtsInstanceID'] == 'dtsj1'
    assert 'SynchronizationDirection' not in forward
    assert reverse['SynchronizationDirection'] == 'Reverse' and 'DtsInstanceID' not in reverse
    with pytest.raises(DtsConfigError):
        describe_dts_job_detail(client, 'j1', direction='forward')
