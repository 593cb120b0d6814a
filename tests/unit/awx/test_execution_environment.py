# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The execution environment: meta/execution-environment.yml (what the collection needs) and
extensions/awx/execution-environment.yml (an EE with the collection), checked by ansible-builder.

No container engine is needed: `ansible-builder create` writes the build context only, and the
dependencies are resolved the way the context's build stage resolves them, by its own introspect.py
over the collection installed from the tarball."""

import os
import shutil
import subprocess
import sys

import yaml

from ansible_collections.alibabacloud.dts.tests.unit.awx.conftest import BIN, COLLECTION_DIR


def read_yaml(path):
    with open(path) as handle:
        return yaml.safe_load(handle)


def test_the_collections_metadata_is_a_valid_version_3_definition_naming_its_own_files():
    from ansible_builder.ee_schema import validate_schema

    metadata = read_yaml(os.path.join(COLLECTION_DIR, 'meta', 'execution-environment.yml'))
    validate_schema(metadata)
    assert metadata['version'] == 3
    # ansible-builder reads these relative to the collection's root.
    assert metadata['dependencies'] == {'python': 'requirements.txt', 'system': 'bindep.txt'}
    for name in metadata['dependencies'].values():
        assert os.path.isfile(os.path.join(COLLECTION_DIR, name))


def test_ansible_builder_creates_a_context_that_installs_the_collection_and_its_dependencies(
    tmp_path, installed_collection
):
    from bindep.depends import Depends

    definition = tmp_path / 'execution-environment.yml'
    shutil.copy(os.path.join(COLLECTION_DIR, 'extensions', 'awx', 'execution-environment.yml'), str(definition))
    context = tmp_path / 'context'
    process = subprocess.run(
        [
            os.path.join(BIN, 'ansible-builder'),
            'create',
            '-f',
            str(definition),
            '-c',
            str(context),
            '--output-filename',
            'Containerfile',
        ],
        capture_output=True,
        text=True,
        cwd=str(tmp_path),
        timeout=120,
        check=False,
    )
    assert process.returncode == 0, process.stdout + process.stderr

    containerfile = (context / 'Containerfile').read_text()
    assert 'ARG PYCMD="/usr/bin/python3.11"' in containerfile
    assert 'ARG ANSIBLE_INSTALL_REFS="ansible-core>=2.19,<2.20 ansible-runner>=2.4,<2.5"' in containerfile
    assert (
        'introspect.py introspect --write-bindep=/tmp/src/bindep.txt --write-pip=/tmp/src/requirements.txt'
        in containerfile
    )
    galaxy = read_yaml(str(context / '_build' / 'requirements.yml'))
    assert [collection['name'] for collection in galaxy['collections']] == ['alibabacloud.dts']

    # What the build's introspection stage makes of the collection, installed from its tarball.
    installed, _tarball = installed_collection
    pip, bindep = tmp_path / 'requirements.txt', tmp_path / 'bindep.txt'
    process = subprocess.run(
        [
            sys.executable,
            str(context / '_build' / 'scripts' / 'introspect.py'),
            'introspect',
            '--write-pip=%s' % pip,
            '--write-bindep=%s' % bindep,
            str(installed),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert process.returncode == 0, process.stdout + process.stderr
    assert pip.is_file(), process.stdout + process.stderr
    python = [line.split('#')[0].strip() for line in pip.read_text().splitlines()]
    with open(os.path.join(COLLECTION_DIR, 'requirements.txt')) as handle:
        wanted = [line.strip() for line in handle if line.strip() and not line.startswith('#')]
    assert python == wanted
    assert all(line.endswith('# from collection alibabacloud.dts') for line in pip.read_text().splitlines())
    system = Depends(bindep.read_text())
    assert [rule[0] for rule in system.active_rules(['platform:rpm', 'platform:redhat'])] == ['python3']
