# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The emulator's jobs: a friendly spec format, its expansion into wire records, and default data.

A job spec is a dict (from YAML/JSON or code)::

    {id, region, name, status, two_way, reverse_status, delay, tags: {k: v}, resource_group_id,
     pay_type, expire_time, error_message, precheck_failures: [{item, error, repair}],
     wire_bool: "string"|"bool"}

``status`` is kept exactly as given, so data can carry the wire's mixed case.
"""

from __future__ import absolute_import, division, print_function

import random
from datetime import datetime, timedelta, timezone

DOCUMENTED_STATUSES = ('NotStarted', 'Prechecking', 'PrecheckFailed', 'Initializing', 'InitializeFailed',
                       'Synchronizing', 'Failed', 'Suspending', 'Modifying', 'Finished')
FAILED_STATUSES = ('PrecheckFailed', 'InitializeFailed', 'Failed')
DEFAULT_REGION_SIZES = (('cn-hangzhou', 45), ('cn-beijing', 25), ('cn-shanghai', 15), ('ap-southeast-1', 10))
PRECHECK_ITEMS = ('CHECK_CONN_SRC', 'CHECK_AUTH_SRC', 'CHECK_CONN_DEST', 'CHECK_AUTH_DEST', 'CHECK_BINLOG_ON',
                  'CHECK_BINLOG_MODE', 'CHECK_SERVER_ID', 'CHECK_ENGINE', 'CHECK_SAME_OBJ', 'CHECK_TOPOLOGY')
ERROR_MESSAGES = {
    'Failed': 'DTS-070211: Connect Source DB failed. cause by [java.net.ConnectException:Connection timed out]',
    'InitializeFailed': 'DTS-1020042 Execute sql error sql: ERROR: type "geometry" does not exist;',
    'PrecheckFailed': 'Precheck failed: CHECK_CONN_SRC',
}


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
    wire_case = {'Synchronizing': ['synchronizing', 'Synchronizing'], 'Initializing': ['Initializing', 'Initializating']}
    services = ['orders', 'payments', 'inventory', 'users', 'catalog', u'订单中心', 'analytics', 'billing']
    envs = ['prod', 'staging', 'dev']
    specs = []
    serial = 0
    for region, count in DEFAULT_REGION_SIZES:
        for index in range(count):
            serial += 1
            # Mostly synchronizing, with every other status represented in every region.
            documented = DOCUMENTED_STATUSES[index] if index < len(DOCUMENTED_STATUSES) else (
                'Synchronizing' if index % 4 else rng.choice(DOCUMENTED_STATUSES))
            variants = wire_case.get(documented, [documented])
            status = variants[serial % len(variants)]
            service = services[serial % len(services)]
            env = envs[serial % len(envs)]
            spec = {
                'id': _job_id(rng),
                'region': region,
                'name': '%s-%s-sync-%02d' % (service, env, index),
                'status': status,
                'delay': 0 if documented != 'Synchronizing' else (
                    rng.choice([0, 0, 1, 3, 12, 45]) if index % 7 else rng.choice([420, 900, 3600])),
                'tags': {} if index % 6 == 5 else dict(
                    [('env', env), ('team', service)] + ([('owner', '')] if index % 5 == 0 else [])),
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
                spec['precheck_failures'] = [{
                    'item': 'CHECK_CONN_SRC',
                    'error': "Original error: Access denied for user 'dtstest'@'100.104.x.x' (using password: YES)",
                    'repair': 'CHECK_ERROR_DEST_CONN_REPAIR2'}]
            specs.append(spec)
    return specs


def _precheck(spec, documented):
    failures = dict((item['item'], item) for item in spec.get('precheck_failures') or [])
    if documented in ('NotStarted',):
        return {'Status': 'NotStarted', 'Percent': '0', 'Detail': []}
    detail = []
    for item in PRECHECK_ITEMS:
        if item in failures:
            detail.append({'CheckStatus': 'Failed', 'ItemName': item, 'ErrorMessage': failures[item].get('error', ''),
                           'RepairMethod': failures[item].get('repair', '')})
        else:
            detail.append({'CheckStatus': 'Success', 'ItemName': item})
    return {'Status': 'Failed' if failures else 'Success', 'Percent': '100', 'Detail': detail}


def _stage(documented, progress):
    if documented in ('NotStarted', 'Prechecking', 'PrecheckFailed'):
        return {'Status': 'NotStarted', 'Percent': '0', 'Progress': '0'}
    if documented == 'Initializing':
        return {'Status': 'Migrating', 'Percent': '47', 'Progress': str(progress // 2)}
    if documented == 'InitializeFailed':
        return {'Status': 'Failed', 'Percent': '12', 'Progress': str(progress // 8),
                'ErrorMessage': 'java.lang.NumberFormatException: For input string: ""'}
    return {'Status': 'Finished', 'Percent': '100', 'Progress': str(progress)}


def canonical(status):
    lowered = (status or '').lower()
    if lowered == 'initializating':
        return 'Initializing'
    for documented in DOCUMENTED_STATUSES:
        if documented.lower() == lowered:
            return documented
    return status


def wire_records(job):
    """DescribeSynchronizationJobs records of one job: one per direction."""
    records = []
    for direction in job['directions']:
        state = job['directions'][direction]
        documented = canonical(state['status'])
        as_bool = job.get('wire_bool') == 'bool'
        flag = (lambda value: value) if as_bool else (lambda value: 'true' if value else 'false')
        record = {
            'SynchronizationJobId': job['id'],
            'SynchronizationJobName': job['name'],
            'SynchronizationDirection': direction,
            'Status': state['status'],
            'Delay': str(state.get('delay', 0)),
            'DataInitialization': flag(True),
            'StructureInitialization': flag(True),
            'PayType': job.get('pay_type', 'PostPaid'),
            'SynchronizationJobClass': job.get('job_class', 'medium'),
            'InstanceCreateTime': job['created'],
            'JobCreateTime': job['created'],
            'CreateTime': job['created'].replace('T', ' ').replace('Z', '.0'),
            'SourceEndpoint': {'InstanceId': 'rm-src%s' % job['id'][3:11], 'InstanceType': 'RDS',
                               'EngineName': 'MySQL', 'IP': '172.16.88.10', 'Port': '3306', 'UserName': 'dtstest'},
            'DestinationEndpoint': {'InstanceId': 'rm-dst%s' % job['id'][3:11], 'InstanceType': 'RDS',
                                    'EngineName': 'MySQL', 'IP': '172.16.88.20', 'Port': '3306',
                                    'UserName': 'dtstest'},
            'SynchronizationObjects': [{'SchemaName': 'appdb', 'NewSchemaName': 'appdb',
                                        'TableIncludes': [{'TableName': 'orders'}, {'TableName': 'customers'}],
                                        'TableExcludes': []}],
            'PrecheckStatus': _precheck(job, documented),
            'DataInitializationStatus': _stage(documented, 200001),
            'StructureInitializationStatus': _stage(documented, 12),
            'DataSynchronizationStatus': {},
            'Performance': {'RPS': '0' if documented != 'Synchronizing' else '120', 'FLOW': '0.00MB/s'
                            if documented != 'Synchronizing' else '0.42MB/s'},
            'Tags': [{'Key': key, 'Value': value} for key, value in sorted(job.get('tags', {}).items())],
        }
        if record['PayType'] == 'PrePaid' and job.get('expire_time'):
            record['ExpireTime'] = job['expire_time']
        if state.get('error_message'):
            record['ErrorMessage'] = state['error_message']
        records.append(record)
    return records


def make_job(spec, now=None):
    """A stored job from a spec, with defaults for everything left out."""
    now = now or datetime.now(timezone.utc)
    if not spec.get('id') or not spec.get('region'):
        raise ValueError('every job needs an id and a region')
    tags = spec.get('tags') or {}
    if isinstance(tags, list):
        tags = dict((tag['Key'], tag.get('Value', '')) for tag in tags)
    directions = {'Forward': {'status': spec.get('status', 'Synchronizing'), 'delay': int(spec.get('delay', 0)),
                              'error_message': spec.get('error_message'),
                              'checkpoint': int(spec.get('checkpoint', (now - timedelta(seconds=5)).timestamp()))}}
    if spec.get('two_way'):
        directions['Reverse'] = {'status': spec.get('reverse_status', 'Synchronizing'),
                                 'delay': int(spec.get('reverse_delay', 0)), 'error_message': None,
                                 'checkpoint': int(spec.get('checkpoint', (now - timedelta(seconds=9)).timestamp()))}
    return {
        'id': spec['id'], 'region': spec['region'], 'name': spec.get('name', spec['id']),
        'resource_group_id': spec.get('resource_group_id', 'rg-default'),
        'tags': dict((str(k), '' if v is None else str(v)) for k, v in tags.items()),
        'pay_type': spec.get('pay_type', 'PostPaid'), 'expire_time': spec.get('expire_time'),
        'job_class': spec.get('job_class', 'medium'), 'wire_bool': spec.get('wire_bool', 'string'),
        'created': spec.get('created', _iso(now - timedelta(days=30))),
        'precheck_failures': spec.get('precheck_failures') or [],
        'directions': directions, 'timeline': [], 'polls': 0,
    }
