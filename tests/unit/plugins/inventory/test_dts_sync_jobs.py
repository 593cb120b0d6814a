# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The dts_sync_jobs inventory plugin in process, over an in-memory DTS (the client fakes).

The real connect(), credential resolution, signing and paging run; only the HTTP session is
replaced, by one that answers per (access key, region) and measures requests in flight.
"""

import json
import os
import re
import threading
import time

import pytest
from ansible.errors import AnsibleError, AnsibleParserError
from ansible.inventory.data import InventoryData
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import inventory_loader

from ansible_collections.alibabacloud.dts.plugins.module_utils._client import DtsClient
from ansible_collections.alibabacloud.dts.tests.unit.plugins.module_utils.fakes import (
    FakeResponse,
    FakeSession,
    error,
    job,
)

SECRET = 'inventory-secret-0123456789'
OTHER_SECRET = 'other-account-secret-9876543210'
ROLE_SECRET = 'assumed-role-secret-5555'
ROLE_TOKEN = 'assumed-role-token-7777'


def tags(**pairs):
    return [{'Key': key, 'Value': value} for key, value in pairs.items()]


class Cloud:
    """DescribeSynchronizationJobs and DescribeDtsJobs for several accounts and regions, paged like the service."""

    def __init__(self, latency=0.0):
        self.records = {}  # (access key id, region) -> raw legacy records
        self.current = {}  # (access key id, region) -> raw DescribeDtsJobs records
        self.refused = {}  # (access key id, region) -> error code
        self.latency = latency
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        self.session = FakeSession(self.answer)

    @property
    def requests(self):
        """Listing requests of both families: by default each region is one listing of each."""
        return len(self.session.sent)

    def add(self, region, records, key='test-ak'):
        self.records.setdefault((key, region), []).extend(records)

    def add_current(self, region, records, key='test-ak'):
        self.current.setdefault((key, region), []).extend(records)

    def asked(self, action):
        return [params for sent_action, params, _headers in self.session.sent if sent_action == action]

    def answer(self, action, params, headers):
        if action == 'AssumeRole':
            # STS: the role's temporary key is named after the key that assumed it.
            return FakeResponse(
                200,
                {
                    'RequestId': 'R-sts',
                    'Credentials': {
                        'AccessKeyId': 'role-of-' + params['AccessKeyId'],
                        'AccessKeySecret': ROLE_SECRET,
                        'SecurityToken': ROLE_TOKEN,
                        'Expiration': '2099-01-01T00:00:00Z',
                    },
                },
            )
        key = re.search(r'Credential=([^,]+)', headers.get('Authorization', '')).group(1)
        region = params['RegionId']
        with self._lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            time.sleep(self.latency)
            if (key, region) in self.refused:
                answer = self.refused[(key, region)]
                if isinstance(answer, (Exception, FakeResponse)):
                    return answer
                return error(answer, 403, 'You are not authorized for %s.' % region)
            if action == 'DescribeDtsJobs':
                assert params['Region'] == region and params['JobType'] == 'SYNC'
                records = self.current.get((key, region), [])
                size, number = int(params['PageSize']), int(params['PageNumber'])
                return FakeResponse(
                    200,
                    {
                        'TotalRecordCount': len(records),
                        'PageRecordCount': size,
                        'PageNumber': number,
                        'Success': True,
                        'RequestId': 'R-%s-%d' % (region, number),
                        'DtsJobList': records[(number - 1) * size : number * size],
                    },
                )
            records = self.records.get((key, region), [])
            size, number = int(params['PageSize']), int(params['PageNum'])
            return FakeResponse(
                200,
                {
                    'TotalRecordCount': len(records),
                    'PageRecordCount': size,
                    'PageNumber': number,
                    'RequestId': 'R-%s-%d' % (region, number),
                    'SynchronizationInstances': records[(number - 1) * size : number * size],
                },
            )
        finally:
            with self._lock:
                self.in_flight -= 1


@pytest.fixture
def cloud(monkeypatch, tmp_path):
    for name in list(os.environ):
        if name.startswith(('ALIBABA_CLOUD_', 'ALICLOUD_')):
            monkeypatch.delenv(name)
    monkeypatch.setenv('HOME', str(tmp_path))
    fake = Cloud()
    monkeypatch.setattr(DtsClient, 'new_session', staticmethod(lambda pool_size: fake.session))
    return fake


class Warnings:
    def __init__(self):
        self.messages = []

    def warning(self, message, *args, **kwargs):
        self.messages.append(message)

    def __getattr__(self, name):
        return lambda *args, **kwargs: None


class Result:
    def __init__(self, inventory, warnings, plugin):
        self.inventory, self.warnings, self.plugin = inventory, warnings, plugin

    @property
    def hostvars(self):
        return dict((name, host.get_vars()) for name, host in self.inventory.hosts.items())

    def group(self, name):
        return sorted(host.name for host in self.inventory.groups[name].get_hosts())

    def dump(self):
        return json.dumps({'hostvars': self.hostvars, 'warnings': self.warnings}, default=str)


@pytest.fixture
def parse(tmp_path):
    """``parse(config_text, cache=True)``: the inventory one parse of that config builds."""

    def run(config, cache=True, name='test.dts_sync_jobs.yml', inventory=None):
        path = tmp_path / name
        path.write_text('plugin: alibabacloud.dts.dts_sync_jobs\n' + config)
        plugin = inventory_loader.get('alibabacloud.dts.dts_sync_jobs')
        warnings = Warnings()
        plugin.display = warnings
        inventory = InventoryData() if inventory is None else inventory
        plugin.parse(inventory, DataLoader(), str(path), cache=cache)
        try:
            plugin.update_cache_if_changed()  # as the inventory manager does after a parse,
        except AttributeError:  # and as it does, ignore a plugin with no cache loaded (ansible-core 2.19+)
            pass
        return Result(inventory, warnings.messages, plugin)

    return run


# What Ansible itself puts in every host's variables.
MAGIC_VARIABLES = ('inventory_file', 'inventory_dir', 'inventory_hostname', 'inventory_hostname_short', 'group_names')
CREDENTIALS = 'access_key_id: test-ak\naccess_key_secret: %s\n' % SECRET


def test_each_record_a_host_in_sanitised_status_and_region_groups(cloud, parse):
    cloud.add(
        'cn-beijing',
        [
            job('dtsb1', 'synchronizing', Delay='12', Tags=tags(env='prod')),
            job('dtsb2', 'Failed', ErrorMessage='DTS-1: lost the source'),
        ],
    )
    cloud.add('ap-southeast-1', [job('dtss1', 'Initializating'), job('dtss2', 'Synchronizing')])
    result = parse(CREDENTIALS + 'regions: [cn-beijing, ap-southeast-1]\n')

    assert sorted(result.hostvars) == ['dtsb1', 'dtsb2', 'dtss1', 'dtss2']
    assert result.group('dts_region_cn_beijing') == ['dtsb1', 'dtsb2']
    assert result.group('dts_region_ap_southeast_1') == ['dtss1', 'dtss2']
    assert result.group('dts_status_synchronizing') == ['dtsb1', 'dtss2']
    assert result.group('dts_status_failed') == ['dtsb2']
    assert result.group('dts_status_initializing') == ['dtss1']
    facts = result.hostvars['dtsb1']
    assert facts['dts_synchronization_job_id'] == 'dtsb1' and facts['dts_status'] == 'Synchronizing'
    assert facts['dts_delay'] == 12 and facts['dts_tags'] == {'env': 'prod'} and facts['dts_region'] == 'cn-beijing'
    assert facts['dts_api'] == 'legacy'
    assert result.hostvars['dtsb2']['dts_error_message'] == 'DTS-1: lost the source'
    assert 'dts_account' not in facts and not result.warnings
    # Every job variable carries the prefix: none collides with a task keyword or another inventory's variable.
    assert set(name for name in facts if not name.startswith('dts_')) == set(MAGIC_VARIABLES)
    assert 'dts_refused_regions' not in result.inventory.groups['all'].get_vars()


def test_regions_default_to_the_configured_region(cloud, parse):
    cloud.add('cn-shanghai', [job('dtsh1')])
    cloud.add('cn-hangzhou', [job('dtsz1')])
    result = parse(CREDENTIALS + 'region: cn-shanghai\n')
    assert sorted(result.hostvars) == ['dtsh1']
    assert set(params['RegionId'] for _action, params, _headers in cloud.session.sent) == {'cn-shanghai'}


def test_a_two_way_job_is_two_hosts(cloud, parse):
    cloud.add(
        'cn-hangzhou', [job('dtstw', 'synchronizing', 'Forward'), job('dtstw', 'NotStarted', 'Reverse'), job('dtsone')]
    )
    result = parse(CREDENTIALS + 'regions: [cn-hangzhou]\n')
    assert sorted(result.hostvars) == ['dtsone', 'dtstw', 'dtstw_reverse']
    assert result.hostvars['dtstw']['dts_synchronization_direction'] == 'Forward'
    assert result.hostvars['dtstw_reverse']['dts_synchronization_direction'] == 'Reverse'
    assert result.hostvars['dtstw_reverse']['dts_synchronization_job_id'] == 'dtstw'
    assert result.group('dts_status_notstarted') == ['dtstw_reverse']


def test_hostnames_take_the_first_fact_a_job_has(cloud, parse):
    cloud.add(
        'cn-hangzhou',
        [
            job('dtsn1', Tags=tags(Name='orders-db')),
            job('dtsn2'),
            job('dtsn3', SynchronizationJobName='same'),
            job('dtsn4', SynchronizationJobName='same'),
        ],
    )
    result = parse(CREDENTIALS + 'regions: [cn-hangzhou]\nhostnames: [dts_tags.Name, dts_synchronization_job_name]\n')
    # A name two records would share gets the job id appended to the second.
    assert sorted(result.hostvars) == ['job dtsn2', 'orders-db', 'same', 'same_dtsn4']
    assert result.hostvars['orders-db']['dts_synchronization_job_id'] == 'dtsn1'


def test_statuses_filter_in_any_case_and_an_unknown_status_is_named(cloud, parse):
    cloud.add('cn-hangzhou', [job('dtsa', 'synchronizing'), job('dtsb', 'Failed'), job('dtsc', 'Suspending')])
    result = parse(CREDENTIALS + 'regions: [cn-hangzhou]\nstatuses: [SYNCHRONIZING, failed]\n')
    assert sorted(result.hostvars) == ['dtsa', 'dtsb']

    sent = cloud.requests
    with pytest.raises(AnsibleParserError, match=r"statuses: 'Running' is not a DTS job status"):
        parse(CREDENTIALS + 'statuses: [Running]\n')
    assert cloud.requests == sent


def test_keyed_groups_compose_and_groups_from_the_facts(cloud, parse):
    cloud.add(
        'cn-hangzhou', [job('dtsp', Tags=tags(env='prod'), Delay='900'), job('dtsd', Tags=tags(env='dev')), job('dtsu')]
    )
    result = parse(
        CREDENTIALS
        + """regions: [cn-hangzhou]
keyed_groups:
  - key: dts_tags.env | default('untagged')
    prefix: env
compose:
  lagging: dts_delay > 300
groups:
  dts_lagging: dts_delay > 300
  dts_late: lagging
"""
    )
    assert result.group('env_prod') == ['dtsp']
    assert result.group('env_dev') == ['dtsd']
    assert result.group('env_untagged') == ['dtsu']
    assert result.group('dts_lagging') == ['dtsp']
    # groups see what compose made, as the constructed helpers do.
    assert result.group('dts_late') == ['dtsp']
    assert result.hostvars['dtsp']['lagging'] is True and result.hostvars['dtsd']['lagging'] is False


def test_the_cache_rebuilds_everything_without_a_request(cloud, parse, tmp_path):
    cloud.add('cn-hangzhou', [job('dtsc%d' % n, Tags=tags(env='prod')) for n in range(45)])
    cloud.add('cn-beijing', [job('dtsbj', 'Failed')])
    config = (
        CREDENTIALS
        + """regions: [cn-hangzhou, cn-beijing]
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: %s
keyed_groups:
  - key: dts_tags.env | default('untagged')
    prefix: env
"""
        % (tmp_path / 'cache')
    )
    first = parse(config)
    assert cloud.requests == 5  # two legacy pages of cn-hangzhou, one of cn-beijing, one current page each
    second = parse(config)
    assert cloud.requests == 5
    assert second.hostvars == first.hostvars and len(second.hostvars) == 46
    for group in ('env_prod', 'env_untagged', 'dts_region_cn_beijing', 'dts_status_failed'):
        assert second.group(group) == first.group(group)
    cached = ''.join(path.read_text() for path in (tmp_path / 'cache').iterdir())
    assert 'dtsc44' in cached and SECRET not in cached and 'test-ak' not in cached
    # The service's records as they came, not the facts made from them while paging: a cached
    # listing is normalised by the normaliser of the release that reads it.
    entry = first.plugin._cache[first.plugin.get_cache_key(str(tmp_path / 'test.dts_sync_jobs.yml'))]
    assert [sorted(listing) for listing in entry['listings']] == [
        ['account', 'api', 'fetched', 'key', 'records', 'region']
    ] * 4

    # A parse told not to use the cache (--flush-cache) asks again and refreshes it.
    parse(config, cache=False)
    assert cloud.requests == 10


def test_a_refused_region_is_a_warning_naming_it_unless_strict_regions(cloud, parse):
    cloud.add('cn-hangzhou', [job('dtsok')])
    cloud.refused[('test-ak', 'cn-beijing')] = 'Forbidden.RAM'
    result = parse(CREDENTIALS + 'regions: [cn-hangzhou, cn-beijing]\n')
    assert sorted(result.hostvars) == ['dtsok']
    assert len(result.warnings) == 1
    assert 'cn-beijing' in result.warnings[0] and 'Forbidden.RAM' in result.warnings[0]
    assert SECRET not in result.warnings[0]

    # strict is about compose and groups, as in every constructed inventory: a refusal stays a warning.
    result = parse(CREDENTIALS + 'regions: [cn-hangzhou, cn-beijing]\nstrict: true\n')
    assert sorted(result.hostvars) == ['dtsok'] and len(result.warnings) == 1

    with pytest.raises(
        AnsibleParserError, match='test.dts_sync_jobs.yml: region cn-beijing: .*Forbidden.RAM'
    ) as raised:
        parse(CREDENTIALS + 'regions: [cn-hangzhou, cn-beijing]\nstrict_regions: true\n')
    assert SECRET not in str(raised.value)


def test_several_accounts_in_one_file(cloud, parse):
    cloud.add('cn-hangzhou', [job('dtsmain1'), job('dtsmain2', 'Failed')])
    cloud.add('cn-beijing', [job('dtsmain3')])
    cloud.add('cn-hangzhou', [job('dtsother1')], key='other-ak')
    cloud.add('ap-southeast-1', [job('dtsother2')], key='other-ak')
    cloud.refused[('other-ak', 'cn-beijing')] = 'InvalidRegionId'
    result = parse(
        CREDENTIALS
        + """regions: [cn-hangzhou, cn-beijing]
accounts:
  - name: main
  - name: other
    access_key_id: other-ak
    access_key_secret: %s
    regions: [cn-hangzhou, cn-beijing, ap-southeast-1]
"""
        % OTHER_SECRET
    )
    assert result.group('dts_account_main') == ['dtsmain1', 'dtsmain2', 'dtsmain3']
    assert result.group('dts_account_other') == ['dtsother1', 'dtsother2']
    assert result.group('dts_region_cn_hangzhou') == ['dtsmain1', 'dtsmain2', 'dtsother1']
    assert result.hostvars['dtsother2']['dts_account'] == 'other'
    assert result.hostvars['dtsmain1']['dts_account'] == 'main'
    assert len(result.warnings) == 1 and 'cn-beijing of account other' in result.warnings[0]
    assert SECRET not in result.dump() and OTHER_SECRET not in result.dump()
    # Each account signed with its own key: the main entry took the top-level one.
    keys = set(
        re.search(r'Credential=([^,]+)', headers['Authorization']).group(1)
        for _action, _params, headers in cloud.session.sent
    )
    assert keys == {'test-ak', 'other-ak'}


def test_account_options_may_be_templated(cloud, parse, monkeypatch):
    monkeypatch.setenv('DTS_TEST_AK', 'env-ak')
    monkeypatch.setenv('DTS_TEST_SECRET', SECRET)
    cloud.add('cn-hangzhou', [job('dtsenv')], key='env-ak')
    result = parse("""regions: [cn-hangzhou]
access_key_id: "{{ lookup('ansible.builtin.env', 'DTS_TEST_AK') }}"
access_key_secret: "{{ lookup('ansible.builtin.env', 'DTS_TEST_SECRET') }}"
""")
    assert sorted(result.hostvars) == ['dtsenv']
    assert SECRET not in result.dump()


def test_no_credential_reaches_the_host_variables(cloud, parse):
    cloud.add('cn-hangzhou', [job('dtssec')])
    result = parse(CREDENTIALS + 'security_token: sts-token-value-42\nregions: [cn-hangzhou]\n')
    facts = result.hostvars['dtssec']
    assert not set(facts) & {'access_key_id', 'access_key_secret', 'security_token', 'credentials'}
    for secret in (SECRET, 'sts-token-value-42'):
        assert secret not in result.dump()


def test_requests_in_flight_stay_within_max_concurrent_requests(cloud, parse):
    cloud.latency = 0.03
    regions = ['cn-hangzhou', 'cn-beijing', 'cn-shanghai', 'ap-southeast-1', 'us-west-1']
    for index, region in enumerate(regions):
        cloud.add(region, [job('dts%d_%03d' % (index, n)) for n in range(80)])  # three pages each
    result = parse(CREDENTIALS + 'regions: [%s]\nmax_concurrent_requests: 3\n' % ', '.join(regions))
    assert len(result.hostvars) == 400 and cloud.requests == 15 + 5
    assert cloud.max_in_flight == 3

    cloud.max_in_flight = 0
    parse(CREDENTIALS + 'regions: [%s]\n' % ', '.join(regions), name='again.dts_sync_jobs.yml')
    assert 5 <= cloud.max_in_flight <= 16  # the default budget, and the regions really overlap


@pytest.mark.parametrize(
    'config, message',
    [
        ('max_concurrent_requests: 0', 'max_concurrent_requests'),
        ('signature_version: v2', 'signature_version'),
        ('accounts: [{name: a, password: x}]', 'unknown options password'),
        ('accounts: [{name: a}, {name: a}]', 'unique'),
        ('accounts: [{name: a, retries: 99}]', "accounts entry 'a': retries"),
        ('tags: {"": x}', 'tags'),
        ('regions: [mars-north-1]', 'mars-north-1'),
    ],
)
def test_a_bad_option_is_named_before_any_request(cloud, parse, config, message):
    with pytest.raises(AnsibleParserError) as raised:
        parse(CREDENTIALS + config + '\n')
    assert message in str(raised.value)
    assert cloud.requests == 0


def test_only_files_named_for_the_plugin_are_taken(tmp_path):
    plugin = inventory_loader.get('alibabacloud.dts.dts_sync_jobs')
    for name, taken in (
        ('prod.dts_sync_jobs.yml', True),
        ('dts_sync_jobs.yaml', True),
        ('inventory.yml', False),
        ('dts_sync_jobs.yml.bak', False),
    ):
        (tmp_path / name).write_text('plugin: alibabacloud.dts.dts_sync_jobs\n')
        assert plugin.verify_file(str(tmp_path / name)) is taken, name


def test_a_region_named_twice_is_listed_once(cloud, parse):
    cloud.add(
        'cn-hangzhou',
        [job('dtsonce'), job('dtstwice', 'synchronizing', 'Forward'), job('dtstwice', 'NotStarted', 'Reverse')],
    )
    result = parse(CREDENTIALS + 'regions: [cn-hangzhou, cn-beijing, cn-hangzhou]\n')
    assert sorted(result.hostvars) == ['dtsonce', 'dtstwice', 'dtstwice_reverse']
    assert sorted(params['RegionId'] for params in cloud.asked('DescribeSynchronizationJobs')) == [
        'cn-beijing',
        'cn-hangzhou',
    ]
    assert sorted(params['Region'] for params in cloud.asked('DescribeDtsJobs')) == ['cn-beijing', 'cn-hangzhou']


def test_a_refused_region_is_listed_for_reports_on_the_group_all(cloud, parse):
    cloud.add('cn-hangzhou', [job('dtsok')])
    cloud.refused[('test-ak', 'cn-beijing')] = 'InvalidRegionId'
    result = parse(CREDENTIALS + 'regions: [cn-hangzhou, cn-beijing]\n')
    refused = result.inventory.groups['all'].get_vars()['dts_refused_regions']
    assert [(entry['account'], entry['region'], entry['code']) for entry in refused] == [
        ('', 'cn-beijing', 'InvalidRegionId')
    ]
    assert 'cn-beijing' in refused[0]['message'] and SECRET not in json.dumps(refused)


@pytest.mark.parametrize(
    'failure', ['SignatureDoesNotMatch', 'InvalidAccessKeyId.NotFound', 'ConnectionError', 'Throttling.User']
)
def test_a_failing_region_is_a_partial_result_the_others_kept_and_the_failure_reported(cloud, parse, failure):
    import requests

    cloud.add('cn-hangzhou', [job('dtsok')])
    cloud.add_current('cn-shanghai', [dts_job('dtssh1')])
    cloud.refused[('test-ak', 'cn-beijing')] = (
        requests.exceptions.ConnectionError('connection refused')
        if failure == 'ConnectionError'
        else error(failure, 400, 'Request was denied.', request_id='REQ-BJ')
        if failure == 'Throttling.User'
        else failure
    )
    result = parse(CREDENTIALS + 'regions: [cn-hangzhou, cn-beijing, cn-shanghai]\nretries: 0\n')
    # The regions that were listed make the inventory.
    assert sorted(result.hostvars) == ['dtsok', 'dtssh1']
    regions = result.inventory.groups['all'].get_vars()['dts_regions']
    assert [(entry['region'], entry['jobs'], entry['failed'], entry['refused']) for entry in regions] == [
        ('cn-hangzhou', 1, False, False),
        ('cn-beijing', 0, True, False),
        ('cn-shanghai', 1, False, False),
    ]
    failed = regions[1]
    assert failed['code'] == failure and failure in failed['message'] and 'cn-beijing' not in failed['code']
    if failure == 'Throttling.User':
        assert failed['request_id'] == 'REQ-BJ' and '(RequestId REQ-BJ)' in failed['message']
    # Never silent: a warning names the region and the error; never a secret.
    assert len(result.warnings) == 1 and 'cn-beijing' in result.warnings[0] and failure in result.warnings[0]
    assert 'strict_regions' in result.warnings[0]
    assert SECRET not in result.dump() and SECRET not in json.dumps(regions)
    assert 'dts_refused_regions' not in result.inventory.groups['all'].get_vars()

    # strict_regions: the failure fails the source, naming the region.
    with pytest.raises(AnsibleParserError, match='region cn-beijing: .*%s' % failure) as raised:
        parse(CREDENTIALS + 'regions: [cn-hangzhou, cn-beijing]\nretries: 0\nstrict_regions: true\n')
    assert SECRET not in str(raised.value)


def test_an_account_whose_credentials_fail_is_reported_for_each_of_its_regions(cloud, parse):
    cloud.add('cn-hangzhou', [job('dtsmain')])
    original = cloud.answer

    def answer(action, params, headers):
        if action == 'AssumeRole':
            return error('NoPermission', 403, 'You are not authorized to assume this role.', request_id='REQ-STS')
        return original(action, params, headers)

    cloud.session.handler = answer
    result = parse(
        CREDENTIALS
        + """regions: [cn-hangzhou]
api: [legacy]
accounts:
  - name: main
  - name: broken
    assume_role:
      role_arn: acs:ram::123456789012:role/dts-auditor
    regions: [cn-hangzhou, cn-beijing]
"""
    )
    assert sorted(result.hostvars) == ['dtsmain']
    regions = result.inventory.groups['all'].get_vars()['dts_regions']
    assert [(entry['account'], entry['region'], entry['failed']) for entry in regions] == [
        ('main', 'cn-hangzhou', False),
        ('broken', 'cn-hangzhou', True),
        ('broken', 'cn-beijing', True),
    ]
    assert all(
        entry['message'].startswith('credentials: ') and 'NoPermission' in entry['message'] for entry in regions[1:]
    )
    assert len(result.warnings) == 2 and SECRET not in result.dump()


def test_a_failed_listing_is_not_cached(cloud, parse, tmp_path):
    cloud.add('cn-hangzhou', [job('dtsok')])
    cloud.add('cn-beijing', [job('dtsbj')])
    cloud.refused[('test-ak', 'cn-beijing')] = 'ServiceUnavailable'
    config = (
        CREDENTIALS + 'regions: [cn-hangzhou, cn-beijing]\nretries: 0\napi: [legacy]\ncache: true\n'
        'cache_plugin: ansible.builtin.jsonfile\ncache_connection: %s\n' % (tmp_path / 'cache')
    )
    assert sorted(parse(config).hostvars) == ['dtsok']
    del cloud.refused[('test-ak', 'cn-beijing')]
    sent = cloud.requests
    second = parse(config)
    assert regions_asked(cloud, sent) == ['cn-beijing']  # asked again; cn-hangzhou from the cache
    assert sorted(second.hostvars) == ['dtsbj', 'dtsok'] and second.warnings == []


def test_a_cached_refusal_warns_again_without_a_request(cloud, parse, tmp_path):
    cloud.add('cn-hangzhou', [job('dtsok')])
    cloud.refused[('test-ak', 'cn-beijing')] = 'Forbidden.RAM'
    config = (
        CREDENTIALS + 'regions: [cn-hangzhou, cn-beijing]\ncache: true\ncache_plugin: ansible.builtin.jsonfile\n'
        'cache_connection: %s\n' % (tmp_path / 'cache')
    )
    parse(config)
    sent = cloud.requests
    second = parse(config)
    assert cloud.requests == sent
    assert sorted(second.hostvars) == ['dtsok']
    assert len(second.warnings) == 1 and 'cn-beijing' in second.warnings[0]
    assert second.inventory.groups['all'].get_vars()['dts_refused_regions'][0]['region'] == 'cn-beijing'


def test_the_cache_misses_for_a_changed_filter_a_new_region_or_other_credentials(cloud, parse, tmp_path):
    cloud.add('cn-hangzhou', [job('dtsprod', Tags=tags(env='prod')), job('dtsdev', Tags=tags(env='dev'))])
    cloud.add('cn-beijing', [job('dtsbj')])
    cloud.add('cn-hangzhou', [job('dtsother')], key='other-ak')
    cache = 'cache: true\ncache_plugin: ansible.builtin.jsonfile\ncache_connection: %s\n' % (tmp_path / 'cache')
    assert sorted(parse(CREDENTIALS + cache + 'regions: [cn-hangzhou]\n').hostvars) == ['dtsdev', 'dtsprod']
    assert cloud.requests == 2

    # A region added: only that region is asked, the other still comes from the cache.
    both = parse(CREDENTIALS + cache + 'regions: [cn-hangzhou, cn-beijing]\n')
    assert cloud.requests == 4 and regions_asked(cloud, 2) == ['cn-beijing']
    assert sorted(both.hostvars) == ['dtsbj', 'dtsdev', 'dtsprod']

    # A server-side filter changes what DTS answers: no cached answer is reused.
    parse(CREDENTIALS + cache + 'regions: [cn-hangzhou, cn-beijing]\ntags: {env: prod}\n')
    assert cloud.requests == 8
    assert [params['Tag.1.Key'] for params in cloud.asked('DescribeSynchronizationJobs')[-2:]] == ['env', 'env']
    assert [params['Tags'] for params in cloud.asked('DescribeDtsJobs')[-2:]] == ['[{"key":"env","value":"prod"}]'] * 2

    # Another access key is another account's jobs.
    other = parse(
        'access_key_id: other-ak\naccess_key_secret: %s\n' % OTHER_SECRET + cache + 'regions: [cn-hangzhou]\n'
    )
    assert cloud.requests == 10 and sorted(other.hostvars) == ['dtsother']
    cached = ''.join(path.read_text() for path in (tmp_path / 'cache').iterdir())
    for secret in (SECRET, OTHER_SECRET, 'test-ak', 'other-ak'):
        assert secret not in cached


def test_credentials_are_resolved_once_per_account_however_many_regions(cloud, parse):
    regions = ['cn-hangzhou', 'cn-beijing', 'cn-shanghai', 'ap-southeast-1']
    for region in regions:
        cloud.add(region, [job('dts-%s' % region)], key='role-of-test-ak')
    cloud.add('cn-hangzhou', [job('dtsplain')], key='other-ak')
    cloud.latency = 0.02
    result = parse(
        CREDENTIALS
        + """regions: [%s]
accounts:
  - name: audited
    assume_role:
      role_arn: acs:ram::123456789012:role/dts-auditor
  - name: plain
    access_key: other-ak
    secret_key: %s
    regions: [cn-hangzhou]
"""
        % (', '.join(regions), OTHER_SECRET)
    )
    assert len(result.group('dts_account_audited')) == 4 and result.group('dts_account_plain') == ['dtsplain']
    assume_role_calls = [params for action, params, _headers in cloud.session.sent if action == 'AssumeRole']
    assert len(assume_role_calls) == 1
    for secret in (SECRET, OTHER_SECRET, ROLE_SECRET, ROLE_TOKEN):
        assert secret not in result.dump()


@pytest.mark.parametrize(
    'config, message',
    [
        ('page_size: 50', 'page_size'),
        ('accounts: [{profile: prod}]', 'needs a name'),
        ('accounts: [{name: a, regions: {cn-hangzhou: 1}}]', "accounts entry 'a': argument 'regions' is of type"),
        ('accounts: [{name: a, assume_role: {}}]', 'role_arn'),
        ('accounts: [{name: a, http_timeout: soon}]', "accounts entry 'a': argument 'http_timeout'"),
        ('accounts: [prod]', 'must be a dictionary'),
    ],
)
def test_more_bad_options_are_named_before_any_request(cloud, parse, config, message):
    with pytest.raises(AnsibleParserError) as raised:
        parse(CREDENTIALS + 'regions: [cn-hangzhou]\n' + config + '\n')
    assert message in str(raised.value)
    assert cloud.requests == 0


def test_page_size_sets_the_records_per_request(cloud, parse):
    cloud.add('cn-hangzhou', [job('dtsp%02d' % n) for n in range(25)])
    result = parse(CREDENTIALS + 'regions: [cn-hangzhou]\npage_size: 10\n')
    assert len(result.hostvars) == 25 and len(cloud.asked('DescribeSynchronizationJobs')) == 3
    assert set(params['PageSize'] for _action, params, _headers in cloud.session.sent) == {'10'}


def test_a_host_of_another_source_is_not_overwritten(cloud, parse):
    cloud.add('cn-hangzhou', [job('dtsclash')])
    inventory = InventoryData()
    inventory.add_host('dtsclash')
    inventory.set_variable('dtsclash', 'ansible_host', '10.0.0.1')
    result = parse(CREDENTIALS + 'regions: [cn-hangzhou]\n', inventory=inventory)
    assert result.hostvars['dtsclash']['ansible_host'] == '10.0.0.1'
    assert 'dts_synchronization_job_id' not in result.hostvars['dtsclash']
    assert result.hostvars['dtsclash_dtsclash']['dts_synchronization_job_id'] == 'dtsclash'


@pytest.fixture
def clock(clock, monkeypatch):
    """The plugin's clock (wall-clock seconds, for the age of cached listings) is the fake clock's wall time."""
    from ansible_collections.alibabacloud.dts.plugins.inventory.dts_sync_jobs import InventoryModule

    monkeypatch.setattr(InventoryModule, 'clock', staticmethod(clock.wall))
    return clock


def regions_asked(cloud, since):
    """The regions listed since the ``since``-th request, by either family."""
    return sorted(set(params['RegionId'] for _action, params, _headers in cloud.session.sent[since:]))


def test_each_cached_listing_expires_on_its_own_age(cloud, parse, tmp_path, clock):
    cloud.add('cn-hangzhou', [job('dtshz')])
    cloud.add('cn-beijing', [job('dtsbj')])
    cache = 'cache: true\ncache_plugin: ansible.builtin.jsonfile\ncache_connection: %s\ncache_timeout: 2\n' % (
        tmp_path / 'cache'
    )
    parse(CREDENTIALS + cache + 'regions: [cn-hangzhou]\n')
    assert regions_asked(cloud, 0) == ['cn-hangzhou']

    # A region added later is fetched alone; rewriting the entry must not make cn-hangzhou's answer young again.
    clock.now += 1.3
    sent = cloud.requests
    parse(CREDENTIALS + cache + 'regions: [cn-hangzhou, cn-beijing]\n')
    assert regions_asked(cloud, sent) == ['cn-beijing']

    clock.now += 1.3  # cn-hangzhou was fetched 2.6 s ago, cn-beijing 1.3 s ago
    sent = cloud.requests
    result = parse(CREDENTIALS + cache + 'regions: [cn-hangzhou, cn-beijing]\n')
    assert regions_asked(cloud, sent) == ['cn-hangzhou']
    assert sorted(result.hostvars) == ['dtsbj', 'dtshz']

    clock.now += 0.8  # cn-beijing is now 2.1 s old, cn-hangzhou 0.8 s
    sent = cloud.requests
    parse(CREDENTIALS + cache + 'regions: [cn-hangzhou, cn-beijing]\n')
    assert regions_asked(cloud, sent) == ['cn-beijing']


def test_a_cache_timeout_of_zero_keeps_listings_however_old(cloud, parse, tmp_path, clock):
    cloud.add('cn-hangzhou', [job('dtshz')])
    cache = 'cache: true\ncache_plugin: ansible.builtin.jsonfile\ncache_connection: %s\ncache_timeout: 0\n' % (
        tmp_path / 'cache'
    )
    parse(CREDENTIALS + cache + 'regions: [cn-hangzhou]\n')
    clock.now += 10**6
    parse(CREDENTIALS + cache + 'regions: [cn-hangzhou]\n')
    assert cloud.requests == 2


def test_an_entry_written_in_an_older_shape_is_fetched_again(cloud, parse, tmp_path):
    cloud.add('cn-hangzhou', [job('dtshz')])
    cache = 'cache: true\ncache_plugin: ansible.builtin.jsonfile\ncache_connection: %s\n' % (tmp_path / 'cache')
    first = parse(CREDENTIALS + cache + 'regions: [cn-hangzhou]\n')
    key = first.plugin.get_cache_key(str(tmp_path / 'test.dts_sync_jobs.yml'))
    entry = first.plugin._cache[key]
    # The 0.2 shape: the same listings, without the time each was fetched.
    for listing in entry['listings']:
        del listing['fetched']
    first.plugin._cache[key] = dict(entry, format=2)
    first.plugin.update_cache_if_changed()
    parse(CREDENTIALS + cache + 'regions: [cn-hangzhou]\n')
    assert cloud.requests == 4


def test_hostvars_prefix_and_suffix_name_every_job_variable(cloud, parse):
    cloud.add('cn-hangzhou', [job('dtsx', Delay='7', Tags=tags(env='prod'))])
    result = parse(
        CREDENTIALS
        + """regions: [cn-hangzhou]
hostvars_prefix: job_
hostvars_suffix: _v
hostnames: [job_synchronization_job_name_v]
keyed_groups:
  - key: job_tags_v.env
    prefix: env
"""
    )
    facts = result.hostvars['job dtsx']
    assert facts['job_status_v'] == 'Synchronizing' and facts['job_delay_v'] == 7
    assert facts['job_tags_v'] == {'env': 'prod'} and facts['dts_api'] == 'legacy'
    assert 'status' not in facts and 'dts_status' not in facts
    assert result.group('env_prod') == ['job dtsx']


def test_an_empty_prefix_gives_the_module_names(cloud, parse):
    cloud.add('cn-hangzhou', [job('dtsx', Delay='7')])
    facts = parse(CREDENTIALS + "regions: [cn-hangzhou]\nhostvars_prefix: ''\n").hostvars['dtsx']
    assert facts['status'] == 'Synchronizing' and facts['delay'] == 7 and facts['synchronization_job_id'] == 'dtsx'


@pytest.mark.parametrize('config', ['hostvars_prefix: dts-', 'hostvars_prefix: 1dts_', 'hostvars_suffix: .x'])
def test_a_prefix_or_suffix_that_makes_invalid_names_is_refused_before_any_request(cloud, parse, config):
    with pytest.raises(AnsibleParserError, match=r'test.dts_sync_jobs.yml: hostvars_(prefix|suffix)'):
        parse(CREDENTIALS + 'regions: [cn-hangzhou]\n' + config + '\n')
    assert cloud.requests == 0


def test_every_region_listed_is_on_the_group_all_with_its_count(cloud, parse):
    cloud.add('cn-hangzhou', [job('dtsa'), job('dtsb', 'Failed'), job('dtstw', 'Synchronizing', 'Reverse')])
    cloud.add('cn-hangzhou', [job('dtso')], key='other-ak')
    cloud.refused[('test-ak', 'cn-beijing')] = 'Forbidden.RAM'
    result = parse(
        CREDENTIALS
        + """regions: [cn-hangzhou, cn-beijing, cn-shanghai]
statuses: [Synchronizing]
accounts:
  - name: main
  - name: other
    access_key_id: other-ak
    access_key_secret: %s
    regions: [cn-hangzhou]
"""
        % OTHER_SECRET
    )
    regions = result.inventory.groups['all'].get_vars()['dts_regions']
    assert [
        (entry['account'], entry['region'], entry['jobs'], entry['refused'], entry['code']) for entry in regions
    ] == [
        ('main', 'cn-hangzhou', 2, False, None),
        ('main', 'cn-beijing', 0, True, 'Forbidden.RAM'),
        ('main', 'cn-shanghai', 0, False, None),  # a region without jobs is still seen
        ('other', 'cn-hangzhou', 1, False, None),
    ]
    assert 'Forbidden.RAM' in regions[1]['message']
    refused = result.inventory.groups['all'].get_vars()['dts_refused_regions']
    assert [(entry['account'], entry['region']) for entry in refused] == [('main', 'cn-beijing')]


def test_an_unknown_region_in_an_account_fails_naming_the_file_and_the_account(cloud, parse):
    with pytest.raises(AnsibleParserError, match=r"test.dts_sync_jobs.yml: accounts entry 'a': region 'Mars'"):
        parse(CREDENTIALS + 'accounts: [{name: a, regions: [cn-hangzhou, Mars]}]\n')
    assert cloud.requests == 0


def test_a_failing_compose_expression_is_an_error_only_with_strict(cloud, parse):
    cloud.add('cn-hangzhou', [job('dtsx')])
    config = CREDENTIALS + 'regions: [cn-hangzhou]\ncompose:\n  broken: dts_delay.nothing.here\n'
    assert 'broken' not in parse(config).hostvars['dtsx']
    with pytest.raises(AnsibleError, match='broken'):
        parse(config + 'strict: true\n')


def dts_job(instance_id, status='Synchronizing', direction='Forward', reverse=None, **fields):
    """A DescribeDtsJobs entry as the wire has it (a two-way job nests its reverse direction)."""
    record = {
        'DtsJobId': 'task-' + instance_id,
        'DtsInstanceID': instance_id,
        'DtsJobName': 'task ' + instance_id,
        'Status': status,
        'DtsJobDirection': direction,
        'Delay': 3,
        'Checkpoint': '1767225600',
        'JobType': 'SYNC',
        'TagList': [{'TagKey': 'env', 'TagValue': 'prod'}],
    }
    if reverse is not None:
        record['ReverseJob'] = {
            'DtsJobId': 'task-%s-r' % instance_id,
            'DtsInstanceID': instance_id,
            'Status': reverse,
            'DtsJobDirection': 'Reverse',
            'Delay': -1,
        }
    record.update(fields)
    return record


def test_a_job_both_families_list_is_one_host_described_by_the_current_family(cloud, parse):
    cloud.add(
        'cn-hangzhou',
        [
            job('dtsboth', 'Failed'),
            job('dtslegacy'),
            job('dtstwo', 'Synchronizing', 'Forward'),
            job('dtstwo', 'Failed', 'Reverse'),
        ],
    )
    cloud.add_current(
        'cn-hangzhou',
        [
            dts_job('dtsboth', 'synchronizing'),
            dts_job('dtsnew', 'PreCheckPass'),
            dts_job('dtstwo', reverse='Suspending'),
        ],
    )
    result = parse(CREDENTIALS + 'regions: [cn-hangzhou]\n')
    assert sorted(result.hostvars) == ['dtsboth', 'dtslegacy', 'dtsnew', 'dtstwo', 'dtstwo_reverse']
    both = result.hostvars['dtsboth']
    assert both['dts_api'] == 'current' and both['dts_status'] == 'Synchronizing' and both['dts_delay'] == 3
    assert both['dts_job_id'] == 'task-dtsboth' and both['dts_instance_id'] == 'dtsboth'
    assert both['dts_tags'] == {'env': 'prod'} and both['dts_checkpoint_time'] == '2026-01-01T00:00:00Z'
    assert 'dts_synchronization_job_id' not in both and 'dts_dts_job_id' not in both
    assert result.hostvars['dtslegacy']['dts_api'] == 'legacy'
    reverse = result.hostvars['dtstwo_reverse']
    assert reverse['dts_api'] == 'current' and reverse['dts_status'] == 'Suspending' and reverse['dts_delay'] is None
    assert 'dts_status_failed' not in result.inventory.groups  # the legacy descriptions were not used
    assert result.group('dts_status_precheckpass') == ['dtsnew']
    regions = result.inventory.groups['all'].get_vars()['dts_regions']
    assert [(entry['region'], entry['jobs']) for entry in regions] == [('cn-hangzhou', 5)]


@pytest.mark.parametrize(
    'api, hosts, actions',
    [
        ('[legacy]', ['dtsboth', 'dtslegacy'], {'DescribeSynchronizationJobs'}),
        ('[current]', ['dtsboth', 'dtsnew'], {'DescribeDtsJobs'}),
    ],
)
def test_api_lists_with_one_family_only(cloud, parse, api, hosts, actions):
    cloud.add('cn-hangzhou', [job('dtsboth'), job('dtslegacy')])
    cloud.add_current('cn-hangzhou', [dts_job('dtsboth'), dts_job('dtsnew')])
    result = parse(CREDENTIALS + 'regions: [cn-hangzhou]\napi: %s\n' % api)
    assert sorted(result.hostvars) == hosts
    assert set(action for action, _params, _headers in cloud.session.sent) == actions


def test_a_family_refused_in_a_region_leaves_the_other_and_marks_the_region(cloud, parse):
    # The fake refuses a (key, region) for both actions; here only the current listing is refused.
    cloud.add('cn-hangzhou', [job('dtslegacy')])
    original = cloud.answer

    def answer(action, params, headers):
        if action == 'DescribeDtsJobs':
            return error('Forbidden.RAM', 403, 'Not authorized to DescribeDtsJobs.')
        return original(action, params, headers)

    cloud.session.handler = answer
    result = parse(CREDENTIALS + 'regions: [cn-hangzhou]\n')
    assert sorted(result.hostvars) == ['dtslegacy'] and len(result.warnings) == 1
    regions = result.inventory.groups['all'].get_vars()['dts_regions']
    assert [(entry['region'], entry['jobs'], entry['refused'], entry['code']) for entry in regions] == [
        ('cn-hangzhou', 1, True, 'Forbidden.RAM')
    ]


def test_an_empty_api_list_is_refused_before_any_request(cloud, parse):
    with pytest.raises(AnsibleParserError, match='api must name legacy and/or current'):
        parse(CREDENTIALS + 'regions: [cn-hangzhou]\napi: []\n')
    assert cloud.requests == 0


def test_constructed_expressions_are_compiled_once_for_all_hosts(cloud, parse, monkeypatch):
    engine_module = pytest.importorskip('ansible._internal._templating._engine')
    compiled = []
    original = engine_module.TemplateEngine._compile_expression

    def counting(self, expression, options):
        compiled.append(str(expression))
        return original(self, expression, options)

    monkeypatch.setattr(engine_module.TemplateEngine, '_compile_expression', counting)
    cloud.add(
        'cn-hangzhou',
        [
            job(
                'dtsc%02d' % n,
                'Failed' if n % 3 else 'synchronizing',
                Delay=str(n * 20),
                Tags=tags(env='prod' if n % 2 else 'dev'),
            )
            for n in range(30)
        ],
    )
    result = parse(
        CREDENTIALS
        + """regions: [cn-hangzhou]
compose:
  lag: dts_delay * 2
groups:
  lagging: dts_delay > 300
keyed_groups:
  - key: dts_tags.env
    prefix: env
"""
    )
    assert sorted(compiled) == ['dts_delay * 2', 'dts_delay > 300', 'dts_tags.env']
    # Still evaluated per host.
    assert result.hostvars['dtsc20']['lag'] == 800
    assert result.group('lagging') == ['dtsc%02d' % n for n in range(16, 30)]
    assert len(result.group('env_prod')) == 15
    # The engine is left as it was found.
    assert '_compile_expression' not in vars(result.plugin.templar._engine)


def test_is_plain_accepts_json_shaped_data_only():
    from ansible_collections.alibabacloud.dts.plugins.plugin_utils._core_internals import is_plain

    assert is_plain({'a': [1, 2.5, {'b': None}], 'c': True, 'd': 'text'})
    assert is_plain([]) and is_plain('') and is_plain(None) and is_plain(0)
    assert is_plain({'a': {'b': {'c': [[{'d': 'deep'}], []]}}, 'e': {}})
    for odd in ((1, 2), {'a': {1, 2}}, {1: 'integer key'}, [object()], b'bytes', {'a': [{'b': (1,)}]}):
        assert not is_plain(odd)

    class Text(str):
        """A str subclass, as ansible-core's tagged strings are: not plain."""

    for odd in (Text('x'), [Text('x')], {Text('key'): 1}, {'a': {'b': {'c': [[{'d': Text('deep')}]]}}}):
        assert not is_plain(odd)


class CountingInventory(InventoryData):
    """An InventoryData that records which variables went through set_variable."""

    def __init__(self):
        super(CountingInventory, self).__init__()
        self.set_calls = []

    def set_variable(self, entity, varname, value):
        self.set_calls.append((entity, varname))
        super(CountingInventory, self).set_variable(entity, varname, value)


def test_job_facts_are_set_on_the_host_not_through_set_variable(cloud, parse):
    # ansible-core 2.19's set_variable inspects and copies every value: most of a parse of thousands of jobs.
    cloud.add('cn-hangzhou', [job('dtsa', Tags=tags(env='prod')), job('dtsb')])
    cloud.add_current('cn-hangzhou', [dts_job('dtsc', reverse='Suspending')])
    inventory = CountingInventory()
    result = parse(CREDENTIALS + 'regions: [cn-hangzhou]\ncompose:\n  lag: dts_delay\n', inventory=inventory)
    assert sorted(result.hostvars) == ['dtsa', 'dtsb', 'dtsc', 'dtsc_reverse']
    assert result.hostvars['dtsa']['dts_tags'] == {'env': 'prod'}
    assert result.hostvars['dtsc_reverse']['dts_status'] == 'Suspending'
    # Only Ansible's own variables, what compose makes and the group all's variables take that path. The
    # region comes from the configuration, where ansible-core tags strings: the plugin keeps an exact str of
    # it (no tag, no trust), plain data like the rest of the facts.
    assert sorted(set(name for _entity, name in inventory.set_calls)) == [
        'dts_regions',
        'inventory_dir',
        'inventory_file',
        'lag',
    ]
    # The exact type: ansible-core's tagged strings are str subclasses.
    assert {type(result.inventory.get_host(host).vars['dts_region']) for host in result.hostvars} == {str}
    assert all(result.inventory.get_host(host).vars['dts_region'] == 'cn-hangzhou' for host in result.hostvars)


def test_without_a_cache_the_service_records_are_not_kept_once_made_facts(cloud, parse, monkeypatch):
    from ansible_collections.alibabacloud.dts.plugins.inventory import dts_sync_jobs

    kept = []
    original = dts_sync_jobs.InventoryModule._prepare_region

    def recording(self, listings, *args, **kwargs):
        kept.extend(sorted(listing) for listing in listings)
        return original(self, listings, *args, **kwargs)

    monkeypatch.setattr(dts_sync_jobs.InventoryModule, '_prepare_region', recording)
    cloud.add('cn-hangzhou', [job('dtsa')])
    cloud.add_current('cn-hangzhou', [dts_job('dtsc')])
    result = parse(CREDENTIALS + 'regions: [cn-hangzhou]\n')
    assert sorted(result.hostvars) == ['dtsa', 'dtsc']
    assert kept == [['account', 'api', 'facts', 'fetched', 'key', 'region', 'task_ids', 'warnings']] * 2


def test_the_listings_and_the_hosts_are_made_with_the_garbage_collector_paused(cloud, parse, monkeypatch):
    import gc

    from ansible_collections.alibabacloud.dts.plugins.inventory import dts_sync_jobs

    seen = []
    original = dts_sync_jobs.merge_normalized

    def recording(*args, **kwargs):
        seen.append(gc.isenabled())
        return original(*args, **kwargs)

    monkeypatch.setattr(dts_sync_jobs, 'merge_normalized', recording)
    cloud.add('cn-hangzhou', [job('dtsa')])
    gc.enable()
    gc.unfreeze()
    parse(CREDENTIALS + 'regions: [cn-hangzhou]\n')
    # And the hosts, kept to the end of the run, are frozen: no later collection walks them again.
    assert seen == [False] and gc.isenabled() and gc.get_freeze_count() > 0
    gc.unfreeze()


def test_a_fact_that_is_not_plain_data_goes_through_set_variable(cloud, parse, monkeypatch):
    from ansible_collections.alibabacloud.dts.plugins.inventory import dts_sync_jobs

    original = dts_sync_jobs.merge_normalized

    def with_a_tuple(*args, **kwargs):
        facts = original(*args, **kwargs)
        for fact in facts:
            fact['odd'] = ('a', 'tuple')
        return facts

    monkeypatch.setattr(dts_sync_jobs, 'merge_normalized', with_a_tuple)
    cloud.add('cn-hangzhou', [job('dtsa')])
    inventory = CountingInventory()
    result = parse(CREDENTIALS + 'regions: [cn-hangzhou]\n', inventory=inventory)
    assert ('dtsa', 'dts_odd') in inventory.set_calls
    assert result.hostvars['dtsa']['dts_odd'] == ('a', 'tuple')


def _strings(value):
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, str):
        yield value


def test_no_value_the_inventory_sets_is_trusted_as_a_template(cloud, parse):
    # ansible-core templates only strings tagged as trusted; job text from DTS must never be, nor anything
    # else the plugin sets (the region and account names come from the trusted configuration file).
    from ansible.template import is_trusted_as_template

    hostile = "{{ lookup('ansible.builtin.pipe', 'touch pwned') }}"
    cloud.add(
        'cn-hangzhou', [job('dtsh', SynchronizationJobName=hostile, ErrorMessage=hostile, Tags=tags(env=hostile))]
    )
    cloud.refused[('test-ak', 'cn-beijing')] = 'Forbidden.RAM'
    result = parse(
        CREDENTIALS
        + """regions: [cn-hangzhou, cn-beijing]
accounts: [{name: production}]
hostnames: [dts_synchronization_job_name]
compose:
  label: dts_tags.env ~ dts_region
"""
    )
    variables = result.hostvars[hostile]
    assert variables['dts_synchronization_job_name'] == hostile and variables['label'] == hostile + 'cn-hangzhou'
    all_vars = result.inventory.groups['all'].get_vars()
    assert all_vars['dts_regions'] and all_vars['dts_refused_regions']
    trusted = [text for text in _strings([result.hostvars, all_vars]) if is_trusted_as_template(text)]
    assert trusted == []
    assert result.plugin.trusted_by_default is False


def test_the_public_api_path_makes_the_same_inventory(cloud, parse, monkeypatch):
    # What the ansible-core shortcuts (plugin_utils/_core_internals) save must not change what is made.
    from ansible_collections.alibabacloud.dts.plugins.plugin_utils import _core_internals

    cloud.add(
        'cn-hangzhou',
        [
            job(
                'dtsp%02d' % n,
                'Failed' if n % 3 else 'synchronizing',
                Delay=str(n * 40),
                Tags=tags(env='prod' if n % 2 else 'dev'),
            )
            for n in range(12)
        ],
    )
    cloud.add_current('cn-hangzhou', [dts_job('dtsq', reverse='Suspending')])
    config = CREDENTIALS + (
        'regions: [cn-hangzhou]\ncompose:\n  lag: dts_delay * 2\n'
        'groups:\n  lagging: dts_delay > 300\n'
        'keyed_groups:\n  - key: dts_tags.env\n    prefix: env\n'
    )
    made = {}
    for internals in (True, False):
        monkeypatch.setattr(_core_internals, 'USE_INTERNALS', internals)
        result = parse(config)
        made[internals] = (result.dump(), dict((name, result.group(name)) for name in result.inventory.groups))
    assert made[True] == made[False]
    assert made[False][1]['lagging'] == ['dtsp08', 'dtsp09', 'dtsp10', 'dtsp11']
    assert set('dtsp%02d' % n for n in range(1, 12, 2)) <= set(made[False][1]['env_prod'])


def test_a_region_listed_whole_is_prepared_while_others_are_listed_and_hosts_keep_the_configured_order(
    cloud, parse, monkeypatch
):
    from ansible_collections.alibabacloud.dts.plugins.inventory import dts_sync_jobs

    prepared, hangzhou_prepared = [], threading.Event()
    original = dts_sync_jobs.InventoryModule._prepare_region

    def recording(self, listings, *args, **kwargs):
        result = original(self, listings, *args, **kwargs)
        prepared.append(listings[0]['region'])
        if listings[0]['region'] == 'cn-hangzhou':
            hangzhou_prepared.set()
        return result

    monkeypatch.setattr(dts_sync_jobs.InventoryModule, '_prepare_region', recording)
    answer = cloud.session.handler
    beijing_answered_after = []

    def beijing_waits(action, params, headers):
        if params.get('RegionId') == 'cn-beijing' and action == 'DescribeSynchronizationJobs':
            beijing_answered_after.append(hangzhou_prepared.wait(30))
        return answer(action, params, headers)

    cloud.session.handler = beijing_waits
    # The same name in both regions: the region first in the configuration keeps it.
    cloud.add('cn-beijing', [job('dtsb', SynchronizationJobName='orders')])
    cloud.add('cn-hangzhou', [job('dtsh', SynchronizationJobName='orders')])
    result = parse(
        CREDENTIALS + 'regions: [cn-beijing, cn-hangzhou]\napi: [legacy]\nhostnames: [dts_synchronization_job_name]\n'
    )
    assert beijing_answered_after == [True] and prepared == ['cn-hangzhou', 'cn-beijing']
    assert list(result.inventory.hosts) == ['orders', 'orders_dtsh']
    assert result.hostvars['orders']['dts_synchronization_job_id'] == 'dtsb'
    assert [region['region'] for region in result.inventory.groups['all'].get_vars()['dts_regions']] == [
        'cn-beijing',
        'cn-hangzhou',
    ]
