#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the alibabacloud.dts collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: dts_sync_status_info
short_description: Read the synchronization status of DTS jobs, and optionally wait on them as a gate
version_added: 0.1.0
description:
  - Reads where each of many Data Transmission Service synchronization jobs is now with
    C(DescribeSynchronizationJobStatusList), one request for all of them (long lists are split
    into a few concurrent requests to keep each URL short).
  - With O(wait=true), polls until every job reaches one of O(wait_status), fails as soon as a job
    shows one of O(fail_statuses) or an ID is unknown, and fails when O(wait_timeout) has passed.
  - The wait can also gate on replication delay (O(wait_max_delay)), on the checkpoint having passed a
    moment (O(wait_checkpoint_after)), and on all of it holding for a while (O(wait_stable_for)), which
    is what a cutover needs after writes stop.
  - "A poll reads only the jobs it gates, so it costs the same whatever the size of the region: one status
    request for all of them; with O(wait_max_delay), the delays of jobs the legacy status list answered,
    read by ID from C(DescribeDtsJobs) (1 request for up to 50 legacy job IDs, 2 pages past 30 jobs; the
    region's C(DescribeSynchronizationJobs) listing only for a job C(DescribeDtsJobs) does not list, or with
    O(api=legacy)); with O(wait_data_check), the jobs by ID again and one C(DescribeCheckJobs) per job. A
    poll that shows a job in one of O(fail_statuses) also reads, once, its C(ErrorMessage) and why it failed
    (C(DescribePreCheckStatus))."
  - Measured against the emulator, a delay gate on one legacy-made job costs 2 requests a poll in a region
    of 12 jobs and in one of 12,000. RV(requests) says how many requests a wait made.
  - Transitional statuses (V(Modifying), V(Retrying), V(Upgrade), V(Downgrade), V(Suspending) while a job
    resumes, V(Initializing) after its precheck) never end a wait unless listed in O(fail_statuses).
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
      - Such lookups read only those IDs, by the C(DtsInstanceId) and C(DtsJobId) filters (50 IDs a request),
        never the region's listing; one ID costs one request, two if its kind was guessed wrong.
    type: str
    choices: [auto, legacy, current]
    default: auto
    version_added: 0.3.0
  wait_slice:
    description:
      - Run the wait in slices of at most this many seconds, one task each, so that a playbook reports
        progress while it waits (the C(alibabacloud.dts.dts_sync_wait) role does, once a minute by default).
      - A slice returns after the wait's first poll, after any poll that changes what the wait waits for (a job
        or direction pending or no longer, its status, or what it still waits for, such as V(status), V(delay),
        V(checkpoint) or V(data check); a poll that failed), and before its next poll would come more than this
        many seconds after the previous slice returned. A slice with no poll due in that time returns with the
        last poll's lines.
      - A slice that ends with the wait going on returns RV(waiting=true) and RV(wait_state), to pass as
        O(wait_state) to the next slice; the wait's polls, deadline, stability window and progress lines
        continue exactly as in one task. The slice that ends the wait returns what a wait in one task does.
      - In check mode the module polls once, as without it.
    type: int
    version_added: 0.4.0
  wait_state:
    description:
      - RV(wait_state) as the previous slice of this wait returned it (see O(wait_slice)); unset, a new wait.
      - It is checked before any request and refused, naming this option, when it was made for other O(job_ids) or
        wait options, was changed after it was returned, or does not hold what a slice returns.
    type: dict
    version_added: 0.4.0
extends_documentation_fragment:
  - alibabacloud.dts.common
  - alibabacloud.dts.wait
attributes:
  check_mode:
    support: full
    description: The module only reads; in check mode it polls once and does not wait.
  diff_mode:
    support: none
    description: Nothing is changed, so there is nothing to diff.
notes:
  - The RAM permissions needed are C(dts:DescribeSynchronizationJobStatusList), C(dts:DescribeDtsJobs) unless
    O(api=legacy), and C(dts:DescribeSynchronizationJobs) with O(wait_max_delay) or to report a failed legacy
    job's error message (for jobs C(DescribeDtsJobs) does not list, or with O(api=legacy));
    C(dts:DescribeCheckJobs) and C(dts:DescribeDataCheckTableDetails) with O(wait_data_check);
    C(dts:DescribePreCheckStatus) to name the failed items of a failed job.
  - Throttling and other transient errors while polling are retried, and a poll that still fails
    counts as not arrived, never as success.
  - A module cannot print while it runs; RV(progress) holds one line per poll and job not yet there, for the
    caller to show. With O(wait_slice) the wait runs as a loop of short tasks, each reporting its lines
    (RV(slice_progress)); the C(alibabacloud.dts.dts_sync_wait) role does so, and in ansible-runner (AWX,
    Automation Platform) each slice is a job event.
seealso:
  - module: alibabacloud.dts.dts_sync_job_info
  - name: DescribeSynchronizationJobStatusList API reference
    description: The API this module wraps.
    link: https://www.alibabacloud.com/help/zh/dts/developer-reference/api-dts-2020-01-01-describesynchronizationjobstatuslist
"""

EXAMPLES = r"""
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

- name: Note the moment writes stopped on the source
  ansible.builtin.set_fact:
    writes_stopped_at: "{{ now(utc=true).timestamp() | int }}"

- name: Cut over only once everything written before that moment is replicated, and the delay stayed low for a minute
  alibabacloud.dts.dts_sync_status_info:
    job_ids: "{{ orders_job_ids }}"
    wait: true
    wait_checkpoint_after: "{{ writes_stopped_at }}"
    wait_max_delay: 5
    wait_stable_for: 60
    wait_sleep: 5
    wait_timeout: 900
  register: caught_up

- name: Show how the wait went
  ansible.builtin.debug:
    msg: "{{ caught_up.progress }}"
    verbosity: 1
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
  description: The status of each job DTS knows, in the order of O(job_ids), as last polled.
  returned: always, but by a slice that ends with the wait going on (see RV(waiting))
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
    error_message:
      description:
        - Why the job failed, when it did. The current family always says; for a legacy job the wait reads it
          (with one listing) when the job is in one of O(fail_statuses).
      type: str
      returned: when known
      version_added: 0.3.0
      sample: "DTS-070211: Connect Source DB failed."
    identity:
      description:
        - The job's identity block, the same shape for both API families. The legacy status list does not
          give the name (null); RV(jobs[].identity.direction) is the direction RV(jobs[].status) is of.
      returned: always
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
          description: The API family that answered for the job, V(legacy) or V(current).
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
          returned: when RV(jobs[].api=current), and for legacy jobs with O(wait_max_delay)
          type: int
          sample: 0
          version_added: 0.3.0
        error_message:
          description: Why this direction failed, when it did.
          returned: when known
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
  description: How many polls the wait made.
  returned: when O(wait=true)
  type: int
  sample: 4
requests:
  description:
    - How many API requests the module made (status reads, listings and their pages; retries not counted).
  returned: when O(wait=true)
  type: int
  sample: 8
  version_added: 0.3.0
progress:
  description:
    - What each poll saw, one line per job direction not there yet (status and how long it held, delay,
      checkpoint lag, seconds left), or one line when every job was there but not yet for O(wait_stable_for).
    - The first poll's lines and the latest ones are kept when there are more than 300.
  returned: when O(wait=true), but by a slice that ends with the wait going on (see RV(waiting))
  type: list
  elements: str
  sample: ["poll 2, 15 s: dtsexjk1alb116**** (Forward Synchronizing for 15 s, delay 41 s), 1785 s left"]
  version_added: 0.3.0
states:
  description: Each watched direction as the last poll saw it, and what it was still waiting for.
  returned: when O(wait=true)
  type: list
  elements: dict
  version_added: 0.3.0
  contains:
    job_id:
      description: The job ID.
      type: str
      sample: dtsexjk1alb116****
    direction:
      description: V(Forward) or V(Reverse).
      type: str
      sample: Forward
    status:
      description: The status in its documented spelling.
      type: str
      sample: Synchronizing
    status_for:
      description: Seconds this status has held, as far as the wait saw.
      type: float
      sample: 30.0
    delay:
      description: Replication delay in seconds, null when not started or not read.
      type: int
      sample: 2
    checkpoint:
      description: Unix time of the last record synchronized, null when none.
      type: int
      sample: 1610524452
    checkpoint_lag:
      description: Seconds the checkpoint is behind O(wait_checkpoint_after) (V(0) once past it), null when unknown.
      type: int
      returned: with O(wait_checkpoint_after)
      sample: 12
    verdict:
      description: V(there), V(pending) or V(failed).
      type: str
      sample: there
    waiting_for:
      description: What a pending direction still waits for, V(status), V(delay), V(delay not started) or V(checkpoint).
      type: str
      sample: delay
stable_since:
  description: When the window of polls in which every condition held began (ISO 8601 UTC).
  returned: when O(wait=true) and the conditions held at the last poll
  type: str
  sample: "2026-01-31T08:00:05Z"
  version_added: 0.3.0
passed:
  description: Whether every condition holds. In check mode the module does not wait, so this may be V(false) without a
    failure.
  returned: when O(wait=true) and the module does not fail
  type: bool
  sample: true
  version_added: 0.3.0
pending_job_ids:
  description: The jobs not there yet at the last poll (in check mode, or on timeout).
  returned: when O(wait=true)
  type: list
  elements: str
  sample: [dtsexjk1alb116****]
  version_added: 0.3.0
failed_jobs:
  description:
    - The jobs that ended the wait, in one of O(fail_statuses) or with a named data validation that does not
      let it pass (each direction's C(data_checks) says which).
    - A job in a fail status carries C(failure_details), why it failed where DTS says it, with C(stage)
      (V(precheck), V(schema), V(full) or V(incremental)), C(failed_items) (each with C(item), C(names),
      C(error), C(repair_method), C(can_skip)) and C(error) when they could not be read.
  returned: on failure because of a fail status or a data validation
  type: list
  elements: dict
  sample: [{synchronization_job_id: dtsexjk1alb116****, status: PrecheckFailed, directions: [],
            failure_details: {stage: precheck, failed_items: [{item: CHECK_CONN_SRC, names: Source database,
                                                              error: Access denied, repair_method: Grant access,
                                                              can_skip: false}]}}]
pending_jobs:
  description: The jobs not at the target when the wait timed out, as last seen.
  returned: on timeout
  type: list
  elements: dict
  sample: [{synchronization_job_id: dtsexjk1alb116****, status: Initializing, directions: []}]
waiting:
  description:
    - With O(wait_slice), whether the slice ended with the wait still going on; pass RV(wait_state) to the next slice.
    - A slice that ends with the wait going on does not return RV(jobs), RV(progress) or RV(pending_jobs); its
      RV(wait_state) holds them, and the slice that ends the wait returns them.
  returned: when O(wait_slice) is set and the wait goes on
  type: bool
  sample: true
  version_added: 0.4.0
wait_state:
  description:
    - What the next slice of the wait needs to continue it exactly, for O(wait_state). Its content is not an
      interface, so pass it on unchanged.
  returned: when RV(waiting=true)
  type: dict
  version_added: 0.4.0
slice_progress:
  description:
    - The progress lines of this slice (the lines of RV(progress) its polls added), or, when no poll was due in
      the slice, the last poll's lines again.
  returned: when O(wait_slice) is set
  type: list
  elements: str
  sample: ["poll 2, 15 s: dtsexjk1alb116**** (Forward Synchronizing for 15 s, delay 41 s), 1785 s left"]
  version_added: 0.4.0
reason:
  description: Why the wait failed, V(failed_status), V(data_inconsistent), V(data_check_failed),
    V(data_check_not_configured), V(missing_jobs), V(delay_exceeded) (check mode) or V(timeout).
  returned: when the wait fails
  type: str
  sample: timeout
"""

import time

from ansible_collections.alibabacloud.dts.plugins.module_utils._errors import DtsError
from ansible_collections.alibabacloud.dts.plugins.module_utils._jobs import (
    read_statuses,
    validate_job_ids,
)
from ansible_collections.alibabacloud.dts.plugins.module_utils._states import wait_on_jobs
from ansible_collections.alibabacloud.dts.plugins.module_utils._wait_options import wait_slice_argument_spec
from ansible_collections.alibabacloud.dts.plugins.module_utils._wait_state import slicing_from_params
from ansible_collections.alibabacloud.dts.plugins.module_utils._waiter import (
    WaitFailed,
    gate_from_params,
    wait_argument_spec,
)
from ansible_collections.alibabacloud.dts.plugins.module_utils.modules import DtsModule


def main():
    module = DtsModule(
        argument_spec=dict(
            job_ids=dict(type='list', elements='str', required=True),
            api=dict(type='str', choices=['auto', 'legacy', 'current'], default='auto'),
            **dict(wait_argument_spec(), **wait_slice_argument_spec()),
        ),
        supports_check_mode=True,
    )
    params = module.params
    try:
        job_ids = validate_job_ids(params['job_ids'], required=True)
        gate = gate_from_params(params)
        slicing = slicing_from_params(params, job_ids, gate, time.time())
        if params['wait']:
            result = wait_on_jobs(
                module.client,
                job_ids,
                gate,
                params,
                check_mode=module.check_mode,
                read_kwargs={'api': params['api']},
                slicing=slicing,
            )
            module.exit_json(**result)
        jobs, missing = read_statuses(module.client, job_ids, api=params['api'])
    except WaitFailed as failure:
        module.fail_json(msg=failure.message, reason=failure.reason, **failure.details)
    except DtsError as error:
        module.fail_error(error)
    module.exit_json(jobs=jobs, missing_job_ids=missing)


if __name__ == '__main__':
    main()
