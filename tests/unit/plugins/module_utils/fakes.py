# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""In-memory stand-ins for the HTTP session, so client behaviour can be specified exactly."""

import json
import threading
from urllib.parse import parse_qsl, urlsplit

from ansible_collections.alibabacloud.dts.plugins.module_utils._credentials import Credentials

CREDS = Credentials('test-ak', 'test-secret-value', None, 'test')


class FakeResponse:
    def __init__(self, status_code=200, body=None, headers=None, raw=None):
        self.status_code = status_code
        self.headers = headers or {}
        self.content = raw if raw is not None else json.dumps(body).encode('utf-8')

    def iter_content(self, chunk_size=1):
        for start in range(0, len(self.content), chunk_size):
            yield self.content[start:start + chunk_size]

    def close(self):
        pass


class FakeSession:
    """Answers each request with ``handler(action, params, headers)``; records what was sent."""

    def __init__(self, handler):
        self.handler = handler
        self.sent = []
        self._lock = threading.Lock()

    def request(self, method, url, headers=None, timeout=None, verify=None, proxies=None, stream=False):
        params = dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))
        action = (headers or {}).get('x-acs-action') or params.get('Action')
        with self._lock:
            self.sent.append((action, params, dict(headers or {})))
            self.transport = {'verify': verify, 'proxies': proxies}
        result = self.handler(action, params, headers or {})
        if isinstance(result, Exception):
            raise result
        return result


def error(code, status=400, message='an error', request_id='REQ-1', headers=None):
    return FakeResponse(status, {'Code': code, 'Message': message, 'RequestId': request_id}, headers=headers)


def job(job_id, status='synchronizing', direction='Forward', **extra):
    record = {'SynchronizationJobId': job_id, 'Status': status, 'SynchronizationDirection': direction,
              'SynchronizationJobName': 'job %s' % job_id, 'Delay': '0', 'Tags': []}
    record.update(extra)
    return record


def paged(records, total=None):
    """A handler serving ``records`` page by page as DescribeSynchronizationJobs does."""

    def handler(action, params, headers):
        size, number = int(params['PageSize']), int(params['PageNum'])
        page = records[(number - 1) * size:number * size]
        return FakeResponse(200, {
            'TotalRecordCount': len(records) if total is None else total, 'PageRecordCount': size,
            'PageNumber': number, 'RequestId': 'R-%d' % number, 'SynchronizationInstances': page})
    return handler
