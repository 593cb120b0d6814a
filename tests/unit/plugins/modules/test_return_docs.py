# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""dts_sync_job_info's RETURN documentation is the shape of what the module returns.

A DescribeSynchronizationJobs record with every field the official SDK model knows is normalised
with every fact kept; the documented tree under ``jobs`` (names, types, list elements, ``contains``
down to the leaves) must be exactly the tree of that result, so the docs cannot drift from the
normaliser or the API.
"""

import sys

import yaml
from alibabacloud_dts20200101 import models

from ansible_collections.alibabacloud.dts.plugins.module_utils._api_legacy import LEGACY
from ansible_collections.alibabacloud.dts.plugins.module_utils._normalize import (
    IDENTITY_JOB_FACTS,
    JOB_FACTS,
    SUMMARY_JOB_FACTS,
)
from ansible_collections.alibabacloud.dts.plugins.modules import dts_sync_job_info
from ansible_collections.alibabacloud.dts.tests.unit.plugins.modules.conftest import EMULATOR_DIR

# The emulator's data functions build the records; they live outside the collection's packages.
if EMULATOR_DIR not in sys.path:
    sys.path.insert(0, EMULATOR_DIR)

from emulator_data import make_job, wire_records  # noqa: E402  pylint: disable=wrong-import-position

# A mapping whose keys are the user's data (tag keys), not field names: documented without `contains`.
FREE_FORM = frozenset(['tags'])
TYPES = {str: 'str', int: 'int', bool: 'bool', dict: 'dict', list: 'list'}


def documented_jobs():
    return yaml.safe_load(dts_sync_job_info.RETURN)['jobs']


def documented_tree(entries, where='jobs'):
    """``{name: (type, elements, subtree)}`` of RETURN entries, checking each is complete."""
    tree = {}
    for name, entry in entries.items():
        path = '%s.%s' % (where, name)
        for key in ('description', 'returned', 'type'):
            assert entry.get(key), '%s has no %s' % (path, key)
        if entry['type'] == 'list':
            assert entry.get('elements'), '%s is a list without elements' % path
        nested = entry['type'] == 'dict' or entry.get('elements') == 'dict'
        if nested and name not in FREE_FORM:
            assert entry.get('contains'), '%s is a %s without contains' % (path, entry['type'])
        subtree = documented_tree(entry['contains'], path) if entry.get('contains') else None
        tree[name] = (entry['type'], entry.get('elements'), subtree)
    return tree


def fact_tree(facts):
    """The same shape for normalised facts; a list's entries are merged (each item has some fields)."""
    tree = {}
    for name, value in facts.items():
        if isinstance(value, list):
            kinds = set(TYPES[type(item)] for item in value)
            assert len(kinds) == 1, '%s holds %s' % (name, kinds)
            merged = {}
            for item in value:
                if isinstance(item, dict):
                    merged.update(item)
            tree[name] = ('list', kinds.pop(), fact_tree(merged) if merged else None)
        elif isinstance(value, dict) and name not in FREE_FORM:
            tree[name] = ('dict', None, fact_tree(value))
        else:
            tree[name] = (TYPES[type(value)], None, None)
    return tree


def full_record():
    """One emulator record of a job that has every optional fact (failed stages and precheck
    items, an expiry, an error, tags), with what the emulator always leaves empty filled in."""
    job = make_job(
        {
            'id': 'dtsexjk1alb116ab',
            'region': 'cn-hangzhou',
            'name': 'orders-sync',
            'status': 'InitializeFailed',
            'error_message': 'DTS-1020042 Execute sql error',
            'pay_type': 'PrePaid',
            'expire_time': '2030-07-07T16:00:00Z',
            'tags': {'env': 'prod', 'owner': ''},
            'precheck_failures': [
                {'item': 'CHECK_CONN_SRC', 'error': 'Access denied', 'repair': 'CHECK_ERROR_REPAIR2'}
            ],
        }
    )
    record = wire_records(job)[0]
    # The API marks this stage discontinued and the emulator sends {}; an older service may still fill it.
    assert record['DataSynchronizationStatus'] == {}
    record['DataSynchronizationStatus'] = {
        'Status': 'Finished',
        'Delay': '0',
        'Percent': '100',
        'ErrorMessage': 'The task has failed for a long time',
    }
    assert record['SynchronizationObjects'][0]['TableExcludes'] == []
    record['SynchronizationObjects'][0]['TableExcludes'] = [{'TableName': 'audit_log'}]
    return record


def unset_fields(parsed, where=''):
    """Paths of SDK model fields that no item of ``parsed`` (a list of models of one class) holds."""
    missing = []
    for name in vars(parsed[0]):
        present = [value for value in (getattr(item, name) for item in parsed) if value not in (None, [])]
        if not present:
            missing.append(where + name)
            continue
        nested = [
            item
            for value in present
            for item in (value if isinstance(value, list) else [value])
            if hasattr(item, 'to_map')
        ]
        if nested:
            missing.extend(unset_fields(nested, where + name + '.'))
    return missing


def key_tree(value):
    if isinstance(value, list):
        merged = {}
        for item in value:
            merged.update(key_tree(item) or {})
        return merged
    if isinstance(value, dict):
        return dict((name, key_tree(item)) for name, item in value.items())
    return None


def test_the_record_has_every_field_of_the_sdk_model_and_no_other():
    record = full_record()
    parsed = models.DescribeSynchronizationJobsResponseBodySynchronizationInstances().from_map(record)
    assert unset_fields([parsed]) == []
    assert key_tree(record) == key_tree(parsed.to_map())


def test_documented_jobs_are_exactly_the_normalised_facts():
    documented = documented_tree(documented_jobs()['contains'])
    produced = fact_tree(LEGACY.normalize(full_record(), 'cn-hangzhou')[0])
    assert documented == produced


def test_documented_facts_are_the_ones_fields_accepts():
    assert set(documented_jobs()['contains']) == set(JOB_FACTS)


def test_returned_says_which_facts_the_summary_and_identity_carry():
    entries = documented_jobs()['contains']
    always = set(name for name, entry in entries.items() if entry['returned'] == 'always')
    in_summary = set(name for name, entry in entries.items() if 'V(summary)' in entry['returned'])
    assert always == set(IDENTITY_JOB_FACTS)
    assert in_summary == set(SUMMARY_JOB_FACTS) - set(IDENTITY_JOB_FACTS)


def test_the_tree_comparison_sees_a_missing_leaf_and_a_wrong_type():
    entries = documented_jobs()['contains']
    produced = fact_tree(LEGACY.normalize(full_record(), 'cn-hangzhou')[0])
    del entries['precheck_status']['contains']['detail']['contains']['repair_method']
    assert documented_tree(entries) != produced
    entries = documented_jobs()['contains']
    entries['source_endpoint']['contains']['port']['type'] = 'str'
    assert documented_tree(entries) != produced
