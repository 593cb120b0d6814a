#!/usr/bin/env python
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Check the audit report against the emulator's jobs: every expectation is computed from them.

    check_report.py REPORT_DIR MAX_DELAY EXPIRY_DAYS [accounts=REGION:ACCOUNT,...] [refused=REGION,...]
                    [empty=REGION,...] [api=legacy] [alerts=REQUESTS]

The inventory lists synchronization jobs of both API families: every SYNC job the emulator holds,
whichever way it was made, once per direction; a job made the legacy way is described by the
current family (which lists it too), so its report row says api current and its DtsJobId.
accounts: the inventory listed those regions only, each under that account.
refused: regions the emulator refused (Forbidden.RAM), which the report must name as not audited.
empty: regions the inventory listed that have no job, which the report must show with 0.
api=legacy: the inventory listed with the legacy family only: the jobs made the legacy way, by their
instance ids.
alerts=REQUESTS: the inventory read alert rules (monitor_rules: true), with that many
DescribeJobMonitorRule requests in the emulator's counters (the test resets them before the run):
one per task. The alert findings are then exactly the tasks without an enabled delay alert or an
enabled error alert, or whose delay alert fires above MAX_DELAY; without it, there is none and the
report says the rules were not read. Validation findings are checked in every run: the tasks whose
full check finished with rows that differ, whose schema check is inconsistent, or whose check failed.

Every run also checks that the reports are inert, whatever the jobs' names and messages hold: no CSV
cell starts a formula (a value that would is written with a leading apostrophe, which a spreadsheet
does not show: the checks compare what it shows), and the Markdown, rendered as CommonMark with
tables, is headings, paragraphs, tables and code spans only, each value in a cell as its own text.
"""

import csv
import json
import os
import re
import sys
import unicodedata
from collections import Counter
from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser
from urllib.request import urlopen

from markdown_it import MarkdownIt

FAILED = ('PrecheckFailed', 'InitializeFailed', 'Failed')
STATUSES = (
    'NotStarted',
    'Prechecking',
    'PrecheckFailed',
    'PreCheckPass',
    'NotConfigured',
    'Initializing',
    'InitializeFailed',
    'Synchronizing',
    'Failed',
    'Suspending',
    'Modifying',
    'Finished',
    'Retrying',
    'Upgrade',
    'Locked',
    'Downgrade',
)


def documented(status):
    lowered = status.lower()
    if lowered == 'initializating':
        return 'Initializing'
    return dict((known.lower(), known) for known in STATUSES)[lowered]


def emulator_records(accounts, refused=(), api='all'):
    """One entry per listing record (a two-way job has two), as the emulator stores them."""
    with urlopen(os.environ['DTS_EMULATOR_ENDPOINT'] + '/_emulator/jobs?origin=all') as answer:
        jobs = json.loads(answer.read().decode('utf-8'))['jobs']
    for job in jobs:
        if (accounts and job['region'] not in accounts) or job['region'] in refused or job['job_type'] != 'SYNC':
            continue
        if api == 'legacy' and job['origin'] != 'legacy':
            continue
        for direction, state in job['directions'].items():
            yield dict(
                job,
                account=accounts.get(job['region'], ''),
                direction=direction,
                status=documented(state['status']),
                delay=int(state['delay']),
                error_message=state.get('error_message'),
                job_id=job['id'] if api == 'legacy' else job['dts_job_id'],
                api='legacy' if api == 'legacy' else 'current',
            )


def one_line(text):
    """A value as the reports hold it: control characters (line breaks too) made spaces."""
    return re.sub('[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]+', ' ', text or '')


def starts_a_formula(cell):
    """Whether a spreadsheet would evaluate the cell: its first character that is not blank starts a formula."""
    for char in cell:
        if not (char.isspace() or unicodedata.category(char) in ('Cc', 'Cf')):
            return unicodedata.normalize('NFKC', char) in ('=', '+', '-', '@', '\u2212')
    return False


def read_csv(path):
    """The rows as a spreadsheet shows them, after checking that it would evaluate none of the cells."""
    with open(path, newline='', encoding='utf-8') as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        for name, cell in row.items():
            assert not starts_a_formula(cell), (path, name, cell)
            if cell.startswith("'") and starts_a_formula(cell[1:]):
                row[name] = cell[1:]
    return rows


class RenderedMarkdown(HTMLParser):
    """The report as CommonMark with tables renders it: the tags used and the text of every table cell."""

    ALLOWED = {'h1', 'h2', 'h3', 'p', 'strong', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'code'}

    def __init__(self, markdown):
        super().__init__(convert_charrefs=True)
        self.tags, self.cells, self._cell = set(), [], None
        self.feed(MarkdownIt('commonmark').enable(['table', 'strikethrough']).render(markdown))
        self.close()
        assert self.tags <= self.ALLOWED, 'the report renders %s' % sorted(self.tags - self.ALLOWED)

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        if tag in ('td', 'th'):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ('td', 'th'):
            self.cells.append(''.join(self._cell))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)

    def shows(self, text):
        return one_line(text).strip() in self.cells


HEADER = [
    'reason',
    'account',
    'region',
    'api',
    'job_id',
    'instance_id',
    'direction',
    'job_name',
    'status',
    'delay',
    'expire_time',
    'item_name',
    'detail',
    'repair_method',
    'delay_alert_enabled',
    'delay_alert_threshold',
    'error_alert_enabled',
]


def own_rules(job, kind):
    """The task's own (job type normal) rules of one type, enabled ones first."""
    rules = [rule for rule in job['monitor_rules'] if rule['Type'] == kind and rule['JobType'] == 'normal']
    return sorted(rules, key=lambda rule: rule['State'] != 'Y')


def check_task_findings(directory, records, by_reason, max_delay, options):
    """Alert and validation findings: once per task, computed from the emulator's jobs."""
    tasks = dict(((r['account'], r['region'], r['job_id']), r) for r in records if r['direction'] == 'Forward')
    if 'alerts' in options and options.get('api') != 'legacy':
        with urlopen(os.environ['DTS_EMULATOR_ENDPOINT'] + '/_emulator/counters') as answer:
            asked = json.loads(answer.read().decode('utf-8'))['by_action'].get('DescribeJobMonitorRule', 0)
        assert asked == int(options['alerts']) == len(tasks), (asked, options['alerts'], len(tasks))
        expected = {}
        for key, task in tasks.items():
            delay = [rule for rule in own_rules(task, 'delay') if rule['State'] == 'Y']
            error = [rule for rule in own_rules(task, 'error') if rule['State'] == 'Y']
            threshold = min(rule['DelayRuleTime'] for rule in delay) if delay else None
            if not delay or not error or threshold > max_delay:
                expected[key] = ('true' if delay else 'false', 'true' if error else 'false')
        assert expected, 'the default data has jobs without an enabled delay or error alert'
        found = dict(
            ((row['account'], row['region'], row['job_id']), (row['delay_alert_enabled'], row['error_alert_enabled']))
            for row in by_reason['alert']
        )
        assert len(found) == len(by_reason['alert']), 'a task reported twice'
        assert found == expected, sorted(set(found.items()) ^ set(expected.items()))
        for row in by_reason['alert']:
            task = tasks[(row['account'], row['region'], row['job_id'])]
            rules = own_rules(task, 'delay')
            assert row['delay_alert_threshold'] == (str(rules[0]['DelayRuleTime']) if rules else ''), row
    else:
        assert by_reason['alert'] == [], 'alert findings without alert rules'
        for reason in ('failed', 'delay', 'expiring'):
            assert all(row['delay_alert_enabled'] == '' for row in by_reason[reason])
    with open(os.path.join(directory, 'dts-audit.md'), encoding='utf-8') as handle:
        report = handle.read()
    assert '## Jobs that would fail silently: alert rules (%d)' % len(by_reason['alert']) in report
    assert ('Alert rules were not read' in report) == ('alerts' not in options)
    inconsistent = set()
    if options.get('api') != 'legacy':
        for key, task in tasks.items():
            checks = task.get('data_check') or {}
            full = checks.get('full') or {}
            if (
                any((check or {}).get('status') == 'Failed' for check in checks.values())
                or (checks.get('structure') or {}).get('status') == 'Inconsistency'
                or (full.get('status') == 'Finished' and any(table['diff'] for table in full['tables']))
            ):
                inconsistent.add(key)
        assert inconsistent, 'the default data has inconsistent and failed validations'
    assert set((row['account'], row['region'], row['job_id']) for row in by_reason['validation']) == inconsistent
    assert '### Inconsistent or failed data validation (%d)' % len(inconsistent) in report


def main(directory, max_delay, expiry_days, *options):
    max_delay, expiry_days = int(max_delay), int(expiry_days)
    options = dict(option.split('=', 1) for option in options)
    accounts = dict(pair.split(':') for pair in options.get('accounts', '').split(',') if pair)
    refused = [region for region in options.get('refused', '').split(',') if region]
    empty = [region for region in options.get('empty', '').split(',') if region]
    records = list(emulator_records(accounts, refused, options.get('api', 'all')))
    cutoff = (datetime.now(timezone.utc) + timedelta(days=expiry_days)).strftime('%Y-%m-%dT%H:%M:%SZ')

    summary = read_csv(os.path.join(directory, 'dts-audit-summary.csv'))
    assert Counter(
        dict(((row['account'], row['region'], row['status']), int(row['records'])) for row in summary)
    ) == Counter((r['account'], r['region'], r['status']) for r in records), 'counts per account, region and status'
    assert len(summary) == len(set((r['account'], r['region'], r['status']) for r in records)) + len(empty)
    for region in empty:
        assert [(row['status'], row['records']) for row in summary if row['region'] == region] == [('', '0')], region

    findings = read_csv(os.path.join(directory, 'dts-audit.csv'))
    by_reason = dict(
        (reason, [row for row in findings if row['reason'] == reason])
        for reason in ('failed', 'precheck', 'delay', 'expiring', 'alert', 'validation', 'refused')
    )
    with open(os.path.join(directory, 'dts-audit.csv'), newline='', encoding='utf-8') as handle:
        assert next(csv.reader(handle)) == HEADER, 'the CSV header'
    check_task_findings(directory, records, by_reason, max_delay, options)
    assert len(findings) == sum(len(rows) for rows in by_reason.values()), 'unknown reasons'

    def keys(rows):
        return sorted((row['instance_id'], row['direction']) for row in rows)

    # One id, name and direction column whatever the family: the current family's ids here.
    by_instance = dict(((r['id'], r['direction']), r) for r in records)
    for row in findings:
        if row['reason'] != 'refused':
            record = by_instance[(row['instance_id'], row['direction'])]
            expected = (record['api'], record['job_id'], one_line(record['name']))
            assert (row['api'], row['job_id'], row['job_name']) == expected, row

    for row in findings:
        assert row['account'] == accounts.get(row['region'], ''), row
    assert sorted((row['region'], row['status']) for row in by_reason['refused']) == sorted(
        (region, 'Forbidden.RAM') for region in refused
    ), 'refused regions'

    failed = [r for r in records if r['status'] in FAILED]
    assert failed, 'the default data has failed jobs'
    assert keys(by_reason['failed']) == sorted((r['id'], r['direction']) for r in failed)
    messages = dict(((row['instance_id'], row['direction']), row['detail']) for row in by_reason['failed'])
    for record in failed:
        assert messages[(record['id'], record['direction'])] == one_line(record['error_message']), record['id']

    precheck = sorted(
        (job['id'], item['item'], one_line(item['error']), one_line(item['repair']))
        for job in dict((r['id'], r) for r in records).values()
        for item in job['precheck_failures']
    )
    assert precheck, 'the default data has failed precheck items'
    assert (
        sorted(
            (row['instance_id'], row['item_name'], row['detail'], row['repair_method']) for row in by_reason['precheck']
        )
        == precheck
    )

    # -1: the current family's "incremental synchronization not started", no delay to report.
    lagging = [r for r in records if r['delay'] > max_delay]
    assert lagging, 'the default data has jobs delayed over %d s' % max_delay
    assert keys(by_reason['delay']) == sorted((r['id'], r['direction']) for r in lagging)

    expiring = [r for r in records if r['pay_type'] == 'PrePaid' and r['expire_time'] and r['expire_time'] < cutoff]
    assert expiring, 'the default data has PrePaid jobs expiring within %d days' % expiry_days
    assert keys(by_reason['expiring']) == sorted((r['id'], r['direction']) for r in expiring)

    with open(os.path.join(directory, 'dts-audit.md'), encoding='utf-8') as handle:
        report = handle.read()
    rendered = RenderedMarkdown(report)
    for heading, rows in (
        ('### Failed (%d)', failed),
        ('### Failed precheck items (%d)', precheck),
        ('### Replication delay over %d s (%%d)' % max_delay, lagging),
        ('### PrePaid jobs expiring within %d days (%%d)' % expiry_days, expiring),
    ):
        assert heading % len(rows) in report, heading % len(rows)
    for record in failed + lagging + expiring:
        assert '`%s`' % record['job_id'] in report, record['job_id']
    for record in failed:
        assert rendered.shows(record['name']), record['id']
        assert not record['error_message'] or rendered.shows(record['error_message']), record['id']
    for _job, item, error, repair in precheck:
        assert rendered.shows(error) and rendered.shows(repair) and rendered.shows(item), (error, repair, item)
    for account, region in set((r['account'], r['region']) for r in records) | set(('', region) for region in empty):
        start = '| %s | %s |' % (account, region) if accounts else '| %s |' % region
        row = [line for line in report.splitlines() if line.startswith(start)]
        assert row and row[0].endswith('| %d |' % sum(1 for r in records if r['region'] == region)), region
    if accounts:
        assert 'and %d accounts' % len(set(accounts.values())) in report
    if refused:
        assert '## Regions not audited (%d)' % len(refused) in report
        for region in refused:
            assert '| %s | Forbidden.RAM |' % region in report, region
    else:
        assert 'Regions not audited' not in report
    print(
        'audit report: %d records, %d failed, %d precheck items, %d delayed, %d expiring'
        % (len(records), len(failed), len(precheck), len(lagging), len(expiring))
    )


if __name__ == '__main__':
    main(*sys.argv[1:])
