#!/usr/bin/env python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A local stand-in for Alibaba Cloud's DTS endpoint, for tests, the demo and offline playbook work.

It verifies V3 (ACS3-HMAC-SHA256) and V1 (HMAC-SHA1) signatures as the gateway does, answers
the legacy DescribeSynchronizationJobs and DescribeSynchronizationJobStatusList, the current
DescribeDtsJobs and DescribeDtsJobDetail, the validation and precheck reads and DescribeJobMonitorRule
with the real response shapes and quirks, enforces
per-action rate limits, serves STS AssumeRole and AssumeRoleWithOIDC, a credentials URI and the ECS
metadata paths, injects faults and latency, and moves jobs through lifecycles driven by a control
API under /_emulator/.

Written independently of the collection's client (nothing here imports plugins/), so that the
two check each other; the official SDKs check both (tests/emulator/tests/).

    python tests/emulator/dts_emulator.py --port 8480
"""

import argparse
import base64
import hashlib
import hmac
import http.client
import io
import json
import os
import random
import re
import signal
import socket
import ssl
import struct
import sys
import tempfile
import threading
import time
import uuid
from bisect import bisect_right
from collections import OrderedDict, deque
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import accumulate
from operator import itemgetter
from urllib.parse import parse_qsl, quote, urlsplit

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from emulator_data import (  # noqa: E402
    CHECK_TYPES,
    DATA_CHECK_KINDS,
    FAILED_STATUSES,
    JOB_CODES,
    JOB_TYPES,
    advance_data_checks,
    canonical,
    check_job_records,
    checkpoint_of,
    default_data,
    dts_job_detail,
    dts_job_entry,
    endpoint_instance_ids,
    generate_job_specs,
    make_data_check,
    make_job,
    monitor_rule_records,
    precheck_progress,
    table_detail_records,
    table_detail_summary,
    wire_record,
)

DTS_VERSION = '2020-01-01'
STS_VERSION = '2015-04-01'
LEGACY_ACTIONS = ('DescribeSynchronizationJobs', 'DescribeSynchronizationJobStatusList')
CURRENT_ACTIONS = ('DescribeDtsJobs', 'DescribeDtsJobDetail')
# Data validation and precheck progress, read per task (never DescribeDataCheckTableDiffDetails:
# it returns the differing rows, customer data, and nothing here serves it).
VALIDATION_ACTIONS = (
    'DescribeCheckJobs',
    'DescribeDataCheckTableDetails',
    'DescribeDataCheckReportUrl',
    'DescribePreCheckStatus',
)
# A task's alert rules, read per task.
MONITOR_ACTIONS = ('DescribeJobMonitorRule',)
DTS_ACTIONS = LEGACY_ACTIONS + CURRENT_ACTIONS + VALIDATION_ACTIONS + MONITOR_ACTIONS
# Actions whose answers can carry an in-body failure (Success false) queued by the control API.
BUSINESS_FAILURE_ACTIONS = CURRENT_ACTIONS + VALIDATION_ACTIONS + MONITOR_ACTIONS
STS_ACTIONS = ('AssumeRole', 'AssumeRoleWithOIDC')
PAGE_SIZES = (10, 20, 30)
# DescribeDtsJobs' documentation has said 30/50/100, 20/30/50/100 and 10/20/30 over time: the
# emulator accepts every documented value and, like the service, caps what a page really holds.
DTS_JOBS_PAGE_SIZES = (10, 20, 30, 50, 100)
DTS_JOBS_DEFAULT_PAGE_SIZE = 20
# DescribeCheckJobs documents 30, 50 and 100 (default 30); DescribeDataCheckTableDetails and
# DescribePreCheckStatus document no sizes (the latter a default of 20): up to 100 is taken.
CHECK_JOBS_PAGE_SIZES = (30, 50, 100)
DETAIL_PAGE_SIZE_MAX = 100
DEFAULT_OIDC_TOKEN = 'dts-emulator-oidc-token'
THROTTLE_MESSAGES = {
    'Throttling.User': 'Request was denied due to user flow control.',
    'Rejected.Throttling': 'Request was denied due to flow control, please try again later.',
}
UNSET = object()
CLOCK_SKEW = timedelta(minutes=15)
NONCE_SECONDS = CLOCK_SKEW.total_seconds()  # how long a nonce is remembered
TLS_HANDSHAKE_SECONDS = 10
DEFAULT_ACCESS_KEY_ID = 'dts-emulator-ak'
DEFAULT_ACCESS_KEY_SECRET = 'dts-emulator-secret'
DEFAULT_ECS_ROLE = 'dts-emulator-role'
FAULT_KINDS = ('throttle', '5xx', 'reset', 'stall', 'truncate', 'badjson')


def percent_encode(value):
    return quote(str(value).encode('utf-8'), safe='~')


def canonical_query(params):
    return '&'.join('%s=%s' % (percent_encode(k), percent_encode(params[k])) for k in sorted(params))


def _explicit_delay(payload):
    """The delay a step or control request sets: absent = unchanged, null = -1 (not started)."""
    if 'delay' not in payload:
        return UNSET
    return -1 if payload['delay'] is None else int(payload['delay'])


def parse_time(text):
    return datetime.strptime(text, '%Y-%m-%dT%H:%M:%SZ').replace(tzinfo=timezone.utc)


def has_tags(job, tags):
    """Whether ``job`` has every (key, value) of ``tags``; a value of None matches any value of the key."""
    return all(key in job['tags'] and (value is None or job['tags'][key] == value) for key, value in tags)


def record_ends(jobs):
    """The legacy listing's records (one per direction) up to and including each of ``jobs``."""
    return list(accumulate(len(job['directions']) for job in jobs))


class ApiError(Exception):
    def __init__(self, status, code, message, recommend=None, headers=None, outcome='error'):
        super(ApiError, self).__init__(message)
        self.status, self.code, self.message, self.recommend = status, code, message, recommend
        self.headers, self.outcome = headers or {}, outcome


class Faults:
    """Which API requests fail, and how: a script first, then every-Nth rules, then random rates."""

    def __init__(self, seed=0, **settings):
        self.every = dict((kind, int(settings.get(kind + '_every') or 0)) for kind in FAULT_KINDS)
        self.rate = dict((kind, float(settings.get(kind + '_rate') or 0)) for kind in FAULT_KINDS)
        self.script = list(settings.get('script') or [])
        self.stall_seconds = float(settings.get('stall_seconds') or 5)
        self.random = random.Random(seed)
        self.count = 0

    def next(self):
        self.count += 1
        if self.script:
            outcome = self.script.pop(0)
            return None if outcome in ('ok', None) else outcome
        for kind in FAULT_KINDS:
            if self.every[kind] and self.count % self.every[kind] == 0:
                return kind
        for kind in FAULT_KINDS:
            if self.rate[kind] and self.random.random() < self.rate[kind]:
                return kind
        return None


class Emulator:
    """The emulator's state and behaviour, independent of HTTP; ``serve()`` puts it on a socket."""

    def __init__(
        self,
        access_key_id=DEFAULT_ACCESS_KEY_ID,
        access_key_secret=DEFAULT_ACCESS_KEY_SECRET,
        security_token=None,
        job_specs=None,
        latency_ms=0,
        seed=0,
        faults=None,
        host='127.0.0.1',
        port=0,
        tls=False,
        ca_file=None,
        quiet=True,
    ):
        self.lock = threading.RLock()
        self.started = datetime.now(timezone.utc)
        self.keys = {access_key_id: {'secret': access_key_secret, 'token': security_token, 'expires': None}}
        self.host, self.port, self.tls, self.ca_file, self.quiet = host, port, tls, ca_file, quiet
        self.latency_ms = latency_ms
        self.seed = seed
        self.faults = Faults(seed, **(faults or {}))
        self.config = {
            'max_status_ids': None,
            'require_imds_token': False,
            'retry_after_ms': 50,
            'ecs_roles': [DEFAULT_ECS_ROLE],
            'denied_roles': [],
            'refused_regions': [],
            'dts_jobs_page_cap': 30,
            'lowercase_statuses': False,
            'rate_limits': {},
            'account_rate_limits': {},
            'throttle_code': 'Throttling.User',
            'oidc_tokens': [DEFAULT_OIDC_TOKEN],
            'sts_duration_seconds': None,
            'refusal_message': None,
        }
        self.status_list_failures = []
        self.business_failures = {}
        self.rate_windows = {}
        # The rate limiter's clock (seconds, monotonic); tests replace it to step time by hand.
        self.clock = time.monotonic
        self.initial_specs = list(job_specs) if job_specs is not None else None
        self.load_jobs(self.initial_specs if job_specs is not None else default_data(self.started))
        self.reset_counters()
        self.server = None
        self.thread = None
        self._in_process = None  # the handler class of answer(), made on first use

    def _refusal(self, region):
        # What a refused region answers: the gateway's text, or refusal_message (a test's hostile text).
        return ApiError(
            403,
            'Forbidden.RAM',
            self.config['refusal_message']
            or 'User not authorized to operate on the specified resource in %s.' % region,
        )

    # -- state -----------------------------------------------------------------------------

    def load_jobs(self, specs, replace=True):
        """Add jobs from specs (replacing any with the same id), or with ``replace`` only these."""
        new = [make_job(spec, self.started) for spec in specs]
        with self.lock:
            kept = {} if replace else dict((job['id'], job) for job in self.jobs)
            for job in new:
                kept.pop(job['id'], None)  # a replaced job moves to the end, as before
                kept[job['id']] = job
            self.jobs = list(kept.values())
            self._reindex()

    def _reindex(self):
        # Jobs are addressed by their legacy id, DtsJobId or DtsInstanceID; the listings reuse one
        # sorted order until the jobs change, so 30,000 jobs page without sorting every request.
        index = {}
        for job in self.jobs:
            index.setdefault(job['dts_job_id'], job)
        for job in self.jobs:
            index[job['id']] = job
        self.index = index
        self.ordered = sorted(self.jobs, key=itemgetter('created', 'id'))
        # What a listing page reads, so that a page costs a page and not the whole store (the
        # benchmarks measure the collection, not the emulator): DescribeDtsJobs' jobs by (region,
        # JobType), and the legacy listing's jobs (made the legacy way) by region, None for all
        # regions, with the records (one per direction) up to and including each job.
        by_region_and_type, legacy = {}, {None: []}
        for job in self.ordered:
            by_region_and_type.setdefault((job['region'], job['job_type']), []).append(job)
            if job['origin'] == 'legacy':
                legacy[None].append(job)
                legacy.setdefault(job['region'], []).append(job)
        self.by_region_and_type = by_region_and_type
        self.legacy_listing = dict((region, (jobs, record_ends(jobs))) for region, jobs in legacy.items())
        self.indexed = (id(self.jobs), len(self.jobs))

    def _current_index(self):
        if self.indexed != (id(self.jobs), len(self.jobs)):
            self._reindex()  # someone changed .jobs directly, or a job changed what the index keys on
        return self.index

    def _index_is_stale(self):
        # The next request rebuilds the indexes (under the lock, as every change is made).
        self.indexed = None

    def reset_counters(self):
        with self.lock:
            # (key id, nonce) -> when it was seen, oldest first: expired ones leave from the front.
            self.nonces = OrderedDict()
            self.rate_windows = {}
            self.log = []
            # Signatures seen, kept apart from the request log so tests can prove none leaks.
            self.signatures = []
            self.counters = {'total': 0, 'by_action': {}, 'by_outcome': {}, 'in_flight': 0, 'max_in_flight': 0}

    def job(self, job_id):
        """A stored job by its legacy id, its DtsJobId or its DtsInstanceID."""
        with self.lock:
            job = self._current_index().get(job_id)
        if job is None:
            raise ApiError(404, 'InvalidJobId.NotFound', 'The emulator has no job %s.' % job_id)
        return job

    def set_status(self, job_id, status, direction='Forward', error_message=None, delay=UNSET, checkpoint=UNSET):
        """Move one direction of a job. ``status`` None keeps the status (a step may move only the delay).

        ``delay`` in seconds, -1 = incremental synchronization not started (None leaves it as it is,
        as it always did here; timeline steps and the control API turn an explicit null into -1);
        ``checkpoint`` Unix seconds, or ``"now"`` / ``"now-N"``: that far behind the clock whenever
        it is read. Without ``error_message``, a failed status keeps the previous message and any
        other status clears it.
        """
        with self.lock:
            job = self.job(job_id)
            if direction not in job['directions']:
                self._index_is_stale()  # a new direction is a new legacy listing record
            state = job['directions'].setdefault(
                direction, {'status': status or 'NotStarted', 'delay': 0, 'checkpoint': 0}
            )
            if status is not None:
                state['status'] = status
                state['error_message'] = (
                    error_message
                    if error_message is not None
                    else (state.get('error_message') if canonical(status) in FAILED_STATUSES else None)
                )
                if canonical(status) == 'Synchronizing' and checkpoint is UNSET:
                    state['checkpoint'] = int(time.time())
                    state.pop('checkpoint_lag', None)
            elif error_message is not None:
                state['error_message'] = error_message or None
            if delay is not UNSET and delay is not None:
                state['delay'] = int(delay)
            if checkpoint is not UNSET:
                self._set_checkpoint(state, checkpoint)

    def set_data_check(self, job_id, kind, check):
        """Replace one kind of a job's validation (``full``, ``incremental``, ``structure``; a spec as in
        ``data_check`` of a job spec); None removes it, so the job reports it not configured."""
        if kind not in DATA_CHECK_KINDS:
            raise ValueError('check_type must be one of %s, not %r' % (', '.join(DATA_CHECK_KINDS), kind))
        made = make_data_check({kind: check})
        with self.lock:
            job = self.job(job_id)
            checks = dict(job.get('data_check') or {})
            checks.pop(kind, None)
            checks.update(made)
            job['data_check'] = checks

    @staticmethod
    def _set_checkpoint(state, checkpoint):
        state.pop('checkpoint_lag', None)
        if isinstance(checkpoint, str) and checkpoint.strip().startswith('now'):
            rest = checkpoint.strip()[3:].replace(' ', '')
            lag = int(rest[1:]) if rest.startswith('-') else (0 if not rest else None)
            if lag is None or lag < 0:
                raise ValueError('checkpoint must be Unix seconds, "now" or "now-N", not %r' % checkpoint)
            state['checkpoint_lag'] = lag
        else:
            state['checkpoint'] = int(checkpoint)

    def set_timeline(self, job_id, steps):
        """Steps ``{status?, direction?, error_message?, delay?, checkpoint?, after_polls: N | after_seconds: S}``.

        ``after_polls`` counts the reading requests of either family that include the job (a legacy
        listing page or status list, a DescribeDtsJobs page, a DescribeDtsJobDetail) from now on, so
        a test advances a lifecycle by polling instead of sleeping. ``after_seconds`` is the
        wall-clock variant, counted from now and applied at the first poll after it is due.
        """
        for step in steps:
            if 'checkpoint' in step:
                self._set_checkpoint({}, step['checkpoint'])  # refuse a malformed one now, not at a poll
            if step.get('status') is None and not set(step) & {'delay', 'checkpoint', 'error_message', 'data_check'}:
                raise ValueError('a timeline step needs a status, delay, checkpoint, error_message or data_check')
            make_data_check(step.get('data_check'))  # refuse a malformed one now, not at a poll
        with self.lock:
            job = self.job(job_id)
            job['polls'] = 0
            job['timeline_set'] = time.monotonic()
            job['timeline'] = sorted(steps, key=lambda step: (step.get('after_polls', 0), step.get('after_seconds', 0)))

    def _advance(self, job):
        """One poll of a job: by any reading action of either family that includes it."""
        job['polls'] += 1
        advance_data_checks(job)
        if not job['timeline']:
            return
        due, waiting = [], []
        for step in job['timeline']:
            if ('after_seconds' in step and time.monotonic() - job['timeline_set'] >= step['after_seconds']) or (
                'after_polls' in step and job['polls'] >= step['after_polls']
            ):
                due.append(step)
            else:
                waiting.append(step)
        job['timeline'] = waiting
        for step in due:
            if step.get('status') is not None or set(step) & {'delay', 'checkpoint', 'error_message'}:
                self.set_status(
                    job['id'],
                    step.get('status'),
                    step.get('direction', 'Forward'),
                    step.get('error_message'),
                    _explicit_delay(step),
                    step['checkpoint'] if 'checkpoint' in step else UNSET,
                )
            for kind, check in (step.get('data_check') or {}).items():
                self.set_data_check(job['id'], kind, check)

    # -- signatures --------------------------------------------------------------------------

    def _account(self, key_id):
        account = self.keys.get(key_id)
        if account is None:
            raise ApiError(404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.')
        return account

    def _check_token(self, account, token):
        if account['token'] is None:
            return
        if not token:
            raise ApiError(400, 'MissingSecurityToken', 'SecurityToken is mandatory for this action.')
        if token != account['token']:
            raise ApiError(
                403,
                'InvalidSecurityToken.MismatchWithAccessKey',
                'Specified SecurityToken mismatch with the AccessKey.',
            )
        if account['expires'] and datetime.now(timezone.utc) > account['expires']:
            raise ApiError(403, 'InvalidSecurityToken.Expired', 'Specified SecurityToken is expired.')

    def _check_time_and_nonce(self, key_id, stamp, nonce):
        try:
            moment = parse_time(stamp)
        except (TypeError, ValueError) as error:
            raise ApiError(
                400, 'InvalidTimeStamp.Format', 'Specified time stamp or date value is not well formatted.'
            ) from error
        if abs(datetime.now(timezone.utc) - moment) > CLOCK_SKEW:
            raise ApiError(400, 'InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.')
        if not nonce:
            raise ApiError(400, 'MissingSignatureNonce', 'SignatureNonce is mandatory for this action.')
        with self.lock:
            # Read under the lock, so the nonces are kept in the order they were seen and forgetting the
            # expired ones costs what they number, not what every request still remembered costs.
            now = time.monotonic()
            while self.nonces and now - next(iter(self.nonces.values())) > NONCE_SECONDS:
                self.nonces.popitem(last=False)
            if (key_id, nonce) in self.nonces:
                raise ApiError(400, 'SignatureNonceUsed', 'Specified signature nonce was used already.')
            self.nonces[(key_id, nonce)] = now

    def verify_v3(self, method, path, query, headers, body):
        authorization = headers.get('authorization', '')
        match = re.match(
            r'^ACS3-HMAC-SHA256 Credential=([^,]+),SignedHeaders=([^,]+),Signature=([0-9a-f]+)$', authorization
        )
        if not match:
            raise ApiError(400, 'IncompleteSignature', 'The request signature does not conform to Aliyun standards.')
        key_id, signed_names, signature = match.groups()
        self.signatures.append(signature)
        names = signed_names.split(';')
        for required in (
            'host',
            'x-acs-action',
            'x-acs-version',
            'x-acs-date',
            'x-acs-signature-nonce',
            'x-acs-content-sha256',
        ):
            if required not in names or headers.get(required) is None:
                raise ApiError(400, 'IncompleteSignature', 'The header %s must be signed.' % required)
        account = self._account(key_id)
        if headers['x-acs-content-sha256'] != hashlib.sha256(body).hexdigest():
            raise ApiError(400, 'ContentSHA256NotMatched', 'The content sha256 is not matched with our calculation.')
        canonical_headers = ''.join('%s:%s\n' % (name, headers.get(name, '').strip()) for name in sorted(names))
        canonical_request = '\n'.join(
            [
                method,
                path or '/',
                canonical_query(query),
                canonical_headers,
                ';'.join(sorted(names)),
                headers['x-acs-content-sha256'],
            ]
        )
        string_to_sign = 'ACS3-HMAC-SHA256\n' + hashlib.sha256(canonical_request.encode('utf-8')).hexdigest()
        expected = hmac.new(
            account['secret'].encode('utf-8'), string_to_sign.encode('utf-8'), hashlib.sha256
        ).hexdigest()
        if not hmac.compare_digest(expected, signature):
            raise ApiError(
                400,
                'SignatureDoesNotMatch',
                'The request signature does not conform to Aliyun standards. server string to sign is:%s'
                % string_to_sign,
            )
        self._check_time_and_nonce(key_id, headers['x-acs-date'], headers['x-acs-signature-nonce'])
        self._check_token(account, headers.get('x-acs-security-token'))
        return key_id

    def verify_v1(self, method, params):
        for required in ('AccessKeyId', 'Signature', 'SignatureMethod', 'SignatureNonce', 'Timestamp'):
            if not params.get(required):
                raise ApiError(
                    400,
                    'MissingParameter' if required != 'Signature' else 'IncompleteSignature',
                    'The input parameter "%s" that is mandatory for processing this request is not '
                    'supplied.' % required,
                )
        if params['SignatureMethod'] != 'HMAC-SHA1':
            raise ApiError(400, 'InvalidParameter', 'Specified SignatureMethod is not valid.')
        self.signatures.append(params['Signature'])
        account = self._account(params['AccessKeyId'])
        unsigned = dict((k, v) for k, v in params.items() if k != 'Signature')
        string_to_sign = '%s&%s&%s' % (method, percent_encode('/'), percent_encode(canonical_query(unsigned)))
        expected = base64.b64encode(
            hmac.new((account['secret'] + '&').encode('utf-8'), string_to_sign.encode('utf-8'), hashlib.sha1).digest()
        ).decode('ascii')
        if not hmac.compare_digest(expected, params['Signature']):
            raise ApiError(
                400,
                'SignatureDoesNotMatch',
                'Specified signature is not matched with our calculation. server string to sign is:%s' % string_to_sign,
            )
        self._check_time_and_nonce(params['AccessKeyId'], params['Timestamp'], params['SignatureNonce'])
        self._check_token(account, params.get('SecurityToken'))
        return params['AccessKeyId']

    # -- actions -------------------------------------------------------------------------------

    def describe_jobs(self, params):
        try:
            size = int(params.get('PageSize', 30))
        except ValueError:
            size = -1
        if size not in PAGE_SIZES:
            raise ApiError(
                400,
                'InvalidParameter',
                'The specified parameter PageSize is not valid: valid values are 10, 20 and 30.',
            )
        try:
            number = int(params.get('PageNum', 1))
        except ValueError:
            number = 0
        if number < 1:
            raise ApiError(400, 'InvalidParameter', 'The specified parameter PageNum is not valid.')
        region = params.get('RegionId')
        if region in self.config['refused_regions']:
            raise self._refusal(region)
        name = (params.get('SynchronizationJobName') or '').lower()
        tags = []
        for index in range(1, 21):
            key = params.get('Tag.%d.Key' % index)
            if key is None:
                if 'Tag.%d.Value' % index in params:
                    raise ApiError(
                        400, 'InvalidParameter', 'Tag.%d.Key is mandatory with Tag.%d.Value.' % (index, index)
                    )
                continue
            if not key:
                raise ApiError(400, 'InvalidParameter', 'The specified parameter Tag.%d.Key cannot be empty.' % index)
            tags.append((key, params.get('Tag.%d.Value' % index)))
        group = params.get('ResourceGroupId')
        with self.lock:
            self._current_index()
            # Jobs made the current way are not in the legacy listing (an assumption: see the README).
            # The index holds the region's (or every region's) in order, with their records counted,
            # so an unfiltered page touches only its own records; each filter runs only when given.
            ordered, ends = self.legacy_listing.get(region or None, ((), ()))
            if name or group or tags:
                if name:
                    ordered = [job for job in ordered if name in job['name'].lower()]
                if group:
                    ordered = [job for job in ordered if job['resource_group_id'] == group]
                if tags:
                    ordered = [job for job in ordered if has_tags(job, tags)]
                ends = record_ends(ordered)
            # One record per direction, in a stable order (creation time, then id); only the
            # requested page is rendered.
            start, stop = (number - 1) * size, number * size
            page_slots = []
            for position in range(bisect_right(ends, start), len(ordered)):
                job = ordered[position]
                first = ends[position] - len(job['directions'])
                if first >= stop:
                    break
                page_slots.extend(
                    (job, direction)
                    for index, direction in enumerate(job['directions'])
                    if start <= first + index < stop
                )
            for job in dict((id(job), job) for job, _direction in page_slots).values():
                self._advance(job)
            page = [wire_record(job, direction) for job, direction in page_slots]
        return {
            'TotalRecordCount': ends[-1] if ends else 0,
            'PageRecordCount': size,
            'PageNumber': number,
            'SynchronizationInstances': page,
        }

    def describe_statuses(self, params):
        raw = params.get('SynchronizationJobIdListJsonStr')
        if raw is None or raw == '':
            raise ApiError(
                400,
                'MissingParameter',
                'The input parameter "SynchronizationJobIdListJsonStr" that is '
                'mandatory for processing this request is not supplied.',
            )
        try:
            ids = json.loads(raw)
        except ValueError:
            ids = None
        if not isinstance(ids, list) or not all(isinstance(item, str) for item in ids):
            raise ApiError(
                400,
                'InvalidParameter',
                'The specified parameter SynchronizationJobIdListJsonStr is not a JSON array of job ids.',
            )
        limit = self.config['max_status_ids']
        if limit and len(ids) > limit:
            raise ApiError(400, 'InvalidParameter', 'SynchronizationJobIdListJsonStr holds more than %s ids.' % limit)
        with self.lock:
            if self.status_list_failures:
                failure = self.status_list_failures.pop(0)
                return {
                    'Success': failure.get('success_value', 'false'),
                    'ErrCode': failure.get('code', 'InternalError'),
                    'ErrMessage': failure.get(
                        'message', 'The request processing has failed due to some unknown error.'
                    ),
                }
            region = params.get('RegionId')
            entries = []
            index = self._current_index()
            for job_id in ids:
                job = index.get(job_id)
                if (
                    job is None
                    or job['id'] != job_id
                    or job['origin'] != 'legacy'
                    or (region and job['region'] != region)
                ):
                    continue
                self._advance(job)
                entries.append(
                    {
                        'SynchronizationJobId': job_id,
                        'SynchronizationDirectionInfoList': [
                            {
                                'SynchronizationDirection': direction,
                                'Status': state['status'],
                                'Checkpoint': str(checkpoint_of(state)),
                            }
                            for direction, state in sorted(job['directions'].items())
                        ],
                    }
                )
        success = True if len(entries) % 2 else 'true'  # both spellings occur on the wire
        return {
            'Success': success,
            'TotalRecordCount': len(entries),
            'PageRecordCount': len(entries),
            'PageNumber': 1,
            'SynchronizationJobListStatusList': entries,
        }

    # -- the current family (DescribeDtsJobs, DescribeDtsJobDetail) ---------------------------------

    @staticmethod
    def _positive_int(params, name, default):
        try:
            value = int(params.get(name, default))
        except ValueError:
            value = 0
        if value < 1:
            raise ApiError(400, 'InvalidParameter', 'The specified parameter %s is not valid.' % name)
        return value

    def _business_failure(self, action):
        """The next queued in-body failure of ``action`` (HTTP 200, Success false), if any."""
        with self.lock:
            queued = self.business_failures.get(action)
            if not queued:
                return None
            failure = queued.pop(0)
        return {
            'Success': False,
            'ErrCode': failure.get('code', 'InternalError'),
            'ErrMessage': failure.get('message', 'The request processing has failed due to some unknown error.'),
            'HttpStatusCode': int(failure.get('http_status_code', 400)),
            'DynamicCode': failure.get('dynamic_code', ''),
            'DynamicMessage': failure.get('dynamic_message', ''),
        }

    def describe_dts_jobs(self, params):
        region = params.get('Region')
        if not region:
            # RegionId is deprecated here and no longer enough: the service answers MissingRegion.
            raise ApiError(
                400,
                'MissingRegion',
                'The input parameter "Region" that is mandatory for processing this '
                'request is not supplied (RegionId is not read by this action).',
            )
        if region in self.config['refused_regions']:
            raise self._refusal(region)
        size = self._positive_int(params, 'PageSize', DTS_JOBS_DEFAULT_PAGE_SIZE)
        if size not in DTS_JOBS_PAGE_SIZES:
            raise ApiError(
                400,
                'InvalidParameter',
                'The specified parameter PageSize is not valid: valid values are '
                '%s.' % ', '.join(map(str, DTS_JOBS_PAGE_SIZES)),
            )
        number = self._positive_int(params, 'PageNumber', 1)  # PageNum is the legacy name: not read here
        job_type = (params.get('JobType') or 'MIGRATION').upper()
        if job_type not in JOB_TYPES:
            raise ApiError(
                400,
                'InvalidParameter',
                'The specified parameter JobType is not valid: valid values are MIGRATION, SYNC and SUBSCRIBE.',
            )
        search_type, search = (params.get('Type') or '').strip(), (params.get('Params') or '').strip()
        if search and search_type not in ('name', 'instance', 'srcRds', 'rds'):
            raise ApiError(
                400,
                'InvalidParameter',
                'The specified parameter Type is not valid with Params: valid '
                'values are name, instance, srcRds and rds.',
            )
        job_ids = set(item.strip() for item in (params.get('DtsJobId') or '').split(',') if item.strip())
        instance_ids = set(item.strip() for item in (params.get('DtsInstanceId') or '').split(',') if item.strip())
        statuses = set(
            canonical(item.strip()).lower() for item in (params.get('Status') or '').split(',') if item.strip()
        )
        tags = self._dts_tags(params.get('Tags'))
        group = params.get('ResourceGroupId')
        failure = self._business_failure('DescribeDtsJobs')
        if failure:
            return failure
        lowercase = bool(self.config['lowercase_statuses'])
        now = time.time()
        with self.lock:
            self._current_index()
            # The region's jobs of this type, in order, from the index; then each filter only when
            # given, cheapest first: this runs under the lock for every page.
            matching = self.by_region_and_type.get((region, job_type), ())
            if job_ids:
                matching = [job for job in matching if job['dts_job_id'] in job_ids]
            if instance_ids:
                matching = [job for job in matching if job['id'] in instance_ids]
            if search and search_type == 'name':
                lowered = search.lower()
                matching = [job for job in matching if lowered in job['name'].lower()]
            elif search and search_type == 'instance':
                matching = [job for job in matching if search in (job['id'], job['dts_job_id'])]
            elif search:
                matching = [job for job in matching if search in endpoint_instance_ids(job)]
            if statuses:
                matching = [
                    job for job in matching if canonical(job['directions']['Forward']['status']).lower() in statuses
                ]
            if group:
                matching = [job for job in matching if job['resource_group_id'] == group]
            if tags:
                matching = [job for job in matching if has_tags(job, tags)]
            # The service caps a page whatever PageSize says; PageRecordCount tells what it holds.
            held = min(size, int(self.config['dts_jobs_page_cap'] or size))
            page = matching[(number - 1) * held : number * held]
            for job in page:
                self._advance(job)
            entries = [dts_job_entry(job, lowercase, now) for job in page]
        return {
            'TotalRecordCount': len(matching),
            'PageRecordCount': len(entries),
            'PageNumber': number,
            'DtsJobList': entries,
            'Success': True,
            'HttpStatusCode': 200,
        }

    @staticmethod
    def _dts_tags(raw):
        """``Tags``: a JSON list of {"key", "value"}; a missing value matches any value."""
        if raw is None or raw == '':
            return []
        try:
            items = json.loads(raw)
        except ValueError:
            items = None
        if not isinstance(items, list) or not all(isinstance(item, dict) and item.get('key') for item in items):
            raise ApiError(
                400,
                'InvalidParameter',
                'The specified parameter Tags is not valid: a JSON list of '
                '{"key": ..., "value": ...} with a non-empty key is expected.',
            )
        return [(str(item['key']), None if item.get('value') is None else str(item['value'])) for item in items]

    def describe_dts_job_detail(self, params):
        job_id = params.get('DtsJobId')
        if not job_id:
            raise ApiError(
                400,
                'MissingDtsJobId',
                'The input parameter "DtsJobId" that is mandatory for processing this request is not supplied.',
            )
        direction = params.get('SynchronizationDirection') or 'Forward'
        if direction not in ('Forward', 'Reverse'):
            raise ApiError(
                400,
                'InvalidParameter',
                'The specified parameter SynchronizationDirection is not valid: Forward or Reverse.',
            )
        failure = self._business_failure('DescribeDtsJobDetail')
        if failure:
            return failure
        with self.lock:
            job = self._current_index().get(job_id)
            instance, region = params.get('DtsInstanceID'), params.get('RegionId')
            if (
                job is None
                or job['dts_job_id'] != job_id
                or (instance and instance != job['id'])
                or (region and region != job['region'])
            ):
                raise ApiError(403, 'Forbidden.InstanceNotFound', 'The specified instance %s is not found.' % job_id)
            if direction not in job['directions']:
                raise ApiError(
                    400,
                    'InvalidParameter',
                    'SynchronizationDirection Reverse applies only to two-way synchronization; %s is one-way.' % job_id,
                )
            self._advance(job)
            return dts_job_detail(job, direction, bool(self.config['lowercase_statuses']))

    # -- data validation and precheck progress -------------------------------------------------------

    def _task(self, params, name='DtsJobId'):
        """The job a per-task action names by ``DtsJobId`` (required), found as DescribeDtsJobDetail finds it."""
        job_id = params.get(name)
        if not job_id:
            raise ApiError(
                400,
                'Missing' + name,
                'The input parameter "%s" that is mandatory for processing this request is not supplied.' % name,
            )
        region = params.get('RegionId')
        job = self._current_index().get(job_id)
        if job is None or job['dts_job_id'] != job_id or (region and region != job['region']):
            raise ApiError(403, 'Forbidden.InstanceNotFound', 'The specified instance %s is not found.' % job_id)
        return job

    @staticmethod
    def _check_type(params, allowed, required=True):
        raw = params.get('CheckType')
        if raw in (None, ''):
            if required:
                raise ApiError(
                    400,
                    'MissingCheckType',
                    'The input parameter "CheckType" that is mandatory for processing this request is not supplied.',
                )
            return None
        try:
            value = int(raw)
        except ValueError:
            value = None
        if value not in allowed:
            raise ApiError(
                400,
                'InvalidParameter',
                'The specified parameter CheckType is not valid: valid values are %s.' % ', '.join(map(str, allowed)),
            )
        return value

    @staticmethod
    def _page_size(params, name, default, allowed=None):
        size = Emulator._positive_int(params, name, default)
        if (allowed and size not in allowed) or size > DETAIL_PAGE_SIZE_MAX:
            raise ApiError(
                400,
                'InvalidParameter',
                'The specified parameter %s is not valid%s.'
                % (name, ': valid values are %s' % ', '.join(map(str, allowed)) if allowed else ''),
            )
        return size

    @staticmethod
    def _envelope(answer):
        answer.update(Success=True, HttpStatusCode=200)
        return answer

    def describe_check_jobs(self, params):
        """DescribeCheckJobs: the validation tasks of an instance (or of the region), paged.

        An unknown ``InstanceId`` is a filter that matches nothing: an empty list, not an error.
        """
        size = self._page_size(params, 'PageSize', 30, CHECK_JOBS_PAGE_SIZES)
        number = self._positive_int(params, 'PageNumber', 1)
        check_type = self._check_type(params, (1, 2, 3), required=False)
        instance, name = params.get('InstanceId'), (params.get('JobName') or '').lower()
        failure = self._business_failure('DescribeCheckJobs')
        if failure:
            return failure
        region = params.get('RegionId')
        with self.lock:
            self._current_index()
            jobs = [
                job
                for job in self.ordered
                if job.get('data_check')
                and (not region or job['region'] == region)
                and (not instance or instance == job['id'])
                and (not name or name in job['name'].lower())
            ]
            records = []
            for job in jobs:
                records.extend(
                    (job, record) for record in check_job_records(job) if check_type in (None, 3, record['CheckType'])
                )
            page = records[(number - 1) * size : number * size]
            for job in dict((id(job), job) for job, _record in page).values():
                self._advance(job)
            # Rendered after the poll, so a check that moved on this poll says so.
            rendered = [
                next(fresh for fresh in check_job_records(job) if fresh['CheckType'] == record['CheckType'])
                for job, record in page
            ]
        return self._envelope(
            {
                'CheckJobs': rendered,
                'TotalRecordCount': len(records),
                'PageNumber': number,
                'PageRecordCount': len(rendered),
            }
        )

    def describe_data_check_table_details(self, params):
        """DescribeDataCheckTableDetails: one check's tables (``Status`` 6: only those with differences)."""
        check_type = self._check_type(params, (1, 2))
        status = (params.get('Status') or '-1').strip()
        if status not in ('-1', '6'):
            raise ApiError(
                400,
                'InvalidParameter',
                'The specified parameter Status is not valid: -1 (all) or 6 (tables with inconsistent data).',
            )
        size = self._page_size(params, 'PageSize', 20)
        number = self._positive_int(params, 'PageNumber', 1)
        failure = self._business_failure('DescribeDataCheckTableDetails')
        if failure:
            return failure
        schema, table = params.get('SchemaName'), params.get('TableName')
        with self.lock:
            job = self._task(params)
            self._advance(job)
            kind = [name for name, value in CHECK_TYPES.items() if value == check_type][0]
            boot = datetime.fromtimestamp(time.time() - 600, timezone.utc).strftime('%Y-%m-%d %H:%M:%S')
            tables = [
                record
                for record in table_detail_records(job, kind, boot)
                if (status == '-1' or record['DiffCount'] > 0)
                and (not schema or record['SourceDbName'] == schema)
                and (not table or record['SourceTbName'] == table)
            ]
            summary = table_detail_summary(job, kind)
        answer = dict(summary, TableDetails=tables[(number - 1) * size : number * size], PageNumber=number)
        return self._envelope(answer)

    def describe_data_check_report_url(self, params):
        """DescribeDataCheckReportUrl: a signed link to one table's full validation report, in DynamicMessage."""
        self._check_type(params, (1,))
        for name in ('DbName', 'TbName'):
            if not params.get(name):
                raise ApiError(
                    400,
                    'MissingParameter',
                    'The input parameter "%s" that is mandatory for processing this request is not supplied.' % name,
                )
        failure = self._business_failure('DescribeDataCheckReportUrl')
        if failure:
            return dict(failure, Success='false')
        with self.lock:
            job = self._task(params)
            tables = ((job.get('data_check') or {}).get('full') or {}).get('tables') or []
            known = any((table['schema'], table['table']) == (params['DbName'], params['TbName']) for table in tables)
        if not known:
            # The documented success flag is a string here, and so is this failure's.
            return {
                'Success': 'false',
                'ErrCode': 'InvalidParameter',
                'HttpStatusCode': 400,
                'ErrMessage': 'The full data validation of %s has no report for %s.%s.'
                % (job['dts_job_id'], params['DbName'], params['TbName']),
            }
        expires = int(time.time()) + 1800
        link = (
            'https://dts-check-report-%s.oss-%s.aliyuncs.com/%s/%s.%s.csv?Expires=%d&OSSAccessKeyId=STS.emulator'
            '&Signature=emulator%%2Bsigned%%3D'
            % (job['region'], job['region'], job['dts_job_id'], params['DbName'], params['TbName'], expires)
        )
        return {'Success': 'true', 'HttpStatusCode': 200, 'DynamicMessage': link}

    def describe_pre_check_status(self, params):
        """DescribePreCheckStatus: one stage's items (JobCode 01 precheck, 02 schema, 03 full, 04 incremental)."""
        code = params.get('JobCode')
        if not code:
            raise ApiError(
                400,
                'MissingJobCode',
                'The input parameter "JobCode" that is mandatory for processing this request is not supplied.',
            )
        if code not in JOB_CODES:
            raise ApiError(
                400,
                'InvalidParameter',
                'The specified parameter JobCode is not valid: valid values are %s.' % ', '.join(JOB_CODES),
            )
        size = self._page_size(params, 'PageSize', 20)
        number = self._positive_int(params, 'PageNo', 1)
        failure = self._business_failure('DescribePreCheckStatus')
        if failure:
            return failure
        name = (params.get('Name') or '').lower()
        with self.lock:
            job = self._task(params)
            self._advance(job)
            state, items, failed = precheck_progress(
                job, code, datetime.now(timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')
            )
        items = [item for item in items if not name or name in item['Names'].lower()]
        page = items[(number - 1) * size : number * size]
        return self._envelope(
            {
                'JobProgress': page,
                'Code': code,
                'JobId': job['dts_job_id'],
                'JobName': {'01': 'PRE_CHECK', '02': 'STRUCT_INIT', '03': 'DATA_INIT', '04': 'DATA_SYNC'}[code],
                'State': state,
                'ErrorItem': failed,
                'Total': len(items),
                'PageNumber': number,
                'PageRecordCount': len(page),
                'TotalRecordCount': len(items),
            }
        )

    # -- alert rules -------------------------------------------------------------------------------

    def describe_job_monitor_rule(self, params):
        """DescribeJobMonitorRule: a task's alert rules (``MonitorRules``; empty when it has none).

        Reading the rules is not a poll of the job: its timeline does not move.
        """
        failure = self._business_failure('DescribeJobMonitorRule')
        if failure:
            return failure
        with self.lock:
            job = self._task(params)
            rules = [dict(rule) for rule in job.get('monitor_rules') or []]
        return self._envelope({'DtsJobId': job['dts_job_id'], 'MonitorRules': rules, 'Topics': []})

    def set_monitor_rules(self, job_id, rules):
        """Replace a job's alert rules (specs as in ``monitor_rules`` of a job spec)."""
        with self.lock:
            job = self.job(job_id)
            job['monitor_rules'] = monitor_rule_records(rules, job['dts_job_id'])

    # -- rate limits -------------------------------------------------------------------------------

    def check_rate(self, action, caller, region):
        """Refuse a call past ``rate_limits[action]`` per second for this key and region, or past
        ``account_rate_limits[action]`` per second for this key in all regions together.

        A sliding one-second window of the calls let through: refused calls do not use it up.
        """
        limits = [
            (limit, (caller, region or '', action))
            for limit in [(self.config.get('rate_limits') or {}).get(action)]
            if limit
        ]
        limits += [
            (limit, (caller, None, action))
            for limit in [(self.config.get('account_rate_limits') or {}).get(action)]
            if limit
        ]
        if not limits:
            return
        now = self.clock()
        with self.lock:
            windows = []
            for limit, key in limits:
                window = self.rate_windows.setdefault(key, deque())
                while window and window[0] <= now - 1.0:
                    window.popleft()
                if len(window) >= limit:
                    code = self.config['throttle_code']
                    raise ApiError(
                        400,
                        code,
                        THROTTLE_MESSAGES.get(code, THROTTLE_MESSAGES['Throttling.User']),
                        headers={'x-acs-retry-after': str(self.config['retry_after_ms'])},
                        outcome='throttle',
                    )
                windows.append(window)
            for window in windows:
                window.append(now)

    # -- STS -----------------------------------------------------------------------------------------

    def assume_role_with_oidc(self, params):
        """AssumeRoleWithOIDC: unsigned; the OIDC token itself is the proof."""
        for name in ('RoleArn', 'OIDCProviderArn', 'OIDCToken'):
            if not params.get(name):
                raise ApiError(
                    400,
                    'MissingParameter',
                    'The input parameter "%s" that is mandatory for processing this request is not supplied.' % name,
                )
        role = params['RoleArn']
        if not re.match(r'^acs:ram::\d+:role/[\w.@-]+$', role):
            raise ApiError(400, 'InvalidParameter.RoleArn', 'The parameter RoleArn is wrongly formed.')
        if not re.match(r'^acs:ram::\d+:oidc-provider/[\w.@-]+$', params['OIDCProviderArn']):
            raise ApiError(400, 'InvalidParameter.OIDCProviderArn', 'The parameter OIDCProviderArn is wrongly formed.')
        if params['OIDCToken'] not in (self.config['oidc_tokens'] or []):
            raise ApiError(400, 'InvalidParameter.OIDCToken', 'The parameter OIDCToken is invalid or expired.')
        if role in self.config['denied_roles'] or role.endswith('/denied'):
            raise ApiError(
                403, 'AuthenticationFail.NoPermission', 'The OIDC provider is not authorized to assume the role.'
            )
        creds = self.issue_sts_credentials(self._duration(params))
        session = params.get('RoleSessionName') or 'oidc-session'
        return {
            'AssumedRoleUser': {
                'Arn': role.replace(':role/', ':assumed-role/') + '/' + session,
                'AssumedRoleId': '3123' + uuid.uuid4().hex[:10] + ':' + session,
            },
            'OIDCTokenInfo': {
                'Subject': 'system:serviceaccount:dts:emulator',
                'Issuer': 'https://oidc.emulator',
                'ClientIds': 'sts.aliyuncs.com',
            },
            'Credentials': creds,
        }

    @staticmethod
    def _duration(params):
        try:
            duration = int(params.get('DurationSeconds', 3600))
        except ValueError:
            duration = 0
        if not 900 <= duration <= 43200:
            raise ApiError(
                400, 'InvalidParameter.DurationSeconds', 'The Min/Max value of DurationSeconds is 15min/12hr.'
            )
        return duration

    def assume_role(self, params, caller):
        role = params.get('RoleArn') or ''
        if not re.match(r'^acs:ram::\d+:role/[\w.@-]+$', role):
            raise ApiError(400, 'InvalidParameter.RoleArn', 'The parameter RoleArn is wrongly formed.')
        if role in self.config['denied_roles'] or role.endswith('/denied'):
            raise ApiError(
                403, 'NoPermission', 'You are not authorized to do this action. You should be authorized by RAM.'
            )
        creds = self.issue_sts_credentials(self._duration(params))
        return {
            'AssumedRoleUser': {
                'Arn': role.replace(':role/', ':assumed-role/') + '/' + params.get('RoleSessionName', ''),
                'AssumedRoleId': '3123' + uuid.uuid4().hex[:10],
            },
            'Credentials': creds,
        }

    def issue_sts_credentials(self, duration=3600):
        # sts_duration_seconds overrides every lifetime, so a test can watch credentials expire and refresh.
        duration = self.config.get('sts_duration_seconds') or duration
        key_id = 'STS.' + uuid.uuid4().hex[:20]
        secret, token = uuid.uuid4().hex, base64.b64encode(os.urandom(48)).decode('ascii')
        expires = datetime.now(timezone.utc) + timedelta(seconds=duration)
        with self.lock:
            self.keys[key_id] = {'secret': secret, 'token': token, 'expires': expires}
        return {
            'AccessKeyId': key_id,
            'AccessKeySecret': secret,
            'SecurityToken': token,
            'Expiration': expires.strftime('%Y-%m-%dT%H:%M:%SZ'),
        }

    # -- HTTP ------------------------------------------------------------------------------------

    def serve(self):
        emulator = self

        class Server(ThreadingHTTPServer):
            daemon_threads = True
            request_queue_size = 128
            ssl_context = None

            def finish_request(self, request, client_address):
                # The TLS handshake happens here, in the connection's own thread: done in accept()
                # on the listening socket, one silent client would stall every other connection.
                if self.ssl_context is None:
                    return ThreadingHTTPServer.finish_request(self, request, client_address)
                try:
                    request.settimeout(TLS_HANDSHAKE_SECONDS)
                    secure = self.ssl_context.wrap_socket(request, server_side=True)
                    secure.settimeout(None)
                except (OSError, ValueError):
                    return None  # a refused or abandoned handshake: the client sees it, the server goes on
                try:
                    return ThreadingHTTPServer.finish_request(self, secure, client_address)
                finally:
                    try:
                        secure.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass
                    secure.close()

        self.server = Server((self.host, self.port), _handler_for(emulator))
        self.port = self.server.server_address[1]
        if self.tls:
            self._wrap_tls()
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={'poll_interval': 0.05}, daemon=True)
        self.thread.start()
        return self

    def _wrap_tls(self):
        import trustme

        authority = trustme.CA()
        certificate = authority.issue_cert('127.0.0.1', 'localhost')
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        certificate.configure_cert(context)
        if not self.ca_file:
            handle, self.ca_file = tempfile.mkstemp(prefix='dts-emulator-ca-', suffix='.pem')
            os.close(handle)
        authority.cert_pem.write_to_path(self.ca_file)
        self.server.ssl_context = context

    @property
    def endpoint(self):
        return '%s://127.0.0.1:%d' % ('https' if self.tls else 'http', self.port)

    def stop(self):
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def __enter__(self):
        return self.serve() if self.server is None else self

    def __exit__(self, *exc):
        self.stop()

    def answer(self, method, target, headers, body=b''):
        """One request answered in process, exactly as over HTTP, without a socket or a thread.

        ``target`` is the request's path and query (``/?Action=...``); ``headers`` a mapping (the
        ``Host`` a client signed included).  Returns (HTTP status, headers, body bytes).  The
        faults that cut a connection raise what a client would meet: ConnectionResetError for
        ``reset``, TimeoutError for ``stall`` (at once: nothing here sleeps for it).
        """
        if self._in_process is None:
            self._in_process = _in_process_handler_for(self)
        exchange = self._in_process(method, target, headers, body)
        exchange._dispatch()
        if exchange.reply is None:
            raise exchange.dropped
        return exchange.reply


def _in_process_handler_for(emulator):

    class InProcess(_handler_for(emulator)):
        """The HTTP handler's own dispatch, fed from arguments and answering into ``reply``."""

        def __init__(self, method, target, headers, body):  # pylint: disable=super-init-not-called
            # BaseHTTPRequestHandler's constructor would serve a socket: none here.
            self.command, self.path = method, target
            self.headers = http.client.HTTPMessage()
            for name, value in headers.items():
                if name.lower() != 'content-length':
                    self.headers[name] = value
            self.headers['Content-Length'] = str(len(body))
            self.rfile = io.BytesIO(body)
            self.reply, self.dropped = None, None

        def _send(self, status, payload, extra_headers=None, raw=None, content_type='application/json;charset=utf-8'):
            data = raw if raw is not None else json.dumps(payload, ensure_ascii=False).encode('utf-8')
            headers = {'Content-Type': content_type, 'Content-Length': str(len(data))}
            headers.update(extra_headers or {})
            self.reply = (status, headers, data)

        def _reset_connection(self):
            self.dropped = ConnectionResetError(104, 'Connection reset by peer')

        def _stall(self):
            self.dropped = TimeoutError('the emulator held the connection (stall fault)')

    return InProcess


def _handler_for(emulator):

    class Handler(BaseHTTPRequestHandler):
        protocol_version = 'HTTP/1.1'
        # Headers and body go out in separate writes; with Nagle's algorithm on, a keep-alive client
        # (both official SDKs are) waits for the delayed ACK, about 40 ms per request on Linux.
        disable_nagle_algorithm = True
        server_version = 'Tengine'
        sys_version = ''

        def setup(self):
            BaseHTTPRequestHandler.setup(self)
            # Headers and body go out in separate writes; without this, Nagle's algorithm and the
            # client's delayed ACK add ~40 ms to every keep-alive answer, which no real gateway does.
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def log_message(self, fmt, *args):
            if not emulator.quiet:
                sys.stderr.write('%s %s\n' % (self.log_date_time_string(), fmt % args))

        def do_GET(self):
            self._dispatch()

        do_POST = do_PUT = do_DELETE = do_GET

        def _body(self):
            length = int(self.headers.get('Content-Length') or 0)
            return self.rfile.read(length) if length else b''

        def _send(self, status, payload, extra_headers=None, raw=None, content_type='application/json;charset=utf-8'):
            data = raw if raw is not None else json.dumps(payload, ensure_ascii=False).encode('utf-8')
            self.send_response(status)
            self.send_header('Content-Type', content_type)
            self.send_header('Content-Length', str(len(data)))
            for name, value in (extra_headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def _dispatch(self):
            parts = urlsplit(self.path)
            body = self._body()
            try:
                if parts.path.startswith('/_emulator/'):
                    try:
                        return self._control(parts, body)
                    except (ValueError, KeyError, TypeError, AttributeError) as error:
                        # A malformed control request gets an answer, not a dropped connection.
                        raise ApiError(
                            400, 'InvalidParameter', 'Bad control request: %s: %s' % (type(error).__name__, error)
                        ) from error
                if parts.path.startswith('/latest/'):
                    return self._metadata(parts)
                return self._api(parts, body)
            except ApiError as error:
                self._send(
                    error.status,
                    {
                        'RequestId': str(uuid.uuid4()).upper(),
                        'HostId': self.headers.get('host'),
                        'Code': error.code,
                        'Message': error.message,
                        'Recommend': 'https://api.aliyun.com/troubleshoot?q=%s' % error.code,
                    },
                    error.headers,
                )

        # API -----------------------------------------------------------------------------

        def _api(self, parts, body):
            query = dict(parse_qsl(parts.query, keep_blank_values=True))
            params = dict(query)
            if body and 'x-www-form-urlencoded' in (self.headers.get('Content-Type') or ''):
                params.update(parse_qsl(body.decode('utf-8'), keep_blank_values=True))
            headers = dict((name.lower(), value) for name, value in self.headers.items())
            version_3 = 'authorization' in headers
            action = headers.get('x-acs-action') if version_3 else params.get('Action')
            version = headers.get('x-acs-version') if version_3 else params.get('Version')
            started = time.time()
            with emulator.lock:
                emulator.counters['in_flight'] += 1
                emulator.counters['max_in_flight'] = max(
                    emulator.counters['max_in_flight'], emulator.counters['in_flight']
                )
            logged = dict((k, v) for k, v in params.items() if k not in ('Signature', 'SecurityToken', 'AccessKeyId'))
            if 'OIDCToken' in logged:
                # Never the token itself: a short hash still tells tests which token was sent.
                logged['OIDCToken'] = 'sha256:' + hashlib.sha256(logged['OIDCToken'].encode('utf-8')).hexdigest()[:12]
            entry = {
                'action': action,
                'region': params.get('RegionId') or params.get('Region'),
                'signature': 'v3' if version_3 else ('none' if action == 'AssumeRoleWithOIDC' else 'v1'),
                'params': logged,
                'time': started,
            }
            outcome, status, code = 'ok', 200, None
            reply = None  # sent only after the log and counters are updated, so a client that has
            # its answer can read the control API and find its request already recorded
            try:
                fault = emulator.faults.next() if action in DTS_ACTIONS else None
                if fault:
                    outcome = fault
                    status, code, reply = self._fault(fault)
                else:
                    if emulator.latency_ms and action in DTS_ACTIONS:
                        time.sleep(emulator.latency_ms / 1000.0)
                    result = self._answer(action, version, version_3, parts.path, query, params, headers, body)
                    result['RequestId'] = str(uuid.uuid4()).upper()
                    reply = (200, result)
            except ApiError as error:
                outcome, status, code = error.outcome, error.status, error.code
                raise
            finally:
                with emulator.lock:
                    emulator.counters['in_flight'] -= 1
                    emulator.counters['total'] += 1
                    by_action = emulator.counters['by_action']
                    by_action[action] = by_action.get(action, 0) + 1
                    by_outcome = emulator.counters['by_outcome']
                    by_outcome[outcome] = by_outcome.get(outcome, 0) + 1
                    entry.update(status=status, code=code, outcome=outcome, duration=time.time() - started)
                    emulator.log.append(entry)
            if reply is not None:
                self._send(*reply)

        def _answer(self, action, version, version_3, path, query, params, headers, body):
            if action not in DTS_ACTIONS + STS_ACTIONS:
                raise ApiError(
                    404, 'InvalidAction.NotFound', 'Specified api is not found, please check your url and method.'
                )
            expected = STS_VERSION if action in STS_ACTIONS else DTS_VERSION
            if version != expected:
                raise ApiError(400, 'InvalidVersion', 'Specified parameter Version is not valid.')
            if action == 'AssumeRoleWithOIDC':
                return emulator.assume_role_with_oidc(params)  # unsigned by design
            if version_3:
                caller = emulator.verify_v3(self.command, path, query, headers, body)
            else:
                caller = emulator.verify_v1(self.command, params)
            if action == 'AssumeRole':
                return emulator.assume_role(params, caller)
            emulator.check_rate(action, caller, params.get('Region') or params.get('RegionId'))
            if action == 'DescribeSynchronizationJobs':
                return emulator.describe_jobs(params)
            if action == 'DescribeDtsJobs':
                return emulator.describe_dts_jobs(params)
            if action == 'DescribeDtsJobDetail':
                return emulator.describe_dts_job_detail(params)
            if action in VALIDATION_ACTIONS:
                return {
                    'DescribeCheckJobs': emulator.describe_check_jobs,
                    'DescribeDataCheckTableDetails': emulator.describe_data_check_table_details,
                    'DescribeDataCheckReportUrl': emulator.describe_data_check_report_url,
                    'DescribePreCheckStatus': emulator.describe_pre_check_status,
                }[action](params)
            if action == 'DescribeJobMonitorRule':
                return emulator.describe_job_monitor_rule(params)
            return emulator.describe_statuses(params)

        def _fault(self, fault):
            """(HTTP status, code, reply for _send or None) of an injected fault."""
            if fault == 'throttle':
                return (
                    400,
                    'Throttling.User',
                    (
                        400,
                        {
                            'RequestId': str(uuid.uuid4()).upper(),
                            'HostId': self.headers.get('host'),
                            'Code': 'Throttling.User',
                            'Message': 'Request was denied due to user flow control.',
                        },
                        {'x-acs-retry-after': str(emulator.config['retry_after_ms'])},
                    ),
                )
            if fault == '5xx':
                return (
                    503,
                    'ServiceUnavailable',
                    (
                        503,
                        {
                            'RequestId': str(uuid.uuid4()).upper(),
                            'Code': 'ServiceUnavailable',
                            'Message': 'The request has failed due to a temporary failure of the server.',
                        },
                    ),
                )
            if fault == 'reset':
                self._reset_connection()
                return 0, 'ConnectionReset', None
            if fault == 'stall':
                self._stall()
                return 0, 'Stalled', None
            if fault == 'truncate':
                return 200, 'Truncated', (200, None, None, b'{"TotalRecordCount": 12, "SynchronizationInstan')
            return 200, 'BadJson', (200, None, None, b'<html><body>502 Bad Gateway</body></html>')

        def _reset_connection(self):
            # An abortive close: the client sees "connection reset by peer".
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
            self.close_connection = True

        def _stall(self):
            time.sleep(emulator.faults.stall_seconds)
            self.close_connection = True

        # ECS metadata ----------------------------------------------------------------------

        def _metadata(self, parts):
            if parts.path == '/latest/api/token' and self.command == 'PUT':
                return self._send(200, None, raw=b'emulator-imds-token')
            prefix = '/latest/meta-data/ram/security-credentials/'
            if not parts.path.startswith(prefix):
                return self._send(404, None, raw=b'Not Found')
            if (
                emulator.config['require_imds_token']
                and self.headers.get('X-aliyun-ecs-metadata-token') != 'emulator-imds-token'
            ):
                return self._send(401, None, raw=b'Unauthorized')
            role = parts.path[len(prefix) :]
            if not role:
                # The instance's role name, as plain text: what clients read when no role is configured.
                return self._send(
                    200, None, raw='\n'.join(emulator.config['ecs_roles']).encode('utf-8'), content_type='text/plain'
                )
            if role not in emulator.config['ecs_roles']:
                return self._send(404, None, raw=b'Not Found')
            creds = emulator.issue_sts_credentials(21600)
            creds.update(Code='Success', LastUpdated=datetime.now(timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ'))
            return self._send(200, creds)

        # Control API -------------------------------------------------------------------------

        def _control(self, parts, body):
            payload = json.loads(body.decode('utf-8')) if body else {}
            path = parts.path[len('/_emulator/') :].strip('/')
            segments = path.split('/')
            if path == 'health':
                return self._send(200, {'status': 'ok', 'endpoint': emulator.endpoint})
            if path == 'requests':
                with emulator.lock:
                    return self._send(200, {'requests': list(emulator.log)})
            if path == 'counters':
                with emulator.lock:
                    return self._send(200, dict(emulator.counters))
            if path == 'reset':
                emulator.reset_counters()
                if payload.get('reload'):
                    emulator.load_jobs(
                        emulator.initial_specs if emulator.initial_specs is not None else default_data(emulator.started)
                    )
                    emulator.faults = Faults(emulator.seed)
                    emulator.status_list_failures = []
                    emulator.business_failures = {}
                return self._send(200, {'reset': True})
            if path == 'credentials-uri':
                creds = emulator.issue_sts_credentials(3600)
                return self._send(200, dict(creds, Code='Success'))
            if path == 'jobs' and self.command == 'GET':
                query = dict(parse_qsl(parts.query))
                region, origin = query.get('region'), query.get('origin', 'legacy')
                if origin not in ('legacy', 'current', 'all'):
                    raise ValueError('origin must be legacy, current or all')
                # Without origin, the jobs the legacy listing shows: what this answer always meant.
                with emulator.lock:
                    jobs = [
                        dict(job, directions=dict(job['directions']))
                        for job in emulator.jobs
                        if (not region or job['region'] == region) and origin in ('all', job['origin'])
                    ]
                return self._send(200, {'jobs': jobs})
            if path == 'jobs':
                emulator.load_jobs(payload.get('jobs', []), replace=payload.get('replace', False))
                return self._send(200, {'jobs': len(emulator.jobs)})
            if len(segments) == 3 and segments[0] == 'jobs' and segments[2] == 'status':
                if payload.get('status') is None and not set(payload) & {'delay', 'checkpoint', 'error_message'}:
                    raise KeyError('status')
                emulator.set_status(
                    segments[1],
                    payload.get('status'),
                    payload.get('direction', 'Forward'),
                    payload.get('error_message'),
                    _explicit_delay(payload),
                    payload['checkpoint'] if 'checkpoint' in payload else UNSET,
                )
                return self._send(200, {'job': segments[1]})
            if len(segments) == 3 and segments[0] == 'jobs' and segments[2] == 'data-check':
                emulator.set_data_check(segments[1], payload.get('check_type'), payload.get('check'))
                return self._send(200, {'job': segments[1], 'check_type': payload.get('check_type')})
            if len(segments) == 3 and segments[0] == 'jobs' and segments[2] == 'monitor-rules':
                emulator.set_monitor_rules(segments[1], payload.get('rules') or [])
                return self._send(200, {'job': segments[1], 'rules': len(payload.get('rules') or [])})
            if len(segments) == 3 and segments[0] == 'jobs' and segments[2] == 'timeline':
                emulator.set_timeline(segments[1], payload.get('steps', []))
                return self._send(200, {'job': segments[1], 'steps': len(payload.get('steps', []))})
            if path == 'faults':
                emulator.faults = Faults(payload.pop('seed', emulator.seed), **payload)
                return self._send(200, {'faults': True})
            if path == 'status-list-failure':
                emulator.status_list_failures.extend([payload] * int(payload.get('count', 1)))
                return self._send(200, {'pending': len(emulator.status_list_failures)})
            if path == 'business-failure':
                action = payload.get('action', 'DescribeDtsJobs')
                if action not in BUSINESS_FAILURE_ACTIONS:
                    raise ValueError('action must be one of %s' % ', '.join(BUSINESS_FAILURE_ACTIONS))
                with emulator.lock:
                    emulator.business_failures.setdefault(action, []).extend([payload] * int(payload.get('count', 1)))
                    pending = dict((name, len(queued)) for name, queued in emulator.business_failures.items())
                return self._send(200, {'pending': pending})
            if path == 'config':
                for key, value in payload.items():
                    if key == 'latency_ms':
                        emulator.latency_ms = int(value)
                    elif key in emulator.config:
                        emulator.config[key] = check_setting(key, value)
                    else:
                        raise ApiError(400, 'InvalidParameter', 'Unknown emulator setting %s.' % key)
                return self._send(200, dict(emulator.config, latency_ms=emulator.latency_ms))
            raise ApiError(404, 'InvalidAction.NotFound', 'No control endpoint /_emulator/%s.' % path)

    return Handler


def check_setting(key, value):
    """A config value as the emulator uses it; ValueError (answered 400) for a wrong one."""
    if key in ('rate_limits', 'account_rate_limits'):
        value = dict(value or {})
        for action, limit in value.items():
            if action not in DTS_ACTIONS or not isinstance(limit, (int, float)) or limit <= 0:
                raise ValueError(
                    '%s maps DTS actions (%s) to positive calls per second' % (key, ', '.join(DTS_ACTIONS))
                )
    elif key == 'throttle_code' and value not in THROTTLE_MESSAGES:
        raise ValueError('throttle_code must be one of %s' % ', '.join(sorted(THROTTLE_MESSAGES)))
    elif key == 'dts_jobs_page_cap' and value is not None and int(value) < 1:
        raise ValueError('dts_jobs_page_cap must be a positive number of records, or null for no cap')
    elif key == 'oidc_tokens' and (not isinstance(value, list) or not all(isinstance(item, str) for item in value)):
        raise ValueError('oidc_tokens must be a list of strings')
    elif key == 'refusal_message' and value is not None and not isinstance(value, str):
        raise ValueError("refusal_message must be a string, or null for the gateway's own message")
    elif key == 'sts_duration_seconds' and value is not None and int(value) < 1:
        raise ValueError('sts_duration_seconds must be a positive number of seconds, or null')
    return value


def load_specs(path):
    with open(path) as handle:
        text = handle.read()
    try:
        data = json.loads(text)
    except ValueError:
        import yaml

        data = yaml.safe_load(text)
    return data['jobs'] if isinstance(data, dict) else data


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0])
    parser.add_argument('--host', default='127.0.0.1')
    parser.add_argument('--port', type=int, default=8480, help='0 picks a free port')
    parser.add_argument('--port-file', help='write the port here once listening')
    parser.add_argument('--access-key-id', default=DEFAULT_ACCESS_KEY_ID)
    parser.add_argument('--access-key-secret', default=DEFAULT_ACCESS_KEY_SECRET)
    parser.add_argument('--security-token', help='require this STS token with the access key')
    parser.add_argument('--data', help='jobs as YAML or JSON (a list, or {"jobs": [...]})')
    parser.add_argument('--latency-ms', type=int, default=0, help='added to every DTS API answer')
    parser.add_argument('--seed', type=int, default=0, help='seed of the random fault rates')
    for kind in FAULT_KINDS:
        parser.add_argument('--%s-every' % kind, type=int, default=0, help='make every Nth API request a %s' % kind)
        parser.add_argument('--%s-rate' % kind, type=float, default=0, help='probability of a %s per request' % kind)
    parser.add_argument('--stall-seconds', type=float, default=5)
    parser.add_argument('--max-status-ids', type=int, help='refuse status lists longer than this')
    parser.add_argument('--tls', action='store_true', help='serve HTTPS with a throwaway certificate')
    parser.add_argument('--ca-file', help='with --tls, write the CA bundle here')
    parser.add_argument('--quiet', action='store_true')
    parser.add_argument(
        '--generate-jobs',
        type=int,
        metavar='N',
        help='serve N generated jobs (both origins, every job type) instead of the default data',
    )
    parser.add_argument(
        '--generate-regions',
        default='cn-hangzhou',
        metavar='R1,R2,...',
        help='regions the generated jobs are spread over (default cn-hangzhou)',
    )
    parser.add_argument(
        '--rate-limit',
        action='append',
        default=[],
        metavar='ACTION=N',
        help='at most N calls per second per access key and region (repeatable)',
    )
    parser.add_argument(
        '--account-rate-limit',
        action='append',
        default=[],
        metavar='ACTION=N',
        help='at most N calls per second per access key, all regions together (repeatable)',
    )
    parser.add_argument(
        '--throttle-code',
        choices=sorted(THROTTLE_MESSAGES),
        default='Throttling.User',
        help='the code of an answer past a rate limit',
    )
    parser.add_argument(
        '--dts-jobs-page-cap',
        type=int,
        default=30,
        help='records a DescribeDtsJobs page holds at most, whatever PageSize says',
    )
    parser.add_argument(
        '--lowercase-statuses',
        action='store_true',
        help='DescribeDtsJobs / DescribeDtsJobDetail write statuses in lower case',
    )
    parser.add_argument(
        '--oidc-token',
        action='append',
        default=[],
        metavar='TOKEN',
        help='an OIDC token AssumeRoleWithOIDC accepts (repeatable; default the demo token)',
    )
    parser.add_argument(
        '--sts-duration-seconds', type=int, help='lifetime of every STS credential issued, overriding what was asked'
    )
    args = parser.parse_args(argv)
    rate_limits, account_rate_limits = {}, {}
    for option, items, limits in (
        ('rate_limits', args.rate_limit, rate_limits),
        ('account_rate_limits', args.account_rate_limit, account_rate_limits),
    ):
        for item in items:
            action, _sep, limit = item.partition('=')
            try:
                limits[action] = float(limit) if '.' in limit else int(limit)
                check_setting(option, limits)
            except ValueError as error:
                parser.error('--%s %s: %s' % (option.replace('_', '-')[:-1], item, error))
    if args.data and args.generate_jobs:
        parser.error('--data and --generate-jobs are exclusive: pick one source of jobs')
    if args.generate_jobs is not None and args.generate_jobs < 0:
        parser.error('--generate-jobs must be 0 or more')

    faults = dict(stall_seconds=args.stall_seconds)
    for kind in FAULT_KINDS:
        dest = kind.replace('-', '_')
        faults[kind + '_every'] = vars(args)[dest + '_every']
        faults[kind + '_rate'] = vars(args)[dest + '_rate']
    if args.generate_jobs is not None:
        regions = [region.strip() for region in args.generate_regions.split(',') if region.strip()]
        specs = generate_job_specs(args.generate_jobs, regions or ['cn-hangzhou'], args.seed)
    else:
        specs = load_specs(args.data) if args.data else None
    emulator = Emulator(
        args.access_key_id,
        args.access_key_secret,
        args.security_token,
        specs,
        args.latency_ms,
        args.seed,
        faults,
        args.host,
        args.port,
        args.tls,
        args.ca_file,
        args.quiet,
    )
    if args.max_status_ids:
        emulator.config['max_status_ids'] = args.max_status_ids
    emulator.config.update(
        rate_limits=rate_limits,
        account_rate_limits=account_rate_limits,
        throttle_code=args.throttle_code,
        dts_jobs_page_cap=args.dts_jobs_page_cap,
        lowercase_statuses=args.lowercase_statuses,
        sts_duration_seconds=args.sts_duration_seconds,
    )
    if args.oidc_token:
        emulator.config['oidc_tokens'] = list(args.oidc_token)
    # Handlers first: whoever reads the port file may send SIGTERM at once, and must get a clean stop.
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *a: stopped.set())
    signal.signal(signal.SIGINT, lambda *a: stopped.set())
    emulator.serve()
    if args.port_file:
        temporary = args.port_file + '.tmp'
        with open(temporary, 'w') as handle:
            handle.write(str(emulator.port))
        os.rename(temporary, args.port_file)
    endpoint = '%s://%s:%d' % ('https' if args.tls else 'http', args.host, emulator.port)
    print('DTS emulator listening on %s' % endpoint)
    print('  ALIBABA_CLOUD_ENDPOINT_DTS=%s' % endpoint)
    print('  ALIBABA_CLOUD_ACCESS_KEY_ID=%s' % args.access_key_id)
    print('  ALIBABA_CLOUD_ACCESS_KEY_SECRET=%s   (demo credentials, accepted only here)' % args.access_key_secret)
    print(
        '  ALIBABA_CLOUD_REGION_ID=cn-hangzhou   (regions with data: %s)'
        % ', '.join(sorted(set(job['region'] for job in emulator.jobs)))
    )
    if args.tls:
        print('  CA bundle (ca_path): %s' % emulator.ca_file)
    print('  control API: %s/_emulator/' % endpoint)
    sys.stdout.flush()

    while not stopped.wait(0.5):
        pass
    emulator.stop()
    return 0


if __name__ == '__main__':
    sys.exit(main())
