# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""dts_sync_job_info's main() in this process, on a fake clock, against the fake DTS (the emulator in process).

Backing off from throttling and 503s takes seconds of real sleep per run; here the client sleeps
on a clock that only advances when it sleeps, so the fault runs cost no wall time.  Files named
*_in_process.py belong to the fast tier (make units), unlike the module process tests beside them.
"""

import contextlib
import json

import pytest
from ansible.module_utils import basic

from ansible_collections.alibabacloud.dts.plugins.module_utils import _connection
from ansible_collections.alibabacloud.dts.plugins.module_utils._client import DtsClient
from ansible_collections.alibabacloud.dts.plugins.modules import dts_sync_job_info
from ansible_collections.alibabacloud.dts.tests.unit.plugins.module_utils.fakes import CREDS
from ansible_collections.alibabacloud.dts.tests.unit.plugins.modules.conftest import jobs_in_region

try:
    from ansible.module_utils.testing import patch_module_args  # ansible-core 2.19 and later
except ImportError:  # 2.16-2.18 read the arguments from basic._ANSIBLE_ARGS

    @contextlib.contextmanager
    def patch_module_args(args):
        saved = basic._ANSIBLE_ARGS
        basic._ANSIBLE_ARGS = json.dumps({'ANSIBLE_MODULE_ARGS': args}).encode()
        try:
            yield
        finally:
            basic._ANSIBLE_ARGS = saved


@pytest.fixture
def clock(clock, monkeypatch):
    """Every client the modules build sleeps on the test's fake clock."""

    class FakeClockClient(DtsClient):
        def __init__(self, *args, **kwargs):
            kwargs.setdefault('sleep', clock.sleep)
            kwargs.setdefault('clock', clock)
            super(FakeClockClient, self).__init__(*args, **kwargs)

    monkeypatch.setattr(_connection, 'DtsClient', FakeClockClient)
    return clock


def run_main(module, args, capsys):
    """Run ``module.main()`` with ``args``; return the result it printed."""
    with patch_module_args(args):
        with pytest.raises(SystemExit):
            module.main()
    return json.loads(capsys.readouterr().out)


def test_exact_under_throttling_every_3rd_and_503_every_5th(fake_dts, clock, capsys):
    from dts_emulator import Faults

    emulator = fake_dts.emulator
    emulator.load_jobs(jobs_in_region(137))
    emulator.faults = Faults(throttle_every=3, **{'5xx_every': 5})
    args = {
        'endpoint': 'http://127.0.0.1:8480',
        'region': 'cn-hangzhou',
        'access_key_id': CREDS.access_key_id,
        'access_key_secret': CREDS.access_key_secret,
        'page_size': 10,
    }
    for _ignored in range(6):
        result = run_main(dts_sync_job_info, args, capsys)
        assert not result.get('failed'), result.get('msg')
        ids = [job['synchronization_job_id'] for job in result['jobs']]
        assert len(ids) == 137 and len(set(ids)) == 137
    assert emulator.counters['by_outcome']['throttle'] > 0 and emulator.counters['by_outcome']['5xx'] > 0
    # It backed off (on the fake clock) rather than hammering the endpoint.
    assert clock.sleeps and all(delay >= 0 for delay in clock.sleeps)
