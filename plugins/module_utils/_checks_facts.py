# -*- coding: utf-8 -*-
# Copyright: Contributors to the alibabacloud.dts collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The answers of the validation and precheck actions as facts, and the wire values they decode.

``_api_checks`` makes the calls and decides a check's state; the records it reads become facts
here: counts as integers, wire codes as the names the facts use (an unknown one kept as sent, and
reported), checkpoints as Unix seconds and ISO 8601 UTC.
"""

from typing import Any, Dict, Mapping

from ansible_collections.alibabacloud.dts.plugins.module_utils._convert import _Record, typed
from ansible_collections.alibabacloud.dts.plugins.module_utils._fields import TYPES
from ansible_collections.alibabacloud.dts.plugins.module_utils._scalars import checkpoint_time, to_bool, to_int

CHECK_JOBS_ACTION = 'DescribeCheckJobs'
TABLE_DETAILS_ACTION = 'DescribeDataCheckTableDetails'
REPORT_URL_ACTION = 'DescribeDataCheckReportUrl'
PRECHECK_ACTION = 'DescribePreCheckStatus'
# The checks a gate and dts_data_check_info read, and their wire CheckType.  (The schema check has
# no counts in these actions; its status is in the job's data_check fact.)
CHECK_TYPES = {'full': 1, 'incremental': 2}
CHECK_TYPE_NAMES = dict((number, name) for name, number in CHECK_TYPES.items())
# DescribeCheckJobs' Status: the validation's result.
CHECK_RESULTS = {0: 'passed', 1: 'failed'}
# DescribeDataCheckTableDetails' table Status (a string on the wire) and ErrorCode.
TABLE_STATES = {0: 'done', 2: 'initializing', 3: 'running', 5: 'failed'}
TABLE_ERRORS = {
    1: 'too many tables without a primary key',
    2: 'more than 300 inconsistent rows',
    3: 'the table does not exist',
    4: 'the query for the table has a syntax error',
}


def _count(value):
    number = to_int(value)
    return number if isinstance(number, int) and not isinstance(number, bool) else None


def _typed_fields(action, record, names, warn, types=None):
    """``record``'s fields ``names`` typed as the field table documents them for ``action`` (a value an
    enumeration does not list is kept and reported to ``warn``)."""
    source = _Record(record, None, warn)
    types = TYPES[action] if types is None else types
    return dict((name, typed(record.get(name), name, types, source)) for name in names)


def normalize_check_job(record: Mapping[str, Any], warn: Any = None) -> Dict[str, Any]:
    """One DescribeCheckJobs record: ``check_type`` V(full)/V(incremental), ``result`` V(passed)/V(failed)
    (an unknown value as sent, and reported to ``warn``), the counts as integers, ``checkpoint`` Unix seconds."""
    wire = _typed_fields(CHECK_JOBS_ACTION, record, ('CheckType', 'Status', 'CheckPoint'), warn)
    check_type, result, checkpoint = _count(wire['CheckType']), _count(wire['Status']), _count(wire['CheckPoint'])
    return {
        'dts_job_id': record.get('DtsJobId'),
        'dts_instance_id': record.get('DtsInstanceID'),
        'job_name': record.get('JobName'),
        'check_type': CHECK_TYPE_NAMES.get(check_type, record.get('CheckType')),
        'result': CHECK_RESULTS.get(result, record.get('Status')) if result is not None else record.get('Status'),
        'diff_count': _count(record.get('DiffCount')),
        'finish_count': _count(record.get('FinishCount')),
        'total_count': _count(record.get('TotalCount')),
        'checkpoint': checkpoint,
        'checkpoint_time': checkpoint_time(checkpoint),
    }


def normalize_table(record: Mapping[str, Any], warn: Any = None) -> Dict[str, Any]:
    """One DescribeDataCheckTableDetails record: names, counts and ``state`` (V(done), V(initializing),
    V(running), V(failed); an unknown value as sent, and reported to ``warn``); ``error`` explains a
    documented ``ErrorCode``."""
    wire = _typed_fields(TABLE_DETAILS_ACTION, record, ('Status', 'ErrorCode'), warn)
    status, error_code = _count(wire['Status']), _count(wire['ErrorCode'])
    return {
        'source_schema': record.get('SourceDbName'),
        'source_table': record.get('SourceTbName'),
        'target_schema': record.get('TargetDbName'),
        'target_table': record.get('TargetTbName'),
        'diff_count': _count(record.get('DiffCount')),
        'finish_count': _count(record.get('FinishCount')),
        'total_count': _count(record.get('TotalCount')),
        'state': TABLE_STATES.get(status, record.get('Status')) if status is not None else record.get('Status'),
        'error_code': error_code,
        'error': TABLE_ERRORS.get(error_code) if error_code is not None else None,
    }


def normalize_precheck_item(record: Mapping[str, Any], warn: Any = None) -> Dict[str, Any]:
    """One DescribePreCheckStatus item: ``item``, ``names``, ``state`` (documented spelling; an unknown
    one kept and reported to ``warn``), ``error``, ``repair_method``, ``can_skip``, ``skipped`` (the last
    two booleans)."""
    wire = _typed_fields(
        PRECHECK_ACTION, record, ('State', 'CanSkip', 'Skip'), warn, TYPES[PRECHECK_ACTION]['JobProgress']
    )
    return {
        'item': record.get('Item'),
        'names': record.get('Names'),
        'state': wire['State'],
        'error': record.get('ErrMsg') or None,
        'repair_method': record.get('RepairMethod') or None,
        'can_skip': to_bool(record.get('CanSkip')),
        'skipped': to_bool(record.get('Skip')),
        'order': _count(record.get('OrderNum')),
    }
