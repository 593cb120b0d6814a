# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Rate limits: a sliding one-second window per action, access key and region, on a clock the
tests step by hand (no sleeping, no wall-clock bounds)."""

import json

import pytest
import requests
from alibabacloud_dts20200101 import models as dts_models
from alibabacloud_dts20200101.client import Client as TeaClient
from alibabacloud_tea_openapi.exceptions import ThrottlingException
from alibabacloud_tea_openapi.models import Config

from emulator_wire import call

from conftest import AK, SECRET

HZ = 'cn-hangzhou'


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock(emulator):
    emulator.clock = Clock()
    return emulator.clock


def tea(emulator):
    return TeaClient(
        Config(
            access_key_id=AK,
            access_key_secret=SECRET,
            endpoint='127.0.0.1:%d' % emulator.port,
            protocol='http',
            region_id=HZ,
        )
    )


def detail_ids(emulator):
    return [job['dts_job_id'] for job in emulator.jobs if job['region'] == HZ]


def test_off_unless_configured(emulator, clock):
    for _number in range(60):
        assert call(emulator.endpoint, 'DescribeDtsJobs', {'Region': HZ}).status_code == 200
    assert emulator.counters['by_outcome'] == {'ok': 60}


def test_the_sdk_is_throttled_past_the_limit_and_not_under_it(emulator, clock):
    emulator.config['rate_limits'] = {'DescribeDtsJobs': 20}
    client = tea(emulator)
    request = dts_models.DescribeDtsJobsRequest(region=HZ, job_type='SYNC')
    for _number in range(20):
        assert client.describe_dts_jobs(request).body.success
    assert emulator.counters['by_outcome'] == {'ok': 20}, 'zero throttled answers under the limit'
    with pytest.raises(ThrottlingException) as caught:  # the SDK recognises the answer as throttling
        client.describe_dts_jobs(request)
    assert (caught.value.code, caught.value.status_code) == ('Throttling.User', 400)
    assert 'Request was denied due to user flow control.' in caught.value.message
    assert emulator.counters['by_outcome'] == {'ok': 20, 'throttle': 1}
    assert emulator.log[-1]['outcome'] == 'throttle' and emulator.log[-1]['code'] == 'Throttling.User'
    clock.now += 0.5
    with pytest.raises(ThrottlingException):
        client.describe_dts_jobs(request)
    clock.now += 0.51  # the first calls leave the window
    assert client.describe_dts_jobs(request).body.success


def test_the_window_slides(emulator, clock):
    emulator.config['rate_limits'] = {'DescribeDtsJobDetail': 4}
    job_id = detail_ids(emulator)[0]
    outcomes = []
    for _step in range(12):
        clock.now += 0.25  # 4 calls a second: exactly the limit, never over it
        outcomes.append(call(emulator.endpoint, 'DescribeDtsJobDetail', {'DtsJobId': job_id}).status_code)
    assert outcomes == [200] * 12
    clock.now += 0.25  # one call leaves the window: room for exactly one more
    burst = [call(emulator.endpoint, 'DescribeDtsJobDetail', {'DtsJobId': job_id}).status_code for _n in range(3)]
    assert burst == [200, 400, 400]


def test_limits_are_per_action_key_and_region(emulator, clock):
    emulator.config['rate_limits'] = {'DescribeDtsJobs': 2}
    codes = [call(emulator.endpoint, 'DescribeDtsJobs', {'Region': HZ}).status_code for _n in range(3)]
    assert codes == [200, 200, 400]
    assert call(emulator.endpoint, 'DescribeDtsJobs', {'Region': 'cn-beijing'}).status_code == 200
    assert call(emulator.endpoint, 'DescribeSynchronizationJobs', {'RegionId': HZ}).status_code == 200
    creds = requests.get(emulator.endpoint + '/_emulator/credentials-uri', timeout=10).json()
    other_key = call(
        emulator.endpoint,
        'DescribeDtsJobs',
        {'Region': HZ},
        key=creds['AccessKeyId'],
        secret=creds['AccessKeySecret'],
        token=creds['SecurityToken'],
    )
    assert other_key.status_code == 200


def test_an_account_quota_counts_every_region_together_and_a_call_must_fit_both_windows(emulator, clock):
    emulator.config['account_rate_limits'] = {'DescribeDtsJobs': 3}
    emulator.config['rate_limits'] = {'DescribeDtsJobs': 2}
    codes = [
        call(emulator.endpoint, 'DescribeDtsJobs', {'Region': region}).status_code
        for region in (HZ, 'cn-beijing', HZ, 'cn-shanghai', 'cn-beijing')
    ]
    # Hangzhou's third call is past its region's limit (not counted); Shanghai's is the account's 3rd.
    assert codes == [200, 200, 200, 400, 400]
    assert emulator.counters['by_outcome'] == {'ok': 3, 'throttle': 2}
    # Another action, or another key, is not counted against this one.
    assert call(emulator.endpoint, 'DescribeSynchronizationJobs', {'RegionId': HZ}).status_code == 200
    clock.now += 1.01
    assert call(emulator.endpoint, 'DescribeDtsJobs', {'Region': 'cn-shanghai'}).status_code == 200


def test_the_second_throttling_spelling(emulator, clock):
    answer = requests.post(
        emulator.endpoint + '/_emulator/config',
        timeout=10,
        data=json.dumps({'rate_limits': {'DescribeDtsJobs': 1}, 'throttle_code': 'Rejected.Throttling'}),
    ).json()
    assert answer['throttle_code'] == 'Rejected.Throttling'
    call(emulator.endpoint, 'DescribeDtsJobs', {'Region': HZ})
    refused = call(emulator.endpoint, 'DescribeDtsJobs', {'Region': HZ})
    assert (refused.status_code, refused.json()['Code']) == (400, 'Rejected.Throttling')
    assert emulator.counters['by_outcome']['throttle'] == 1


@pytest.mark.parametrize(
    'setting',
    [
        {'rate_limits': {'NoSuchAction': 1}},
        {'rate_limits': {'DescribeDtsJobs': 0}},
        {'account_rate_limits': {'DescribeDtsJobs': -1}},
        {'throttle_code': 'Throttling'},
        {'dts_jobs_page_cap': 0},
        {'oidc_tokens': 'one'},
    ],
)
def test_bad_settings_are_refused(emulator, setting):
    response = requests.post(emulator.endpoint + '/_emulator/config', data=json.dumps(setting), timeout=10)
    assert (response.status_code, response.json()['Code']) == (400, 'InvalidParameter')


def test_a_reset_empties_the_windows(emulator, clock):
    emulator.config['rate_limits'] = {'DescribeDtsJobs': 1}
    assert [call(emulator.endpoint, 'DescribeDtsJobs', {'Region': HZ}).status_code for _n in range(2)] == [200, 400]
    requests.post(emulator.endpoint + '/_emulator/reset', data='{}', timeout=10)
    assert call(emulator.endpoint, 'DescribeDtsJobs', {'Region': HZ}).status_code == 200
