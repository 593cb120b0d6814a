# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Install Ansible's collection loader before any test imports the collection.

ansible-test units does the same; run with plain pytest (make units), this lets tests load
plugins by their FQCN in process (the inventory plugin and its doc fragments), and the modules
they import are the very ones the tests patch.
"""

import os
import sys

import pytest
from ansible.utils.collection_loader import AnsibleCollectionConfig

if AnsibleCollectionConfig.collection_finder is None:
    from ansible.plugins.loader import init_plugin_loader

    init_plugin_loader(
        [
            entry
            for entry in sys.path
            if os.path.isdir(os.path.join(entry or '.', 'ansible_collections', 'alibabacloud', 'dts'))
        ]
    )

# The process tier (make process-tests): modules run as real processes, ansible-inventory as a
# command and playbooks through ansible-runner (tests/unit/awx), each against an emulator; seconds per
# test. Everything else runs in process (make units).
# Marked by path so that test files need no marker of their own.
PROCESS_TESTS = (
    os.path.join('tests', 'unit', 'plugins', 'modules') + os.sep,
    os.path.join('tests', 'unit', 'plugins', 'inventory', 'test_dts_sync_jobs_cli.py'),
    os.path.join('tests', 'unit', 'awx') + os.sep,
)


def pytest_collection_modifyitems(config, items):
    for item in items:
        path = str(getattr(item, 'path', None) or item.fspath)
        if any(part in path for part in PROCESS_TESTS) and not path.endswith('_in_process.py'):
            item.add_marker(pytest.mark.process)


@pytest.fixture
def clock():
    """A fresh fake clock (tests/unit/clock.py): monotonic and wall time that move only when slept on."""
    from ansible_collections.alibabacloud.dts.tests.unit.clock import FakeClock

    return FakeClock()


@pytest.fixture
def fake_dts(monkeypatch):
    """The unit tier's DTS: the emulator's store and dispatch in process, under every DtsClient built.

    Returns the EmulatorSession (tests/unit/plugins/module_utils/fakes.py); its ``emulator`` starts
    with no jobs (``load_jobs`` adds specs) and takes the key of ``fakes.CREDS``.
    """
    from ansible_collections.alibabacloud.dts.plugins.module_utils._client import DtsClient
    from ansible_collections.alibabacloud.dts.tests.unit.plugins.module_utils.fakes import CREDS, EmulatorSession

    emulator_class = emulator_module().Emulator
    session = EmulatorSession(
        emulator_class(access_key_id=CREDS.access_key_id, access_key_secret=CREDS.access_key_secret, job_specs=[])
    )
    monkeypatch.setattr(DtsClient, 'new_session', staticmethod(lambda pool_size: session))
    return session


def emulator_module():
    """tests/emulator/dts_emulator.py, imported as its own tests import it (tests/emulator on sys.path)."""
    directory = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'emulator')
    if directory not in sys.path:
        sys.path.insert(0, directory)
    import dts_emulator

    return dts_emulator
