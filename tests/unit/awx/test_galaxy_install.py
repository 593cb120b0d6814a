# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every shipped playbook from a Galaxy install: built into the tarball, installed offline, run by
its FQCN and by import_playbook from another directory; templates are found, output goes to the
working directory or the directory named, and nothing is written inside the installed collection."""

import os
import subprocess
import sys

import pytest

from ansible_collections.alibabacloud.dts.tests.unit.awx.conftest import ACCESS_KEY_ID, BIN, SECRET

ORDERS = 'dtsgalaxyorders1'
INVENTORY = 'plugin: alibabacloud.dts.dts_sync_jobs\nregions: [cn-hangzhou, us-west-1]\n'


def shipped_playbooks():
    from ansible_collections.alibabacloud.dts.tests.unit.awx.conftest import COLLECTION_DIR

    return sorted(
        name[: -len('.yml')] for name in os.listdir(os.path.join(COLLECTION_DIR, 'playbooks')) if name.endswith('.yml')
    )


def snapshot(folder):
    return sorted(
        (os.path.relpath(os.path.join(root, name), str(folder)), os.stat(os.path.join(root, name)).st_mtime)
        for root, _dirs, files in os.walk(str(folder))
        for name in files
    )


@pytest.fixture
def prepared(tmp_path, emulator, installed_collection):
    installed, _tarball = installed_collection
    emulator.load_jobs(
        [
            {'id': ORDERS, 'region': 'cn-hangzhou', 'name': 'orders', 'status': 'Synchronizing', 'delay': '0'},
            {
                'id': 'dtsgalaxyfailed1',
                'region': 'cn-hangzhou',
                'name': 'users',
                'status': 'Failed',
                'error_message': 'The binlog was purged',
            },
        ]
    )
    # Caught up: its checkpoint follows the clock, so the gate's second wait passes too.
    emulator.set_status(ORDERS, 'Synchronizing', delay=0, checkpoint='now')
    work = tmp_path / 'work'
    work.mkdir()
    (work / 'jobs.dts_sync_jobs.yml').write_text(INVENTORY)
    environ = dict(
        (k, v)
        for k, v in os.environ.items()
        if not k.startswith(('ALIBABA_CLOUD_', 'ALICLOUD_', 'ANSIBLE_')) and k != 'PYTHONPATH'
    )
    environ.update(
        ALIBABA_CLOUD_ACCESS_KEY_ID=ACCESS_KEY_ID,
        ALIBABA_CLOUD_ACCESS_KEY_SECRET=SECRET,
        ALIBABA_CLOUD_REGION_ID='cn-hangzhou',
        ALIBABA_CLOUD_ENDPOINT_DTS=emulator.endpoint,
        ANSIBLE_COLLECTIONS_PATH=str(installed),
        ANSIBLE_PYTHON_INTERPRETER=sys.executable,
        ANSIBLE_HOME=str(tmp_path / 'ansible-home'),
        HOME=str(tmp_path),
        ANSIBLE_NOCOLOR='1',
        ANSIBLE_LOCALHOST_WARNING='false',
        ANSIBLE_INVENTORY_UNPARSED_WARNING='false',
    )
    collection = installed / 'ansible_collections' / 'alibabacloud' / 'dts'
    before = snapshot(collection)
    yield work, environ
    assert snapshot(collection) == before, 'a playbook wrote inside the installed collection'


# What each playbook needs from the command line.
EXTRA = {
    'audit': [],
    'deploy_gate': ['-e', '{"deploy_gate_job_ids": ["%s"], "deploy_gate_stable_for": 0}' % ORDERS],
    'dts_incident': ['-e', 'dts_incident_job_id=dtsgalaxyfailed1', '-e', 'dts_incident_region=cn-hangzhou'],
    'facts': [],
}


def play(work, environ, target, *args):
    process = subprocess.run(
        [os.path.join(BIN, 'ansible-playbook'), '-i', 'jobs.dts_sync_jobs.yml', target] + list(args),
        cwd=str(work),
        env=environ,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert process.returncode == 0, process.stdout[-3000:] + process.stderr[-3000:]
    assert '[WARNING]' not in process.stdout + process.stderr
    return process.stdout


def test_every_shipped_playbook_has_its_command_line_here():
    assert sorted(EXTRA) == shipped_playbooks()


def test_each_playbook_runs_by_its_fqcn_and_writes_in_the_working_directory(prepared):
    work, environ = prepared
    for name in shipped_playbooks():
        play(work, environ, 'alibabacloud.dts.%s' % name, *EXTRA[name])
    assert (work / 'dts-audit' / 'dts-audit.md').is_file()
    assert 'The binlog was purged' in (work / 'dts-incident-dtsgalaxyfailed1-forward.md').read_text()


def test_a_project_imports_them_all_and_names_where_their_output_goes(prepared):
    work, environ = prepared
    project = work / 'project' / 'playbooks'
    project.mkdir(parents=True)
    (project / 'site.yml').write_text(
        ''.join('- ansible.builtin.import_playbook: alibabacloud.dts.%s\n' % name for name in shipped_playbooks())
    )
    (work / 'out').mkdir()
    play(
        work,
        environ,
        'project/playbooks/site.yml',
        *(
            EXTRA['deploy_gate']
            + EXTRA['dts_incident']
            + ['-e', 'dts_audit_output_dir=out/audit', '-e', 'dts_incident_dir=out']
        ),
    )
    assert (work / 'out' / 'audit' / 'dts-audit.csv').is_file()
    assert (work / 'out' / 'dts-incident-dtsgalaxyfailed1-forward.md').is_file()
    assert not (work / 'project' / 'playbooks' / 'out').exists()
