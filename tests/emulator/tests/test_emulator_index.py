# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The listings' index: every page of DescribeDtsJobs and of the legacy listing, filtered or not,
is the page the emulator computed before it had an index (every job scanned, kept below as the
reference), and stays so when jobs are added, replaced, dropped, reloaded or gain a direction
through the control API, a timeline or ``.jobs`` directly."""

import json
from datetime import datetime, timedelta, timezone

import pytest

from dts_emulator import Emulator
from emulator_data import canonical, default_data, endpoint_instance_ids, generate_job_specs, make_job

from conftest import AK, SECRET

HZ = 'cn-hangzhou'
GENERATED_REGIONS = (HZ, 'cn-beijing', 'cn-qingdao')
EMPTY_REGION = 'us-west-1'


# -- the reference: the computation before the index, over every stored job ----------------------------


def in_listing_order(emulator):
    return sorted(emulator.jobs, key=lambda job: (job['created'], job['id']))


def reference_dts_jobs(emulator, params):
    """(TotalRecordCount, the page's DtsInstanceIDs) of DescribeDtsJobs, every job scanned."""
    region, job_type = params['Region'], (params.get('JobType') or 'MIGRATION').upper()
    search_type, search = params.get('Type', ''), params.get('Params', '')
    job_ids = set(item for item in params.get('DtsJobId', '').split(',') if item)
    instance_ids = set(item for item in params.get('DtsInstanceId', '').split(',') if item)
    statuses = set(canonical(item).lower() for item in params.get('Status', '').split(',') if item)
    tags = [(item['key'], item.get('value')) for item in json.loads(params.get('Tags') or '[]')]
    group = params.get('ResourceGroupId')
    matching = [
        job
        for job in in_listing_order(emulator)
        if job['region'] == region
        and job['job_type'] == job_type
        and (not job_ids or job['dts_job_id'] in job_ids)
        and (not instance_ids or job['id'] in instance_ids)
        and (
            not search
            or (search_type == 'name' and search.lower() in job['name'].lower())
            or (search_type == 'instance' and search in (job['id'], job['dts_job_id']))
            or (search_type in ('srcRds', 'rds') and search in endpoint_instance_ids(job))
        )
        and (not statuses or canonical(job['directions']['Forward']['status']).lower() in statuses)
        and (not group or job['resource_group_id'] == group)
        and all(key in job['tags'] and (value is None or job['tags'][key] == value) for key, value in tags)
    ]
    size = min(int(params.get('PageSize', 20)), emulator.config['dts_jobs_page_cap'] or 100)
    number = int(params.get('PageNumber', 1))
    return len(matching), [job['id'] for job in matching[(number - 1) * size : number * size]]


def reference_legacy_listing(emulator, params):
    """(TotalRecordCount, the page's (job id, direction)) of the legacy listing, every job scanned."""
    region, name = params.get('RegionId'), params.get('SynchronizationJobName', '').lower()
    group = params.get('ResourceGroupId')
    tags = [
        (params['Tag.%d.Key' % index], params.get('Tag.%d.Value' % index))
        for index in range(1, 21)
        if 'Tag.%d.Key' % index in params
    ]
    records = [
        (job['id'], direction)
        for job in in_listing_order(emulator)
        if job['origin'] == 'legacy'
        and (not region or job['region'] == region)
        and name in job['name'].lower()
        and (not group or job['resource_group_id'] == group)
        and all(key in job['tags'] and (value is None or job['tags'][key] == value) for key, value in tags)
        for direction in job['directions']
    ]
    size, number = int(params.get('PageSize', 30)), int(params.get('PageNum', 1))
    return len(records), records[(number - 1) * size : number * size]


# -- what the emulator answers ---------------------------------------------------------------------


def dts_jobs_page(emulator, params):
    answer = emulator.describe_dts_jobs(dict(params))
    return answer['TotalRecordCount'], [entry['DtsInstanceID'] for entry in answer['DtsJobList']]


def legacy_page(emulator, params):
    answer = emulator.describe_jobs(dict(params))
    records = [
        (record['SynchronizationJobId'], record['SynchronizationDirection'])
        for record in answer['SynchronizationInstances']
    ]
    return answer['TotalRecordCount'], records


def assert_every_page_matches(emulator, dts_filters=({},), legacy_filters=({},), sizes=(10, 30)):
    """Every page (and the one past the end) of both listings, in every region with jobs, an empty
    one and (legacy) all regions, with each of the filters, equals the reference's."""
    regions = sorted(set(job['region'] for job in emulator.jobs)) + [EMPTY_REGION]
    pages = 0
    for region in regions:
        for job_type in ('SYNC', 'MIGRATION', 'SUBSCRIBE'):
            for extra in dts_filters:
                for size in sizes:
                    query = dict(extra, Region=region, JobType=job_type, PageSize=str(size))
                    pages += assert_pages_match(emulator, dts_jobs_page, reference_dts_jobs, query, 'PageNumber')
    for region in regions + [None]:
        for extra in legacy_filters:
            for size in sizes:
                query = dict(extra, PageSize=str(size))
                if region:
                    query['RegionId'] = region
                pages += assert_pages_match(emulator, legacy_page, reference_legacy_listing, query, 'PageNum')
    return pages


def assert_pages_match(emulator, page, reference, query, number_name):
    """Pages 1, 2, ... of ``query`` (numbered by ``number_name``) up to the first empty one, each equal to
    the reference's; how many were compared."""
    number = 1
    while True:
        params = dict(query, **{number_name: str(number)})
        expected = reference(emulator, params)
        assert page(emulator, params) == expected, params
        if not expected[1]:
            return number
        number += 1


def control(emulator, path, payload):
    status, _headers, body = emulator.answer(
        'POST',
        '/_emulator/' + path,
        {'Host': '127.0.0.1', 'Content-Type': 'application/json'},
        json.dumps(payload).encode('utf-8'),
    )
    assert status == 200, body
    return json.loads(body.decode('utf-8'))


@pytest.fixture
def mixed():
    """Not serving: the default data (names, tags, groups, two-way jobs, both origins) and 300
    generated jobs of every type, some in a region the default data leaves empty."""
    now = datetime.now(timezone.utc)
    specs = default_data(now) + generate_job_specs(300, GENERATED_REGIONS, seed=7, now=now)
    return Emulator(AK, SECRET, job_specs=specs)


def first_one_way_legacy_job(emulator):
    return next(job for job in in_listing_order(emulator) if job['origin'] == 'legacy' and len(job['directions']) == 1)


def record_count(emulator, region):
    return legacy_page(emulator, {'RegionId': region, 'PageSize': '10'})[0]


# -- filtered and unfiltered pages ------------------------------------------------------------------


def test_every_page_of_both_listings_is_the_unindexed_page(mixed):
    assert assert_every_page_matches(mixed) > 100


def test_every_filtered_page_is_the_unindexed_page(mixed):
    synchronizing = next(job for job in mixed.jobs if job['region'] == HZ and job['job_type'] == 'SYNC')
    some = [job for job in mixed.jobs if job['region'] == HZ][:40:3]
    dts_filters = (
        {'Type': 'name', 'Params': 'prod'},
        {'Type': 'name', 'Params': '订单'},
        {'Type': 'instance', 'Params': synchronizing['dts_job_id']},
        {'Type': 'srcRds', 'Params': endpoint_instance_ids(synchronizing)[0]},
        {'DtsJobId': ','.join(job['dts_job_id'] for job in some)},
        {'DtsInstanceId': ','.join(job['id'] for job in some)},
        {'Status': 'synchronizing'},
        {'Status': 'Initializating,Failed'},
        {'Tags': json.dumps([{'key': 'env', 'value': 'prod'}])},
        {'Tags': json.dumps([{'key': 'owner'}])},
        {'ResourceGroupId': 'rg-acfmprod0001', 'Status': 'Synchronizing'},
    )
    legacy_filters = (
        {'SynchronizationJobName': 'PROD'},
        {'SynchronizationJobName': '订单'},
        {'Tag.1.Key': 'env', 'Tag.1.Value': 'staging'},
        {'Tag.1.Key': 'owner', 'Tag.1.Value': ''},
        {'Tag.1.Key': 'env', 'Tag.2.Key': 'team', 'Tag.2.Value': 'orders'},
        {'ResourceGroupId': 'rg-acfmtest0002'},
        {'SynchronizationJobName': 'bench', 'ResourceGroupId': 'rg-default'},
    )
    assert assert_every_page_matches(mixed, dts_filters, legacy_filters, sizes=(10,)) > 200


def test_uncapped_pages_are_the_unindexed_pages(mixed):
    mixed.config['dts_jobs_page_cap'] = None
    assert assert_every_page_matches(mixed, legacy_filters=(), sizes=(100,)) > 20


# -- the index follows every change of the jobs ------------------------------------------------------


def test_jobs_added_and_replaced_through_the_control_api_are_listed_in_place(mixed):
    oldest = min(job['created'] for job in mixed.jobs)
    earlier = (datetime.strptime(oldest, '%Y-%m-%dT%H:%M:%SZ') - timedelta(days=1)).strftime('%Y-%m-%dT%H:%M:%SZ')
    legacy = next(job for job in mixed.jobs if job['origin'] == 'legacy' and job['region'] == HZ)
    current = next(job for job in mixed.jobs if job['origin'] == 'current' and job['job_type'] == 'MIGRATION')
    answer = control(
        mixed,
        'jobs',
        {
            'jobs': [
                # first in its region's listings, two records in the legacy one
                {'id': 'dtsindexfirst01', 'region': HZ, 'created': earlier, 'two_way': True},
                # a region nobody had
                {'id': 'dtsindexnew0001', 'region': 'cn-wulanchabu', 'origin': 'current', 'job_type': 'SUBSCRIBE'},
                # a legacy job made again the current way, as a migration elsewhere: gone from the legacy listing
                {'id': legacy['id'], 'region': 'cn-beijing', 'origin': 'current', 'job_type': 'MIGRATION'},
                # a migration that becomes a legacy synchronization job
                {'id': current['id'], 'region': current['region'], 'dts_job_id': current['dts_job_id']},
            ]
        },
    )
    assert answer['jobs'] == len(mixed.jobs)
    assert dts_jobs_page(mixed, {'Region': HZ, 'JobType': 'SYNC', 'PageSize': '10'})[1][0] == 'dtsindexfirst01'
    assert legacy_page(mixed, {'RegionId': HZ, 'PageSize': '10'})[1][:2] == [
        ('dtsindexfirst01', 'Forward'),
        ('dtsindexfirst01', 'Reverse'),
    ]
    assert dts_jobs_page(mixed, {'Region': 'cn-wulanchabu', 'JobType': 'SUBSCRIBE'}) == (1, ['dtsindexnew0001'])
    assert legacy['id'] in dts_jobs_page(mixed, {'Region': 'cn-beijing', 'JobType': 'MIGRATION', 'PageSize': '30'})[1]
    assert_every_page_matches(mixed)


def test_jobs_dropped_by_a_replacing_load_leave_the_listings(mixed):
    kept = [job for job in mixed.jobs if job['region'] == 'cn-qingdao']
    control(mixed, 'jobs', {'jobs': [{'id': job['id'], 'region': job['region']} for job in kept], 'replace': True})
    assert dts_jobs_page(mixed, {'Region': HZ, 'JobType': 'SYNC'}) == (0, [])
    assert legacy_page(mixed, {'PageSize': '30'})[0] == len(kept)
    assert_every_page_matches(mixed)


def test_a_reload_restores_the_listings(mixed):
    before = assert_every_page_matches(mixed)
    hangzhou = record_count(mixed, HZ)
    control(mixed, 'jobs', {'jobs': [{'id': 'dtsindexextra01', 'region': HZ}]})
    assert record_count(mixed, HZ) == hangzhou + 1
    control(mixed, 'reset', {'reload': True})
    assert record_count(mixed, HZ) == hangzhou
    assert assert_every_page_matches(mixed) == before


def test_a_direction_set_through_the_control_api_is_a_new_legacy_record(mixed):
    one_way = first_one_way_legacy_job(mixed)
    region = one_way['region']
    records = record_count(mixed, region)
    control(mixed, 'jobs/%s/status' % one_way['id'], {'status': 'NotStarted', 'direction': 'Reverse'})
    assert record_count(mixed, region) == records + 1
    assert (one_way['id'], 'Reverse') in legacy_page(mixed, {'RegionId': region, 'PageSize': '30'})[1]
    assert_every_page_matches(mixed)


def test_a_direction_a_timeline_adds_counts_from_the_next_page(mixed):
    one_way = first_one_way_legacy_job(mixed)
    region = one_way['region']
    records = record_count(mixed, region)
    control(
        mixed,
        'jobs/%s/timeline' % one_way['id'],
        {'steps': [{'status': 'NotStarted', 'direction': 'Reverse', 'after_polls': 1}]},
    )
    # The first poll that includes the job applies the step; its answer was computed before it.
    first = legacy_page(mixed, {'RegionId': region, 'PageSize': '30'})
    assert first[0] == records
    assert (one_way['id'], 'Reverse') not in first[1]
    assert record_count(mixed, region) == records + 1
    assert (one_way['id'], 'Reverse') in legacy_page(mixed, {'RegionId': region, 'PageSize': '30'})[1]
    assert_every_page_matches(mixed)


def test_a_status_change_moves_a_job_between_status_filtered_pages(mixed):
    job = next(job for job in mixed.jobs if job['region'] == HZ and job['job_type'] == 'SYNC')
    control(mixed, 'jobs/%s/status' % job['id'], {'status': 'Failed', 'error_message': 'DTS-1: index'})
    failed = {'Region': HZ, 'JobType': 'SYNC', 'Status': 'Failed', 'PageSize': '100'}
    assert job['id'] in dts_jobs_page(mixed, failed)[1]
    control(mixed, 'jobs/%s/status' % job['id'], {'status': 'Synchronizing'})
    assert job['id'] not in dts_jobs_page(mixed, failed)[1]
    assert_every_page_matches(mixed, dts_filters=({'Status': 'Failed'}, {'Status': 'Synchronizing'}), sizes=(30,))


def test_jobs_changed_directly_are_listed(mixed):
    # .jobs is documented as state a test may change: appended to, or replaced as a whole.
    mixed.jobs.append(make_job({'id': 'dtsindexdirect1', 'region': HZ, 'two_way': True}))
    assert ('dtsindexdirect1', 'Reverse') in reference_legacy_listing(mixed, {'RegionId': HZ, 'PageSize': '9999'})[1]
    assert_every_page_matches(mixed)
    mixed.jobs = [job for job in mixed.jobs if job['region'] != 'cn-beijing']
    assert legacy_page(mixed, {'RegionId': 'cn-beijing'}) == (0, [])
    assert_every_page_matches(mixed)
