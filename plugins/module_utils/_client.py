# -*- coding: utf-8 -*-
# Copyright: Contributors to the alibabacloud.dts collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The DTS client: signs, sends, retries and pages.  One instance per run.

It returns the API's raw answers (dicts as parsed from JSON); ``_normalize`` turns
job records into facts.  Every plugin of the collection reaches DTS through here.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import re
import threading
import time
import traceback
import uuid
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait

try:
    import requests
    from requests.adapters import HTTPAdapter
    from requests.utils import get_environ_proxies
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError:
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()

from ansible_collections.alibabacloud.dts.plugins.module_utils._errors import DtsApiError, DtsConfigError
from ansible_collections.alibabacloud.dts.plugins.module_utils._retries import (
    DEFAULT_RETRIES,
    backoff_delay,
    is_throttling,
    is_transient,
)
from ansible_collections.alibabacloud.dts.plugins.module_utils._signing import canonical_query, sign_v1, sign_v3


DTS_API_VERSION = '2020-01-01'
LIST_JOBS_ACTION = 'DescribeSynchronizationJobs'
STATUS_LIST_ACTION = 'DescribeSynchronizationJobStatusList'
PAGE_SIZES = (10, 20, 30)
DEFAULT_PAGE_SIZE = 30
MAX_TAG_FILTERS = 20
# Measured in docs/benchmarks.md: at 50 ms a request, 16 pages in flight take 0.45 s off a
# 3,000-job playbook against 8, and 32 under 0.2 s more.  A service that throttles narrows it
# (ConcurrencyWindow).
DEFAULT_MAX_CONCURRENCY = 16
# The id list travels in the query string.  Past a few KB some gateways and proxies
# refuse the request line, so a long list is split into chunks fetched concurrently.
MAX_ENCODED_ID_LIST = 4000
# If the listing grows while it is read, jobs slide onto pages past the expected last
# one; read at most this many extra pages looking for them.
MAX_EXTRA_PAGES = 10
USER_AGENT = 'ansible-collection-alibabacloud.dts/0.1.0'

_QUERY_IN_TEXT = re.compile(r'\?[^\s\'"]*')


def _scrub(text):
    """Drop query strings from transport error text: V1 puts the signature and token there."""
    return _QUERY_IN_TEXT.sub('?...', str(text))


def _is_false(value):
    return value is False or (isinstance(value, str) and value.strip().lower() == 'false')


def _retry_after_seconds(headers):
    """``x-acs-retry-after`` is in milliseconds, as the official SDK reads it."""
    value = headers.get('x-acs-retry-after')
    try:
        millis = int(value)
    except (TypeError, ValueError):
        return None
    return millis / 1000.0 if millis > 0 else None


def run_concurrently(function, items, max_workers):
    """``[function(item) for item in items]`` on a bounded thread pool, results in order.

    The first failure cancels what has not started and is raised as is.
    """
    items = list(items)
    if len(items) <= 1 or max_workers <= 1:
        return [function(item) for item in items]
    with ThreadPoolExecutor(max_workers=min(max_workers, len(items))) as pool:
        futures = [pool.submit(function, item) for item in items]
        done, pending = wait(futures, return_when=FIRST_EXCEPTION)
        for future in pending:
            future.cancel()
        for future in futures:
            if future.done() and not future.cancelled() and future.exception() is not None:
                raise future.exception()
        return [future.result() for future in futures]


class ConcurrencyWindow(object):
    """How many requests of one client may be in flight: from ``maximum`` down to one.

    A throttled answer halves the window, once for all the requests that were in flight together
    (a throttled answer to a request sent before the last cut does not cut it again); each
    window-full of answers that were not throttled widens it by one, back up to ``maximum``.
    """

    def __init__(self, maximum):
        self.maximum = self.size = max(1, maximum)
        self.in_flight = 0
        self._generation = 0
        self._answered = 0
        self._condition = threading.Condition()

    def acquire(self):
        """Wait for a free slot; the returned generation goes back to ``release``."""
        with self._condition:
            while self.in_flight >= self.size:
                self._condition.wait()
            self.in_flight += 1
            return self._generation

    def release(self, generation, throttled=False):
        with self._condition:
            self.in_flight -= 1
            if throttled:
                if generation == self._generation:
                    self.size = max(1, self.size // 2)
                    self._generation += 1
                    self._answered = 0
            elif self.size < self.maximum:
                self._answered += 1
                if self._answered >= self.size:
                    self.size += 1
                    self._answered = 0
            self._condition.notify_all()


def chunk_job_ids(job_ids, limit=MAX_ENCODED_ID_LIST):
    """Split ids into as few chunks as keep each encoded JSON list under ``limit`` characters."""
    chunks, current, size = [], [], 2
    for job_id in job_ids:
        # json plus percent-encoding: quotes and the comma become %22 and %2C.
        cost = len(json.dumps(job_id)) + 6 + 3
        if current and size + cost > limit:
            chunks.append(current)
            current, size = [], 2
        current.append(job_id)
        size += cost
    if current:
        chunks.append(current)
    return chunks


def _check_jobs_page(action, body):
    if not isinstance(body.get('SynchronizationInstances'), list) or 'TotalRecordCount' not in body:
        raise DtsApiError(action, 'InvalidResponse',
                          'the answer lacks SynchronizationInstances or TotalRecordCount',
                          request_id=body.get('RequestId'))


def _check_status_page(action, body):
    if not isinstance(body.get('SynchronizationJobListStatusList'), list):
        raise DtsApiError(action, 'InvalidResponse', 'the answer lacks SynchronizationJobListStatusList',
                          request_id=body.get('RequestId'))


def environment_transport(endpoint, verify):
    """The proxies and CA bundle requests would take from the environment for ``endpoint``.

    ``HTTPS_PROXY``/``HTTP_PROXY``/``NO_PROXY`` and ``REQUESTS_CA_BUNDLE``/``CURL_CA_BUNDLE`` are
    honoured as requests honours them; requests itself would look them up on every request.
    """
    if verify is True:
        verify = os.environ.get('REQUESTS_CA_BUNDLE') or os.environ.get('CURL_CA_BUNDLE') or True
    return {'proxies': get_environ_proxies(endpoint), 'verify': verify}


class DtsClient(object):
    """Signed, retried calls to one DTS endpoint for one region.

    Safe to share between threads: the page and chunk fetches run concurrently
    over one keep-alive ``requests.Session``.
    """

    def __init__(self, credentials, region, endpoint, signature_version='v3', verify=True,
                 timeout=30.0, retries=DEFAULT_RETRIES, max_concurrency=DEFAULT_MAX_CONCURRENCY,
                 session=None, sleep=time.sleep, clock=time.monotonic):
        if not HAS_REQUESTS:
            raise DtsConfigError('The python requests library is required: pip install requests')
        self.credentials = credentials
        self.region = region
        self.endpoint = endpoint.rstrip('/')
        self.host = self.endpoint.split('://', 1)[1]
        self.signature_version = signature_version
        self.timeout = timeout
        self.retries = retries
        self.max_concurrency = max(1, max_concurrency)
        self.window = ConcurrencyWindow(self.max_concurrency)
        self.session = session or self.new_session(self.max_concurrency)
        # Proxies and the CA bundle (verify: True, False or a path), resolved once.
        self._transport = environment_transport(self.endpoint, verify)
        self._sleep = sleep
        self._clock = clock
        self._lock = threading.Lock()
        self._paused_until = 0.0
        # What this client did, for callers that report it (and tests that check it).
        self.requests_sent = 0
        self.retried_errors = []

    @staticmethod
    def new_session(pool_size):
        session = requests.Session()
        # The environment is read once per client (environment_transport), not on every request;
        # and a ~/.netrc entry must not replace the Authorization header of a signed request.
        session.trust_env = False
        adapter = HTTPAdapter(pool_connections=1, pool_maxsize=pool_size, max_retries=0)
        session.mount('https://', adapter)
        session.mount('http://', adapter)
        return session

    # -- one API call -----------------------------------------------------------------

    def call(self, action, params, validate=None):
        """Call ``action`` with ``params``, retrying transient failures; return the parsed answer.

        ``validate(action, body)`` may raise ``DtsApiError('InvalidResponse')`` for an answer of
        the wrong shape, which is retried like a truncated one.  One ``ClientToken`` is kept for
        every attempt, so the service sees retries as the same request.
        """
        query = dict((key, value) for key, value in params.items() if value is not None)
        query.setdefault('RegionId', self.region)
        query.setdefault('ClientToken', str(uuid.uuid4()))
        attempt = 0
        while True:
            self._wait_out_throttling()
            try:
                return self._attempt(action, query, validate)
            except DtsApiError as error:
                if attempt >= self.retries or not is_transient(error):
                    raise
                delay = backoff_delay(attempt, error.retry_after)
                with self._lock:
                    self.retried_errors.append(error.code)
                if is_throttling(error):
                    # Throttling is about the account, not this request: every thread backs off.
                    self._pause_everyone(delay)
                else:
                    self._sleep(delay)
                attempt += 1

    def _attempt(self, action, query, validate):
        """One request, in a slot of the concurrency window (released before any backoff sleep)."""
        generation = self.window.acquire()
        throttled = False
        try:
            body = self._send_once(action, query)
            if validate is not None:
                validate(action, body)
            return body
        except DtsApiError as error:
            throttled = is_throttling(error)
            raise
        finally:
            self.window.release(generation, throttled)

    def _pause_everyone(self, delay):
        with self._lock:
            self._paused_until = max(self._paused_until, self._clock() + delay)

    def _wait_out_throttling(self):
        while True:
            with self._lock:
                remaining = self._paused_until - self._clock()
            if remaining <= 0:
                return
            self._sleep(remaining)

    def _send_once(self, action, query):
        method = 'POST'
        # One snapshot per attempt: temporary credentials may be refreshed between attempts.
        credentials = self.credentials.current()
        if self.signature_version == 'v1':
            signed_query = sign_v1(method, action, DTS_API_VERSION, query, credentials)
            headers = {}
        else:
            signed_query = query
            headers = sign_v3(method, self.host, action, DTS_API_VERSION, query, credentials)
        headers['Accept'] = 'application/json'
        headers['User-Agent'] = USER_AGENT
        url = '%s/?%s' % (self.endpoint, canonical_query(signed_query))
        with self._lock:
            self.requests_sent += 1
        try:
            response = self.session.request(method, url, headers=headers, timeout=self.timeout,
                                            **self._transport)
        except requests.exceptions.SSLError as exc:
            raise DtsApiError(action, 'SSLError', (
                'TLS verification of %s failed (%s). Set ca_path to the CA bundle that signed the '
                'endpoint certificate, or validate_certs: false for an endpoint you trust.'
            ) % (self.endpoint, _scrub(exc)))
        except requests.exceptions.ConnectTimeout:
            raise DtsApiError(action, 'ConnectTimeout', 'could not connect to %s within %s s (http_timeout)'
                              % (self.endpoint, self.timeout))
        except requests.exceptions.Timeout:
            raise DtsApiError(action, 'ReadTimeout', 'no answer from %s within %s s (http_timeout)'
                              % (self.endpoint, self.timeout))
        except requests.exceptions.RequestException as exc:
            raise DtsApiError(action, 'ConnectionError', 'request to %s failed: %s'
                              % (self.endpoint, _scrub(exc)))
        try:
            return self._parse(action, response)
        except DtsApiError as error:
            raise error.redact([credentials.security_token, credentials.access_key_secret])

    @staticmethod
    def _parse(action, response):
        status = response.status_code
        retry_after = _retry_after_seconds(response.headers)
        try:
            body = json.loads(response.content.decode('utf-8'))
        except ValueError:
            body = None
        if not isinstance(body, dict):
            # A 2xx that is not JSON was cut short on the way (retried); an error page from
            # something that is not DTS (a proxy, a wrong endpoint) is reported by its status.
            code = 'InvalidResponse' if status < 300 else 'HTTP%d' % status
            raise DtsApiError(action, code, 'HTTP %d with an answer that is not a JSON object (%d bytes); '
                              'is the endpoint a DTS endpoint?' % (status, len(response.content)),
                              http_status=status, retry_after=retry_after)
        if status >= 400:
            raise DtsApiError(action, body.get('Code') or 'HTTP%d' % status, body.get('Message'),
                              request_id=body.get('RequestId'), http_status=status,
                              recommend=body.get('Recommend'), retry_after=retry_after)
        if _is_false(body.get('Success')):
            # The status list can fail inside an HTTP 200.
            raise DtsApiError(action, body.get('ErrCode') or body.get('Code'),
                              body.get('ErrMessage') or body.get('Message'),
                              request_id=body.get('RequestId'), http_status=status, retry_after=retry_after)
        return body

    # -- DescribeSynchronizationJobs ----------------------------------------------------

    def list_jobs(self, page_size=DEFAULT_PAGE_SIZE, name=None, tags=None, resource_group_id=None):
        """Every job record of the region matching the server-side filters, each exactly once.

        Page 1 gives the total; the remaining pages are fetched concurrently.  A two-way job
        has one record per direction, so records are keyed by (job id, direction).
        """
        filters = job_filters(name=name, tags=tags, resource_group_id=resource_group_id)
        if page_size not in PAGE_SIZES:
            raise DtsConfigError('page_size must be one of %s, got %r.'
                                 % (', '.join(str(size) for size in PAGE_SIZES), page_size), option='page_size')

        def fetch(page_number):
            query = dict(filters, PageSize=page_size, PageNum=page_number)
            return self.call(LIST_JOBS_ACTION, query, validate=_check_jobs_page)

        pages = [fetch(1)]
        expected_pages = _page_count(pages[0], page_size)
        pages.extend(run_concurrently(fetch, range(2, expected_pages + 1), self.max_concurrency))

        records, seen = [], set()
        for page in pages:
            _collect(page, records, seen)
        # The listing may have grown while we read it; follow full pages until the count is met.
        page_number = len(pages)
        while (len(records) < max(_total(page) for page in pages)
               and len(pages[-1]['SynchronizationInstances']) >= page_size
               and page_number < expected_pages + MAX_EXTRA_PAGES):
            page_number += 1
            pages.append(fetch(page_number))
            if not _collect(pages[-1], records, seen):
                break
        return records

    # -- DescribeSynchronizationJobStatusList -------------------------------------------

    def describe_statuses(self, job_ids):
        """The raw status entries for ``job_ids`` (unknown ids are simply absent)."""

        def fetch(chunk):
            query = {'SynchronizationJobIdListJsonStr': json.dumps(chunk, separators=(',', ':'))}
            return self.call(STATUS_LIST_ACTION, query, validate=_check_status_page)

        answers = run_concurrently(fetch, chunk_job_ids(job_ids), self.max_concurrency)
        return [entry for answer in answers for entry in answer['SynchronizationJobListStatusList']]


def job_filters(name=None, tags=None, resource_group_id=None):
    """The server-side filter parameters of DescribeSynchronizationJobs."""
    query = {}
    if name:
        query['SynchronizationJobName'] = name
    if resource_group_id:
        query['ResourceGroupId'] = resource_group_id
    tags = tags or {}
    if len(tags) > MAX_TAG_FILTERS:
        raise DtsConfigError('tags accepts at most %d tags, got %d; drop some or filter the rest with query.'
                             % (MAX_TAG_FILTERS, len(tags)), option='tags')
    for index, key in enumerate(sorted(tags), start=1):
        if not isinstance(key, str) or not key.strip():
            raise DtsConfigError('tags keys must be non-empty strings; remove the empty key.', option='tags')
        query['Tag.%d.Key' % index] = key
        # A null value filters on the key alone; an empty string is a real (empty) value.
        if tags[key] is not None:
            query['Tag.%d.Value' % index] = str(tags[key])
    return query


def _total(page):
    try:
        return int(page['TotalRecordCount'])
    except (TypeError, ValueError):
        return 0


def _page_count(page, page_size):
    return max(1, -(-_total(page) // page_size))


def _collect(page, records, seen):
    """Append the page's records not seen before; return how many were new."""
    added = 0
    for record in page['SynchronizationInstances']:
        key = (record.get('SynchronizationJobId'), record.get('SynchronizationDirection') or 'Forward')
        if key not in seen:
            seen.add(key)
            records.append(record)
            added += 1
    return added
