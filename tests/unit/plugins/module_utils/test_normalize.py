# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The normaliser turns the API's loose strings into typed snake_case facts."""

import pytest

from ansible_collections.alibabacloud.dts.plugins.module_utils._normalize import (
    JOB_FACTS,
    JOB_STATUSES,
    SUMMARY_JOB_FACTS,
    canonical_status,
    checkpoint_time,
    normalize_job,
    normalize_status,
    to_bool,
    to_int,
)

# The sample record of the API reference, trimmed, with the quirks users meet.
RECORD = {
    'Status': 'synchronizing',
    'SynchronizationJobId': 'dtsexjk1alb116lbf1',
    'SynchronizationJobName': '订单同步',
    'Delay': '12',
    'DataInitialization': 'true',
    'StructureInitialization': True,
    'PayType': 'PrePaid',
    'ExpireTime': '2021-07-07T16:00:00Z',
    'DataInitializationStatus': {'Status': 'finished', 'Progress': '200001', 'Percent': '100'},
    'PrecheckStatus': {
        'Status': 'Success',
        'Percent': '100',
        'Detail': [
            {
                'CheckStatus': 'failed',
                'ItemName': 'CHECK_CONN_SRC',
                'ErrorMessage': 'denied',
                'RepairMethod': 'CHECK_ERROR_DEST_CONN_REPAIR2',
            }
        ],
    },
    'SourceEndpoint': {'InstanceId': 'rm-1', 'IP': '172.16.88.1', 'Port': '3306', 'EngineName': 'MySQL'},
    'Performance': {'RPS': '100', 'FLOW': '0.00MB/s'},
    'SynchronizationObjects': [{'SchemaName': 'db', 'TableIncludes': [{'TableName': 'customer'}], 'TableExcludes': []}],
    'Tags': [{'Key': 'env', 'Value': 'prod'}, {'Key': 'CostCenter', 'Value': ''}, {'Key': 'owner'}],
    'DataSynchronizationStatus': {},
}


def test_job_keys_are_mechanical_snake_case_and_values_typed():
    facts = normalize_job(RECORD, 'cn-hangzhou')
    assert facts['synchronization_job_id'] == 'dtsexjk1alb116lbf1'
    assert facts['synchronization_job_name'] == '订单同步'
    assert facts['status'] == 'Synchronizing'
    assert facts['delay'] == 12
    assert facts['data_initialization'] is True and facts['structure_initialization'] is True
    assert facts['data_initialization_status'] == {'status': 'Finished', 'progress': 200001, 'percent': 100}
    assert facts['source_endpoint'] == {
        'instance_id': 'rm-1',
        'ip': '172.16.88.1',
        'port': 3306,
        'engine_name': 'MySQL',
    }
    assert facts['performance'] == {'rps': 100, 'flow': '0.00MB/s'}
    assert facts['precheck_status']['detail'][0] == {
        'check_status': 'Failed',
        'item_name': 'CHECK_CONN_SRC',
        'error_message': 'denied',
        'repair_method': 'CHECK_ERROR_DEST_CONN_REPAIR2',
    }
    assert facts['synchronization_objects'][0]['table_includes'] == [{'table_name': 'customer'}]
    assert facts['data_synchronization_status'] == {}
    assert facts['region'] == 'cn-hangzhou'


def test_a_selection_converts_only_the_facts_asked_for_and_the_same_way():
    full = normalize_job(dict(RECORD, SomeNewField='x'), 'cn-hangzhou')
    assert full['some_new_field'] == 'x'  # no selection keeps what the API adds later
    summary = normalize_job(RECORD, 'cn-hangzhou', frozenset(SUMMARY_JOB_FACTS))
    assert summary == dict((key, value) for key, value in full.items() if key in SUMMARY_JOB_FACTS)
    assert set(summary) == set(SUMMARY_JOB_FACTS) - {'error_message', 'synchronization_direction'}  # not in RECORD
    picked = normalize_job(RECORD, 'cn-hangzhou', frozenset(['synchronization_job_id', 'precheck_status']))
    assert picked == {'synchronization_job_id': 'dtsexjk1alb116lbf1', 'precheck_status': full['precheck_status']}


def test_job_facts_are_every_documented_field_once_and_the_summary_a_part_of_them():
    documented = set(normalize_job(RECORD, 'r')) | {
        'synchronization_direction',
        'error_message',
        'synchronization_job_class',
        'create_time',
        'job_create_time',
        'instance_create_time',
        'destination_endpoint',
        'structure_initialization_status',
        'identity',
    }  # the identity block, which the family adds (_api_legacy.LEGACY.normalize)
    assert set(JOB_FACTS) == documented and len(JOB_FACTS) == len(documented)
    assert set(SUMMARY_JOB_FACTS) < set(JOB_FACTS)


def test_tags_become_a_dict_with_keys_untouched():
    assert normalize_job(RECORD, 'cn-hangzhou')['tags'] == {'env': 'prod', 'CostCenter': '', 'owner': ''}
    assert normalize_job(dict(RECORD, Tags=[]), 'r')['tags'] == {}
    assert normalize_job(dict(RECORD, Tags=None), 'r')['tags'] == {}


def test_the_input_record_is_not_modified():
    before = repr(RECORD)
    normalize_job(RECORD, 'cn-hangzhou')
    assert repr(RECORD) == before


@pytest.mark.parametrize(
    'wire, documented',
    [
        ('synchronizing', 'Synchronizing'),
        ('SYNCHRONIZING', 'Synchronizing'),
        ('Initializating', 'Initializing'),
        ('initializing', 'Initializing'),
        ('precheckfailed', 'PrecheckFailed'),
        ('notstarted', 'NotStarted'),
        (' Failed ', 'Failed'),
        ('forward', 'Forward'),
        ('SomethingNew', 'SomethingNew'),
        (None, None),
    ],
)
def test_statuses_get_their_documented_spelling(wire, documented):
    assert canonical_status(wire) == documented


def test_every_documented_status_round_trips_from_any_case():
    for status in JOB_STATUSES:
        assert canonical_status(status.upper()) == status
        assert canonical_status(status.lower()) == status


@pytest.mark.parametrize(
    'wire, typed',
    [
        ('0', 0),
        ('42', 42),
        (' 7 ', 7),
        ('12.5', 12.5),
        ('', None),
        (None, None),
        (5, 5),
        ('n/a', None),
        ('NaN', None),
        ('1e308', None),
        (True, None),
        ([1], None),
        (2**64, None),
    ],
)
def test_to_int(wire, typed):
    assert to_int(wire) == typed


@pytest.mark.parametrize(
    'wire, typed',
    [('true', True), ('True', True), (True, True), ('false', False), (False, False), ('', False), (None, None)],
)
def test_to_bool(wire, typed):
    assert to_bool(wire) is typed


def test_status_entry_reports_forward_and_every_direction():
    entry = normalize_status(
        {
            'SynchronizationJobId': 'dtsA',
            'SynchronizationDirectionInfoList': [
                {'Status': 'initializing', 'Checkpoint': '0', 'SynchronizationDirection': 'Reverse'},
                {'Status': 'synchronizing', 'Checkpoint': '1610524452', 'SynchronizationDirection': 'Forward'},
            ],
        }
    )
    assert entry['synchronization_job_id'] == 'dtsA'
    assert entry['status'] == 'Synchronizing'
    assert entry['directions'] == [
        {'synchronization_direction': 'Reverse', 'status': 'Initializing', 'checkpoint': 0, 'checkpoint_time': None},
        {
            'synchronization_direction': 'Forward',
            'status': 'Synchronizing',
            'checkpoint': 1610524452,
            'checkpoint_time': '2021-01-13T07:54:12Z',
        },
    ]


def test_checkpoint_time_is_iso_utc_with_z():
    assert checkpoint_time(0) is None
    assert checkpoint_time(1700000000) == '2023-11-14T22:13:20Z'
