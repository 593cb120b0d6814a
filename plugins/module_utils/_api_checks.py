# -*- coding: utf-8 -*-
# Copyright: Contributors to the alibabacloud.dts collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Data validation and precheck progress: the calls, their answers as facts, and the state of a check.

The actions (API version 2020-01-01, current family):

- ``DescribeCheckJobs``: a task's validation runs, with the rows that differ (``DiffCount``), the
  rows validated (``FinishCount``) and to validate (``TotalCount``), and a result (``Status`` 0
  passed, 1 failed).  Paged (``PageNumber``, ``PageSize`` 30, 50 or 100).
- ``DescribeDataCheckTableDetails``: one check's tables (``Status`` -1 all, 6 only those with
  differences).  Paged, but it gives no ``TotalRecordCount``: the table counts stand in for it.
- ``DescribeDataCheckReportUrl``: a signed, expiring link to one table's full validation report,
  in ``DynamicMessage``.
- ``DescribePreCheckStatus``: the items of one stage (``JobCode`` 01 precheck, 02 schema, 03 full
  data, 04 incremental).  Paged with ``PageNo``.

``DescribeDataCheckTableDiffDetails``, which returns the differing rows themselves (customer
data), is deliberately never called.

``data_check_states`` defines the state of a check, from which a gate decides; see its docstring.
"""

from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

from ansible_collections.alibabacloud.dts.plugins.module_utils import _api_current
from ansible_collections.alibabacloud.dts.plugins.module_utils._checks_facts import (
    CHECK_JOBS_ACTION,
    CHECK_TYPES,
    PRECHECK_ACTION,
    REPORT_URL_ACTION,
    TABLE_DETAILS_ACTION,
    _count,
    _typed_fields,
    normalize_check_job,
    normalize_precheck_item,
)
from ansible_collections.alibabacloud.dts.plugins.module_utils._concurrency import run_concurrently
from ansible_collections.alibabacloud.dts.plugins.module_utils._errors import DtsApiError, DtsConfigError
from ansible_collections.alibabacloud.dts.plugins.module_utils._normalize import (
    canonical_status,
    normalize_dts_job,
    to_int,
)
from ansible_collections.alibabacloud.dts.plugins.module_utils._normalize_checks import DONE_STATUSES
from ansible_collections.alibabacloud.dts.plugins.module_utils._paging import read_all_pages

# DescribeCheckJobs' CheckType for both kinds at once.
BOTH_CHECK_TYPES = 3
CHECK_JOBS_PAGE_SIZE = 30  # documented: 30, 50 or 100
# DescribeDataCheckTableDetails and DescribePreCheckStatus document no page sizes (the latter a
# default of 20); 20 is what DTS uses by default, so it is what a service must accept.
DETAIL_PAGE_SIZE = 20
TABLE_FILTERS = {'inconsistent': '6', 'all': '-1'}
# DescribePreCheckStatus' JobCode of each stage.
JOB_CODES = {'precheck': '01', 'schema': '02', 'full': '03', 'incremental': '04'}
# The states of a check as data_check_states defines them.
STATES = ('passed', 'inconsistent', 'running', 'failed', 'not_configured')
# The job types a validated task can be: a cutover follows a migration as often as a synchronization.
LOOKUP_JOB_TYPES = ('sync', 'migration')


def validate_check_types(check_type: Optional[str], option: str = 'check_type') -> Tuple[str, ...]:
    """``full``, ``incremental`` or ``all`` as the check kinds it names."""
    if check_type == 'all':
        return tuple(CHECK_TYPES)
    if check_type not in CHECK_TYPES:
        raise DtsConfigError(
            '%s must be one of full, incremental or all, got %r.' % (option, check_type), option=option
        )
    return (check_type,)


def _check_answer(records_field):
    def check(action, body):
        if not isinstance(body.get(records_field), list):
            raise DtsApiError(
                action, 'InvalidResponse', 'the answer lacks %s' % records_field, request_id=body.get('RequestId')
            )

    return check


# -- the calls ------------------------------------------------------------------------------------


def list_check_jobs(client: Any, instance_id: str, check_type: int = BOTH_CHECK_TYPES) -> List[Dict[str, Any]]:
    """The raw DescribeCheckJobs records of one instance (``InstanceId`` = the ``DtsInstanceID``)."""
    validate = _check_answer('CheckJobs')

    def fetch(number, size):
        return client.call(
            CHECK_JOBS_ACTION,
            {'InstanceId': instance_id, 'CheckType': check_type, 'PageNumber': number, 'PageSize': size},
            validate=validate,
        )

    def key(record):
        return (record.get('DtsJobId'), record.get('CheckType'), record.get('JobStepId'), record.get('CheckPoint'))

    return read_all_pages(fetch, lambda page: page['CheckJobs'], key, CHECK_JOBS_PAGE_SIZE, client.max_concurrency)


def list_table_details(
    client: Any, dts_job_id: str, check_type: int, tables: str = 'inconsistent'
) -> Tuple[List[Dict[str, Any]], Dict[str, Any]]:
    """One check's raw table records and the answer's counts (``DiffTableCount``, ``FailedTableCount``...).

    ``tables``: V(inconsistent) asks DTS for the tables with differences only, V(all) for every table.
    The answer has no ``TotalRecordCount``: the tables that match stand in for it (``DiffTableCount``
    or ``TotalCount``), so the paging of read_all_pages applies unchanged.
    """
    status = TABLE_FILTERS[tables]
    validate = _check_answer('TableDetails')
    first: Dict[str, Any] = {}

    def fetch(number, size):
        page = client.call(
            TABLE_DETAILS_ACTION,
            {'DtsJobId': dts_job_id, 'CheckType': check_type, 'Status': status, 'PageNumber': number, 'PageSize': size},
            validate=validate,
        )
        matching = page.get('DiffTableCount') if tables == 'inconsistent' else page.get('TotalCount')
        if number == 1:
            first.update(page)
        return dict(page, TotalRecordCount=to_int(matching) or 0)

    def key(record):
        return (
            record.get('SourceDbName'),
            record.get('SourceTbName'),
            record.get('TargetDbName'),
            record.get('TargetTbName'),
        )

    records = read_all_pages(fetch, lambda page: page['TableDetails'], key, DETAIL_PAGE_SIZE, client.max_concurrency)
    counts = dict(
        (name, to_int(first.get(name)))
        for name in ('DiffTableCount', 'FailedTableCount', 'FinishedCount', 'TotalCount')
    )
    return records, counts


def describe_report_url(client: Any, dts_job_id: str, schema: str, table: str) -> Optional[str]:
    """The signed link to one table's full validation report (``DynamicMessage``), or None.

    The link grants whoever holds it the report until it expires: treat it as a secret.
    """
    body = client.call(
        REPORT_URL_ACTION, {'DtsJobId': dts_job_id, 'CheckType': CHECK_TYPES['full'], 'DbName': schema, 'TbName': table}
    )
    link = body.get('DynamicMessage')
    return link if isinstance(link, str) and link.startswith('https://') else None


def list_precheck_items(
    client: Any, dts_job_id: str, job_code: str = JOB_CODES['precheck']
) -> Tuple[List[Dict[str, Any]], Dict[str, Any]]:
    """One stage's raw DescribePreCheckStatus items and the answer's ``State``, ``ErrorItem``, ``Total``."""
    validate = _check_answer('JobProgress')
    first: Dict[str, Any] = {}

    def fetch(number, size):
        page = client.call(
            PRECHECK_ACTION,
            {'DtsJobId': dts_job_id, 'JobCode': job_code, 'PageNo': number, 'PageSize': size},
            validate=validate,
        )
        if number == 1:
            first.update(page)
        return page

    def key(record):
        return (record.get('Id'), record.get('OrderNum'), record.get('Item'), record.get('Names'))

    records = read_all_pages(fetch, lambda page: page['JobProgress'], key, DETAIL_PAGE_SIZE, client.max_concurrency)
    return records, {'State': first.get('State'), 'ErrorItem': first.get('ErrorItem'), 'Total': first.get('Total')}


# -- the state of a check -----------------------------------------------------------------------------


def _latest(check_jobs, kind, dts_job_id):
    """The latest run of one kind for one task (a validation may have been run again)."""
    runs = [run for run in check_jobs if run['check_type'] == kind and run['dts_job_id'] in (dts_job_id, None)]
    return max(runs, key=lambda run: run['checkpoint'] or 0) if runs else None


def data_check_states(
    job: Mapping[str, Any], check_jobs: Sequence[Mapping[str, Any]], kinds: Iterable[str] = tuple(CHECK_TYPES)
) -> List[Dict[str, Any]]:
    """The state of each check ``kind`` of one task direction, from its facts and its check runs.

    ``job``: one record of normalize_dts_job (with ``data_check``); ``check_jobs``: normalize_check_job
    records of its instance.  The state, first match wins:

    - V(not_configured): the task does not run that check (``enabled`` is not true) and DTS has no
      run of it;
    - V(inconsistent): the run counts rows that differ (``diff_count`` > 0), finished or not: more
      validation cannot make them agree;
    - V(failed): the check failed (status V(Failed)), or its run's result is failed with no row counted;
    - V(passed): the check is through (full: V(Finished); incremental: V(Catched), caught up) and its
      run counts zero rows that differ, with a passed result (or none);
    - V(running): anything else: not started, checking, or through without a run that counts rows yet
      (an unknown status too: a gate keeps waiting on what it cannot read, never passes it).
    """
    checks = job.get('data_check') or {}
    entries = []
    for kind in kinds:
        facts = checks.get(kind) or {}
        run = _latest(check_jobs, kind, job.get('dts_job_id'))
        diff = run['diff_count'] if run else None
        status = facts.get('status')
        if not facts.get('enabled') and run is None:
            state = 'not_configured'
        elif diff:
            state = 'inconsistent'
        elif status == 'Failed' or (run is not None and run['result'] == 'failed'):
            state = 'failed'
        elif status == DONE_STATUSES[kind] and run is not None and diff == 0 and run['result'] in ('passed', None):
            state = 'passed'
        else:
            state = 'running'
        entries.append(
            {
                'dts_job_id': job.get('dts_job_id'),
                'dts_instance_id': job.get('dts_instance_id'),
                'dts_job_name': job.get('dts_job_name'),
                'dts_job_direction': job.get('dts_job_direction'),
                'check_type': kind,
                'state': state,
                'status': status,
                'diff_count': diff,
                'finish_count': run['finish_count'] if run else None,
                'total_count': run['total_count'] if run else None,
                'percent': facts.get('percent'),
                'progress': facts.get('progress'),
                'error_message': facts.get('error_message'),
                'checkpoint_time': run['checkpoint_time'] if run else None,
            }
        )
    return entries


# -- reading the jobs a gate names ----------------------------------------------------------------------


def lookup_jobs(
    client: Any, job_ids: Sequence[str], job_types: Sequence[str] = LOOKUP_JOB_TYPES
) -> Tuple[Dict[str, Dict[str, Any]], List[str]]:
    """``{id: DescribeDtsJobs entry}`` for ids of either family, and the ids no lookup found.

    Only the named tasks are read, whatever the size of the region (``_api_current.lookup_current_jobs``:
    the ``DtsInstanceId`` and ``DtsJobId`` filters, a legacy ``SynchronizationJobId`` being a
    ``DtsInstanceID``), synchronization tasks first, then migration tasks for the ids still unknown.
    So n synchronization instance ids cost one lookup of ceil(n / 50) lists (two pages each at most).
    """
    found = _api_current.lookup_current_jobs(client, job_ids, job_types=job_types)
    return found, [job_id for job_id in job_ids if job_id not in found]


# What data_check_states reads of a job record.
_STATE_FACTS = frozenset(['dts_job_id', 'dts_instance_id', 'dts_job_name', 'dts_job_direction', 'data_check'])


def read_data_checks(
    client: Any, job_ids: Sequence[str], kinds: Iterable[str] = tuple(CHECK_TYPES)
) -> Tuple[List[Dict[str, Any]], List[str]]:
    """The validation state of ``job_ids`` (ids of either family): entries in the order asked, and missing ids.

    One entry per job and kind (data_check_states; a two-way job's Reverse direction too when it
    runs validation of its own), with ``job_id``, the id as asked.  Requests: lookup_jobs, then one
    DescribeCheckJobs per job (concurrently, a page or two each).
    """
    kinds = tuple(kinds)
    found, missing = lookup_jobs(client, job_ids)
    asked = [job_id for job_id in job_ids if job_id in found]

    def read(job_id):
        record = found[job_id]
        runs = [
            normalize_check_job(run, client.warn)
            for run in list_check_jobs(client, record.get('DtsInstanceID') or job_id)
        ]
        directions = normalize_dts_job(record, client.region, _STATE_FACTS, client.warn)
        entries = []
        for position, direction in enumerate(directions):
            checks = direction.get('data_check') or {}
            if position and not any((checks.get(kind) or {}).get('enabled') for kind in kinds):
                continue  # a reverse direction that runs no validation of its own says nothing
            for entry in data_check_states(direction, runs, kinds):
                entry['job_id'] = job_id
                entries.append(entry)
        return entries

    answers = run_concurrently(read, asked, client.max_concurrency)
    return [entry for entries in answers for entry in entries], missing


def read_failed_precheck_items(
    client: Any, dts_job_id: str, states: Iterable[str] = ('Failed',), job_code: str = JOB_CODES['precheck']
) -> Dict[str, Any]:
    """A task's precheck (DescribePreCheckStatus, JobCode 01, or the stage ``job_code`` names): its
    ``state``, ``error_item`` (failed items as DTS counts them), ``total`` and ``items``: the items in
    ``states`` (V(Failed) by default; add V(Warning) for the ones that passed with a warning), each as
    normalize_precheck_item."""
    wanted = set(canonical_status(state) for state in states)
    records, summary = list_precheck_items(client, dts_job_id, job_code)
    items = [normalize_precheck_item(record, client.warn) for record in records]
    state = _typed_fields(PRECHECK_ACTION, summary, ('State',), client.warn)['State']
    return {
        'dts_job_id': dts_job_id,
        'state': state,
        'error_item': _count(summary.get('ErrorItem')),
        'total': _count(summary.get('Total')),
        'items': [item for item in items if item['state'] in wanted],
    }
