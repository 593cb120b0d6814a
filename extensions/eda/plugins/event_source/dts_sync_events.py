# -*- coding: utf-8 -*-
# Copyright: Contributors to the alibabacloud.dts collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""dts_sync_events: an ansible-rulebook event source for Alibaba Cloud DTS synchronization jobs.

It lists the jobs of one or more regions every ``interval`` seconds, through both DTS API
families as the inventory plugin does, and puts one event on the queue per change worth acting
on: a status transition, the replication delay crossing ``delay_threshold`` (up or back down), a
job appearing or disappearing, and optionally one ``snapshot`` event per job at start.  Every
event is ``{"dts": {"type": ..., "job_id", "job_name", "direction", "region", "api", "status",
"delay", "job": {...facts...}}}``; ``status_changed`` adds ``previous_status``.

Arguments: the collection's connection options (``access_key_id``, ``access_key_secret``,
``security_token``, ``profile``, ``endpoint``, ``assume_role``, ...), ``regions`` (or ``region``),
``job_ids``, ``name``, ``api`` (``[legacy, current]``), ``interval`` (seconds, default 60),
``delay_threshold`` (seconds), ``emit_snapshot`` (default false), ``error_after`` (consecutive
failed listings of a region before an ``error`` event, default 3).  The full documentation is in
``dts_sync_events.yaml`` beside this file and the JSON schema in ``schemas/dts_sync_events.json``.

Event text (job names, tags, statuses, error messages) is written by whoever may create jobs: a
playbook a rule runs must never read ``ansible_eda``, which ansible-core trusts as templates; the rule
passes it identifiers matched against strict patterns (see ``rulebooks/dts_watch.yml``).

Example:
-------
    - alibabacloud.dts.dts_sync_events:
        regions: [cn-hangzhou, cn-beijing]
        interval: 60
        delay_threshold: 30

"""

import asyncio
import logging
import os
import sys
import time

try:
    from ansible_collections.alibabacloud.dts.plugins.plugin_utils import _event_source
except ImportError:
    # ansible-rulebook runs this file by path, without Ansible's collection loader: make the
    # collection importable from the ansible_collections directory this file was found in.
    _here = os.path.abspath(__file__)
    for _unused in range(8):
        _here = os.path.dirname(_here)
    sys.path.insert(0, _here)
    from ansible_collections.alibabacloud.dts.plugins.plugin_utils import _event_source

LOGGER = logging.getLogger(__name__)


async def main(queue, args, clock=time.monotonic, sleep=asyncio.sleep):
    """Poll the regions and put an event on ``queue`` per change, until cancelled.

    ``clock`` and ``sleep`` are there for tests: the watch never needs the wall clock otherwise.
    """
    await _event_source.watch(queue, args, clock=clock, sleep=sleep, logger=LOGGER)


if __name__ == '__main__':
    # Run alone: print the events of the regions in ALIBABA_CLOUD_REGION_ID, credentials from the
    # environment, as ansible-rulebook would receive them.
    class PrintQueue(asyncio.Queue):
        async def put(self, item):
            print(item)

    asyncio.run(main(PrintQueue(), {'interval': 10, 'emit_snapshot': True}))
