# -*- coding: utf-8 -*-
# Copyright: Contributors to the alibabacloud.dts collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: dts_sync_jobs
short_description: DTS synchronization jobs as inventory hosts
version_added: 0.1.0
description:
  - Makes each Data Transmission Service synchronization job a host, across regions and accounts,
    with the job's facts (as M(alibabacloud.dts.dts_sync_job_info) returns them) as host variables.
  - Hosts are grouped by status (C(dts_status_synchronizing)), region (C(dts_region_cn_beijing)) and,
    with O(accounts), account (C(dts_account_production)); C(keyed_groups), C(groups) and C(compose)
    add more, for example from tags.
  - Every (account, region) pair is listed concurrently, each with its pages fetched concurrently;
    the top-level O(max_concurrent_requests) bounds the requests in flight for the whole inventory,
    all accounts and regions together.
  - A two-way job has a record per direction; its Forward record is the host C(<job id>) and its
    Reverse record the host C(<job id>_reverse), so no record hides another.
  - The configuration file name must end with C(dts_sync_jobs.yml) or C(dts_sync_jobs.yaml).
  - The cache keeps the raw records of each (account, region), never credentials; groups, O(compose),
    O(keyed_groups), O(statuses) and O(hostnames) are applied again to them at every run.
  - A region that refuses the listing (not enabled, C(Forbidden.RAM), C(InvalidRegionId)...) is a
    warning naming it (and its account) and the other regions still make the inventory; with
    O(strict) it is an error.
notes:
  - Ansible warns C(Found variable using reserved name) for the facts C(delay) and C(tags), which are
    also task keywords; the facts keep the names M(alibabacloud.dts.dts_sync_job_info) returns, and
    O(compose) can copy them to other names.
  - See C(docs/inventory.md) in the collection for more examples and the audit playbook built on it.
author:
  - alibabacloud.dts maintainers (@alibabacloud)
extends_documentation_fragment:
  - alibabacloud.dts.common
  - constructed
  - inventory_cache
options:
  plugin:
    description: The name of this plugin; makes the file an inventory source for it.
    type: str
    required: true
    choices: [alibabacloud.dts.dts_sync_jobs]
  regions:
    description:
      - Regions to list jobs in. Defaults to the one configured region (O(region), E(ALIBABA_CLOUD_REGION_ID)...).
    type: list
    elements: str
    default: []
  accounts:
    description:
      - Several accounts in one inventory. Each entry is a set of the connection options
        (O(access_key_id), O(profile), O(assume_role)...) with a O(accounts[].name) and optionally its
        own O(accounts[].regions); options not given in an entry come from the top level.
      - Each job host gets the variable C(dts_account) and joins the group C(dts_account_<name>).
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: A name for the account, unique in this inventory.
        type: str
        required: true
      regions:
        description: Regions of this account; defaults to the top-level O(regions).
        type: list
        elements: str
  name:
    description: Only jobs whose name contains this text (DTS applies the filter).
    type: str
  tags:
    description:
      - Only jobs carrying every one of these tags (DTS applies the filter). At most 20.
      - A key with a null value matches any value of that key.
    type: dict
  resource_group_id:
    description: Only jobs in this resource group (DTS applies the filter).
    type: str
  statuses:
    description:
      - Only jobs in one of these statuses, compared without regard to case.
    type: list
    elements: str
  hostnames:
    description:
      - Job facts to name hosts by, in order of preference; the first one a job has (non-empty) is
        used. Dotted paths reach into dictionaries, for example C(tags.Name).
      - Two records that would get the same name are told apart by appending the job ID.
    type: list
    elements: str
    default: [synchronization_job_id]
'''

EXAMPLES = r'''
# dts.dts_sync_jobs.yml: every job of three regions, credentials from the environment
plugin: alibabacloud.dts.dts_sync_jobs
regions: [cn-hangzhou, cn-beijing, ap-southeast-1]
keyed_groups:
  - key: tags.env | default('untagged')
    prefix: env

# prod.dts_sync_jobs.yml: name hosts after the job, only production jobs that need attention
plugin: alibabacloud.dts.dts_sync_jobs
region: cn-shanghai
tags:
  env: prod
statuses: [Failed, PrecheckFailed, InitializeFailed, Suspending]
hostnames: [synchronization_job_name, synchronization_job_id]

# all.dts_sync_jobs.yml: two accounts, a role assumed in each, cached for an hour
plugin: alibabacloud.dts.dts_sync_jobs
regions: [cn-hangzhou, cn-beijing]
accounts:
  - name: production
    profile: prod
    assume_role:
      role_arn: acs:ram::123456789012****:role/dts-auditor
  - name: staging
    profile: staging
    regions: [cn-hangzhou]
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: ~/.cache/ansible-dts
cache_timeout: 3600
compose:
  lagging: delay > 300
groups:
  dts_lagging: delay > 300
'''

import re
import threading

from ansible.errors import AnsibleError, AnsibleParserError
from ansible.module_utils.common.text.converters import to_native
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable

from ansible_collections.alibabacloud.dts.plugins.module_utils._client import (
    HAS_REQUESTS,
    job_filters,
    run_concurrently,
)
from ansible_collections.alibabacloud.dts.plugins.module_utils._connection import (
    CONNECTION_OPTIONS,
    connect,
    validate_connection_params,
)
from ansible_collections.alibabacloud.dts.plugins.module_utils._errors import DtsApiError, DtsConfigError
from ansible_collections.alibabacloud.dts.plugins.module_utils._jobs import validate_statuses
from ansible_collections.alibabacloud.dts.plugins.module_utils._normalize import normalize_job


class _GatedSession(object):
    """A client's HTTP session whose requests wait for a slot of a gate shared by every client.

    The listings of all (account, region) pairs and their pages run at once; the gate keeps
    the requests actually in flight for the whole inventory at ``max_concurrent_requests``.
    """

    def __init__(self, session, gate):
        self._session = session
        self._gate = gate

    def request(self, *args, **kwargs):
        with self._gate:
            return self._session.request(*args, **kwargs)


def group_name(*parts):
    """``dts_region_cn_beijing``: lower case, anything but letters, digits and _ turned into _."""
    return re.sub(r'[^a-z0-9_]', '_', '_'.join(str(part) for part in parts).lower())


def lookup_path(facts, path):
    value = facts
    for part in path.split('.'):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):

    NAME = 'alibabacloud.dts.dts_sync_jobs'

    def verify_file(self, path):
        return super(InventoryModule, self).verify_file(path) and path.endswith(
            ('dts_sync_jobs.yml', 'dts_sync_jobs.yaml'))

    def parse(self, inventory, loader, path, cache=True):
        super(InventoryModule, self).parse(inventory, loader, path, cache)
        try:
            self._read_config_data(path)
        except AnsibleParserError:
            raise
        except AnsibleError as error:
            # A value outside an option's choices or of the wrong type: still a parse error of this file.
            raise AnsibleParserError('%s: %s' % (path, to_native(error)))
        if not HAS_REQUESTS:
            raise AnsibleParserError('The dts_sync_jobs inventory needs the python requests library: pip install requests')
        try:
            statuses = validate_statuses(self.get_option('statuses'))
            filters = dict(name=self.get_option('name'), tags=self.get_option('tags'),
                           resource_group_id=self.get_option('resource_group_id'))
            job_filters(**filters)
        except DtsConfigError as error:
            raise AnsibleParserError('%s: %s' % (path, error.message))
        targets = self._targets(path)

        cache_key = self.get_cache_key(path)
        use_cache = self.get_option('cache') and cache
        update_cache = self.get_option('cache') and not cache
        listings = None
        if use_cache:
            try:
                listings = self._cache[cache_key]
            except KeyError:
                update_cache = True
        if listings is None:
            listings = self._fetch(targets, filters)
        if update_cache:
            self._cache[cache_key] = listings
        self._populate(listings, statuses)

    # -- configuration ------------------------------------------------------------------

    def _option(self, name):
        value = self.get_option(name)
        if isinstance(value, str) and self.templar.is_template(value):
            value = self.templar.template(value)
        return value

    def _targets(self, path):
        """(account name, connection params, region) for every listing to make."""
        defaults = dict((name, self._option(name)) for name in CONNECTION_OPTIONS)
        regions = self.get_option('regions') or []
        accounts = self.get_option('accounts') or [{'name': None}]
        names, targets = set(), []
        for account in accounts:
            unknown = set(account) - set(CONNECTION_OPTIONS) - set(['name', 'regions'])
            if unknown:
                raise AnsibleParserError('%s: accounts entry %r has unknown options %s; use the connection options '
                                         'of the collection (%s).' % (path, account.get('name'), ', '.join(
                                             sorted(unknown)), ', '.join(CONNECTION_OPTIONS)))
            name = account.get('name')
            if name in names:
                raise AnsibleParserError('%s: accounts names must be unique; %r appears twice.' % (path, name))
            names.add(name)
            params = dict(defaults)
            for key, value in account.items():
                if key in CONNECTION_OPTIONS:
                    if isinstance(value, str) and self.templar.is_template(value):
                        value = self.templar.template(value)
                    params[key] = value
            try:
                # Options that need no network are checked before any request is made.
                validate_connection_params(params)
            except DtsConfigError as error:
                raise AnsibleParserError('%s: %s%s' % (path, 'accounts entry %r: ' % name if name else '',
                                                       error.message))
            account_regions = account.get('regions') or regions or [None]
            # A region named twice is listed once: its records would otherwise be two hosts each.
            for region in sorted(set(account_regions), key=account_regions.index):
                targets.append((name, params, region))
        return targets

    # -- fetching ---------------------------------------------------------------------------

    def _fetch(self, targets, filters):
        """The raw records of every (account, region): what the cache keeps."""
        credentials, lock = {}, threading.Lock()
        budget = self._request_budget()
        gate = threading.BoundedSemaphore(budget)

        def list_region(target):
            account, params, region = target
            try:
                with lock:
                    known = credentials.get(account)
                client = connect(params, region=region, credentials=known)
                with lock:
                    credentials.setdefault(account, client.credentials)
                client.session = _GatedSession(client.session, gate)
                records = client.list_jobs(**filters)
                return {'account': account, 'region': client.region, 'records': records}
            except DtsConfigError as error:
                raise AnsibleParserError(self._where(account, region) + error.message)
            except DtsApiError as error:
                message = self._where(account, region) + error.describe()
                if self.get_option('strict'):
                    raise AnsibleParserError(message)
                self.display.warning('Skipping DTS jobs of ' + message)
                return None

        listings = run_concurrently(list_region, targets, budget)
        return [listing for listing in listings if listing is not None]

    def _request_budget(self):
        """The top-level max_concurrent_requests: requests in flight at once, all listings together."""
        try:
            return validate_connection_params({'max_concurrent_requests': self._option('max_concurrent_requests')})[
                'max_concurrency']
        except DtsConfigError as error:
            raise AnsibleParserError(error.message)

    @staticmethod
    def _where(account, region):
        where = 'region %s' % (region or '(default)')
        if account:
            where += ' of account %s' % account
        return where + ': '

    # -- hosts and groups ------------------------------------------------------------------------

    def _hostname(self, facts, taken):
        name = None
        for preference in self.get_option('hostnames'):
            value = lookup_path(facts, preference)
            if value not in (None, ''):
                name = str(value)
                break
        name = name or facts['synchronization_job_id']
        if facts.get('synchronization_direction') == 'Reverse':
            name += '_reverse'
        if name in taken:
            name = '%s_%s' % (name, facts['synchronization_job_id'])
        return name

    def _populate(self, listings, statuses):
        strict = self.get_option('strict')
        taken = set()
        for listing in listings:
            for record in listing['records']:
                facts = normalize_job(record, listing['region'])
                if statuses and facts.get('status') not in statuses:
                    continue
                if listing['account']:
                    facts['dts_account'] = listing['account']
                host = self._hostname(facts, taken)
                taken.add(host)
                self.inventory.add_host(host)
                for key, value in facts.items():
                    self.inventory.set_variable(host, key, value)
                default_groups = [group_name('dts_status', facts.get('status') or 'unknown'),
                                  group_name('dts_region', listing['region'])]
                if listing['account']:
                    default_groups.append(group_name('dts_account', listing['account']))
                for group in default_groups:
                    self.inventory.add_group(group)
                    self.inventory.add_child(group, host)
                self._set_composite_vars(self.get_option('compose'), facts, host, strict=strict)
                self._add_host_to_composed_groups(self.get_option('groups'), facts, host, strict=strict)
                self._add_host_to_keyed_groups(self.get_option('keyed_groups'), facts, host, strict=strict)
