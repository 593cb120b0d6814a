#!/usr/bin/env python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The official Tea SDK doing the benchmark's work the way its users write it: one page after another.

    python scripts/bench_sdk.py list ENDPOINT REGION
    python scripts/bench_sdk.py status ENDPOINT REGION IDS_FILE

Prints the number of distinct jobs (list) or status entries (status) it got.
"""

import json
import os
import sys

from alibabacloud_dts20200101 import models
from alibabacloud_dts20200101.client import Client
from alibabacloud_tea_openapi.models import Config


def client(endpoint, region):
    host = endpoint.split('://', 1)[1]
    return Client(
        Config(
            access_key_id=os.environ['ALIBABA_CLOUD_ACCESS_KEY_ID'],
            access_key_secret=os.environ['ALIBABA_CLOUD_ACCESS_KEY_SECRET'],
            endpoint=host,
            protocol=endpoint.split('://', 1)[0],
            region_id=region,
        )
    )


def list_all(sdk, region):
    seen, page = set(), 1
    while True:
        answer = sdk.describe_synchronization_jobs(
            models.DescribeSynchronizationJobsRequest(region_id=region, page_size=30, page_num=page)
        ).body
        seen.update(
            (item.synchronization_job_id, item.synchronization_direction) for item in answer.synchronization_instances
        )
        if page * 30 >= answer.total_record_count:
            return len(seen)
        page += 1


def statuses(sdk, region, ids):
    answer = sdk.describe_synchronization_job_status_list(
        models.DescribeSynchronizationJobStatusListRequest(
            region_id=region, synchronization_job_id_list_json_str=json.dumps(ids)
        )
    ).body
    return len(answer.synchronization_job_list_status_list)


def main(argv):
    mode, endpoint, region = argv[1], argv[2], argv[3]
    sdk = client(endpoint, region)
    if mode == 'list':
        print(list_all(sdk, region))
    else:
        with open(argv[4]) as handle:
            print(statuses(sdk, region, json.load(handle)))


if __name__ == '__main__':
    main(sys.argv)
