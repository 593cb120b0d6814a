#!/usr/bin/env python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Let ansible-test bootstrap pip from the package index alone.

Every ansible-test virtualenv starts by running a get-pip script that ansible-test downloads
from its own CI host, which this machine (and CI) cannot reach.  It first looks for
~/.ansible/test/cache/get_pip_<version>.py, so we put a stand-in there: it installs pip with
ensurepip and then installs what it was asked for from the configured index.

"~" is whatever HOME says: the Makefile runs ansible-test, and this script, with HOME=build/home,
so that nothing is written under the real home directory.
"""

import os
import re
import sys

STANDIN = '''"""Stand-in for get-pip.py, written by tests/utils/install_get_pip_standin.py."""
import os
import subprocess
import sys

env = dict(os.environ)
env.pop('PIP_CONFIG_FILE', None)  # ensurepip points it at /dev/null; the machine's pip config is wanted
args = [arg for arg in sys.argv[1:] if arg not in ('--no-setuptools', '--no-wheel')]
subprocess.check_call([sys.executable, '-m', 'ensurepip', '--default-pip'], env=env)
subprocess.check_call([sys.executable, '-m', 'pip', 'install'] + args, env=env)
'''


def required_pip_versions():
    import ansible_test

    source = os.path.join(os.path.dirname(ansible_test.__file__), '_internal', 'python_requirements.py')
    with open(source) as handle:
        return sorted(set(re.findall(r"pip='([0-9.]+)'", handle.read())))


def main():
    cache = os.path.expanduser('~/.ansible/test/cache')
    os.makedirs(cache, exist_ok=True)
    for version in required_pip_versions():
        path = os.path.join(cache, 'get_pip_%s.py' % version.replace('.', '_'))
        with open(path, 'w') as handle:
            handle.write(STANDIN)
        print('pip %s bootstrap stand-in: %s' % (version, path))
    return 0


if __name__ == '__main__':
    sys.exit(main())
