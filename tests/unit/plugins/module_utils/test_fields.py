# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The field table against the SDK it is derived from, the normaliser and the emulator.

The table is derived again here (scripts/derive_fields.py) from the SDK version tests/requirements.txt
pins: the generated module and page must be what that derivation writes.  Then, for every typed
field of every job action and every job type, a value in the documented unit goes in and the
documented fact comes out; a value an enumeration does not list is kept and reported; and every
answer the emulator gives is one the table documents (normalising it warns of nothing) in the
documented units.
"""

import importlib.util
import os
import re
from datetime import datetime, timedelta
from importlib import metadata

import pytest

from ansible_collections.alibabacloud.dts.plugins.module_utils import _fields
from ansible_collections.alibabacloud.dts.plugins.module_utils._checks_facts import (
    normalize_check_job,
    normalize_precheck_item,
    normalize_table,
)
from ansible_collections.alibabacloud.dts.plugins.module_utils._convert import canonical_status, snake_case
from ansible_collections.alibabacloud.dts.plugins.module_utils._normalize import (
    ENVELOPE_FIELDS,
    normalize_dts_job,
    normalize_dts_job_detail,
    normalize_job,
    normalize_status,
)
from ansible_collections.alibabacloud.dts.tests.unit.plugins.modules.conftest import EMULATOR_DIR  # noqa: F401  pylint: disable=unused-import

import emulator_data  # noqa: E402  (EMULATOR_DIR is on sys.path)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))))


def _script():
    spec = importlib.util.spec_from_file_location('derive_fields', os.path.join(ROOT, 'scripts', 'derive_fields.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


DERIVE = _script()
ROWS, PROBLEMS = DERIVE.derive()


# -- the table is the pinned SDK's documentation ---------------------------------------------------------


def test_the_sdk_the_tests_pin_is_the_one_installed_and_the_one_the_table_names():
    with open(os.path.join(ROOT, 'tests', 'requirements.txt'), encoding='utf-8') as handle:
        pins = re.findall(r'^alibabacloud-dts20200101==(\S+)$', handle.read(), re.M)
    assert pins == [metadata.version('alibabacloud-dts20200101')] == [_fields.SDK_VERSION]


def test_every_override_is_needed_and_every_time_duration_and_size_has_a_unit():
    assert PROBLEMS == []


@pytest.mark.parametrize('path', sorted(DERIVE.outputs(ROWS)))
def test_the_generated_files_are_what_the_sdk_documents(path):
    with open(path, encoding='utf-8') as handle:
        committed = handle.read()
    assert committed == DERIVE.outputs(ROWS)[path], 'run scripts/derive_fields.py: %s is stale' % path


def test_the_table_covers_every_field_of_every_action_the_collection_calls():
    models = DERIVE.read_models()
    for action in DERIVE.ACTIONS:
        walked = [path for path, _type, _text in DERIVE.walk(models, action + 'ResponseBody')]
        assert walked and walked == [row['path'] for row in ROWS if row['action'] == action]


def test_a_description_that_changes_changes_the_table():
    """A new SDK release that documents another unit is caught: the derivation follows the text."""
    row = {'path': 'DtsJobList[].Delay', 'sdk_type': 'int'}
    assert DERIVE.classify(row['path'], 'int', 'The latency, in milliseconds.') == ('duration', 'ms')
    assert DERIVE.classify(row['path'], 'int', 'The latency. Unit: seconds.') == ('duration', 's')
    split = (
        'The latency.\n> For data migration tasks, the unit is milliseconds. For data synchronization tasks, '
        'the unit is seconds.'
    )
    assert DERIVE.classify(row['path'], 'int', split) == ('duration', {'migration': 'ms', 'sync': 's'})
    assert DERIVE.classify('X.CreateTime', 'str', 'In the format of yyyy-MM-dd HH:mm:ss.0 (UTC+8).') == (
        'time',
        'local_utc8',
    )
    assert DERIVE.discontinued('The delay.\n> This parameter has been discontinued.') == 'discontinued'


# -- a value in the documented unit goes in, the documented fact comes out ---------------------------------

JOB_TYPE_WIRE = {'sync': 'SYNC', 'migration': 'MIGRATION', 'subscribe': 'SUBSCRIBE'}
RECORD_ACTIONS = (
    'DescribeSynchronizationJobs',
    'DescribeSynchronizationJobStatusList',
    'DescribeDtsJobs',
    'DescribeDtsJobDetail',
)
SECONDS = 180
PER_SECOND = {'s': 1, 'ms': 1000, 'min': 1.0 / 60}


def _unit(value, job_type):
    return value.get(job_type) if isinstance(value, dict) else value


def _wire_and_fact(row, job_type):
    """A value in the field's documented unit, and the fact the table says it is."""
    kind, unit = row['kind'], _unit(row['unit'], job_type)
    if kind == 'duration':
        return SECONDS * PER_SECOND[unit], SECONDS
    if kind == 'time' and unit == 'epoch_s':
        return '1767225600', 1767225600
    if kind == 'time':
        return (
            '2026-01-01 08:30:00.0' if unit == 'local_utc8' else '2026-01-01T00:30:00.000+00:00',
            '2026-01-01T00:30:00Z',
        )
    if kind == 'flag':
        return 'true', True
    if kind == 'enum':
        values = _unit(row['values'], job_type)
        if not values:
            return 'a value of its own', 'a value of its own'
        return values[-1].lower(), canonical_status(values[-1]) if row['path'].endswith(
            DERIVE.STATUS_NAMES
        ) and not values[-1].isdigit() else values[-1].lower()
    return '12', 12


def _job_types(action):
    return ('sync',) if action in DERIVE.SYNC_ONLY else DERIVE.JOB_TYPES


def _cases():
    for row in ROWS:
        if row['action'] not in RECORD_ACTIONS or row['kind'] not in DERIVE.TYPED_KINDS:
            continue
        record_path = (
            row['path'][len(DERIVE.ACTIONS[row['action']]) + 1 :] if DERIVE.ACTIONS[row['action']] else row['path']
        )
        if (
            not row['path'].startswith(DERIVE.ACTIONS[row['action']])
            or record_path in ENVELOPE_FIELDS
            or re.search(r'(^|\.)(Tags|TagList)\[\]', record_path)
        ):
            continue  # not a record's, or (tags) a fact of its own shape
        for job_type in _job_types(row['action']):
            yield pytest.param(row, record_path, job_type, id='%s:%s:%s' % (row['action'], row['path'], job_type))


def _place(record, parts, value):
    """``value`` at ``parts`` (``Name[]`` a one-item list) of ``record``."""
    name = parts[0]
    is_list = name.endswith('[]')
    name = name.rstrip('[]')
    if len(parts) == 1:
        record[name] = [value] if is_list else value
        return
    inner = {}
    _place(inner, parts[1:], value)
    record[name] = [inner] if is_list else inner


def _read(facts, parts):
    for part in parts:
        is_list = part.endswith('[]')
        facts = facts[snake_case(part.rstrip('[]'))]
        if is_list:
            facts = facts[0]
    return facts


def _normalised(action, record_path, wire, job_type, warnings):
    """Run the field's action's normaliser over a record holding ``wire`` at ``record_path``; its fact."""
    parts = record_path.split('.')
    record = {'DtsJobId': 'jfield', 'DtsInstanceID': 'dtsjfield', 'JobType': JOB_TYPE_WIRE[job_type]}
    if action == 'DescribeDtsJobs' and parts[0] == 'ReverseJob':
        record['ReverseJob'] = {'DtsJobId': 'jfieldr'}
        _place(record['ReverseJob'], parts[1:], wire)
        return _read(normalize_dts_job(record, 'cn-hangzhou', warn=warnings.append)[1], parts[1:])
    _place(record, parts, wire)
    if action == 'DescribeSynchronizationJobs':
        return _read(normalize_job(record, 'cn-hangzhou', warn=warnings.append), parts)
    if action == 'DescribeSynchronizationJobStatusList':
        direction = normalize_status(record, warnings.append)['directions'][0]
        return direction[
            snake_case(parts[-1]) if parts[-1] != 'SynchronizationDirection' else 'synchronization_direction'
        ]
    if action == 'DescribeDtsJobs':
        return _read(normalize_dts_job(record, 'cn-hangzhou', warn=warnings.append)[0], parts)
    return _read(normalize_dts_job_detail(record, 'cn-hangzhou', warnings.append), parts)


@pytest.mark.parametrize('row, record_path, job_type', list(_cases()))
def test_a_value_in_the_documented_unit_is_the_documented_fact(row, record_path, job_type):
    wire, expected = _wire_and_fact(row, job_type)
    warnings = []
    fact = _normalised(row['action'], record_path, wire, job_type, warnings)
    if record_path.endswith('JobType') and row['kind'] == 'enum':
        expected = wire  # the field under test is the job type itself; kept as sent
    assert fact == expected and warnings == [], (fact, expected, warnings)


def test_milliseconds_round_up_so_five_point_four_seconds_never_reads_as_five():
    record = {'DtsJobId': 'j', 'DtsInstanceID': 'dtsj', 'JobType': 'MIGRATION', 'Delay': 5400}
    assert normalize_dts_job(record, 'cn-hangzhou')[0]['delay'] == 6
    assert normalize_dts_job(dict(record, JobType='SYNC'), 'cn-hangzhou')[0]['delay'] == 5400
    assert normalize_dts_job_detail(dict(record, JobType='SYNC'), 'cn-hangzhou')['delay'] == 6


def test_a_delay_whose_unit_depends_on_a_job_type_the_record_does_not_give_is_null_and_reported():
    warnings = []
    facts = normalize_dts_job(
        {'DtsJobId': 'j', 'DtsInstanceID': 'dtsj', 'Delay': 7}, 'cn-hangzhou', warn=warnings.append
    )[0]
    assert facts['delay'] is None
    assert warnings == [
        'DTS job dtsj in region cn-hangzhou: Delay is 7, not a duration of a known JobType; the fact is null.'
    ]
    # "Not started" needs no unit: no warning.
    warnings[:] = []
    assert normalize_dts_job({'DtsJobId': 'j', 'Delay': -1}, 'r', warn=warnings.append)[0]['delay'] is None
    assert warnings == []


# -- unknown enumeration values are kept and reported, never dropped ---------------------------------------


def test_an_undocumented_status_is_kept_and_reported_naming_where_it_is():
    warnings = []
    record = {
        'DtsJobId': 'j',
        'DtsInstanceID': 'dtsj',
        'JobType': 'SYNC',
        'Status': 'Hibernating',
        'DataSynchronizationStatus': {'Status': 'synchronizing'},
    }
    facts = normalize_dts_job(record, 'cn-hangzhou', warn=warnings.append)[0]
    assert facts['status'] == 'Hibernating'
    assert facts['data_synchronization_status']['status'] == 'Synchronizing'
    assert warnings == [
        "DTS job dtsj in region cn-hangzhou: Status is 'Hibernating', which the API does not document; kept as sent.",
        # Synchronizing is a job status, not one of the incremental stage (that says Migrating or Catched).
        "DTS job dtsj in region cn-hangzhou: DataSynchronizationStatus.Status is 'Synchronizing', which the API "
        'does not document; kept as sent.',
    ]


def test_a_status_documented_for_another_job_type_is_reported():
    warnings = []
    record = {'DtsJobId': 'j', 'DtsInstanceID': 'dtsj', 'JobType': 'MIGRATION', 'Status': 'Synchronizing'}
    assert normalize_dts_job(record, 'r', warn=warnings.append)[0]['status'] == 'Synchronizing'
    assert len(warnings) == 1 and 'Status is' in warnings[0]
    warnings[:] = []
    normalize_dts_job(dict(record, JobType='SYNC'), 'r', warn=warnings.append)
    assert warnings == []


def test_the_validation_readers_keep_and_report_undocumented_values():
    warnings = []
    run = normalize_check_job({'DtsJobId': 'j', 'CheckType': 7, 'Status': 4, 'CheckPoint': 1767225600}, warnings.append)
    assert (run['check_type'], run['result'], run['checkpoint_time']) == (7, 4, '2026-01-01T00:00:00Z')
    table = normalize_table({'SourceTbName': 't', 'Status': '9', 'ErrorCode': 8}, warnings.append)
    assert (table['state'], table['error_code'], table['error']) == ('9', 8, None)
    item = normalize_precheck_item({'Item': 'CHECK_X', 'State': 'Pondering'}, warnings.append)
    assert item['state'] == 'Pondering'
    assert [re.search(r': (\S+) is', warning).group(1) for warning in warnings] == [
        'CheckType',
        'Status',
        'Status',
        'ErrorCode',
        'State',
    ]


# -- the emulator serves every field in its documented unit ------------------------------------------------


def _emulator_answers():
    for spec in emulator_data.default_data():
        job = emulator_data.make_job(spec)
        yield job


def test_every_emulator_answer_is_one_the_table_documents():
    warnings = []
    for job in _emulator_answers():
        if job['origin'] == 'legacy':
            for record in emulator_data.wire_records(job):
                normalize_job(record, job['region'], warn=warnings.append)
        normalize_dts_job(emulator_data.dts_job_entry(job), job['region'], warn=warnings.append)
        normalize_dts_job_detail(emulator_data.dts_job_detail(job), job['region'], warnings.append)
        for record in emulator_data.check_job_records(job, now=1767225600):
            normalize_check_job(record, warnings.append)
        for code in ('01', '02', '03', '04'):
            for item in emulator_data.precheck_progress(job, code, '2026-01-01T00:00:00Z')[1]:
                normalize_precheck_item(item, warnings.append)
    assert warnings == []


def test_the_emulator_serves_each_delay_and_time_in_its_documented_unit():
    per_type = dict((row['path'], row['unit']) for row in ROWS if row['action'] == 'DescribeDtsJobs')
    detail_unit = next(
        row['unit'] for row in ROWS if row['action'] == 'DescribeDtsJobDetail' and row['path'] == 'Delay'
    )
    legacy_format = next(
        row['unit']
        for row in ROWS
        if row['action'] == 'DescribeSynchronizationJobs' and row['path'] == 'SynchronizationInstances[].CreateTime'
    )
    assert legacy_format == 'local_utc8'
    seen = set()
    for job in _emulator_answers():
        stored = job['directions']['Forward']['delay']
        job_type = {'SYNC': 'sync', 'MIGRATION': 'migration', 'SUBSCRIBE': 'subscribe'}[job['job_type']]
        listed = emulator_data.dts_job_entry(job)['Delay']
        unit = per_type['DtsJobList[].Delay'][job_type]
        assert listed == (stored * PER_SECOND[unit] if stored >= 0 else -1), job['name']
        assert emulator_data.dts_job_detail(job)['Delay'] == (stored * PER_SECOND[detail_unit] if stored >= 0 else -1)
        seen.add(unit)
        if job['origin'] == 'legacy':
            created = datetime.strptime(job['created'], '%Y-%m-%dT%H:%M:%SZ')
            served = emulator_data.wire_records(job)[0]['CreateTime']
            assert datetime.strptime(served, '%Y-%m-%d %H:%M:%S.0') == created + timedelta(hours=8)
    assert seen == {'s', 'ms'}, 'the default data has jobs of both units'
