# -*- coding: utf-8 -*-
# Copyright: Contributors to the alibabacloud.dts collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A task's alert rules (``DescribeJobMonitorRule``, API version 2020-01-01, current family), as facts.

DTS keeps alert rules per task (``DtsJobId``): ``MonitorRules`` lists each rule's ``Type``
(``delay``: the replication delay passed ``DelayRuleTime`` seconds; ``error``: the task failed;
``full_timeout``: the full data stage ran too long; ``warn``: it succeeded but not as expected),
``State`` (``Y`` enabled, ``N`` not), ``JobType`` (``normal`` for the task itself, ``full_check``
and ``etl_check`` for its full and incremental data validation), ``Period`` and ``Times``
(minutes and periods of a validation rule), ``NoticeValue`` and ``Phone`` (the phone numbers an
SMS goes to).  An alert reaches people only through a CloudMonitor subscription, and the SMS
numbers work on the China site only: a rule that is enabled is necessary, not sufficient.

``Phone`` holds people's phone numbers.  They are personal data and say nothing about whether a
task is watched that the rule's state does not: the facts carry how many numbers a rule has
(``phone_count``), never the numbers, and nothing here keeps or logs them.

One request per task, with no batch form; the requests run concurrently, paced by ``_pacing``.
A lookup that fails is reported on its task (``monitor_rules: null`` and ``monitor_rules_error``)
and the others are read as usual, except when the answer says the account may not read alert
rules at all (RAM denies it, the key is refused): then the rest are not asked, and carry that error.
"""

import threading
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence

from ansible_collections.alibabacloud.dts.plugins.module_utils._concurrency import run_concurrently
from ansible_collections.alibabacloud.dts.plugins.module_utils._errors import DtsApiError
from ansible_collections.alibabacloud.dts.plugins.module_utils._normalize import to_int

MONITOR_RULE_ACTION = 'DescribeJobMonitorRule'
# What DTS documents for each field; a value outside them is kept as sent (a newer service may add one).
RULE_TYPES = ('delay', 'error', 'full_timeout', 'warn')
RULE_JOB_TYPES = ('normal', 'full_check', 'etl_check')
RULE_STATES = {'y': True, 'n': False}
# The answer is untrusted: at most this many rules are kept per task (DTS has four types, each per
# job type: a dozen), and a text field at most this many characters.
MAX_RULES = 32
MAX_TEXT = 128
# Error codes that say the account (not one task) may not read alert rules: every other request
# would be refused the same way, so they are not sent.
ACCOUNT_WIDE_CODES = (
    'Forbidden.RAM',
    'Forbidden.NoPermission',
    'NoPermission',
    'InvalidAccessKeyId',
    'SignatureDoesNotMatch',
    'InvalidSecurityToken',
    'IncompleteSignature',
)
# The facts a job record gets.
RULES_FACT = 'monitor_rules'
ERROR_FACT = 'monitor_rules_error'


def _text(value: Any) -> Optional[str]:
    if isinstance(value, str):
        text = value.strip()
        return text[:MAX_TEXT] if text else None
    return None


def _count(value: Any) -> Optional[int]:
    number = to_int(value)
    return number if isinstance(number, int) and not isinstance(number, bool) and number >= 0 else None


def _enabled(value: Any) -> Optional[bool]:
    """``State`` Y or N (any case; a real boolean too) as a boolean, None for anything else."""
    if isinstance(value, bool):
        return value
    return RULE_STATES.get(value.strip().lower()) if isinstance(value, str) else None


def _phone_count(value: Any) -> int:
    if not isinstance(value, str):
        return 0
    return sum(1 for number in value.split(',') if number.strip())


def normalize_monitor_rule(record: Mapping[str, Any]) -> Dict[str, Any]:
    """One ``MonitorRules`` entry as facts (``Phone`` never: see the module's docstring).

    ``type`` (V(delay), V(error), V(full_timeout), V(warn); lower case, an unknown one as sent),
    ``enabled`` (``State`` Y/N as a boolean; None when DTS said neither), ``delay_threshold``
    (``DelayRuleTime``, seconds), ``job_type`` (V(normal), V(full_check), V(etl_check)), ``job_id``,
    ``period`` (minutes), ``times``, ``notice_value``, ``phone_count`` (how many SMS numbers it has).
    """
    rule_type, job_type = _text(record.get('Type')), _text(record.get('JobType'))
    return {
        'type': rule_type.lower() if rule_type and rule_type.lower() in RULE_TYPES else rule_type,
        'enabled': _enabled(record.get('State')),
        'delay_threshold': _count(record.get('DelayRuleTime')),
        'job_type': job_type.lower() if job_type and job_type.lower() in RULE_JOB_TYPES else job_type,
        'job_id': _text(record.get('JobId')),
        'period': _count(record.get('Period')),
        'times': _count(record.get('Times')),
        'notice_value': _count(record.get('NoticeValue')),
        'phone_count': _phone_count(record.get('Phone')),
    }


def _check_answer(action: str, body: Mapping[str, Any]) -> None:
    rules = body.get('MonitorRules')
    if rules is not None and not isinstance(rules, list):
        raise DtsApiError(action, 'InvalidResponse', 'MonitorRules is not a list', request_id=body.get('RequestId'))


def describe_monitor_rules(client: Any, dts_job_id: str) -> List[Dict[str, Any]]:
    """The alert rules of one task (``DtsJobId``), normalised; ``[]`` when it has none."""
    body = client.call(MONITOR_RULE_ACTION, {'DtsJobId': dts_job_id}, validate=_check_answer)
    rules = body.get('MonitorRules') or []
    return [normalize_monitor_rule(rule) for rule in rules[:MAX_RULES] if isinstance(rule, Mapping)]


def error_facts(error: DtsApiError) -> Dict[str, Any]:
    """What a failed lookup says on its task: the service's Code, Message and RequestId."""
    return {'code': error.code, 'message': error.message, 'request_id': error.request_id}


def read_monitor_rules(
    client: Any, dts_job_ids: Iterable[Optional[str]], max_concurrency: Optional[int] = None
) -> Dict[str, Dict[str, Any]]:
    """``{dts_job_id: {monitor_rules, monitor_rules_error}}`` for each distinct id, one request each.

    ``monitor_rules`` is the list of normalize_monitor_rule facts (``[]``: the task has no rule), or
    None when the lookup failed; ``monitor_rules_error`` is then ``{code, message, request_id}``
    (else None).  Ids are asked concurrently within ``max_concurrency`` (the client's by default).
    """
    ids = list(dict.fromkeys(job_id for job_id in dts_job_ids if job_id))
    refused: List[Dict[str, Any]] = []
    lock = threading.Lock()

    def read(job_id):
        with lock:
            denied = refused[0] if refused else None
        if denied is not None:
            return {RULES_FACT: None, ERROR_FACT: dict(denied, message='not asked: %s' % denied['message'])}
        try:
            return {RULES_FACT: describe_monitor_rules(client, job_id), ERROR_FACT: None}
        except DtsApiError as error:
            facts = error_facts(error)
            if error.code.startswith(ACCOUNT_WIDE_CODES):
                with lock:
                    refused.append(facts)
            return {RULES_FACT: None, ERROR_FACT: facts}

    answers = run_concurrently(read, ids, max_concurrency or client.max_concurrency)
    return dict(zip(ids, answers))


# The error a record gets when it has no DtsJobId to ask with (a job only the legacy family listed).
NO_TASK_ID = {
    'code': 'NoDtsJobId',
    'request_id': None,
    'message': 'DescribeJobMonitorRule needs the task ID (DtsJobId), which only the current API '
    'family lists; list with the current family (api: [legacy, current]) to read alert rules',
}


def rules_for(record: Mapping[str, Any], lookups: Mapping[str, Mapping[str, Any]]) -> Dict[str, Any]:
    """``{monitor_rules, monitor_rules_error}`` of one job fact dict from read_monitor_rules' answer."""
    job_id = record.get('dts_job_id')
    found = lookups.get(job_id) if job_id else None
    if found is None:
        return {
            RULES_FACT: None,
            ERROR_FACT: dict(NO_TASK_ID)
            if not job_id
            else {'code': 'NotRead', 'request_id': None, 'message': 'the alert rules of %s were not read' % job_id},
        }
    return {RULES_FACT: found.get(RULES_FACT), ERROR_FACT: found.get(ERROR_FACT)}


def task_ids(records: Sequence[Mapping[str, Any]]) -> List[str]:
    """The distinct task ids of raw DescribeDtsJobs entries, a two-way job's ``ReverseJob`` too."""
    ids = []
    for record in records:
        for entry in (record, record.get('ReverseJob')):
            if isinstance(entry, Mapping) and isinstance(entry.get('DtsJobId'), str) and entry['DtsJobId']:
                ids.append(entry['DtsJobId'])
    return list(dict.fromkeys(ids))


def add_monitor_rules(
    client: Any, jobs: Sequence[Mapping[str, Any]], max_concurrency: Optional[int] = None
) -> List[Dict[str, Any]]:
    """Each job fact dict with ``monitor_rules`` and ``monitor_rules_error``: one request per task."""
    lookups = read_monitor_rules(client, [job.get('dts_job_id') for job in jobs], max_concurrency)
    return [dict(job, **rules_for(job, lookups)) for job in jobs]
