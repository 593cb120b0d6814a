# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The audit's findings about what would fail silently: alert rules and data validation."""

import csv
import io

import pytest

from ansible_collections.alibabacloud.dts.plugins.filter.dts_audit import (
    alert_summary,
    dts_audit_files,
    dts_audit_records,
    dts_audit_report,
    validation_problems,
)
from ansible_collections.alibabacloud.dts.tests.unit.plugins.filter.test_dts_audit import NOW, current, legacy

DELAY = {'type': 'delay', 'enabled': True, 'delay_threshold': 60, 'job_type': 'normal'}
ERROR = {'type': 'error', 'enabled': True, 'delay_threshold': None, 'job_type': 'normal'}


def rules(*overrides):
    """Alert rules as the inventory's dts_monitor_rules holds them: the delay and error alert, changed."""
    found = [dict(DELAY), dict(ERROR)]
    for index, change in overrides:
        if change is None:
            found[index] = None
        else:
            found[index].update(change)
    return [rule for rule in found if rule is not None]


def audit(hosts, **options):
    options.setdefault('now', NOW)
    return dts_audit_report(dts_audit_records(hosts), **options)


def findings(result, reason):
    return [(finding['job_id'], finding['detail']) for finding in result['findings'][reason]]


@pytest.mark.parametrize(
    'found, summary',
    [
        ([], {'delay_alert_enabled': False, 'delay_alert_threshold': None, 'error_alert_enabled': False}),
        (rules(), {'delay_alert_enabled': True, 'delay_alert_threshold': 60, 'error_alert_enabled': True}),
        (
            rules((0, {'enabled': False, 'delay_threshold': 300})),
            {'delay_alert_enabled': False, 'delay_alert_threshold': 300, 'error_alert_enabled': True},
        ),
        # The lowest enabled threshold fires first; a validation's own delay rule is not the task's.
        (
            rules()
            + [
                dict(DELAY, delay_threshold=30, enabled=False),
                dict(DELAY, delay_threshold=45),
                dict(DELAY, delay_threshold=5, job_type='etl_check'),
            ],
            {'delay_alert_enabled': True, 'delay_alert_threshold': 45, 'error_alert_enabled': True},
        ),
        (
            [dict(DELAY, job_type='full_check'), dict(ERROR, job_type='etl_check')],
            {'delay_alert_enabled': False, 'delay_alert_threshold': None, 'error_alert_enabled': False},
        ),
        # An unknown state is not enabled; a rule without a job type is the task's.
        (
            [dict(DELAY, enabled=None), dict(ERROR, job_type=None), 'junk', None],
            {'delay_alert_enabled': False, 'delay_alert_threshold': 60, 'error_alert_enabled': True},
        ),
    ],
)
def test_the_alert_summary_of_a_tasks_own_rules(found, summary):
    assert alert_summary(found) == summary


def test_jobs_without_an_enabled_delay_or_error_alert_or_with_a_late_delay_alert_are_findings():
    hosts = {
        'ok': current('j1', 'dtsj1', monitor_rules=rules()),
        'delay_off': current('j2', 'dtsj2', monitor_rules=rules((0, {'enabled': False}))),
        'error_off': current('j3', 'dtsj3', monitor_rules=rules((1, {'enabled': False}))),
        'none': current('j4', 'dtsj4', monitor_rules=[]),
        'late': current('j5', 'dtsj5', monitor_rules=rules((0, {'delay_threshold': 3600}))),
        'at_limit': current('j6', 'dtsj6', monitor_rules=rules((0, {'delay_threshold': 300}))),
        'no_error_rule': current('j7', 'dtsj7', monitor_rules=rules((1, None))),
    }
    result = audit(hosts)
    assert findings(result, 'alert') == [
        ('j2', 'no enabled delay alert'),
        ('j3', 'no enabled error alert'),
        ('j4', 'no enabled delay alert; no enabled error alert'),
        ('j5', 'delay alert at 3600 s, over 300 s'),
        ('j7', 'no enabled error alert'),
    ]
    assert result['counts']['alert'] == 5 and result['attention'] == 5
    assert result['alert_rules'] == {'read': 7, 'failed': 0}
    # The threshold is the audit's: a stricter one finds the 300 s alert too, a laxer one neither.
    assert [job for job, _detail in findings(audit(hosts, max_delay=120), 'alert')] == [
        'j2',
        'j3',
        'j4',
        'j5',
        'j6',
        'j7',
    ]
    assert 'j5' not in [job for job, _detail in findings(audit(hosts, max_delay=3600), 'alert')]


def test_every_finding_carries_the_jobs_alert_columns():
    hosts = {
        'failed': current(
            'j1',
            'dtsj1',
            status='Failed',
            error_message='lost the source',
            monitor_rules=rules((1, {'enabled': False})),
        ),
        'delayed': current('j2', 'dtsj2', delay=900),
        'legacy': legacy('dtsl1', status='Failed'),
    }
    result = audit(hosts)
    columns = dict(
        (
            finding['job_id'],
            (finding['delay_alert_enabled'], finding['delay_alert_threshold'], finding['error_alert_enabled']),
        )
        for finding in result['findings']['failed'] + result['findings']['delay']
    )
    # Rules read: true/false and seconds; not read (no monitor_rules on the host): empty.
    assert columns == {'j1': ('true', 60, 'false'), 'j2': ('', '', ''), 'dtsl1': ('', '', '')}
    assert findings(result, 'alert') == [('j1', 'no enabled error alert')]
    assert result['alert_rules'] == {'read': 1, 'failed': 0}


def test_a_failed_lookup_is_a_finding_naming_code_message_and_request_id():
    error = {
        'code': 'Forbidden.InstanceNotFound',
        'message': 'The specified instance is not found.',
        'request_id': 'REQ-7',
    }
    result = audit(
        {
            'a': current('j1', 'dtsj1', monitor_rules=None, monitor_rules_error=error),
            'b': current('j2', 'dtsj2', monitor_rules=rules()),
        }
    )
    assert findings(result, 'alert') == [
        (
            'j1',
            'alert rules not read: Forbidden.InstanceNotFound: The specified instance is not found. (RequestId REQ-7)',
        )
    ]
    assert result['findings']['alert'][0]['delay_alert_enabled'] == ''
    assert result['alert_rules'] == {'read': 1, 'failed': 1}


def test_without_alert_rules_nothing_is_said_about_alerts():
    result = audit({'a': current('j1', 'dtsj1'), 'b': legacy('dtsl1')})
    assert result['findings']['alert'] == [] and result['alert_rules'] == {'read': 0, 'failed': 0}


def test_a_two_way_task_is_reported_once_and_another_prefix_is_read():
    hosts = {'f': current('j1', 'dtsj1', monitor_rules=[]), 'r': current('j1', 'dtsj1', 'Reverse', monitor_rules=[])}
    assert [(finding['job_id'], finding['direction']) for finding in audit(hosts)['findings']['alert']] == [
        ('j1', 'Forward')
    ]
    # Another prefix: every fact's name gets it, the current family's dts_ ids included (job_dts_job_id).
    facts = {'job_id': 'j1', 'instance_id': 'dtsj1', 'job_name': 'payments', 'job_direction': 'Forward'}
    host = dict(('job_dts_' + name, value) for name, value in facts.items())
    host.update(dts_api='current', job_status='Synchronizing', job_region='cn-hangzhou', job_monitor_rules=[])
    prefixed = {'h': host}
    records = dts_audit_records(prefixed, prefix='job_')
    assert records[0]['alerts_read'] and records[0]['alerts']['delay_alert_enabled'] is False


CLEAN = {
    'enabled': True,
    'status': 'Finished',
    'percent': 100,
    'progress': 10,
    'error_message': None,
    'can_switch': True,
}


@pytest.mark.parametrize(
    'data_check, problems',
    [
        (None, []),
        (
            {'full': CLEAN, 'incremental': dict(CLEAN, status='Catched'), 'structure': dict(CLEAN, status='Finished')},
            [],
        ),
        (
            {'full': dict(CLEAN, can_switch=False)},
            ['full validation finished with rows that differ (DTS says not to switch over)'],
        ),
        ({'full': dict(CLEAN, status='Checking', can_switch=False)}, []),
        (
            {
                'full': dict(CLEAN, status='Failed', error_message='table gone'),
                'incremental': dict(CLEAN, status='Failed'),
            },
            ['full validation failed: table gone', 'incremental validation failed'],
        ),
        ({'structure': dict(CLEAN, status='Inconsistency')}, ['schema validation found differences']),
        ({'full': 'junk', 'structure': None}, []),
    ],
)
def test_validation_problems_from_the_data_check_facts(data_check, problems):
    assert validation_problems(data_check) == problems


def test_inconsistent_validation_is_a_finding_once_per_task():
    inconsistent = {'full': dict(CLEAN, can_switch=False)}
    result = audit(
        {
            'f': current('j1', 'dtsj1', data_check=inconsistent),
            'r': current('j1', 'dtsj1', 'Reverse', data_check=inconsistent),
            'clean': current('j2', 'dtsj2', data_check={'full': CLEAN}),
        }
    )
    assert findings(result, 'validation') == [
        ('j1', 'full validation finished with rows that differ (DTS says not to switch over)')
    ]
    assert result['counts']['validation'] == 1 and result['attention'] == 1


def render(name, report):
    """One of the report's files, as the playbook writes it."""
    return dts_audit_files(report)['files'][name]


def test_the_csv_and_markdown_reports_carry_the_alert_findings():
    hosts = {
        'a': current('j1', 'dtsj1', monitor_rules=rules((0, {'delay_threshold': 3600}), (1, {'enabled': False}))),
        'b': current(
            'j2', 'dtsj2', monitor_rules=rules(), data_check={'structure': dict(CLEAN, status='Inconsistency')}
        ),
    }
    result = audit(hosts)
    rows = list(csv.DictReader(io.StringIO(render('dts-audit.csv', result), newline='')))
    assert [
        (
            row['reason'],
            row['job_id'],
            row['delay_alert_enabled'],
            row['delay_alert_threshold'],
            row['error_alert_enabled'],
        )
        for row in rows
    ] == [('alert', 'j1', 'true', '3600', 'false'), ('validation', 'j2', 'true', '60', 'true')]
    markdown = render('dts-audit.md', result)
    assert '## Jobs that would fail silently: alert rules (1)' in markdown
    assert 'delay alert at 3600 s, over 300 s; no enabled error alert' in markdown
    assert '### Inconsistent or failed data validation (1)' in markdown
    unread = render('dts-audit.md', audit({'a': current('j1', 'dtsj1')}))
    assert 'Alert rules were not read' in unread and 'alert rules (0)' in unread
