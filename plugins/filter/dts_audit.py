# -*- coding: utf-8 -*-
# Copyright: Contributors to the alibabacloud.dts collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The audit's rules, in Python: which job records need a human, and the counts a report shows.

``dts_audit_records`` reads each inventory host's job facts, and nothing else, out of
``hostvars``: building plain data from whole host variable sets (every host carries the magic
``groups``, which grows with the inventory) made the audit quadratic in the number of jobs.
``dts_audit_report`` applies the rules to those records; the playbook's templates only render.
"""

import csv
import functools
import io
import math
import re
import unicodedata
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone

from ansible.errors import AnsibleFilterError
from ansible.module_utils.common.text.converters import to_text

from ansible_collections.alibabacloud.dts.plugins.module_utils._families import NAMES, identity_of, precedence
from ansible_collections.alibabacloud.dts.plugins.module_utils._job_model import fill_missing
from ansible_collections.alibabacloud.dts.plugins.module_utils._normalize import JOB_STATUSES, canonical_status
from ansible_collections.alibabacloud.dts.plugins.module_utils._waiter import DEFAULT_FAIL_STATUSES
from ansible_collections.alibabacloud.dts.plugins.plugin_utils._collector import collector_paused
from ansible_collections.alibabacloud.dts.plugins.plugin_utils._core_internals import host_variables, plugin_data

REASONS = ('failed', 'precheck', 'delay', 'expiring', 'alert', 'validation', 'refused')
FAMILIES = NAMES
COMMON_FACTS = ('status', 'delay', 'error_message', 'pay_type', 'expire_time', 'region', 'precheck_status')
# Set by the inventory under these names whatever its prefix.
API_VAR = 'dts_api'
ACCOUNT_VAR = 'dts_account'
# What the alert and validation findings read, before the inventory's prefix: the alert rules (with the
# inventory's monitor_rules option) and the data validation facts (current family, always there).
ALERT_FACTS = ('monitor_rules', 'monitor_rules_error', 'data_check')
# The CSV columns every finding carries about the job's alert rules ('' when they were not read).
ALERT_COLUMNS = ('delay_alert_enabled', 'delay_alert_threshold', 'error_alert_enabled')
# Validation kinds as the report names them.
CHECK_LABELS = (('full', 'full'), ('incremental', 'incremental'), ('structure', 'schema'))


def _collector_paused(function):
    """``function`` run with the cyclic garbage collector paused, and resumed after as it was.

    A full collection walks every object of the process: in the task worker of an audit of 30,000 jobs,
    which holds the whole inventory, a third of a second each, and the records and findings these
    filters build set off one or two (a quarter of the audit's own time). They build no reference
    cycles, so nothing of theirs waits for the collector, which runs as before once they return.
    """

    @functools.wraps(function)
    def paused(*args, **kwargs):
        with collector_paused():
            return function(*args, **kwargs)

    return paused


def host_var_name(fact, prefix='dts_', suffix=''):
    """The host variable the inventory stores ``fact`` in: ``status`` -> ``dts_status``, ``dts_job_id`` stays."""
    return (fact if fact.startswith(prefix) else prefix + fact) + suffix


def _text(value):
    if isinstance(value, str):  # as to_text does, without a call per value
        return value
    if value is None:
        return ''
    return to_text(value)


def _is_mapping(value):
    """isinstance(value, Mapping), the plain dict of almost every fact first (an ABC check costs a call)."""
    return type(value) is dict or isinstance(value, Mapping)  # pylint: disable=unidiomatic-typecheck


def _seconds(value):
    """A delay as whole seconds, or None when there is none (the current family's -1, or no value)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        seconds = int(float(to_text(value).strip()))
    except ValueError:
        return None
    return seconds if seconds >= 0 else None


def parse_time(value):
    """An aware UTC datetime from ISO 8601 (``...Z``, ``...+00:00``, fractions); None if it is not one."""
    text = _text(value).strip()
    if not text:
        return None
    if text.endswith(('Z', 'z')):
        text = text[:-1] + '+00:00'
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def _iso(moment):
    return moment.strftime('%Y-%m-%dT%H:%M:%SZ')


def _display_time(value):
    """One spelling of times for both families (the current one writes ...T08:01:31.000+00:00)."""
    moment = parse_time(value)
    return _iso(moment) if moment is not None else _text(value)


def _failed_precheck_items(precheck):
    """The failed items of either family's precheck: legacy item_name/check_status/error_message,
    current check_item/check_result/failed_reason; both have repair_method."""
    if not _is_mapping(precheck):
        return []
    items = []
    # Every item of every job's precheck is read, most of them passed: much of the records' time.
    for item in precheck.get('detail') or []:
        if type(item) is not dict and not isinstance(item, Mapping):  # pylint: disable=unidiomatic-typecheck
            continue
        result = item.get('check_status')
        if result is None:
            result = item.get('check_result')
        if (result if isinstance(result, str) else _text(result)).strip().lower() != 'failed':
            continue
        name = item.get('item_name') if item.get('item_name') is not None else item.get('check_item')
        detail = item.get('error_message') if item.get('error_message') is not None else item.get('failed_reason')
        items.append(
            {'item_name': _text(name), 'detail': _text(detail), 'repair_method': _text(item.get('repair_method'))}
        )
    return items


class _FactNames(dict):
    """Fact name -> the host variable holding it, for one prefix and suffix, each worked out once (an
    audit reads the same few dozen names on every host); ``api`` is the inventory's ``dts_api``,
    named so whatever the prefix."""

    def __init__(self, prefix, suffix):
        super().__init__()
        self.prefix, self.suffix = prefix, suffix

    def __missing__(self, name):
        variable = self[name] = API_VAR if name == 'api' else host_var_name(name, self.prefix, self.suffix)
        return variable


@functools.lru_cache(maxsize=16)
def _fact_names(prefix, suffix):
    return _FactNames(prefix, suffix)


class _JobFacts(Mapping):
    """A host's job facts by fact name (``status``), read from its variables (``dts_status``)."""

    def __init__(self, host_vars, prefix, suffix):
        self._vars, self._names = host_vars, _fact_names(prefix, suffix)

    def __getitem__(self, name):
        return self._vars[self._names[name]]

    def __contains__(self, name):
        return self._names[name] in self._vars

    def get(self, key, default=None):
        variable = self._names[key]
        return self._vars[variable] if variable in self._vars else default

    def __iter__(self):
        return iter(())

    def __len__(self):
        return 0


def job_record(host_vars, prefix='dts_', suffix=''):
    """The audit's view of one host's job facts, any family; None for a host that is not a job.

    ``host_vars`` is any mapping of the host's variables; only the job facts are read from it, the
    job's identity as every face reads it (``_families.identity_of``).
    """
    facts = _JobFacts(host_vars, prefix, suffix)
    identity = identity_of(facts, None)
    if identity is None:
        return None
    common = dict((name, facts.get(name)) for name in COMMON_FACTS)
    return {
        'account': _text(host_vars[ACCOUNT_VAR]) if ACCOUNT_VAR in host_vars else '',
        'region': _text(common['region']),
        'api': identity['family'],
        'job_id': _text(identity['job_id']),
        'instance_id': _text(identity['instance_id']),
        'job_name': _text(identity['name']),
        'direction': _text(identity['direction']),
        'status': _text(canonical_status(common['status'])),
        'delay': _seconds(common['delay']),
        'error_message': _text(common['error_message']),
        'pay_type': _text(common['pay_type']),
        'expire_time': _text(common['expire_time']),
        'precheck_failures': _failed_precheck_items(common['precheck_status']),
    }


def alert_summary(rules):
    """``{delay_alert_enabled, delay_alert_threshold, error_alert_enabled}`` of a job's alert rules.

    Only the rules of the task itself count (``job_type`` V(normal), or none given); those of its data
    validation (V(full_check), V(etl_check)) watch something else. The threshold is the lowest of the
    enabled delay alerts (the one that fires first), else that of a disabled one, else None.
    """
    own = [rule for rule in rules or [] if isinstance(rule, Mapping) and rule.get('job_type') in (None, '', 'normal')]
    delay = [rule for rule in own if rule.get('type') == 'delay']
    enabled = [rule for rule in delay if rule.get('enabled') is True]
    thresholds = [
        seconds
        for seconds in (_seconds(rule.get('delay_threshold')) for rule in enabled or delay)
        if seconds is not None
    ]
    return {
        'delay_alert_enabled': bool(enabled),
        'delay_alert_threshold': min(thresholds) if thresholds else None,
        'error_alert_enabled': any(rule.get('type') == 'error' and rule.get('enabled') is True for rule in own),
    }


def job_alert_facts(host_vars, prefix='dts_', suffix=''):
    """What the alert and validation findings need of one host's job facts (added to job_record's record).

    ``alerts_read``: whether the inventory read alert rules for the host (its ``monitor_rules`` option);
    ``alerts``: alert_summary of the rules, None when they were not read or the lookup failed;
    ``alerts_error``: the failed lookup's ``{code, message, request_id}``; ``data_check``: the validation facts.
    """

    facts = _JobFacts(host_vars, prefix, suffix)
    rules, error, data_check = (facts.get(name) for name in ALERT_FACTS)
    read = 'monitor_rules' in facts
    return {
        'alerts_read': read,
        'alerts': alert_summary(rules) if read and isinstance(rules, list) else None,
        'alerts_error': error if _is_mapping(error) else ({'message': _text(error)} if error else None),
        'data_check': data_check if _is_mapping(data_check) else None,
    }


def _host_names(hostvars, hosts):
    if hosts is None:
        return list(hostvars)
    if isinstance(hosts, (str, bytes, Mapping)) or not hasattr(hosts, '__iter__'):
        raise AnsibleFilterError("dts_audit_records: hosts must be a list of host names, such as groups['all']")
    return hosts


@_collector_paused
def dts_audit_records(hostvars, hosts=None, prefix='dts_', suffix=''):
    """Every job record of the inventory, one per host that is a job (a two-way job has two).

    ``hostvars`` maps host names to their variables (Ansible's ``hostvars``); ``hosts`` the names
    to read (default: every host). A job several hosts describe (the same instance id and direction,
    from inventories of different API families) is kept once, by the collection's one merge rule:
    the family of highest precedence describes it, with every finding only the others carry.
    """
    if not isinstance(hostvars, Mapping):
        raise AnsibleFilterError(
            'dts_audit_records expects hostvars (a mapping of host names to their '
            'variables), not %s' % type(hostvars).__name__
        )
    if not isinstance(prefix, str) or not isinstance(suffix, str):
        raise AnsibleFilterError(
            "dts_audit_records: prefix and suffix must be strings, as the inventory's "
            'hostvars_prefix and hostvars_suffix'
        )
    read = host_variables(hostvars)
    records = {}
    for name in _host_names(hostvars, hosts):
        host_vars = read(name)
        record = job_record(host_vars, prefix, suffix) if host_vars is not None else None
        if record is None:
            continue
        record.update(job_alert_facts(host_vars, prefix, suffix))
        key = (record['account'], record['region'], record['instance_id'], record['direction'])
        if key in records:
            kept, other = sorted((records[key], record), key=lambda found: -precedence(found['api']))
            record = fill_missing(kept, other)
        records[key] = record
    return [records[key] for key in sorted(records, key=lambda key: (key[0], key[1], records[key]['job_id'], key[3]))]


def _whole_number(value, name):
    if isinstance(value, bool):
        value = None
    try:
        number = int(to_text(value).strip())
    except (TypeError, ValueError):
        number = -1
    if number < 0:
        raise AnsibleFilterError('dts_audit_report: %s must be a whole number (0 or more), not %r' % (name, value))
    return number


def _problem(entry):
    return {'code': _text(entry.get('code')), 'message': _text(entry.get('message'))}


def _note_refusal(refusals, key, entry):
    """A dts_regions entry's refusal, in whichever of its shapes, into ``refusals``."""
    refusal = entry.get('refused')
    if isinstance(refusal, Mapping):
        refusals[key] = _problem(refusal)
    elif isinstance(refusal, str) and refusal.strip():
        refusals.setdefault(key, {'code': refusal.strip(), 'message': ''})
    elif refusal:
        # The inventory's own shape: refused true, with the code and message beside it.
        if entry.get('code') or entry.get('message') or key not in refusals:
            refusals[key] = _problem(entry)


def _region_entry(key, listed, counted, failure, refusal):
    problem = failure or refusal
    return {
        'account': key[0],
        'region': key[1],
        'listed': listed,
        'records': sum(counted.get(key, {}).values()),
        'statuses': dict(counted.get(key, {})),
        'refused': refusal is not None,
        'failed': failure is not None,
        'code': problem['code'] if problem else '',
        'message': problem['message'] if problem else '',
        'request_id': failure['request_id'] if failure else '',
    }


def _region_entries(regions, refused, counted):
    """Every region the inventory listed: from ``regions`` (the inventory's dts_regions) when given,
    else the regions with records; refusals from either list."""
    refusals, failures = {}, {}
    for entry in refused or []:
        if isinstance(entry, Mapping) and entry.get('region'):
            refusals[(_text(entry.get('account')), _text(entry['region']))] = _problem(entry)
    entries = {}
    for entry in regions or []:
        if not isinstance(entry, Mapping) or not entry.get('region'):
            raise AnsibleFilterError('dts_audit_report: every entry of regions needs a region: %r' % (entry,))
        key = (_text(entry.get('account')), _text(entry['region']))
        if entry.get('failed'):
            # The listing failed after its retries: the region's jobs are missing, not absent.
            failures[key] = dict(_problem(entry), request_id=_text(entry.get('request_id')))
        _note_refusal(refusals, key, entry)
        entries[key] = _seconds(entry.get('jobs'))
    for key in list(counted) + list(refusals):
        entries.setdefault(key, None)
    result = []
    for key in sorted(entries):
        failure = failures.get(key)
        result.append(
            _region_entry(key, entries[key], counted, failure, refusals.get(key) if failure is None else None)
        )
    return result


def _incomplete(region_entries):
    """Why the inventory cannot be audited as a whole: sentences naming each failed region and its
    error, or that it listed no region at all; empty when it is whole."""
    if not region_entries:
        return [
            'the inventory listed no DTS region: is it a dts_sync_jobs inventory, and did it parse (see its warnings)?'
        ]
    return [
        '%s: %s'
        % (
            'region %s of account %s' % (entry['region'], entry['account'])
            if entry['account']
            else 'region %s' % entry['region'],
            entry['message'] or entry['code'],
        )
        for entry in region_entries
        if entry['failed']
    ]


def _finding(record, reason, **fields):
    finding = {
        'reason': reason,
        'account': record['account'],
        'region': record['region'],
        'api': record['api'],
        'job_id': record['job_id'],
        'instance_id': record['instance_id'],
        'direction': record['direction'],
        'job_name': record['job_name'],
        'status': record['status'],
        'delay': '' if record['delay'] is None else record['delay'],
        'expire_time': _display_time(record['expire_time']),
        'item_name': '',
        'detail': '',
        'repair_method': '',
    }
    finding.update(_alert_columns(record))
    finding.update(fields)
    return finding


def _flag(value):
    return '' if value is None else ('true' if value else 'false')


def _alert_columns(record):
    """The CSV's alert columns of a record: 'true'/'false' and seconds, '' when the rules are not known."""
    alerts = record.get('alerts') or {}
    threshold = alerts.get('delay_alert_threshold')
    return {
        'delay_alert_enabled': _flag(alerts.get('delay_alert_enabled')),
        'delay_alert_threshold': '' if threshold is None else threshold,
        'error_alert_enabled': _flag(alerts.get('error_alert_enabled')),
    }


def _error_text(error):
    error = error or {}
    text = '%s: %s' % (_text(error.get('code')) or 'UnknownError', _text(error.get('message')))
    return text + (' (RequestId %s)' % _text(error['request_id']) if error.get('request_id') else '')


def alert_problems(record, max_delay):
    """Why a record's alert rules would let it fail silently, as sentences; [] when they would not, or
    when its rules were not read at all (the inventory's monitor_rules is off)."""
    if not record.get('alerts_read'):
        return []
    alerts = record.get('alerts')
    if alerts is None:
        return ['alert rules not read: ' + _error_text(record.get('alerts_error'))]
    problems = []
    threshold = alerts['delay_alert_threshold']
    if not alerts['delay_alert_enabled']:
        problems.append('no enabled delay alert')
    elif threshold is not None and threshold > max_delay:
        problems.append('delay alert at %d s, over %d s' % (threshold, max_delay))
    if not alerts['error_alert_enabled']:
        problems.append('no enabled error alert')
    return problems


def validation_problems(data_check):
    """The data validations of a record that found differences or failed, as sentences (its ``data_check``
    facts only: no request). A full check that finished while DTS says not to switch over (``can_switch``
    false) found rows that differ; a schema check reports V(Inconsistency) itself."""
    problems = []
    for kind, label in CHECK_LABELS:
        facts = (data_check or {}).get(kind)
        if not _is_mapping(facts):
            continue
        status = _text(facts.get('status'))
        if status == 'Failed':
            message = _text(facts.get('error_message'))
            problems.append('%s validation failed%s' % (label, ': ' + message if message else ''))
        elif status == 'Inconsistency':
            problems.append('%s validation found differences' % label)
        elif kind == 'full' and status == 'Finished' and facts.get('can_switch') is False:
            problems.append('full validation finished with rows that differ (DTS says not to switch over)')
    return problems


def _task_findings(record, max_delay):
    """The alert and validation findings of one task (a record of it)."""
    found = []
    problems = alert_problems(record, max_delay)
    if problems:
        found.append(_finding(record, 'alert', detail='; '.join(problems)))
    problems = validation_problems(record.get('data_check'))
    if problems:
        found.append(_finding(record, 'validation', detail='; '.join(problems)))
    return found


def _judgement_time(now):
    """When expiry is judged from: ``now`` (ISO 8601), else the current time to the second."""
    if now is None:
        return datetime.now(timezone.utc).replace(microsecond=0)
    moment = parse_time(now)
    if moment is None:
        raise AnsibleFilterError(
            'dts_audit_report: now must be an ISO 8601 time such as 2026-01-31T12:00:00Z, not %r' % (now,)
        )
    return moment


def _failed_statuses(failed_statuses):
    if failed_statuses is None:
        failed_statuses = DEFAULT_FAIL_STATUSES
    if isinstance(failed_statuses, (str, bytes)) or not hasattr(failed_statuses, '__iter__'):
        raise AnsibleFilterError('dts_audit_report: failed_statuses must be a list of statuses, such as [Failed]')
    return frozenset(_text(canonical_status(status)) for status in failed_statuses)


class _Rules:
    """The audit's rules over records: what each record counts for, and the findings it raises."""

    def __init__(self, max_delay, failed_statuses, moment, cutoff):
        self.max_delay, self.failed_statuses, self.moment, self.cutoff = max_delay, failed_statuses, moment, cutoff
        self.counted = {}
        self.seen_statuses = set()
        self.jobs = set()
        self.attention = set()
        self.families = dict((family, 0) for family in FAMILIES)
        self.findings = dict((reason, []) for reason in REASONS)
        self.tasks = set()
        # Records whose alert rules were read, and those whose lookup failed: both 0 when the inventory's
        # monitor_rules is off, and the report then says the rules were not audited.
        self.alert_rules = {'read': 0, 'failed': 0}

    def add(self, record):
        by_status = self.counted.setdefault((record['account'], record['region']), {})
        by_status[record['status']] = by_status.get(record['status'], 0) + 1
        self.seen_statuses.add(record['status'])
        self.families[record['api']] = self.families.get(record['api'], 0) + 1
        job = (record['account'], record['region'], record['instance_id'])
        self.jobs.add(job)
        found = self._findings(record)
        # Alert rules and validation belong to the task: reported once, whichever direction comes first.
        task = (record['account'], record['region'], record['job_id'])
        if task not in self.tasks:
            self.tasks.add(task)
            found.extend(_task_findings(record, self.max_delay))
        if record.get('alerts_read'):
            self.alert_rules['read' if record.get('alerts') is not None else 'failed'] += 1
        for finding in found:
            self.findings[finding['reason']].append(finding)
        if found:
            self.attention.add(job)

    def _findings(self, record):
        found = []
        if record['status'] in self.failed_statuses:
            found.append(_finding(record, 'failed', detail=record['error_message']))
        for item in record['precheck_failures']:
            found.append(_finding(record, 'precheck', **item))
        if record['delay'] is not None and record['delay'] > self.max_delay:
            found.append(_finding(record, 'delay', detail='%d s' % record['delay']))
        expiring = self._expiring(record)
        if expiring is not None:
            found.append(expiring)
        return found

    def _expiring(self, record):
        if record['pay_type'] != 'PrePaid':
            return None
        expires = parse_time(record['expire_time'])
        if expires is None or expires >= self.cutoff:
            return None
        expired = expires < self.moment
        # expires: what the Markdown table shows (not a CSV column).
        return _finding(
            record,
            'expiring',
            detail='expired' if expired else 'expires ' + _iso(expires),
            expires=_iso(expires) + (' (expired)' if expired else ''),
        )

    def sorted_findings(self):
        # The longest delays first; the soonest expiries first.
        self.findings['delay'].sort(key=lambda finding: -finding['delay'])
        self.findings['expiring'].sort(key=lambda finding: finding['expire_time'])
        return self.findings

    def statuses(self):
        documented = [status for status in JOB_STATUSES if status in self.seen_statuses]
        return documented + sorted(self.seen_statuses.difference(documented))


def _refused_finding(entry):
    return {
        'reason': 'refused',
        'account': entry['account'],
        'region': entry['region'],
        'api': '',
        'job_id': '',
        'instance_id': '',
        'direction': '',
        'job_name': '',
        'status': entry['code'],
        'delay': '',
        'expire_time': '',
        'item_name': '',
        'detail': entry['message'],
        'repair_method': '',
        'delay_alert_enabled': '',
        'delay_alert_threshold': '',
        'error_alert_enabled': '',
    }


@_collector_paused
def dts_audit_report(
    records, regions=None, refused=None, max_delay=300, expiry_days=14, failed_statuses=None, now=None
):
    """What the audit report shows, from ``dts_audit_records``' records.

    ``regions`` is the inventory's ``dts_regions`` (``[{account, region, jobs, refused}]``), ``refused``
    its ``dts_refused_regions`` (``[{account, region, code, message}]``); ``now`` (ISO 8601, default
    the current time) is when expiry is judged from.
    """
    max_delay = _whole_number(max_delay, 'max_delay')
    expiry_days = _whole_number(expiry_days, 'expiry_days')
    failed_statuses = _failed_statuses(failed_statuses)
    if regions is not None and (isinstance(regions, (str, Mapping)) or not hasattr(regions, '__iter__')):
        raise AnsibleFilterError('dts_audit_report: regions must be a list of {account, region, jobs, refused}')
    moment = _judgement_time(now)
    cutoff = moment + timedelta(days=expiry_days)
    rules = _Rules(max_delay, failed_statuses, moment, cutoff)
    for record in plugin_data(records) or []:
        rules.add(record)
    findings = rules.sorted_findings()
    region_entries = _region_entries(regions, refused, rules.counted)
    findings['refused'].extend(_refused_finding(entry) for entry in region_entries if entry['refused'])
    return {
        'generated': _iso(moment),
        'expiry_cutoff': _iso(cutoff),
        'max_delay': max_delay,
        'expiry_days': expiry_days,
        'records': sum(sum(by_status.values()) for by_status in rules.counted.values()),
        'jobs': len(rules.jobs),
        'attention': len(rules.attention),
        'apis': rules.families,
        'accounts': sorted(set(entry['account'] for entry in region_entries if entry['account'])),
        'statuses': rules.statuses(),
        'regions': region_entries,
        'audited': [entry for entry in region_entries if not entry['refused'] and not entry['failed']],
        'refused': [entry for entry in region_entries if entry['refused']],
        # Regions whose listing failed, and why the report is partial (empty: it is whole).
        'failed': [entry for entry in region_entries if entry['failed']],
        'incomplete': _incomplete(region_entries),
        'counts': dict((reason, len(found)) for reason, found in findings.items()),
        # Records whose alert rules were read, and those whose lookup failed: both 0 when the inventory's
        # monitor_rules is off, and the report then says the rules were not audited.
        'alert_rules': rules.alert_rules,
        'findings': findings,
    }


# -- rendering: tables of thousands of rows cost seconds as Jinja filter calls per cell -------------
#
# Every cell may hold text a job's creator chose (its name, tags, error message, a status, a region's
# refusal): the renderers write it as inert text. A cell is one line without control characters; a
# CSV text cell that a spreadsheet would read as a formula starts with an apostrophe (OWASP's advice
# against CSV injection); a Markdown cell escapes HTML and every character that could end the cell,
# open a code span, emphasis, a link or an image, or make an address a link.

# Line breaks of every kind (those str.splitlines knows), other control characters, and the
# bidirectional overrides that make text read differently from what it holds.
_NOT_ONE_LINE = re.compile('[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]+')
# What makes a spreadsheet evaluate a cell, when it is the first character that is not blank:
# = + - @ (OWASP's list; tab and carriage return, also on it, never reach a cell), the minus sign,
# and the full-width and small forms spreadsheets accept too (found by NFKC below).
_FORMULA_STARTS = frozenset('=+-@\u2212')
# In this order: a backslash is doubled before others are added, & made &amp; before entities are.
_MARKDOWN_ESCAPES = (
    ('\\', '\\\\'),
    ('&', '&amp;'),
    ('<', '&lt;'),
    ('>', '&gt;'),
    # An entity, not \|: renderers disagree on whether a backslash before \| escapes the pipe.
    ('|', '&#124;'),
    ('`', '\\`'),
    ('*', '\\*'),
    ('_', '\\_'),
    ('~', '\\~'),
    ('[', '\\['),
    (']', '\\]'),
    ('@', '\\@'),
)
# The bare addresses GitHub makes links of: the colon of scheme:// and the dot of www. get a backslash.
_MARKDOWN_ADDRESSES = re.compile(r'[:.](?:(?<=[A-Za-z0-9]:)(?=//)|(?<=www\.))', re.IGNORECASE)


def _one_line(value):
    return _NOT_ONE_LINE.sub(' ', _text(value))


def _is_number(value):
    """A number the audit computed (a count, a delay): its text is digits, a sign and a point at most."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _starts_a_formula(text):
    for char in text:
        if char.isspace() or unicodedata.category(char) in ('Cc', 'Cf'):
            continue
        return char in _FORMULA_STARTS or unicodedata.normalize('NFKC', char) in _FORMULA_STARTS
    return False


def _spreadsheet_text(value):
    """A CSV cell a spreadsheet shows as it is: numbers stay numbers (the audit's counts and delays,
    which carry no formula), text that would start a formula gets a leading apostrophe."""
    if _is_number(value):
        return _text(value)
    text = _one_line(value)
    return "'" + text if _starts_a_formula(text) else text


def _markdown_text(value):
    """Text that renders as itself in a Markdown table cell: no HTML, link, image, code span, emphasis
    or cell break can come out of it."""
    return _markdown_escape(_one_line(value))


def _markdown_escape(text):
    for character, escaped in _MARKDOWN_ESCAPES:
        if character in text:
            text = text.replace(character, escaped)
    return _MARKDOWN_ADDRESSES.sub(r'\\\g<0>', text)


def _markdown_code(text):
    """A code span, unless the text holds what would end one (a backtick) or the cell (a pipe, which
    an entity cannot stand for inside a code span): that text is shown escaped instead."""
    if '`' in text or '|' in text:
        return _markdown_escape(text)
    return '`%s`' % text


def _cell(row, key):
    """``row[key]``, a dotted key reaching into dicts ('statuses.Failed'); '' when absent. A key that
    holds dots itself (a status the service spells with one) is found before the dots are followed."""
    value = row
    while isinstance(value, Mapping):
        if key in value:
            return value[key]
        head, dot, key = key.partition('.')
        if not dot or head not in value:
            break
        value = value[head]
    return ''


def _columns(columns, name):
    if isinstance(columns, (str, bytes, Mapping)) or not hasattr(columns, '__iter__'):
        raise AnsibleFilterError('%s: columns must be a list' % name)
    result = []
    for column in columns:
        if isinstance(column, str):
            column = {'key': column}
        if not isinstance(column, Mapping) or not isinstance(column.get('key'), str):
            raise AnsibleFilterError('%s: each column is a key or a dict with a key, not %r' % (name, column))
        result.append(column)
    return result


def dts_audit_csv(rows, columns, header=True):
    """``rows`` (dicts) as CSV text (RFC 4180 quoting): every field quoted, quotes doubled, each row on
    one line, numbers as numbers and text that a spreadsheet would evaluate prefixed with an apostrophe."""
    columns = _columns(columns, 'dts_audit_csv')
    rows = plugin_data(rows)
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator='\n')
    if header:
        # The header as before these files were written in Python: quoted only where it must be.
        csv.writer(out, lineterminator='\n').writerow(
            [_spreadsheet_text(column.get('heading', column['key'])) for column in columns]
        )
    for row in rows or []:
        writer.writerow([_spreadsheet_text(_cell(row, column['key'])) for column in columns])
    return out.getvalue()


def dts_audit_markdown(rows, columns):
    """``rows`` (dicts) as a Markdown table. Each column: ``key`` (dotted), ``heading`` (the key),
    ``code`` (in backticks), ``numeric`` (right-aligned; an absent value is 0), ``empty`` (shown for '').
    Every heading and value is escaped: it renders as the text it is, never as HTML, a link or markup."""
    columns = _columns(columns, 'dts_audit_markdown')
    rows = plugin_data(rows)
    lines = [
        '| ' + ' | '.join(_markdown_text(column.get('heading', column['key'])) for column in columns) + ' |',
        '|' + ''.join(' ---: |' if column.get('numeric') else ' --- |' for column in columns),
    ]
    for row in rows or []:
        cells = []
        for column in columns:
            value = _cell(row, column['key'])
            if value == '' and column.get('numeric'):
                value = 0
            # A table cell is trimmed when rendered; a code span would keep a leading blank.
            text = _one_line(value).strip()
            if not text:
                cells.append(_markdown_text(column.get('empty', '')))
            elif column.get('code'):
                cells.append(_markdown_code(text))
            else:
                cells.append(_markdown_escape(text))
        lines.append('| ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines) + '\n'


# -- the report's files, rendered in one pass -------------------------------------------------------
#
# The playbook writes these texts as they are (ansible.builtin.copy): rendering them in the task that
# computes the report spares Ansible carrying thousands of findings back from that task's worker, storing
# them as a fact and reading them again, value by value, in a template task per file (docs/benchmarks.md).

REPORT_FILES = ('dts-audit.md', 'dts-audit-summary.csv', 'dts-audit.csv')
SUMMARY_COLUMNS = ('account', 'region', 'status', 'records')
# One row per finding, in the order of REASONS; the same job columns for both API families, and on every
# row the job's alert rules (empty when the inventory did not read them).
FINDING_COLUMNS = (
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
) + ALERT_COLUMNS


def _column(key, heading, **options):
    return dict(options, key=key, heading=heading)


def _plural(count, many, one=''):
    return many if count != 1 else one


def _summary_rows(report):
    """One row per account, region and status; a region listed without a job: one row, no status, 0."""
    rows = []
    for region in report['audited']:
        statuses = [status for status in report['statuses'] if status in region['statuses']]
        for status in statuses:
            rows.append(
                {
                    'account': region['account'],
                    'region': region['region'],
                    'status': status,
                    'records': region['statuses'][status],
                }
            )
        if not statuses:
            rows.append({'account': region['account'], 'region': region['region'], 'status': '', 'records': 0})
    return rows


def _account_column(entries):
    """The account column, for a table of entries of which one names an account."""
    return [_column('account', 'account')] if any(entry['account'] for entry in entries) else []


def _markdown_top(report):
    """The title, whether the report is partial, and what was audited."""
    lines = ['# DTS synchronization jobs audit\n\n']
    failed = report['failed']
    if report['incomplete']:
        if failed:
            why = '%d region%s could not be listed; %s jobs are not in it.' % (
                len(failed),
                _plural(len(failed), 's'),
                _plural(len(failed), 'their', 'its'),
            )
        else:
            why = 'the inventory listed no DTS region.'
        lines.append('**Partial report (dts_audit_allow_partial): %s**\n' % why)
        if failed:
            columns = _account_column(failed) + [
                _column('region', 'region'),
                _column('code', 'error code'),
                _column('message', 'error'),
            ]
            lines.append('\n%s\n' % dts_audit_markdown(failed, columns))
        lines.append('\n')
    accounts = report['accounts']
    families = [family for family, records in report['apis'].items() if records]
    lines.append(
        'Audited %s: %s job records (%s jobs; a two-way job has a record per direction) in %d regions'
        ' (%d with jobs)%s%s.\n'
        % (
            report['generated'],
            report['records'],
            report['jobs'],
            len(report['audited']),
            len([entry for entry in report['audited'] if entry['records']]),
            ' and %d accounts' % len(accounts) if accounts else '',
            '; ' + ', '.join('%s from the %s API' % (report['apis'][family], family) for family in families)
            if len(families) > 1
            else '',
        )
    )
    lines.append('%s jobs need a human.\n' % report['attention'])
    refused = report['refused']
    if refused:
        lines.append(
            '**%d region%s refused the listing: %s jobs are not in this report.**\n'
            % (len(refused), _plural(len(refused), 's'), _plural(len(refused), 'their', 'its'))
        )
    return lines


def _markdown_regions(report, account):
    """The records per region and status, and the regions that refused the listing."""
    # A status is what DTS said, any text: it heads its column, but the column's key is its position (a
    # dotted key made of the status would read a status with a dot as a path).
    statuses = report['statuses']
    keys = ['status_count_%d' % index for index in range(1, len(statuses) + 1)]
    rows = []
    for entry in report['audited']:
        row = dict(entry)
        row.update(
            (key, entry['statuses'][status]) for key, status in zip(keys, statuses) if status in entry['statuses']
        )
        rows.append(row)
    columns = (
        account
        + [_column('region', 'region')]
        + [_column(key, status, numeric=True) for key, status in zip(keys, statuses)]
        + [_column('records', 'total', numeric=True)]
    )
    lines = ['\n## Records per region and status\n\n', dts_audit_markdown(rows, columns) + '\n']
    refused = report['refused']
    if refused:
        columns = _account_column(refused) + [
            _column('region', 'region'),
            _column('code', 'error code'),
            _column('message', 'message'),
        ]
        lines.append('## Regions not audited (%d)\n\n%s\n' % (len(refused), dts_audit_markdown(refused, columns)))
    return lines


def _markdown_findings(report, account):
    """The jobs that need a human: a table per reason, or None."""
    job = account + [_column('region', 'region'), _column('job_id', 'job', code=True)]
    direction = [_column('direction', 'direction')]
    name = [_column('job_name', 'name')]
    status = [_column('status', 'status')]
    sections = (
        ('Failed', 'failed', job + direction + name + status + [_column('detail', 'error message', empty='-')]),
        (
            'Failed precheck items',
            'precheck',
            job
            + name
            + [
                _column('item_name', 'item'),
                _column('detail', 'error message', empty='-'),
                _column('repair_method', 'repair method', empty='-'),
            ],
        ),
        (
            'Replication delay over %s s' % report['max_delay'],
            'delay',
            job + direction + name + status + [_column('delay', 'delay (s)', numeric=True)],
        ),
        (
            'Inconsistent or failed data validation',
            'validation',
            job + name + status + [_column('detail', 'validation')],
        ),
        (
            'PrePaid jobs expiring within %s days' % report['expiry_days'],
            'expiring',
            job + name + status + [_column('expires', 'expires')],
        ),
    )
    lines = ['## Jobs that need a human\n\n']
    for title, reason, columns in sections:
        rows = report['findings'][reason]
        lines.append('### %s (%d)\n\n' % (title, len(rows)))
        lines.append(dts_audit_markdown(rows, columns) + '\n' if rows else 'None.\n')
        # The last section is followed by the alert rules' heading, the others by a blank line of their own.
        lines.append('\n' if reason == 'expiring' or not rows else '')
    return lines


def _markdown_alerts(report, account):
    """The jobs that would fail silently: without the alerts they need, or whose rules could not be read."""
    rows = report['findings']['alert']
    lines = ['## Jobs that would fail silently: alert rules (%d)\n\n' % len(rows)]
    if not report['alert_rules']['read'] and not report['alert_rules']['failed']:
        lines.append(
            'Alert rules were not read, so they are not audited: set `monitor_rules: true` in the inventory (one\n'
            '`DescribeJobMonitorRule` request per job).\n'
        )
        return lines
    lines.append(
        'Every job without an enabled delay alert or an enabled error alert, or whose delay alert fires only above'
        ' %s s.\nAn enabled alert reaches people only through a CloudMonitor subscription.\n\n' % report['max_delay']
    )
    columns = account + [
        _column('region', 'region'),
        _column('job_id', 'job', code=True),
        _column('job_name', 'name'),
        _column('status', 'status'),
        _column('delay_alert_enabled', 'delay alert', empty='-'),
        _column('delay_alert_threshold', 'delay alert (s)', empty='-'),
        _column('error_alert_enabled', 'error alert', empty='-'),
        _column('detail', 'what is missing'),
    ]
    lines.append(dts_audit_markdown(rows, columns) + '\n' if rows else 'None.\n')
    return lines


def _markdown_report(report):
    account = [_column('account', 'account')] if report['accounts'] else []
    return ''.join(
        _markdown_top(report)
        + _markdown_regions(report, account)
        + _markdown_findings(report, account)
        + _markdown_alerts(report, account)
    )


@_collector_paused
def dts_audit_files(report):
    """The audit report's files rendered from ``dts_audit_report``'s report, with the rest of the report.

    Returns the report without its findings (their rows are in the files) and ``files``: the text of
    each of REPORT_FILES by name, as the playbook writes them.
    """
    report = plugin_data(report)
    if not isinstance(report, Mapping) or not isinstance(report.get('findings'), Mapping):
        raise AnsibleFilterError(
            'dts_audit_files expects the report of dts_audit_report, not %s' % type(report).__name__
        )
    findings = report['findings']
    result = dict((key, value) for key, value in report.items() if key != 'findings')
    result['files'] = {
        'dts-audit.md': _markdown_report(report),
        'dts-audit-summary.csv': dts_audit_csv(_summary_rows(report), SUMMARY_COLUMNS),
        'dts-audit.csv': dts_audit_csv([row for reason in REASONS for row in findings[reason]], FINDING_COLUMNS),
    }
    return result


class FilterModule:
    """The audit playbook's rules (playbooks/audit.yml)."""

    def filters(self):
        return {
            'dts_audit_records': dts_audit_records,
            'dts_audit_report': dts_audit_report,
            'dts_audit_csv': dts_audit_csv,
            'dts_audit_markdown': dts_audit_markdown,
            'dts_audit_files': dts_audit_files,
        }
