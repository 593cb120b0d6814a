# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The audit over the default inventory (both API families) against the emulator: no finding is lost
where the families describe one job differently."""

import os
import sys

import pytest
from ansible.inventory.data import InventoryData
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import inventory_loader

from ansible_collections.alibabacloud.dts.plugins.filter.dts_audit import dts_audit_records, dts_audit_report
from ansible_collections.alibabacloud.dts.plugins.module_utils._api_legacy import LEGACY
from ansible_collections.alibabacloud.dts.plugins.module_utils._connection import connect

EMULATOR_DIR = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..', 'emulator'))
sys.path.insert(0, EMULATOR_DIR)
from dts_emulator import Emulator  # noqa: E402  pylint: disable=wrong-import-position

KEY, SECRET = 'dts-emulator-ak', 'dts-emulator-secret'
REGIONS = ('cn-hangzhou', 'cn-beijing', 'cn-shanghai', 'ap-southeast-1')


class ListingWithoutPrecheckItems(Emulator):
    """A DescribeDtsJobs listing whose precheck carries no items, as the service's does: the legacy
    listing is then the only family that says which precheck items failed."""

    def describe_dts_jobs(self, params):
        answer = Emulator.describe_dts_jobs(self, params)
        for entry in answer.get('DtsJobList') or []:
            for record in (entry, entry.get('ReverseJob') or {}):
                if isinstance(record.get('PrecheckStatus'), dict):
                    record['PrecheckStatus'] = dict(record['PrecheckStatus'], Detail=[])
        return answer


@pytest.fixture
def emulator():
    with ListingWithoutPrecheckItems(access_key_id=KEY, access_key_secret=SECRET) as running:
        yield running


def legacy_failed_items(emulator):
    """(instance id, item) of every failed precheck item the legacy listing carries."""
    items = set()
    for region in REGIONS:
        client = connect(
            {'access_key_id': KEY, 'access_key_secret': SECRET, 'endpoint': emulator.endpoint}, region=region
        )
        for record in LEGACY.list_records(client):
            for item in (record.get('PrecheckStatus') or {}).get('Detail') or []:
                if item.get('CheckStatus') == 'Failed':
                    items.add((record['SynchronizationJobId'], item['ItemName']))
    return items


def parse_inventory(tmp_path, emulator, api=None):
    path = tmp_path / 'default.dts_sync_jobs.yml'
    path.write_text(
        'plugin: alibabacloud.dts.dts_sync_jobs\naccess_key_id: %s\naccess_key_secret: %s\n'
        'endpoint: %s\nregions: [%s]\n%s'
        % (KEY, SECRET, emulator.endpoint, ', '.join(REGIONS), 'api: [%s]\n' % api if api else '')
    )
    inventory = InventoryData()
    inventory_loader.get('alibabacloud.dts.dts_sync_jobs').parse(inventory, DataLoader(), str(path), cache=False)
    return dict((name, host.get_vars()) for name, host in inventory.hosts.items())


@pytest.mark.parametrize('api', [None, 'legacy'])
def test_the_audit_of_the_default_inventory_reports_every_precheck_item_the_legacy_listing_carries(
    tmp_path, emulator, api
):
    expected = legacy_failed_items(emulator)
    assert expected, 'the default data has failed precheck items'
    hostvars = parse_inventory(tmp_path, emulator, api)
    report = dts_audit_report(dts_audit_records(hostvars), now='2026-01-31T12:00:00Z')
    precheck = report['findings']['precheck']
    assert sorted((finding['instance_id'], finding['item_name']) for finding in precheck) == sorted(expected)


def test_a_job_both_families_list_is_one_host_described_by_the_current_family_with_the_legacy_precheck(
    tmp_path, emulator
):
    expected = legacy_failed_items(emulator)
    hostvars = parse_inventory(tmp_path, emulator)
    failed = [facts for facts in hostvars.values() if facts['dts_status'] == 'PrecheckFailed']
    assert failed and all(facts['dts_api'] == 'current' and facts['dts_job_id'] for facts in failed)
    for facts in failed:
        items = facts['dts_precheck_status']['detail']
        kept = set((facts['dts_instance_id'], item['item_name']) for item in items if item['check_status'] == 'Failed')
        assert kept and kept == set(item for item in expected if item[0] == facts['dts_instance_id'])
        # The identity facts are not repeated under the legacy family's names.
        assert 'dts_synchronization_job_id' not in facts
