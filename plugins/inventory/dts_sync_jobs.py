# -*- coding: utf-8 -*-
# Copyright: Contributors to the alibabacloud.dts collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
name: dts_sync_jobs
short_description: DTS synchronization jobs as inventory hosts
version_added: 0.1.0
description:
  - Makes each Data Transmission Service synchronization job a host, across regions and accounts,
    with all the job's facts as host variables (those M(alibabacloud.dts.dts_sync_job_info) returns
    with O(alibabacloud.dts.dts_sync_job_info#module:fields=[all])), each named with O(hostvars_prefix)
    (C(dts_) by default) and O(hostvars_suffix), for example C(dts_status), C(dts_delay), C(dts_tags),
    C(dts_synchronization_job_id)... A fact whose name already starts with the prefix keeps its name.
  - Jobs are listed with both API families by default (O(api)); a job both list (the same instance ID and
    direction) is one host, described by the current family (M(alibabacloud.dts.dts_job_info)'s facts,
    C(dts_job_id), C(dts_instance_id), C(dts_job_direction), C(dts_status)...), never two, with every fact
    only the legacy listing has (a fact the current description lacks or holds empty, such as the failed
    items of C(dts_precheck_status)). A job only the legacy family lists has
    M(alibabacloud.dts.dts_sync_job_info)'s facts (C(dts_synchronization_job_id)...).
  - Every host also gets C(dts_api), the API family that described it (C(legacy) or C(current)), and with
    O(accounts) C(dts_account); these two are named so whatever the prefix and suffix.
  - Hosts are grouped by status (C(dts_status_synchronizing)), region (C(dts_region_cn_beijing)) and,
    with O(accounts), account (C(dts_account_production)); C(keyed_groups), C(groups) and C(compose)
    add more, for example from tags. Their expressions read the host variables by these names
    (C(dts_tags.env), C(dts_delay > 300)).
  - Every (API family, account, region) is listed concurrently, each with its pages fetched concurrently;
    the top-level O(max_concurrent_requests) bounds the requests in flight for the whole inventory,
    all accounts and regions together.
  - A two-way job has a record per direction; its Forward record is the host C(<instance id>) and its
    Reverse record the host C(<instance id>_reverse), so no record hides another.
  - The configuration file name must end with C(dts_sync_jobs.yml) or C(dts_sync_jobs.yaml).
  - The cache keeps the raw answer of each (account, region), never credentials, under a key made
    of the account, region, endpoint, server-side filters and credential options, with the time it was
    fetched; groups, O(compose), O(keyed_groups), O(statuses) and O(hostnames) are applied again to it at
    every run. A region added to the configuration, a changed filter, or an answer older than
    O(cache_timeout) is fetched while the rest still comes from the cache.
  - A region that refuses the listing (an error code starting with C(Forbidden), C(InvalidRegionId),
    C(NoPermission), C(OperationDenied), or saying the region is not supported or the service not
    enabled) is a warning naming it (and its account); the other regions still make the inventory.
    With O(strict_regions) a refused region is an error instead.
  - A region whose listing fails otherwise, after its retries (throttling that outlasts O(retry_budget), an
    endpoint that cannot be reached, answers that do not add up), or every region of an account whose
    credentials cannot be had, is a partial result, never a silent one. The inventory keeps the hosts of
    the regions that were listed, warns naming each failed region and its error, and lists it in
    C(dts_regions) with C(failed) true and the error's C(code), C(message) (with the RequestId) and
    C(request_id). With O(strict_regions) such a failure fails the source instead. A failed listing is
    never cached. The audit playbook (C(alibabacloud.dts.audit)) fails on a failed region unless told to
    report partial results.
  - The group C(all) gets the variable C(dts_regions), a list of
    C({account, region, jobs, refused, failed, code, message, request_id}) with an entry for every
    (account, region) listed, a region without jobs, one that refused and one that failed included, so
    that reports can say what they saw and what they could not see; and, when a region refused,
    C(dts_refused_regions), the list of C({account, region, code, message}) of the refused ones.
notes:
  - An empty O(hostvars_prefix) gives the facts their module names, and Ansible then warns
    C(Found variable using reserved name) for C(delay) and C(tags), which are also task keywords.
  - O(strict) is the C(constructed) option; it makes an error of a O(compose), O(groups) or
    O(keyed_groups) expression that fails, and nothing else.
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
  api:
    description:
      - The API families to list jobs with. C(legacy) is C(DescribeSynchronizationJobs), C(current) is
        C(DescribeDtsJobs) with C(JobType=SYNC), which lists jobs made with the current console and API
        that the legacy listing may not show.
      - Each family is one listing of each region, fetched concurrently and cached on its own.
    type: list
    elements: str
    choices: [legacy, current]
    default: [legacy, current]
    version_added: 0.3.0
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
      - Records per C(DescribeSynchronizationJobs) or C(DescribeDtsJobs) page. The first page of each region
        gives the total, the other pages are then fetched concurrently.
    type: int
    choices: [10, 20, 30]
    default: 30
  hostnames:
    description:
      - Host variables to name hosts by, in order of preference, by their names with O(hostvars_prefix)
        and O(hostvars_suffix); the first one a job has (non-empty) is used. Dotted paths reach into
        dictionaries, for example C(dts_tags.Name). A job none of them names is named by its instance ID
        (C(dtsexjk1alb116****), the legacy C(dts_synchronization_job_id), the current C(dts_instance_id)).
      - Two records that would get the same name are told apart by appending the instance ID.
    type: list
    elements: str
    default: []
  hostvars_prefix:
    description:
      - Put in front of every job fact's name to make its host variable's name (C(status) becomes
        C(dts_status)), unless the name already starts with it. Letters, digits and C(_).
      - The prefix keeps job facts apart from Ansible's own names (C(delay) and C(tags) are task keywords)
        and from other inventories' variables.
    type: str
    default: dts_
    version_added: 0.3.0
  hostvars_suffix:
    description:
      - Put after every job fact's name to make its host variable's name. Letters, digits and C(_).
    type: str
    default: ''
    version_added: 0.3.0
  monitor_rules:
    description:
      - Whether to read each job's alert rules (C(DescribeJobMonitorRule)) into the host variable
        C(dts_monitor_rules) (named with O(hostvars_prefix) and O(hostvars_suffix)), as
        M(alibabacloud.dts.dts_job_info) returns them with O(alibabacloud.dts.dts_job_info#module:monitor_rules=true),
        one entry per rule with C(type) (C(delay), C(error), C(full_timeout), C(warn)), C(enabled) (a boolean),
        C(delay_threshold) (seconds), C(job_type) (C(normal), C(full_check), C(etl_check)) and C(phone_count)
        (how many phone numbers get an SMS; the numbers are personal data and never read into the inventory).
      - It costs one request per job of the current family listing, sent concurrently within
        O(max_concurrent_requests) and paced at 10 a second per account and region (DTS documents no limit for
        the action). The rules are cached with their listing.
      - A job whose rules could not be read gets C(dts_monitor_rules=null) and C(dts_monitor_rules_error)
        (C({code, message, request_id})); the inventory is still made. A job only the legacy family lists has no
        task ID to ask with, and gets C(dts_monitor_rules_error) with the code C(NoDtsJobId).
      - Needs the current family in O(api).
    type: bool
    default: false
    version_added: 0.4.0
  strict_regions:
    description:
      - Make a region that refuses the listing an error that fails the source, instead of a warning and an
        entry of C(dts_refused_regions).
      - Since 0.4.0, also a region whose listing fails (see the description). Without O(strict_regions) the
        inventory keeps the other regions' hosts and reports the failed region in C(dts_regions).
    type: bool
    default: false
    version_added: 0.3.0
"""

EXAMPLES = r"""
# dts.dts_sync_jobs.yml: every job of three regions, credentials from the environment
plugin: alibabacloud.dts.dts_sync_jobs
regions: [cn-hangzhou, cn-beijing, ap-southeast-1]
keyed_groups:
  - key: dts_tags.env | default('untagged')
    prefix: env

# prod.dts_sync_jobs.yml: name hosts after the job, only production jobs that need attention
plugin: alibabacloud.dts.dts_sync_jobs
region: cn-shanghai
tags:
  env: prod
statuses: [Failed, PrecheckFailed, InitializeFailed, Suspending]
hostnames: [dts_synchronization_job_name]

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
  lagging: dts_delay > 300
groups:
  dts_lagging: dts_delay > 300
"""

import functools
import hashlib
import json
import os
import re
import threading
import time

from ansible.errors import AnsibleError, AnsibleParserError
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.common.text.converters import to_native
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable
from ansible.utils.unsafe_proxy import wrap_var

from ansible_collections.alibabacloud.dts.plugins.module_utils import _api_monitor
from ansible_collections.alibabacloud.dts.plugins.module_utils._client import HAS_REQUESTS, add_warning
from ansible_collections.alibabacloud.dts.plugins.module_utils._concurrency import run_concurrently
from ansible_collections.alibabacloud.dts.plugins.module_utils._connection import (
    CONNECTION_OPTIONS,
    connect,
    connection_argument_spec,
    validate_connection_params,
)
from ansible_collections.alibabacloud.dts.plugins.module_utils._endpoints import (
    explicit_endpoint,
    resolve_endpoint,
    validate_region,
)
from ansible_collections.alibabacloud.dts.plugins.module_utils._errors import DtsApiError, DtsConfigError
from ansible_collections.alibabacloud.dts.plugins.module_utils._families import (
    FAMILIES,
    family,
    merge_normalized,
    normalizer,
    validate_families,
)
from ansible_collections.alibabacloud.dts.plugins.module_utils._job_model import IDENTITY
from ansible_collections.alibabacloud.dts.plugins.module_utils._jobs import (
    status_filter,
    validate_statuses,
)
from ansible_collections.alibabacloud.dts.plugins.module_utils._profiles import is_true, resolve_region
from ansible_collections.alibabacloud.dts.plugins.plugin_utils._collector import collector_paused
from ansible_collections.alibabacloud.dts.plugins.plugin_utils._core_internals import HostFacts, compiled_once, is_plain
from ansible_collections.alibabacloud.dts.plugins.plugin_utils._credential_cache import CredentialCache

# Error codes that mean "this account may not list jobs in this region" (the region is not
# enabled for it, or RAM denies it there): the other regions still make the inventory.
# Anything else (bad credentials, a dead endpoint, throttling that outlasted the retries) is a
# failed region: the others still make the inventory, and dts_regions says which failed and why,
# so that an audit built on it can refuse to report a partial inventory as a whole one.
REFUSAL_CODE_PREFIXES = (
    'Forbidden',
    'InvalidRegionId',
    'NoPermission',
    'OperationDenied',
    'UnsupportedRegion',
    'Region.NotSupport',
    'RegionNotSupport',
    'NotSupportedRegion',
    'ServiceNotEnabled',
    'ServiceNotOpen',
)
# Variables of the group all, for reports: every (account, region) listed with its job count and
# refusal, and (older name, kept for compatibility) the refused ones alone, set only when one refused.
REGIONS_VAR = 'dts_regions'
REFUSED_VAR = 'dts_refused_regions'
# Host variables the plugin itself sets, named alike whatever hostvars_prefix/hostvars_suffix say.
ACCOUNT_VAR = 'dts_account'
API_VAR = 'dts_api'
# The shape of a cache entry; an entry of another shape is ignored (and replaced).
# 3: each listing carries the time it was fetched.
CACHE_FORMAT = 3
# Connection options that say whose jobs a listing holds, folded (hashed) into each cached listing's key.
IDENTITY_OPTIONS = ('access_key_id', 'profile', 'credentials_file', 'ecs_role_name')
# Facts not set as host variables: the family is dts_api; the identity block is read again from the
# host's facts by whoever needs it (_families.identity_of), rather than stored twice on every host.
_NOT_HOSTVARS = frozenset(['api', IDENTITY])
# What a fetched listing carries besides the service's answer: made again from a cached one.
_NOT_CACHED = frozenset(['facts', 'task_ids', 'warnings'])
# A host variable name Ansible accepts (2.19 deprecates others coming from inventory).
_VARIABLE_NAME = re.compile(r'^[A-Za-z_][A-Za-z0-9_]*$')


def _account_spec():
    """An accounts entry: a name, its own regions, and any connection option, without defaults
    (an option the entry does not set comes from the top level)."""
    spec = connection_argument_spec()
    for option in spec.values():
        option.pop('default', None)
    spec['name'] = dict(type='str', required=True)
    spec['regions'] = dict(type='list', elements='str')
    return spec


ACCOUNT_SPEC = _account_spec()


def is_region_refusal(error):
    """True when ``error`` (a DtsApiError) says the region is closed to the account, not that the request failed."""
    return error.code.startswith(REFUSAL_CODE_PREFIXES)


def failure(error, prefix=''):
    """What dts_regions says of a listing that failed: the error's code, text and request id (the
    client scrubbed them of every secret the request carried)."""
    return {'code': error.code, 'message': prefix + error.describe(), 'request_id': error.request_id}


def lookup_path(facts, path):
    value = facts
    for part in path.split('.'):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def listing_key(account, region, endpoint, filters, params, api='legacy'):
    """What a cached listing answers: API family, account, region, endpoint, filters and credential source.

    Hashed, so the cache names no access key or profile; a change to any of them makes the
    listing miss the cache instead of serving another account's or another filter's jobs.
    """
    assume_role = params.get('assume_role') or {}
    identity = dict((name, params.get(name)) for name in IDENTITY_OPTIONS)
    identity['role_arn'] = assume_role.get('role_arn')
    text = json.dumps([api, account, region, endpoint, filters, identity], sort_keys=True, default=str)
    return hashlib.sha256(text.encode('utf-8')).hexdigest()


class _Target:
    """One listing to make: an API family's jobs of an account (None without O(accounts)) in a region."""

    def __init__(self, account, params, region, key, api):
        self.account, self.params, self.region, self.key, self.api = account, params, region, key, api


class _Regions:
    """Each (account, region)'s listings as they come in (cached ones first, fetched ones from the threads
    that make them), prepared by ``prepare`` (InventoryModule._prepare_region) in the thread that brings
    a region's last one: while the largest region is still listed, the others' hosts are made ready."""

    def __init__(self, targets, prepare):
        self._keys = {}
        for target in targets:
            self._keys.setdefault((target.account, target.region), []).append(target.key)
        self._prepare = prepare
        self._listings = {}
        self._prepared = {}
        self._lock = threading.Lock()

    def listed(self, listing):
        where = (listing['account'], listing['region'])
        with self._lock:
            self._listings[listing['key']] = listing
            # Only the thread that brings the last listing of the region finds it whole.
            whole = all(key in self._listings for key in self._keys[where])
        if whole:
            self._prepared[where] = self._prepare([self._listings[key] for key in self._keys[where]])

    def prepared(self):
        """Every region's preparation, in the order of the configuration."""
        return [self._prepared[where] for where in self._keys]


def _normalizer(known, listing):
    """``known``'s normaliser for the records of ``listing``'s region, and the list of warnings it
    fills (values that could not be converted)."""
    warnings = []
    return normalizer(known, listing['region'], warn=functools.partial(add_warning, warnings)), warnings


def plain_text(value):
    """An exact str of a name from the configuration (which ansible-core tags as it reads the file):
    no tag, so no trust (ansible-core evaluates only strings tagged as trusted templates), and, set on
    thousands of hosts, plain data HostFacts stores without ansible-core's inspection of each."""
    return str(value)


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):
    NAME = 'alibabacloud.dts.dts_sync_jobs'

    # What a job says (its name, tags, error message, endpoints) and a refusal's message are written by
    # whoever may create jobs or answer for the endpoint: data, never a template. ansible-core 2.19 and
    # later evaluate only strings tagged as trusted templates; this declares that nothing this plugin
    # gives set_variable is to be trusted, and whatever reaches set_variable already carrying a tag is
    # passed through wrap_var, which removes trust. The rest is exact str, dict and list built from
    # decoded JSON (see _core_internals.is_plain), which cannot carry trust at all.
    trusted_by_default = False

    # Wall-clock seconds, for the age of cached listings (tests replace it).
    clock = staticmethod(time.time)

    def verify_file(self, path):
        return super(InventoryModule, self).verify_file(path) and path.endswith(
            ('dts_sync_jobs.yml', 'dts_sync_jobs.yaml')
        )

    def parse(self, inventory, loader, path, cache=True):
        super(InventoryModule, self).parse(inventory, loader, path, cache)
        try:
            self._read_config_data(path)
        except AnsibleParserError:
            raise
        except AnsibleError as error:
            # A value outside an option's choices or of the wrong type: still a parse error of this file.
            raise AnsibleParserError('%s: %s' % (path, to_native(error))) from error
        if not HAS_REQUESTS:
            raise AnsibleParserError(
                'The dts_sync_jobs inventory needs the python requests library: pip install requests'
            )
        page_size = self.get_option('page_size')
        apis = self._apis(path)
        try:
            statuses = validate_statuses(self.get_option('statuses'))
            filters = dict(
                name=self.get_option('name'),
                tags=self.get_option('tags'),
                resource_group_id=self.get_option('resource_group_id'),
            )
            # Each family's wire filters: checked before any request, and part of its listings' cache keys.
            queries = {}
            for api in apis:
                family(api).validate_page_size(page_size)
                queries[api] = family(api).filters(**filters)
            self._rename = self._renamer()
        except DtsConfigError as error:
            raise AnsibleParserError('%s: %s' % (path, error.message)) from None
        monitor_rules = self._monitor_rules(path, apis)
        if monitor_rules:
            # A listing with alert rules answers another question than one without: its own cache entry.
            queries = dict((api, dict(query, monitor_rules=True)) for api, query in queries.items())
        targets = self._targets(path, queries)

        use_cache = self.get_option('cache')
        cache_key = self.get_cache_key(path)
        cached = {}
        if use_cache and cache:
            try:
                cached = self._fresh_listings(self._cache[cache_key])
            except KeyError:
                pass
        missing = [target for target in targets if target.key not in cached]
        # One listing at a time makes facts (read_all_pages' transform_lock), or prepares a region's hosts.
        making_facts = threading.Lock()
        regions = self._regions(targets, cached, status_filter(statuses), monitor_rules, making_facts)
        # The hosts are kept to the end of the run: frozen, the collector no longer walks them.
        with collector_paused(freeze=True):
            fetched = dict(
                (listing['key'], listing)
                for listing in self._fetch(
                    path, missing, filters, page_size, regions.listed, making_facts, monitor_rules, use_cache
                )
            )
            if use_cache and (missing or not cache):
                self._store(cache_key, [cached.get(target.key) or fetched[target.key] for target in targets])
            self._populate(path, regions.prepared())

    def _regions(self, targets, cached, status_wanted, monitor_rules, making_facts):
        """The targets' regions (``_Regions``), each prepared under ``making_facts`` as its listings are
        all in: at once for those the cache holds whole."""

        def prepare(region_listings):
            with making_facts:
                return self._prepare_region(region_listings, status_wanted, monitor_rules)

        regions = _Regions(targets, prepare)
        for target in targets:
            if target.key in cached:
                regions.listed(cached[target.key])
        return regions

    def _store(self, cache_key, listings):
        """Cache the listings: a failed one is asked again next time, not served from the cache,
        which keeps the service's records as they came (facts are made again from them)."""
        self._cache[cache_key] = {
            'format': CACHE_FORMAT,
            'listings': [
                dict((key, value) for key, value in listing.items() if key not in _NOT_CACHED)
                for listing in listings
                if 'failed' not in listing
            ],
        }

    def _monitor_rules(self, path, apis):
        """The monitor_rules option, refused (before any request) when no listing would give task IDs."""
        wanted = bool(self.get_option('monitor_rules'))
        if wanted and not any(family(api).lists_task_ids for api in apis):
            raise AnsibleParserError(
                '%s: monitor_rules needs the current API family, which lists the task IDs '
                'DescribeJobMonitorRule asks with; add current to api (the default is both).' % path
            )
        return wanted

    # -- configuration ------------------------------------------------------------------

    def _renamer(self):
        """fact name -> host variable name: prefixed unless it already starts with the prefix, suffixed."""
        prefix = self.get_option('hostvars_prefix') or ''
        suffix = self.get_option('hostvars_suffix') or ''
        for option, value in (('hostvars_prefix', prefix), ('hostvars_suffix', suffix)):
            if not re.match(r'^[A-Za-z0-9_]*$', value) or (option == 'hostvars_prefix' and value[:1].isdigit()):
                raise DtsConfigError(
                    '%s %r would make host variable names Ansible refuses; use letters, digits and '
                    '_ (not a digit first), for example dts_.' % (option, value),
                    option=option,
                )
        names = {}

        def rename(fact):
            try:
                return names[fact]
            except KeyError:
                name = fact if fact.startswith(prefix) else prefix + fact
                names[fact] = name = name + suffix
                return name

        return rename

    def _template(self, value):
        if isinstance(value, str) and self.templar.is_template(value):
            return self.templar.template(value)
        if isinstance(value, dict):
            return dict((key, self._template(item)) for key, item in value.items())
        return value

    def _account_entry(self, path, entry):
        """An accounts entry checked against the connection options' spec: (name, regions, options it sets)."""
        if not isinstance(entry, dict):
            raise AnsibleParserError(
                '%s: each accounts entry must be a dictionary with a name, got %r.' % (path, entry)
            )
        name = entry.get('name')
        if not isinstance(name, str) or not name.strip():
            raise AnsibleParserError(
                '%s: every accounts entry needs a name (a non-empty string); got %r.' % (path, name)
            )
        result = ArgumentSpecValidator(ACCOUNT_SPEC).validate(self._template(entry))
        if result.unsupported_parameters:
            raise AnsibleParserError(
                '%s: accounts entry %r has unknown options %s; an entry takes name, regions and '
                'the connection options of the collection (%s) or their aliases.'
                % (path, name, ', '.join(sorted(result.unsupported_parameters)), ', '.join(CONNECTION_OPTIONS))
            )
        if result.error_messages:
            raise AnsibleParserError('%s: accounts entry %r: %s.' % (path, name, '; '.join(result.error_messages)))
        params = result.validated_parameters
        return (
            plain_text(params['name']),
            params.get('regions'),
            dict((option, params[option]) for option in CONNECTION_OPTIONS if params.get(option) is not None),
        )

    def _targets(self, path, queries):
        """A _Target for every (API family, account, region) to list, with every option checked first."""
        defaults = dict((name, self._template(self.get_option(name))) for name in CONNECTION_OPTIONS)
        regions = self.get_option('regions') or []
        if self.get_option('accounts'):
            accounts = [self._account_entry(path, entry) for entry in self.get_option('accounts')]
        else:
            accounts = [(None, None, {})]
        names = [name for name, _regions, _options in accounts]
        for name in names:
            if names.count(name) > 1:
                raise AnsibleParserError('%s: accounts names must be unique; %r appears twice.' % (path, name))
        targets, keys = [], set()
        for name, account_regions, options in accounts:
            params = dict(defaults, **options)
            where = '%s: %s' % (path, 'accounts entry %r: ' % name if name else '')
            try:
                # Options that need no network are checked before any request is made.
                validate_connection_params(params)
                for region in account_regions or regions or [resolve_region(params)]:
                    # An unknown region fails here, before any request, naming close known ones.
                    region = plain_text(
                        validate_region(
                            region,
                            allow_unknown=is_true(params.get('allow_unknown_region')),
                            endpoint=explicit_endpoint(params.get('endpoint'), os.environ),
                        )
                    )
                    endpoint = resolve_endpoint(region, params.get('endpoint'), os.environ)
                    for api, query in queries.items():
                        key = listing_key(name, region, endpoint, query, params, api)
                        # A region named twice is listed once: its records would otherwise be two hosts each.
                        if key not in keys:
                            keys.add(key)
                            targets.append(_Target(name, params, region, key, api))
            except DtsConfigError as error:
                raise AnsibleParserError(where + error.message) from None
        return targets

    def _apis(self, path):
        try:
            return [known.name for known in validate_families(self.get_option('api'))]
        except DtsConfigError as error:
            raise AnsibleParserError('%s: %s' % (path, error.message)) from None

    def _fresh_listings(self, entry):
        """The listings of a cache entry by key, leaving out those older than cache_timeout (0: never too old).

        Each listing keeps the time it was fetched: adding a region to the file rewrites the entry,
        which must not make the other regions' answers young again.
        """
        if not isinstance(entry, dict) or entry.get('format') != CACHE_FORMAT:
            return {}
        timeout = self.get_option('cache_timeout') or 0
        now = self.clock()
        listings = {}
        for listing in entry.get('listings') or []:
            if not isinstance(listing, dict) or not listing.get('key'):
                continue
            fetched = listing.get('fetched')
            if not isinstance(fetched, (int, float)) or (timeout > 0 and not 0 <= now - fetched < timeout):
                continue
            listings[listing['key']] = listing
        return listings

    # -- fetching ---------------------------------------------------------------------------

    def _fetch(self, path, targets, filters, page_size, listed, transform_lock, monitor_rules=False, keep_records=True):
        """The answer of every target as a listing: its facts (and, with ``keep_records``, its raw
        records: what the cache keeps), or the refusal or failure; each also handed to ``listed`` in
        its own thread as soon as it is made. Facts are made under ``transform_lock``, one listing at a
        time (``read_all_pages``).

        With ``monitor_rules``, a current family listing also keeps ``monitor_rules``: each task's
        alert rules (already normalised, so no phone number is ever held) or its lookup's error.
        """
        if not targets:
            return []
        budget = self._request_budget(path)
        # Every client waits for a slot of one gate: the budget holds for the whole inventory.
        gate = threading.BoundedSemaphore(budget)
        credentials = CredentialCache()
        strict_regions = self.get_option('strict_regions')

        def list_region(target):
            listing = {
                'key': target.key,
                'account': target.account,
                'region': target.region,
                'api': target.api,
                'fetched': self.clock(),
            }
            where = '%s: %s' % (path, self._where(target.account, target.region))
            try:
                client = connect(target.params, region=target.region, credentials_cache=credentials, gate=gate)
            except DtsConfigError as error:
                raise AnsibleParserError(where + error.message) from None
            except DtsApiError as error:
                # Credentials that cannot be had fail every region of the account.
                if strict_regions:
                    raise AnsibleParserError(where + 'credentials: ' + error.describe()) from None
                listing['failed'] = failure(error, 'credentials: ')
                return listing
            for warning in client.warnings:  # plain HTTP, unverified TLS, an unknown region let through
                self.display.warning('%s: %s' % (path, warning))
            try:
                self._list_records(listing, client, page_size, filters, keep_records, transform_lock)
            except DtsApiError as error:
                if strict_regions:
                    raise AnsibleParserError(where + error.describe()) from None
                if is_region_refusal(error):
                    listing['refused'] = {'code': error.code, 'message': error.describe()}
                else:
                    listing['failed'] = failure(error)
            if monitor_rules and family(target.api).lists_task_ids and 'facts' in listing:
                # A failed lookup is reported on its job (read_monitor_rules never raises for one).
                listing['monitor_rules'] = _api_monitor.read_monitor_rules(client, listing['task_ids'])
            return listing

        def list_and_hand_on(target):
            listing = list_region(target)
            listed(listing)
            return listing

        return run_concurrently(list_and_hand_on, targets, budget)

    @staticmethod
    def _list_records(listing, client, page_size, filters, keep_records, transform_lock):
        """The listing's facts, made while later pages wait for their turn, the warnings of values
        that could not be converted, its task ids (what alert rules are asked with) and, with
        ``keep_records`` (for the cache), the service's records as they came. Without a cache the
        records are dropped as each is made facts: at 30,000 jobs they were a third of the peak memory."""
        known = family(listing['api'])
        normalize, warnings = _normalizer(known, listing)

        def transform(record):
            task_ids = _api_monitor.task_ids([record]) if known.lists_task_ids else ()
            return record if keep_records else None, task_ids, normalize(record)

        made = known.list_records(
            client, page_size=page_size, transform=transform, transform_lock=transform_lock, **filters
        )
        if keep_records:
            listing['records'] = [record for record, _task_ids, _facts in made]
        listing['task_ids'] = list(dict.fromkeys(task_id for _record, task_ids, _facts in made for task_id in task_ids))
        listing['facts'] = [facts for _record, _task_ids, facts in made]
        listing['warnings'] = warnings

    def _request_budget(self, path):
        """The top-level max_concurrent_requests: requests in flight at once, all listings together."""
        try:
            return validate_connection_params(
                {'max_concurrent_requests': self._template(self.get_option('max_concurrent_requests'))}
            )['max_concurrency']
        except DtsConfigError as error:
            raise AnsibleParserError('%s: %s' % (path, error.message)) from None

    @staticmethod
    def _where(account, region):
        where = 'region %s' % region
        if account:
            where += ' of account %s' % account
        return where + ': '

    # -- hosts and groups ------------------------------------------------------------------------

    def _hostname(self, hostvars, instance_id, direction, taken):
        name = None
        for preference in self.get_option('hostnames') or []:
            value = lookup_path(hostvars, preference)
            if value not in (None, ''):
                name = str(value)
                break
        name = name or instance_id
        if direction == 'Reverse':
            name += '_reverse'
        if name in taken:
            name = '%s_%s' % (name, instance_id)
        return name

    def _prepare_region(self, listings, status_wanted, monitor_rules=False):
        """What one (account, region)'s listings (one per family) make, without touching the inventory
        (it runs in the thread that brought the region's last listing, while others are listed):

        - ``summary``: its entry of dts_regions: {account, region, jobs, refused, failed, code, message,
          request_id};
        - ``warnings``: the values that could not be converted;
        - ``hosts``: (identity, status, hostvars, plain) of every job direction to make a host of, a job
          several families list once (``_families.merge_records``), its host variables, and whether
          they are plain data (``is_plain``).

        The listings' facts are let go once their hosts' variables are made: at 30,000 jobs, keeping
        both until the hosts were added was 45 MB more at the peak.
        """
        account, region = listings[0]['account'], listings[0]['region']
        summary = {
            'account': account or '',
            'region': region,
            'jobs': 0,
            'refused': False,
            'failed': False,
            'code': None,
            'message': None,
            'request_id': None,
        }
        listed = {}
        for listing in listings:
            if 'failed' in listing:
                # One family's listing failed: the region is incomplete, whatever the others listed.
                if not summary['failed']:
                    summary.update(failed=True, refused=False, **listing['failed'])
            elif 'refused' in listing:
                if not summary['refused'] and not summary['failed']:
                    summary.update(refused=True, code=listing['refused']['code'], message=listing['refused']['message'])
            else:
                listed[listing['api']] = listing
        normalized, warnings = self._facts_of(listed)
        rules = {}
        for listing in listed.values():
            if monitor_rules and isinstance(listing.get('monitor_rules'), dict):
                rules.update(listing['monitor_rules'])
        hosts = []
        for facts in merge_normalized(normalized):
            if not status_wanted(facts.get('status')):
                continue
            summary['jobs'] += 1
            if monitor_rules:
                facts.update(_api_monitor.rules_for(facts, rules))
            hostvars = self._hostvars(facts, account)
            hosts.append((facts[IDENTITY], facts.get('status'), hostvars, is_plain(hostvars)))
        for listing in listed.values():
            listing.pop('facts', None)
        return {'account': account, 'region': region, 'summary': summary, 'warnings': warnings, 'hosts': hosts}

    def _hostvars(self, facts, account):
        rename = self._rename
        hostvars = dict((rename(fact), value) for fact, value in facts.items() if fact not in _NOT_HOSTVARS)
        hostvars[API_VAR] = facts[IDENTITY]['family']
        if account:
            hostvars[ACCOUNT_VAR] = account
        return hostvars

    @staticmethod
    def _facts_of(listings):
        """{family name: [facts of each record]} of one region's listings (fetched ones made them while
        paging; cached ones are made now), and the warnings of values that could not be converted (null)."""
        normalized, warned = {}, []
        for known in FAMILIES:
            listing = listings.get(known.name)
            if listing is None:
                continue
            if 'facts' in listing:
                normalized[known.name], warnings = listing['facts'], listing['warnings']
            else:
                normalize, warnings = _normalizer(known, listing)
                normalized[known.name] = [normalize(record) for record in listing['records']]
            warned.extend(warnings)
        return normalized, warned

    def _populate(self, path, regions):
        """Add the hosts of the prepared ``regions`` (``_prepare_region``), in the order of the configuration."""
        strict = self.get_option('strict')
        compose, groups = self.get_option('compose'), self.get_option('groups')
        keyed_groups = self.get_option('keyed_groups')
        taken = set(self.inventory.hosts)
        for region in regions:
            for warning in region['warnings']:
                self.display.warning('%s: %s' % (path, warning))
        summaries = [region['summary'] for region in regions]
        for summary in summaries:
            if summary['refused']:
                self.display.warning(
                    'Skipping DTS jobs of ' + self._where(summary['account'], summary['region']) + summary['message']
                )
            elif summary['failed']:
                self.display.warning(
                    "DTS jobs of %sthe listing failed: %s. The inventory holds only the other regions' jobs "
                    '(dts_regions lists this one as failed); strict_regions: true makes this fail the source.'
                    % (self._where(summary['account'], summary['region']), summary['message'])
                )
        # The default groups each job joins, sanitised once per distinct name rather than once per host.
        group_names = {}

        def default_group(*parts):
            raw = '_'.join(str(part) for part in parts).lower()
            try:
                return group_names[raw]
            except KeyError:
                group_names[raw] = name = self._sanitize_group_name(raw)
                self.inventory.add_group(name)
                return name

        facts_of = HostFacts(self.inventory)
        with compiled_once(self.templar):
            for region in regions:
                self._add_hosts(region, facts_of, default_group, compose, groups, keyed_groups, strict, taken)
        # Several sources may list regions: each adds its own to the lists.
        all_vars = self.inventory.groups['all'].get_vars()
        self.inventory.set_variable('all', REGIONS_VAR, wrap_var(list(all_vars.get(REGIONS_VAR) or []) + summaries))
        refused = [
            dict((key, summary[key]) for key in ('account', 'region', 'code', 'message'))
            for summary in summaries
            if summary['refused']
        ]
        if refused:
            self.inventory.set_variable('all', REFUSED_VAR, wrap_var(list(all_vars.get(REFUSED_VAR) or []) + refused))

    def _add_hosts(self, region, facts_of, default_group, compose, groups, keyed_groups, strict, taken):
        account = region['account']
        for identity, status, hostvars, plain in region['hosts']:
            host = self._hostname(hostvars, identity['instance_id'], identity['direction'], taken)
            taken.add(host)
            self.inventory.add_host(host)
            facts_of.set(host, hostvars, plain)
            self.inventory.add_child(default_group('dts_status', status or 'unknown'), host)
            self.inventory.add_child(default_group('dts_region', region['region']), host)
            if account:
                self.inventory.add_child(default_group('dts_account', account), host)
            if compose:
                self._set_composite_vars(compose, hostvars, host, strict=strict)
            if groups or keyed_groups:
                # What the constructed helpers would read from the host: its variables, composed ones included.
                variables = self.inventory.get_host(host).get_vars()
                self._add_host_to_composed_groups(groups, variables, host, strict=strict, fetch_hostvars=False)
                self._add_host_to_keyed_groups(keyed_groups, variables, host, strict=strict, fetch_hostvars=False)
