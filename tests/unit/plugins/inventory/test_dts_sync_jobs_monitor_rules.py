# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The dts_sync_jobs inventory's monitor_rules option, in process against the emulator."""

import json
import os

import pytest
import yaml
from ansible.errors import AnsibleParserError
from ansible.inventory.data import InventoryData
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import inventory_loader

from ansible_collections.alibabacloud.dts.tests.unit.plugins.modules.conftest import SECRET

from dts_emulator import Emulator  # noqa: E402  (tests/emulator is on sys.path via the modules conftest)

REGIONS = ['cn-hangzhou', 'cn-beijing']
ACTION = 'DescribeJobMonitorRule'


@pytest.fixture
def emulator(monkeypatch, tmp_path):
    for name in list(os.environ):
        if name.startswith(('ALIBABA_CLOUD_', 'ALICLOUD_')):
            monkeypatch.delenv(name)
    monkeypatch.setenv('HOME', str(tmp_path))
    with Emulator(access_key_id='test-ak', access_key_secret=SECRET) as server:
        yield server


def parse(tmp_path, emulator, **options):
    config = {
        'plugin': 'alibabacloud.dts.dts_sync_jobs',
        'regions': REGIONS,
        'access_key_id': 'test-ak',
        'access_key_secret': SECRET,
        'endpoint': emulator.endpoint,
        'max_requests_per_second': 0,
    }
    config.update(options)
    path = tmp_path / 'rules.dts_sync_jobs.yml'
    path.write_text(yaml.safe_dump(config))
    inventory = InventoryData()
    plugin = inventory_loader.get('alibabacloud.dts.dts_sync_jobs')
    plugin.parse(inventory, DataLoader(), str(path), cache=True)
    if config.get('cache'):
        plugin.update_cache_if_changed()  # as the inventory manager does after a parse
    return dict((name, host.get_vars()) for name, host in inventory.hosts.items())


def sync_jobs(emulator):
    return dict(
        (job['dts_job_id'], job) for job in emulator.jobs if job['region'] in REGIONS and job['job_type'] == 'SYNC'
    )


def test_every_host_gets_its_tasks_rules_one_request_per_task(tmp_path, emulator):
    hosts = parse(tmp_path, emulator, monitor_rules=True)
    jobs = sync_jobs(emulator)
    assert emulator.counters['by_action'][ACTION] == len(jobs)
    assert set(facts['dts_job_id'] for facts in hosts.values()) == set(jobs)
    for facts in hosts.values():
        wire = jobs[facts['dts_job_id']]['monitor_rules']
        assert facts['dts_monitor_rules_error'] is None
        assert [(rule['type'], rule['enabled'], rule['delay_threshold']) for rule in facts['dts_monitor_rules']] == [
            (rule['Type'], rule['State'] == 'Y', rule.get('DelayRuleTime')) for rule in wire
        ]
    assert '13955' not in json.dumps(hosts, default=str)


def test_off_by_default(tmp_path, emulator):
    hosts = parse(tmp_path, emulator)
    assert ACTION not in emulator.counters['by_action']
    assert not any('dts_monitor_rules' in facts for facts in hosts.values())


def test_a_failed_lookup_is_reported_on_its_host_and_the_inventory_is_made(tmp_path, emulator):
    emulator.business_failures[ACTION] = [{'code': 'OperationDenied.JobStatus', 'message': 'released'}]
    hosts = parse(tmp_path, emulator, monitor_rules=True, max_concurrent_requests=1)
    failed = [facts for facts in hosts.values() if facts['dts_monitor_rules'] is None]
    assert len(failed) == 1 and len(hosts) > 1
    assert failed[0]['dts_monitor_rules_error']['code'] == 'OperationDenied.JobStatus'
    assert failed[0]['dts_monitor_rules_error']['request_id']


def test_legacy_only_is_refused_before_any_request_and_legacy_records_say_why(tmp_path, emulator):
    with pytest.raises(AnsibleParserError, match='monitor_rules needs the current API family'):
        parse(tmp_path, emulator, monitor_rules=True, api=['legacy'])
    assert emulator.counters['total'] == 0
    # A job only the legacy listing shows has no task ID to ask with.
    emulator.load_jobs([{'id': 'dtslegacyonly1', 'region': 'cn-hangzhou', 'origin': 'legacy'}], replace=False)
    listing = emulator.describe_dts_jobs

    def without_the_legacy_only_job(params):
        # Left out of every page and of the total alike: a listing that does not add up is refused.
        answer = listing(params)
        kept = [entry for entry in answer['DtsJobList'] if entry['DtsInstanceID'] != 'dtslegacyonly1']
        return dict(answer, DtsJobList=kept, TotalRecordCount=int(answer['TotalRecordCount']) - 1)

    emulator.describe_dts_jobs = without_the_legacy_only_job
    hosts = parse(tmp_path, emulator, monitor_rules=True, regions=['cn-hangzhou'])
    legacy = hosts['dtslegacyonly1']
    assert legacy['dts_api'] == 'legacy' and legacy['dts_monitor_rules'] is None
    assert legacy['dts_monitor_rules_error']['code'] == 'NoDtsJobId'


def test_the_cache_keeps_the_rules_without_phone_numbers_and_a_cached_run_sends_nothing(tmp_path, emulator):
    cache = {'cache': True, 'cache_plugin': 'ansible.builtin.jsonfile', 'cache_connection': str(tmp_path / 'cache')}
    first = parse(tmp_path, emulator, monitor_rules=True, **cache)
    emulator.reset_counters()
    assert parse(tmp_path, emulator, monitor_rules=True, **cache) == first
    assert emulator.counters['total'] == 0
    stored = ''.join(path.read_text() for path in (tmp_path / 'cache').iterdir())
    assert 'delay_threshold' in stored and '13955' not in stored
    # A listing with rules answers another question than one without: each has its own cache entry.
    parse(tmp_path, emulator, **cache)
    assert emulator.counters['total'] > 0 and ACTION not in emulator.counters['by_action']
    emulator.reset_counters()
    parse(tmp_path, emulator, monitor_rules=False, **cache)
    assert emulator.counters['total'] == 0
