# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The official Alibaba Cloud clients, unchanged, against the emulator.

Four clients: the Tea SDK with its default V3 signing and with V1, and the legacy core SDK with
GET and POST. Every answer goes through the Tea SDK's response models (the legacy SDK has none of
its own), so a field the emulator misspells or nests wrongly shows up as a mismatch here.
"""

from __future__ import absolute_import, division, print_function

import json
import math

import pytest
from alibabacloud_dts20200101 import models as dts_models
from alibabacloud_dts20200101.client import Client as TeaClient
from alibabacloud_tea_openapi.exceptions import ClientException
from alibabacloud_tea_openapi.models import Config
from aliyunsdkcore.acs_exception.exceptions import ServerException
from aliyunsdkcore.auth.credentials import AccessKeyCredential, StsTokenCredential
from aliyunsdkcore.client import AcsClient
from aliyunsdkdts.request.v20200101.DescribeSynchronizationJobsRequest import DescribeSynchronizationJobsRequest
from aliyunsdkdts.request.v20200101.DescribeSynchronizationJobStatusListRequest import (
    DescribeSynchronizationJobStatusListRequest)

from emulator_data import default_job_specs

from conftest import AK, SECRET, TOKEN, expected_records, expected_status

REGION = 'cn-hangzhou'


class Tea(object):
    """alibabacloud_dts20200101.client.Client, V3 by default or V1 when asked."""

    def __init__(self, port, signature_version, key=AK, secret=SECRET, token=None):
        config = Config(access_key_id=key, access_key_secret=secret, security_token=token,
                        endpoint='127.0.0.1:%d' % port, protocol='http', region_id=REGION)
        if signature_version == 'v1':
            config.signature_version = 'v1'
        self.client = TeaClient(config)

    def list_page(self, size, number, region=REGION):
        request = dts_models.DescribeSynchronizationJobsRequest(region_id=region, page_size=size, page_num=number)
        return self.client.describe_synchronization_jobs(request).body

    def statuses(self, ids, region=REGION):
        request = dts_models.DescribeSynchronizationJobStatusListRequest(region_id=region)
        if ids is not None:
            request.synchronization_job_id_list_json_str = json.dumps(ids)
        return self.client.describe_synchronization_job_status_list(request).body

    @staticmethod
    def refusal(error):
        assert isinstance(error, ClientException), error
        return error.code, error.status_code


class Legacy(object):
    """aliyunsdkcore.client.AcsClient with the aliyunsdkdts request classes, GET or POST."""

    def __init__(self, port, method, key=AK, secret=SECRET, token=None):
        credential = StsTokenCredential(key, secret, token) if token else AccessKeyCredential(key, secret)
        self.client = AcsClient(region_id=REGION, credential=credential, auto_retry=False)
        self.port, self.method = port, method

    def _send(self, request, region):
        request.set_endpoint('127.0.0.1:%d' % self.port)
        request.set_protocol_type('http')
        request.set_method(self.method)
        request.add_query_param('RegionId', region)
        return json.loads(self.client.do_action_with_exception(request))

    def list_page(self, size, number, region=REGION):
        request = DescribeSynchronizationJobsRequest()
        request.set_PageSize(size)
        request.set_PageNum(number)
        raw = self._send(request, region)
        body = dts_models.DescribeSynchronizationJobsResponseBody().from_map(raw)
        assert body.to_map() == raw, 'the emulator answered fields the SDK model does not know'
        return body

    def statuses(self, ids, region=REGION):
        request = DescribeSynchronizationJobStatusListRequest()
        if ids is not None:
            request.set_SynchronizationJobIdListJsonStr(json.dumps(ids))
        raw = self._send(request, region)
        body = dts_models.DescribeSynchronizationJobStatusListResponseBody().from_map(raw)
        assert body.to_map() == raw, 'the emulator answered fields the SDK model does not know'
        return body

    @staticmethod
    def refusal(error):
        assert isinstance(error, ServerException), error
        return error.get_error_code(), error.get_http_status()


CLIENTS = {
    'tea-v3': lambda port, **kw: Tea(port, 'v3', **kw),
    'tea-v1': lambda port, **kw: Tea(port, 'v1', **kw),
    'legacy-get': lambda port, **kw: Legacy(port, 'GET', **kw),
    'legacy-post': lambda port, **kw: Legacy(port, 'POST', **kw),
}


@pytest.fixture(params=sorted(CLIENTS))
def make_client(request):
    return CLIENTS[request.param]


def refusal(client, call):
    with pytest.raises((ClientException, ServerException)) as caught:
        call()
    return client.refusal(caught.value)


def list_all(client, size, region=REGION):
    """Page through a region; returns ({(id, direction): instance model}, total)."""
    first = client.list_page(size, 1, region)
    total = first.total_record_count
    pages = [first] + [client.list_page(size, number, region) for number in range(2, math.ceil(total / size) + 1)]
    seen = {}
    for number, page in enumerate(pages, 1):
        assert page.page_number == number
        assert page.page_record_count == size
        assert page.total_record_count == total
        assert len(page.synchronization_instances) == min(size, total - (number - 1) * size)
        for instance in page.synchronization_instances:
            record = (instance.synchronization_job_id, instance.synchronization_direction)
            assert record not in seen, 'record %s listed twice' % (record,)
            seen[record] = instance
    assert client.list_page(size, len(pages) + 1, region).synchronization_instances == []
    return seen, total


@pytest.mark.parametrize('size', [10, 30])
def test_lists_every_record_of_the_region_exactly_once(emulator, specs, make_client, size):
    client = make_client(emulator.port)
    seen, total = list_all(client, size)
    expected = expected_records(specs, REGION)
    assert set(seen) == set(expected)
    assert total == len(expected)
    assert len(set(job_id for job_id, _direction in seen)) >= 25
    for (job_id, direction), instance in seen.items():
        spec = expected[(job_id, direction)]
        assert instance.synchronization_job_name == spec['name']
        assert instance.status == expected_status(spec, direction)
        assert instance.pay_type == spec['pay_type']
        assert dict((tag.key, tag.value) for tag in instance.tags) == spec['tags']
        assert isinstance(instance.delay, str) and instance.delay.isdigit()
        assert instance.source_endpoint.port == '3306'
        assert instance.precheck_status.detail is not None
        if spec['pay_type'] == 'PrePaid':
            assert instance.expire_time == spec['expire_time']
        if spec.get('error_message') and direction == 'Forward':
            assert instance.error_message == spec['error_message']


def test_reads_a_status_for_every_listed_id(emulator, specs, make_client):
    client = make_client(emulator.port)
    seen, _pages = list_all(client, 30)
    ids = sorted(set(job_id for job_id, _direction in seen))
    body = client.statuses(ids)
    assert str(body.success).lower() == 'true'
    assert body.total_record_count == len(ids)
    by_id = dict((entry.synchronization_job_id, entry) for entry in body.synchronization_job_list_status_list)
    assert sorted(by_id) == ids
    expected = expected_records(specs, REGION)
    for job_id, entry in by_id.items():
        directions = dict((info.synchronization_direction, info) for info in entry.synchronization_direction_info_list)
        assert set(directions) == set(direction for (other, direction) in expected if other == job_id)
        for direction, info in directions.items():
            assert info.status == expected_status(expected[(job_id, direction)], direction)
            assert info.checkpoint.isdigit()
    assert any(len(entry.synchronization_direction_info_list) == 2 for entry in by_id.values())


def test_a_wrong_secret_is_refused_with_signature_does_not_match(emulator, make_client):
    client = make_client(emulator.port, secret='not-the-secret')
    code, status = refusal(client, lambda: client.list_page(10, 1))
    assert status == 400
    if isinstance(client, Legacy):
        # The legacy SDK renames SignatureDoesNotMatch to InvalidAccessKeySecret only when the
        # server's string-to-sign, quoted in the message, equals its own: so this also proves
        # that the emulator builds exactly the SDK's V1 string-to-sign.
        assert code == 'InvalidAccessKeySecret'
    else:
        assert code == 'SignatureDoesNotMatch'
    assert emulator.log[-1]['code'] == 'SignatureDoesNotMatch'


def test_an_unknown_access_key_is_refused(emulator, make_client):
    client = make_client(emulator.port, key='LTAI-nobody-has-this')
    assert refusal(client, lambda: client.list_page(10, 1)) == ('InvalidAccessKeyId.NotFound', 404)


def test_page_size_25_is_an_invalid_parameter(emulator, make_client):
    client = make_client(emulator.port)
    assert refusal(client, lambda: client.list_page(25, 1)) == ('InvalidParameter', 400)


def test_a_status_list_without_ids_is_a_missing_parameter(emulator, make_client):
    client = make_client(emulator.port)
    assert refusal(client, lambda: client.statuses(None)) == ('MissingParameter', 400)


def test_an_sts_token_is_accepted_when_required(sts_emulator, make_client):
    client = make_client(sts_emulator.port, token=TOKEN)
    seen, _pages = list_all(client, 30)
    assert set(seen) == set(expected_records(default_job_specs(sts_emulator.started), REGION))
    ids = sorted(set(job_id for job_id, _direction in seen))
    assert client.statuses(ids).total_record_count == len(ids)


def test_a_missing_sts_token_is_refused_when_required(sts_emulator, make_client):
    client = make_client(sts_emulator.port)
    assert refusal(client, lambda: client.list_page(10, 1)) == ('MissingSecurityToken', 400)


def test_a_wrong_sts_token_is_refused(sts_emulator, make_client):
    client = make_client(sts_emulator.port, token='some-other-token')
    assert refusal(client, lambda: client.list_page(10, 1)) == ('InvalidSecurityToken.MismatchWithAccessKey', 403)
