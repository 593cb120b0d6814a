# -*- coding: utf-8 -*-
# Copyright: Contributors to the alibabacloud.dts collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The thin base every module of the collection is built on.

It adds the shared connection options, checks the Python libraries, builds the
client once, keeps credentials out of everything the module returns, and turns
client errors into one clean failure.
"""

import traceback
from typing import Any, Dict, Optional

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.alibabacloud.dts.plugins.module_utils._client import DtsClient
from ansible_collections.alibabacloud.dts.plugins.module_utils._connection import connect, connection_argument_spec
from ansible_collections.alibabacloud.dts.plugins.module_utils._endpoints import userinfo
from ansible_collections.alibabacloud.dts.plugins.module_utils._errors import DtsApiError, DtsConfigError
from ansible_collections.alibabacloud.dts.plugins.module_utils._http import HAS_REQUESTS, REQUESTS_IMPORT_ERROR


class DtsModule:
    """An AnsibleModule with the collection's connection options and error handling."""

    def __init__(self, argument_spec: Optional[Dict[str, Any]] = None, **kwargs: Any) -> None:
        spec = connection_argument_spec()
        spec.update(argument_spec or {})
        self.ansible = AnsibleModule(argument_spec=spec, **kwargs)
        self.params = self.ansible.params
        # An endpoint with user:password@ is refused (parse_endpoint), but the failure would still
        # return it in its invocation: hide it, as no_log hides the secret and the token.
        for endpoint in (self.params.get('endpoint'), (self.params.get('assume_role') or {}).get('endpoint')):
            self.ansible.no_log_values.update(userinfo(endpoint))
        self.check_mode = self.ansible.check_mode
        if not HAS_REQUESTS:
            self.ansible.fail_json(msg=missing_required_lib('requests'), exception=REQUESTS_IMPORT_ERROR)
        self._client: Optional[DtsClient] = None

    @property
    def client(self) -> DtsClient:
        if self._client is None:
            self._client = connect(self.params)
            # Whatever the source, the secret and token must never be echoed back, nor those
            # that replace them when temporary credentials are refreshed during a long wait.
            credentials = self._client.credentials
            self._hide(credentials.current())
            if hasattr(credentials, 'on_refresh'):
                credentials.on_refresh(self._hide)
            self._flush_warnings()
        return self._client

    def _flush_warnings(self):
        """Warn what the client has to say (an unknown region let through, values of an answer that
        could not be converted...) that was not said yet."""
        if self._client is not None:
            for warning in self._client.warnings:
                self.warn(warning)
            del self._client.warnings[:]

    def _hide(self, snapshot):
        self.ansible.no_log_values.update(
            value for value in (snapshot.access_key_secret, snapshot.security_token) if value
        )

    def _with_source(self, result):
        self._flush_warnings()
        # Where the credentials came from (never their values), once a client was built.
        if self._client is not None:
            result.setdefault('credentials_source', self._client.credentials.source)
        return result

    def compile_query(self) -> Any:
        """The compiled JMESPath expression of the ``query`` option, or None without one.

        jmespath is imported only for a query: most runs have none, and every run would pay for it.
        """
        expression = self.params.get('query')
        if expression is None:
            return None
        try:
            import jmespath
        except ImportError:
            self.fail_json(msg=missing_required_lib('jmespath'), exception=traceback.format_exc())
        try:
            return jmespath.compile(expression)
        except jmespath.exceptions.JMESPathError as error:
            self.fail_json(msg='query is not a valid JMESPath expression: %s' % error, option='query')

    def warn(self, message: str) -> None:
        self.ansible.warn(message)

    def exit_json(self, **result: Any) -> None:
        result.setdefault('changed', False)
        self.ansible.exit_json(**self._with_source(result))

    def fail_json(self, msg: str, **result: Any) -> None:
        self.ansible.fail_json(msg=msg, **self._with_source(result))

    def fail_error(self, error: BaseException) -> None:
        """Fail the task for a client error: options named for config errors, Code/RequestId for API ones."""
        if isinstance(error, DtsApiError):
            self.fail_json(msg=error.describe(), error=error.to_dict())
        if isinstance(error, DtsConfigError):
            extra = {'option': error.option} if error.option else {}
            self.fail_json(msg=error.message, **extra)
        self.fail_json(msg=str(error))
