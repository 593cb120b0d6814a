# -*- coding: utf-8 -*-
# Copyright: Contributors to the alibabacloud.dts collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Credentials resolved once per account for a controller process that builds many clients.

The inventory plugin lists many regions of several accounts in one process; a module run builds
one client and has no use for it, so it lives with the controller's code.
"""

import json
import threading
from typing import Any, Callable, Dict, Mapping

from ansible_collections.alibabacloud.dts.plugins.module_utils._connection import CREDENTIAL_OPTIONS
from ansible_collections.alibabacloud.dts.plugins.module_utils._errors import DtsApiError, DtsConfigError


class CredentialCache:
    """Credentials resolved once per set of credential options, however many clients ask.

    Clients of one account in several regions share one AssumeRole (or metadata read): the first
    to ask resolves, the others wait for it. A failure is remembered too, so an account whose
    credentials cannot be had fails once, not once per region. Kept in memory only.
    ``_connection.connect(..., credentials_cache=cache)`` asks it.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: Dict[str, Dict[str, Any]] = {}

    def get(self, params: Mapping[str, Any], resolve: Callable[[], Any]) -> Any:
        key = json.dumps([params.get(name) for name in CREDENTIAL_OPTIONS], sort_keys=True, default=str)
        with self._lock:
            entry = self._entries.setdefault(key, {'lock': threading.Lock()})
        with entry['lock']:
            if 'value' not in entry:
                try:
                    entry['value'] = resolve()
                except (DtsApiError, DtsConfigError) as error:
                    entry['value'] = error
        if isinstance(entry['value'], Exception):
            raise entry['value']
        return entry['value']
