# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the AWX / AAP tests share: the emulator, jobs run the way the controller runs them
(ansible-runner over a private data directory), the credential type rendered the way the controller
renders it, and the collection built and installed from its tarball."""

import json
import os
import subprocess
import sys

import pytest
import yaml

from ansible_collections.alibabacloud.dts.tests.unit.plugins.modules.conftest import COLLECTIONS_ROOT

from dts_emulator import Emulator  # noqa: E402  (tests/emulator is on sys.path via the modules conftest)

COLLECTION_DIR = os.path.join(COLLECTIONS_ROOT, 'ansible_collections', 'alibabacloud', 'dts')
CREDENTIAL_TYPE = os.path.join(COLLECTION_DIR, 'extensions', 'awx', 'credential_types', 'alibabacloud_dts.yml')
BIN = os.path.dirname(sys.executable)

ACCESS_KEY_ID = 'awx-ak'
SECRET = 'awx-secret-never-shown-7f3a91c2'


def load_credential_type():
    with open(CREDENTIAL_TYPE) as handle:
        return yaml.safe_load(handle)


def render_injectors(credential_type, inputs, private_data_dir):
    """The environment a job gets from a credential of this type, rendered as AWX renders it
    (awx/main/models/credential: CredentialType.inject_credential): inputs left empty are not in the
    namespace, each file template is rendered in an immutable sandbox into a 0600 file under the private
    data directory's env/, tower.filename names it, then each env template is rendered.
    Returns (env, safe_env): safe_env is what the controller stores and shows, secrets replaced."""
    from jinja2 import sandbox

    secret_fields = set(field['id'] for field in credential_type['inputs']['fields'] if field.get('secret'))
    namespace, safe_namespace = {}, {}
    for name, value in inputs.items():
        if value:
            namespace[name] = value
            safe_namespace[name] = '**********' if name in secret_fields else value

    class Tower:
        pass

    tower = Tower()
    namespace['tower'] = safe_namespace['tower'] = tower
    environment = sandbox.ImmutableSandboxedEnvironment()
    env_dir = os.path.join(str(private_data_dir), 'env')
    os.makedirs(env_dir, exist_ok=True)
    for label, template in credential_type['injectors'].get('file', {}).items():
        assert '.' not in label, 'one file: tower.filename'
        path = os.path.join(env_dir, 'tmp_credential_%s' % label)
        with open(path, 'w') as handle:
            handle.write(environment.from_string(template).render(**namespace))
        os.chmod(path, 0o600)
        tower.filename = path
    env, safe_env = {}, {}
    for name, template in credential_type['injectors'].get('env', {}).items():
        env[name] = environment.from_string(template).render(**namespace)
        safe_env[name] = environment.from_string(template).render(**safe_namespace)
    return env, safe_env


@pytest.fixture
def emulator():
    with Emulator(access_key_id=ACCESS_KEY_ID, access_key_secret=SECRET) as server:
        yield server


def clean_environ(monkeypatch):
    """ansible-runner starts from this process's environment: no Alibaba Cloud variable of the
    machine running the tests may reach the job; it looks for ansible-inventory on this PATH."""
    for name in list(os.environ):
        if name.startswith(('ALIBABA_CLOUD_', 'ALICLOUD_')):
            monkeypatch.delenv(name)
    monkeypatch.setenv('PATH', BIN + os.pathsep + os.environ.get('PATH', ''))


def harness_env(tmp_path, emulator):
    """What the job needs to run here rather than in an execution environment: the collection, the
    Python, a HOME and Ansible's state in the test's directory, the emulator as DTS and STS endpoint."""
    home = tmp_path / 'home'
    home.mkdir(exist_ok=True)
    return {
        'PATH': BIN + os.pathsep + os.environ.get('PATH', ''),
        'HOME': str(home),
        'ANSIBLE_HOME': str(home / '.ansible'),
        'ANSIBLE_COLLECTIONS_PATH': COLLECTIONS_ROOT,
        'ANSIBLE_PYTHON_INTERPRETER': sys.executable,
        'ANSIBLE_LOCALHOST_WARNING': 'false',
        'ANSIBLE_INVENTORY_UNPARSED_WARNING': 'false',
        'ANSIBLE_NOCOLOR': '1',
        'ANSIBLE_REMOTE_TEMP': str(home / '.ansible' / 'tmp'),
        'ANSIBLE_LOCAL_TEMP': str(home / 'tmp'),
        'ALIBABA_CLOUD_ENDPOINT_DTS': emulator.endpoint,
        'ALIBABA_CLOUD_STS_ENDPOINT': emulator.endpoint,
        'ALIBABA_CLOUD_ECS_METADATA_DISABLED': 'true',
    }


def private_data_dir(tmp_path, playbook, envvars, extravars=None, inventory=None):
    """The layout the controller hands ansible-runner: project/ (the checked-out project),
    inventory/, env/envvars and env/extravars."""
    root = tmp_path / 'runner'
    for name in ('project', 'inventory', 'env'):
        (root / name).mkdir(parents=True, exist_ok=True)
    (root / 'project' / 'site.yml').write_text(playbook)
    (root / 'inventory' / 'hosts').write_text(
        inventory or 'localhost ansible_connection=local ansible_python_interpreter=%s\n' % sys.executable
    )
    (root / 'env' / 'envvars').write_text(json.dumps(envvars))
    (root / 'env' / 'extravars').write_text(json.dumps(extravars or {}))
    return root


def run_job(root):
    import ansible_runner

    return ansible_runner.run(
        private_data_dir=str(root), playbook='site.yml', inventory=str(root / 'inventory'), quiet=True, ident='job'
    )


def artifact_texts(runner):
    """Every file ansible-runner wrote for the job, by name relative to its artifact directory."""
    texts = {}
    for folder, _dirs, files in os.walk(runner.config.artifact_dir):
        for name in files:
            path = os.path.join(folder, name)
            with open(path, errors='replace') as handle:
                texts[os.path.relpath(path, runner.config.artifact_dir)] = handle.read()
    return texts


@pytest.fixture(scope='session')
def installed_collection(tmp_path_factory):
    """The collection as users get it: the tarball ansible-galaxy builds, installed offline."""
    work = tmp_path_factory.mktemp('galaxy')
    # Not PYTHONPATH, through which ansible-galaxy would find this checkout and call it installed.
    env = dict(
        ((name, value) for name, value in os.environ.items() if name != 'PYTHONPATH'),
        ANSIBLE_HOME=str(work / 'ansible-home'),
        HOME=str(work),
    )
    subprocess.run(
        [
            os.path.join(BIN, 'ansible-galaxy'),
            'collection',
            'build',
            COLLECTION_DIR,
            '--output-path',
            str(work),
            '--force',
        ],
        check=True,
        capture_output=True,
        env=env,
        timeout=300,
    )
    tarball = next(work.glob('alibabacloud-dts-*.tar.gz'))
    subprocess.run(
        [
            os.path.join(BIN, 'ansible-galaxy'),
            'collection',
            'install',
            '--offline',
            '--force',
            '-p',
            str(work / 'installed'),
            str(tarball),
        ],
        check=True,
        capture_output=True,
        env=env,
        timeout=300,
    )
    return work / 'installed', tarball
