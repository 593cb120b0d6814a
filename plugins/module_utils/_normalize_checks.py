# -*- coding: utf-8 -*-
# Copyright: Contributors to the alibabacloud.dts collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Data validation's vocabulary, and the ``data_check`` fact of a DescribeDtsJobs record.

DTS validates a task's data three ways: a full check (every row, once), an incremental check
(the changes, continuously) and a schema check.  A DescribeDtsJobs record says which run
(``MigrationMode``: ``FullDataCheck``, ``IncDataCheck``, ``StructureDataCheck``) and how far each
is (``FullDataCheckStatus``, ``IncDataCheckStatus``, ``StructureDataCheckStatus``).  This module
turns those into one ``data_check`` fact; ``_api_checks`` reads the validation actions.

It imports nothing from the collection: ``_normalize`` calls it with values it has already typed.
"""

from typing import Any, Dict, Mapping, Optional

# The three kinds of validation, as the facts name them, and the record's fields for each.
CHECK_KINDS = ('full', 'incremental', 'structure')
MODE_FLAGS = {'full': 'full_data_check', 'incremental': 'inc_data_check', 'structure': 'structure_data_check'}
STATUS_FACTS = {
    'full': 'full_data_check_status',
    'incremental': 'inc_data_check_status',
    'structure': 'structure_data_check_status',
}
# The wire fields ``_normalize`` types (snake_case, integers, booleans) before data_check_facts sees them.
WIRE_FIELDS = ('MigrationMode', 'FullDataCheckStatus', 'IncDataCheckStatus', 'StructureDataCheckStatus')

# The statuses DTS documents for a check: NotStarted, Checking, Failed and Finished (full and schema
# checks), Catched (the incremental check has caught up: no validation delay) and Inconsistency (a
# schema check that finished with differences).  Finished does not mean "no differences": the rows
# that differ are counted by DescribeCheckJobs.
CHECK_STATUSES = ('NotStarted', 'Checking', 'Failed', 'Finished', 'Catched', 'Inconsistency')
_CANONICAL = dict((status.lower(), status) for status in CHECK_STATUSES)
# What each kind reports once it is through: a full or schema check finishes, an incremental one
# catches up (and goes on checking what comes next).
DONE_STATUSES = {'full': 'Finished', 'incremental': 'Catched', 'structure': 'Finished'}


def check_status(value: Any) -> Optional[str]:
    """A check's status in its documented spelling; an unknown one as sent, an empty one None."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    return _CANONICAL.get(text.lower(), text) if text else None


def _check_facts(kind: str, mode: Mapping[str, Any], status: Optional[Mapping[str, Any]]) -> Dict[str, Any]:
    status = status if isinstance(status, Mapping) else {}
    facts = {
        'enabled': mode.get(MODE_FLAGS[kind]),
        'status': check_status(status.get('status')),
        'percent': status.get('percent'),
        'progress': status.get('progress'),
        'error_message': status.get('error_message') or None,
    }
    if kind == 'full':
        facts['can_switch'] = status.get('can_switch')
    return facts


def data_check_facts(typed: Mapping[str, Any]) -> Dict[str, Dict[str, Any]]:
    """``{full, incremental, structure}`` from one direction's typed ``migration_mode`` and check statuses.

    Each kind: ``enabled`` (whether the task runs it; None when DTS did not say), ``status`` (see
    CHECK_STATUSES; None when DTS sent none), ``percent`` (0-100), ``progress`` (rows validated;
    objects for the schema check), ``error_message`` (None unless the check failed) and, for the full
    check, ``can_switch`` (DTS's own "switch-over may proceed", which PolarDB's upgrade reads).
    """
    mode = typed.get('migration_mode')
    mode = mode if isinstance(mode, Mapping) else {}
    return dict((kind, _check_facts(kind, mode, typed.get(STATUS_FACTS[kind]))) for kind in CHECK_KINDS)
