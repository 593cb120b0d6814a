# -*- coding: utf-8 -*-
# Copyright: Contributors to the alibabacloud.dts collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment:
    # The wait options of the modules that can gate on jobs (plugins/module_utils/_waiter.py,
    # wait_argument_spec); a unit test keeps the two in step.
    DOCUMENTATION = r"""
options:
  wait:
    description:
      - Whether to wait until every job reaches one of O(wait_status) and meets the other C(wait_*) conditions.
      - In check mode the module polls once and does not wait, but it still fails on a job in one of
        O(fail_statuses), on unknown IDs, and when a replication delay is already above O(wait_max_delay).
    type: bool
    default: false
  wait_status:
    description:
      - The statuses that count as arrived, compared without regard to case.
      - For a two-way job's Reverse direction, O(wait_reverse_status) when set.
      - V(Modifying), V(Retrying), V(Upgrade) and V(Downgrade) pass over and cannot be a target.
    type: list
    elements: str
    default: [Synchronizing]
  wait_reverse_status:
    description:
      - The statuses that count as arrived for the Reverse direction of two-way jobs, when it is in
        O(wait_directions). Defaults to O(wait_status).
    type: list
    elements: str
    version_added: 0.3.0
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
      - How many seconds to wait at most. The last poll happens at the deadline, and no request of a poll but its
        first starts after it, so the wait ends at most one request's time past it.
    type: int
    default: 1800
  wait_sleep:
    description:
      - Seconds between two polls.
    type: int
    default: 15
  fail_statuses:
    description:
      - Statuses that end the wait with a failure at the first poll that shows them, naming the job, its
        status, how long it held and the job's C(ErrorMessage).
      - "The failure also says why, where DTS says it: for V(PrecheckFailed) the failed precheck items with their
        error and repair method, for V(InitializeFailed) and V(Failed) the failed items of the schema, full data or
        incremental stage (C(DescribePreCheckStatus), for jobs C(DescribeDtsJobs) knows; the legacy listing's
        precheck details otherwise), in the message and in each failed job's C(failure_details)."
    type: list
    elements: str
    default: [Failed, PrecheckFailed, InitializeFailed]
  wait_max_delay:
    description:
      - Also wait until every watched direction's replication delay is at most this many seconds.
      - A delay DTS reports as not started (C(-1), or none at all) never passes.
      - Jobs the current family answers for carry their delay. For jobs the legacy status list answers, the
        delays are read by ID from C(DescribeDtsJobs) (1 or 2 requests for up to 50 jobs, whatever the size of
        the region; C(DescribeSynchronizationJobs), every page, only on a poll where C(DescribeDtsJobs) does not
        list one of them); with C(api=legacy) from C(DescribeSynchronizationJobs) only, which has no ID filter
        (every page of the region) and reports a delay that has not started as V(0), the same as caught up.
    type: int
    version_added: 0.3.0
  wait_stable_for:
    description:
      - The conditions must hold on consecutive polls spanning at least this many seconds. A poll where they
        do not (a delay spike, a status change, a poll that failed) starts the window again.
      - RV(stable_since) says when the window that passed began.
      - V(0) passes at the first poll where they hold.
    type: int
    default: 0
    version_added: 0.3.0
  wait_checkpoint_after:
    description:
      - Also wait until every watched direction's checkpoint (the time of the last record it synchronized) is
        at or past this moment, for example the moment writes stopped on the source.
      - Epoch seconds, or an ISO-8601 time such as V(2026-01-31T08:00:00Z) (without a zone, UTC).
      - While waiting, RV(progress) and RV(states) give each direction's lag behind the moment.
    type: raw
    version_added: 0.3.0
  wait_data_check:
    description:
      - Also wait until DTS's own data validation of every job has passed, for each check listed here.
        V(full) compares every row once and passes when it has V(Finished) with no row differing;
        V(incremental) compares the changes as they are synchronized and passes when it has caught up
        (V(Catched)) with no row differing.
      - A check that found inconsistent rows, that failed, or that the task does not run ends the wait at once
        (RV(reason) V(data_inconsistent), V(data_check_failed) or V(data_check_not_configured)); the message
        names the job, the number of inconsistent rows and the tables that differ, or says how to enable the check.
        A check still running keeps the wait polling; RV(progress) and the timeout message give its progress.
      - "Each poll then also reads C(DescribeDtsJobs) by ID (1 or 2 requests for up to 50 jobs) and one
        C(DescribeCheckJobs) per job; a poll that finds an inconsistency reads the differing tables
        (C(DescribeDataCheckTableDetails), 20 a page). Row contents are never read."
      - Validation is a setting of the task (the DTS console's data verification, or C(ConfigureDtsJob)); see the
        collection's docs/validation.md.
    type: list
    elements: str
    choices: [full, incremental]
    default: []
    version_added: 0.4.0
  wait_accept_initializing:
    description:
      - Let V(Initializing) count as reached wherever V(Synchronizing) is a target, as Terraform's provider
        does. By default an initializing job is still on its way.
    type: bool
    default: false
    version_added: 0.3.0
"""
