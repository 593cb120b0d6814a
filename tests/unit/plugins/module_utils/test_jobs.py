# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Client-side filters and input validation shared by the modules and the inventory plugin."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.alibabacloud.dts.plugins.module_utils._client import DtsClient
from ansible_collections.alibabacloud.dts.plugins.module_utils._errors import DtsConfigError
from ansible_collections.alibabacloud.dts.plugins.module_utils._normalize import SUMMARY_JOB_FACTS
from ansible_collections.alibabacloud.dts.plugins.module_utils._jobs import (
    list_job_facts,
    read_statuses,
    validate_job_facts,
    validate_job_ids,
    validate_statuses,
)
from ansible_collections.alibabacloud.dts.tests.unit.plugins.module_utils.fakes import (
    CREDS,
    FakeResponse,
    FakeSession,
    job,
    paged,
)


def client_for(handler):
    return DtsClient(CREDS, 'cn-beijing', 'https://dts.cn-beijing.aliyuncs.com', session=FakeSession(handler))


RECORDS = [job('dtsA', 'synchronizing'), job('dtsB', 'Failed'), job('dtsC', 'Initializating'),
           job('dtsC', 'synchronizing', direction='Reverse')]


def test_statuses_filter_is_case_insensitive_and_uses_documented_spellings():
    facts = list_job_facts(client_for(paged(RECORDS)), statuses=validate_statuses(['SYNCHRONIZING', 'initializing']))
    assert [(f['synchronization_job_id'], f['status']) for f in facts] == [
        ('dtsA', 'Synchronizing'), ('dtsC', 'Initializing'), ('dtsC', 'Synchronizing')]
    assert all(f['region'] == 'cn-beijing' for f in facts)


def test_job_ids_filter_keeps_both_directions():
    facts = list_job_facts(client_for(paged(RECORDS)), job_ids=['dtsC', 'dtsZ'])
    assert [f['synchronization_direction'] for f in facts] == ['Forward', 'Reverse']


def test_filters_apply_whatever_facts_are_returned():
    facts = list_job_facts(client_for(paged(RECORDS)), statuses=['Synchronizing'], job_ids=['dtsA', 'dtsC'],
                           facts=validate_job_facts(['delay']))
    assert facts == [
        {'synchronization_job_id': 'dtsA', 'synchronization_direction': 'Forward', 'delay': 0},
        {'synchronization_job_id': 'dtsC', 'synchronization_direction': 'Reverse', 'delay': 0}]


@pytest.mark.parametrize('fields, expected', [
    (['summary'], set(SUMMARY_JOB_FACTS)),
    (['Summary', 'precheck_status'], set(SUMMARY_JOB_FACTS) | {'precheck_status'}),
    (['status'], {'synchronization_job_id', 'synchronization_direction', 'status'}),
    (['summary', 'all'], None),
    ([' ALL '], None),
])
def test_fields_name_facts_summary_or_all_and_always_keep_the_identity(fields, expected):
    assert validate_job_facts(fields) == expected


@pytest.mark.parametrize('fields, words', [
    ([], ['at least one', '[summary]']),
    (['precheck'], ["'precheck'", 'precheck_status', 'summary, all']),
    (['SynchronizationJobId'], ['synchronization_job_id']),
    ([None], ['None']),
    (['detail'], ['source_endpoint']),
])
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
    body = {'Success': True, 'RequestId': 'R', 'SynchronizationJobListStatusList': [
        {'SynchronizationJobId': 'b', 'SynchronizationDirectionInfoList': [
            {'SynchronizationDirection': 'Forward', 'Status': 'synchronizing', 'Checkpoint': '1'}]},
        {'SynchronizationJobId': 'a', 'SynchronizationDirectionInfoList': []},
    ]}
    found, missing = read_statuses(client_for(lambda *a: FakeResponse(200, body)), ['a', 'x', 'b'])
    assert [job['synchronization_job_id'] for job in found] == ['a', 'b']
    assert missing == ['x']
