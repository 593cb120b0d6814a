# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""docs/inventory.md says what the code does: every YAML example, run as a new user would run it
(through the inventory plugin, against the emulator, with strict expressions), makes the groups it
names; its options table lists every option; its CSV header is the one the audit writes."""

import csv
import io
import os
import re

import pytest
import yaml
from ansible import constants as C
from ansible.inventory.data import InventoryData
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import inventory_loader

from ansible_collections.alibabacloud.dts.plugins.filter.dts_audit import dts_audit_files, dts_audit_report
from ansible_collections.alibabacloud.dts.tests.unit.plugins.modules.conftest import SECRET

from dts_emulator import Emulator  # noqa: E402  (tests/emulator is on sys.path via the modules conftest)

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..', '..'))
DOC = os.path.join(ROOT, 'docs', 'inventory.md')
PLUGIN = 'alibabacloud.dts.dts_sync_jobs'
# The emulator's regions with data; a documented region without data lists nothing, which is fine.
CONNECTION = {'access_key_id': 'test-ak', 'access_key_secret': SECRET}
# Credential options of the examples' accounts entries: a new user's own; here the emulator's key.
ACCOUNT_CREDENTIALS = ('profile', 'assume_role', 'access_key_id', 'access_key_secret')


def doc_text():
    with open(DOC, encoding='utf-8') as handle:
        return handle.read()


def blocks(language):
    return re.findall(r'^```%s\n(.*?)^```' % language, doc_text(), re.MULTILINE | re.DOTALL)


@pytest.fixture(scope='module')
def emulator():
    with Emulator(access_key_id='test-ak', access_key_secret=SECRET) as server:
        yield server


@pytest.fixture
def environment(monkeypatch, tmp_path, emulator):
    for name in list(os.environ):
        if name.startswith(('ALIBABA_CLOUD_', 'ALICLOUD_')):
            monkeypatch.delenv(name)
    monkeypatch.setenv('HOME', str(tmp_path))
    monkeypatch.setenv('ALIBABA_CLOUD_ENDPOINT_DTS', emulator.endpoint)
    monkeypatch.setenv('ALIBABA_CLOUD_REGION_ID', 'cn-hangzhou')
    # What the accounts example reads from the environment.
    monkeypatch.setenv('STAGING_AK', 'test-ak')
    monkeypatch.setenv('STAGING_SECRET', SECRET)
    return tmp_path


def as_configuration(example):
    """A documented example as a configuration this test can run: a fragment (keyed_groups, groups,
    compose, cache) joins a plain one; accounts use the emulator's key; expressions are strict."""
    config = {'plugin': PLUGIN, 'regions': ['cn-hangzhou', 'cn-beijing']}
    config.update(example)
    for entry in config.get('accounts') or []:
        for option in ACCOUNT_CREDENTIALS:
            entry.pop(option, None)
        entry.update(CONNECTION)
    if not config.get('accounts'):
        config.update(CONNECTION)
    # Pacing off: the alert rules example sends one request per job, and this checks what, not how fast.
    config.update(strict=True, max_requests_per_second=0)
    return config


def parse(path, config):
    path.write_text(yaml.safe_dump(config))
    inventory = InventoryData()
    plugin = inventory_loader.get(PLUGIN)
    plugin.parse(inventory, DataLoader(), str(path), cache=False)
    return inventory


def examples():
    found = [yaml.safe_load(text) for text in blocks('yaml')]
    return [example for example in found if isinstance(example, dict)]


def test_the_doc_has_the_examples_this_test_runs():
    names = [sorted(example) for example in examples()]
    assert len(names) >= 5
    assert any('groups' in example and 'plugin' not in example for example in examples())
    assert any('monitor_rules' in example for example in examples())
    assert any('accounts' in example for example in examples())


@pytest.mark.parametrize('index', range(len(examples())))
def test_every_yaml_example_runs_and_makes_the_groups_it_names(environment, emulator, index):
    example = examples()[index]
    config = as_configuration(example)
    inventory = parse(environment / ('example%d.dts_sync_jobs.yml' % index), config)
    hosts = inventory.hosts
    assert hosts, 'example %d made no host: %r' % (index, example)
    # strict: true made any expression naming a variable no host has an error; every group named is made
    # and has hosts in the emulator's data (which has failed, lagging and unwatched jobs).
    for group in config.get('groups') or {}:
        assert group in inventory.groups and inventory.groups[group].get_hosts(), (index, group)
    for keyed in config.get('keyed_groups') or []:
        prefix = keyed.get('prefix', '')
        assert any(name.startswith(prefix + '_') for name in inventory.groups), (index, keyed)
    for name in config.get('compose') or {}:
        assert all(name in host.get_vars() for host in hosts.values()), (index, name)
    if config.get('monitor_rules'):
        assert all('dts_monitor_rules' in host.get_vars() for host in hosts.values())


def test_the_needs_attention_group_holds_the_failed_jobs(environment, emulator):
    fragment = next(example for example in examples() if 'dts_needs_attention' in (example.get('groups') or {}))
    inventory = parse(environment / 'attention.dts_sync_jobs.yml', as_configuration(fragment))
    failed = sorted(
        name
        for name, host in inventory.hosts.items()
        if host.get_vars()['dts_status'] in ('PrecheckFailed', 'InitializeFailed', 'Failed')
    )
    assert failed and sorted(host.name for host in inventory.groups['dts_needs_attention'].get_hosts()) == failed


def documented_options():
    """The option names of the doc's options table (first column; the shared options' row lists its own)."""
    table = doc_text().split('## Options', 1)[1].split('\n## ', 1)[0]
    names = set()
    for line in table.splitlines():
        if not line.startswith('| ') or line.startswith('| Option') or line.startswith('| ---'):
            continue
        cells = [cell.strip() for cell in line.strip().strip('|').split('|')]
        first, meaning = cells[0], cells[-1]
        listed = meaning if first == 'shared connection options' else first
        names.update(re.findall(r'`([a-z_]+)`', listed.split(', as for the modules')[0]))
    return names


def test_the_options_table_lists_every_option():
    plugin = inventory_loader.get(PLUGIN)  # loads its configuration definitions
    options = set(C.config.get_configuration_definitions('inventory', plugin._load_name))
    assert 'max_requests_per_second' in options and 'retry_budget' in options and 'monitor_rules' in options
    assert documented_options() == options


def test_the_documented_csv_header_is_the_one_the_audit_writes():
    [documented] = [text.strip() for text in blocks('text') if text.startswith('reason,')]
    files = dts_audit_files(dts_audit_report([], now='2026-01-01T00:00:00Z'))['files']
    written = files['dts-audit.csv']
    assert written.splitlines()[0] == documented
    assert list(csv.reader(io.StringIO(written)))[0] == documented.split(',')
    summary = files['dts-audit-summary.csv']
    assert summary.splitlines()[0] in doc_text()
