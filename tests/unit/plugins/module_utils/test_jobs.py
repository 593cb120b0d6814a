# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Client-side filters and input validation shared by the modules and the inventory plugin."""

import json

import pytest

from ansible_collections.alibabacloud.dts.plugins.module_utils._api_current import IDS_PER_LOOKUP, lookup_current_jobs
from ansible_collections.alibabacloud.dts.plugins.module_utils._client import DtsClient
from ansible_collections.alibabacloud.dts.plugins.module_utils._errors import DtsConfigError
from ansible_collections.alibabacloud.dts.plugins.module_utils._jobs import (
    add_job_details,
    list_dts_job_facts,
    list_job_facts,
    list_job_facts_all,
    read_statuses,
    validate_job_facts,
    validate_job_ids,
    validate_statuses,
)
from ansible_collections.alibabacloud.dts.plugins.module_utils._normalize import SUMMARY_JOB_FACTS
from ansible_collections.alibabacloud.dts.tests.unit.plugins.module_utils.fakes import (
    CREDS,
    FakeResponse,
    FakeSession,
    job,
    paged,
)


def client_for(handler):
    return DtsClient(CREDS, 'cn-beijing', 'https://dts.cn-beijing.aliyuncs.com', session=FakeSession(handler))


def legacy_spec(job_id, status='Synchronizing', reverse=None):
    """An emulator spec of a job made the legacy way in cn-beijing (both families see it)."""
    spec = {'id': job_id, 'region': 'cn-beijing', 'status': status, 'checkpoint': 1700000000}
    if reverse:
        spec.update(two_way=True, reverse_status=reverse)
    return spec


def current_spec(job_id, status='Synchronizing', instance_id=None, reverse=None, delay=0):
    """An emulator spec of a job made the current way in cn-beijing (only DescribeDtsJobs sees it)."""
    spec = {
        'id': instance_id or 'dts' + job_id,
        'dts_job_id': job_id,
        'origin': 'current',
        'region': 'cn-beijing',
        'status': status,
        'delay': delay,
        'checkpoint': 1700000000,
        'tags': {'env': 'prod'},
    }
    if reverse:
        spec.update(two_way=True, reverse_status=reverse, reverse_delay=-1)
    return spec


def region_client(fake_dts, *specs):
    """A client of cn-beijing on the fake DTS, which now holds these jobs only; nothing sent yet."""
    fake_dts.emulator.load_jobs(list(specs))
    del fake_dts.sent[:]
    return DtsClient(CREDS, 'cn-beijing', 'https://dts.cn-beijing.aliyuncs.com', session=fake_dts)


RECORDS = [
    legacy_spec('dtsA', 'synchronizing'),
    legacy_spec('dtsB', 'Failed'),
    legacy_spec('dtsC', 'Initializating', reverse='synchronizing'),
]


def test_statuses_filter_is_case_insensitive_and_uses_documented_spellings(fake_dts):
    facts = list_job_facts(
        region_client(fake_dts, *RECORDS), statuses=validate_statuses(['SYNCHRONIZING', 'initializing'])
    )
    assert [(f['synchronization_job_id'], f['status']) for f in facts] == [
        ('dtsA', 'Synchronizing'),
        ('dtsC', 'Initializing'),
        ('dtsC', 'Synchronizing'),
    ]
    assert all(f['region'] == 'cn-beijing' for f in facts)


def test_job_ids_filter_keeps_both_directions(fake_dts):
    facts = list_job_facts(region_client(fake_dts, *RECORDS), job_ids=['dtsC', 'dtsZ'])
    assert [f['synchronization_direction'] for f in facts] == ['Forward', 'Reverse']


def test_filters_apply_whatever_facts_are_returned(fake_dts):
    facts = list_job_facts(
        region_client(fake_dts, *RECORDS),
        statuses=['Synchronizing'],
        job_ids=['dtsA', 'dtsC'],
        facts=validate_job_facts(['delay']),
    )
    assert facts == [
        {'synchronization_job_id': 'dtsA', 'synchronization_direction': 'Forward', 'delay': 0},
        {'synchronization_job_id': 'dtsC', 'synchronization_direction': 'Reverse', 'delay': 0},
    ]


@pytest.mark.parametrize(
    'fields, expected',
    [
        (['summary'], set(SUMMARY_JOB_FACTS)),
        (['Summary', 'precheck_status'], set(SUMMARY_JOB_FACTS) | {'precheck_status'}),
        (['status'], {'synchronization_job_id', 'synchronization_direction', 'status'}),
        (['summary', 'all'], None),
        ([' ALL '], None),
    ],
)
def test_fields_name_facts_summary_or_all_and_always_keep_the_identity(fields, expected):
    assert validate_job_facts(fields) == expected


@pytest.mark.parametrize(
    'fields, words',
    [
        ([], ['at least one', '[summary]']),
        (['precheck'], ["'precheck'", 'precheck_status', 'summary, all']),
        (['SynchronizationJobId'], ['synchronization_job_id']),
        ([None], ['None']),
        (['detail'], ['source_endpoint']),
    ],
)
def test_bad_fields_are_refused_naming_the_valid_ones(fields, words):
    with pytest.raises(DtsConfigError) as caught:
        validate_job_facts(fields)
    assert caught.value.option == 'fields'
    assert all(word in caught.value.message for word in words), caught.value.message


def test_unknown_status_lists_the_valid_ones():
    with pytest.raises(DtsConfigError) as caught:
        validate_statuses(['Synchronising'])
    assert caught.value.option == 'statuses'
    assert 'Synchronizing' in caught.value.message and 'PrecheckFailed' in caught.value.message


def test_every_status_the_field_table_documents_for_synchronization_is_accepted():
    from ansible_collections.alibabacloud.dts.plugins.module_utils._fields import VOCABULARIES

    # The task statuses the SDK documents by job type: every synchronization one is a valid filter.
    documented = sorted(
        set(status for values in VOCABULARIES.values() if isinstance(values, dict) for status in values.get('sync', ()))
    )
    assert 'ModifyFailed' in documented and 'Synchronizing' in documented
    assert validate_statuses(documented) == documented


@pytest.mark.parametrize('bad', [[''], ['  '], [None], [5], ['x' * 200], ['dts\nx']])
def test_bad_job_ids_are_refused(bad):
    with pytest.raises(DtsConfigError) as caught:
        validate_job_ids(bad)
    assert caught.value.option == 'job_ids'


def test_empty_job_ids_refused_when_required_and_duplicates_folded():
    with pytest.raises(DtsConfigError):
        validate_job_ids([], required=True)
    assert validate_job_ids(['b', 'a', 'b', 'dts"]x']) == ['b', 'a', 'dts"]x']


def test_huge_id_lists_are_refused():
    with pytest.raises(DtsConfigError):
        validate_job_ids(['dts%d' % i for i in range(5001)])


def test_read_statuses_keeps_the_order_asked_and_reports_missing():
    body = {
        'Success': True,
        'RequestId': 'R',
        'SynchronizationJobListStatusList': [
            {
                'SynchronizationJobId': 'b',
                'SynchronizationDirectionInfoList': [
                    {'SynchronizationDirection': 'Forward', 'Status': 'synchronizing', 'Checkpoint': '1'}
                ],
            },
            {'SynchronizationJobId': 'a', 'SynchronizationDirectionInfoList': []},
        ],
    }
    found, missing = read_statuses(client_for(lambda *a: FakeResponse(200, body)), ['a', 'x', 'b'], api='legacy')
    assert [job['synchronization_job_id'] for job in found] == ['a', 'b']
    assert [job['api'] for job in found] == ['legacy', 'legacy']
    assert missing == ['x']


# -- both families ----------------------------------------------------------------------------------


def dts_job(job_id, status='Synchronizing', instance_id=None, reverse=None, delay=0, **extra):
    record = {
        'DtsJobId': job_id,
        'DtsInstanceID': instance_id or 'dts' + job_id,
        'DtsJobName': 'task ' + job_id,
        'Status': status,
        'DtsJobDirection': 'Forward',
        'Delay': delay,
        'Checkpoint': '1700000000',
        'JobType': 'SYNC',
        'TagList': [{'TagKey': 'env', 'TagValue': 'prod'}],
    }
    if reverse:
        record['ReverseJob'] = dict(
            {
                'DtsJobId': job_id + 'r',
                'DtsInstanceID': record['DtsInstanceID'],
                'DtsJobDirection': 'Reverse',
                'Delay': -1,
                'Checkpoint': '0',
            },
            Status=reverse,
        )
    record.update(extra)
    return record


class Region:
    """Both families of one region, scripted record by record (page cap 30).

    For what the emulator (``fake_dts``) does not model, on purpose: the two families disagreeing
    about a job (one the current listing does not show, statuses spelled differently), and a
    reverse task with a DtsJobId of its own.
    """

    def __init__(self, legacy=(), current=(), cap=30):
        self.legacy = list(legacy)
        self.current = list(current)
        self.cap = cap

    def __call__(self, action, params, headers):
        if action == 'DescribeSynchronizationJobStatusList':
            asked = json.loads(params['SynchronizationJobIdListJsonStr'])
            entries = [
                {
                    'SynchronizationJobId': record['SynchronizationJobId'],
                    'SynchronizationDirectionInfoList': [
                        {
                            'SynchronizationDirection': record['SynchronizationDirection'],
                            'Status': record['Status'],
                            'Checkpoint': '1700000000',
                        }
                    ],
                }
                for record in self.legacy
                if record['SynchronizationJobId'] in asked
            ]
            return FakeResponse(200, {'Success': True, 'RequestId': 'R', 'SynchronizationJobListStatusList': entries})
        if action == 'DescribeSynchronizationJobs':
            return paged(self.legacy)(action, params, headers)
        assert action == 'DescribeDtsJobs' and params['Region'] == 'cn-beijing' and params['JobType'] == 'SYNC'
        # DtsJobId and DtsInstanceId take comma-separated lists.
        records = [
            record
            for record in self.current
            if ('DtsJobId' not in params or record['DtsJobId'] in params['DtsJobId'].split(','))
            and ('DtsInstanceId' not in params or record['DtsInstanceID'] in params['DtsInstanceId'].split(','))
        ]
        size = min(int(params['PageSize']), self.cap)
        number = int(params['PageNumber'])
        page = records[(number - 1) * size : number * size]
        return FakeResponse(
            200,
            {
                'TotalRecordCount': len(records),
                'PageNumber': number,
                'PageRecordCount': len(page),
                'DtsJobList': page,
                'Success': True,
                'RequestId': 'R-%d' % number,
            },
        )


def counted(client):
    counts = {}
    for action, params, _headers in client.session.sent:
        key = action
        if action == 'DescribeDtsJobs':
            key += ' by id' if ('DtsJobId' in params or 'DtsInstanceId' in params) else ' page'
        counts[key] = counts.get(key, 0) + 1
    return counts


def test_auto_answers_a_mixed_list_legacy_id_job_id_and_instance_id_with_nothing_missing(fake_dts):
    client = region_client(
        fake_dts,
        legacy_spec('dtsLEGACY', 'synchronizing'),
        current_spec('jobA', 'Retrying', delay=37),
        current_spec('jobB', 'synchronizing', reverse='initializing'),
        *[current_spec('filler%02d' % index) for index in range(10)],
    )
    found, missing = read_statuses(client, ['dtsLEGACY', 'jobA', 'dtsjobB', 'dtsNOPE'])
    assert missing == ['dtsNOPE']
    assert [(entry['synchronization_job_id'], entry['api'], entry['status']) for entry in found] == [
        ('dtsLEGACY', 'legacy', 'Synchronizing'),
        ('jobA', 'current', 'Retrying'),
        ('dtsjobB', 'current', 'Synchronizing'),
    ]
    job_a, job_b = found[1], found[2]
    assert job_a['directions'] == [
        {
            'synchronization_direction': 'Forward',
            'status': 'Retrying',
            'checkpoint': 1700000000,
            'checkpoint_time': '2023-11-14T22:13:20Z',
            'delay': 37,
            'error_message': None,
        }
    ]
    assert (job_b['dts_job_id'], job_b['dts_instance_id']) == ('jobB', 'dtsjobB')
    assert [(d['synchronization_direction'], d['status'], d['delay']) for d in job_b['directions']] == [
        ('Forward', 'Synchronizing', 0),
        ('Reverse', 'Initializing', None),
    ]
    # One legacy status call; then by id: jobA as a task id and dtsjobB, dtsNOPE as instance ids,
    # and dtsNOPE, not found, once more as a task id. The region is never listed.
    assert counted(client) == {'DescribeSynchronizationJobStatusList': 1, 'DescribeDtsJobs by id': 3}


def test_ids_the_legacy_list_knows_cost_no_current_request(fake_dts):
    client = region_client(fake_dts, legacy_spec('dtsA'), legacy_spec('dtsB'))
    found, missing = read_statuses(client, ['dtsA', 'dtsB'])
    assert missing == [] and counted(client) == {'DescribeSynchronizationJobStatusList': 1}


def test_one_unknown_id_is_looked_up_alone_guessing_its_kind_from_its_prefix(fake_dts):
    client = region_client(fake_dts, *[current_spec('j%03d' % index) for index in range(300)])
    found, missing = read_statuses(client, ['j123'])
    assert missing == [] and found[0]['dts_instance_id'] == 'dtsj123'
    assert counted(client) == {'DescribeSynchronizationJobStatusList': 1, 'DescribeDtsJobs by id': 1}
    assert client.session.sent[-1][1]['DtsJobId'] == 'j123'

    client = region_client(fake_dts, *[current_spec('j%03d' % index) for index in range(300)])
    found, missing = read_statuses(client, ['dtsj124'], api='current')
    assert missing == [] and found[0]['dts_job_id'] == 'j124'
    assert counted(client) == {'DescribeDtsJobs by id': 1}
    assert client.session.sent[-1][1]['DtsInstanceId'] == 'dtsj124'


def test_a_wrong_guess_costs_one_more_request_never_a_wrong_job(fake_dts):
    # A job id that happens to start with dts: first asked as an instance id, then as a job id.
    client = region_client(fake_dts, current_spec('dtsweird', instance_id='dtsinst1'))
    found, missing = read_statuses(client, ['dtsweird'], api='current')
    assert missing == [] and found[0]['dts_instance_id'] == 'dtsinst1'
    assert counted(client) == {'DescribeDtsJobs by id': 2}
    client = region_client(fake_dts, current_spec('x'))
    assert read_statuses(client, ['nope'], api='current') == ([], ['nope'])
    assert counted(client) == {'DescribeDtsJobs by id': 2}


def test_many_ids_in_a_big_region_cost_what_they_cost_in_a_small_one(fake_dts):
    # Only the named jobs are read: the ids travel in the DtsInstanceId / DtsJobId filters.
    for total in (40, 3000):
        client = region_client(fake_dts, *[current_spec('j%04d' % index) for index in range(total)])
        found, missing = read_statuses(client, ['j0001', 'j0015', 'j0020', 'dtsj0039'], api='current')
        assert missing == [] and [entry['dts_job_id'] for entry in found] == ['j0001', 'j0015', 'j0020', 'j0039']
        assert counted(client) == {'DescribeDtsJobs by id': 2}, total


def test_lookup_request_count_never_exceeds_its_documented_bound(fake_dts):
    for total in (0, 29, 31, 95, 400):
        for wanted in (2, 3, 8, 120):
            client = region_client(fake_dts, *[current_spec('j%03d' % index) for index in range(total)])
            ids = ['j%03d' % (total - 1 - index * 3) for index in range(wanted) if total - 1 - index * 3 >= 0]
            ids += ['dts' + job_id for job_id in ids[::2]]
            ids += ['missing%d' % index for index in range(wanted - len(ids))]
            found = lookup_current_jobs(client, ids)
            assert sorted(found) == sorted(job_id for job_id in ids if not job_id.startswith('missing'))
            # Two passes of at most ceil(n / 50) + 1 lists, two pages each: nothing depends on the region.
            lists = -(-len(ids) // IDS_PER_LOOKUP) + 1
            assert len(client.session.sent) <= 2 * 2 * lists, (total, wanted)


def test_bad_api_is_refused_before_any_request(fake_dts):
    client = region_client(fake_dts)
    with pytest.raises(DtsConfigError) as caught:
        read_statuses(client, ['a'], api='new')
    assert caught.value.option == 'api' and client.session.sent == []


def test_current_listing_filters_ids_of_either_kind_and_statuses_per_direction():
    region = Region(
        current=[
            dts_job('a', 'synchronizing'),
            dts_job('b', 'Synchronizing', reverse='failed'),
            dts_job('c', 'PRECHECKPASS'),
        ]
    )
    facts = list_dts_job_facts(client_for(region), statuses=['Failed', 'PreCheckPass'])
    assert [(f['dts_job_id'], f['dts_job_direction'], f['status']) for f in facts] == [
        ('br', 'Reverse', 'Failed'),
        ('c', 'Forward', 'PreCheckPass'),
    ]
    facts = list_dts_job_facts(client_for(region), job_ids=['a', 'dtsb'], facts={'dts_job_id', 'dts_job_direction'})
    assert facts == [
        {'dts_job_id': 'a', 'dts_job_direction': 'Forward'},
        {'dts_job_id': 'b', 'dts_job_direction': 'Forward'},
        {'dts_job_id': 'br', 'dts_job_direction': 'Reverse'},
    ]


def test_details_are_read_per_direction_with_the_delay_in_seconds():
    def handler(action, params, headers):
        if action == 'DescribeDtsJobs':
            return Region(current=[dts_job('b', reverse='synchronizing')])(action, params, headers)
        direction = params.get('SynchronizationDirection', 'Forward')
        return FakeResponse(
            200,
            {
                'DtsJobId': params['DtsJobId'],
                'Delay': 1500 if direction == 'Forward' else -1,
                'Status': 'Synchronizing',
                'Success': True,
                'RequestId': 'R',
            },
        )

    client = client_for(handler)
    jobs = add_job_details(client, list_dts_job_facts(client))
    assert [(job['dts_job_direction'], job['detail']['delay']) for job in jobs] == [('Forward', 2), ('Reverse', None)]
    details = [params for action, params, _headers in client.session.sent if action == 'DescribeDtsJobDetail']
    assert sorted(params.get('SynchronizationDirection', 'Forward') for params in details) == ['Forward', 'Reverse']


def test_both_families_listed_once_per_job_direction_the_current_description_winning():
    legacy = [
        job('dtsOLD'),
        job('dtsBOTH', 'synchronizing'),
        job('dtsBOTH', 'failed', direction='Reverse'),
        job('dtsHALF', 'synchronizing'),
    ]
    current = [
        dts_job('BOTH', 'Synchronizing', instance_id='dtsBOTH', reverse='Failed'),
        dts_job('NEW'),
        dts_job('HALF', instance_id='dtsOTHER'),
    ]
    jobs = list_job_facts_all(client_for(Region(legacy=legacy, current=current)))
    keys = [
        (
            f['api'],
            f.get('synchronization_job_id') or f['dts_instance_id'],
            f.get('synchronization_direction') or f['dts_job_direction'],
        )
        for f in jobs
    ]
    assert keys == [
        ('legacy', 'dtsOLD', 'Forward'),
        ('legacy', 'dtsHALF', 'Forward'),
        ('current', 'dtsBOTH', 'Forward'),
        ('current', 'dtsBOTH', 'Reverse'),
        ('current', 'dtsNEW', 'Forward'),
        ('current', 'dtsOTHER', 'Forward'),
    ]
    only_legacy = list_job_facts_all(client_for(Region(legacy=legacy, current=current)), apis=['legacy'])
    assert [f['api'] for f in only_legacy] == ['legacy'] * 4
    with pytest.raises(DtsConfigError):
        list_job_facts_all(client_for(Region()), apis=['both'])
