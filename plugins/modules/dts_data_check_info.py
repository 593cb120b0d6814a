#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the alibabacloud.dts collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: dts_data_check_info
short_description: Read the data validation of DTS tasks, is the data the same on both sides
version_added: 0.4.0
description:
  - Reads the data validation DTS runs for a task (a full check of every row, an incremental check of the
    changes) and says, per task and check, whether it V(passed), found rows that are V(inconsistent), is
    still V(running), V(failed), or is V(not_configured).
  - Only the named tasks are read, whatever the size of the region. Each ID is looked up with the
    C(DtsInstanceId) and then the C(DtsJobId) filter of C(DescribeDtsJobs), as a synchronization task and
    then as a migration task; the counts come from C(DescribeCheckJobs), the tables from
    C(DescribeDataCheckTableDetails).
  - It never returns row contents. The differing rows (C(DescribeDataCheckTableDiffDetails)) hold
    customer data and are not read; the tables and their counts are.
author:
  - alibabacloud.dts maintainers (@alibabacloud)
options:
  job_ids:
    description:
      - The tasks, by the ID of either API family. A legacy synchronization job ID
        (C(SynchronizationJobId)) is the task's instance ID (C(DtsInstanceID), C(dts...)); the task ID
        (C(DtsJobId)) works too. Duplicates are ignored; order is kept in RV(data_checks).
    type: list
    elements: str
    required: true
  check_type:
    description:
      - Which checks to read. V(full) is the check of every row, run once after the full data stage;
        V(incremental) checks the changes as they are synchronized; V(all) both.
    type: str
    choices: [full, incremental, all]
    default: all
  tables:
    description:
      - Which tables each entry lists in RV(data_checks[].tables). V(inconsistent) the tables with rows
        that differ, V(all) every table validated, V(none) no table (one request less per check).
      - Not read for a check that is V(not_configured).
    type: str
    choices: [inconsistent, all, none]
    default: inconsistent
  report_url:
    description:
      - Whether to add to each table of a full check the link to its validation report
        (C(DescribeDataCheckReportUrl), one request per table).
      - The link is signed and expires; whoever holds it can read the report, which may show the differing
        values. Do not log or publish it.
    type: bool
    default: false
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
  - "The RAM permissions needed are C(dts:DescribeDtsJobs) and C(dts:DescribeCheckJobs);
    C(dts:DescribeDataCheckTableDetails) unless O(tables=none); C(dts:DescribeDataCheckReportUrl) with
    O(report_url=true)."
  - "Requests: C(DescribeDtsJobs) lookups (one for up to 50 synchronization instance IDs, at most four per 50 IDs of
    other kinds), one C(DescribeCheckJobs) per task, one C(DescribeDataCheckTableDetails) per check read (a page of
    20 tables), one C(DescribeDataCheckReportUrl) per table with O(report_url=true)."
  - DTS documents no rate limit for the validation actions; the module paces them at 10 calls a second per account and
    region (the report link at 5), half the strictest documented limit.
  - DTS validates tables without a primary or unique key only up to 10,000 rows, and offers no validation once a task
    is completed. V(Finished) alone does not mean the data agree; this module's V(passed) does (see
    RV(data_checks[].state)).
seealso:
  - module: alibabacloud.dts.dts_job_info
    description: Lists tasks with their C(data_check) facts.
  - name: DescribeCheckJobs API reference
    description: The counts of a validation.
    link: https://www.alibabacloud.com/help/en/dts/developer-reference/api-dts-2020-01-01-describecheckjobs
"""

EXAMPLES = r"""
- name: Is the data the same on both sides of the orders migration?
  alibabacloud.dts.dts_data_check_info:
    region: cn-hangzhou
    job_ids: [dtsl3m1213ye7l****]
  register: validation

- name: Stop the cutover on any check that is not clean, naming the tables
  ansible.builtin.assert:
    that: validation.data_checks | rejectattr('state', 'eq', 'passed') | list == []
    fail_msg: >-
      {% for check in validation.data_checks | rejectattr('state', 'eq', 'passed') %}
      {{ check.dts_job_name }} {{ check.check_type }}: {{ check.state }}
      {%- if check.diff_count %} ({{ check.diff_count }} rows differ in
      {{ check.tables | map(attribute='source_table') | join(', ') }}){% endif %};
      {% endfor %}

- name: Every table of the full check, without the report links
  alibabacloud.dts.dts_data_check_info:
    job_ids: [ta7w132u12h****]
    check_type: full
    tables: all
  register: full_check
"""

RETURN = r"""
credentials_source:
  description: Where the credentials came from, never their values.
  returned: when the credentials were resolved, also on failure
  type: str
  sample: environment (ALIBABA_CLOUD_ACCESS_KEY_ID)
missing_job_ids:
  description: The IDs in O(job_ids) that no C(DescribeDtsJobs) lookup found, in the order given.
  returned: always
  type: list
  elements: str
  sample: []
data_checks:
  description:
    - One entry per task and check type, in the order of O(job_ids), V(full) before V(incremental).
    - A two-way task's reverse direction has entries of its own only when it runs validation itself.
  returned: always
  type: list
  elements: dict
  contains:
    job_id:
      description: The ID as given in O(job_ids).
      returned: always
      type: str
      sample: dtsl3m1213ye7l****
    dts_job_id:
      description: The task ID (C(DtsJobId)).
      returned: always
      type: str
      sample: l3m1213ye7l****
    dts_instance_id:
      description: The instance ID (C(DtsInstanceID)), which is the legacy family's job ID.
      returned: always
      type: str
      sample: dtsl3m1213ye7l****
    dts_job_name:
      description: The task name.
      returned: always
      type: str
      sample: orders-prod-migrate
    dts_job_direction:
      description: V(Forward), or V(Reverse) for the reverse direction of a two-way task.
      returned: always
      type: str
      sample: Forward
    check_type:
      description: V(full) or V(incremental).
      returned: always
      type: str
      sample: full
    state:
      description:
        - V(not_configured) when the task does not run this check and DTS has no run of it.
        - V(inconsistent) when the check has counted rows that differ (RV(data_checks[].diff_count) > 0),
          finished or not.
        - V(failed) when the check failed (RV(data_checks[].error_message) says why), or DTS's result is failed
          without a row counted.
        - V(passed) when the check is through (the full check V(Finished), the incremental check V(Catched),
          caught up) and DTS counts zero rows that differ.
        - V(running) otherwise, also for a status this module does not know.
      returned: always
      type: str
      sample: passed
    status:
      description:
        - The check's status as C(DescribeDtsJobs) gives it, in its documented spelling, V(NotStarted),
          V(Checking), V(Failed), V(Finished) or V(Catched); an unknown one as sent; null when DTS sent none.
      returned: always
      type: str
      sample: Finished
    diff_count:
      description: Rows that differ between source and destination; null before DTS reports a count.
      returned: always
      type: int
      sample: 0
    finish_count:
      description: Rows validated so far; null before DTS reports a count.
      returned: always
      type: int
      sample: 1330000
    total_count:
      description: Rows to validate; null before DTS reports a count.
      returned: always
      type: int
      sample: 1330000
    percent:
      description: How far the check is, in percent (0-100), as C(DescribeDtsJobs) says; null when it says nothing.
      returned: always
      type: int
      sample: 100
    progress:
      description: Rows validated, as C(DescribeDtsJobs) says; null when it says nothing.
      returned: always
      type: int
      sample: 1330000
    error_message:
      description: Why the check failed; null unless it did.
      returned: always
      type: str
      sample: null
    checkpoint_time:
      description: The checkpoint of DTS's count of this check, ISO 8601 UTC; null before a count.
      returned: always
      type: str
      sample: "2026-01-31T08:00:05Z"
    tables:
      description:
        - The tables O(tables) asks for. Names and counts only, never row contents.
      returned: unless O(tables=none) or RV(data_checks[].state) is V(not_configured)
      type: list
      elements: dict
      contains:
        source_schema:
          description: The source database.
          returned: always
          type: str
          sample: appdb
        source_table:
          description: The source table.
          returned: always
          type: str
          sample: orders
        target_schema:
          description: The destination database.
          returned: always
          type: str
          sample: appdb
        target_table:
          description: The destination table.
          returned: always
          type: str
          sample: orders
        diff_count:
          description: Rows of the table that differ.
          returned: always
          type: int
          sample: 3
        finish_count:
          description: Rows of the table validated.
          returned: always
          type: int
          sample: 120000
        total_count:
          description: Rows of the table to validate.
          returned: always
          type: int
          sample: 120000
        state:
          description: >-
            The table's validation, V(done), V(initializing), V(running) or V(failed); an unknown value as sent.
          returned: always
          type: str
          sample: done
        error_code:
          description: DTS's error code for a table that failed, else null.
          returned: always
          type: int
          sample: null
        error:
          description: What a documented RV(data_checks[].tables[].error_code) means, else null.
          returned: always
          type: str
          sample: null
        report_url:
          description: >-
            The signed, expiring link to the table's validation report; null when DTS gave none. Keep it secret.
          returned: with O(report_url=true), for the tables of a full check
          type: str
          sample: https://dts-check-report-cn-hangzhou.oss-cn-hangzhou.aliyuncs.com/...
"""

from ansible_collections.alibabacloud.dts.plugins.module_utils._api_checks import (
    CHECK_TYPES,
    describe_report_url,
    list_table_details,
    read_data_checks,
    validate_check_types,
)
from ansible_collections.alibabacloud.dts.plugins.module_utils._checks_facts import normalize_table
from ansible_collections.alibabacloud.dts.plugins.module_utils._concurrency import run_concurrently
from ansible_collections.alibabacloud.dts.plugins.module_utils._errors import DtsApiError, DtsError
from ansible_collections.alibabacloud.dts.plugins.module_utils._jobs import validate_job_ids
from ansible_collections.alibabacloud.dts.plugins.module_utils.modules import DtsModule


def add_tables(client, entries, tables, report_url, warn):
    """Each entry (not V(not_configured)) with its ``tables``; full checks' tables with ``report_url``."""
    wanted = [entry for entry in entries if entry['state'] != 'not_configured']

    def read(entry):
        records, _counts = list_table_details(client, entry['dts_job_id'], CHECK_TYPES[entry['check_type']], tables)
        return [normalize_table(record, client.warn) for record in records]

    for entry, found in zip(wanted, run_concurrently(read, wanted, client.max_concurrency)):
        entry['tables'] = found
    if not report_url:
        return
    reports = [(entry, table) for entry in wanted if entry['check_type'] == 'full' for table in entry['tables']]

    def link(pair):
        entry, table = pair
        try:
            return describe_report_url(client, entry['dts_job_id'], table['source_schema'], table['source_table'])
        except DtsApiError as error:
            if error.http_status and error.http_status >= 500:
                raise
            # A report DTS has not made (yet) leaves the other tables' links usable.
            warn(
                'No validation report for %s.%s of %s: %s'
                % (table['source_schema'], table['source_table'], entry['dts_job_id'], error.describe())
            )
            return None

    for (_entry, table), url in zip(reports, run_concurrently(link, reports, client.max_concurrency)):
        table['report_url'] = url


def main():
    module = DtsModule(
        argument_spec=dict(
            job_ids=dict(type='list', elements='str', required=True),
            check_type=dict(type='str', choices=['full', 'incremental', 'all'], default='all'),
            tables=dict(type='str', choices=['inconsistent', 'all', 'none'], default='inconsistent'),
            report_url=dict(type='bool', default=False),
        ),
        supports_check_mode=True,
    )
    params = module.params
    try:
        # Everything checkable is checked before the first request (credentials may need one).
        job_ids = validate_job_ids(params['job_ids'], required=True)
        kinds = validate_check_types(params['check_type'])
        entries, missing = read_data_checks(module.client, job_ids, kinds)
        if params['tables'] != 'none':
            add_tables(module.client, entries, params['tables'], params['report_url'], module.warn)
    except DtsError as error:
        module.fail_error(error)
    if missing:
        module.warn(
            'No DTS task has the ID %s (looked up as synchronization and migration tasks, by instance ID and '
            'task ID).' % ', '.join(missing)
        )
    module.exit_json(data_checks=entries, missing_job_ids=missing)


if __name__ == '__main__':
    main()
