# -*- coding: utf-8 -*-
# Copyright: Contributors to the alibabacloud.dts collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Credentials a command prints: the aliyun CLI's ``External`` profiles.

``process_command`` is split into words and run without a shell, bounded in time; its JSON is read
again before the credentials it gave expire.
"""

import json
import os
import shlex
import subprocess
from typing import Any, List, Optional

from ansible_collections.alibabacloud.dts.plugins.module_utils._cred_base import (
    Credentials,
    RefreshingCredentials,
    SourceContext,
    parse_expiration,
)
from ansible_collections.alibabacloud.dts.plugins.module_utils._errors import DtsApiError, DtsConfigError

EXTERNAL_TIMEOUT = 60


def _run(argv: List[str], action: str) -> Any:
    """The command's output, or a DtsApiError saying why there is none."""
    try:
        process = subprocess.run(
            argv,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            timeout=EXTERNAL_TIMEOUT,
            check=False,
            universal_newlines=True,
        )
    except subprocess.TimeoutExpired:
        raise DtsApiError(
            action, 'ReadTimeout', 'the command gave no credentials within %d s' % EXTERNAL_TIMEOUT
        ) from None
    except (IOError, OSError) as error:
        raise DtsApiError(action, 'CommandFailed', 'the command could not run: %s' % error.strerror) from error
    if process.returncode != 0:
        last = (process.stderr.strip().splitlines() or [''])[-1][:200]
        raise DtsApiError(
            action, 'CommandFailed', 'exit status %d%s' % (process.returncode, ': ' + last if last else '')
        )
    return process.stdout


def _printed_credentials(output: str, action: str, source: str) -> Credentials:
    try:
        data = json.loads(output)
    except ValueError:
        data = None
    if not isinstance(data, dict) or not data.get('access_key_id') or not data.get('access_key_secret'):
        raise DtsApiError(
            action, 'InvalidResponse', 'the command printed no JSON object with access_key_id and access_key_secret'
        )
    if data.get('mode') == 'StsToken' and not data.get('sts_token'):
        raise DtsApiError(action, 'InvalidResponse', 'the command printed mode StsToken without sts_token')
    expiration = parse_expiration(data['expiration'], action) if data.get('expiration') else None
    return Credentials(data['access_key_id'], data['access_key_secret'], data.get('sts_token'), source, expiration)


def external(context: SourceContext, command: Optional[str], source: str) -> RefreshingCredentials:
    """An aliyun CLI ``External`` profile: run ``process_command`` (no shell) and read the JSON it prints."""
    if not command or not command.strip():
        raise DtsConfigError('%s has no process_command.' % source, option='profile')
    try:
        argv = shlex.split(command)
    except ValueError as error:
        raise DtsConfigError(
            '%s: process_command cannot be split into words: %s' % (source, error), option='profile'
        ) from error
    action = 'External credentials command %s' % os.path.basename(argv[0])
    # Not retried: a command that failed once is not run again at once.
    return RefreshingCredentials(
        lambda: _printed_credentials(_run(argv, action), action, source), source, clock=context.clock
    )
