# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The report's files (dts_audit_files), and the audit's filters chained in one Ansible expression as the
playbook chains them: the records and the report handed from filter to filter as the data they are."""

import gc

import pytest
from ansible.errors import AnsibleError
from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar, trust_as_template

from ansible_collections.alibabacloud.dts.plugins.filter import dts_audit
from ansible_collections.alibabacloud.dts.plugins.filter.dts_audit import (
    REPORT_FILES,
    dts_audit_files,
    dts_audit_records,
    dts_audit_report,
)
from ansible_collections.alibabacloud.dts.plugins.plugin_utils import _core_internals
from ansible_collections.alibabacloud.dts.plugins.plugin_utils._core_internals import plugin_data
from ansible_collections.alibabacloud.dts.tests.unit.plugins.filter.test_dts_audit import NOW, current, legacy

BOTH_PATHS = pytest.mark.parametrize('internals', [True, False], ids=['shortcut', 'public-api'])


def record(job_id, **fields):
    """A record as dts_audit_records makes it: a current job of account prod in cn-hangzhou, watched."""
    base = {
        'account': 'prod',
        'region': 'cn-hangzhou',
        'api': 'current',
        'job_id': job_id,
        'instance_id': 'dts' + job_id,
        'job_name': 'orders',
        'direction': 'Forward',
        'status': 'Synchronizing',
        'delay': 0,
        'error_message': '',
        'pay_type': 'PostPaid',
        'expire_time': '',
        'precheck_failures': [],
        'alerts_read': True,
        'alerts': {'delay_alert_enabled': True, 'delay_alert_threshold': 60, 'error_alert_enabled': True},
        'alerts_error': None,
        'data_check': None,
    }
    base.update(fields)
    return base


# A finding of every reason, two accounts, an empty region, a refused one and one whose listing failed.
RECORDS = [
    record('j1', status='Failed', error_message='=HYPERLINK("http://x") | `x`', job_name='<b>*pay*</b>'),
    record(
        'j2',
        status='PrecheckFailed',
        precheck_failures=[{'item_name': 'CHECK_CONN', 'detail': '', 'repair_method': 'open\nthe port'}],
    ),
    record('j3', delay=900, region='cn-beijing', account='test', api='legacy', direction='Reverse'),
    record(
        'j4',
        pay_type='PrePaid',
        expire_time='2026-06-03T08:01:31.000+00:00',
        alerts=None,
        alerts_error={'code': 'Throttling', 'message': 'slow down', 'request_id': 'R-1'},
    ),
    record(
        'j5',
        data_check={'structure': {'status': 'Inconsistency'}},
        alerts={'delay_alert_enabled': True, 'delay_alert_threshold': 3600, 'error_alert_enabled': False},
    ),
]
REGIONS = [
    {'account': 'prod', 'region': 'cn-hangzhou', 'jobs': 4},
    {'account': 'test', 'region': 'cn-beijing', 'jobs': 1},
    {'account': 'test', 'region': 'us-west-1', 'jobs': 0},
    {'account': 'test', 'region': 'eu-central-1', 'refused': True, 'code': 'Forbidden.RAM', 'message': 'not allowed'},
    {
        'account': 'prod',
        'region': 'cn-shanghai',
        'failed': True,
        'code': 'Throttling',
        'message': 'too many requests',
        'request_id': 'R-2',
    },
]

# The files as the playbook's Jinja templates wrote them for this report, before the files were rendered
# in Python: byte for byte the same.
MARKDOWN = (
    '# DTS synchronization jobs audit\n'
    '\n'
    '**Partial report (dts_audit_allow_partial): 1 region could not be listed; its jobs are not'
    ' in it.**\n'
    '\n'
    '| account | region | error code | error |\n'
    '| --- | --- | --- | --- |\n'
    '| prod | cn-shanghai | Throttling | too many requests |\n'
    '\n'
    '\n'
    'Audited 2026-06-01T00:00:00Z: 5 job records (5 jobs; a two-way job has a record per direct'
    'ion) in 3 regions (2 with jobs) and 2 accounts; 1 from the legacy API, 4 from the current '
    'API.\n'
    '5 jobs need a human.\n'
    '**1 region refused the listing: its jobs are not in this report.**\n'
    '\n'
    '## Records per region and status\n'
    '\n'
    '| account | region | PrecheckFailed | Synchronizing | Failed | total |\n'
    '| --- | --- | ---: | ---: | ---: | ---: |\n'
    '| prod | cn-hangzhou | 1 | 2 | 1 | 4 |\n'
    '| test | cn-beijing | 0 | 1 | 0 | 1 |\n'
    '| test | us-west-1 | 0 | 0 | 0 | 0 |\n'
    '\n'
    '## Regions not audited (1)\n'
    '\n'
    '| account | region | error code | message |\n'
    '| --- | --- | --- | --- |\n'
    '| test | eu-central-1 | Forbidden.RAM | not allowed |\n'
    '\n'
    '## Jobs that need a human\n'
    '\n'
    '### Failed (2)\n'
    '\n'
    '| account | region | job | direction | name | status | error message |\n'
    '| --- | --- | --- | --- | --- | --- | --- |\n'
    '| prod | cn-hangzhou | `j1` | Forward | &lt;b&gt;\\*pay\\*&lt;/b&gt; | Failed | =HYPERLINK("'
    'http\\://x") &#124; \\`x\\` |\n'
    '| prod | cn-hangzhou | `j2` | Forward | orders | PrecheckFailed | - |\n'
    '\n'
    '### Failed precheck items (1)\n'
    '\n'
    '| account | region | job | name | item | error message | repair method |\n'
    '| --- | --- | --- | --- | --- | --- | --- |\n'
    '| prod | cn-hangzhou | `j2` | orders | CHECK\\_CONN | - | open the port |\n'
    '\n'
    '### Replication delay over 300 s (1)\n'
    '\n'
    '| account | region | job | direction | name | status | delay (s) |\n'
    '| --- | --- | --- | --- | --- | --- | ---: |\n'
    '| test | cn-beijing | `j3` | Reverse | orders | Synchronizing | 900 |\n'
    '\n'
    '### Inconsistent or failed data validation (1)\n'
    '\n'
    '| account | region | job | name | status | validation |\n'
    '| --- | --- | --- | --- | --- | --- |\n'
    '| prod | cn-hangzhou | `j5` | orders | Synchronizing | schema validation found differences'
    ' |\n'
    '\n'
    '### PrePaid jobs expiring within 14 days (1)\n'
    '\n'
    '| account | region | job | name | status | expires |\n'
    '| --- | --- | --- | --- | --- | --- |\n'
    '| prod | cn-hangzhou | `j4` | orders | Synchronizing | 2026-06-03T08:01:31Z |\n'
    '\n'
    '\n'
    '## Jobs that would fail silently: alert rules (2)\n'
    '\n'
    'Every job without an enabled delay alert or an enabled error alert, or whose delay alert f'
    'ires only above 300 s.\n'
    'An enabled alert reaches people only through a CloudMonitor subscription.\n'
    '\n'
    '| account | region | job | name | status | delay alert | delay alert (s) | error alert | w'
    'hat is missing |\n'
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n'
    '| prod | cn-hangzhou | `j4` | orders | Synchronizing | - | - | - | alert rules not read: T'
    'hrottling: slow down (RequestId R-1) |\n'
    '| prod | cn-hangzhou | `j5` | orders | Synchronizing | true | 3600 | false | delay alert a'
    't 3600 s, over 300 s; no enabled error alert |\n'
    '\n'
)
SUMMARY_CSV = (
    'account,region,status,records\n'
    '"prod","cn-hangzhou","PrecheckFailed","1"\n'
    '"prod","cn-hangzhou","Synchronizing","2"\n'
    '"prod","cn-hangzhou","Failed","1"\n'
    '"test","cn-beijing","Synchronizing","1"\n'
    '"test","us-west-1","","0"\n'
)
FINDINGS_CSV = (
    'reason,account,region,api,job_id,instance_id,direction,job_name,status,delay,expire_time,i'
    'tem_name,detail,repair_method,delay_alert_enabled,delay_alert_threshold,error_alert_enable'
    'd\n'
    '"failed","prod","cn-hangzhou","current","j1","dtsj1","Forward","<b>*pay*</b>","Failed","0"'
    ',"","","\'=HYPERLINK(""http://x"") | `x`","","true","60","true"\n'
    '"failed","prod","cn-hangzhou","current","j2","dtsj2","Forward","orders","PrecheckFailed","'
    '0","","","","","true","60","true"\n'
    '"precheck","prod","cn-hangzhou","current","j2","dtsj2","Forward","orders","PrecheckFailed"'
    ',"0","","CHECK_CONN","","open the port","true","60","true"\n'
    '"delay","test","cn-beijing","legacy","j3","dtsj3","Reverse","orders","Synchronizing","900"'
    ',"","","900 s","","true","60","true"\n'
    '"expiring","prod","cn-hangzhou","current","j4","dtsj4","Forward","orders","Synchronizing",'
    '"0","2026-06-03T08:01:31Z","","expires 2026-06-03T08:01:31Z","","","",""\n'
    '"alert","prod","cn-hangzhou","current","j4","dtsj4","Forward","orders","Synchronizing","0"'
    ',"2026-06-03T08:01:31Z","","alert rules not read: Throttling: slow down (RequestId R-1)","'
    '","","",""\n'
    '"alert","prod","cn-hangzhou","current","j5","dtsj5","Forward","orders","Synchronizing","0"'
    ',"","","delay alert at 3600 s, over 300 s; no enabled error alert","","true","3600","false'
    '"\n'
    '"validation","prod","cn-hangzhou","current","j5","dtsj5","Forward","orders","Synchronizing'
    '","0","","","schema validation found differences","","true","3600","false"\n'
    '"refused","test","eu-central-1","","","","","","Forbidden.RAM","","","","not allowed","","'
    '","",""\n'
)


def test_the_files_are_the_report_as_the_templates_wrote_it():
    result = dts_audit_files(dts_audit_report(RECORDS, regions=REGIONS, now=NOW))
    assert result['files'] == {
        'dts-audit.md': MARKDOWN,
        'dts-audit-summary.csv': SUMMARY_CSV,
        'dts-audit.csv': FINDINGS_CSV,
    }
    assert tuple(result['files']) == REPORT_FILES


def test_the_result_is_the_report_with_its_findings_in_the_files():
    report = dts_audit_report(RECORDS, regions=REGIONS, now=NOW)
    result = dts_audit_files(report)
    assert 'findings' not in result
    assert dict(result, findings=report['findings'], files=None) == dict(report, files=None)


def test_a_report_without_jobs_or_regions_says_so_in_every_file():
    files = dts_audit_files(dts_audit_report([], now=NOW))['files']
    assert files['dts-audit.md'].startswith(
        '# DTS synchronization jobs audit\n\n'
        '**Partial report (dts_audit_allow_partial): the inventory listed no DTS region.**\n\n'
        'Audited 2026-06-01T00:00:00Z: 0 job records (0 jobs; a two-way job has a record per direction) in 0 regions'
        ' (0 with jobs).\n0 jobs need a human.\n'
    )
    assert files['dts-audit.md'].count('None.\n') == 5 and 'Alert rules were not read' in files['dts-audit.md']
    assert files['dts-audit-summary.csv'] == 'account,region,status,records\n'
    assert files['dts-audit.csv'].count('\n') == 1


def test_several_failed_and_refused_regions_are_counted_in_the_plural():
    regions = [{'region': name, 'failed': True, 'code': 'Throttling'} for name in ('cn-beijing', 'cn-shanghai')] + [
        {'region': name, 'refused': 'Forbidden'} for name in ('eu-central-1', 'us-east-1')
    ]
    markdown = dts_audit_files(dts_audit_report([record('j1', account='')], regions=regions, now=NOW))['files'][
        'dts-audit.md'
    ]
    assert '2 regions could not be listed; their jobs are not in it.' in markdown
    assert '**2 regions refused the listing: their jobs are not in this report.**' in markdown
    assert '| region | error code | error |' in markdown and '| account |' not in markdown


@pytest.mark.parametrize('report', [None, [], 'report', {'records': 1}, {'findings': []}])
def test_anything_but_a_report_is_refused(report):
    with pytest.raises(AnsibleError, match='dts_audit_files expects the report of dts_audit_report'):
        dts_audit_files(report)


# -- the filters chained in one expression, as the playbook chains them ------------------------------


def hosts():
    return {
        'a': legacy('dtsfail', status='Failed', error_message='{{ 7 * 6 }} broken', delay=None),
        'b': current('j2', 'dtsj2', delay=900, job_name='=cmd|x'),
        'c': current('j3', 'dtsj3', pay_type='PrePaid', expire_time='2026-06-02T00:00:00Z'),
    }


def playbook_expression(variables):
    """The playbook's expression over ``hosts`` (standing for hostvars), evaluated by Ansible's templar."""
    templar = Templar(loader=DataLoader(), variables=variables)
    return templar.template(
        trust_as_template(
            "{{ hosts | alibabacloud.dts.dts_audit_records | alibabacloud.dts.dts_audit_report(now='%s')"
            ' | alibabacloud.dts.dts_audit_files }}' % NOW
        )
    )


@BOTH_PATHS
def test_the_chained_filters_give_what_the_filters_give_called_directly(monkeypatch, internals):
    monkeypatch.setattr(_core_internals, 'USE_INTERNALS', internals)
    expected = dts_audit_files(dts_audit_report(dts_audit_records(hosts()), now=NOW))
    result = playbook_expression({'hosts': hosts()})
    assert result == expected
    # Job data is never a template, whichever path reads it.
    assert '{{ 7 * 6 }} broken' in result['files']['dts-audit.csv']


def spy_on_plugin_data(monkeypatch):
    """(type of what a filter was given, type of what it read) for every call of plugin_data by the filters."""
    calls = []

    def spy(value, internals=None):
        read = plugin_data(value, internals)
        calls.append((type(value), type(read)))
        return read

    monkeypatch.setattr(dts_audit, 'plugin_data', spy)
    return calls


def test_what_a_filter_returned_reaches_the_next_one_as_the_data_it_returned(monkeypatch):
    # Ansible hands filters lazy containers; the shortcut unwraps those holding a plugin's output, which
    # ansible-core wraps with templating off. This fails when an ansible-core release changes that.
    calls = spy_on_plugin_data(monkeypatch)
    playbook_expression({'hosts': hosts()})
    # The records given to dts_audit_report and the report given to dts_audit_files (then the tables, which
    # dts_audit_files renders itself): read as a plain list and dict, though given as lazy containers.
    assert [read for _given, read in calls][:2] == [list, dict]
    assert all(given not in (list, dict) and hasattr(given, '_non_lazy_copy') for given, _read in calls[:2])
    assert all(read is list for _given, read in calls[2:])


def test_a_variable_is_read_as_ansible_reads_it_templates_and_all(monkeypatch):
    # Records from a variable are not a plugin's output: a template among them (trusted, as a playbook's own
    # text is) is rendered as Ansible renders variables, so the shortcut is not taken.
    calls = spy_on_plugin_data(monkeypatch)
    records = dts_audit_records(hosts())
    records[0]['job_name'] = trust_as_template('{{ "name" | upper }}')
    templar = Templar(loader=DataLoader(), variables={'records': records})
    report = templar.template(trust_as_template("{{ records | alibabacloud.dts.dts_audit_report(now='%s') }}" % NOW))
    assert report['findings']['failed'][0]['job_name'] == 'NAME'
    given, read = calls[0]
    assert given is read and given is not list


@BOTH_PATHS
def test_plain_data_is_read_as_it_is(internals):
    rows = [{'a': 1}]
    assert plugin_data(rows, internals) is rows
    assert plugin_data('text', internals) == 'text' and plugin_data(None, internals) is None


# -- the garbage collector, paused while the filters build their thousands of objects -------------------


class Hosts(dict):
    """Host variables that note whether the garbage collector runs while a host is read."""

    def __init__(self, hosts):
        super().__init__(hosts)
        self.collector_enabled = []

    def __getitem__(self, name):
        self.collector_enabled.append(gc.isenabled())
        return dict.__getitem__(self, name)


@pytest.fixture
def collector():
    """The collector's state, restored after the test whatever it set."""
    enabled = gc.isenabled()
    yield
    (gc.enable if enabled else gc.disable)()


@pytest.mark.parametrize('enabled', [True, False], ids=['enabled', 'disabled'])
def test_the_collector_is_paused_while_the_records_are_read_and_left_as_it_was(collector, enabled):
    (gc.enable if enabled else gc.disable)()
    read = Hosts(hosts())
    assert len(dts_audit_records(read)) == 3
    assert read.collector_enabled == [False, False, False]
    assert gc.isenabled() is enabled


def test_the_collector_runs_again_after_a_filter_fails(collector):
    gc.enable()
    with pytest.raises(AnsibleError, match='max_delay'):
        dts_audit_report([], max_delay='soon', now=NOW)
    assert gc.isenabled()
