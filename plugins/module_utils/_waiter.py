# -*- coding: utf-8 -*-
# Copyright: Contributors to the alibabacloud.dts collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Waiting for jobs to reach a status, as data: targets, failure states, everything else polls.

One DescribeSynchronizationJobStatusList call per poll covers every job.  The clock is
monotonic and the deadline real: the last poll happens at the deadline, not a sleep past it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.alibabacloud.dts.plugins.module_utils._errors import DtsApiError, DtsError
from ansible_collections.alibabacloud.dts.plugins.module_utils._jobs import read_statuses
from ansible_collections.alibabacloud.dts.plugins.module_utils._retries import is_transient

DEFAULT_WAIT_STATUSES = ('Synchronizing',)
DEFAULT_FAIL_STATUSES = ('Failed', 'PrecheckFailed', 'InitializeFailed')
DEFAULT_WAIT_DIRECTIONS = ('Forward',)


class WaitFailed(DtsError):
    """The wait ended without every job at its target; ``details`` says why, per job."""

    def __init__(self, reason, message, details):
        super(WaitFailed, self).__init__(message)
        self.reason = reason          # 'failed_status', 'missing_jobs' or 'timeout'
        self.message = message
        self.details = details        # dict returned to the user alongside the failure


def _watched(job, directions):
    """The job's directions the wait looks at (a one-way job has no Reverse to wait on)."""
    return [item for item in job['directions'] if item['synchronization_direction'] in directions]


def _describe(job, directions):
    watched = _watched(job, directions) or job['directions']
    if not watched:
        return '%s (no status reported)' % job['synchronization_job_id']
    return '%s (%s)' % (job['synchronization_job_id'], ', '.join(
        '%s %s' % (item['synchronization_direction'], item['status']) for item in watched))


def wait_for_statuses(client, job_ids, wait_statuses=DEFAULT_WAIT_STATUSES, fail_statuses=DEFAULT_FAIL_STATUSES,
                      directions=DEFAULT_WAIT_DIRECTIONS, timeout=1800, sleep_seconds=15,
                      clock=time.monotonic, sleep=time.sleep):
    """Poll until every job's watched directions are in ``wait_statuses``.

    Returns ``(jobs, polls, elapsed)``.  Raises WaitFailed at the first poll that shows
    a job in a fail status or an unknown id, and when ``timeout`` seconds have passed.
    A poll that fails transiently even after the client's retries (throttling, 5xx)
    counts as "not there yet", never as success; a permanent API error ends the wait.
    """
    targets, failures, directions = set(wait_statuses), set(fail_statuses), set(directions)
    started = clock()
    deadline = started + timeout
    polls, last_error, jobs = 0, None, []
    while True:
        polls += 1
        try:
            jobs, missing = read_statuses(client, job_ids)
            last_error = None
        except DtsApiError as error:
            if not is_transient(error):
                raise
            last_error = error
        else:
            if missing:
                raise WaitFailed('missing_jobs', 'DTS does not know these synchronization job ids in region %s: %s'
                                 % (client.region, ', '.join(missing)),
                                 {'jobs': jobs, 'missing_job_ids': missing, 'polls': polls,
                                  'elapsed': round(clock() - started, 3)})
            failed = [job for job in jobs
                      if any(item['status'] in failures for item in _watched(job, directions))]
            if failed:
                raise WaitFailed('failed_status', 'DTS synchronization jobs in a failure status: %s'
                                 % '; '.join(_describe(job, directions) for job in failed),
                                 {'jobs': jobs, 'failed_jobs': failed, 'polls': polls,
                                  'elapsed': round(clock() - started, 3)})
            if all(_watched(job, directions) and all(item['status'] in targets for item in _watched(job, directions))
                   for job in jobs):
                return jobs, polls, round(clock() - started, 3)
        now = clock()
        if now >= deadline:
            pending = [job for job in jobs
                       if not (_watched(job, directions)
                               and all(item['status'] in targets for item in _watched(job, directions)))]
            message = 'Timed out after %ss waiting for %s to reach %s; not there yet: %s' % (
                timeout, ', '.join(sorted(directions)), ' or '.join(sorted(targets)),
                '; '.join(_describe(job, directions) for job in pending) or ', '.join(job_ids))
            if last_error is not None:
                message += '. The last poll failed: %s' % last_error.describe()
            raise WaitFailed('timeout', message, {'jobs': jobs, 'pending_jobs': pending, 'polls': polls,
                                                  'elapsed': round(now - started, 3)})
        sleep(min(sleep_seconds, deadline - now))
