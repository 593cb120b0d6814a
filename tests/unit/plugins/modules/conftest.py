# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run modules as Ansible does (a process reading an args file, printing JSON) against the emulator."""

import json
import os
import subprocess
import sys

import pytest

from ansible_collections.alibabacloud.dts.plugins.modules import dts_sync_job_info
from ansible_collections.alibabacloud.dts.tests.unit.network import closed_loopback_url

COLLECTIONS_ROOT = os.path.abspath(os.path.join(os.path.dirname(dts_sync_job_info.__file__), *['..'] * 5))
EMULATOR_DIR = os.path.abspath(
    os.path.join(os.path.dirname(dts_sync_job_info.__file__), '..', '..', 'tests', 'emulator')
)
sys.path.insert(0, EMULATOR_DIR)

from dts_emulator import Emulator  # noqa: E402  pylint: disable=wrong-import-position

SECRET = 'emulator-secret-0123456789'
TOKEN = 'CAIS-emulator-sts-token-abcdef'


class ModuleRun:
    def __init__(self, result, stdout, stderr, returncode):
        self.result, self.stdout, self.stderr, self.returncode = result, stdout, stderr, returncode

    @property
    def failed(self):
        return bool(self.result.get('failed'))


@pytest.fixture
def emulator():
    with Emulator(access_key_id='test-ak', access_key_secret=SECRET) as server:
        yield server


@pytest.fixture
def run_module(tmp_path, emulator):
    """``run_module(name, args, env=None, check_mode=False)``: one module process, its parsed result."""

    def run(name, args, env=None, check_mode=False, credentials=True):
        arguments = dict(args)
        arguments.setdefault('endpoint', emulator.endpoint)
        arguments.setdefault('region', 'cn-hangzhou')
        if credentials:
            arguments.setdefault('access_key_id', 'test-ak')
            arguments.setdefault('access_key_secret', SECRET)
        arguments['_ansible_check_mode'] = check_mode
        args_file = tmp_path / 'args.json'
        args_file.write_text(json.dumps({'ANSIBLE_MODULE_ARGS': arguments}))
        environ = dict((k, v) for k, v in os.environ.items() if not k.startswith(('ALIBABA_CLOUD_', 'ALICLOUD_')))
        # With no other credentials the chain asks the ECS metadata service (100.100.100.200): here a
        # closed loopback port answers for it, so nothing leaves the machine (a test may name its own).
        environ['ALIBABA_CLOUD_ECS_METADATA_ENDPOINT'] = closed_loopback_url()
        environ.update(env or {})
        environ['PYTHONPATH'] = COLLECTIONS_ROOT
        environ['HOME'] = str(tmp_path)
        process = subprocess.run(
            [sys.executable, '-m', 'ansible_collections.alibabacloud.dts.plugins.modules.%s' % name, str(args_file)],
            capture_output=True,
            text=True,
            env=environ,
            timeout=300,
            check=False,
        )
        try:
            result = json.loads(process.stdout)
        except ValueError as error:
            raise AssertionError('module printed no JSON:\n%s\n%s' % (process.stdout, process.stderr)) from error
        return ModuleRun(result, process.stdout, process.stderr, process.returncode)

    return run


def jobs_in_region(count, region='cn-hangzhou', **extra):
    specs = []
    for index in range(count):
        spec = {
            'id': 'dts%s%05d' % (region.replace('-', '')[:6], index),
            'region': region,
            'name': 'job-%03d' % index,
            'status': ['synchronizing', 'Synchronizing', 'Initializating', 'failed'][index % 4],
            'delay': str(index),
        }
        spec.update(extra)
        specs.append(spec)
    return specs
