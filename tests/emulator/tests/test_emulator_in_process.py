# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""``Emulator.answer``: the same dispatch as over HTTP, in process (the unit tier's fake DTS)."""

import json
from urllib.parse import urlsplit

import pytest

import emulator_wire
from dts_emulator import Emulator

from conftest import AK, SECRET


class InProcessAnswer:
    def __init__(self, status, headers, content):
        self.status_code, self.headers, self.content = status, headers, content

    def json(self):
        return json.loads(self.content.decode('utf-8'))


class InProcessRequests:
    """What emulator_wire.call needs of requests, answered by ``emulator.answer``."""

    def __init__(self, emulator):
        self.emulator = emulator

    def request(self, method, url, headers=None, data=b'', **_ignored):
        parts = urlsplit(url)
        headers = dict(headers or {})
        headers.setdefault('Host', parts.netloc)
        body = data.encode('utf-8') if isinstance(data, str) else (data or b'')
        target = parts.path + ('?' + parts.query if parts.query else '')
        return InProcessAnswer(*self.emulator.answer(method, target, headers, body))

    def get(self, url, **kwargs):
        return self.request('GET', url, **kwargs)

    def post(self, url, **kwargs):
        return self.request('POST', url, **kwargs)


def without_request_id(answer):
    body = answer.json()
    body.pop('RequestId')
    return answer.status_code, body


@pytest.fixture
def in_process(emulator, monkeypatch):
    """emulator_wire.call, sent to the same emulator in process instead of over its socket."""

    def call(*args, **kwargs):
        with monkeypatch.context() as patched:
            patched.setattr(emulator_wire, 'requests', InProcessRequests(emulator))
            return emulator_wire.call(*args, **kwargs)

    return call


@pytest.mark.parametrize('signature, method', [('v3', 'POST'), ('v1', 'GET'), ('v1', 'POST')])
@pytest.mark.parametrize(
    'action, params',
    [
        ('DescribeSynchronizationJobs', {'RegionId': 'cn-hangzhou', 'PageSize': '10', 'PageNum': '2'}),
        ('DescribeDtsJobs', {'Region': 'cn-hangzhou', 'JobType': 'SYNC', 'PageSize': '30', 'PageNumber': '1'}),
        ('DescribeDtsJobs', {'RegionId': 'cn-hangzhou'}),  # refused: Region is required
    ],
)
def test_an_answer_in_process_is_the_answer_over_http(emulator, in_process, signature, method, action, params):
    over_http = emulator_wire.call(emulator.endpoint, action, params, signature=signature, method=method)
    here = in_process(emulator.endpoint, action, params, signature=signature, method=method)
    assert without_request_id(here) == without_request_id(over_http)
    assert [entry['action'] for entry in emulator.log] == [action, action]


def test_signatures_are_checked_in_process_too(emulator, in_process):
    answer = in_process(
        emulator.endpoint, 'DescribeSynchronizationJobs', {'RegionId': 'cn-hangzhou'}, secret='not-the-secret'
    )
    assert answer.status_code == 400 and answer.json()['Code'] == 'SignatureDoesNotMatch'


@pytest.mark.parametrize('kind, raised', [('reset', ConnectionResetError), ('stall', TimeoutError)])
def test_a_fault_that_cuts_the_connection_raises_what_a_client_would_meet(monkeypatch, kind, raised):
    # A stall of an hour: in process it is raised at once, never slept.
    emulator = Emulator(AK, SECRET, faults={kind + '_every': 1, 'stall_seconds': 3600})
    monkeypatch.setattr(emulator_wire, 'requests', InProcessRequests(emulator))
    with pytest.raises(raised):
        emulator_wire.call(emulator.endpoint, 'DescribeSynchronizationJobs', {'RegionId': 'cn-hangzhou'})
    assert [(entry['outcome'], entry['status']) for entry in emulator.log] == [(kind, 0)]
