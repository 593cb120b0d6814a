# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The normaliser fuzzed against the official SDK's response model.

Hypothesis writes DescribeSynchronizationJobs records the way the wire does (numbers as strings
or numbers, booleans as text or booleans, statuses in any case, fields missing, any unicode) and
the Tea SDK's model parses each one. Every fact we return must be a field the model parsed, under
the model's own snake_case name and nesting, holding the same value, typed: nothing invented,
nothing dropped, nothing renamed. A selection of facts must be exactly that part of the whole.
"""

from datetime import datetime, timedelta

from alibabacloud_dts20200101 import models
from hypothesis import given, settings, strategies as st

from ansible_collections.alibabacloud.dts.plugins.module_utils._normalize import (
    JOB_FACTS,
    JOB_STATUSES,
    SUMMARY_JOB_FACTS,
    normalize_job,
)
from ansible_collections.alibabacloud.dts.plugins.module_utils._scalars import iso_time

TEXT = st.text(max_size=12)
NUMBER = st.one_of(st.integers(0, 10**12).map(str), st.integers(0, 10**12), st.just(''))
BOOLEAN = st.sampled_from(['true', 'false', 'True', 'FALSE', True, False])
STATUS = st.tuples(
    st.sampled_from(JOB_STATUSES + ('Initializating', 'Migrating', 'Success')),
    st.sampled_from([str.lower, str.upper, str]),
).map(lambda pair: pair[1](pair[0]))


def fields(**strategies):
    """A dict of wire fields, each one present or not."""
    return st.fixed_dictionaries({}, optional=strategies)


# Times as the wire spells them, or text that is no time.
TIME = st.one_of(
    TEXT,
    st.datetimes(datetime(2000, 1, 1), datetime(2100, 1, 1)).map(lambda moment: moment.strftime('%Y-%m-%dT%H:%M:%SZ')),
)
LOCAL_TIME = st.one_of(
    TEXT,
    st.datetimes(datetime(2000, 1, 1), datetime(2100, 1, 1)).map(lambda moment: moment.strftime('%Y-%m-%d %H:%M:%S.0')),
)
ENDPOINT = fields(InstanceId=TEXT, InstanceType=TEXT, IP=TEXT, Port=NUMBER, UserName=TEXT, EngineName=TEXT)
STAGE = fields(Status=STATUS, Percent=NUMBER, ErrorMessage=TEXT, Progress=NUMBER)
TABLES = st.lists(fields(TableName=TEXT), max_size=3)
RECORD = fields(
    SynchronizationJobId=TEXT,
    SynchronizationJobName=TEXT,
    SynchronizationDirection=st.sampled_from(['Forward', 'Reverse', 'forward']),
    Status=STATUS,
    Delay=NUMBER,
    ErrorMessage=TEXT,
    ExpireTime=TIME,
    CreateTime=LOCAL_TIME,
    PayType=st.sampled_from(['PrePaid', 'PostPaid']),
    DataInitialization=BOOLEAN,
    StructureInitialization=BOOLEAN,
    SynchronizationJobClass=TEXT,
    InstanceCreateTime=TIME,
    JobCreateTime=TIME,
    Tags=st.lists(fields(Key=TEXT, Value=TEXT), max_size=4, unique_by=lambda tag: tag.get('Key')),
    SynchronizationObjects=st.lists(
        fields(NewSchemaName=TEXT, SchemaName=TEXT, TableExcludes=TABLES, TableIncludes=TABLES), max_size=3
    ),
    DataInitializationStatus=STAGE,
    StructureInitializationStatus=STAGE,
    DataSynchronizationStatus=fields(Status=STATUS, Delay=NUMBER, Percent=NUMBER, ErrorMessage=TEXT),
    SourceEndpoint=ENDPOINT,
    DestinationEndpoint=ENDPOINT,
    Performance=fields(RPS=NUMBER, FLOW=TEXT),
    PrecheckStatus=fields(
        Status=STATUS,
        Percent=NUMBER,
        Detail=st.lists(fields(CheckStatus=STATUS, ErrorMessage=TEXT, ItemName=TEXT, RepairMethod=TEXT), max_size=4),
    ),
)


def model_fields(model):
    """The fields a Tea model parsed, by their snake_case names.

    The model starts every list as [] whether the wire had it or not, so an empty list counts
    as absent on both sides.
    """
    return dict((name, value) for name, value in vars(model).items() if value is not None and value != [])


def present(facts):
    return dict((name, value) for name, value in facts.items() if value != [])


COUNTS = ('delay', 'percent', 'progress', 'port', 'rps')
# Documented as ISO 8601 UTC; CreateTime as local time in UTC+8 (docs/fields.md): the fact is UTC.
TIMES = {'expire_time': 0, 'instance_create_time': 0, 'job_create_time': 0, 'create_time': 8}


def utc(parsed, hours):
    local = iso_time(parsed)
    if local is None:
        return None
    moment = datetime.strptime(local, '%Y-%m-%dT%H:%M:%SZ') - timedelta(hours=hours)
    return moment.strftime('%Y-%m-%dT%H:%M:%SZ')


FLAGS = ('data_initialization', 'structure_initialization')


def assert_same(fact, parsed, where):
    """``fact`` (ours) holds what the SDK ``parsed``, typed."""
    name = where.rsplit('.', 1)[-1]
    if name in TIMES:
        assert fact == utc(parsed, TIMES[name]), where
        return
    if name in COUNTS and str(parsed).strip():
        assert isinstance(fact, int) and not isinstance(fact, bool), where  # the wire's digits are a number
    if name in FLAGS:
        assert isinstance(fact, bool), where
    if isinstance(parsed, list):
        assert isinstance(fact, list) and len(fact) == len(parsed), where
        for index, (ours, theirs) in enumerate(zip(fact, parsed)):
            assert_same(ours, theirs, '%s[%d]' % (where, index))
    elif hasattr(parsed, 'to_map'):
        theirs = model_fields(parsed)
        assert isinstance(fact, dict), where
        fact = present(fact)
        assert sorted(fact) == sorted(theirs), where
        for name, value in theirs.items():
            assert_same(fact[name], value, where + '.' + name)
    elif isinstance(fact, bool):
        assert str(parsed).lower() == str(fact).lower(), where
    elif isinstance(fact, int) and not isinstance(parsed, int):
        assert int(parsed) == fact, where
    elif fact is None:
        assert parsed == '', where  # an empty count is no count
    elif fact != parsed:
        # A status in its documented spelling (the reference's misspelt one included).
        assert str(parsed).lower().replace('initializating', 'initializing') == fact.lower(), where
        assert fact in JOB_STATUSES + ('Migrating', 'Success', 'Forward'), where


@settings(max_examples=300, deadline=None)
@given(RECORD)
def test_every_fact_is_what_the_sdk_model_parsed_under_its_name(record):
    parsed = models.DescribeSynchronizationJobsResponseBodySynchronizationInstances().from_map(record)
    facts = normalize_job(record, 'cn-hangzhou')
    assert facts.pop('region') == 'cn-hangzhou'
    assert facts.pop('tags') == dict(
        (tag.key, tag.value if tag.value is not None else '') for tag in parsed.tags or [] if tag.key is not None
    )
    theirs = model_fields(parsed)
    theirs.pop('tags', None)
    facts = present(facts)
    assert sorted(facts) == sorted(theirs)
    for name, value in theirs.items():
        assert_same(facts[name], value, name)


@settings(max_examples=100, deadline=None)
@given(RECORD, st.sets(st.sampled_from(JOB_FACTS)))
def test_a_selection_is_exactly_that_part_of_every_fact(record, selection):
    full = normalize_job(record, 'cn-hangzhou')
    assert normalize_job(record, 'cn-hangzhou', selection) == dict(
        (name, value) for name, value in full.items() if name in selection
    )


def test_the_facts_are_the_sdk_model_fields_and_the_region():
    model = models.DescribeSynchronizationJobsResponseBodySynchronizationInstances()
    assert set(JOB_FACTS) == set(vars(model)) | {'region', 'identity'}
    assert set(SUMMARY_JOB_FACTS) < set(JOB_FACTS)
