# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What DescribeSynchronizationJobs and DescribeSynchronizationJobStatusList answer, and how the
emulator's lifecycles, faults, latency and control API behave. Expectations come from
emulator_data.default_job_specs, never from hard-coded counts."""

import json
import math
import threading
import time

import pytest
import requests
from alibabacloud_dts20200101 import models as dts_models
from alibabacloud_dts20200101.client import Client as TeaClient
from alibabacloud_tea_openapi.models import Config

from dts_emulator import Emulator, Faults
from emulator_data import DEFAULT_REGION_SIZES, DOCUMENTED_STATUSES, canonical, default_data
from emulator_wire import call

from conftest import AK, SECRET, expected_records

LIST = 'DescribeSynchronizationJobs'
STATUS = 'DescribeSynchronizationJobStatusList'
HZ = 'cn-hangzhou'


def ok(response):
    assert response.status_code == 200, response.text
    return response.json()


def listing(emulator, region=HZ, **filters):
    """Every record of a filtered listing, through all pages: {(id, direction): record}."""
    params = dict(filters, RegionId=region, PageSize='30')
    records, number, total = {}, 1, None
    while total is None or number <= math.ceil(total / 30.0):
        page = ok(call(emulator.endpoint, LIST, dict(params, PageNum=str(number))))
        total = page['TotalRecordCount']
        for record in page['SynchronizationInstances']:
            records[(record['SynchronizationJobId'], record['SynchronizationDirection'])] = record
        number += 1
    assert len(records) == total
    return records


def statuses(emulator, ids, region=HZ, **kwargs):
    return call(
        emulator.endpoint, STATUS, {'RegionId': region, 'SynchronizationJobIdListJsonStr': json.dumps(ids)}, **kwargs
    )


def control(emulator, path, body=None, method=None, verify=True):
    method = method or ('POST' if body is not None else 'GET')
    response = requests.request(
        method,
        emulator.endpoint + '/_emulator/' + path,
        data=json.dumps(body) if body is not None else None,
        timeout=10,
        verify=verify,
    )
    return response


def keys_where(specs, region, predicate):
    return set(key for key, spec in expected_records(specs, region).items() if predicate(spec))


# -- the default data ----------------------------------------------------------------------------


def test_default_data_covers_every_status_in_every_region_and_many_jobs_in_hangzhou(specs):
    for region, _size in DEFAULT_REGION_SIZES:
        present = set(canonical(spec['status']) for spec in specs if spec['region'] == region)
        assert present == set(DOCUMENTED_STATUSES)
    assert sum(1 for spec in specs if spec['region'] == HZ) >= 40
    assert any(spec.get('two_way') for spec in specs)
    assert any(spec['tags'].get('owner') == '' for spec in specs)
    assert any(spec['status'] == 'synchronizing' for spec in specs), 'the wire spelling'
    assert any(spec['status'] == 'Initializating' for spec in specs), 'the documented misspelling'


def test_default_data_is_deterministic(specs, emulator):
    again = Emulator(AK, SECRET)
    assert [job['id'] for job in again.jobs] == [job['id'] for job in emulator.jobs]
    assert [job['id'] for job in emulator.jobs if job['origin'] == 'legacy'] == [s['id'] for s in specs]


def test_wire_quirks_numbers_as_strings_and_booleans_both_ways(emulator):
    records = listing(emulator).values()
    assert all(isinstance(record['Delay'], str) for record in records)
    assert all(isinstance(record['PrecheckStatus']['Percent'], str) for record in records)
    assert set(type(record['DataInitialization']) for record in records) == {bool, str}
    assert set(r['DataInitialization'] for r in records if isinstance(r['DataInitialization'], str)) == {'true'}


# -- filters -------------------------------------------------------------------------------------


@pytest.mark.parametrize('region', [region for region, _size in DEFAULT_REGION_SIZES])
def test_region_id_partitions_the_jobs(emulator, specs, region):
    assert set(listing(emulator, region)) == set(expected_records(specs, region))


def test_a_region_without_jobs_lists_nothing(emulator):
    page = ok(call(emulator.endpoint, LIST, {'RegionId': 'us-west-1', 'PageSize': '10'}))
    assert page['TotalRecordCount'] == 0
    assert page['SynchronizationInstances'] == []


def test_a_refused_region_answers_forbidden_ram(emulator):
    emulator.config['refused_regions'] = ['cn-beijing']
    response = call(emulator.endpoint, LIST, {'RegionId': 'cn-beijing'})
    assert (response.status_code, response.json()['Code']) == (403, 'Forbidden.RAM')


def test_a_refused_region_answers_the_configured_message_in_both_families(emulator):
    emulator.config.update(refused_regions=['cn-beijing'], refusal_message='{{ hostile }}')
    legacy = call(emulator.endpoint, LIST, {'RegionId': 'cn-beijing'})
    current = call(emulator.endpoint, 'DescribeDtsJobs', {'Region': 'cn-beijing', 'JobType': 'SYNC'})
    assert [(answer.status_code, answer.json()['Message']) for answer in (legacy, current)] == [
        (403, '{{ hostile }}')
    ] * 2


def test_tag_key_and_value_must_both_match(emulator, specs):
    found = listing(emulator, **{'Tag.1.Key': 'env', 'Tag.1.Value': 'prod'})
    assert set(found) == keys_where(specs, HZ, lambda spec: spec['tags'].get('env') == 'prod')
    assert found


def test_a_tag_key_alone_matches_any_value(emulator, specs):
    found = listing(emulator, **{'Tag.1.Key': 'owner'})
    assert set(found) == keys_where(specs, HZ, lambda spec: 'owner' in spec['tags'])
    assert found


def test_an_empty_tag_value_matches_only_empty_values(emulator, specs):
    assert set(listing(emulator, **{'Tag.1.Key': 'owner', 'Tag.1.Value': ''})) == keys_where(
        specs, HZ, lambda spec: spec['tags'].get('owner') == ''
    )
    assert listing(emulator, **{'Tag.1.Key': 'env', 'Tag.1.Value': ''}) == {}


def test_several_tags_must_all_match(emulator, specs):
    found = listing(
        emulator, **{'Tag.1.Key': 'env', 'Tag.1.Value': 'staging', 'Tag.2.Key': 'team', 'Tag.2.Value': 'payments'}
    )
    assert set(found) == keys_where(
        specs, HZ, lambda spec: spec['tags'].get('env') == 'staging' and spec['tags'].get('team') == 'payments'
    )


@pytest.mark.parametrize('params', [{'Tag.1.Value': 'prod'}, {'Tag.1.Key': ''}])
def test_a_tag_without_a_key_is_an_invalid_parameter(emulator, params):
    response = call(emulator.endpoint, LIST, dict(params, RegionId=HZ))
    assert (response.status_code, response.json()['Code']) == (400, 'InvalidParameter')


def test_tags_sent_by_the_tea_sdk_filter_alike(emulator, specs):
    client = TeaClient(
        Config(access_key_id=AK, access_key_secret=SECRET, endpoint='127.0.0.1:%d' % emulator.port, protocol='http')
    )
    tags = [
        dts_models.DescribeSynchronizationJobsRequestTag(key='env', value='dev'),
        dts_models.DescribeSynchronizationJobsRequestTag(key='owner'),
    ]
    found, number, total = set(), 1, None
    while total is None or len(found) < total:
        body = client.describe_synchronization_jobs(
            dts_models.DescribeSynchronizationJobsRequest(region_id=HZ, page_size=10, page_num=number, tag=tags)
        ).body
        total = body.total_record_count
        found |= set((i.synchronization_job_id, i.synchronization_direction) for i in body.synchronization_instances)
        number += 1
    assert found == keys_where(specs, HZ, lambda spec: spec['tags'].get('env') == 'dev' and 'owner' in spec['tags'])
    assert found


@pytest.mark.parametrize('fragment', ['订单', 'ORDERS-PROD', 'sync-0', '-Sync-'])
@pytest.mark.parametrize('signature', ['v3', 'v1'])
def test_the_name_filter_is_a_case_insensitive_substring(emulator, specs, fragment, signature):
    params = {'RegionId': HZ, 'PageSize': '30', 'SynchronizationJobName': fragment}
    total = ok(call(emulator.endpoint, LIST, params, signature=signature))['TotalRecordCount']
    expected = keys_where(specs, HZ, lambda spec: fragment.lower() in spec['name'].lower())
    assert total == len(expected)
    assert set(listing(emulator, SynchronizationJobName=fragment)) == expected


def test_a_unicode_name_comes_back_intact(emulator):
    found = listing(emulator, SynchronizationJobName='订单')
    names = set(record['SynchronizationJobName'] for record in found.values())
    assert names and all(name.startswith('订单中心-') for name in names)


def test_resource_group_id_filters(emulator, specs):
    for group in ('rg-acfmprod0001', 'rg-acfmtest0002'):
        found = listing(emulator, ResourceGroupId=group)
        # keys_where calls the lambda before the loop moves on.
        assert set(found) == keys_where(specs, HZ, lambda spec: spec['resource_group_id'] == group)  # noqa: B023
        assert found
    assert listing(emulator, ResourceGroupId='rg-nobody') == {}


@pytest.mark.parametrize('size,number', [('25', '1'), ('50', '1'), ('ten', '1'), ('10', '0'), ('10', 'x')])
def test_page_parameters_are_validated(emulator, size, number):
    response = call(emulator.endpoint, LIST, {'RegionId': HZ, 'PageSize': size, 'PageNum': number})
    assert (response.status_code, response.json()['Code']) == (400, 'InvalidParameter')


def test_page_size_defaults_to_30(emulator):
    page = ok(call(emulator.endpoint, LIST, {'RegionId': HZ}))
    assert (page['PageRecordCount'], page['PageNumber'], len(page['SynchronizationInstances'])) == (30, 1, 30)


# -- the status list ----------------------------------------------------------------------------


def test_unknown_ids_and_other_regions_are_left_out(emulator, specs):
    hangzhou = [spec['id'] for spec in specs if spec['region'] == HZ][:3]
    beijing = [spec['id'] for spec in specs if spec['region'] == 'cn-beijing'][:1]
    body = ok(statuses(emulator, hangzhou + ['dtsdoesnotexist'] + beijing))
    assert [entry['SynchronizationJobId'] for entry in body['SynchronizationJobListStatusList']] == hangzhou
    assert body['TotalRecordCount'] == 3


def test_two_way_jobs_answer_both_directions(emulator, specs):
    two_way = [spec for spec in specs if spec['region'] == HZ and spec.get('two_way')]
    assert two_way
    body = ok(statuses(emulator, [spec['id'] for spec in two_way]))
    for spec, entry in zip(two_way, body['SynchronizationJobListStatusList']):
        assert [
            (info['SynchronizationDirection'], info['Status']) for info in entry['SynchronizationDirectionInfoList']
        ] == [('Forward', spec['status']), ('Reverse', spec['reverse_status'])]


def test_success_arrives_as_a_boolean_or_as_a_string(emulator, specs):
    ids = [spec['id'] for spec in specs if spec['region'] == HZ]
    assert ok(statuses(emulator, ids[:1]))['Success'] is True
    assert ok(statuses(emulator, ids[:2]))['Success'] == 'true'


@pytest.mark.parametrize('raw', ['dts1,dts2', '{"id": "dts1"}', '[1, 2]', '"dts1"'])
def test_the_id_list_must_be_a_json_array_of_strings(emulator, raw):
    response = call(emulator.endpoint, STATUS, {'RegionId': HZ, 'SynchronizationJobIdListJsonStr': raw})
    assert (response.status_code, response.json()['Code']) == (400, 'InvalidParameter')


def test_an_empty_id_list_parameter_is_missing(emulator):
    response = call(emulator.endpoint, STATUS, {'RegionId': HZ, 'SynchronizationJobIdListJsonStr': ''})
    assert (response.status_code, response.json()['Code']) == (400, 'MissingParameter')


def test_the_in_body_failure_is_answered_once_per_request_queued(emulator, specs):
    ids = [specs[0]['id']]
    emulator.status_list_failures.append({'code': 'InternalError', 'message': 'boom'})
    assert control(emulator, 'status-list-failure', {'count': 2, 'success_value': False}).json() == {'pending': 3}
    first = ok(statuses(emulator, ids))
    assert first == dict(first, Success='false', ErrCode='InternalError', ErrMessage='boom')
    assert 'SynchronizationJobListStatusList' not in first
    for _attempt in range(2):
        assert ok(statuses(emulator, ids))['Success'] is False
    assert ok(statuses(emulator, ids))['TotalRecordCount'] == 1


def test_max_status_ids_refuses_longer_lists(emulator, specs):
    ids = [spec['id'] for spec in specs if spec['region'] == HZ]
    assert ok(statuses(emulator, ids))['TotalRecordCount'] == len(ids)
    control(emulator, 'config', {'max_status_ids': 5})
    assert ok(statuses(emulator, ids[:5]))['TotalRecordCount'] == 5
    response = statuses(emulator, ids[:6])
    assert (response.status_code, response.json()['Code']) == (400, 'InvalidParameter')


# -- lifecycles ---------------------------------------------------------------------------------


def status_of(emulator, job_id, region=HZ):
    entry = ok(statuses(emulator, [job_id], region))['SynchronizationJobListStatusList'][0]
    return dict(
        (info['SynchronizationDirection'], info['Status']) for info in entry['SynchronizationDirectionInfoList']
    )['Forward']


def first_job(specs, status):
    return next(spec['id'] for spec in specs if spec['region'] == HZ and spec['status'] == status)


def test_a_timeline_advances_one_step_per_poll(emulator, specs):
    job_id = first_job(specs, 'NotStarted')
    response = control(
        emulator,
        'jobs/%s/timeline' % job_id,
        {
            'steps': [
                {'status': 'Synchronizing', 'after_polls': 3, 'delay': 2},
                {'status': 'Prechecking', 'after_polls': 1},
                {'status': 'Initializing', 'after_polls': 2},
            ]
        },
    )
    assert response.json() == {'job': job_id, 'steps': 3}
    assert [status_of(emulator, job_id) for _poll in range(4)] == [
        'Prechecking',
        'Initializing',
        'Synchronizing',
        'Synchronizing',
    ]
    record = listing(emulator, SynchronizationJobName=next(s['name'] for s in specs if s['id'] == job_id))
    assert record[(job_id, 'Forward')]['Delay'] == '2'


def test_a_listing_page_counts_as_a_poll(emulator, specs):
    job_id = specs[0]['id']
    emulator.set_timeline(job_id, [{'status': 'Failed', 'after_polls': 1, 'error_message': 'DTS-1: gone'}])
    page = ok(call(emulator.endpoint, LIST, {'RegionId': specs[0]['region'], 'PageSize': '30'}))
    record = next(r for r in page['SynchronizationInstances'] if r['SynchronizationJobId'] == job_id)
    assert (record['Status'], record['ErrorMessage']) == ('Failed', 'DTS-1: gone')


def test_a_timeline_by_seconds_is_due_at_the_first_poll_after_it(emulator, specs):
    job_id = first_job(specs, 'NotStarted')
    emulator.set_timeline(
        job_id, [{'status': 'Prechecking', 'after_seconds': 0}, {'status': 'Synchronizing', 'after_seconds': 3600}]
    )
    assert status_of(emulator, job_id) == 'Prechecking'
    assert status_of(emulator, job_id) == 'Prechecking'


def test_a_scripted_failure_carries_its_error_message_and_clears_on_recovery(emulator, specs):
    job_id = first_job(specs, 'NotStarted')
    name = next(spec['name'] for spec in specs if spec['id'] == job_id)
    control(emulator, 'jobs/%s/status' % job_id, {'status': 'InitializeFailed', 'error_message': 'DTS-2: no space'})
    assert listing(emulator, SynchronizationJobName=name)[(job_id, 'Forward')]['ErrorMessage'] == 'DTS-2: no space'
    control(emulator, 'jobs/%s/status' % job_id, {'status': 'synchronizing'})
    record = listing(emulator, SynchronizationJobName=name)[(job_id, 'Forward')]
    assert record['Status'] == 'synchronizing' and 'ErrorMessage' not in record


def test_setting_the_reverse_direction_of_a_two_way_job(emulator, specs):
    spec = next(spec for spec in specs if spec['region'] == HZ and spec.get('two_way'))
    emulator.set_status(spec['id'], 'Suspending', direction='Reverse')
    entry = ok(statuses(emulator, [spec['id']]))['SynchronizationJobListStatusList'][0]
    assert [info['Status'] for info in entry['SynchronizationDirectionInfoList']] == [spec['status'], 'Suspending']


def test_an_unknown_job_in_the_control_api_is_not_found(emulator):
    response = control(emulator, 'jobs/dtsnope/status', {'status': 'Failed'})
    assert (response.status_code, response.json()['Code']) == (404, 'InvalidJobId.NotFound')


# -- faults, latency, concurrency ------------------------------------------------------------------


def outcomes(emulator, count, action=LIST):
    result = []
    for _attempt in range(count):
        response = call(emulator.endpoint, action, {'RegionId': HZ, 'PageSize': '10'})
        result.append(
            (
                response.status_code,
                response.json().get('Code') if response.status_code != 200 else None,
                response.headers.get('x-acs-retry-after'),
            )
        )
    return result


def test_every_third_request_is_throttled_with_a_retry_after_in_milliseconds(emulator):
    emulator.faults = Faults(0, throttle_every=3)
    emulator.config['retry_after_ms'] = 1200
    seen = outcomes(emulator, 9)
    assert [i for i, outcome in enumerate(seen, 1) if outcome[0] != 200] == [3, 6, 9]
    assert set(seen[i] for i in (2, 5, 8)) == {(400, 'Throttling.User', '1200')}
    assert all(outcome[2] is None for outcome in seen if outcome[0] == 200)


def test_every_fifth_request_is_a_503(emulator):
    control(emulator, 'faults', {'5xx_every': 5})
    seen = outcomes(emulator, 10)
    assert [i for i, outcome in enumerate(seen, 1) if outcome[0] != 200] == [5, 10]
    assert seen[4][:2] == (503, 'ServiceUnavailable')


def test_throttling_and_5xx_rules_combine_deterministically(emulator):
    control(emulator, 'faults', {'throttle_every': 3, '5xx_every': 5})
    codes = [outcome[0] for outcome in outcomes(emulator, 15)]
    assert codes == [200, 200, 400, 200, 503, 400, 200, 200, 400, 503, 200, 400, 200, 200, 400]
    assert emulator.counters['by_outcome'] == {'ok': 8, 'throttle': 5, '5xx': 2}


def test_random_fault_rates_repeat_for_the_same_seed(emulator):
    runs = []
    for seed in (7, 7, 8):
        control(emulator, 'faults', {'seed': seed, 'throttle_rate': 0.3, '5xx_rate': 0.2})
        runs.append([outcome[0] for outcome in outcomes(emulator, 20)])
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]
    assert set(runs[0]) == {200, 400, 503}


def test_a_fault_script_plays_in_order_then_stops(emulator):
    emulator.faults = Faults(0, script=['ok', 'throttle', '5xx', 'badjson', 'truncate'])
    responses = [call(emulator.endpoint, LIST, {'RegionId': HZ, 'PageSize': '10'}) for _attempt in range(6)]
    assert [r.status_code for r in responses] == [200, 400, 503, 200, 200, 200]
    for broken in responses[3:5]:
        with pytest.raises(ValueError):
            json.loads(broken.content)
    assert len(responses[5].json()['SynchronizationInstances']) == 10


def test_a_reset_fault_drops_the_connection(emulator):
    emulator.faults = Faults(0, script=['reset'])
    with pytest.raises(requests.ConnectionError):
        call(emulator.endpoint, LIST, {'RegionId': HZ})
    assert ok(call(emulator.endpoint, LIST, {'RegionId': HZ}))['PageNumber'] == 1


def test_a_stall_fault_outlasts_the_client_timeout(emulator):
    emulator.faults = Faults(0, script=['stall'], stall_seconds=1)
    with pytest.raises(requests.ReadTimeout):
        call(emulator.endpoint, LIST, {'RegionId': HZ}, timeout=0.2)


def test_faults_spare_sts_and_the_control_api(emulator):
    emulator.faults = Faults(0, throttle_every=1)
    response = call(
        emulator.endpoint,
        'AssumeRole',
        {'RoleArn': 'acs:ram::1234567890123456:role/reader', 'RoleSessionName': 's'},
        signature='v1',
        version='2015-04-01',
    )
    assert response.status_code == 200
    assert control(emulator, 'health').status_code == 200
    assert outcomes(emulator, 1)[0][:2] == (400, 'Throttling.User')


def test_latency_is_added_to_dts_answers(emulator):
    control(emulator, 'config', {'latency_ms': 150})
    started = time.monotonic()
    ok(call(emulator.endpoint, LIST, {'RegionId': HZ}))
    assert time.monotonic() - started >= 0.15
    assert emulator.log[-1]['duration'] >= 0.15
    control(emulator, 'config', {'latency_ms': 0})
    started = time.monotonic()
    ok(call(emulator.endpoint, LIST, {'RegionId': HZ}))
    assert time.monotonic() - started < 0.15


def test_max_in_flight_counts_concurrent_requests(emulator):
    emulator.latency_ms = 300
    barrier = threading.Barrier(5)
    codes = []

    def one():
        barrier.wait(timeout=5)
        codes.append(call(emulator.endpoint, LIST, {'RegionId': HZ}).status_code)

    threads = [threading.Thread(target=one) for _attempt in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert codes == [200] * 5
    assert emulator.counters['max_in_flight'] == 5
    assert emulator.counters['in_flight'] == 0


# -- control API ------------------------------------------------------------------------------------


def test_health_log_and_counters(emulator):
    assert control(emulator, 'health').json() == {'status': 'ok', 'endpoint': emulator.endpoint}
    ok(call(emulator.endpoint, LIST, {'RegionId': HZ}, signature='v1', token=None))
    call(emulator.endpoint, LIST, {'RegionId': HZ}, secret='wrong')
    log = control(emulator, 'requests').json()['requests']
    assert [(entry['action'], entry['signature'], entry['status'], entry['code']) for entry in log] == [
        (LIST, 'v1', 200, None),
        (LIST, 'v3', 400, 'SignatureDoesNotMatch'),
    ]
    assert not set(log[0]['params']) & {'Signature', 'SecurityToken', 'AccessKeyId'}
    counters = control(emulator, 'counters').json()
    assert counters['total'] == 2
    assert counters['by_action'] == {LIST: 2}
    assert counters['by_outcome'] == {'ok': 1, 'error': 1}


def test_reset_clears_the_log_and_reload_restores_the_data(emulator, specs):
    job_id = specs[0]['id']
    emulator.set_status(job_id, 'Failed', error_message='x')
    call(emulator.endpoint, LIST, {'RegionId': HZ}, nonce='once')
    assert control(emulator, 'reset', {}).json() == {'reset': True}
    assert emulator.log == [] and emulator.counters['total'] == 0
    assert call(emulator.endpoint, LIST, {'RegionId': HZ}, nonce='once').status_code == 200, 'nonces forgotten'
    assert emulator.job(job_id)['directions']['Forward']['status'] == 'Failed'
    control(emulator, 'reset', {'reload': True})
    assert emulator.job(job_id)['directions']['Forward']['status'] == specs[0]['status']


def test_jobs_can_be_read_added_and_replaced(emulator, specs):
    beijing = control(emulator, 'jobs?region=cn-beijing').json()['jobs']
    assert set(job['id'] for job in beijing) == set(spec['id'] for spec in specs if spec['region'] == 'cn-beijing')
    added = {'id': 'dtsaddedjob0001', 'region': 'us-west-1', 'name': '新任务', 'tags': {'env': 'prod'}, 'two_way': True}
    assert control(emulator, 'jobs', {'jobs': [added]}).json() == {'jobs': len(default_data(emulator.started)) + 1}
    assert set(listing(emulator, 'us-west-1')) == {('dtsaddedjob0001', 'Forward'), ('dtsaddedjob0001', 'Reverse')}
    assert control(emulator, 'jobs', {'jobs': [added], 'replace': True}).json() == {'jobs': 1}
    assert listing(emulator) == {}


def test_config_refuses_unknown_settings_and_paths(emulator):
    response = control(emulator, 'config', {'no_such_setting': 1})
    assert (response.status_code, response.json()['Code']) == (400, 'InvalidParameter')
    response = control(emulator, 'nowhere')
    assert (response.status_code, response.json()['Code']) == (404, 'InvalidAction.NotFound')
    assert control(emulator, 'config', {'retry_after_ms': 10}).json()['retry_after_ms'] == 10


def test_a_request_is_recorded_before_its_answer_arrives(emulator):
    # Tests read the log and counters right after an answer; the emulator must not record later.
    emulator.faults = Faults(0, throttle_every=4)
    for number in range(1, 41):
        call(emulator.endpoint, LIST, {'RegionId': HZ, 'PageSize': '10'})
        assert (len(emulator.log), emulator.counters['total'], emulator.counters['in_flight']) == (number, number, 0)
        assert emulator.log[-1]['status'] == (400 if number % 4 == 0 else 200)


@pytest.mark.parametrize(
    'path,body',
    [
        ('jobs/%s/status', 'not json'),
        ('jobs/%s/status', '{"direction": "Forward"}'),
        ('jobs/%s/timeline', '{"steps": "soon"}'),
        ('faults', '{"throttle_every": "often"}'),
        ('config', '[1, 2]'),
    ],
)
def test_a_malformed_control_request_is_answered_with_400(emulator, specs, path, body):
    if '%s' in path:
        path = path % specs[0]['id']
    response = requests.post(emulator.endpoint + '/_emulator/' + path, data=body, timeout=10)
    assert (response.status_code, response.json()['Code']) == (400, 'InvalidParameter')
    assert control(emulator, 'health').status_code == 200


def test_reload_restores_the_data_the_emulator_started_with():
    spec = {'id': 'dtsownjob000001', 'region': 'cn-hangzhou', 'name': 'own', 'status': 'NotStarted'}
    with Emulator(AK, SECRET, job_specs=[spec]) as emulator:
        emulator.set_status(spec['id'], 'Synchronizing')
        control(emulator, 'jobs', {'jobs': [dict(spec, id='dtsownjob000002')]})
        control(emulator, 'reset', {'reload': True})
        assert [(job['id'], job['directions']['Forward']['status']) for job in emulator.jobs] == [
            ('dtsownjob000001', 'NotStarted')
        ]


def test_keep_alive_requests_are_not_held_back_by_delayed_acks(emulator):
    # Both official SDKs reuse connections; each answer must not wait ~40 ms for a delayed ACK.
    session = requests.Session()
    assert session.get(emulator.endpoint + '/_emulator/health', timeout=5).ok
    started = time.monotonic()
    for _attempt in range(20):
        assert session.get(emulator.endpoint + '/_emulator/health', timeout=5).ok
    assert time.monotonic() - started < 0.4
