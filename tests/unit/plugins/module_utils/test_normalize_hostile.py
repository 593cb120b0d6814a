# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The normaliser over arbitrary JSON: typed facts hold their type or null, and nothing raises."""

import json
import math

from hypothesis import given, settings, strategies as st

from ansible_collections.alibabacloud.dts.plugins.module_utils._normalize import (
    MAX_FACT_DEPTH,
    normalize_dts_job,
    normalize_dts_job_detail,
    normalize_job,
    normalize_status,
)

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(['NaN', 'Infinity', '-inf', '1e308', '1e999', '12', '-1', 'true', 'abc', '']),
)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)),
    max_leaves=12,
)
LEGACY_FIELDS = [
    'Status',
    'Delay',
    'Tags',
    'DataInitialization',
    'Performance',
    'PrecheckStatus',
    'Checkpoint',
    'SynchronizationObjects',
    'ErrorMessage',
]
CURRENT_FIELDS = [
    'Status',
    'Delay',
    'TagList',
    'Checkpoint',
    'ReverseJob',
    'DataInitialization',
    'RetryCount',
    'MigrationMode',
    'Performance',
    'SubSyncJob',
]


def record_of(fields, ids):
    return st.fixed_dictionaries(ids, optional=dict((name, JSON) for name in fields))


def numbers_are_finite(value):
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(numbers_are_finite(item) for item in value.values())
    if isinstance(value, list):
        return all(numbers_are_finite(item) for item in value)
    return True


def depth(value):
    if isinstance(value, dict):
        return 1 + max([depth(item) for item in value.values()] or [0])
    if isinstance(value, list):
        return 1 + max([depth(item) for item in value] or [0])
    return 0


def is_number(value, kinds=(int, float)):
    return isinstance(value, kinds) and not isinstance(value, bool)


def assert_typed(fact, delay_kinds=(int,)):
    # The legacy family keeps the wire's numbers (12.5 stays 12.5); the current one has whole seconds.
    assert fact.get('delay') is None or is_number(fact['delay'], delay_kinds)
    assert fact.get('status') is None or isinstance(fact['status'], str)
    assert isinstance(fact['tags'], dict) and all(isinstance(key, str) for key in fact['tags'])
    assert all(value is None or isinstance(value, str) for value in fact['tags'].values())
    json.dumps(fact, allow_nan=False)
    assert numbers_are_finite(fact)


@settings(max_examples=300, deadline=None)
@given(record_of(LEGACY_FIELDS, {'SynchronizationJobId': st.just('dtsA')}))
def test_a_legacy_record_of_anything_gives_typed_facts_and_warnings(record):
    warnings = []
    fact = normalize_job(record, 'cn-hangzhou', warn=warnings.append)
    assert_typed(fact, delay_kinds=(int, float))
    assert fact['data_initialization'] in (None, True, False) if 'data_initialization' in fact else True
    assert all('DTS job dtsA in region cn-hangzhou' in warning for warning in warnings)


@settings(max_examples=300, deadline=None)
@given(record_of(CURRENT_FIELDS, {'DtsInstanceID': st.just('dtsB'), 'DtsJobId': st.just('jB')}))
def test_a_current_record_of_anything_gives_typed_facts(record):
    warnings = []
    for fact in normalize_dts_job(record, 'cn-beijing', warn=warnings.append):
        assert_typed(fact)
        assert fact['checkpoint'] is None or isinstance(fact['checkpoint'], (int, float))
    assert_typed(dict(normalize_dts_job_detail(record, 'cn-beijing', warn=warnings.append), tags={}))


@settings(max_examples=200, deadline=None)
@given(
    st.fixed_dictionaries(
        {'SynchronizationJobId': st.just('dtsC')}, optional={'SynchronizationDirectionInfoList': JSON}
    )
)
def test_a_status_entry_of_anything_gives_typed_directions(entry):
    status = normalize_status(entry, warn=[].append)
    assert status['status'] is None or isinstance(status['status'], str)
    for direction in status['directions']:
        assert direction['checkpoint'] is None or isinstance(direction['checkpoint'], (int, float))
    json.dumps(status, allow_nan=False)


def test_nesting_past_the_limit_is_null_with_a_warning_not_a_recursion_error():
    deep = 'bottom'
    for _level in range(5000):
        deep = [deep]
    warnings = []
    fact = normalize_job({'SynchronizationJobId': 'dtsD', 'Strange': {'Deeper': deep}}, 'r', warn=warnings.append)
    assert depth(fact['strange']) <= MAX_FACT_DEPTH
    assert any('nested less than %d levels deep' % MAX_FACT_DEPTH in warning for warning in warnings)


def test_tags_of_every_wrong_shape_are_dropped_with_a_warning():
    warnings = []
    fact = normalize_job(
        {
            'SynchronizationJobId': 'dtsE',
            'Tags': ['env', {'Key': ['k']}, {'Key': 'ok', 'Value': {'v': 1}}, {'Key': 5, 'Value': 6}, {'Key': 'fine'}],
        },
        'r',
        warn=warnings.append,
    )
    assert fact['tags'] == {'ok': None, '5': '6', 'fine': ''}
    assert len(warnings) == 3
