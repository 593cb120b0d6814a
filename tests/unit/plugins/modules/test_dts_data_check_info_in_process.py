# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""dts_data_check_info's main() in this process against the emulator's validation scenarios."""

import json

import pytest

from ansible_collections.alibabacloud.dts.plugins.modules import dts_data_check_info
from ansible_collections.alibabacloud.dts.tests.unit.plugins.modules.conftest import SECRET
from ansible_collections.alibabacloud.dts.tests.unit.plugins.modules.test_dts_sync_job_info_in_process import (
    patch_module_args,
)


def run(emulator, capsys, check_mode=False, **args):
    arguments = dict(
        {
            'endpoint': emulator.endpoint,
            'region': 'cn-hangzhou',
            'access_key_id': 'test-ak',
            'access_key_secret': SECRET,
            '_ansible_check_mode': check_mode,
        },
        **args,
    )
    with patch_module_args(arguments):
        with pytest.raises(SystemExit):
            dts_data_check_info.main()
    return json.loads(capsys.readouterr().out)


def named(emulator, name):
    return next(job for job in emulator.jobs if job['name'] == name)


def test_an_inconsistent_full_check_names_its_tables_by_a_legacy_id(emulator, capsys):
    job = named(emulator, 'analytics-prod-sync-05')
    result = run(emulator, capsys, job_ids=[job['id']], check_type='full')
    assert not result.get('failed') and result['changed'] is False
    [entry] = result['data_checks']
    differing = [table for table in job['data_check']['full']['tables'] if table['diff']]
    assert (entry['state'], entry['diff_count']) == ('inconsistent', sum(table['diff'] for table in differing))
    assert [(table['source_table'], table['target_schema'], table['diff_count']) for table in entry['tables']] == [
        (table['table'], table['target_schema'], table['diff']) for table in differing
    ]
    assert 'report_url' not in entry['tables'][0]
    # Row contents are never asked for.
    assert not any(request['action'] == 'DescribeDataCheckTableDiffDetails' for request in emulator.log)


def test_every_state_and_the_ids_of_both_families(emulator, capsys):
    clean, running, bare = (
        named(emulator, name) for name in ('payments-prod-cdc', 'orders-prod-dr', 'inventory-staging-sync')
    )
    result = run(
        emulator,
        capsys,
        check_mode=True,
        tables='all',
        job_ids=[clean['dts_job_id'], running['id'], bare['id'], 'dtsnosuchjob01', clean['dts_job_id']],
    )
    assert result['missing_job_ids'] == ['dtsnosuchjob01']
    assert [(entry['job_id'], entry['check_type'], entry['state']) for entry in result['data_checks']] == [
        (clean['dts_job_id'], 'full', 'passed'),
        (clean['dts_job_id'], 'incremental', 'passed'),
        (running['id'], 'full', 'running'),
        (running['id'], 'incremental', 'running'),
        (bare['id'], 'full', 'not_configured'),
        (bare['id'], 'incremental', 'not_configured'),
    ]
    by_state = dict((entry['state'], entry) for entry in result['data_checks'])
    assert len(by_state['passed']['tables']) == 3 and 'tables' not in by_state['not_configured']
    assert by_state['running']['percent'] < 100


def test_report_links_only_when_asked_and_no_tables_at_all(emulator, capsys):
    job = named(emulator, 'analytics-prod-sync-05')
    result = run(emulator, capsys, job_ids=[job['dts_job_id']], report_url=True)
    full, incremental = result['data_checks']
    assert all(table['report_url'].startswith('https://') for table in full['tables'])
    assert incremental['tables'] == [] and incremental['state'] == 'passed'
    emulator.reset_counters()
    bare = run(emulator, capsys, job_ids=[job['dts_job_id']], tables='none')
    assert all('tables' not in entry for entry in bare['data_checks'])
    assert set(request['action'] for request in emulator.log) == {'DescribeDtsJobs', 'DescribeCheckJobs'}


def test_bad_input_fails_before_any_request(emulator, capsys):
    result = run(emulator, capsys, job_ids=['dts ok', ''])
    assert result['failed'] and result['option'] == 'job_ids'
    result = run(emulator, capsys, job_ids=[])
    assert result['failed'] and 'at least one' in result['msg']
    assert emulator.log == []


def test_an_api_error_names_code_and_request_id(emulator, capsys):
    emulator.business_failures['DescribeCheckJobs'] = [{'code': 'Forbidden.RAM', 'message': 'no permission'}]
    result = run(emulator, capsys, job_ids=[named(emulator, 'payments-prod-cdc')['id']])
    assert result['failed'] and result['error']['code'] == 'Forbidden.RAM'
    assert result['msg'].startswith('DescribeCheckJobs failed: Forbidden.RAM: no permission (RequestId ')
    assert SECRET not in json.dumps(result)
