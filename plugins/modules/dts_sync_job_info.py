#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the alibabacloud.dts collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
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
'''

EXAMPLES = r'''
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
'''

RETURN = r'''
credentials_source:
  description:
    - Where the credentials came from, never their values, for example C(CLI profile prod (ChainableRamRoleArn via base\)),
      C(environment (ALIBABA_CLOUD_ACCESS_KEY_ID\)), C(OIDC role acs:ram::123456789012:role/dts-reader) or
      C(ECS RAM role app-role (discovered\)).
  returned: when the credentials were resolved, also on failure
  type: str
  sample: CLI profile prod (ChainableRamRoleArn via base)
  version_added: 0.3.0
jobs:
  description:
    - The jobs, each exactly once per direction, in the order DTS lists them.
    - Keys are the snake_case of the API's field names; O(fields) selects which are returned,
      and with V(all) every field DTS returns is kept.
    - V([]) when no job matches.
  returned: always
  type: list
  elements: dict
  contains:
    synchronization_job_id:
      description: The job ID.
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
      description: The job status in its documented spelling, for example V(Synchronizing) or V(Initializing).
      returned: when O(fields) has V(summary), V(all) or the name (part of the summary)
      type: str
      sample: Synchronizing
    delay:
      description: Replication delay in seconds.
      returned: when O(fields) has V(summary), V(all) or the name (part of the summary)
      type: int
      sample: 0
    error_message:
      description: Why the job failed, when it did.
      returned: when O(fields) has V(summary), V(all) or the name (part of the summary)
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
      description: Full data synchronization stage.
      returned: when O(fields) has V(all) or the name
      type: dict
      sample: {status: Finished, percent: 100, progress: 200001}
    structure_initialization_status:
      description: Schema synchronization stage.
      returned: when O(fields) has V(all) or the name
      type: dict
      sample: {status: Finished, percent: 100, progress: 1}
    precheck_status:
      description: Precheck result, with one entry per check item under C(detail).
      returned: when O(fields) has V(all) or the name
      type: dict
      sample:
        status: Failed
        percent: 100
        detail:
          - check_status: Failed
            item_name: CHECK_CONN_SRC
            error_message: "Original error: Access denied for user 'dtstest'"
            repair_method: CHECK_ERROR_DEST_CONN_REPAIR2
    source_endpoint:
      description: Source database connection settings (C(port) is an integer).
      returned: when O(fields) has V(all) or the name
      type: dict
      sample: {instance_id: rm-bp1i99e8l7913****, instance_type: RDS, engine_name: MySQL, port: 3306}
    destination_endpoint:
      description: Destination database connection settings (C(port) is an integer).
      returned: when O(fields) has V(all) or the name
      type: dict
      sample: {instance_id: rm-bp162d4tp0500****, instance_type: RDS, engine_name: MySQL, port: 3306}
    synchronization_objects:
      description: The schemas and tables synchronized.
      returned: when O(fields) has V(all) or the name
      type: list
      elements: dict
      sample: [{schema_name: dtstestdatabase, new_schema_name: newdtstestdatabase, table_includes: [], table_excludes: []}]
    data_synchronization_status:
      description: Incremental synchronization stage (C(delay) and C(percent) are integers).
      returned: when O(fields) has V(all) or the name
      type: dict
      sample: {status: Synchronizing, delay: 0, percent: 100}
    performance:
      description: Throughput; C(rps) is an integer, C(flow) the API's text.
      returned: when O(fields) has V(all) or the name
      type: dict
      sample: {rps: 100, flow: "0.00MB/s"}
    pay_type:
      description: V(PrePaid) or V(PostPaid).
      returned: when O(fields) has V(summary), V(all) or the name (part of the summary)
      type: str
      sample: PrePaid
    expire_time:
      description: When a PrePaid instance expires (UTC).
      returned: when O(fields) has V(summary), V(all) or the name (part of the summary)
      type: str
      sample: "2021-07-07T16:00:00Z"
    synchronization_job_class:
      description: Instance class.
      returned: when O(fields) has V(all) or the name
      type: str
      sample: large
    create_time:
      description: When the job was created, as the API gives it (UTC+8).
      returned: when O(fields) has V(all) or the name
      type: str
      sample: "2021-06-28 17:34:53.0"
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
      description: The job's tags as a dictionary (a tag without value maps to the empty string).
      returned: when O(fields) has V(summary), V(all) or the name (part of the summary)
      type: dict
      sample: {env: prod, team: payments}
    region:
      description: The region the job was listed in.
      returned: when O(fields) has V(summary), V(all) or the name (part of the summary)
      type: str
      sample: cn-hangzhou
query_result:
  description: The result of O(query) applied to the jobs, with every fact.
  returned: when O(query) is set
  type: raw
  sample: [{name: orders-sync, delay: 512}]
'''

import traceback

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.alibabacloud.dts.plugins.module_utils._api_legacy import job_filters
from ansible_collections.alibabacloud.dts.plugins.module_utils._errors import DtsError
from ansible_collections.alibabacloud.dts.plugins.module_utils._jobs import (
    list_job_facts,
    validate_job_facts,
    validate_job_ids,
    validate_statuses,
)
from ansible_collections.alibabacloud.dts.plugins.module_utils.modules import DtsModule


def compile_query(module):
    expression = module.params['query']
    if expression is None:
        return None
    # Imported only for a query: most runs have none, and every run would pay for the import.
    try:
        import jmespath
    except ImportError:
        module.fail_json(msg=missing_required_lib('jmespath'), exception=traceback.format_exc())
    try:
        return jmespath.compile(expression)
    except jmespath.exceptions.JMESPathError as error:
        module.fail_json(msg='query is not a valid JMESPath expression: %s' % error, option='query')


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
    query = compile_query(module)
    try:
        # Everything checkable is checked before the first request (credentials may need one).
        statuses = validate_statuses(params['statuses'])
        job_ids = validate_job_ids(params['job_ids'])
        facts = validate_job_facts(params['fields'])
        job_filters(name=params['name'], tags=params['tags'], resource_group_id=params['resource_group_id'])
        # A query sees every fact; the jobs returned are then cut down to the fields asked for.
        jobs = list_job_facts(module.client, name=params['name'], tags=params['tags'],
                              resource_group_id=params['resource_group_id'], job_ids=job_ids,
                              statuses=statuses, page_size=params['page_size'],
                              facts=None if query is not None else facts)
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
