# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The current API family (DescribeDtsJobs, DescribeDtsJobDetail) through the official Tea SDK,
unchanged, with V3 and V1 signatures: every answer parses through the SDK's models with nothing
left over, and the quirks (Region required, the page cap, milliseconds in the detail, in-body
failures, the two families' visibility) hold. Expectations come from emulator_data."""

import json
import time

import pytest
import requests
from alibabacloud_dts20200101 import models as dts_models
from alibabacloud_dts20200101.client import Client as TeaClient
from alibabacloud_tea_openapi.exceptions import ClientException
from alibabacloud_tea_openapi.models import Config

from emulator_data import canonical, current_job_specs, default_data, generate_job_specs, make_job
from emulator_wire import call

from conftest import AK, SECRET

HZ = 'cn-hangzhou'
JOBS = 'DescribeDtsJobs'
DETAIL = 'DescribeDtsJobDetail'


def tea(emulator, signature_version='v3'):
    config = Config(
        access_key_id=AK,
        access_key_secret=SECRET,
        endpoint='127.0.0.1:%d' % emulator.port,
        protocol='http',
        region_id=HZ,
    )
    if signature_version == 'v1':
        config.signature_version = 'v1'
    return TeaClient(config)


@pytest.fixture(params=['v3', 'v1'])
def client(request, emulator):
    return tea(emulator, request.param)


@pytest.fixture
def jobs(emulator):
    """Every stored job as the emulator built it from the default data."""
    return [make_job(spec, emulator.started) for spec in default_data(emulator.started)]


def assert_parses(model, raw):
    """The SDK model holds every value sent: nothing misspelled, nothing nested wrongly."""

    def contained(sent, kept, path):
        if isinstance(sent, dict):
            assert isinstance(kept, dict), path
            for key, value in sent.items():
                assert key in kept, 'the SDK model has no %s%s' % (path, key)
                contained(value, kept[key], path + key + '.')
        elif isinstance(sent, list):
            assert isinstance(kept, list) and len(kept) == len(sent), path
            for one, other in zip(sent, kept):
                contained(one, other, path)
        else:
            assert sent == kept and type(sent) is type(kept), (path, sent, kept)

    parsed = model().from_map(raw)
    contained(raw, parsed.to_map(), '')
    return parsed


def list_dts(client, region=HZ, job_type='SYNC', size=30, **filters):
    """Page through DescribeDtsJobs the way a careful client does: by PageRecordCount."""
    seen, number, total = {}, 1, None
    while total is None or sum(1 for _job in seen) < total:
        request = dts_models.DescribeDtsJobsRequest(
            region=region, job_type=job_type, page_size=size, page_number=number, **filters
        )
        body = client.describe_dts_jobs(request).body
        total = body.total_record_count
        assert body.success is True and body.http_status_code == 200 and body.page_number == number
        assert body.page_record_count == len(body.dts_job_list)
        if not body.dts_job_list:
            break
        for job in body.dts_job_list:
            assert job.dts_job_id not in seen, 'listed twice: %s' % job.dts_job_id
            seen[job.dts_job_id] = job
        number += 1
    assert len(seen) == total
    return seen


def raw_dts(emulator, params, **kwargs):
    response = call(emulator.endpoint, JOBS, params, **kwargs)
    assert response.status_code == 200, response.text
    return response.json()


# -- DescribeDtsJobs through the SDK -----------------------------------------------------------------


def test_the_sdk_lists_every_sync_job_of_the_region_once_with_typed_values(emulator, client, jobs):
    listed = list_dts(client, size=10)
    expected = dict((job['dts_job_id'], job) for job in jobs if job['region'] == HZ and job['job_type'] == 'SYNC')
    assert set(listed) == set(expected)
    assert any(job['origin'] == 'legacy' for job in expected.values()), 'legacy-made jobs are listed too'
    for job_id, entry in listed.items():
        job = expected[job_id]
        forward = job['directions']['Forward']
        assert entry.dts_instance_id == job['id']
        assert entry.dts_job_name == job['name']
        assert entry.status == ('Initializing' if forward['status'] == 'Initializating' else forward['status'])
        assert isinstance(entry.delay, int) and entry.delay == forward['delay']
        assert isinstance(entry.checkpoint, str) and entry.checkpoint.isdigit()
        assert entry.job_type == 'SYNC' and entry.dts_job_direction == 'Forward'
        assert entry.source_endpoint.port == '3306' and entry.source_endpoint.region == HZ
        assert dict((tag.tag_key, tag.tag_value) for tag in entry.tag_list) == job['tags']
        assert (entry.reverse_job is not None) == ('Reverse' in job['directions'])
        if entry.reverse_job is not None:
            assert entry.reverse_job.dts_job_direction == 'Reverse'
            assert entry.reverse_job.status == job['directions']['Reverse']['status']
        if forward.get('error_message'):
            assert entry.error_message == forward['error_message']


def test_every_record_parses_through_the_sdk_models(emulator, client):
    for job_type in ('SYNC', 'MIGRATION', 'SUBSCRIBE'):
        raw = raw_dts(emulator, {'Region': HZ, 'JobType': job_type, 'PageSize': '30'})
        assert raw['DtsJobList']
        assert_parses(dts_models.DescribeDtsJobsResponseBody, raw)
        for entry in raw['DtsJobList']:
            params = {'DtsJobId': entry['DtsJobId'], 'RegionId': HZ}
            detail = call(emulator.endpoint, DETAIL, params).json()
            assert_parses(dts_models.DescribeDtsJobDetailResponseBody, detail)


def test_the_default_data_mixes_what_clients_must_handle(emulator, jobs):
    current = [job for job in jobs if job['origin'] == 'current']
    assert len(set(job['region'] for job in current if job['job_type'] == 'SYNC')) >= 3
    assert {'MIGRATION', 'SUBSCRIBE', 'SYNC'} == set(job['job_type'] for job in current)
    sync = [job for job in current if job['job_type'] == 'SYNC']
    assert any('Reverse' in job['directions'] for job in sync)
    assert any(job['directions']['Forward']['delay'] == -1 for job in sync)
    assert any(job['directions']['Forward']['status'] == 'synchronizing' for job in sync)
    assert any(job['directions']['Forward']['status'] == 'Synchronizing' for job in sync)
    assert any(
        job['directions']['Forward'].get('error_message')
        and canonical(job['directions']['Forward']['status']) == 'Failed'
        for job in sync
    )
    assert all(len(job['dts_job_id']) == 11 and job['id'] == 'dts' + job['dts_job_id'] for job in current)


def test_job_type_defaults_to_migration_and_separates_the_types(emulator, jobs):
    default = raw_dts(emulator, {'Region': HZ, 'PageSize': '30'})
    migrations = set(job['dts_job_id'] for job in jobs if job['region'] == HZ and job['job_type'] == 'MIGRATION')
    assert set(entry['DtsJobId'] for entry in default['DtsJobList']) == migrations
    assert all(entry['JobType'] == 'MIGRATION' for entry in default['DtsJobList'])
    subscribe = raw_dts(emulator, {'Region': HZ, 'JobType': 'subscribe'})
    assert [entry['JobType'] for entry in subscribe['DtsJobList']] == ['SUBSCRIBE']


def test_region_is_required_and_region_id_alone_is_refused(emulator, client):
    with pytest.raises(ClientException) as caught:
        client.describe_dts_jobs(dts_models.DescribeDtsJobsRequest(region_id=HZ, job_type='SYNC'))
    assert (caught.value.code, caught.value.status_code) == ('MissingRegion', 400)
    assert 'Region' in caught.value.message


def test_page_num_is_ignored_and_page_size_is_checked(emulator):
    first = raw_dts(emulator, {'Region': HZ, 'JobType': 'SYNC', 'PageSize': '10'})
    ignored = raw_dts(emulator, {'Region': HZ, 'JobType': 'SYNC', 'PageSize': '10', 'PageNum': '3'})
    assert [e['DtsJobId'] for e in ignored['DtsJobList']] == [e['DtsJobId'] for e in first['DtsJobList']]
    assert ignored['PageNumber'] == 1
    assert raw_dts(emulator, {'Region': HZ, 'JobType': 'SYNC'})['PageRecordCount'] == 20, 'PageSize defaults to 20'
    for size in ('25', '0', 'x'):
        response = call(emulator.endpoint, JOBS, {'Region': HZ, 'PageSize': size})
        assert (response.status_code, response.json()['Code']) == (400, 'InvalidParameter')


def test_the_page_cap_holds_pages_short_and_a_careful_client_still_sees_every_job(emulator, client, jobs):
    emulator.config['dts_jobs_page_cap'] = 7
    expected = set(job['dts_job_id'] for job in jobs if job['region'] == HZ and job['job_type'] == 'SYNC')
    first = raw_dts(emulator, {'Region': HZ, 'JobType': 'SYNC', 'PageSize': '100'})
    assert first['TotalRecordCount'] == len(expected) > 7
    assert first['PageRecordCount'] == len(first['DtsJobList']) == 7
    # A client that trusts PageSize stops after one page of "100" and misses the rest.
    assert len(expected) > len(first['DtsJobList'])
    assert set(list_dts(client, size=100)) == expected


def test_the_filters(emulator, jobs):
    sync = [job for job in jobs if job['region'] == HZ and job['job_type'] == 'SYNC']

    def ids(**params):
        answer = raw_dts(emulator, dict({'Region': HZ, 'JobType': 'SYNC', 'PageSize': '100'}, **params))
        assert answer['TotalRecordCount'] <= 30, 'the test keeps its answers on one page'
        return set(entry['DtsJobId'] for entry in answer['DtsJobList'])

    assert ids(Type='name', Params='ORDERS-prod') == set(
        job['dts_job_id'] for job in sync if 'orders-prod' in job['name'].lower()
    )
    target = next(job for job in sync if job['origin'] == 'current')
    assert ids(Type='instance', Params=target['id']) == {target['dts_job_id']}
    assert ids(DtsInstanceId=target['id']) == {target['dts_job_id']}
    pair = sorted(job['dts_job_id'] for job in sync)[:2]
    assert ids(DtsJobId=','.join(pair)) == set(pair)
    failing = set(
        job['dts_job_id'] for job in sync if canonical(job['directions']['Forward']['status']) in ('Failed', 'Retrying')
    )
    assert failing and ids(Status='failed,RETRYING') == failing
    tagged = set(job['dts_job_id'] for job in sync if job['tags'].get('env') == 'prod' and 'team' in job['tags'])
    assert ids(Tags=json.dumps([{'key': 'env', 'value': 'prod'}, {'key': 'team'}]), PageSize='30') <= tagged
    tags = json.dumps([{'key': 'env', 'value': 'prod'}, {'key': 'team'}])
    total = raw_dts(emulator, {'Region': HZ, 'JobType': 'SYNC', 'Tags': tags})
    assert total['TotalRecordCount'] == len(tagged)
    groups = set(job['dts_job_id'] for job in sync if job['resource_group_id'] == 'rg-acfmtest0002')
    assert raw_dts(emulator, {'Region': HZ, 'JobType': 'SYNC', 'ResourceGroupId': 'rg-acfmtest0002'})[
        'TotalRecordCount'
    ] == len(groups)
    bad = call(emulator.endpoint, JOBS, {'Region': HZ, 'Tags': '{"key": "env"}'})
    assert (bad.status_code, bad.json()['Code']) == (400, 'InvalidParameter')


def test_lowercase_statuses_when_configured(emulator):
    before = raw_dts(emulator, {'Region': HZ, 'JobType': 'SYNC', 'PageSize': '30'})
    assert any(entry['Status'][0].isupper() for entry in before['DtsJobList'])
    emulator.config['lowercase_statuses'] = True
    after = raw_dts(emulator, {'Region': HZ, 'JobType': 'SYNC', 'PageSize': '30'})
    assert all(entry['Status'] == entry['Status'].lower() for entry in after['DtsJobList'])
    assert [entry['Status'].lower() for entry in after['DtsJobList']] == [
        entry['Status'].lower() for entry in before['DtsJobList']
    ]


# -- the two families ---------------------------------------------------------------------------------


def test_current_made_jobs_are_invisible_to_the_legacy_calls(emulator, jobs):
    current = [job for job in jobs if job['origin'] == 'current' and job['region'] == HZ]
    legacy_ids = set()
    number = 1
    while True:
        page = call(
            emulator.endpoint, 'DescribeSynchronizationJobs', {'RegionId': HZ, 'PageSize': '30', 'PageNum': str(number)}
        ).json()
        if not page['SynchronizationInstances']:
            break
        legacy_ids.update(record['SynchronizationJobId'] for record in page['SynchronizationInstances'])
        number += 1
    assert legacy_ids == set(job['id'] for job in jobs if job['origin'] == 'legacy' and job['region'] == HZ)
    status = call(
        emulator.endpoint,
        'DescribeSynchronizationJobStatusList',
        {'RegionId': HZ, 'SynchronizationJobIdListJsonStr': json.dumps([job['id'] for job in current])},
    ).json()
    assert status['SynchronizationJobListStatusList'] == []
    visible = requests.get(emulator.endpoint + '/_emulator/jobs?region=' + HZ, timeout=10).json()['jobs']
    assert set(job['id'] for job in visible) == legacy_ids, 'the control API lists what the legacy listing shows'
    everything = requests.get(emulator.endpoint + '/_emulator/jobs?region=%s&origin=all' % HZ, timeout=10).json()
    assert len(everything['jobs']) == len([job for job in jobs if job['region'] == HZ])


def test_a_legacy_made_job_keeps_its_id_as_instance_id_in_the_current_family(emulator, jobs):
    legacy = next(job for job in jobs if job['origin'] == 'legacy' and job['region'] == HZ)
    entry = raw_dts(emulator, {'Region': HZ, 'JobType': 'SYNC', 'DtsInstanceId': legacy['id']})['DtsJobList'][0]
    assert entry['DtsInstanceID'] == legacy['id'] == 'dts' + entry['DtsJobId']


# -- DescribeDtsJobDetail ------------------------------------------------------------------------------


def test_the_detail_speaks_milliseconds_and_integer_checkpoints(emulator, client, jobs):
    two_way = next(job for job in jobs if job['origin'] == 'current' and 'Reverse' in job['directions'])
    emulator.set_status(two_way['id'], 'Synchronizing', delay=3, checkpoint=1767225600)
    request = dts_models.DescribeDtsJobDetailRequest(dts_job_id=two_way['dts_job_id'], region_id=two_way['region'])
    body = client.describe_dts_job_detail(request).body
    assert (body.delay, body.checkpoint, body.status) == (3000, 1767225600, 'Synchronizing')
    assert body.dts_instance_id == two_way['id'] and body.synchronization_direction == 'Forward'
    assert body.success is True and body.source_endpoint.port == '3306'
    sub = body.sub_sync_job[0]
    assert sub.precheck_status.status == 'Finished'  # DescribeDtsJobs' documented spelling
    assert sub.reverse_job.synchronization_direction == 'Reverse'
    assert dict((tag.tag_key, tag.tag_value) for tag in sub.tag_list) == two_way['tags']
    listed = raw_dts(emulator, {'Region': two_way['region'], 'JobType': 'SYNC', 'DtsJobId': two_way['dts_job_id']})
    assert (listed['DtsJobList'][0]['Delay'], listed['DtsJobList'][0]['Checkpoint']) == (3, '1767225600')
    reverse = client.describe_dts_job_detail(
        dts_models.DescribeDtsJobDetailRequest(dts_job_id=two_way['dts_job_id'], synchronization_direction='Reverse')
    ).body
    assert reverse.dts_job_direction == 'Reverse' and reverse.sub_sync_job[0].reverse_job is None


def test_a_delay_not_started_is_minus_one_in_both_calls(emulator, jobs):
    job = next(job for job in jobs if job['origin'] == 'current' and job['directions']['Forward']['delay'] == -1)
    detail = call(emulator.endpoint, DETAIL, {'DtsJobId': job['dts_job_id']}).json()
    listed = raw_dts(emulator, {'Region': job['region'], 'JobType': job['job_type'], 'DtsJobId': job['dts_job_id']})
    assert detail['Delay'] == listed['DtsJobList'][0]['Delay'] == -1


def test_unknown_ids_and_a_missing_reverse_are_refused(emulator, client, jobs):
    for request in (
        dts_models.DescribeDtsJobDetailRequest(dts_job_id='nosuchjob00'),
        dts_models.DescribeDtsJobDetailRequest(dts_job_id=jobs[-1]['dts_job_id'], region_id='us-west-1'),
    ):
        with pytest.raises(ClientException) as caught:
            client.describe_dts_job_detail(request)
        assert (caught.value.code, caught.value.status_code) == ('Forbidden.InstanceNotFound', 403)
    one_way = next(job for job in jobs if job['origin'] == 'current' and 'Reverse' not in job['directions'])
    refused = call(
        emulator.endpoint, DETAIL, {'DtsJobId': one_way['dts_job_id'], 'SynchronizationDirection': 'Reverse'}
    )
    assert (refused.status_code, refused.json()['Code']) == (400, 'InvalidParameter')
    missing = call(emulator.endpoint, DETAIL, {})
    assert (missing.status_code, missing.json()['Code']) == (400, 'MissingDtsJobId')


def test_business_failures_come_inside_http_200(emulator, client):
    requests.post(
        emulator.endpoint + '/_emulator/business-failure',
        timeout=10,
        data=json.dumps({'action': 'DescribeDtsJobs', 'count': 1, 'code': 'InternalError', 'message': 'try later'}),
    )
    body = client.describe_dts_jobs(dts_models.DescribeDtsJobsRequest(region=HZ, job_type='SYNC')).body
    assert (body.success, body.err_code, body.err_message, body.dts_job_list) == (
        False,
        'InternalError',
        'try later',
        [],
    )
    assert client.describe_dts_jobs(dts_models.DescribeDtsJobsRequest(region=HZ, job_type='SYNC')).body.success
    pending = requests.post(
        emulator.endpoint + '/_emulator/business-failure',
        timeout=10,
        data=json.dumps({'action': 'DescribeDtsJobDetail', 'count': 2}),
    ).json()['pending']
    assert pending == {'DescribeDtsJobs': 0, 'DescribeDtsJobDetail': 2}
    assert call(emulator.endpoint, DETAIL, {'DtsJobId': 'any'}).json()['Success'] is False


# -- timelines drive both families ------------------------------------------------------------------------


def test_a_timeline_set_by_dts_job_id_moves_both_views_one_poll_each(emulator, jobs):
    legacy = next(job for job in jobs if job['origin'] == 'legacy' and job['region'] == HZ)
    answer = requests.post(
        emulator.endpoint + '/_emulator/jobs/%s/timeline' % legacy['dts_job_id'],
        timeout=10,
        data=json.dumps(
            {
                'steps': [
                    {'status': 'Initializing', 'delay': None, 'after_polls': 1},
                    {'status': 'Synchronizing', 'delay': 40, 'checkpoint': 'now-40', 'after_polls': 2},
                    {'delay': 0, 'checkpoint': 'now', 'after_polls': 3},
                ]
            }
        ),
    )
    assert answer.json() == {'job': legacy['dts_job_id'], 'steps': 3}
    detail = call(emulator.endpoint, DETAIL, {'DtsJobId': legacy['dts_job_id']}).json()
    assert (detail['Status'], detail['Delay']) == ('Initializing', -1)
    status = call(
        emulator.endpoint,
        'DescribeSynchronizationJobStatusList',
        {'RegionId': HZ, 'SynchronizationJobIdListJsonStr': json.dumps([legacy['id']])},
    ).json()
    info = status['SynchronizationJobListStatusList'][0]['SynchronizationDirectionInfoList'][0]
    assert info['Status'] == 'Synchronizing'
    assert abs(int(info['Checkpoint']) - (time.time() - 40)) < 5
    listed = raw_dts(emulator, {'Region': HZ, 'JobType': 'SYNC', 'DtsJobId': legacy['dts_job_id']})['DtsJobList'][0]
    assert (listed['Status'], listed['Delay']) == ('Synchronizing', 0)
    assert abs(int(listed['Checkpoint']) - time.time()) < 5


def test_a_timeline_can_fail_the_reverse_direction_with_a_message(emulator, jobs):
    two_way = next(job for job in jobs if job['origin'] == 'current' and 'Reverse' in job['directions'])
    emulator.set_timeline(
        two_way['id'], [{'status': 'Failed', 'direction': 'Reverse', 'error_message': 'DTS-9: gone', 'after_polls': 1}]
    )
    entry = raw_dts(emulator, {'Region': two_way['region'], 'JobType': 'SYNC', 'DtsJobId': two_way['dts_job_id']})
    reverse = entry['DtsJobList'][0]['ReverseJob']
    assert (reverse['Status'], reverse['ErrorMessage']) == ('Failed', 'DTS-9: gone')
    assert entry['DtsJobList'][0]['Status'] == two_way['directions']['Forward']['status']


def test_a_malformed_checkpoint_step_is_refused_up_front(emulator, jobs):
    response = requests.post(
        emulator.endpoint + '/_emulator/jobs/%s/timeline' % jobs[0]['id'],
        timeout=10,
        data=json.dumps({'steps': [{'checkpoint': 'yesterday', 'after_polls': 1}]}),
    )
    assert (response.status_code, response.json()['Code']) == (400, 'InvalidParameter')


# -- big data sets --------------------------------------------------------------------------------------------


def test_the_generator_spreads_both_origins_and_every_type_over_the_regions():
    regions = ['cn-hangzhou', 'cn-beijing', 'eu-central-1']
    specs = generate_job_specs(3000, regions, seed=1)
    assert len(set(spec['id'] for spec in specs)) == 3000
    assert set(spec['region'] for spec in specs) == set(regions)
    assert set(spec['origin'] for spec in specs) == {'legacy', 'current'}
    assert set(spec['job_type'] for spec in specs if spec['origin'] == 'current') == {'SYNC', 'MIGRATION', 'SUBSCRIBE'}
    assert set(spec['job_type'] for spec in specs if spec['origin'] == 'legacy') == {'SYNC'}
    assert generate_job_specs(50, regions, seed=1) == generate_job_specs(50, regions, seed=1)[:50]
    assert [make_job(spec)['dts_job_id'] for spec in specs[:2]] == [specs[0]['id'][3:], specs[1]['id'][3:]]


def test_current_job_specs_are_deterministic():
    assert [spec['dts_job_id'] for spec in current_job_specs(seed=3)] == [
        spec['dts_job_id'] for spec in current_job_specs(seed=3)
    ]


def test_the_endpoint_filters_match_the_instances_shown(emulator, jobs):
    job = next(job for job in jobs if job['origin'] == 'current' and job['region'] == HZ)
    entry = raw_dts(emulator, {'Region': HZ, 'JobType': job['job_type'], 'DtsJobId': job['dts_job_id']})
    source = entry['DtsJobList'][0]['SourceEndpoint']['InstanceID']
    found = raw_dts(emulator, {'Region': HZ, 'JobType': job['job_type'], 'Type': 'srcRds', 'Params': source})
    assert [item['DtsJobId'] for item in found['DtsJobList']] == [job['dts_job_id']]
    unknown = call(emulator.endpoint, JOBS, {'Region': HZ, 'Type': 'colour', 'Params': 'blue'})
    assert (unknown.status_code, unknown.json()['Code']) == (400, 'InvalidParameter')


def test_a_delay_not_started_reads_zero_in_the_legacy_listing(emulator, jobs):
    legacy = next(job for job in jobs if job['origin'] == 'legacy' and job['region'] == HZ)
    emulator.set_status(legacy['id'], 'Initializing', delay=-1)
    page = call(emulator.endpoint, 'DescribeSynchronizationJobs', {'RegionId': HZ, 'PageSize': '30'}).json()
    record = next(r for r in page['SynchronizationInstances'] if r['SynchronizationJobId'] == legacy['id'])
    assert record['Delay'] == '0'
    detail = call(emulator.endpoint, DETAIL, {'DtsJobId': legacy['dts_job_id']}).json()
    assert detail['Delay'] == -1


# -- data validation and precheck progress ---------------------------------------------------------------

CHECK_JOBS = 'DescribeCheckJobs'
TABLES = 'DescribeDataCheckTableDetails'
REPORT = 'DescribeDataCheckReportUrl'
PRECHECK = 'DescribePreCheckStatus'


def validated(jobs):
    """{name: job} of the cn-hangzhou jobs the default data gives a data validation."""
    return dict((job['name'], job) for job in jobs if job['region'] == HZ and job['data_check'])


def test_every_validation_answer_parses_through_the_sdk_models(emulator, client, jobs):
    """Each new action through the SDK's client call (V3 and V1), and every raw answer held by its model."""
    for job in validated(jobs).values():
        body = client.describe_check_jobs(
            dts_models.DescribeCheckJobsRequest(instance_id=job['id'], check_type=3, page_size=30, page_number=1)
        ).body
        assert body.success is True and body.total_record_count == len(body.check_jobs) == len(
            set(job['data_check']) & {'full', 'incremental'}
        )
        raw = call(emulator.endpoint, CHECK_JOBS, {'InstanceId': job['id'], 'RegionId': HZ}).json()
        assert_parses(dts_models.DescribeCheckJobsResponseBody, raw)
        for record in body.check_jobs:
            assert (record.dts_instance_id, record.dts_job_id) == (job['id'], job['dts_job_id'])
            assert all(
                isinstance(value, int)
                for value in (
                    record.check_type,
                    record.status,
                    record.diff_count,
                    record.finish_count,
                    record.total_count,
                    record.check_point,
                )
            )
            for status in ('-1', '6'):
                tables = client.describe_data_check_table_details(
                    dts_models.DescribeDataCheckTableDetailsRequest(
                        dts_job_id=job['dts_job_id'], check_type=record.check_type, status=status
                    )
                ).body
                assert tables.success is True
                assert all(
                    isinstance(table.status, str) and isinstance(table.diff_count, int)
                    for table in tables.table_details
                )
                raw = call(
                    emulator.endpoint,
                    TABLES,
                    {'DtsJobId': job['dts_job_id'], 'Status': status, 'CheckType': str(record.check_type)},
                ).json()
                assert_parses(dts_models.DescribeDataCheckTableDetailsResponseBody, raw)
        for code in ('01', '02', '03', '04'):
            progress = client.describe_pre_check_status(
                dts_models.DescribePreCheckStatusRequest(dts_job_id=job['dts_job_id'], job_code=code, region_id=HZ)
            ).body
            assert progress.success is True and progress.code == code and progress.job_progress
            raw = call(emulator.endpoint, PRECHECK, {'DtsJobId': job['dts_job_id'], 'JobCode': code}).json()
            assert_parses(dts_models.DescribePreCheckStatusResponseBody, raw)
    inconsistent = validated(jobs)['analytics-prod-sync-05']
    table = inconsistent['data_check']['full']['tables'][0]
    report = client.describe_data_check_report_url(
        dts_models.DescribeDataCheckReportUrlRequest(
            dts_job_id=inconsistent['dts_job_id'], check_type=1, db_name=table['schema'], tb_name=table['table']
        )
    ).body
    assert report.success == 'true' and report.dynamic_message.startswith('https://')
    raw = call(
        emulator.endpoint,
        REPORT,
        {'DtsJobId': inconsistent['dts_job_id'], 'CheckType': '1', 'DbName': table['schema'], 'TbName': table['table']},
    ).json()
    assert_parses(dts_models.DescribeDataCheckReportUrlResponseBody, raw)


def test_dts_jobs_say_which_checks_run_and_how_far(emulator, jobs):
    ids = ','.join(job['id'] for job in validated(jobs).values())
    first_page = raw_dts(emulator, {'Region': HZ, 'JobType': 'SYNC', 'PageSize': '30'})['DtsJobList']
    listed = first_page + raw_dts(emulator, {'Region': HZ, 'JobType': 'SYNC', 'DtsInstanceId': ids})['DtsJobList']
    listed += raw_dts(emulator, {'Region': HZ, 'JobType': 'MIGRATION', 'DtsInstanceId': ids})['DtsJobList']
    assert_parses(dts_models.DescribeDtsJobsResponseBody, {'DtsJobList': listed})
    by_name = dict((entry['DtsJobName'], entry) for entry in listed)
    clean = by_name['payments-prod-cdc']
    assert clean['MigrationMode'] == dict(
        clean['MigrationMode'], FullDataCheck=True, IncDataCheck=True, StructureDataCheck=True
    )
    assert clean['FullDataCheckStatus'] == {
        'Status': 'Finished',
        'Percent': '100',
        'Progress': '1330000',
        'ErrorMessage': '',
        'CanSwitch': True,
    }
    assert clean['IncDataCheckStatus']['Status'] == 'Catched'
    assert by_name['analytics-prod-sync-05']['FullDataCheckStatus']['CanSwitch'] is False, 'finished, not clean'
    assert by_name['billing-prod-sync']['FullDataCheckStatus']['ErrorMessage'].startswith('DTS-31009')
    assert 'IncDataCheckStatus' not in by_name['billing-prod-sync']
    assert by_name['orders-prod-migrate']['MigrationMode']['FullDataCheck'] is True
    unvalidated = [entry for name, entry in by_name.items() if name not in validated(jobs)]
    assert unvalidated and all(
        entry['MigrationMode']['FullDataCheck'] is False and 'FullDataCheckStatus' not in entry for entry in unvalidated
    )


def test_check_counts_and_tables_follow_the_data(emulator, jobs):
    job = validated(jobs)['analytics-prod-sync-05']
    tables = job['data_check']['full']['tables']
    body = call(emulator.endpoint, CHECK_JOBS, {'InstanceId': job['id'], 'CheckType': '1'}).json()
    [full] = body['CheckJobs']
    assert (full['CheckType'], full['Status'], full['DiffCount']) == (1, 1, sum(table['diff'] for table in tables))
    assert full['FinishCount'] == full['TotalCount'] == sum(table['total'] for table in tables)
    only_diff = call(emulator.endpoint, TABLES, {'DtsJobId': job['dts_job_id'], 'CheckType': '1', 'Status': '6'}).json()
    assert [(t['SourceTbName'], t['TargetDbName'], t['DiffCount']) for t in only_diff['TableDetails']] == [
        (t['table'], t['target_schema'], t['diff']) for t in tables if t['diff']
    ]
    assert (only_diff['DiffTableCount'], only_diff['TotalCount']) == (2, len(tables))
    every = call(
        emulator.endpoint, TABLES, {'DtsJobId': job['dts_job_id'], 'CheckType': '1', 'PageSize': '2', 'PageNumber': '2'}
    ).json()
    assert [t['SourceTbName'] for t in every['TableDetails']] == [tables[2]['table']]
    failed = validated(jobs)['billing-prod-sync']
    answer = call(emulator.endpoint, TABLES, {'DtsJobId': failed['dts_job_id'], 'CheckType': '1'}).json()
    assert answer['FailedTableCount'] == 1
    assert [(t['Status'], t.get('ErrorCode')) for t in answer['TableDetails']] == [('0', None), ('5', 3)]
    assert call(emulator.endpoint, CHECK_JOBS, {'InstanceId': 'dtsnosuchjob0000'}).json()['CheckJobs'] == []
    region = call(emulator.endpoint, CHECK_JOBS, {'RegionId': HZ, 'PageSize': '100'}).json()
    assert region['TotalRecordCount'] == sum(
        len(set(j['data_check']) & {'full', 'incremental'}) for j in validated(jobs).values()
    )


def test_a_running_check_moves_one_step_a_poll_and_finishes_clean(emulator, jobs):
    job = validated(jobs)['orders-prod-dr']
    seen = []
    for _poll in range(8):
        [full] = call(emulator.endpoint, CHECK_JOBS, {'InstanceId': job['id'], 'CheckType': '1'}).json()['CheckJobs']
        entry = raw_dts(emulator, {'Region': HZ, 'JobType': 'SYNC', 'DtsJobId': job['dts_job_id']})['DtsJobList'][0]
        seen.append(
            (full['FinishCount'], entry['FullDataCheckStatus']['Status'], entry['IncDataCheckStatus']['Status'])
        )
    finished = [count for count, _full, _incremental in seen]
    assert finished == sorted(finished) and finished[0] < finished[-1] == full['TotalCount']
    assert seen[0][1:] == ('Checking', 'Checking') and seen[-1][1:] == ('Finished', 'Catched')
    assert full['DiffCount'] == 0 and full['Status'] == 0


def test_precheck_items_of_a_failed_precheck(emulator, client, jobs):
    job = next(
        job for job in jobs if job['region'] == HZ and job['directions']['Forward']['status'] == 'PrecheckFailed'
    )
    body = client.describe_pre_check_status(
        dts_models.DescribePreCheckStatusRequest(
            dts_job_id=job['dts_job_id'], job_code='01', page_size='5', page_no='1'
        )
    ).body
    assert (body.state, body.error_item, body.total, len(body.job_progress)) == ('Failed', 2, 10, 5)
    second = client.describe_pre_check_status(
        dts_models.DescribePreCheckStatusRequest(
            dts_job_id=job['dts_job_id'], job_code='01', page_size='5', page_no='2'
        )
    ).body
    failed = [item for item in body.job_progress + second.job_progress if item.state == 'Failed']
    assert [(item.item, item.can_skip) for item in failed] == [('CHECK_CONN_SRC', False), ('CHECK_SAME_OBJ', True)]
    assert [item.err_msg for item in failed] == [failure['error'] for failure in job['precheck_failures']]
    assert [item.repair_method for item in failed] == [failure['repair'] for failure in job['precheck_failures']]
    assert failed[1].names == 'appdb.orders'


def test_validation_actions_refuse_what_the_service_refuses(emulator, jobs):
    job = validated(jobs)['payments-prod-cdc']

    def refused(action, params):
        answer = call(emulator.endpoint, action, params)
        return answer.status_code, answer.json().get('Code')

    assert refused(TABLES, {'DtsJobId': 'nosuchjob00', 'CheckType': '1'}) == (403, 'Forbidden.InstanceNotFound')
    assert refused(TABLES, {'DtsJobId': job['id'], 'CheckType': '1'}) == (403, 'Forbidden.InstanceNotFound')
    assert refused(TABLES, {'DtsJobId': job['dts_job_id']}) == (400, 'MissingCheckType')
    assert refused(TABLES, {'DtsJobId': job['dts_job_id'], 'CheckType': '3'}) == (400, 'InvalidParameter')
    assert refused(TABLES, {'DtsJobId': job['dts_job_id'], 'CheckType': '1', 'Status': '2'}) == (
        400,
        'InvalidParameter',
    )
    assert refused(CHECK_JOBS, {'PageSize': '20'}) == (400, 'InvalidParameter')
    assert refused(PRECHECK, {'DtsJobId': job['dts_job_id']}) == (400, 'MissingJobCode')
    assert refused(PRECHECK, {'DtsJobId': job['dts_job_id'], 'JobCode': '05'}) == (400, 'InvalidParameter')
    assert refused(PRECHECK, {'JobCode': '01'}) == (400, 'MissingDtsJobId')
    assert refused(REPORT, {'DtsJobId': job['dts_job_id'], 'CheckType': '2', 'DbName': 'a', 'TbName': 'b'}) == (
        400,
        'InvalidParameter',
    )
    unknown_table = call(
        emulator.endpoint,
        REPORT,
        {'DtsJobId': job['dts_job_id'], 'CheckType': '1', 'DbName': 'appdb', 'TbName': 'nosuchtable'},
    )
    assert unknown_table.status_code == 200
    assert unknown_table.json()['Success'] == 'false' and unknown_table.json()['ErrCode'] == 'InvalidParameter'
    requests.post(
        emulator.endpoint + '/_emulator/business-failure',
        timeout=10,
        data=json.dumps({'action': CHECK_JOBS, 'count': 1, 'code': 'InternalError'}),
    )
    failed = call(emulator.endpoint, CHECK_JOBS, {'InstanceId': job['id']}).json()
    assert (failed['Success'], failed['ErrCode']) == (False, 'InternalError')
    assert call(emulator.endpoint, CHECK_JOBS, {'InstanceId': job['id']}).json()['Success'] is True


def test_validation_is_set_through_the_control_api_and_timelines(emulator, jobs):
    job = next(job for job in jobs if job['region'] == HZ and not job['data_check'] and job['origin'] == 'current')
    control = emulator.endpoint + '/_emulator/jobs/%s/' % job['dts_job_id']
    check = {'status': 'Checking', 'tables': [{'schema': 'appdb', 'table': 'orders', 'total': 10, 'finished': 5}]}
    answer = requests.post(control + 'data-check', timeout=10, data=json.dumps({'check_type': 'full', 'check': check}))
    assert answer.status_code == 200, answer.text
    steps = [
        {
            'after_polls': 2,
            'data_check': {
                'full': dict(
                    check, status='Finished', tables=[{'schema': 'appdb', 'table': 'orders', 'total': 10, 'diff': 4}]
                )
            },
        }
    ]
    assert requests.post(control + 'timeline', timeout=10, data=json.dumps({'steps': steps})).status_code == 200
    counts = [
        call(emulator.endpoint, CHECK_JOBS, {'InstanceId': job['id']}).json()['CheckJobs'][0]['DiffCount']
        for _poll in range(3)
    ]
    assert counts == [0, 4, 4]
    requests.post(control + 'data-check', timeout=10, data=json.dumps({'check_type': 'full', 'check': None}))
    assert call(emulator.endpoint, CHECK_JOBS, {'InstanceId': job['id']}).json()['CheckJobs'] == []
    bad = requests.post(control + 'data-check', timeout=10, data=json.dumps({'check_type': 'schema'}))
    assert (bad.status_code, bad.json()['Code']) == (400, 'InvalidParameter')


def test_the_gated_jobs_are_read_by_their_ids_alone(emulator, jobs):
    """DtsJobId and DtsInstanceId take comma-separated lists; a gate reads only the jobs it gates."""
    picked = sorted(validated(jobs).values(), key=lambda job: job['id'])
    sync = [job for job in picked if job['job_type'] == 'SYNC']
    by_instance = raw_dts(
        emulator, {'Region': HZ, 'JobType': 'SYNC', 'DtsInstanceId': ','.join(job['id'] for job in sync)}
    )
    assert sorted(entry['DtsInstanceID'] for entry in by_instance['DtsJobList']) == [job['id'] for job in sync]
    by_job = raw_dts(emulator, {'Region': HZ, 'JobType': 'SYNC', 'DtsJobId': sync[0]['dts_job_id']})
    assert [entry['DtsJobId'] for entry in by_job['DtsJobList']] == [sync[0]['dts_job_id']]


# -- alert rules ----------------------------------------------------------------------------------------

MONITOR = 'DescribeJobMonitorRule'


def test_every_alert_rule_answer_parses_through_the_sdk_models(emulator, client, jobs):
    """DescribeJobMonitorRule through the SDK's client call (V3 and V1) for every job of the region, and
    every raw answer held by its model: the rules of each job's spec, State Y/N, DelayRuleTime an integer."""
    scenarios = set()
    for job in [job for job in jobs if job['region'] == HZ]:
        body = client.describe_job_monitor_rule(
            dts_models.DescribeJobMonitorRuleRequest(dts_job_id=job['dts_job_id'], region_id=HZ)
        ).body
        assert body.success is True and body.http_status_code == 200 and body.dts_job_id == job['dts_job_id']
        assert [rule.to_map() for rule in body.monitor_rules] == job['monitor_rules']
        raw = call(emulator.endpoint, MONITOR, {'DtsJobId': job['dts_job_id'], 'RegionId': HZ}).json()
        assert_parses(dts_models.DescribeJobMonitorRuleResponseBody, raw)
        for rule in body.monitor_rules:
            assert rule.state in ('Y', 'N') and rule.type in ('delay', 'error', 'full_timeout', 'warn')
            assert rule.job_type in ('normal', 'full_check', 'etl_check') and rule.job_id == job['dts_job_id']
            assert isinstance(rule.delay_rule_time, int) if rule.type == 'delay' else rule.delay_rule_time is None
        scenarios.add(
            tuple(sorted((rule.type, rule.state) for rule in body.monitor_rules if rule.job_type == 'normal'))
        )
    # The default data has every scenario an audit must tell apart, none of them alone.
    assert () in scenarios and (('delay', 'N'), ('error', 'Y')) in scenarios
    assert (('delay', 'Y'), ('error', 'Y')) in scenarios and any(('error', 'N') in found for found in scenarios)
    thresholds = [
        rule['DelayRuleTime']
        for job in jobs
        for rule in job['monitor_rules']
        if rule['Type'] == 'delay' and rule['State'] == 'Y' and rule['JobType'] == 'normal'
    ]
    assert max(thresholds) > 300 >= min(thresholds)


def test_alert_rules_refuse_what_the_service_refuses_and_are_set_through_the_control_api(emulator, jobs):
    job = next(job for job in jobs if job['region'] == HZ and job['monitor_rules'])

    def answer(params):
        response = call(emulator.endpoint, MONITOR, params)
        return response.status_code, response.json()

    assert answer({})[0] == 400 and answer({})[1]['Code'] == 'MissingDtsJobId'
    assert answer({'DtsJobId': 'nosuchjob00'})[1]['Code'] == 'Forbidden.InstanceNotFound'
    assert answer({'DtsJobId': job['dts_job_id'], 'RegionId': 'cn-beijing'})[1]['Code'] == 'Forbidden.InstanceNotFound'
    control = emulator.endpoint + '/_emulator/'
    requests.post(
        control + 'business-failure',
        timeout=10,
        data=json.dumps({'action': MONITOR, 'count': 1, 'code': 'InternalError'}),
    )
    status, failed = answer({'DtsJobId': job['dts_job_id']})
    assert (status, failed['Success'], failed['ErrCode']) == (200, False, 'InternalError')
    rules = [{'type': 'delay', 'enabled': False, 'delay': 30}]
    assert (
        requests.post(
            control + 'jobs/%s/monitor-rules' % job['id'], timeout=10, data=json.dumps({'rules': rules})
        ).status_code
        == 200
    )
    assert answer({'DtsJobId': job['dts_job_id']})[1]['MonitorRules'] == [
        {'Type': 'delay', 'State': 'N', 'JobType': 'normal', 'JobId': job['dts_job_id'], 'DelayRuleTime': 30}
    ]
    bad = requests.post(
        control + 'jobs/%s/monitor-rules' % job['id'], timeout=10, data=json.dumps({'rules': [{'type': 'latency'}]})
    )
    assert (bad.status_code, bad.json()['Code']) == (400, 'InvalidParameter')
    # Reading rules is not a poll: the job's timeline does not move.
    assert emulator.job(job['id'])['polls'] == 0
