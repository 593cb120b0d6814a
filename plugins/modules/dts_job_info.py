#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the alibabacloud.dts collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: dts_job_info
short_description: Gather facts about DTS tasks through the current API (DescribeDtsJobs)
version_added: 0.3.0
description:
  - Lists the Data Transmission Service tasks of a region with C(DescribeDtsJobs), the API the
    current console, API and Terraform use, reading every page, and returns them as typed facts.
  - It sees the jobs made the current way, which the legacy listing of
    M(alibabacloud.dts.dts_sync_job_info) may not show, and migration and change tracking tasks too.
  - Statuses come back in their documented spelling (V(Synchronizing), V(PreCheckPass)) whatever case
    the API used, numbers as integers, tags as a dictionary, the region on every job.
  - C(delay) is in seconds everywhere, and null when DTS says V(-1) (incremental synchronization
    has not started), so a C(delay <= 5) test never passes a job that is not replicating yet.
  - A two-way job is returned once per direction; the reverse direction, which the API nests
    under C(ReverseJob), is a record of its own with C(dts_job_direction=Reverse).
  - Every page is read whatever page size DTS really enforces; each job comes back exactly once.
  - With O(wait=true) it first waits on the synchronization tasks of O(job_ids) as
    M(alibabacloud.dts.dts_sync_status_info) does (status, replication delay, checkpoint, stability window),
    reading them from C(DescribeDtsJobs) each poll, and then returns their records. The wait's own results
    (RV(polls), RV(progress), RV(states)...) are returned alongside.
author:
  - alibabacloud.dts maintainers (@alibabacloud)
options:
  job_type:
    description:
      - Which tasks to list. V(sync) for data synchronization, V(migration) for data migration,
        V(subscribe) for change tracking.
    type: str
    choices: [sync, migration, subscribe]
    default: sync
  name:
    description:
      - Only tasks whose name contains this text. DTS applies the filter (fuzzy matching).
    type: str
  tags:
    description:
      - Only tasks carrying every one of these tags. DTS applies the filter.
      - A key with a null value matches any value of that key; an empty string matches the empty value.
      - At most 20 tags; keys must not be empty.
    type: dict
  resource_group_id:
    description:
      - Only tasks in this resource group. DTS applies the filter.
    type: str
  job_ids:
    description:
      - Only the tasks with these IDs, each either a task ID (C(dts_job_id)) or an instance ID
        (C(dts_instance_id), C(dts...)). Applied to the listing by the module.
    type: list
    elements: str
  statuses:
    description:
      - Only records (directions) in one of these statuses, compared without regard to case.
        Applied by the module to each direction (the service's own filter looks at a job's forward
        direction only and would lose a two-way job's reverse).
      - For synchronization tasks one of V(NotStarted), V(Prechecking), V(PrecheckFailed), V(PreCheckPass),
        V(NotConfigured), V(Initializing), V(InitializeFailed), V(Synchronizing), V(Failed), V(Suspending),
        V(Modifying), V(ModifyFailed), V(Finished), V(Retrying), V(Upgrade), V(Locked), V(Downgrade);
        migration tasks may also be V(Migrating) or V(MigrationFailed), change tracking tasks V(Normal) or
        V(Abnormal).
    type: list
    elements: str
  fields:
    description:
      - The facts each record in RV(jobs) carries. Entries combine, for example V([summary, source_endpoint]).
      - V(summary) stands for the facts of RV(jobs) marked as part of the summary below.
      - V(all) stands for every fact DTS returns, including the nested records (endpoints, stage
        statuses, precheck items, performance, retry state).
      - Any other entry names one fact of RV(jobs).
      - C(dts_job_id), C(dts_instance_id), C(dts_job_direction) and C(api) are always returned.
    type: list
    elements: str
    default: [summary]
  query:
    description:
      - A JMESPath expression applied to the records; its result is returned as RV(query_result).
      - The query sees every fact of every record, whatever O(fields) selects for RV(jobs).
      - Requires the jmespath Python library.
    type: str
  details:
    description:
      - Whether to add C(detail) to each record, that direction's facts from C(DescribeDtsJobDetail)
        (one request per record, run concurrently within O(max_concurrent_requests)).
    type: bool
    default: false
  monitor_rules:
    description:
      - Whether to add each task's alert rules to its records as RV(jobs[].monitor_rules), read with
        C(DescribeJobMonitorRule), one request per task (the directions of a two-way task that share a task ID
        share it), run concurrently within O(max_concurrent_requests) and paced at 10 a second per account and
        region (DTS documents no limit for the action; see the notes).
      - A task whose rules could not be read gets RV(jobs[].monitor_rules=null) and RV(jobs[].monitor_rules_error);
        the other tasks are returned as usual.
    type: bool
    default: false
    version_added: 0.4.0
  page_size:
    description:
      - Tasks per page requested from DTS. Its documentation has given 30/50/100, 20/30/50/100 and
        10/20/30 as the valid sizes; V(30) is in all of them. A page that holds fewer than asked sets
        the page size for the others, so a service-side cap loses no task.
    type: int
    choices: [10, 20, 30, 50, 100]
    default: 30
extends_documentation_fragment:
  - alibabacloud.dts.common
  - alibabacloud.dts.wait
attributes:
  check_mode:
    support: full
    description: The module only reads; it runs the same in check mode.
  diff_mode:
    support: none
    description: Nothing is changed, so there is nothing to diff.
notes:
  - The RAM permissions needed are C(dts:DescribeDtsJobs), C(dts:DescribeDtsJobDetail) with O(details),
    C(dts:DescribeJobMonitorRule) with O(monitor_rules); with O(wait_data_check) also C(dts:DescribeCheckJobs)
    and C(dts:DescribeDataCheckTableDetails), and to name the failed items of a job failing the wait
    C(dts:DescribePreCheckStatus).
  - DTS documents a limit of 20 C(DescribeDtsJobs) calls a second per account and region;
    throttled calls are retried.
  - DTS documents no limit for C(DescribeJobMonitorRule); the collection sends at most 10 a second per
    account and region (half the strictest documented limit), so O(monitor_rules) over 600 tasks takes about
    a minute.
  - An alert rule reaches people only through a CloudMonitor subscription (and SMS numbers only on the China
    site), so an enabled rule is necessary, not sufficient. A rule's phone numbers are personal data and are
    never returned, only how many there are (C(phone_count)).
seealso:
  - module: alibabacloud.dts.dts_sync_job_info
  - module: alibabacloud.dts.dts_sync_status_info
  - name: DescribeDtsJobs API reference
    description: The API this module wraps.
    link: https://www.alibabacloud.com/help/en/dts/developer-reference/api-dts-2020-01-01-describedtsjobs
requirements:
  - jmespath (only for O(query))
"""

EXAMPLES = r"""
- name: Every synchronization task of the region, whichever way it was made
  alibabacloud.dts.dts_job_info:
    region: cn-hangzhou
  register: dts

- name: The two-way orders tasks that are not synchronizing, in either direction
  alibabacloud.dts.dts_job_info:
    region: cn-hangzhou
    name: orders
    tags:
      env: prod
    statuses: [Failed, PrecheckFailed, InitializeFailed, Retrying, Locked]
  register: broken

- name: Migration tasks with their endpoints
  alibabacloud.dts.dts_job_info:
    region: cn-beijing
    job_type: migration
    fields: [summary, source_endpoint, destination_endpoint]
  register: migrations

- name: Two known tasks, by task ID or instance ID, with their DescribeDtsJobDetail facts
  alibabacloud.dts.dts_job_info:
    region: cn-hangzhou
    job_ids: [ta7w132u12h****, dtsl3m1213ye7l****]
    details: true
  register: known

- name: Tasks that replicate but lag more than 10 seconds (a null delay has not started replicating)
  alibabacloud.dts.dts_job_info:
    region: cn-hangzhou
    query: "[?delay != null && delay > `10`].{name: dts_job_name, direction: dts_job_direction, delay: delay}"
  register: lagging

- name: The tasks without an enabled delay alert (one DescribeJobMonitorRule request per task)
  alibabacloud.dts.dts_job_info:
    region: cn-hangzhou
    monitor_rules: true
    query: "[?monitor_rules != null && !(monitor_rules[?type == 'delay' && enabled])].dts_job_id"
  register: unwatched

- name: Wait until the orders tasks are synchronizing and at most 5 s behind, then read them
  alibabacloud.dts.dts_job_info:
    job_ids: [ta7w132u12h****]
    wait: true
    wait_max_delay: 5
    wait_timeout: 900
  register: orders
"""

RETURN = r"""
credentials_source:
  description:
    - Where the credentials came from, never their values, for example
      C(CLI profile prod (ChainableRamRoleArn via base\)), C(environment (ALIBABA_CLOUD_ACCESS_KEY_ID\)),
      C(OIDC role acs:ram::123456789012:role/dts-reader) or C(ECS RAM role app-role (discovered\)).
  returned: when the credentials were resolved, also on failure
  type: str
  sample: CLI profile prod (ChainableRamRoleArn via base)
polls:
  description: How many polls the wait made.
  returned: when O(wait=true)
  type: int
  sample: 4
elapsed:
  description: Seconds spent waiting.
  returned: when O(wait=true)
  type: float
  sample: 42.5
requests:
  description: How many API requests the wait made.
  returned: when O(wait=true)
  type: int
  sample: 8
progress:
  description: What each poll saw, one line per task direction not there yet, as
    M(alibabacloud.dts.dts_sync_status_info) returns it.
  returned: when O(wait=true)
  type: list
  elements: str
  sample: ["poll 2, 15 s: dtsta7w132u12h**** (Forward Synchronizing for 15 s, delay 41 s), 1785 s left"]
states:
  description: Each watched direction as the last poll saw it, as M(alibabacloud.dts.dts_sync_status_info) returns it.
  returned: when O(wait=true)
  type: list
  elements: dict
  sample: [{job_id: dtsta7w132u12h****, direction: Forward, status: Synchronizing, delay: 0, verdict: there}]
stable_since:
  description: When the window of polls in which every condition held began (ISO 8601 UTC).
  returned: when O(wait=true) and the conditions held at the last poll
  type: str
  sample: "2026-01-31T08:00:05Z"
passed:
  description: Whether every condition holds (in check mode the module does not wait, so it may be V(false)).
  returned: when O(wait=true)
  type: bool
  sample: true
reason:
  description: Why the wait failed, V(failed_status), V(data_inconsistent), V(data_check_failed),
    V(data_check_not_configured), V(missing_jobs), V(delay_exceeded) (check mode) or V(timeout).
  returned: when the wait fails
  type: str
  sample: timeout
jobs:
  description:
    - The records, one per task direction, in the order DTS lists the tasks (a two-way task's
      Forward record, then its Reverse record).
    - Keys are the snake_case of the API's field names (the API's C(DtsInstanceID) is C(dts_instance_id));
      O(fields) selects which are returned, and with V(all) every field DTS returns is kept.
    - V([]) when no task matches.
  returned: always
  type: list
  elements: dict
  contains:
    dts_job_id:
      description: The task ID (C(DtsJobId)).
      returned: always
      type: str
      sample: ta7w132u12h****
    dts_instance_id:
      description: The instance ID (the API spells it C(DtsInstanceID)); the legacy family calls it
        C(synchronization_job_id).
      returned: always
      type: str
      sample: dtsta7w132u12h****
    dts_job_direction:
      description: V(Forward) or V(Reverse) (two-way synchronization has a record for each).
      returned: always
      type: str
      sample: Forward
    api:
      description: V(current), the API family that described the record.
      returned: always
      type: str
      sample: current
    dts_job_name:
      description: The task name.
      returned: when O(fields) has V(summary), V(all) or the name (part of the summary)
      type: str
      sample: orders-prod-dr
    status:
      description:
        - The status in its documented spelling, whatever case the API used, for example V(Synchronizing),
          V(PreCheckPass), V(NotConfigured) or V(Retrying).
      returned: when O(fields) has V(summary), V(all) or the name (part of the summary)
      type: str
      sample: Synchronizing
    delay:
      description:
        - Replication delay in seconds, whatever the job type (DTS gives a migration task's in milliseconds).
        - Null when incremental synchronization has not started (the API says V(-1)) or DTS gave none.
        - Every fact's unit and where it comes from is in the collection's C(docs/fields.md).
      returned: when O(fields) has V(summary), V(all) or the name (part of the summary)
      type: int
      sample: 2
    checkpoint:
      description: Unix time (seconds) of the last record synchronized, or null.
      returned: when O(fields) has V(summary), V(all) or the name (part of the summary)
      type: int
      sample: 1610524452
    checkpoint_time:
      description: RV(jobs[].checkpoint) as ISO 8601 UTC ending in Z, or null when there is none yet.
      returned: when O(fields) has V(summary), V(all) or the name (part of the summary)
      type: str
      sample: "2021-01-13T07:54:12Z"
    error_message:
      description: Why the task failed, when it did; else null.
      returned: when O(fields) has V(summary), V(all) or the name (part of the summary)
      type: str
      sample: "DTS-070211: Connect Source DB failed."
    job_type:
      description: V(SYNC), V(MIGRATION) or V(SUBSCRIBE), as the API says.
      returned: when O(fields) has V(summary), V(all) or the name (part of the summary)
      type: str
      sample: SYNC
    pay_type:
      description: V(PrePaid) or V(PostPaid).
      returned: when O(fields) has V(summary), V(all) or the name (part of the summary)
      type: str
      sample: PostPaid
    expire_time:
      description: When a PrePaid instance expires, ISO 8601 UTC; null for PostPaid.
      returned: when O(fields) has V(summary), V(all) or the name (part of the summary)
      type: str
      sample: "2021-07-07T16:00:00Z"
    create_time:
      description: When the task was created, ISO 8601 UTC.
      returned: when O(fields) has V(summary), V(all) or the name (part of the summary)
      type: str
      sample: "2021-03-16T08:01:31Z"
    tags:
      description: The task's tags as a dictionary (a tag without value maps to the empty string).
      returned: when O(fields) has V(summary), V(all) or the name (part of the summary)
      type: dict
      sample: {env: prod, team: orders}
    region:
      description: The region the task was listed in.
      returned: when O(fields) has V(summary), V(all) or the name (part of the summary)
      type: str
      sample: cn-hangzhou
    data_check:
      description:
        - The task's data validation, one entry per kind, V(full), V(incremental) and V(structure) (the schema
          check), from C(MigrationMode) and the C(*DataCheckStatus) fields. M(alibabacloud.dts.dts_data_check_info)
          adds the rows that differ and the tables, and says whether a check passed.
      returned: when O(fields) has V(summary), V(all) or the name (part of the summary)
      type: dict
      version_added: 0.4.0
      sample:
        full: {enabled: true, status: Finished, percent: 100, progress: 1330000, error_message: null, can_switch: true}
        incremental: {enabled: true, status: Catched, percent: 100, progress: 3600, error_message: null}
        structure: {enabled: false, status: null, percent: null, progress: null, error_message: null}
      contains:
        full:
          description:
            - The full check (every row, once). C(enabled) whether the task runs it (null when DTS did not say);
              C(status) V(NotStarted), V(Checking), V(Failed) or V(Finished) (an unknown one as sent, null when DTS
              sent none); C(percent) 0-100; C(progress) rows validated; C(error_message) null unless it failed;
              C(can_switch) DTS's own switch-over flag.
            - V(Finished) does not mean no rows differ.
          returned: always
          type: dict
        incremental:
          description:
            - The incremental check (the changes, continuously). As RV(jobs[].data_check.full) without
              C(can_switch); its C(status) is V(Catched) once it has caught up.
          returned: always
          type: dict
        structure:
          description:
            - The schema check, as RV(jobs[].data_check.full) without C(can_switch); C(status) V(Inconsistency)
              when it finished with differences, C(progress) counts objects.
          returned: always
          type: dict
    source_endpoint:
      description: Source database (C(port) is an integer).
      returned: when O(fields) has V(all) or the name
      type: dict
      sample: {instance_id: rm-bp1i99e8l7913****, engine_name: MySQL, region: cn-hangzhou, port: 3306}
    destination_endpoint:
      description: Destination database (C(port) is an integer).
      returned: when O(fields) has V(all) or the name
      type: dict
      sample: {instance_id: rm-bp162d4tp0500****, engine_name: MySQL, region: cn-hangzhou, port: 3306}
    data_synchronization_status:
      description: Incremental synchronization stage (C(percent), C(progress) integers; C(status) V(Catched) once caught
        up).
      returned: when O(fields) has V(all) or the name
      type: dict
      sample: {status: Catched, percent: 100, progress: 1283, need_upgrade: false}
    precheck_status:
      description: Precheck result, one entry per check item under C(detail).
      returned: when O(fields) has V(all) or the name
      type: dict
      sample: {status: Success, percent: 100, detail: [{check_item: CHECK_CONN_SRC, check_result: Success}]}
    structure_initialization_status:
      description: Schema synchronization stage.
      returned: when O(fields) has V(all) or the name
      type: dict
      sample: {status: Finished, percent: 100, progress: 12}
    data_initialization_status:
      description: Full data synchronization stage.
      returned: when O(fields) has V(all) or the name
      type: dict
      sample: {status: Finished, percent: 100, progress: 200001}
    migration_mode:
      description: Which stages the task runs (booleans).
      returned: when O(fields) has V(all) or the name
      type: dict
      sample: {structure_initialization: true, data_initialization: true, data_synchronization: true}
    performance:
      description: Throughput; C(rps) an integer, C(flow) the API's text.
      returned: when O(fields) has V(all) or the name
      type: dict
      sample: {rps: 120, flow: "0.42"}
    dts_job_class:
      description: Instance class.
      returned: when O(fields) has V(all) or the name
      type: str
      sample: medium
    resource_group_id:
      description: The resource group.
      returned: when O(fields) has V(all) or the name
      type: str
      sample: rg-acfmzawhxxc****
    identity:
      description:
        - The job's identity block, the same shape for both API families; the inventory, the audit and the
          event source name jobs by it.
      returned: when O(fields) has V(all) or the name
      type: dict
      version_added: 0.4.0
      contains:
        job_id:
          description: The job ID (the legacy family's job ID, the current family's task ID, C(DtsJobId)).
          returned: always
          type: str
          sample: ta7w132u12h****
        instance_id:
          description: The instance ID (C(dts...)), which names the job in both families.
          returned: always
          type: str
          sample: dtsta7w132u12h****
        name:
          description: The job's name.
          returned: always
          type: str
          sample: orders-prod-dr
        direction:
          description: V(Forward) or V(Reverse).
          returned: always
          type: str
          sample: Forward
        family:
          description: The API family that described the job, V(legacy) or V(current).
          returned: always
          type: str
          sample: current
        region:
          description: The region the job was read in.
          returned: always
          type: str
          sample: cn-hangzhou
        job_type:
          description: V(sync), V(migration) or V(subscribe).
          returned: always
          type: str
          sample: sync
    detail:
      description:
        - This direction's facts from C(DescribeDtsJobDetail), named and typed the same way; its
          C(delay) is converted from the API's milliseconds to seconds (rounded up), null for V(-1).
      returned: when O(details=true)
      type: dict
      sample: {dts_job_id: ta7w132u12h****, status: Synchronizing, delay: 2, checkpoint: 1610524452}
    monitor_rules:
      description:
        - The task's alert rules (C(DescribeJobMonitorRule)), one entry per rule; V([]) when it has none; null
          when they could not be read (see RV(jobs[].monitor_rules_error)).
        - C(type) V(delay) (replication delay over C(delay_threshold) seconds), V(error) (the task failed),
          V(full_timeout) (the full data stage ran too long) or V(warn) (finished, but not as expected);
          C(enabled) C(State) V(Y)/V(N) as a boolean (null when DTS said neither); C(delay_threshold) seconds;
          C(job_type) V(normal) (the task), V(full_check) or V(etl_check) (its full or incremental data
          validation); C(job_id); C(period) (minutes) and C(times) of a validation rule; C(notice_value);
          C(phone_count), how many phone numbers get an SMS (the numbers are personal data and never returned).
      returned: when O(monitor_rules=true)
      type: list
      elements: dict
      version_added: 0.4.0
      sample:
        - {type: delay, enabled: true, delay_threshold: 300, job_type: normal, job_id: ta7w132u12h****,
           period: null, times: null, notice_value: null, phone_count: 1}
        - {type: error, enabled: true, delay_threshold: null, job_type: normal, job_id: ta7w132u12h****,
           period: null, times: null, notice_value: null, phone_count: 1}
    monitor_rules_error:
      description:
        - Why RV(jobs[].monitor_rules) is null, C({code, message, request_id}) as DTS answered; null when the
          rules were read.
      returned: when O(monitor_rules=true)
      type: dict
      version_added: 0.4.0
      sample: {code: Forbidden.InstanceNotFound, message: The specified instance is not found.,
               request_id: 0F3C8B2A-...}
query_result:
  description: The result of O(query) applied to the records, with every fact.
  returned: when O(query) is set
  type: raw
  sample: [{name: orders-prod-dr, direction: Forward, delay: 12}]
"""

from ansible_collections.alibabacloud.dts.plugins.module_utils._api_current import PAGE_SIZES, job_filters
from ansible_collections.alibabacloud.dts.plugins.module_utils._api_monitor import (
    ERROR_FACT,
    RULES_FACT,
    add_monitor_rules,
)
from ansible_collections.alibabacloud.dts.plugins.module_utils._errors import DtsConfigError, DtsError
from ansible_collections.alibabacloud.dts.plugins.module_utils._jobs import (
    add_job_details,
    list_dts_job_facts,
    validate_job_facts,
    validate_job_ids,
    validate_statuses,
)
from ansible_collections.alibabacloud.dts.plugins.module_utils._normalize import (
    API_CURRENT,
    JOB_STATUSES,
    MIGRATION_STATUSES,
    SUBSCRIBE_STATUSES,
)
from ansible_collections.alibabacloud.dts.plugins.module_utils._states import wait_on_jobs
from ansible_collections.alibabacloud.dts.plugins.module_utils._waiter import (
    WaitFailed,
    gate_from_params,
    wait_argument_spec,
)
from ansible_collections.alibabacloud.dts.plugins.module_utils.modules import DtsModule

STATUSES_BY_TYPE = {
    'sync': JOB_STATUSES,
    'migration': JOB_STATUSES + MIGRATION_STATUSES,
    'subscribe': JOB_STATUSES + SUBSCRIBE_STATUSES,
}


def validate_params(params):
    """Everything checkable, checked before the first request (credentials may need one):
    the statuses, job ids, facts and gate asked for."""
    statuses = validate_statuses(params['statuses'], valid=STATUSES_BY_TYPE[params['job_type']])
    job_ids = validate_job_ids(params['job_ids'])
    facts = validate_job_facts(params['fields'], api=API_CURRENT)
    job_filters(
        job_type=params['job_type'],
        name=params['name'],
        tags=params['tags'],
        resource_group_id=params['resource_group_id'],
    )
    gate = gate_from_params(params)
    if gate is not None and (params['job_type'] != 'sync' or not job_ids):
        raise DtsConfigError(
            'wait needs job_type sync and job_ids naming the synchronization tasks to wait for.',
            option='job_ids' if params['job_type'] == 'sync' else 'job_type',
        )
    return statuses, job_ids, facts, gate


def wait_for_jobs(module, job_ids, gate):
    """The wait's results (none without a gate)."""
    if gate is None:
        return {}
    # The records below are this module's; the wait's status entries stay with dts_sync_status_info.
    return wait_on_jobs(
        module.client,
        job_ids,
        gate,
        module.params,
        check_mode=module.check_mode,
        read_kwargs={'api': API_CURRENT},
        with_entries=False,
    )


def read_jobs(module, job_ids, statuses, facts):
    """The jobs asked for, with ``facts`` (None: every fact), their details and monitor rules if asked."""
    params = module.params
    jobs = list_dts_job_facts(
        module.client,
        job_type=params['job_type'],
        name=params['name'],
        tags=params['tags'],
        resource_group_id=params['resource_group_id'],
        job_ids=job_ids,
        statuses=statuses,
        page_size=params['page_size'],
        facts=facts,
    )
    if params['details']:
        jobs = add_job_details(module.client, jobs)
    if params['monitor_rules']:
        jobs = add_monitor_rules(module.client, jobs)
    return jobs


def job_info_result(waited, jobs, query, facts):
    """The module's result: the wait's, the query's over every fact, and the jobs cut to ``facts``."""
    result = dict(waited)
    if query is not None:
        result['query_result'] = query.search(jobs)
        if facts is not None:
            added = ('detail', RULES_FACT, ERROR_FACT)
            jobs = [dict((key, value) for key, value in job.items() if key in facts or key in added) for job in jobs]
    result['jobs'] = jobs
    return result


def main():
    module = DtsModule(
        argument_spec=dict(
            job_type=dict(type='str', choices=['sync', 'migration', 'subscribe'], default='sync'),
            name=dict(type='str'),
            tags=dict(type='dict'),
            resource_group_id=dict(type='str'),
            job_ids=dict(type='list', elements='str'),
            statuses=dict(type='list', elements='str'),
            fields=dict(type='list', elements='str', default=['summary']),
            query=dict(type='str'),
            details=dict(type='bool', default=False),
            monitor_rules=dict(type='bool', default=False),
            page_size=dict(type='int', choices=list(PAGE_SIZES), default=30),
            **wait_argument_spec(),
        ),
        supports_check_mode=True,
    )
    params = module.params
    query = module.compile_query()
    try:
        statuses, job_ids, facts, gate = validate_params(params)
        waited = wait_for_jobs(module, job_ids, gate)
        # A query sees every fact; the records returned are then cut down to the fields asked for.
        jobs = read_jobs(module, job_ids, statuses, None if query is not None else facts)
    except WaitFailed as failure:
        module.fail_json(msg=failure.message, reason=failure.reason, **failure.details)
    except DtsError as error:
        module.fail_error(error)
    module.exit_json(**job_info_result(waited, jobs, query, facts))


if __name__ == '__main__':
    main()
