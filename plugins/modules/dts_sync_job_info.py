#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the alibabacloud.dts collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: dts_sync_job_info
short_description: Gather facts about DTS synchronization jobs
version_added: 0.1.0
description:
  - Lists the Data Transmission Service synchronization jobs of a region with
    C(DescribeSynchronizationJobs), reading every page, and returns them as typed facts.
  - Statuses come back in their documented spelling (V(Synchronizing)) whatever case the API
    used, numbers as integers, the C(*_initialization) flags as booleans and tags as a dictionary.
  - A two-way job is returned once per direction; tell the records apart with C(synchronization_direction).
author:
  - alibabacloud.dts maintainers (@alibabacloud)
options:
  name:
    description:
      - Only jobs whose name contains this text. DTS applies the filter (fuzzy matching).
    type: str
  tags:
    description:
      - Only jobs carrying every one of these tags. DTS applies the filter.
      - A key with a null value matches any value of that key; an empty string matches the empty value.
      - At most 20 tags; keys must not be empty.
    type: dict
  resource_group_id:
    description:
      - Only jobs in this resource group. DTS applies the filter.
    type: str
  job_ids:
    description:
      - Only the jobs with these IDs. Applied to the listing by the module.
    type: list
    elements: str
  statuses:
    description:
      - Only jobs in one of these statuses, compared without regard to case.
        Applied to the listing by the module.
      - One of V(NotStarted), V(Prechecking), V(PrecheckFailed), V(Initializing), V(InitializeFailed),
        V(Synchronizing), V(Failed), V(Suspending), V(Modifying), V(Finished).
    type: list
    elements: str
  fields:
    description:
      - The facts each job in RV(jobs) carries. Entries combine, for example V([summary, precheck_status]).
      - V(summary) stands for what deciding about a job needs, the facts of RV(jobs) marked as part of
        the summary below (C(synchronization_job_id), C(synchronization_job_name), C(synchronization_direction),
        C(status), C(delay), C(error_message), C(pay_type), C(expire_time), C(tags) and C(region)).
      - V(all) stands for every fact DTS returns, including the nested records (endpoints, synchronized
        objects, stage statuses, precheck items, performance); together five times the size of the summary.
      - Any other entry names one fact of RV(jobs), for example V(precheck_status).
      - C(synchronization_job_id) and C(synchronization_direction) are always returned.
      - Ansible's own time for a task result grows with every value in it. Listing 3,000 jobs, the
        facts beyond the summary cost several seconds, more than all the requests; ask for them when they are used.
    type: list
    elements: str
    default: [summary]
    version_added: 0.2.0
  query:
    description:
      - A JMESPath expression applied to the jobs; its result is returned as RV(query_result).
      - The query sees every fact of every job, whatever O(fields) selects for RV(jobs).
      - Requires the jmespath Python library.
    type: str
  page_size:
    description:
      - Jobs per page requested from DTS. The first page tells how many pages there are;
        the others are then fetched concurrently (see O(max_concurrent_requests)).
    type: int
    choices: [10, 20, 30]
    default: 30
extends_documentation_fragment:
  - alibabacloud.dts.common
attributes:
  check_mode:
    support: full
    description: The module only reads; it runs the same in check mode.
  diff_mode:
    support: none
    description: Nothing is changed, so there is nothing to diff.
notes:
  - The RAM permission needed is C(dts:DescribeSynchronizationJobs).
seealso:
  - module: alibabacloud.dts.dts_sync_status_info
  - name: DescribeSynchronizationJobs API reference
    description: The API this module wraps.
    link: https://www.alibabacloud.com/help/en/dts/developer-reference/api-dts-2020-01-01-describesynchronizationjobs
requirements:
  - jmespath (only for O(query))
"""

EXAMPLES = r"""
- name: Gather every synchronization job of the region
  alibabacloud.dts.dts_sync_job_info:
    region: cn-hangzhou
  register: dts

- name: Jobs of the orders service that are not synchronizing
  alibabacloud.dts.dts_sync_job_info:
    region: cn-hangzhou
    name: orders
    tags:
      env: prod
    statuses: [Failed, PrecheckFailed, InitializeFailed, Suspending]
  register: broken

- name: Every fact of the failed jobs, precheck items and endpoints included
  alibabacloud.dts.dts_sync_job_info:
    region: cn-hangzhou
    statuses: [Failed, PrecheckFailed]
    fields: [all]
  register: failed

- name: The summary plus the replication stage of each job
  alibabacloud.dts.dts_sync_job_info:
    region: cn-hangzhou
    fields: [summary, data_synchronization_status]
  register: stages

- name: Names and delays of the lagging jobs, with a JMESPath query
  alibabacloud.dts.dts_sync_job_info:
    region: cn-beijing
    query: "[?delay > `300`].{name: synchronization_job_name, delay: delay}"
  register: lagging

- name: Set credentials once for every module of the collection
  module_defaults:
    group/alibabacloud.dts.dts:
      region: cn-shanghai
      profile: production
  block:
    - name: Read two known jobs
      alibabacloud.dts.dts_sync_job_info:
        job_ids: [dtsexjk1alb116****, dtskfq1149w254****]
      register: known
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
  version_added: 0.3.0
jobs:
  description:
    - The jobs, each exactly once per direction, in the order DTS lists them.
    - Keys are the snake_case of the API's field names; O(fields) selects which are returned,
      and with V(all) every field DTS returns is kept.
    - Counts (delays, percentages, progress, ports, rates) are integers and the C(*_initialization)
      flags booleans, whether DTS sent them as text or not; statuses are in their documented spelling.
    - A fact DTS leaves out of a record is left out of the job too.
    - V([]) when no job matches.
  returned: always
  type: list
  elements: dict
  contains:
    synchronization_job_id:
      description: The job (instance) ID.
      returned: always
      type: str
      sample: dtsexjk1alb116****
    synchronization_job_name:
      description: The job name.
      returned: when O(fields) has V(summary), V(all) or the name (part of the summary)
      type: str
      sample: MySQL Synchronization
    synchronization_direction:
      description: V(Forward) or V(Reverse) (two-way jobs have a record for each).
      returned: always
      type: str
      sample: Forward
    status:
      description:
        - The job status in its documented spelling whatever case DTS used. The API reference lists
          V(NotStarted), V(Prechecking), V(PrecheckFailed), V(Initializing), V(InitializeFailed),
          V(Synchronizing), V(Failed), V(Suspending), V(Modifying) and V(Finished).
        - A status the collection does not know is returned as DTS sent it.
      returned: when O(fields) has V(summary), V(all) or the name (part of the summary)
      type: str
      sample: Synchronizing
    delay:
      description: Replication delay in seconds.
      returned: when O(fields) has V(summary), V(all) or the name (part of the summary)
      type: int
      sample: 0
    error_message:
      description: Why the job failed.
      returned: when the job failed and O(fields) has V(summary), V(all) or the name (part of the summary)
      type: str
      sample: "DTS-070211: Connect Source DB failed."
    data_initialization:
      description: Whether full data synchronization is performed.
      returned: when O(fields) has V(all) or the name
      type: bool
      sample: true
    structure_initialization:
      description: Whether schema synchronization is performed.
      returned: when O(fields) has V(all) or the name
      type: bool
      sample: true
    data_initialization_status:
      description: The full data synchronization stage.
      returned: when O(fields) has V(all) or the name
      type: dict
      contains:
        status:
          description: V(NotStarted), V(Migrating) (in progress), V(Failed) or V(Finished).
          returned: always
          type: str
          sample: Finished
        percent:
          description: Progress of the stage, in percent.
          returned: always
          type: int
          sample: 100
        progress:
          description: Number of records synchronized so far.
          returned: always
          type: int
          sample: 200001
        error_message:
          description: Why the stage failed.
          returned: when the stage failed
          type: str
          sample: 'java.lang.NumberFormatException: For input string: ""'
    structure_initialization_status:
      description: The schema synchronization stage.
      returned: when O(fields) has V(all) or the name
      type: dict
      contains:
        status:
          description: V(NotStarted), V(Migrating) (in progress), V(Failed) or V(Finished).
          returned: always
          type: str
          sample: Finished
        percent:
          description: Progress of the stage, in percent.
          returned: always
          type: int
          sample: 100
        progress:
          description: Number of tables whose schema is synchronized.
          returned: always
          type: int
          sample: 1
        error_message:
          description: Why the stage failed.
          returned: when the stage failed
          type: str
          sample: 'DTS-1020042 Execute sql error sql: ERROR: type "geometry" does not exist;'
    data_synchronization_status:
      description:
        - The incremental synchronization stage.
        - Discontinued (the API reference marks it and its fields so); DTS usually returns it empty,
          V({}). Do not build on it; the job's own RV(jobs[].status) and RV(jobs[].delay) tell the same.
      returned: when O(fields) has V(all) or the name
      type: dict
      contains:
        status:
          description: The stage status.
          returned: when DTS reports it
          type: str
          sample: Finished
        delay:
          description: Replication delay of the stage, in seconds.
          returned: when DTS reports it
          type: int
          sample: 0
        percent:
          description: Progress of the stage, in percent.
          returned: when DTS reports it
          type: int
          sample: 100
        error_message:
          description: Why the stage failed.
          returned: when DTS reports it
          type: str
          sample: The task has failed for a long time and cannot be recovered
    precheck_status:
      description: The precheck result, with one entry per check item.
      returned: when O(fields) has V(all) or the name
      type: dict
      contains:
        status:
          description: V(Success) or V(Failed) once the precheck ran (the API's own example also shows V(Finished)),
            V(NotStarted) before.
          returned: always
          type: str
          sample: Failed
        percent:
          description: Progress of the precheck, in percent.
          returned: always
          type: int
          sample: 100
        detail:
          description: One entry per precheck item, V([]) before the precheck ran.
          returned: always
          type: list
          elements: dict
          contains:
            check_status:
              description: V(Success) or V(Failed).
              returned: always
              type: str
              sample: Failed
            item_name:
              description: The precheck item.
              returned: always
              type: str
              sample: CHECK_CONN_SRC
            error_message:
              description: Why the item failed.
              returned: when RV(jobs[].precheck_status.detail[].check_status) is V(Failed)
              type: str
              sample: "Original error: Access denied for user 'dtstest'@'100.104.***.**' (using password: YES)"
            repair_method:
              description: How to fix the failure.
              returned: when RV(jobs[].precheck_status.detail[].check_status) is V(Failed)
              type: str
              sample: CHECK_ERROR_DEST_CONN_REPAIR2
    source_endpoint:
      description: The source database's connection settings.
      returned: when O(fields) has V(all) or the name
      type: dict
      contains:
        instance_id:
          description: The instance ID.
          returned: always
          type: str
          sample: rm-bp1i99e8l7913****
        instance_type:
          description: The instance type.
          returned: always
          type: str
          sample: RDS
        engine_name:
          description: The database engine.
          returned: always
          type: str
          sample: MySQL
        ip:
          description: The database's address.
          returned: when DTS reports it
          type: str
          sample: 172.16.88.***
        port:
          description: The database's port.
          returned: when DTS reports it
          type: int
          sample: 3306
        user_name:
          description: The database account DTS uses.
          returned: when DTS reports it
          type: str
          sample: dtstest
    destination_endpoint:
      description: The destination database's connection settings.
      returned: when O(fields) has V(all) or the name
      type: dict
      contains:
        instance_id:
          description: The instance ID.
          returned: always
          type: str
          sample: rm-bp162d4tp0500****
        instance_type:
          description: The instance type.
          returned: always
          type: str
          sample: RDS
        engine_name:
          description: The database engine.
          returned: always
          type: str
          sample: MySQL
        ip:
          description: The database's address.
          returned: when DTS reports it
          type: str
          sample: 172.16.88.***
        port:
          description: The database's port.
          returned: when DTS reports it
          type: int
          sample: 3306
        user_name:
          description: The database account DTS uses.
          returned: when DTS reports it
          type: str
          sample: dtstest
    synchronization_objects:
      description: The schemas and tables synchronized.
      returned: when O(fields) has V(all) or the name
      type: list
      elements: dict
      contains:
        schema_name:
          description: The schema synchronized.
          returned: always
          type: str
          sample: dtstestdatabase
        new_schema_name:
          description: The schema's name in the destination.
          returned: always
          type: str
          sample: newdtstestdatabase
        table_includes:
          description: The tables synchronized; V([]) when the whole schema is.
          returned: always
          type: list
          elements: dict
          contains:
            table_name:
              description: The table name.
              returned: always
              type: str
              sample: orders
        table_excludes:
          description: The tables of the schema left out of synchronization.
          returned: always
          type: list
          elements: dict
          contains:
            table_name:
              description: The table name.
              returned: always
              type: str
              sample: audit_log
    performance:
      description: The job's throughput.
      returned: when O(fields) has V(all) or the name
      type: dict
      contains:
        rps:
          description: Statements synchronized per second (BEGIN, COMMIT, DML and DDL).
          returned: always
          type: int
          sample: 100
        flow:
          description: Data synchronized per second, as the API's text (MB/s).
          returned: always
          type: str
          sample: 0.00MB/s
    pay_type:
      description: V(PrePaid) or V(PostPaid).
      returned: when O(fields) has V(summary), V(all) or the name (part of the summary)
      type: str
      sample: PrePaid
    expire_time:
      description: When a V(PrePaid) instance expires (UTC).
      returned: for V(PrePaid) jobs when O(fields) has V(summary), V(all) or the name (part of the summary)
      type: str
      sample: "2021-07-07T16:00:00Z"
    synchronization_job_class:
      description: Instance class.
      returned: when O(fields) has V(all) or the name
      type: str
      sample: large
    create_time:
      description: When the job was created, ISO 8601 UTC (the API gives it in UTC+8; it is converted).
      returned: when O(fields) has V(all) or the name
      type: str
      sample: "2021-06-28T09:34:53Z"
    job_create_time:
      description: When the job was created (UTC).
      returned: when O(fields) has V(all) or the name
      type: str
      sample: "2021-06-28T09:34:53Z"
    instance_create_time:
      description: When the instance was created (UTC).
      returned: when O(fields) has V(all) or the name
      type: str
      sample: "2021-06-28T09:36:32Z"
    tags:
      description:
        - The job's tags as a dictionary of tag key to value (a tag without value maps to the empty string).
        - Its keys are the tags' own, so they are not listed here.
      returned: when O(fields) has V(summary), V(all) or the name (part of the summary)
      type: dict
      sample: {env: prod, team: payments}
    region:
      description: The region the job was listed in.
      returned: when O(fields) has V(summary), V(all) or the name (part of the summary)
      type: str
      sample: cn-hangzhou
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
          sample: dtsexjk1alb116****
        instance_id:
          description: The instance ID (C(dts...)), which names the job in both families.
          returned: always
          type: str
          sample: dtsexjk1alb116****
        name:
          description: The job's name.
          returned: always
          type: str
          sample: orders-sync
        direction:
          description: V(Forward) or V(Reverse).
          returned: always
          type: str
          sample: Forward
        family:
          description: The API family that described the job, V(legacy) or V(current).
          returned: always
          type: str
          sample: legacy
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
query_result:
  description: The result of O(query) applied to the jobs, with every fact.
  returned: when O(query) is set
  type: raw
  sample: [{name: orders-sync, delay: 512}]
"""


from ansible_collections.alibabacloud.dts.plugins.module_utils._api_legacy import job_filters
from ansible_collections.alibabacloud.dts.plugins.module_utils._errors import DtsError
from ansible_collections.alibabacloud.dts.plugins.module_utils._jobs import (
    list_job_facts,
    validate_job_facts,
    validate_job_ids,
    validate_statuses,
)
from ansible_collections.alibabacloud.dts.plugins.module_utils.modules import DtsModule


def main():
    module = DtsModule(
        argument_spec=dict(
            name=dict(type='str'),
            tags=dict(type='dict'),
            resource_group_id=dict(type='str'),
            job_ids=dict(type='list', elements='str'),
            statuses=dict(type='list', elements='str'),
            fields=dict(type='list', elements='str', default=['summary']),
            query=dict(type='str'),
            page_size=dict(type='int', choices=[10, 20, 30], default=30),
        ),
        supports_check_mode=True,
    )
    params = module.params
    query = module.compile_query()
    try:
        # Everything checkable is checked before the first request (credentials may need one).
        statuses = validate_statuses(params['statuses'])
        job_ids = validate_job_ids(params['job_ids'])
        facts = validate_job_facts(params['fields'])
        job_filters(name=params['name'], tags=params['tags'], resource_group_id=params['resource_group_id'])
        # A query sees every fact; the jobs returned are then cut down to the fields asked for.
        jobs = list_job_facts(
            module.client,
            name=params['name'],
            tags=params['tags'],
            resource_group_id=params['resource_group_id'],
            job_ids=job_ids,
            statuses=statuses,
            page_size=params['page_size'],
            facts=None if query is not None else facts,
        )
    except DtsError as error:
        module.fail_error(error)

    result = {}
    if query is not None:
        result['query_result'] = query.search(jobs)
        if facts is not None:
            jobs = [dict((key, value) for key, value in job.items() if key in facts) for job in jobs]
    result['jobs'] = jobs
    module.exit_json(**result)


if __name__ == '__main__':
    main()
