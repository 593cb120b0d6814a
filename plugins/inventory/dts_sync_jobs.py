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
    with all the job's facts as host variables (those M(alibabacloud.dts.dts_sync_job_info) returns
    with O(alibabacloud.dts.dts_sync_job_info#module:fields=[all])).
  - Hosts are grouped by status (C(dts_status_synchronizing)), region (C(dts_region_cn_beijing)) and,
    with O(accounts), account (C(dts_account_production)); C(keyed_groups), C(groups) and C(compose)
    add more, for example from tags.
  - Every (account, region) pair is listed concurrently, each with its pages fetched concurrently;
    the top-level O(max_concurrent_requests) bounds the requests in flight for the whole inventory,
    all accounts and regions together.
  - A two-way job has a record per direction; its Forward record is the host C(<job id>) and its
    Reverse record the host C(<job id>_reverse), so no record hides another.
  - The configuration file name must end with C(dts_sync_jobs.yml) or C(dts_sync_jobs.yaml).
  - The cache keeps the raw answer of each (account, region), never credentials, under a key made
    of the account, region, endpoint, server-side filters and credential options; groups, O(compose),
    O(keyed_groups), O(statuses) and O(hostnames) are applied again to it at every run. A region
    added to the configuration, or a changed filter, is fetched while the rest still comes from the cache.
  - A region that refuses the listing (an error code starting with C(Forbidden), C(InvalidRegionId),
    C(NoPermission), C(OperationDenied), or saying the region is not supported or the service not
    enabled) is a warning naming it (and its account); the other regions still make the inventory,
    and the group C(all) gets the variable C(dts_refused_regions), a list of
    C({account, region, code, message}), so that reports can say what they could not see. With
    O(strict) a refused region is an error.
  - Any other failure (wrong credentials, an endpoint that cannot be reached, throttling that outlasts
    O(retries)) fails the whole source, because an inventory silently missing regions would make an audit wrong.
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
        (O(access_key_id), O(profile), O(assume_role)..., their aliases too) with a O(accounts[].name)
        and optionally its own O(accounts[].regions); options not given in an entry come from the top
        level. String values may be templates, as at the top level.
      - Credentials are resolved once per account (one AssumeRole), however many regions it lists.
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
  page_size:
    description:
      - Records per C(DescribeSynchronizationJobs) page. The first page of each region gives the total,
        the other pages are then fetched concurrently.
    type: int
    choices: [10, 20, 30]
    default: 30
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

import hashlib
import json
import os
import re
import threading

from ansible.errors import AnsibleError, AnsibleParserError
from ansible.module_utils.common.text.converters import to_native
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable

from ansible_collections.alibabacloud.dts.plugins.module_utils._api_legacy import job_filters, list_jobs, validate_page_size
from ansible_collections.alibabacloud.dts.plugins.module_utils._client import HAS_REQUESTS, run_concurrently
from ansible_collections.alibabacloud.dts.plugins.module_utils._connection import (
    CONNECTION_OPTIONS,
    connect,
    connection_argument_spec,
    validate_connection_params,
)
from ansible_collections.alibabacloud.dts.plugins.module_utils._endpoints import resolve_endpoint, validate_region
from ansible_collections.alibabacloud.dts.plugins.module_utils._errors import DtsApiError, DtsConfigError
from ansible_collections.alibabacloud.dts.plugins.module_utils._jobs import validate_statuses
from ansible_collections.alibabacloud.dts.plugins.module_utils._normalize import normalize_job
from ansible_collections.alibabacloud.dts.plugins.module_utils._profiles import resolve_region

# Error codes that mean "this account may not list jobs in this region" (the region is not
# enabled for it, or RAM denies it there): the other regions still make the inventory.
# Anything else (bad credentials, a dead endpoint, throttling that outlasted the retries) fails
# the source, because an inventory silently missing regions would make an audit lie.
REFUSAL_CODE_PREFIXES = ('Forbidden', 'InvalidRegionId', 'NoPermission', 'OperationDenied', 'UnsupportedRegion',
                         'Region.NotSupport', 'RegionNotSupport', 'NotSupportedRegion', 'ServiceNotEnabled',
                         'ServiceNotOpen')
# The variable of the group all listing the regions that refused, for reports. Set only when a
# region refused: group variables reach every host, so nothing is added in the ordinary case.
REFUSED_VAR = 'dts_refused_regions'
# The shape of a cache entry; an entry of another shape is ignored (and replaced).
CACHE_FORMAT = 2
# Connection options that say whose jobs a listing holds, folded (hashed) into each cached listing's key.
IDENTITY_OPTIONS = ('access_key_id', 'profile', 'credentials_file', 'ecs_role_name')
ACCOUNT_KEYS = ('name', 'regions')


def _aliases():
    aliases = {}
    for name, spec in connection_argument_spec().items():
        for alias in spec.get('aliases') or []:
            aliases[alias] = name
    return aliases


OPTION_ALIASES = _aliases()


def is_region_refusal(error):
    """True when ``error`` (a DtsApiError) says the region is closed to the account, not that the request failed."""
    return error.code.startswith(REFUSAL_CODE_PREFIXES)


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


class _Target(object):
    """One listing to make: an account (None without O(accounts)) in a region."""

    def __init__(self, account, params, region, key):
        self.account, self.params, self.region, self.key = account, params, region, key


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


def listing_key(account, region, endpoint, filters, params):
    """What a cached listing answers: account, region, endpoint, filters and credential source.

    Hashed, so the cache names no access key or profile; a change to any of them makes the
    listing miss the cache instead of serving another account's or another filter's jobs.
    """
    assume_role = params.get('assume_role') or {}
    identity = dict((name, params.get(name)) for name in IDENTITY_OPTIONS)
    identity['role_arn'] = assume_role.get('role_arn')
    text = json.dumps([account, region, endpoint, filters, identity], sort_keys=True, default=str)
    return hashlib.sha256(text.encode('utf-8')).hexdigest()


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
        page_size = self.get_option('page_size')
        try:
            validate_page_size(page_size)
            statuses = validate_statuses(self.get_option('statuses'))
            filters = dict(name=self.get_option('name'), tags=self.get_option('tags'),
                           resource_group_id=self.get_option('resource_group_id'))
            query = job_filters(**filters)
        except DtsConfigError as error:
            raise AnsibleParserError('%s: %s' % (path, error.message))
        targets = self._targets(path, query)

        cache_key = self.get_cache_key(path)
        cached = {}
        if self.get_option('cache') and cache:
            try:
                cached = self._cached_listings(self._cache[cache_key])
            except KeyError:
                pass
        missing = [target for target in targets if target.key not in cached]
        fetched = dict((listing['key'], listing) for listing in self._fetch(missing, filters, page_size))
        listings = [cached.get(target.key) or fetched[target.key] for target in targets]
        if self.get_option('cache') and (missing or not cache):
            self._cache[cache_key] = {'format': CACHE_FORMAT, 'listings': listings}
        self._populate(listings, statuses)

    # -- configuration ------------------------------------------------------------------

    def _template(self, value):
        if isinstance(value, str) and self.templar.is_template(value):
            return self.templar.template(value)
        if isinstance(value, dict):
            return dict((key, self._template(item)) for key, item in value.items())
        return value

    def _targets(self, path, query):
        """A _Target for every (account, region) to list, with every option checked first."""
        defaults = dict((name, self._template(self.get_option(name))) for name in CONNECTION_OPTIONS)
        regions = self.get_option('regions') or []
        accounts = self.get_option('accounts') or [{'name': None}]
        names = [account.get('name') for account in accounts if isinstance(account, dict)]
        for name in names:
            if names.count(name) > 1:
                raise AnsibleParserError('%s: accounts names must be unique; %r appears twice.' % (path, name))
        targets, keys = [], set()
        for account in accounts:
            if not isinstance(account, dict):
                raise AnsibleParserError('%s: each accounts entry must be a dictionary with a name, got %r.'
                                         % (path, account))
            account = dict((OPTION_ALIASES.get(key, key), value) for key, value in account.items())
            name = account.get('name')
            if self.get_option('accounts') and (not isinstance(name, str) or not name.strip()):
                raise AnsibleParserError('%s: every accounts entry needs a name (a non-empty string); got %r.'
                                         % (path, name))
            if not isinstance(account.get('regions') or [], list):
                raise AnsibleParserError('%s: accounts entry %r: regions must be a list of regions, got %r.'
                                         % (path, name, account['regions']))
            unknown = set(account) - set(CONNECTION_OPTIONS) - set(ACCOUNT_KEYS)
            if unknown:
                raise AnsibleParserError('%s: accounts entry %r has unknown options %s; use the connection options '
                                         'of the collection (%s).' % (path, name, ', '.join(
                                             sorted(unknown)), ', '.join(CONNECTION_OPTIONS)))
            params = dict(defaults)
            for key, value in account.items():
                if key in CONNECTION_OPTIONS:
                    params[key] = self._template(value)
            where = '%s: %s' % (path, 'accounts entry %r: ' % name if name else '')
            try:
                # Options that need no network are checked before any request is made.
                validate_connection_params(params)
                account_regions = account.get('regions') or regions or [resolve_region(params)]
                for region in account_regions:
                    region = validate_region(region)
                    endpoint = resolve_endpoint(region, params.get('endpoint'), os.environ)
                    key = listing_key(name, region, endpoint, query, params)
                    # A region named twice is listed once: its records would otherwise be two hosts each.
                    if key not in keys:
                        keys.add(key)
                        targets.append(_Target(name, params, region, key))
            except DtsConfigError as error:
                raise AnsibleParserError(where + error.message)
        return targets

    @staticmethod
    def _cached_listings(entry):
        """The listings of a cache entry by key; an entry written in another shape is ignored."""
        if not isinstance(entry, dict) or entry.get('format') != CACHE_FORMAT:
            return {}
        return dict((listing['key'], listing) for listing in entry.get('listings') or []
                    if isinstance(listing, dict) and listing.get('key'))

    # -- fetching ---------------------------------------------------------------------------

    def _fetch(self, targets, filters, page_size):
        """The answer of every target as a listing: its raw records, or the refusal. What the cache keeps."""
        if not targets:
            return []
        budget = self._request_budget()
        gate = threading.BoundedSemaphore(budget)
        # Credentials are resolved once per account (one AssumeRole or metadata read), by the first
        # of its listings to start; the account's other listings wait for them.
        locks = dict((target.account, threading.Lock()) for target in targets)
        resolved = {}

        def client_for(target):
            with locks[target.account]:
                known = resolved.get(target.account)
                if isinstance(known, Exception):
                    raise known
                if known is None:
                    try:
                        client = connect(target.params, region=target.region)
                    except (DtsApiError, DtsConfigError) as error:
                        resolved[target.account] = error
                        raise
                    resolved[target.account] = client.credentials
                    return client
            return connect(target.params, region=target.region, credentials=known)

        def list_region(target):
            listing = {'key': target.key, 'account': target.account, 'region': target.region}
            where = self._where(target.account, target.region)
            try:
                client = client_for(target)
            except DtsConfigError as error:
                raise AnsibleParserError(where + error.message)
            except DtsApiError as error:
                # Credentials that cannot be had fail the whole account, not one region.
                raise AnsibleParserError(where + 'credentials: ' + error.describe())
            client.session = _GatedSession(client.session, gate)
            try:
                listing['records'] = list_jobs(client, page_size=page_size, **filters)
            except DtsApiError as error:
                if self.get_option('strict') or not is_region_refusal(error):
                    raise AnsibleParserError(where + error.describe())
                listing['refused'] = {'code': error.code, 'message': error.describe()}
            return listing

        return run_concurrently(list_region, targets, budget)

    def _request_budget(self):
        """The top-level max_concurrent_requests: requests in flight at once, all listings together."""
        try:
            return validate_connection_params({'max_concurrent_requests': self._template(
                self.get_option('max_concurrent_requests'))})['max_concurrency']
        except DtsConfigError as error:
            raise AnsibleParserError(error.message)

    @staticmethod
    def _where(account, region):
        where = 'region %s' % region
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
        taken = set(self.inventory.hosts)
        refused = []
        for listing in listings:
            if 'refused' in listing:
                where = self._where(listing['account'], listing['region'])
                self.display.warning('Skipping DTS jobs of ' + where + listing['refused']['message'])
                refused.append({'account': listing['account'] or '', 'region': listing['region'],
                                'code': listing['refused']['code'], 'message': listing['refused']['message']})
                continue
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
        if refused:
            # Several sources may refuse regions: each adds its own to the list.
            earlier = self.inventory.groups['all'].get_vars().get(REFUSED_VAR) or []
            self.inventory.set_variable('all', REFUSED_VAR, list(earlier) + refused)
