# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The dts_sync_jobs inventory end to end: ansible-inventory as a process against the emulator."""

import json
import os
import subprocess
import sys

import pytest

from ansible_collections.alibabacloud.dts.plugins.inventory.dts_sync_jobs import lookup_path
from ansible_collections.alibabacloud.dts.tests.unit.plugins.modules.conftest import (
    COLLECTIONS_ROOT,
    SECRET,
)

from dts_emulator import Emulator  # noqa: E402  (tests/emulator is on sys.path via the modules conftest)
from emulator_data import current_job_specs, default_job_specs  # noqa: E402


@pytest.fixture
def emulator():
    with Emulator(access_key_id='test-ak', access_key_secret=SECRET) as server:
        yield server


def inventory(tmp_path, emulator, config, graph=False, env=None):
    path = tmp_path / 'test.dts_sync_jobs.yml'
    path.write_text(config)
    environ = dict((k, v) for k, v in os.environ.items() if not k.startswith(('ALIBABA_CLOUD_', 'ALICLOUD_')))
    environ.update(
        ALIBABA_CLOUD_ACCESS_KEY_ID='test-ak',
        ALIBABA_CLOUD_ACCESS_KEY_SECRET=SECRET,
        ALIBABA_CLOUD_REGION_ID='cn-hangzhou',
        ALIBABA_CLOUD_ENDPOINT_DTS=emulator.endpoint,
        ANSIBLE_COLLECTIONS_PATH=COLLECTIONS_ROOT,
        HOME=str(tmp_path),
        ANSIBLE_NOCOLOR='1',
        ANSIBLE_INVENTORY_UNPARSED_FAILED='true',
    )
    environ.update(env or {})
    command = [
        os.path.join(os.path.dirname(sys.executable), 'ansible-inventory'),
        '-i',
        str(path),
        '--graph' if graph else '--list',
    ]
    process = subprocess.run(command, capture_output=True, text=True, env=environ, timeout=120, check=False)
    return process


def listed(process):
    assert process.returncode == 0, process.stderr
    return plain(json.loads(process.stdout))


def plain(value):
    """ansible-core 2.21+ writes untrusted strings in --list output as {"__ansible_unsafe": "..."}."""
    if isinstance(value, dict):
        if list(value) == ['__ansible_unsafe']:
            return value['__ansible_unsafe']
        return dict((key, plain(item)) for key, item in value.items())
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def expected_records(region):
    """The legacy-made jobs of a region, and the hosts of the region: one per direction of those and of the
    synchronization jobs made the current way (which only DescribeDtsJobs lists)."""
    specs = [spec for spec in default_job_specs() if spec['region'] == region]
    current = [spec for spec in current_job_specs() if spec['region'] == region and spec['job_type'] == 'SYNC']
    return specs, sum(2 if spec.get('two_way') else 1 for spec in specs + current)


def test_one_host_per_record_grouped_by_status_and_region(tmp_path, emulator):
    data = listed(
        inventory(
            tmp_path,
            emulator,
            'plugin: alibabacloud.dts.dts_sync_jobs\nregions: [cn-hangzhou, cn-beijing, us-west-1]\n',
        )
    )
    hostvars = data['_meta']['hostvars']
    hangzhou, hangzhou_records = expected_records('cn-hangzhou')
    beijing, beijing_records = expected_records('cn-beijing')
    assert len(hostvars) == hangzhou_records + beijing_records
    assert len(data['dts_region_cn_beijing']['hosts']) == beijing_records
    synchronizing = set(data['dts_status_synchronizing']['hosts'])
    assert synchronizing == set(host for host, facts in hostvars.items() if facts['dts_status'] == 'Synchronizing')
    two_way = next(spec for spec in hangzhou if spec.get('two_way'))
    assert two_way['id'] in hostvars and two_way['id'] + '_reverse' in hostvars
    reverse = hostvars[two_way['id'] + '_reverse']
    # Either family may describe it (the current one when both list it): the direction is the same.
    assert reverse.get('dts_job_direction', reverse.get('dts_synchronization_direction')) == 'Reverse'
    facts = hostvars[hangzhou[0]['id']]
    assert facts['dts_region'] == 'cn-hangzhou' and isinstance(facts['dts_delay'], int)
    assert isinstance(facts['dts_tags'], dict)
    assert SECRET not in json.dumps(data)


def test_keyed_groups_on_tags_and_statuses_filter(tmp_path, emulator):
    data = listed(
        inventory(
            tmp_path,
            emulator,
            """
plugin: alibabacloud.dts.dts_sync_jobs
statuses: [synchronizing, FAILED]
keyed_groups:
  - key: dts_tags.env | default('untagged')
    prefix: env
""",
        )
    )
    hostvars = data['_meta']['hostvars']
    assert set(facts['dts_status'] for facts in hostvars.values()) == {'Synchronizing', 'Failed'}
    prod = set(data['env_prod']['hosts'])
    assert prod and prod == set(h for h, f in hostvars.items() if f['dts_tags'].get('env') == 'prod')


def test_hostnames_preference_and_compose(tmp_path, emulator):
    data = listed(
        inventory(
            tmp_path,
            emulator,
            """
plugin: alibabacloud.dts.dts_sync_jobs
regions: [cn-shanghai]
hostnames: [dts_tags.nothere, dts_job_name, dts_synchronization_job_name]
compose:
  lagging: (dts_delay or 0) > 300
""",
        )
    )
    hostvars = data['_meta']['hostvars']
    specs, _records = expected_records('cn-shanghai')
    assert specs[0]['name'] in hostvars
    assert all(facts['lagging'] == ((facts['dts_delay'] or 0) > 300) for facts in hostvars.values())


def test_a_refused_region_warns_unless_strict_regions(tmp_path, emulator):
    emulator.config['refused_regions'] = ['cn-beijing']
    process = inventory(
        tmp_path, emulator, 'plugin: alibabacloud.dts.dts_sync_jobs\nregions: [cn-hangzhou, cn-beijing]\n'
    )
    data = listed(process)
    assert 'cn-beijing' in process.stderr and 'Forbidden.RAM' in process.stderr
    assert len(data['_meta']['hostvars']) == expected_records('cn-hangzhou')[1]
    process = inventory(
        tmp_path, emulator, 'plugin: alibabacloud.dts.dts_sync_jobs\nregions: [cn-hangzhou, cn-beijing]\nstrict: true\n'
    )
    assert process.returncode == 0 and 'Forbidden.RAM' in process.stderr
    process = inventory(
        tmp_path,
        emulator,
        'plugin: alibabacloud.dts.dts_sync_jobs\nregions: [cn-hangzhou, cn-beijing]\nstrict_regions: true\n',
    )
    assert process.returncode != 0 and 'Forbidden.RAM' in process.stderr and 'test.dts_sync_jobs.yml' in process.stderr


def test_several_accounts_in_one_file(tmp_path, emulator):
    emulator.keys['other-ak'] = {'secret': 'other-secret-value', 'token': None, 'expires': None}
    data = listed(
        inventory(
            tmp_path,
            emulator,
            """
plugin: alibabacloud.dts.dts_sync_jobs
regions: [cn-hangzhou]
hostnames: [dts_synchronization_job_id]
accounts:
  - name: main
  - name: second
    access_key_id: other-ak
    access_key_secret: other-secret-value
    regions: [ap-southeast-1]
""",
        )
    )
    hostvars = data['_meta']['hostvars']
    assert len(data['dts_account_main']['hosts']) == expected_records('cn-hangzhou')[1]
    assert len(data['dts_account_second']['hosts']) == expected_records('ap-southeast-1')[1]
    assert set(facts['dts_account'] for facts in hostvars.values()) == {'main', 'second'}
    assert 'other-secret-value' not in json.dumps(data) and SECRET not in json.dumps(data)


def test_the_cache_rebuilds_the_inventory_without_requests(tmp_path, emulator):
    config = """
plugin: alibabacloud.dts.dts_sync_jobs
regions: [cn-hangzhou, cn-shanghai]
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: %s
keyed_groups:
  - key: dts_tags.team | default('none')
    prefix: team
""" % (tmp_path / 'cache')
    first = listed(inventory(tmp_path, emulator, config))
    requests = emulator.counters['total']
    second = listed(inventory(tmp_path, emulator, config))
    assert emulator.counters['total'] == requests
    assert first == second
    assert SECRET not in ''.join(path.read_text() for path in (tmp_path / 'cache').iterdir())


@pytest.mark.parametrize(
    'config, words',
    [
        ('statuses: [Running]', ['Running', 'Synchronizing']),
        ('accounts: [{name: a, password: x}]', ['password']),
        ('accounts: [{name: a}, {name: a}]', ['unique']),
        ('tags: {"": x}', ['tags']),
    ],
)
def test_bad_options_are_named(tmp_path, emulator, config, words):
    process = inventory(tmp_path, emulator, 'plugin: alibabacloud.dts.dts_sync_jobs\n' + config + '\n')
    assert process.returncode != 0
    for word in words:
        assert word in process.stderr
    assert emulator.counters['total'] == 0


def test_paths():
    assert lookup_path({'tags': {'env': 'prod'}}, 'tags.env') == 'prod'
    assert lookup_path({'tags': {}}, 'tags.env') is None


@pytest.mark.parametrize('graph', [False, True])
def test_no_warning_over_several_regions_with_the_shipped_examples(tmp_path, emulator, graph):
    """Host variables named as task keywords (delay, tags) made ansible-inventory warn on every run."""
    with open(
        os.path.join(
            COLLECTIONS_ROOT,
            'ansible_collections',
            'alibabacloud',
            'dts',
            'playbooks',
            'inventory',
            'demo.dts_sync_jobs.yml',
        )
    ) as demo:
        config = demo.read()
    process = inventory(
        tmp_path,
        emulator,
        config
        + """
compose:
  replication_delay: dts_delay
groups:
  dts_lagging: dts_delay is not none and dts_delay > 300
""",
        graph=graph,
        env={'ANSIBLE_DEPRECATION_WARNINGS': 'true'},
    )
    assert process.returncode == 0, process.stderr
    assert '[WARNING]' not in process.stderr and '[DEPRECATION WARNING]' not in process.stderr, process.stderr
    assert '@dts_region_cn_beijing' in process.stdout if graph else '"us-west-1"' in process.stdout
