# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""dts_job_info's monitor_rules in this process against the emulator's alert rule scenarios."""

import json

import pytest

from ansible_collections.alibabacloud.dts.plugins.modules import dts_job_info
from ansible_collections.alibabacloud.dts.tests.unit.plugins.modules.conftest import SECRET
from ansible_collections.alibabacloud.dts.tests.unit.plugins.modules.test_dts_sync_job_info_in_process import (
    patch_module_args,
)

HZ = 'cn-hangzhou'


def run(emulator, capsys, **args):
    # Pacing off: what is measured here is which requests are sent, not how fast (test_api_monitor paces).
    arguments = dict(
        {
            'endpoint': emulator.endpoint,
            'region': HZ,
            'access_key_id': 'test-ak',
            'access_key_secret': SECRET,
            'max_requests_per_second': 0,
        },
        **args,
    )
    with patch_module_args(arguments):
        with pytest.raises(SystemExit):
            dts_job_info.main()
    return json.loads(capsys.readouterr().out)


def sync_jobs(emulator):
    return [job for job in emulator.jobs if job['region'] == HZ and job['job_type'] == 'SYNC']


def test_monitor_rules_are_facts_of_every_record_one_request_per_task(emulator, capsys):
    result = run(emulator, capsys, monitor_rules=True)
    assert not result.get('failed'), result
    jobs = dict((job['dts_job_id'], job) for job in sync_jobs(emulator))
    assert set(record['dts_job_id'] for record in result['jobs']) == set(jobs)
    assert emulator.counters['by_action']['DescribeJobMonitorRule'] == len(jobs)
    for record in result['jobs']:
        wire = jobs[record['dts_job_id']]['monitor_rules']
        assert record['monitor_rules_error'] is None
        assert [
            (rule['type'], rule['enabled'], rule['delay_threshold'], rule['job_type'])
            for rule in record['monitor_rules']
        ] == [(rule['Type'], rule['State'] == 'Y', rule.get('DelayRuleTime'), rule['JobType']) for rule in wire]
        assert [rule['phone_count'] for rule in record['monitor_rules']] == [
            len(rule['Phone'].split(',')) if rule.get('Phone') else 0 for rule in wire
        ]
    assert '13955' not in json.dumps(result)  # the emulator's phone numbers never come back


def test_off_by_default_and_a_query_sees_the_rules(emulator, capsys):
    result = run(emulator, capsys)
    assert 'monitor_rules' not in result['jobs'][0]
    assert 'DescribeJobMonitorRule' not in emulator.counters['by_action']
    query = "[?monitor_rules != null && !(monitor_rules[?type == 'delay' && enabled])].dts_job_id"
    result = run(emulator, capsys, monitor_rules=True, query=query, fields=['status'])
    expected = [
        job['dts_job_id']
        for job in sync_jobs(emulator)
        if not any(rule['Type'] == 'delay' and rule['State'] == 'Y' for rule in job['monitor_rules'])
    ]
    assert expected and sorted(set(result['query_result'])) == sorted(expected)
    assert set(result['jobs'][0]) == {
        'dts_job_id',
        'dts_instance_id',
        'dts_job_direction',
        'api',
        'status',
        'monitor_rules',
        'monitor_rules_error',
    }


def test_a_failed_lookup_is_on_its_task_and_the_module_succeeds(emulator, capsys):
    emulator.business_failures['DescribeJobMonitorRule'] = [
        {'code': 'OperationDenied.JobStatus', 'message': 'released'}
    ]
    result = run(emulator, capsys, monitor_rules=True, max_concurrent_requests=1)
    assert not result.get('failed'), result
    failed = [record for record in result['jobs'] if record['monitor_rules'] is None]
    assert len(failed) == 1 and failed[0]['monitor_rules_error']['code'] == 'OperationDenied.JobStatus'
    assert failed[0]['monitor_rules_error']['request_id']
