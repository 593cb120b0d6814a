# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The current family's records as facts, and the normaliser fuzzed against the official SDK's model.

Hypothesis writes DescribeDtsJobs entries the way the wire does (numbers as strings or numbers,
statuses in any case, a ``-1`` delay, fields missing, a nested ``ReverseJob``) and the Tea SDK's
model parses each.  Every fact we return must be a field the model parsed, under the model's own
snake_case name, holding the same value typed; ``TagList`` becomes ``tags``, ``ReverseJob`` a
record of its own, and ``checkpoint_time``, ``region`` and ``api`` are what we add.
"""

import time
from datetime import datetime

from alibabacloud_dts20200101 import models
from hypothesis import given, settings, strategies as st

from ansible_collections.alibabacloud.dts.plugins.module_utils._api_current import CURRENT
from ansible_collections.alibabacloud.dts.plugins.module_utils._normalize import (
    DTS_JOB_FACTS,
    IDENTITY_DTS_JOB_FACTS,
    JOB_STATUSES,
    SUMMARY_DTS_JOB_FACTS,
    canonical_status,
    normalize_dts_job,
    normalize_dts_job_detail,
    to_delay,
)
from ansible_collections.alibabacloud.dts.plugins.module_utils._scalars import iso_time

CURRENT_ONLY = ('PreCheckPass', 'NotConfigured', 'Retrying', 'Upgrade', 'Locked', 'Downgrade')


def test_the_current_familys_statuses_are_documented_in_any_case():
    for status in CURRENT_ONLY:
        assert status in JOB_STATUSES
        assert canonical_status(status.lower()) == status
        assert canonical_status(status.upper()) == status
    assert canonical_status('precheckpass') == 'PreCheckPass'
    assert canonical_status('migrationfailed') == 'MigrationFailed'


def test_a_minus_one_delay_is_null_never_a_number_a_gate_would_pass():
    assert to_delay(-1) is None and to_delay('-1') is None and to_delay(None) is None and to_delay('') is None
    assert to_delay('12') == 12 and to_delay(0) == 0
    # DescribeDtsJobDetail says milliseconds: round up, so 5.4 s never reads as 5.
    assert to_delay(5400, millis=True) == 6 and to_delay(5000, millis=True) == 5 and to_delay(0, millis=True) == 0
    assert to_delay(-1, millis=True) is None
    assert to_delay('n/a') is None


def record(**extra):
    base = {
        'DtsJobId': 'ta7w132u12h',
        'DtsInstanceID': 'dtsta7w132u12h',
        'DtsJobName': 'orders-prod-dr',
        'Status': 'synchronizing',
        'DtsJobDirection': 'Forward',
        'Delay': 2,
        'Checkpoint': '1610524452',
        'JobType': 'SYNC',
        'PayType': 'PostPaid',
        'CreateTime': '2021-03-16T08:01:31.000+00:00',
        'ResourceGroupId': 'rg-1',
        'TagList': [{'TagKey': 'env', 'TagValue': 'prod'}, {'TagKey': 'bare'}],
        'SourceEndpoint': {'InstanceID': 'rm-1', 'Port': '3306', 'Ip': '10.0.0.1'},
        'DataSynchronizationStatus': {'Status': 'Catched', 'Percent': '100', 'NeedUpgrade': 'false'},
        'Performance': {'Rps': '120', 'Flow': '0.42'},
    }
    base.update(extra)
    return base


def test_one_record_typed_with_the_wire_names_in_snake_case():
    (fact,) = normalize_dts_job(record(), 'cn-hangzhou')
    assert fact['dts_instance_id'] == 'dtsta7w132u12h' and 'dts_instance_i_d' not in fact
    assert fact['status'] == 'Synchronizing' and fact['dts_job_direction'] == 'Forward'
    assert fact['delay'] == 2 and fact['checkpoint'] == 1610524452
    assert fact['checkpoint_time'] == '2021-01-13T07:54:12Z'
    assert fact['tags'] == {'env': 'prod', 'bare': ''} and 'tag_list' not in fact
    assert fact['region'] == 'cn-hangzhou' and fact['api'] == 'current'
    assert fact['source_endpoint'] == {'instance_id': 'rm-1', 'port': 3306, 'ip': '10.0.0.1'}
    assert fact['data_synchronization_status'] == {'status': 'Catched', 'percent': 100, 'need_upgrade': False}
    assert fact['performance'] == {'rps': 120, 'flow': '0.42'}
    # Left out by the wire, present as null in the summary.
    assert fact['error_message'] is None and fact['expire_time'] is None


def test_a_two_way_job_gives_a_record_per_direction_the_reverse_with_the_jobs_tags_and_type():
    reverse = {'DtsJobId': 'rev0001', 'Status': 'INITIALIZING', 'Delay': -1, 'Checkpoint': '0', 'ErrorMessage': None}
    forward, backward = normalize_dts_job(record(ReverseJob=reverse, ErrorMessage='forward broke'), 'cn-beijing')
    assert forward['dts_job_direction'] == 'Forward' and forward['dts_job_id'] == 'ta7w132u12h'
    assert 'reverse_job' not in forward
    assert backward['dts_job_direction'] == 'Reverse' and backward['dts_job_id'] == 'rev0001'
    assert backward['dts_instance_id'] == 'dtsta7w132u12h' and backward['dts_job_name'] == 'orders-prod-dr'
    assert backward['status'] == 'Initializing' and backward['delay'] is None
    assert backward['checkpoint'] == 0 and backward['checkpoint_time'] is None
    assert backward['tags'] == {'env': 'prod', 'bare': ''} and backward['job_type'] == 'SYNC'
    assert backward['region'] == 'cn-beijing'
    # What belongs to one direction is not lent to the other.
    assert backward['error_message'] is None


def test_a_checkpoint_past_what_a_date_can_say_has_no_time():
    (fact,) = normalize_dts_job(record(Checkpoint='253402300800'), 'r')
    assert fact['checkpoint'] == 253402300800 and fact['checkpoint_time'] is None


def test_an_empty_reverse_job_is_no_direction():
    assert len(normalize_dts_job(record(ReverseJob={}), 'r')) == 1
    assert len(normalize_dts_job(record(ReverseJob=None), 'r')) == 1


def test_the_summary_and_a_selection_are_exactly_that_part_of_every_fact():
    (full,) = normalize_dts_job(record(), 'cn-hangzhou')
    (summary,) = normalize_dts_job(record(), 'cn-hangzhou', set(SUMMARY_DTS_JOB_FACTS))
    assert set(summary) == set(SUMMARY_DTS_JOB_FACTS)
    assert summary == dict((key, value) for key, value in full.items() if key in SUMMARY_DTS_JOB_FACTS)
    assert set(IDENTITY_DTS_JOB_FACTS) < set(SUMMARY_DTS_JOB_FACTS)


def test_the_detail_delay_is_milliseconds_made_seconds():
    body = {
        'DtsJobId': 'j',
        'DtsInstanceID': 'dtsj',
        'Status': 'Synchronizing',
        'Delay': 2500,
        'Checkpoint': 1610524452,
        'RequestId': 'R',
        'Success': True,
        'HttpStatusCode': 200,
        'SubSyncJob': [{'DtsJobId': 'j', 'Delay': -1, 'Checkpoint': '1610524452'}],
    }
    facts = normalize_dts_job_detail(body, 'cn-hangzhou')
    assert facts['delay'] == 3 and facts['checkpoint_time'] == '2021-01-13T07:54:12Z'
    assert facts['sub_sync_job'] == [{'dts_job_id': 'j', 'delay': None, 'checkpoint': 1610524452}]
    assert 'request_id' not in facts and 'success' not in facts


def test_a_status_entry_keeps_the_status_list_shape_and_says_which_family_answered():
    entry = CURRENT.status_of(
        'dtsta7w132u12h',
        record(ReverseJob={'DtsJobId': 'rev', 'Status': 'failed', 'Delay': '7', 'ErrorMessage': 'reverse broke'}),
        'r',
    )
    assert entry['synchronization_job_id'] == 'dtsta7w132u12h' and entry['api'] == 'current'
    assert entry['identity'] == {
        'job_id': entry['dts_job_id'],
        'instance_id': entry['dts_instance_id'],
        'name': 'orders-prod-dr',
        'direction': 'Forward',
        'family': 'current',
        'region': 'r',
        'job_type': 'sync',
    }
    assert entry['status'] == 'Synchronizing' and entry['error_message'] is None
    assert entry['directions'] == [
        {
            'synchronization_direction': 'Forward',
            'status': 'Synchronizing',
            'checkpoint': 1610524452,
            'checkpoint_time': '2021-01-13T07:54:12Z',
            'delay': 2,
            'error_message': None,
        },
        {
            'synchronization_direction': 'Reverse',
            'status': 'Failed',
            'checkpoint': None,
            'checkpoint_time': None,
            'delay': 7,
            'error_message': 'reverse broke',
        },
    ]


# -- fuzzed against the SDK's model ----------------------------------------------------------------

TEXT = st.text(max_size=10)
NUMBER = st.one_of(st.integers(0, 10**12).map(str), st.integers(0, 10**12), st.just(''))
DELAY = st.one_of(NUMBER, st.just(-1), st.just('-1'))
STATUS = st.tuples(st.sampled_from(JOB_STATUSES), st.sampled_from([str.lower, str.upper, str])).map(
    lambda pair: pair[1](pair[0])
)


def fields(**strategies):
    return st.fixed_dictionaries({}, optional=strategies)


# Times as the wire spells them (the documented Z, an offset, a fraction) or text that is no time.
TIME = st.one_of(
    TEXT,
    st.tuples(
        st.datetimes(datetime(2000, 1, 1), datetime(2100, 1, 1)),
        st.sampled_from(['%Y-%m-%dT%H:%M:%SZ', '%Y-%m-%dT%H:%M:%S.000+00:00', '%Y-%m-%dT%H:%M:%S+08:00']),
    ).map(lambda pair: pair[0].strftime(pair[1])),
)
ENDPOINT = fields(InstanceID=TEXT, EngineName=TEXT, Region=TEXT, Ip=TEXT, Port=NUMBER, UserName=TEXT)
STAGE = fields(Status=STATUS, Percent=NUMBER, Progress=NUMBER, ErrorMessage=TEXT)
DIRECTION = dict(
    DtsJobId=TEXT,
    DtsInstanceID=TEXT,
    DtsJobName=TEXT,
    Status=STATUS,
    Delay=DELAY,
    Checkpoint=NUMBER,
    ErrorMessage=TEXT,
    PayType=st.sampled_from(['PrePaid', 'PostPaid']),
    ExpireTime=TIME,
    CreateTime=TIME,
    DtsJobClass=TEXT,
    SourceEndpoint=ENDPOINT,
    DestinationEndpoint=ENDPOINT,
    DataInitializationStatus=STAGE,
    StructureInitializationStatus=STAGE,
    Performance=fields(Rps=NUMBER, Flow=TEXT),
    DataSynchronizationStatus=fields(Status=STATUS, Percent=NUMBER, Progress=NUMBER, NeedUpgrade=st.booleans()),
    PrecheckStatus=fields(
        Status=STATUS,
        Percent=NUMBER,
        Detail=st.lists(fields(CheckItem=TEXT, CheckResult=STATUS, FailedReason=TEXT, RepairMethod=TEXT), max_size=3),
    ),
)
RECORD = fields(
    JobType=st.sampled_from(['SYNC', 'MIGRATION']),
    ResourceGroupId=TEXT,
    TagList=st.lists(fields(TagKey=TEXT, TagValue=TEXT), max_size=3, unique_by=lambda tag: tag.get('TagKey')),
    ReverseJob=st.fixed_dictionaries(
        {'DtsJobId': TEXT.filter(bool)},
        optional=dict((name, value) for name, value in DIRECTION.items() if name != 'DtsJobId'),
    ),
    **DIRECTION,
)
ADDED = ('checkpoint_time', 'region', 'api', 'tags', 'data_check', 'identity')
COUNTS = ('percent', 'progress', 'port', 'rps', 'checkpoint')
# Documented as ISO 8601 UTC: the fact is that time, spelt YYYY-MM-DDTHH:MM:SSZ, or null when it is none.
TIMES = ('create_time', 'expire_time')
# DescribeDtsJobs' Delay: milliseconds for a migration task, seconds for a synchronization (docs/fields.md).
DELAY_UNITS = {'SYNC': 1, 'MIGRATION': 1000}


def model_fields(model):
    return dict((name, value) for name, value in vars(model).items() if value is not None and value != [])


def present(facts):
    return dict((name, value) for name, value in facts.items() if value is not None and value != [])


def expected_names(theirs, job_type):
    """The SDK's fields we must return a value for: an empty count, a -1 delay, a delay of no known
    job type and a time that is no time are null."""
    return sorted(
        name
        for name, value in theirs.items()
        if not (name in COUNTS + ('delay',) and str(value) in ('', '-1'))
        and not (name == 'delay' and job_type not in DELAY_UNITS)
        and not (name in TIMES and iso_time(value) is None)
    )


def assert_same(fact, parsed, where, job_type='SYNC'):
    """``fact`` (ours) holds what the SDK ``parsed``, typed."""
    name = where.rsplit('.', 1)[-1]
    if isinstance(parsed, list):
        assert isinstance(fact, list) and len(fact) == len(parsed), where
        for index, (ours, theirs) in enumerate(zip(fact, parsed)):
            assert_same(ours, theirs, '%s[%d]' % (where, index))
    elif hasattr(parsed, 'to_map'):
        theirs = model_fields(parsed)
        fact = present(fact)
        assert sorted(fact) == expected_names(theirs, job_type), where
        for key, value in fact.items():
            assert_same(value, theirs[key], where + '.' + key, job_type)
    elif name == 'delay':
        assert fact == -(-int(parsed) // DELAY_UNITS[job_type]) and fact >= 0, where
    elif name in TIMES:
        assert fact == iso_time(parsed) and fact.endswith('Z'), where
    elif name in COUNTS:
        assert isinstance(fact, int) and not isinstance(fact, bool) and fact == int(parsed), where
    elif isinstance(fact, bool):
        assert str(parsed).lower() == str(fact).lower(), where
    elif fact != parsed:
        assert fact == canonical_status(parsed) and fact.lower() == str(parsed).lower(), where


def assert_direction(fact, parsed, region, tags, job_type):
    assert fact.pop('region') == region and fact.pop('api') == 'current'
    assert fact.pop('tags') == tags
    # Built from fields checked here under their own names (test_normalize_checks checks its values).
    assert set(fact.pop('data_check')) == {'full', 'incremental', 'structure'}
    checkpoint_time = fact.pop('checkpoint_time')
    checkpoint = fact.get('checkpoint')
    if checkpoint and checkpoint < 253402300800:  # up to the last second of year 9999
        assert checkpoint_time == time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(checkpoint))
    else:
        assert checkpoint_time is None
    theirs = model_fields(parsed)
    for skipped in ('tag_list', 'reverse_job'):
        theirs.pop(skipped, None)
    assert sorted(present(fact)) == expected_names(theirs, job_type)
    for name, value in present(fact).items():
        assert_same(value, theirs[name], name, job_type)


@settings(max_examples=300, deadline=None)
@given(RECORD)
def test_every_fact_is_what_the_sdk_model_parsed_under_its_name(wire):
    parsed = models.DescribeDtsJobsResponseBodyDtsJobList().from_map(wire)
    facts = normalize_dts_job(wire, 'cn-hangzhou')
    tags = dict(
        (tag.tag_key, tag.tag_value if tag.tag_value is not None else '')
        for tag in parsed.tag_list or []
        if tag.tag_key is not None
    )
    assert len(facts) == (2 if wire.get('ReverseJob') else 1)
    forward = facts[0]
    assert forward['dts_job_direction'] == 'Forward'
    assert_direction(
        dict(forward, dts_job_direction=wire.get('DtsJobDirection'))
        if 'DtsJobDirection' in wire
        else dict((k, v) for k, v in forward.items() if k != 'dts_job_direction'),
        parsed,
        'cn-hangzhou',
        tags,
        wire.get('JobType'),
    )
    if wire.get('ReverseJob'):
        reverse = facts[1]
        assert reverse['dts_job_direction'] == 'Reverse' and reverse['tags'] == tags
        # The job's own fields, when the reverse leaves them out, are the job's.
        for fact_name, wire_name in (
            ('dts_instance_id', 'DtsInstanceID'),
            ('dts_job_name', 'DtsJobName'),
            ('job_type', 'JobType'),
            ('pay_type', 'PayType'),
            ('resource_group_id', 'ResourceGroupId'),
        ):
            own = wire['ReverseJob'].get(wire_name)
            assert reverse.get(fact_name) == (own if own is not None else forward.get(fact_name)), fact_name
        reverse_parsed = models.DescribeDtsJobsResponseBodyDtsJobListReverseJob().from_map(wire['ReverseJob'])
        own = dict(
            (name, value)
            for name, value in reverse.items()
            if name in vars(reverse_parsed) and vars(reverse_parsed)[name] is not None
        )
        own.update(
            region='cn-hangzhou',
            api='current',
            tags=tags,
            checkpoint_time=reverse['checkpoint_time'],
            data_check=reverse['data_check'],
        )
        if 'DtsJobDirection' not in wire['ReverseJob']:
            own.pop('dts_job_direction', None)
        assert_direction(own, reverse_parsed, 'cn-hangzhou', tags, 'SYNC')


def test_the_facts_are_the_sdk_model_fields_and_what_the_collection_adds():
    model = models.DescribeDtsJobsResponseBodyDtsJobList()
    assert set(DTS_JOB_FACTS) == (set(vars(model)) - {'tag_list', 'reverse_job'}) | set(ADDED)
    assert len(DTS_JOB_FACTS) == len(set(DTS_JOB_FACTS))
    reverse = models.DescribeDtsJobsResponseBodyDtsJobListReverseJob()
    assert set(vars(reverse)) <= set(DTS_JOB_FACTS)
