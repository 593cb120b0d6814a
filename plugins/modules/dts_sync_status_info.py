#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the alibabacloud.dts collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: dts_sync_status_info
short_description: Read the synchronization status of DTS jobs, and optionally wait for one
version_added: 0.1.0
description:
  - Reads where each of many Data Transmission Service synchronization jobs is now with
    C(DescribeSynchronizationJobStatusList), one request for all of them (long lists are split
    into a few concurrent requests to keep each URL short).
  - With O(wait=true), polls until every job reaches one of O(wait_status), fails as soon as a job
    shows one of O(fail_statuses) or an ID is unknown, and fails when O(wait_timeout) has passed.
author:
  - alibabacloud.dts maintainers (@alibabacloud)
options:
  job_ids:
    description:
      - IDs of the synchronization jobs. Duplicates are ignored; order is kept in RV(jobs).
      - Legacy job IDs, and for jobs of the current API either the task ID (C(DtsJobId)) or the instance ID
        (C(DtsInstanceID)); see O(api).
    type: list
    elements: str
    required: true
  api:
    description:
      - Which API family reads the statuses.
      - V(legacy) asks C(DescribeSynchronizationJobStatusList) only (one request for every job).
      - V(current) asks C(DescribeDtsJobs) only, which knows the jobs made with the current console or API.
      - V(auto) asks the legacy status list first, then looks the IDs it did not know up through
        C(DescribeDtsJobs) (by task ID or instance ID) before calling them missing.
      - Such lookups cost, for one ID, one or two requests; for more IDs, one listing page, then the rest
        of the listing or one lookup per ID, whichever is fewer requests.
    type: str
    choices: [auto, legacy, current]
    default: auto
    version_added: 0.3.0
  wait:
    description:
      - Whether to wait until every job reaches one of O(wait_status).
      - In check mode the module reads the statuses once and does not wait.
    type: bool
    default: false
  wait_status:
    description:
      - The statuses that count as arrived, compared without regard to case.
    type: list
    elements: str
    default: [Synchronizing]
  wait_directions:
    description:
      - The directions whose status is waited on. Two-way jobs have both; a direction a job
        does not have is ignored for that job.
    type: list
    elements: str
    choices: [Forward, Reverse]
    default: [Forward]
  wait_timeout:
    description:
      - How many seconds to wait at most. The last poll happens at the deadline.
    type: int
    default: 1800
  wait_sleep:
    description:
      - Seconds between two polls. Each poll is one status request for all jobs.
    type: int
    default: 15
  fail_statuses:
    description:
      - Statuses that end the wait with a failure at once, naming the job and its status.
    type: list
    elements: str
    default: [Failed, PrecheckFailed, InitializeFailed]
extends_documentation_fragment:
  - alibabacloud.dts.common
attributes:
  check_mode:
    support: full
    description: The module only reads; in check mode it does not wait.
  diff_mode:
    support: none
    description: Nothing is changed, so there is nothing to diff.
notes:
  - The RAM permissions needed are C(dts:DescribeSynchronizationJobStatusList) and, unless O(api=legacy),
    C(dts:DescribeDtsJobs).
  - Throttling and other transient errors while polling are retried, and a poll that still fails
    counts as not arrived, never as success.
seealso:
  - module: alibabacloud.dts.dts_sync_job_info
  - name: DescribeSynchronizationJobStatusList API reference
    description: The API this module wraps.
    link: https://www.alibabacloud.com/help/zh/dts/developer-reference/api-dts-2020-01-01-describesynchronizationjobstatuslist
'''

EXAMPLES = r'''
- name: Where are these jobs now?
  alibabacloud.dts.dts_sync_status_info:
    region: cn-hangzhou
    job_ids: [dtsexjk1alb116****, dtskfq1149w254****]
  register: sync

- name: Wait up to 20 minutes for both directions of a two-way job to synchronize
  alibabacloud.dts.dts_sync_status_info:
    region: cn-hangzhou
    job_ids: [dtsexjk1alb116****]
    wait: true
    wait_directions: [Forward, Reverse]
    wait_timeout: 1200
    wait_sleep: 10

- name: Wait for jobs to finish a one-off migration
  alibabacloud.dts.dts_sync_status_info:
    job_ids: "{{ migration_job_ids }}"
    wait: true
    wait_status: [Finished]
    fail_statuses: [Failed, PrecheckFailed, InitializeFailed, Suspending]
'''

RETURN = r'''
jobs:
  description: The status of each job DTS knows, in the order of O(job_ids).
  returned: always
  type: list
  elements: dict
  contains:
    synchronization_job_id:
      description: The job ID, as given in O(job_ids).
      type: str
      sample: dtsexjk1alb116****
    api:
      description: The API family that answered for this job, V(legacy) or V(current).
      type: str
      sample: legacy
      version_added: 0.3.0
    error_message:
      description: Why the job failed, when it did (current family only; the legacy status list does not say).
      returned: when RV(jobs[].api=current)
      type: str
      sample: "DTS-070211: Connect Source DB failed."
      version_added: 0.3.0
    dts_job_id:
      description: The task ID of a job the current family answered for.
      returned: when RV(jobs[].api=current)
      type: str
      sample: ta7w132u12h****
      version_added: 0.3.0
    dts_instance_id:
      description: The instance ID of a job the current family answered for.
      returned: when RV(jobs[].api=current)
      type: str
      sample: dtsta7w132u12h****
      version_added: 0.3.0
    status:
      description: The Forward direction's status in its documented spelling (the only direction of a one-way job).
      type: str
      sample: Synchronizing
    directions:
      description: Every direction of the job.
      type: list
      elements: dict
      contains:
        synchronization_direction:
          description: V(Forward) or V(Reverse).
          type: str
          sample: Forward
        status:
          description: The status of this direction, in its documented spelling.
          type: str
          sample: Synchronizing
        checkpoint:
          description: Unix time of the last record synchronized in this direction.
          type: int
          sample: 1610524452
        checkpoint_time:
          description: RV(jobs[].directions[].checkpoint) as ISO 8601 UTC, or null when there is none yet.
          type: str
          sample: "2021-01-13T07:54:12Z"
        delay:
          description: Replication delay in seconds; null when incremental synchronization has not started.
          returned: when RV(jobs[].api=current)
          type: int
          sample: 0
          version_added: 0.3.0
        error_message:
          description: Why this direction failed, when it did.
          returned: when RV(jobs[].api=current)
          type: str
          sample: null
          version_added: 0.3.0
missing_job_ids:
  description:
    - IDs in O(job_ids) that no family asked (see O(api)) knows in this region. Without O(wait) this is not a failure.
  returned: always
  type: list
  elements: str
  sample: [dtsunknown0000]
elapsed:
  description: Seconds spent waiting.
  returned: when O(wait=true)
  type: float
  sample: 42.5
polls:
  description: How many status requests the wait made.
  returned: when O(wait=true)
  type: int
  sample: 4
failed_jobs:
  description: The jobs found in one of O(fail_statuses), when the wait failed because of them.
  returned: on failure because of a fail status
  type: list
  elements: dict
  sample: [{synchronization_job_id: dtsexjk1alb116****, status: Failed, directions: []}]
pending_jobs:
  description: The jobs not at the target when the wait timed out, as last seen.
  returned: on timeout
  type: list
  elements: dict
  sample: [{synchronization_job_id: dtsexjk1alb116****, status: Initializing, directions: []}]
reason:
  description: Why the wait failed, V(failed_status), V(missing_jobs) or V(timeout).
  returned: when the wait fails
  type: str
  sample: timeout
'''

from ansible_collections.alibabacloud.dts.plugins.module_utils._errors import DtsError
from ansible_collections.alibabacloud.dts.plugins.module_utils._jobs import (
    read_statuses,
    validate_job_ids,
    validate_statuses,
)
from ansible_collections.alibabacloud.dts.plugins.module_utils._waiter import WaitFailed, wait_for_statuses
from ansible_collections.alibabacloud.dts.plugins.module_utils.modules import DtsModule


def main():
    module = DtsModule(
        argument_spec=dict(
            job_ids=dict(type='list', elements='str', required=True),
            api=dict(type='str', choices=['auto', 'legacy', 'current'], default='auto'),
            wait=dict(type='bool', default=False),
            wait_status=dict(type='list', elements='str', default=['Synchronizing']),
            wait_directions=dict(type='list', elements='str', choices=['Forward', 'Reverse'], default=['Forward']),
            wait_timeout=dict(type='int', default=1800),
            wait_sleep=dict(type='int', default=15),
            fail_statuses=dict(type='list', elements='str', default=['Failed', 'PrecheckFailed', 'InitializeFailed']),
        ),
        supports_check_mode=True,
    )
    params = module.params
    try:
        job_ids = validate_job_ids(params['job_ids'], required=True)
        wait_statuses = validate_statuses(params['wait_status'], option='wait_status')
        fail_statuses = validate_statuses(params['fail_statuses'], option='fail_statuses')
        both = set(wait_statuses) & set(fail_statuses)
        if both:
            module.fail_json(msg='%s cannot be both in wait_status and fail_statuses.' % ', '.join(sorted(both)),
                             option='fail_statuses')
        if not wait_statuses:
            module.fail_json(msg='wait_status must list at least one status.', option='wait_status')
        if params['wait_timeout'] < 0:
            module.fail_json(msg='wait_timeout must be 0 or more seconds.', option='wait_timeout')
        if params['wait_sleep'] < 1:
            module.fail_json(msg='wait_sleep must be at least 1 second.', option='wait_sleep')

        if params['wait'] and not module.check_mode:
            jobs, polls, elapsed = wait_for_statuses(
                module.client, job_ids, wait_statuses=wait_statuses, fail_statuses=fail_statuses,
                directions=params['wait_directions'], timeout=params['wait_timeout'],
                sleep_seconds=params['wait_sleep'])
            module.exit_json(jobs=jobs, missing_job_ids=[], polls=polls, elapsed=elapsed)
        jobs, missing = read_statuses(module.client, job_ids, api=params['api'])
    except WaitFailed as failure:
        details = dict(failure.details)
        details.setdefault('missing_job_ids', [])
        module.fail_json(msg=failure.message, reason=failure.reason, **details)
    except DtsError as error:
        module.fail_error(error)
    module.exit_json(jobs=jobs, missing_job_ids=missing)


if __name__ == '__main__':
    main()
