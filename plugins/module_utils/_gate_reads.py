# -*- coding: utf-8 -*-
# Copyright: Contributors to the alibabacloud.dts collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a gate reads besides statuses: the named data validations, and why a failed job failed.

Both read only the gated jobs (``_api_checks.lookup_jobs``: by id, whatever the region's size) and
add to the status entries in place, so the waiter judges, and the module returns, what was read.

- ``add_data_checks``: each direction's ``data_checks`` (``_api_checks.read_data_checks``); an
  inconsistent check also gets its ``tables`` (the differing ones, DescribeDataCheckTableDetails),
  read on that poll only, so the failure can name them.
- ``add_failure_details``: for a job in a fail status, ``failure_details``: the failed items of the
  stage that failed (DescribePreCheckStatus: JobCode 01 for a failed precheck, 02 and 03 for a
  failed initialization, 04 for a failed incremental stage) for jobs DescribeDtsJobs knows; the
  precheck details of the legacy listing otherwise.  A read that fails is said, never hides the
  failure it was to explain.
"""

from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence

from ansible_collections.alibabacloud.dts.plugins.module_utils import _api_checks
from ansible_collections.alibabacloud.dts.plugins.module_utils._checks_facts import normalize_table
from ansible_collections.alibabacloud.dts.plugins.module_utils._errors import DtsApiError
from ansible_collections.alibabacloud.dts.plugins.module_utils._gate import DIRECTION, JOB_ID, MAX_LISTED, bounded
from ansible_collections.alibabacloud.dts.plugins.module_utils._waiter import PollCutShort

# The stages whose failed items explain a failure status, by status (DescribePreCheckStatus JobCode).
FAILED_STAGES = {
    'PrecheckFailed': ('precheck',),
    'InitializeFailed': ('schema', 'full'),
    'Failed': ('incremental',),
}
# Tables a failed gate keeps of an inconsistent check (the message names MAX_LISTED of them).
MAX_TABLES = 50


def add_data_checks(client: Any, entries: Sequence[Dict[str, Any]], kinds: Iterable[str]) -> None:
    """Each watched direction's ``data_checks`` (entries of ``_api_checks.data_check_states``), in place.

    A forward direction DescribeDtsJobs cannot describe gets V(not_configured) entries that say why;
    an inconsistent check its differing ``tables``.
    """
    kinds = tuple(kinds)
    checks, missing = _api_checks.read_data_checks(client, [entry[JOB_ID] for entry in entries], kinds)
    for check in checks:
        if check['state'] == 'inconsistent':
            _add_tables(client, check)
    for entry in entries:
        for direction in entry['directions']:
            name = direction[DIRECTION]
            direction['data_checks'] = [
                check for check in checks if check['job_id'] == entry[JOB_ID] and check['dts_job_direction'] == name
            ]
            if entry[JOB_ID] in missing and name == 'Forward':
                direction['data_checks'] = [_unreadable(entry[JOB_ID], kind) for kind in kinds]


def _unreadable(job_id: str, kind: str) -> Dict[str, Any]:
    return {
        'job_id': job_id,
        'check_type': kind,
        'state': 'not_configured',
        'status': None,
        'error_message': 'DescribeDtsJobs does not list this job, so its validation cannot be read',
    }


def _add_tables(client: Any, check: Dict[str, Any]) -> None:
    try:
        tables, _counts = _api_checks.list_table_details(
            client, check['dts_job_id'], _api_checks.CHECK_TYPES[check['check_type']]
        )
    except (DtsApiError, PollCutShort) as refusal:
        check['tables_error'] = refusal.describe()
        return
    named = [normalize_table(table) for table in tables]
    check['tables'] = sorted(named, key=lambda table: -(table['diff_count'] or 0))[:MAX_TABLES]


def add_failure_details(
    client: Any,
    entries: Sequence[Dict[str, Any]],
    fail_statuses: Iterable[str],
    legacy_details: Optional[Callable[[List[Dict[str, Any]]], None]] = None,
    by_id: bool = True,
) -> None:
    """``failure_details`` on each entry with a direction in one of ``fail_statuses``, in place.

    ``legacy_details(entries)`` adds the legacy listing's ``precheck_status`` to the entries
    DescribeDtsJobs does not know, or to every failed entry when ``by_id`` is false (the gate reads
    the legacy family only).
    """
    fail_statuses = frozenset(fail_statuses)
    failing = [(entry, _failed_status(entry, fail_statuses)) for entry in entries]
    failing = [(entry, status) for entry, status in failing if status]
    if not failing:
        return
    ids = [entry[JOB_ID] for entry, _status in failing]
    try:
        found, missing = _api_checks.lookup_jobs(client, ids) if by_id else ({}, ids)
    except (DtsApiError, PollCutShort) as refusal:
        for entry, _status in failing:
            entry['failure_details'] = {'error': 'Why it failed could not be read: %s' % refusal.describe()}
        return
    unknown = []
    for entry, status in failing:
        if entry[JOB_ID] in missing:
            unknown.append(entry)
            continue
        entry['failure_details'] = _stage_items(client, found[entry[JOB_ID]].get('DtsJobId'), status)
    if unknown and legacy_details is not None:
        try:
            legacy_details(unknown)
        except (DtsApiError, PollCutShort) as refusal:
            for entry in unknown:
                entry['failure_details'] = {'error': 'Why it failed could not be read: %s' % refusal.describe()}
            return
        for entry in unknown:
            entry['failure_details'] = _legacy_items(entry.pop('precheck_status', None))


def _failed_status(entry: Mapping[str, Any], fail_statuses: frozenset) -> Optional[str]:
    for direction in entry['directions']:
        if direction.get('status') in fail_statuses:
            return direction['status']
    return None


def _stage_items(client: Any, dts_job_id: Optional[str], status: Optional[str]) -> Dict[str, Any]:
    """The failed items of the stages a status points at (none for a status that is not a failure)."""
    stages = FAILED_STAGES.get(status or '', ())
    details: Dict[str, Any] = {'stage': None, 'failed_items': []}
    for stage in stages:
        try:
            read = _api_checks.read_failed_precheck_items(
                client, dts_job_id or '', job_code=_api_checks.JOB_CODES[stage]
            )
        except (DtsApiError, PollCutShort) as refusal:
            details['error'] = 'The failed %s items could not be read: %s' % (stage, refusal.describe())
            break
        if read['items']:
            details['stage'] = stage
            details['failed_items'] = [_item(item) for item in read['items'][: MAX_LISTED * 5]]
            break
    return details


def _item(item: Mapping[str, Any]) -> Dict[str, Any]:
    return {
        'item': bounded(item.get('item') or '', 80),
        'names': bounded(item['names'], 200) if item.get('names') else None,
        'error': bounded(item['error']) if item.get('error') else None,
        'repair_method': bounded(item['repair_method']) if item.get('repair_method') else None,
        'can_skip': item.get('can_skip'),
    }


def _legacy_items(precheck: Any) -> Dict[str, Any]:
    """The legacy listing's ``precheck_status`` as failed items (its ``detail`` entries not passed)."""
    detail = precheck.get('detail') if isinstance(precheck, Mapping) else None
    items = []
    for raw in detail if isinstance(detail, list) else []:
        if not isinstance(raw, Mapping) or str(raw.get('check_status') or '').lower() == 'success':
            continue
        items.append(
            _item(
                {
                    'item': raw.get('item_name'),
                    'error': raw.get('error_message'),
                    'repair_method': raw.get('repair_method'),
                }
            )
        )
    return {'stage': 'precheck' if items else None, 'failed_items': items[: MAX_LISTED * 5]}
