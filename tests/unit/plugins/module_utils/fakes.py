# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""In-memory stand-ins for the HTTP session that DtsClient sends through (``DtsClient.new_session``).

The unit tier's DTS is ``EmulatorSession``: the emulator of tests/emulator (its jobs, paging,
filters, gateway checks and faults) answering in this process, without HTTP; the ``fake_dts``
fixture of tests/unit/conftest.py puts one under every client a test builds.  A test that needs
jobs loads emulator specs; it does not page records of its own.

What keeps a purpose-built fake, and why:

- ``FakeSession`` with a handler (``paged`` among them): the tests of the client's own paging,
  retries and transport (test_client, test_api_current), which script one answer at a time: a
  total that changes between pages, a page that fails twice then answers, a server that offsets
  pages by the size asked, an answer no DTS would give.
- Scenarios the emulator does not model, on purpose: a job only one family lists (the emulator
  shows every job made the legacy way to both), the families disagreeing about a status, a
  reverse task with an id of its own, the legacy wire's empty or -1 delays (test_jobs' Region,
  test_waiter's FakeClient), and several accounts with refusals per account and region and a
  measured number of requests in flight (the inventory tests' Cloud).
- Real sockets: the hostile servers (``hostile.py``, test_hostile_answers) and the secret and
  credential tests' local servers test the transport itself (deadlines, size caps, TLS, proxies,
  what goes over the wire), which an in-process answer would skip.
"""

import json
import threading
from urllib.parse import parse_qsl, urlsplit

import requests

from ansible_collections.alibabacloud.dts.plugins.module_utils._credentials import Credentials

CREDS = Credentials('test-ak', 'test-secret-value', None, 'test')


class FakeResponse:
    def __init__(self, status_code=200, body=None, headers=None, raw=None):
        self.status_code = status_code
        self.headers = headers or {}
        self.content = raw if raw is not None else json.dumps(body).encode('utf-8')

    def iter_content(self, chunk_size=1):
        for start in range(0, len(self.content), chunk_size):
            yield self.content[start : start + chunk_size]

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
    record = {
        'SynchronizationJobId': job_id,
        'Status': status,
        'SynchronizationDirection': direction,
        'SynchronizationJobName': 'job %s' % job_id,
        'Delay': '0',
        'Tags': [],
    }
    record.update(extra)
    return record


def paged(records, total=None):
    """A handler serving ``records`` page by page as DescribeSynchronizationJobs does."""

    def handler(action, params, headers):
        size, number = int(params['PageSize']), int(params['PageNum'])
        page = records[(number - 1) * size : number * size]
        return FakeResponse(
            200,
            {
                'TotalRecordCount': len(records) if total is None else total,
                'PageRecordCount': size,
                'PageNumber': number,
                'RequestId': 'R-%d' % number,
                'SynchronizationInstances': page,
            },
        )

    return handler


class EmulatorSession:
    """A requests Session that hands each request to ``emulator.answer``: the emulator in process.

    Signatures are checked as over HTTP (the ``Host`` a client signed is the URL's, as requests
    sends it).  ``sent`` records (action, params, headers) as FakeSession does.  A fault that
    cuts the connection is requests' ConnectionError or ReadTimeout, as the client meets it.
    """

    def __init__(self, emulator):
        self.emulator = emulator
        self.sent = []
        self._lock = threading.Lock()

    def request(self, method, url, headers=None, data=None, timeout=None, verify=None, proxies=None, stream=False):
        parts = urlsplit(url)
        params = dict(parse_qsl(parts.query, keep_blank_values=True))
        headers = dict(headers or {})
        action = headers.get('x-acs-action') or params.get('Action')
        with self._lock:
            self.sent.append((action, params, dict(headers)))
        headers.setdefault('Host', parts.netloc)
        body = data.encode('utf-8') if isinstance(data, str) else (data or b'')
        target = parts.path + ('?' + parts.query if parts.query else '')
        try:
            status, answer_headers, content = self.emulator.answer(method, target, headers, body)
        except ConnectionResetError as error:
            raise requests.exceptions.ConnectionError(error) from None
        except TimeoutError as error:
            raise requests.exceptions.ReadTimeout(error) from None
        return FakeResponse(status, headers=answer_headers, raw=content)

    def close(self):
        pass
