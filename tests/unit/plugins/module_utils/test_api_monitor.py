# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Alert rules (DescribeJobMonitorRule): the facts, one request per task, pacing, and failures kept per task.

The reads run against the emulator in this process (its default data's alert rule scenarios); the
facts are held against the official SDK's model.
"""

import pytest
from alibabacloud_dts20200101 import models

from ansible_collections.alibabacloud.dts.plugins.module_utils import _pacing
from ansible_collections.alibabacloud.dts.plugins.module_utils._api_monitor import (
    MONITOR_RULE_ACTION,
    add_monitor_rules,
    normalize_monitor_rule,
    read_monitor_rules,
    rules_for,
    task_ids,
)
from ansible_collections.alibabacloud.dts.plugins.module_utils._client import DtsClient
from ansible_collections.alibabacloud.dts.plugins.module_utils._credentials import Credentials
from ansible_collections.alibabacloud.dts.plugins.module_utils._pacing import LimiterRegistry
from ansible_collections.alibabacloud.dts.tests.unit.clock import FakeClock
from ansible_collections.alibabacloud.dts.tests.unit.plugins.modules.conftest import EMULATOR_DIR  # noqa: F401  pylint: disable=unused-import

from dts_emulator import Emulator  # noqa: E402  (EMULATOR_DIR is on sys.path)
from emulator_data import MONITOR_RULE_SCENARIOS, default_data, dts_job_entry, make_job  # noqa: E402

HZ = 'cn-hangzhou'


@pytest.fixture(scope='module')
def served():
    with Emulator(access_key_id='rules-ak', access_key_secret='rules-secret') as emulator:
        yield emulator


@pytest.fixture
def emulator(served):
    served.load_jobs(default_data(served.started), replace=True)
    served.reset_counters()
    served.business_failures = {}
    return served


def make_client(emulator, clock=None, max_concurrency=8):
    clock = clock or FakeClock(now=1000.0)
    return DtsClient(
        Credentials('rules-ak', 'rules-secret', None, 'test'),
        HZ,
        emulator.endpoint,
        retries=0,
        clock=clock,
        sleep=clock.sleep,
        limiters=LimiterRegistry(),
        max_concurrency=max_concurrency,
    )


def hangzhou(emulator):
    return [job for job in emulator.jobs if job['region'] == HZ]


def test_a_rule_as_facts_without_its_phone_numbers():
    wire = {
        'Type': 'Delay',
        'State': 'Y',
        'DelayRuleTime': '300',
        'JobType': 'normal',
        'JobId': 'ta7w1',
        'Phone': '13955501234, 13955505678,',
        'Period': 5,
        'Times': '3',
        'NoticeValue': 12,
    }
    facts = normalize_monitor_rule(wire)
    assert facts == {
        'type': 'delay',
        'enabled': True,
        'delay_threshold': 300,
        'job_type': 'normal',
        'job_id': 'ta7w1',
        'period': 5,
        'times': 3,
        'notice_value': 12,
        'phone_count': 2,
    }
    # Every documented field of the SDK's model is a fact, or (Phone) deliberately left out.
    documented = set(models.DescribeJobMonitorRuleResponseBodyMonitorRules().from_map(wire).to_map())
    assert documented == {
        'DelayRuleTime',
        'JobId',
        'JobType',
        'NoticeValue',
        'Period',
        'Phone',
        'State',
        'Times',
        'Type',
    }
    assert '1395550' not in repr(facts)


@pytest.mark.parametrize('state, enabled', [('Y', True), ('n', False), (True, True), ('yes', None), (None, None)])
def test_the_state_is_a_boolean_only_when_dts_said_y_or_n(state, enabled):
    assert normalize_monitor_rule({'Type': 'error', 'State': state})['enabled'] is enabled


def test_hostile_values_are_typed_or_dropped():
    facts = normalize_monitor_rule(
        {
            'Type': 'x' * 1000,
            'DelayRuleTime': '-5',
            'JobType': ['normal'],
            'Phone': 7,
            'Period': 'soon',
            'State': {'Y': 1},
        }
    )
    assert len(facts['type']) == 128 and facts['delay_threshold'] is None and facts['job_type'] is None
    assert facts['phone_count'] == 0 and facts['period'] is None and facts['enabled'] is None


def test_one_request_per_task_with_every_rule_of_the_emulators_data(emulator):
    jobs = hangzhou(emulator)
    ids = [job['dts_job_id'] for job in jobs]
    found = read_monitor_rules(make_client(emulator), ids + ids[:3])
    assert emulator.counters['by_action'] == {MONITOR_RULE_ACTION: len(jobs)}
    for job in jobs:
        entry = found[job['dts_job_id']]
        assert entry['monitor_rules_error'] is None
        assert [
            (rule['type'], rule['enabled'], rule['delay_threshold'], rule['job_type'])
            for rule in entry['monitor_rules']
        ] == [
            (rule['Type'], rule['State'] == 'Y', rule.get('DelayRuleTime'), rule['JobType'])
            for rule in job['monitor_rules']
        ]
    # Every scenario came back, and no phone number did.
    assert len(set(repr(entry['monitor_rules']) for entry in found.values())) >= len(MONITOR_RULE_SCENARIOS)
    assert '13955' not in repr(found)


def test_requests_are_paced_at_the_conservative_rate(emulator):
    """No limit is documented: 10 a second per account and region, a tenth more apart for jitter."""
    assert _pacing.RATE_LIMITS[MONITOR_RULE_ACTION] == 10
    clock = FakeClock(now=1000.0)
    jobs = hangzhou(emulator)[:21]
    read_monitor_rules(make_client(emulator, clock, max_concurrency=1), [job['dts_job_id'] for job in jobs])
    assert clock.now - 1000.0 == pytest.approx(20 * 1.1 / 10)
    clock = FakeClock(now=1000.0)
    client = DtsClient(
        Credentials('rules-ak', 'rules-secret', None, 'test'),
        HZ,
        emulator.endpoint,
        retries=0,
        clock=clock,
        sleep=clock.sleep,
        limiters=LimiterRegistry(),
        max_requests_per_second=0,
    )
    read_monitor_rules(client, [job['dts_job_id'] for job in jobs])
    assert clock.now == 1000.0  # max_requests_per_second: 0 turns pacing off


def test_a_failed_lookup_is_reported_on_its_task_and_the_others_are_read(emulator):
    jobs = hangzhou(emulator)[:6]
    emulator.business_failures[MONITOR_RULE_ACTION] = [{'code': 'InternalError', 'message': 'try again'}]
    found = read_monitor_rules(make_client(emulator, max_concurrency=1), [job['dts_job_id'] for job in jobs])
    failed = [entry for entry in found.values() if entry['monitor_rules'] is None]
    assert len(failed) == 1 and len(found) == 6
    error = failed[0]['monitor_rules_error']
    assert (error['code'], error['message']) == ('InternalError', 'try again') and error['request_id']
    unknown = read_monitor_rules(make_client(emulator), ['nosuchtask01'])['nosuchtask01']
    assert unknown['monitor_rules'] is None and unknown['monitor_rules_error']['code'] == 'Forbidden.InstanceNotFound'


def test_an_account_refused_the_action_stops_asking(emulator):
    jobs = hangzhou(emulator)[:8]
    emulator.business_failures[MONITOR_RULE_ACTION] = [{'code': 'Forbidden.RAM', 'message': 'no permission'}] * 8
    found = read_monitor_rules(make_client(emulator, max_concurrency=1), [job['dts_job_id'] for job in jobs])
    assert emulator.counters['by_action'][MONITOR_RULE_ACTION] == 1
    assert all(entry['monitor_rules_error']['code'] == 'Forbidden.RAM' for entry in found.values())
    assert [entry['monitor_rules_error']['message'] for entry in found.values()][1] == 'not asked: no permission'


def test_task_ids_of_raw_listings_include_a_distinct_reverse_task():
    entry = dts_job_entry(make_job(next(spec for spec in default_data() if spec.get('two_way'))))
    assert task_ids([entry, entry]) == [entry['DtsJobId']]  # the emulator's reverse shares its task id
    reverse = dict(entry, ReverseJob=dict(entry['ReverseJob'], DtsJobId='reverse-task'))
    assert task_ids([reverse, {'DtsJobId': None}, {'ReverseJob': 'junk'}]) == [entry['DtsJobId'], 'reverse-task']


def test_job_records_get_their_rules_and_a_record_without_a_task_id_says_why(emulator):
    job = hangzhou(emulator)[0]
    records = add_monitor_rules(
        make_client(emulator),
        [{'dts_job_id': job['dts_job_id'], 'dts_job_direction': d} for d in ('Forward', 'Reverse')],
    )
    assert records[0]['monitor_rules'] is not None
    assert records[0]['monitor_rules'] == records[1]['monitor_rules']
    assert emulator.counters['by_action'] == {MONITOR_RULE_ACTION: 1}
    legacy = rules_for({'synchronization_job_id': 'dtsold'}, {})
    assert legacy['monitor_rules'] is None and legacy['monitor_rules_error']['code'] == 'NoDtsJobId'
