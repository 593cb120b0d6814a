# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The emulator's jobs: a friendly spec format, its expansion into wire records, and default data.

A job spec is a dict (from YAML/JSON or code)::

    {id, region, name, status, two_way, reverse_status, delay, tags: {k: v}, resource_group_id,
     pay_type, expire_time, error_message, precheck_failures: [{item, error, repair}],
     wire_bool: "string"|"bool", origin: "legacy"|"current", job_type: "SYNC"|"MIGRATION"|"SUBSCRIBE",
     dts_job_id, checkpoint, data_check: {full, incremental, structure},
     monitor_rules: [{type, enabled, delay, job_type, phone, period, times, notice_value}]}

``status`` is kept exactly as given, so data can carry the wire's mixed case.

Two API families read the same jobs. A job made the legacy way (``origin: legacy``, the default)
is seen by both; a job made the current way (``origin: current``) only by DescribeDtsJobs and
DescribeDtsJobDetail. Every job's ``id`` is its DtsInstanceID; its DtsJobId is ``dts_job_id``, by
default the id without its ``dts`` prefix, so ``DtsInstanceID == 'dts' + DtsJobId`` for the jobs
this module makes.
"""

import hashlib
import random
import time
from datetime import datetime, timedelta, timezone
from functools import lru_cache

DOCUMENTED_STATUSES = (
    'NotStarted',
    'Prechecking',
    'PrecheckFailed',
    'Initializing',
    'InitializeFailed',
    'Synchronizing',
    'Failed',
    'Suspending',
    'Modifying',
    'Finished',
)
# The current family's statuses (DescribeDtsJobs' documentation): sync tasks, then what only
# migration (Migrating, MigrationFailed) and change tracking (Normal, Abnormal) tasks report.
CURRENT_STATUSES = DOCUMENTED_STATUSES + (
    'PreCheckPass',
    'NotConfigured',
    'Retrying',
    'Upgrade',
    'Locked',
    'Downgrade',
    'Migrating',
    'MigrationFailed',
    'Normal',
    'Abnormal',
)
FAILED_STATUSES = ('PrecheckFailed', 'InitializeFailed', 'Failed', 'MigrationFailed')
JOB_TYPES = ('SYNC', 'MIGRATION', 'SUBSCRIBE')
ORIGINS = ('legacy', 'current')
DEFAULT_REGION_SIZES = (('cn-hangzhou', 45), ('cn-beijing', 25), ('cn-shanghai', 15), ('ap-southeast-1', 10))
PRECHECK_ITEMS = (
    'CHECK_CONN_SRC',
    'CHECK_AUTH_SRC',
    'CHECK_CONN_DEST',
    'CHECK_AUTH_DEST',
    'CHECK_BINLOG_ON',
    'CHECK_BINLOG_MODE',
    'CHECK_SERVER_ID',
    'CHECK_ENGINE',
    'CHECK_SAME_OBJ',
    'CHECK_TOPOLOGY',
)
ERROR_MESSAGES = {
    'Failed': 'DTS-070211: Connect Source DB failed. cause by [java.net.ConnectException:Connection timed out]',
    'InitializeFailed': 'DTS-1020042 Execute sql error sql: ERROR: type "geometry" does not exist;',
    'PrecheckFailed': 'Precheck failed: CHECK_CONN_SRC',
    'MigrationFailed': 'DTS-1040003: full data migration failed: Table appdb.orders does not exist',
}
ID_CHARACTERS = 'abcdefghijklmnopqrstuvwxyz0123456789'
# Data validation (the current family): the kinds a job may have, and the wire's CheckType of the
# two that DescribeCheckJobs and DescribeDataCheckTableDetails report on (1 full, 2 incremental).
DATA_CHECK_KINDS = ('full', 'incremental', 'structure')
CHECK_TYPES = {'full': 1, 'incremental': 2}
# What a check reports once every row is validated: full and schema checks finish, an incremental
# one catches up (and keeps checking what comes next).
DONE_STATUS = {'full': 'Finished', 'incremental': 'Catched', 'structure': 'Finished'}
# DescribeDataCheckTableDetails' table statuses: 0 completed, 2 initializing, 3 running, 5 failed.
TABLE_DONE, TABLE_INITIALIZING, TABLE_RUNNING, TABLE_FAILED = 0, 2, 3, 5
PRECHECK_NAMES = {
    'CHECK_CONN_SRC': 'Source database connectivity',
    'CHECK_AUTH_SRC': 'Source database permissions',
    'CHECK_CONN_DEST': 'Destination database connectivity',
    'CHECK_AUTH_DEST': 'Destination database permissions',
    'CHECK_BINLOG_ON': 'Binary logging enabled',
    'CHECK_BINLOG_MODE': 'Binary log format is ROW',
    'CHECK_SERVER_ID': 'Source server_id',
    'CHECK_ENGINE': 'Storage engine',
    'CHECK_SAME_OBJ': 'Objects with the same name in the destination',
    'CHECK_TOPOLOGY': 'Replication topology',
}
JOB_CODES = ('01', '02', '03', '04')


def _iso(moment):
    return moment.strftime('%Y-%m-%dT%H:%M:%SZ')


def _job_id(rng):
    return 'dts' + ''.join(rng.choice('abcdefghijklmnopqrstuvwxyz0123456789') for _position in range(12))


def default_job_specs(now=None, seed=20260101):
    """Deterministic, realistic jobs over four regions; every documented status appears.

    Expiry times are relative to ``now`` so "expires within N days" stays meaningful.
    """
    now = now or datetime.now(timezone.utc)
    rng = random.Random(seed)
    wire_case = {
        'Synchronizing': ['synchronizing', 'Synchronizing'],
        'Initializing': ['Initializing', 'Initializating'],
    }
    services = ['orders', 'payments', 'inventory', 'users', 'catalog', '订单中心', 'analytics', 'billing']
    envs = ['prod', 'staging', 'dev']
    specs = []
    serial = 0
    for region, count in DEFAULT_REGION_SIZES:
        for index in range(count):
            serial += 1
            # Mostly synchronizing, with every other status represented in every region.
            documented = (
                DOCUMENTED_STATUSES[index]
                if index < len(DOCUMENTED_STATUSES)
                else ('Synchronizing' if index % 4 else rng.choice(DOCUMENTED_STATUSES))
            )
            variants = wire_case.get(documented, [documented])
            status = variants[serial % len(variants)]
            service = services[serial % len(services)]
            env = envs[serial % len(envs)]
            spec = {
                'id': _job_id(rng),
                'region': region,
                'name': '%s-%s-sync-%02d' % (service, env, index),
                'status': status,
                'delay': 0
                if documented != 'Synchronizing'
                else (rng.choice([0, 0, 1, 3, 12, 45]) if index % 7 else rng.choice([420, 900, 3600])),
                'tags': {}
                if index % 6 == 5
                else dict([('env', env), ('team', service)] + ([('owner', '')] if index % 5 == 0 else [])),
                'resource_group_id': 'rg-acfm%s' % ('prod0001' if env == 'prod' else 'test0002'),
                'pay_type': 'PrePaid' if index % 3 == 0 else 'PostPaid',
                'wire_bool': 'bool' if index % 2 else 'string',
                'two_way': index % 9 == 4,
                'created': _iso(now - timedelta(days=400 - serial)),
            }
            if spec['pay_type'] == 'PrePaid':
                spec['expire_time'] = _iso(now + timedelta(days=(3 if index % 4 == 0 else 60 + index)))
            if spec['two_way']:
                spec['reverse_status'] = 'synchronizing' if documented == 'Synchronizing' else 'NotStarted'
            if documented in FAILED_STATUSES:
                spec['error_message'] = ERROR_MESSAGES[documented]
            if documented == 'PrecheckFailed':
                spec['precheck_failures'] = [
                    {
                        'item': 'CHECK_CONN_SRC',
                        'error': "Original error: Access denied for user 'dtstest'@'100.104.x.x' (using password: YES)",
                        'repair': 'CHECK_ERROR_DEST_CONN_REPAIR2',
                    }
                ]
                if region == 'cn-hangzhou':
                    spec['precheck_failures'].append(
                        {
                            'item': 'CHECK_SAME_OBJ',
                            'names': 'appdb.orders',
                            'error': 'The destination already has a table appdb.orders',
                            'repair': 'Drop or rename appdb.orders in the destination, or map it to another name',
                            'can_skip': True,
                        }
                    )
            spec['monitor_rules'] = MONITOR_RULE_SCENARIOS[MONITOR_RULE_ORDER[serial % len(MONITOR_RULE_ORDER)]]
            if region == 'cn-hangzhou' and index == DOCUMENTED_STATUSES.index('Synchronizing'):
                # A legacy-made job whose full validation found differences (DescribeDtsJobs shows it).
                spec['data_check'] = INCONSISTENT_FULL_CHECK
            specs.append(spec)
    return specs


# The alert rules of the default data (DescribeJobMonitorRule), by scenario; jobs take them in turn.
# The phone numbers are made up (the 555 range); they stand for personal data the collection must not return.
_PHONES = '13955501234,13955505678'
MONITOR_RULE_SCENARIOS = {
    # delay and error alerts on, a validation rule beside them
    'watched': [
        {'type': 'delay', 'enabled': True, 'delay': 60, 'phone': _PHONES},
        {'type': 'error', 'enabled': True, 'phone': _PHONES},
        {'type': 'delay', 'enabled': False, 'delay': 0, 'job_type': 'etl_check', 'period': 5, 'times': 3},
    ],
    # the delay alert switched off
    'delay_off': [{'type': 'delay', 'enabled': False, 'delay': 300}, {'type': 'error', 'enabled': True}],
    # a delay alert that only fires after an hour
    'high_threshold': [
        {'type': 'delay', 'enabled': True, 'delay': 3600, 'phone': _PHONES[:11]},
        {'type': 'error', 'enabled': True, 'phone': _PHONES[:11]},
    ],
    # no rule at all
    'none': [],
    # the error alert switched off; a full data timeout alert and a notification on
    'error_off': [
        {'type': 'delay', 'enabled': True, 'delay': 120},
        {'type': 'error', 'enabled': False},
        {'type': 'full_timeout', 'enabled': True, 'notice_value': 12},
        {'type': 'warn', 'enabled': True},
    ],
}
MONITOR_RULE_ORDER = ('watched', 'delay_off', 'watched', 'high_threshold', 'none', 'watched', 'error_off')


def monitor_rule_records(rules, dts_job_id):
    """A job's DescribeJobMonitorRule ``MonitorRules`` from a spec's ``monitor_rules``.

    Each rule: ``type`` (delay, error, full_timeout, warn), ``enabled`` (``State`` Y/N), ``delay``
    (``DelayRuleTime``, seconds; delay rules only), ``job_type`` (normal, full_check, etl_check),
    ``phone``, ``period``, ``times``, ``notice_value``.
    """
    records = []
    for rule in rules or []:
        if rule.get('type') not in ('delay', 'error', 'full_timeout', 'warn'):
            raise ValueError('a monitor rule type is delay, error, full_timeout or warn, not %r' % rule.get('type'))
        job_type = rule.get('job_type', 'normal')
        record = {
            'Type': rule['type'],
            'State': 'Y' if rule.get('enabled', True) else 'N',
            'JobType': job_type,
            'JobId': dts_job_id,
        }
        if rule['type'] == 'delay':
            record['DelayRuleTime'] = int(rule.get('delay', 0))
        for key, name in (
            ('phone', 'Phone'),
            ('period', 'Period'),
            ('times', 'Times'),
            ('notice_value', 'NoticeValue'),
        ):
            if rule.get(key) is not None:
                record[name] = rule[key] if key == 'phone' else int(rule[key])
        records.append(record)
    return records


# The data validation scenarios of the default data (see the README's "Data validation").
_CLEAN_TABLES = [
    {'schema': 'appdb', 'table': 'orders', 'total': 500000},
    {'schema': 'appdb', 'table': 'customers', 'total': 80000},
    {'schema': 'appdb', 'table': 'payments', 'total': 750000},
]
CLEAN_CHECKS = {
    'full': {'status': 'Finished', 'tables': _CLEAN_TABLES},
    'incremental': {'status': 'Catched', 'tables': [dict(table, total=1200) for table in _CLEAN_TABLES]},
    'structure': {'status': 'Finished', 'objects': 3},
}
INCONSISTENT_FULL_CHECK = {
    'full': {
        'status': 'Finished',
        'tables': [
            {'schema': 'appdb', 'table': 'orders', 'total': 120000, 'diff': 3},
            {'schema': 'appdb', 'table': 'customers', 'total': 40000},
            {
                'schema': 'appdb',
                'table': 'order_items',
                'total': 365000,
                'diff': 17,
                'target_schema': 'appdb_new',
                'target_table': 'order_items',
            },
        ],
    },
    'incremental': {'status': 'Catched', 'tables': [{'schema': 'appdb', 'table': 'orders', 'total': 800}]},
}
# Validates 150,000 rows a poll: Finished, with no difference, on the sixth poll of the job (its
# incremental check catches up on the fourth).
RUNNING_FULL_CHECK = {
    'full': {
        'status': 'Checking',
        'rows_per_poll': 150000,
        'tables': [
            {'schema': 'appdb', 'table': 'orders', 'total': 1200000, 'finished': 300000},
            {'schema': 'appdb', 'table': 'customers', 'total': 80000, 'finished': 80000},
        ],
    },
    'incremental': {
        'status': 'Checking',
        'rows_per_poll': 100,
        'tables': [{'schema': 'appdb', 'table': 'orders', 'total': 400, 'finished': 0}],
    },
}
FAILED_FULL_CHECK = {
    'full': {
        'status': 'Failed',
        'error_message': 'DTS-31009: data validation failed: table appdb.audit_log does not exist in the destination',
        'tables': [
            {'schema': 'appdb', 'table': 'orders', 'total': 90000},
            {
                'schema': 'appdb',
                'table': 'audit_log',
                'total': 5000,
                'finished': 0,
                'status': TABLE_FAILED,
                'error_code': 3,
            },
        ],
    },
}


def make_data_check(spec):
    """A job's stored validation state from a spec's ``data_check`` (a missing kind is not configured).

    Each kind: ``status`` (kept as spelled), ``error_message``, ``rows_per_poll`` (a checking check
    validates that many more rows each poll of the job, and reports done once all are), ``tables``
    (``schema``, ``table``, ``target_schema``, ``target_table``, ``total``, ``finished`` (default
    ``total``), ``diff``, ``status`` (default from the counts), ``error_code``); a schema check counts
    ``objects``.
    """
    checks = {}
    for kind, check in (spec or {}).items():
        if kind not in DATA_CHECK_KINDS:
            raise ValueError('data_check kinds are %s, not %r' % (', '.join(DATA_CHECK_KINDS), kind))
        if check is None:
            continue
        tables = []
        for table in check.get('tables') or []:
            total = int(table.get('total', 0))
            tables.append(
                {
                    'schema': table['schema'],
                    'table': table['table'],
                    'target_schema': table.get('target_schema', table['schema']),
                    'target_table': table.get('target_table', table['table']),
                    'total': total,
                    'finished': int(table.get('finished', total)),
                    'diff': int(table.get('diff', 0)),
                    'status': table.get('status'),
                    'error_code': table.get('error_code'),
                }
            )
        checks[kind] = {
            'status': check.get('status', 'NotStarted'),
            'error_message': check.get('error_message'),
            'rows_per_poll': int(check.get('rows_per_poll', 0)),
            'tables': tables,
            'objects': int(check.get('objects', len(tables))),
        }
    return checks


def advance_data_checks(job):
    """One poll of a job: each checking check with ``rows_per_poll`` validates that many more rows."""
    for kind, check in (job.get('data_check') or {}).items():
        if check['status'] != 'Checking' or not check['rows_per_poll']:
            continue
        budget = check['rows_per_poll']
        for table in check['tables']:
            if table['status'] == TABLE_FAILED or table['finished'] >= table['total']:
                continue
            step = min(budget, table['total'] - table['finished'])
            table['finished'] += step
            budget -= step
            if not budget:
                break
        if all(table['finished'] >= table['total'] for table in check['tables']):
            check['status'] = DONE_STATUS[kind]


def _table_status(table):
    if table['status'] is not None:
        return int(table['status'])
    if table['finished'] >= table['total']:
        return TABLE_DONE
    return TABLE_RUNNING if table['finished'] else TABLE_INITIALIZING


def _check_counts(check):
    total = sum(table['total'] for table in check['tables'])
    finished = sum(table['finished'] for table in check['tables'])
    diff = sum(table['diff'] for table in check['tables'])
    return total, finished, diff


def data_check_entry_fields(job):
    """What a DescribeDtsJobs entry says of validation: MigrationMode's flags and the three statuses."""
    checks = job.get('data_check') or {}
    fields = {
        'MigrationMode': {
            'FullDataCheck': 'full' in checks,
            'IncDataCheck': 'incremental' in checks,
            'StructureDataCheck': 'structure' in checks,
        }
    }
    for kind, name in (
        ('full', 'FullDataCheckStatus'),
        ('incremental', 'IncDataCheckStatus'),
        ('structure', 'StructureDataCheckStatus'),
    ):
        check = checks.get(kind)
        if check is None:
            continue
        if kind == 'structure':
            total = finished = check['objects']
        else:
            total, finished, _diff = _check_counts(check)
        status = {
            'Status': check['status'],
            'Percent': str(finished * 100 // total if total else 0),
            'Progress': str(finished),
            'ErrorMessage': check['error_message'] or '',
        }
        if kind == 'full':
            # CanSwitch: the service's own "you may switch over" (PolarDB's one-click upgrade reads it).
            status['CanSwitch'] = check['status'] == 'Finished' and _check_counts(check)[2] == 0
        fields[name] = status
    return fields


def check_job_records(job, now=None):
    """DescribeCheckJobs records of a job: one per configured full or incremental check."""
    records = []
    for kind, check_type in sorted(CHECK_TYPES.items(), key=lambda item: item[1]):
        check = (job.get('data_check') or {}).get(kind)
        if check is None:
            continue
        total, finished, diff = _check_counts(check)
        failed = diff > 0 or check['status'] == 'Failed'
        records.append(
            {
                'DtsInstanceID': job['id'],
                'DtsJobId': job['dts_job_id'],
                'JobName': job['name'],
                'CheckType': check_type,
                'Status': 1 if failed else 0,
                'DiffCount': diff,
                'FinishCount': finished,
                'TotalCount': total,
                'CheckPoint': int(now if now is not None else time.time()) - 3,
                'GroupId': job['dts_job_id'],
                'JobStepId': '%s-%02d' % (job['dts_job_id'], check_type),
                'RegionId': job['region'],
                'InstanceClass': job.get('job_class', 'medium'),
                'ChargeType': 'PREPAY' if job.get('pay_type') == 'PrePaid' else 'POSTPAY',
            }
        )
    return records


def table_detail_records(job, kind, boot_time):
    """DescribeDataCheckTableDetails records of one check: per table, ``Status`` a string."""
    records = []
    for position, table in enumerate((job.get('data_check') or {}).get(kind, {}).get('tables') or [], 1):
        status = _table_status(table)
        record = {
            'Id': position,
            'SourceDbName': table['schema'],
            'SourceTbName': table['table'],
            'TargetDbName': table['target_schema'],
            'TargetTbName': table['target_table'],
            'DiffCount': table['diff'],
            'FinishCount': table['finished'],
            'TotalCount': table['total'],
            'Status': str(status),
            'BootTime': boot_time,
        }
        if status == TABLE_FAILED:
            record['ErrorCode'] = int(table.get('error_code') or 3)
        records.append(record)
    return records


def table_detail_summary(job, kind):
    """The answer's counts: tables with differences, failed tables, rows validated, tables in all."""
    tables = (job.get('data_check') or {}).get(kind, {}).get('tables') or []
    return {
        'DiffTableCount': sum(1 for table in tables if table['diff'] > 0),
        'FailedTableCount': sum(1 for table in tables if _table_status(table) == TABLE_FAILED),
        'FinishedCount': sum(table['finished'] for table in tables),
        'TotalCount': len(tables),
    }


def precheck_progress(job, job_code, now_iso):
    """DescribePreCheckStatus of one job and JobCode: (State, JobProgress items, ErrorItem)."""
    documented = canonical(job['directions']['Forward']['status'])
    if job_code == '01':
        failures = dict((item['item'], item) for item in job.get('precheck_failures') or [])
        state = (
            'NotStarted'
            if documented in ('NotStarted', 'NotConfigured')
            else 'Checking'
            if documented == 'Prechecking'
            else 'Failed'
            if failures
            else 'Finished'
        )
        items = []
        for order, item in enumerate(PRECHECK_ITEMS, 1):
            failure = failures.get(item)
            entry = {
                'Item': item,
                'Names': PRECHECK_NAMES[item],
                'OrderNum': order,
                'JobId': job['dts_job_id'],
                'Id': '%s%03d' % (job['dts_job_id'], order),
                'IgnoreFlag': 'N',
                'Skip': False,
                'CanSkip': bool(failure.get('can_skip', False)) if failure else False,
                'Total': 1,
                'State': (
                    'NotStarted'
                    if state == 'NotStarted'
                    else 'Checking'
                    if state == 'Checking'
                    else 'Failed'
                    if failure
                    else 'Success'
                ),
                'BootTime': now_iso,
                'Sub': '[]',
            }
            if failure:
                entry.update(
                    ErrMsg=failure.get('error', ''),
                    RepairMethod=failure.get('repair', ''),
                    Names=failure.get('names', PRECHECK_NAMES[item]),
                )
            if entry['State'] in ('Failed', 'Success'):
                entry['FinishTime'] = now_iso
            items.append(entry)
        return state, items, len(failures)
    started = documented not in ('NotStarted', 'NotConfigured', 'Prechecking', 'PrecheckFailed', 'PreCheckPass')
    initializing = documented in ('Initializing', 'Migrating')
    if job_code == '04':
        delay = job['directions']['Forward'].get('delay', -1)
        running = started and not initializing and delay is not None and delay >= 0
        state = 'Catched' if running and delay <= 1 else 'Migrating' if running else 'NotStarted'
        items = [
            {
                'Item': 'INCREMENTAL',
                'Names': 'Incremental data synchronization',
                'OrderNum': 1,
                'State': state,
                'JobId': job['dts_job_id'],
                'DelaySeconds': max(int(delay or 0), 0),
                'Total': 1,
                'Id': '%s401' % job['dts_job_id'],
                'BootTime': now_iso,
            }
        ]
        return state, items, 0
    state = 'Migrating' if initializing else 'Finished' if started else 'NotStarted'
    items = []
    for order, table in enumerate(('orders', 'customers'), 1):
        entry = {
            'Item': 'TABLE' if job_code == '02' else 'DATA',
            'Names': 'appdb.%s' % table,
            'OrderNum': order,
            'SourceSchema': 'appdb',
            'DestSchema': 'appdb',
            'TargetNames': 'appdb.%s' % table,
            'State': state,
            'JobId': job['dts_job_id'],
            'Id': '%s%s%d' % (job['dts_job_id'], job_code, order),
            'Total': 1 if job_code == '02' else 200000,
            'BootTime': now_iso,
        }
        entry['Current'] = str(entry['Total'] if state == 'Finished' else entry['Total'] // 2 if initializing else 0)
        items.append(entry)
    return state, items, 0


@lru_cache(maxsize=65536)
def legacy_local_time(iso):
    """The legacy listing's CreateTime: ``yyyy-MM-dd HH:mm:ss.0`` in UTC+8, as its reference documents.

    Remembered: strptime would otherwise be a good part of what a listing page costs.
    """
    moment = datetime.strptime(iso[:19], '%Y-%m-%dT%H:%M:%S') + timedelta(hours=8)
    return moment.strftime('%Y-%m-%d %H:%M:%S.0')


def _precheck(spec, documented):
    failures = dict((item['item'], item) for item in spec.get('precheck_failures') or [])
    if documented in ('NotStarted',):
        # The precheck result is documented as Success or Failed: a job not prechecked has none yet.
        return {'Status': '', 'Percent': '0', 'Detail': []}
    detail = []
    for item in PRECHECK_ITEMS:
        if item in failures:
            detail.append(
                {
                    'CheckStatus': 'Failed',
                    'ItemName': item,
                    'ErrorMessage': failures[item].get('error', ''),
                    'RepairMethod': failures[item].get('repair', ''),
                }
            )
        else:
            detail.append({'CheckStatus': 'Success', 'ItemName': item})
    return {'Status': 'Failed' if failures else 'Success', 'Percent': '100', 'Detail': detail}


def _stage(documented, progress):
    if documented in ('NotStarted', 'Prechecking', 'PrecheckFailed'):
        return {'Status': 'NotStarted', 'Percent': '0', 'Progress': '0'}
    if documented == 'Initializing':
        return {'Status': 'Migrating', 'Percent': '47', 'Progress': str(progress // 2)}
    if documented == 'InitializeFailed':
        return {
            'Status': 'Failed',
            'Percent': '12',
            'Progress': str(progress // 8),
            'ErrorMessage': 'java.lang.NumberFormatException: For input string: ""',
        }
    return {'Status': 'Finished', 'Percent': '100', 'Progress': str(progress)}


_CANONICAL = dict((known.lower(), known) for known in CURRENT_STATUSES)
_CANONICAL['initializating'] = 'Initializing'


def canonical(status):
    return _CANONICAL.get((status or '').lower(), status)


def wire_records(job):
    """DescribeSynchronizationJobs records of one job: one per direction."""
    return [wire_record(job, direction) for direction in job['directions']]


def wire_record(job, direction):
    """The DescribeSynchronizationJobs record of one direction of a job (a listing page renders only its own)."""
    state = job['directions'][direction]
    documented = canonical(state['status'])
    as_bool = job.get('wire_bool') == 'bool'
    flag = (lambda value: value) if as_bool else (lambda value: 'true' if value else 'false')
    record = {
        'SynchronizationJobId': job['id'],
        'SynchronizationJobName': job['name'],
        'SynchronizationDirection': direction,
        'Status': state['status'],
        # The legacy examples say "0" for jobs not yet synchronizing; -1 is the current family's.
        'Delay': str(max(state.get('delay', 0), 0)),
        'DataInitialization': flag(True),
        'StructureInitialization': flag(True),
        'PayType': job.get('pay_type', 'PostPaid'),
        'SynchronizationJobClass': job.get('job_class', 'medium'),
        'InstanceCreateTime': job['created'],
        'JobCreateTime': job['created'],
        'CreateTime': legacy_local_time(job['created']),
        'SourceEndpoint': {
            'InstanceId': 'rm-src%s' % job['id'][3:11],
            'InstanceType': 'RDS',
            'EngineName': 'MySQL',
            'IP': '172.16.88.10',
            'Port': '3306',
            'UserName': 'dtstest',
        },
        'DestinationEndpoint': {
            'InstanceId': 'rm-dst%s' % job['id'][3:11],
            'InstanceType': 'RDS',
            'EngineName': 'MySQL',
            'IP': '172.16.88.20',
            'Port': '3306',
            'UserName': 'dtstest',
        },
        'SynchronizationObjects': [
            {
                'SchemaName': 'appdb',
                'NewSchemaName': 'appdb',
                'TableIncludes': [{'TableName': 'orders'}, {'TableName': 'customers'}],
                'TableExcludes': [],
            }
        ],
        'PrecheckStatus': _precheck(job, documented),
        'DataInitializationStatus': _stage(documented, 200001),
        'StructureInitializationStatus': _stage(documented, 12),
        'DataSynchronizationStatus': {},
        'Performance': {
            'RPS': '0' if documented != 'Synchronizing' else '120',
            'FLOW': '0.00MB/s' if documented != 'Synchronizing' else '0.42MB/s',
        },
        'Tags': [{'Key': key, 'Value': value} for key, value in sorted(job.get('tags', {}).items())],
    }
    if record['PayType'] == 'PrePaid' and job.get('expire_time'):
        record['ExpireTime'] = job['expire_time']
    if state.get('error_message'):
        record['ErrorMessage'] = state['error_message']
    return record


def dts_job_id_for(job_id):
    """The DtsJobId of a job known by its instance id: the id without ``dts``, else a stable hash."""
    if job_id.startswith('dts') and len(job_id) > 3:
        return job_id[3:]
    return 'j' + hashlib.sha1(job_id.encode('utf-8')).hexdigest()[:10]


def _delay(value):
    # -1 (or null) means "incremental synchronization has not started", as DescribeDtsJobs says.
    return -1 if value is None else int(value)


def make_job(spec, now=None):
    """A stored job from a spec, with defaults for everything left out."""
    now = now or datetime.now(timezone.utc)
    origin = spec.get('origin', 'legacy')
    job_type = str(spec.get('job_type', 'SYNC')).upper()
    if origin not in ORIGINS:
        raise ValueError('origin must be one of %s, not %r' % (', '.join(ORIGINS), origin))
    if job_type not in JOB_TYPES:
        raise ValueError('job_type must be one of %s, not %r' % (', '.join(JOB_TYPES), job_type))
    if origin == 'legacy' and job_type != 'SYNC':
        raise ValueError('only synchronization jobs can be made the legacy way; use origin: current for %s' % job_type)
    job_id = spec.get('id') or ('dts' + spec['dts_job_id'] if spec.get('dts_job_id') else None)
    if not job_id or not spec.get('region'):
        raise ValueError('every job needs an id (or a dts_job_id) and a region')
    tags = spec.get('tags') or {}
    if isinstance(tags, list):
        tags = dict((tag['Key'], tag.get('Value', '')) for tag in tags)
    directions = {
        'Forward': {
            'status': spec.get('status', 'Synchronizing'),
            'delay': _delay(spec.get('delay', 0)),
            'error_message': spec.get('error_message'),
            'checkpoint': int(spec.get('checkpoint', (now - timedelta(seconds=5)).timestamp())),
        }
    }
    if spec.get('two_way'):
        directions['Reverse'] = {
            'status': spec.get('reverse_status', 'Synchronizing'),
            'delay': _delay(spec.get('reverse_delay', 0)),
            'error_message': spec.get('reverse_error_message'),
            'checkpoint': int(spec.get('checkpoint', (now - timedelta(seconds=9)).timestamp())),
        }
    return {
        'id': job_id,
        'region': spec['region'],
        'name': spec.get('name', job_id),
        'origin': origin,
        'job_type': job_type,
        'dts_job_id': spec.get('dts_job_id') or dts_job_id_for(job_id),
        'resource_group_id': spec.get('resource_group_id', 'rg-default'),
        'tags': dict((str(k), '' if v is None else str(v)) for k, v in tags.items()),
        'pay_type': spec.get('pay_type', 'PostPaid'),
        'expire_time': spec.get('expire_time'),
        'job_class': spec.get('job_class', 'medium'),
        'wire_bool': spec.get('wire_bool', 'string'),
        'created': spec.get('created', _iso(now - timedelta(days=30))),
        'precheck_failures': spec.get('precheck_failures') or [],
        'source_endpoint': spec.get('source_endpoint') or {},
        'destination_endpoint': spec.get('destination_endpoint') or {},
        'data_check': make_data_check(spec.get('data_check')),
        'monitor_rules': monitor_rule_records(
            spec.get('monitor_rules'), spec.get('dts_job_id') or dts_job_id_for(job_id)
        ),
        'directions': directions,
        'timeline': [],
        'polls': 0,
    }


# -- the current family (DescribeDtsJobs, DescribeDtsJobDetail) ------------------------------------


def checkpoint_of(state, now=None):
    """Unix seconds: fixed, or (``checkpoint_lag``) a fixed distance behind the clock at read time."""
    if state.get('checkpoint_lag') is not None:
        return int(now if now is not None else time.time()) - int(state['checkpoint_lag'])
    return int(state.get('checkpoint') or 0)


def _current_time(iso):
    # The current family writes times as 2021-03-16T08:01:31.000+00:00.
    return iso[:19] + '.000+00:00' if iso else None


def _current_status(status, lowercase):
    # The legacy misspelling stays in the legacy family; lower case, when asked, is the wire's habit.
    status = 'Initializing' if (status or '').lower() == 'initializating' else status
    return status.lower() if lowercase and status else status


def _endpoint(job, side, region):
    prefix = 'src' if side == 'source_endpoint' else 'dst'
    endpoint = {
        'InstanceID': 'rm-%s%s' % (prefix, job['dts_job_id'][:8]),
        'InstanceType': 'RDS',
        'EngineName': 'MySQL',
        'Region': region,
        'Ip': '172.16.88.%d' % (10 if prefix == 'src' else 20),
        'Port': '3306',
        'UserName': 'dtstest',
        'DatabaseName': 'appdb',
    }
    endpoint.update(job.get(side) or {})
    if 'Port' in endpoint:
        endpoint['Port'] = str(endpoint['Port'])
    return endpoint


def endpoint_instance_ids(job):
    """The source and destination instance ids the current family shows for a job."""
    return (
        _endpoint(job, 'source_endpoint', job['region'])['InstanceID'],
        _endpoint(job, 'destination_endpoint', job['region'])['InstanceID'],
    )


def _current_precheck(job, documented):
    failures = dict((item['item'], item) for item in job.get('precheck_failures') or [])
    # The documented precheck statuses: NotStarted, Suspending, Checking, Failed, Finished.
    if documented in ('NotStarted', 'NotConfigured'):
        return {'Status': 'NotStarted', 'Percent': '0', 'Detail': []}
    if documented == 'Prechecking':
        return {'Status': 'Checking', 'Percent': '40', 'Detail': []}
    detail = []
    for item in PRECHECK_ITEMS:
        entry = {'CheckItem': item, 'CheckResult': 'Failed' if item in failures else 'Success'}
        if item in failures:
            entry.update(FailedReason=failures[item].get('error', ''), RepairMethod=failures[item].get('repair', ''))
        detail.append(entry)
    return {'Status': 'Failed' if failures else 'Finished', 'Percent': '100', 'Detail': detail}


def _current_sync_stage(documented, delay):
    # The documented statuses of the incremental stage: NotStarted, Migrating (running), Failed, Finished
    # and Catched (caught up: no latency).
    if documented in ('Synchronizing', 'Retrying', 'Suspending', 'Modifying', 'Upgrade', 'Downgrade', 'Locked'):
        caught_up = delay is not None and 0 <= delay <= 1
        return {
            'Status': 'Catched' if caught_up and documented == 'Synchronizing' else 'Migrating',
            'Percent': '95' if delay < 0 else '100',
            'Progress': '0' if delay < 0 else '1283',
            'NeedUpgrade': False,
        }
    if documented == 'Failed':
        return {'Status': 'Failed', 'Percent': '100', 'Progress': '1283', 'NeedUpgrade': False}
    if documented == 'Finished':
        return {'Status': 'Finished', 'Percent': '100', 'Progress': '1283', 'NeedUpgrade': False}
    return {'Status': 'NotStarted', 'Percent': '0', 'Progress': '0', 'NeedUpgrade': False}


def _current_stage(documented):
    return _stage(
        'Initializing'
        if documented in ('Migrating',)
        else (
            'InitializeFailed'
            if documented == 'MigrationFailed'
            else ('NotStarted' if documented in ('PreCheckPass', 'NotConfigured') else documented)
        ),
        200001,
    )


def current_record(job, direction, lowercase=False, now=None, detail=False):
    """One direction of a job as the current family shows it.

    The listing says ``Delay`` in seconds (a migration task's in milliseconds) and ``Checkpoint`` as a
    string; DescribeDtsJobDetail says milliseconds and an integer (``detail=True``).
    """
    state = job['directions'][direction]
    documented = canonical(state['status'])
    delay = state.get('delay', 0)
    delay = -1 if delay is None or delay < 0 else int(delay)
    checkpoint = checkpoint_of(state, now)
    record = {
        'DtsJobId': job['dts_job_id'],
        'DtsInstanceID': job['id'],
        'DtsJobName': job['name'],
        'Status': _current_status(state['status'], lowercase),
        'DtsJobDirection': direction,
        # DescribeDtsJobDetail says milliseconds; DescribeDtsJobs milliseconds for a migration task and
        # seconds for the others (see docs/fields.md).
        'Delay': delay * 1000 if delay >= 0 and (detail or job['job_type'] == 'MIGRATION') else delay,
        'Checkpoint': checkpoint if detail else str(checkpoint),
        'PayType': job.get('pay_type', 'PostPaid'),
        'CreateTime': _current_time(job['created']),
        'DtsJobClass': job.get('job_class', 'medium'),
        'JobType': job['job_type'],
        'SourceEndpoint': _endpoint(job, 'source_endpoint', job['region']),
        'DestinationEndpoint': _endpoint(job, 'destination_endpoint', job['region']),
        'MigrationMode': {
            'StructureInitialization': True,
            'DataInitialization': True,
            'DataSynchronization': job['job_type'] != 'MIGRATION' or documented != 'Finished',
        },
        'DataSynchronizationStatus': _current_sync_stage(documented, delay),
        'ResourceGroupId': job.get('resource_group_id', 'rg-default'),
    }
    if state.get('error_message'):
        record['ErrorMessage'] = state['error_message']
    if job.get('pay_type') == 'PrePaid' and job.get('expire_time'):
        record['ExpireTime'] = _current_time(job['expire_time'])
    stages = {
        'PrecheckStatus': _current_precheck(job, documented),
        'StructureInitializationStatus': dict(_current_stage(documented), Progress='12'),
        'DataInitializationStatus': _current_stage(documented),
        'Performance': {
            'Rps': '120' if documented == 'Synchronizing' else '0',
            'Flow': '0.42' if documented == 'Synchronizing' else '0',
        },
    }
    return record, stages


def dts_job_entry(job, lowercase=False, now=None):
    """A DescribeDtsJobs ``DtsJobList`` entry: the Forward direction, the Reverse one nested."""
    record, stages = current_record(job, 'Forward', lowercase, now)
    record.update(stages)
    # Validation is configured on the task (the Forward direction); only the listing reports it.
    checks = data_check_entry_fields(job)
    record['MigrationMode'] = dict(record['MigrationMode'], **checks.pop('MigrationMode'))
    record.update(checks)
    record['TagList'] = [{'TagKey': key, 'TagValue': value} for key, value in sorted(job.get('tags', {}).items())]
    if 'Reverse' in job['directions']:
        reverse, reverse_stages = current_record(job, 'Reverse', lowercase, now)
        reverse.update(reverse_stages)
        reverse.pop('JobType')
        reverse.pop('ResourceGroupId')
        record['ReverseJob'] = reverse
    return record


def dts_job_detail(job, direction='Forward', lowercase=False, now=None):
    """The DescribeDtsJobDetail answer (less RequestId) for one direction of a job."""
    record, stages = current_record(job, direction, lowercase, now, detail=True)
    record['SynchronizationDirection'] = direction
    record['TaskType'] = job['job_type']
    # The sub-job repeats the task with its stages; the model types its Checkpoint as a string.
    sub = dict(record, Checkpoint=str(record['Checkpoint']))
    sub.pop('ResourceGroupId')
    sub.update(stages)
    sub['TagList'] = [
        {
            'TagKey': key,
            'TagValue': value,
            'ResourceId': job['id'],
            'ResourceType': 'ALIYUN::DTS::INSTANCE',
            'RegionId': job['region'],
        }
        for key, value in sorted(job.get('tags', {}).items())
    ]
    if direction == 'Forward' and 'Reverse' in job['directions']:
        reverse, reverse_stages = current_record(job, 'Reverse', lowercase, now, detail=True)
        reverse.update(reverse_stages, Checkpoint=str(reverse['Checkpoint']), SynchronizationDirection='Reverse')
        reverse.pop('ResourceGroupId')
        sub['ReverseJob'] = reverse
    record['SubSyncJob'] = [sub]
    record['Success'] = True
    record['HttpStatusCode'] = 200
    return record


def _random_id(rng, length=11):
    return rng.choice(ID_CHARACTERS[:26]) + ''.join(rng.choice(ID_CHARACTERS) for _position in range(length - 1))


def current_job_specs(now=None, seed=20260202):
    """Jobs made the current way (seen only by DescribeDtsJobs / DescribeDtsJobDetail)."""
    now = now or datetime.now(timezone.utc)
    rng = random.Random(seed)
    rows = [
        # region, job type, name, status, delay, extra
        (
            'cn-hangzhou',
            'SYNC',
            'orders-prod-dr',
            'Synchronizing',
            2,
            {'two_way': True, 'reverse_status': 'synchronizing', 'reverse_delay': 4, 'data_check': RUNNING_FULL_CHECK},
        ),
        ('cn-hangzhou', 'SYNC', 'payments-prod-cdc', 'synchronizing', 0, {'data_check': CLEAN_CHECKS}),
        ('cn-hangzhou', 'SYNC', 'inventory-staging-sync', 'Initializing', None, {}),
        ('cn-hangzhou', 'SYNC', 'users-prod-sync', 'Failed', 0, {'error_message': ERROR_MESSAGES['Failed']}),
        ('cn-hangzhou', 'SYNC', 'catalog-dev-sync', 'PreCheckPass', None, {}),
        ('cn-hangzhou', 'SYNC', 'billing-prod-sync', 'Retrying', 37, {'data_check': FAILED_FULL_CHECK}),
        (
            'cn-hangzhou',
            'MIGRATION',
            'orders-prod-migrate',
            'Finished',
            0,
            {'data_check': {'full': CLEAN_CHECKS['full']}},
        ),
        ('cn-hangzhou', 'MIGRATION', 'users-staging-migrate', 'Migrating', None, {}),
        ('cn-hangzhou', 'SUBSCRIBE', 'orders-prod-track', 'Normal', 1, {}),
        ('cn-beijing', 'SYNC', 'analytics-prod-sync', 'synchronizing', 1, {}),
        ('cn-beijing', 'SYNC', 'orders-dev-sync', 'NotConfigured', None, {}),
        (
            'cn-beijing',
            'MIGRATION',
            'billing-prod-migrate',
            'MigrationFailed',
            0,
            {'error_message': ERROR_MESSAGES['MigrationFailed']},
        ),
        (
            'cn-shanghai',
            'SYNC',
            '订单中心-prod-sync',
            'Synchronizing',
            6,
            {'two_way': True, 'reverse_status': 'Initializing', 'reverse_delay': None},
        ),
        ('cn-shanghai', 'SUBSCRIBE', 'payments-prod-track', 'Abnormal', 0, {}),
        (
            'ap-southeast-1',
            'SYNC',
            'users-prod-sg',
            'Suspending',
            0,
            {'pay_type': 'PrePaid', 'expire_time': _iso(now + timedelta(days=2))},
        ),
    ]
    specs = []
    for serial, (region, job_type, name, status, delay, extra) in enumerate(rows):
        extra = dict(extra, monitor_rules=MONITOR_RULE_SCENARIOS[MONITOR_RULE_ORDER[serial % len(MONITOR_RULE_ORDER)]])
        env = name.split('-')[1]
        spec = {
            'dts_job_id': _random_id(rng),
            'origin': 'current',
            'region': region,
            'job_type': job_type,
            'name': name,
            'status': status,
            'delay': delay,
            'tags': {'env': env, 'team': name.split('-')[0]},
            'resource_group_id': 'rg-acfm%s' % ('prod0001' if env == 'prod' else 'test0002'),
            'created': _iso(now - timedelta(days=60 - serial)),
            'job_class': ('small', 'medium', 'large')[serial % 3],
        }
        spec.update(extra)
        specs.append(spec)
    return specs


def default_data(now=None):
    """What the emulator serves by default: the legacy-made jobs, then the current-made ones."""
    return default_job_specs(now) + current_job_specs(now)


def generate_job_specs(count, regions, seed=0, now=None):
    """``count`` cheap jobs spread over ``regions``, for benchmarks: both origins, every job type.

    Every third job is made the legacy way (a sync job); the rest the current way, mostly sync.
    """
    now = now or datetime.now(timezone.utc)
    rng = random.Random(seed)
    created = [_iso(now - timedelta(minutes=minutes)) for minutes in range(0, 1440)]
    statuses = ('Synchronizing', 'synchronizing', 'Synchronizing', 'Initializing', 'Failed', 'NotStarted')
    types = ('SYNC', 'SYNC', 'SYNC', 'MIGRATION', 'SUBSCRIBE')
    specs = []
    for index in range(count):
        legacy = index % 3 == 0
        status = statuses[index % len(statuses)]
        specs.append(
            {
                'id': 'dtsgen%09d' % index if legacy else 'dtsg%010d' % index,
                'origin': 'legacy' if legacy else 'current',
                'job_type': 'SYNC' if legacy else types[index % len(types)],
                'region': regions[index % len(regions)],
                'name': 'bench-%s-%d' % ('legacy' if legacy else 'current', index),
                'status': status,
                'delay': (
                    rng.choice((0, 0, 1, 3, 45))
                    if canonical(status) == 'Synchronizing'
                    else -1
                    if status == 'Initializing'
                    else 0
                ),
                'error_message': ERROR_MESSAGES['Failed'] if status == 'Failed' else None,
                'tags': {'env': ('prod', 'staging', 'dev')[index % 3]},
                'two_way': index % 50 == 7,
                'created': created[(count - index) % len(created)],
            }
        )
    return specs
