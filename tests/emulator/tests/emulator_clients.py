# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The official clients behind one small interface, for the fidelity tests.

Four clients: the Tea SDK with its default V3 signing and with V1, and the legacy core SDK with
GET and POST. Every answer goes through the Tea SDK's response models (the legacy SDK has none of
its own), so a field the emulator misspells or nests wrongly shows up as a mismatch.
"""

import json
import math

from alibabacloud_dts20200101 import models as dts_models
from alibabacloud_dts20200101.client import Client as TeaClient
from alibabacloud_tea_openapi.exceptions import ClientException
from alibabacloud_tea_openapi.models import Config
from aliyunsdkcore.acs_exception.exceptions import ServerException
from aliyunsdkcore.auth.credentials import AccessKeyCredential, StsTokenCredential
from aliyunsdkcore.client import AcsClient
from aliyunsdkdts.request.v20200101.DescribeSynchronizationJobsRequest import DescribeSynchronizationJobsRequest
from aliyunsdkdts.request.v20200101.DescribeSynchronizationJobStatusListRequest import (
    DescribeSynchronizationJobStatusListRequest,
)

from dts_emulator import DEFAULT_ACCESS_KEY_ID as AK, DEFAULT_ACCESS_KEY_SECRET as SECRET

REGION = 'cn-hangzhou'
REFUSALS = (ClientException, ServerException)


class Tea:
    """alibabacloud_dts20200101.client.Client, V3 by default or V1 when asked."""

    def __init__(self, port, signature_version, key=AK, secret=SECRET, token=None):
        config = Config(
            access_key_id=key,
            access_key_secret=secret,
            security_token=token,
            endpoint='127.0.0.1:%d' % port,
            protocol='http',
            region_id=REGION,
        )
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


class Legacy:
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
