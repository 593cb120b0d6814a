# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures for the emulator's fidelity suite: a fresh emulator per test, a TLS one, and the
expectations derived from the same default data the emulator was started with."""

import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
for path in (HERE, os.path.join(HERE, 'tests')):
    if path not in sys.path:
        sys.path.insert(0, path)

from dts_emulator import DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Emulator  # noqa: E402
from emulator_data import default_job_specs  # noqa: E402

AK = DEFAULT_ACCESS_KEY_ID
SECRET = DEFAULT_ACCESS_KEY_SECRET
TOKEN = 'emulator-sts-token-for-tests'


@pytest.fixture
def emulator():
    """A running emulator with the default data and the demo key; stopped after the test."""
    with Emulator(AK, SECRET) as running:
        yield running


@pytest.fixture
def sts_emulator():
    """A running emulator whose key is only accepted together with TOKEN."""
    with Emulator(AK, SECRET, security_token=TOKEN) as running:
        yield running


@pytest.fixture
def tls_emulator(tmp_path):
    """HTTPS on loopback with a throwaway certificate; the CA bundle is ``.ca_file``."""
    with Emulator(AK, SECRET, tls=True, ca_file=str(tmp_path / 'ca.pem')) as running:
        yield running


@pytest.fixture
def specs(emulator):
    """The default job specs exactly as the running emulator built them (same clock)."""
    return default_job_specs(emulator.started)


def expected_records(specs, region):
    """{(job id, direction): spec} for every record the listing of ``region`` must return."""
    records = {}
    for spec in specs:
        if spec['region'] != region:
            continue
        records[(spec['id'], 'Forward')] = spec
        if spec.get('two_way'):
            records[(spec['id'], 'Reverse')] = spec
    return records


def expected_status(spec, direction):
    if direction == 'Forward':
        return spec['status']
    return spec.get('reverse_status', 'Synchronizing')
