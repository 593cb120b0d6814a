# -*- coding: utf-8 -*-
# Copyright: Contributors to the alibabacloud.dts collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Job listing and status reads as facts, with the filters every face of the collection shares."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.alibabacloud.dts.plugins.module_utils._api_legacy import DEFAULT_PAGE_SIZE, describe_statuses, list_jobs
from ansible_collections.alibabacloud.dts.plugins.module_utils._errors import DtsConfigError
from ansible_collections.alibabacloud.dts.plugins.module_utils._normalize import (
    IDENTITY_JOB_FACTS,
    JOB_FACTS,
    JOB_STATUSES,
    SUMMARY_JOB_FACTS,
    canonical_status,
    normalize_job,
    normalize_status,
)

# A bound on one task's id list: enough for every job of a large account, small enough
# that a runaway variable is caught before it becomes thousands of requests.
MAX_JOB_IDS = 5000
MAX_JOB_ID_LENGTH = 128


def validate_statuses(statuses, option='statuses'):
    """Documented spellings of ``statuses`` (any case in); an unknown one is an error listing the valid ones."""
    result = []
    for status in statuses or []:
        documented = canonical_status(status) if isinstance(status, str) else status
        if documented not in JOB_STATUSES:
            raise DtsConfigError('%s: %r is not a DTS job status; valid statuses are %s.'
                                 % (option, status, ', '.join(JOB_STATUSES)), option=option)
        if documented not in result:
            result.append(documented)
    return result


def status_filter(statuses):
    """A test of one status (wire or fact spelling, any case) against ``statuses`` (validated); None or
    empty passes everything. The modules and the inventory filter with it, so they agree."""
    wanted = frozenset(statuses or ())
    if not wanted:
        return lambda status: True
    return lambda status: canonical_status(status) in wanted


def validate_job_ids(job_ids, option='job_ids', required=False):
    """Job ids as given, duplicates folded, order kept; empty or absurd ids are refused."""
    if required and not job_ids:
        raise DtsConfigError('%s must list at least one DTS synchronization job id, for example '
                             '[dtsexjk1alb116****].' % option, option=option)
    result, seen = [], set()
    for job_id in job_ids or []:
        if not isinstance(job_id, str) or not job_id.strip():
            raise DtsConfigError('%s must hold non-empty job id strings; got %r.' % (option, job_id), option=option)
        if len(job_id) > MAX_JOB_ID_LENGTH or any(ord(char) < 32 for char in job_id):
            raise DtsConfigError('%s: %r is not a job id (ids are short printable strings such as '
                                 'dtsexjk1alb116****).' % (option, job_id[:40] + '...'), option=option)
        if job_id not in seen:
            seen.add(job_id)
            result.append(job_id)
    if len(result) > MAX_JOB_IDS:
        raise DtsConfigError('%s lists %d ids; at most %d are accepted in one task. Split the list.'
                             % (option, len(result), MAX_JOB_IDS), option=option)
    return result


def validate_job_facts(fields, option='fields'):
    """The fact names ``fields`` asks for, as a set, or None for every fact.

    Entries are fact names, V(summary) or V(all); the identity facts are always included.
    """
    if not fields:
        raise DtsConfigError('%s must name at least one fact, for example [summary] or [summary, precheck_status].'
                             % option, option=option)
    selected = set(IDENTITY_JOB_FACTS)
    for entry in fields:
        name = entry.strip().lower() if isinstance(entry, str) else entry
        if name == 'all':
            return None
        if name == 'summary':
            selected.update(SUMMARY_JOB_FACTS)
        elif name in JOB_FACTS:
            selected.add(name)
        else:
            raise DtsConfigError('%s: %r is not a job fact; use summary, all or any of %s.'
                                 % (option, entry, ', '.join(JOB_FACTS)), option=option)
    return selected


def list_job_facts(client, name=None, tags=None, resource_group_id=None, job_ids=None, statuses=None,
                   page_size=DEFAULT_PAGE_SIZE, facts=None):
    """Every job of the client's region as facts, server-side filters applied by DTS and
    ``job_ids`` / ``statuses`` (already validated) applied here; ``facts`` as for normalize_job."""
    records = list_jobs(client, page_size=page_size, name=name, tags=tags, resource_group_id=resource_group_id)
    wanted_ids = set(job_ids) if job_ids else None
    status_wanted = status_filter(statuses)
    jobs = []
    for record in records:
        # Filtered on the wire values, so the filters work whichever facts are returned.
        if wanted_ids is not None and record.get('SynchronizationJobId') not in wanted_ids:
            continue
        if not status_wanted(record.get('Status')):
            continue
        jobs.append(normalize_job(record, client.region, facts))
    return jobs


def read_statuses(client, job_ids):
    """Status facts for ``job_ids`` in the order asked, and the ids DTS did not return."""
    by_id = {}
    for entry in describe_statuses(client, job_ids):
        status = normalize_status(entry)
        by_id.setdefault(status['synchronization_job_id'], status)
    found = [by_id[job_id] for job_id in job_ids if job_id in by_id]
    missing = [job_id for job_id in job_ids if job_id not in by_id]
    return found, missing
