# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The dts_sync_events source against the emulator, on an injected clock: no wall-clock sleeps."""

import asyncio
import importlib.util
import json
import logging
import os
import sys

import pytest

from ansible_collections.alibabacloud.dts.plugins.module_utils._connection import CONNECTION_OPTIONS
from ansible_collections.alibabacloud.dts.plugins.module_utils._errors import DtsConfigError
from ansible_collections.alibabacloud.dts.plugins.plugin_utils import _event_source
from ansible_collections.alibabacloud.dts.tests.unit.clock import AsyncFakeClock
from ansible_collections.alibabacloud.dts.tests.unit.network import closed_loopback_proxy

ROOT = os.path.abspath(os.path.join(os.path.dirname(_event_source.__file__), '..', '..'))
SOURCE = os.path.join(ROOT, 'extensions', 'eda', 'plugins', 'event_source', 'dts_sync_events.py')
SCHEMA = os.path.join(ROOT, 'extensions', 'eda', 'plugins', 'event_source', 'schemas', 'dts_sync_events.json')
sys.path.insert(0, os.path.join(ROOT, 'tests', 'emulator'))

from dts_emulator import Emulator  # noqa: E402  pylint: disable=wrong-import-position

SECRET = 'events-secret-0123456789'


def spec(job_id, status='Synchronizing', delay=0, region='cn-hangzhou', **extra):
    result = {'id': job_id, 'region': region, 'name': 'job ' + job_id, 'status': status, 'delay': str(delay)}
    result.update(extra)
    return result


@pytest.fixture
def emulator():
    with Emulator(access_key_id='events-ak', access_key_secret=SECRET, job_specs=[]) as server:
        yield server


def arguments(emulator, **extra):
    args = {
        'access_key_id': 'events-ak',
        'access_key_secret': SECRET,
        'endpoint': emulator.endpoint,
        'regions': ['cn-hangzhou'],
        'interval': 30,
    }
    args.update(extra)
    return args


def load_source():
    """The source module as ansible-rulebook loads it: from its file, outside any package.

    (runpy.run_path, which ansible-rulebook uses, is confused here by the path hook of Ansible's
    collection loader that the other tests install; loading the file by its location is the same.)
    """
    spec = importlib.util.spec_from_file_location('dts_sync_events', SOURCE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(args, clock):
    """Run the source until the clock cancels it; return the events it put on the queue."""
    queue = asyncio.Queue()
    main = load_source().main

    async def go():
        with pytest.raises(asyncio.CancelledError):
            await main(queue, args, clock=clock, sleep=clock.sleep)
        events = []
        while not queue.empty():
            events.append(queue.get_nowait())
        return events

    return asyncio.run(go())


def kinds(events):
    return [(event['dts']['type'], event['dts'].get('job_id')) for event in events]


def test_a_failure_and_a_delay_crossing_are_each_emitted_once(emulator):
    emulator.load_jobs([spec('dtsfail0001'), spec('dtslag00001', delay=3), spec('dtsquiet001')])
    # Each look reads every job twice (both API families): the failure comes at the second or third
    # look, the lag a look or two later.
    emulator.set_timeline('dtsfail0001', [{'status': 'Failed', 'error_message': 'disk full', 'after_polls': 4}])
    emulator.set_timeline('dtslag00001', [{'status': 'Synchronizing', 'delay': 400, 'after_polls': 8}])
    events = run(arguments(emulator, delay_threshold=60), AsyncFakeClock(polls=8))
    assert kinds(events) == [('status_changed', 'dtsfail0001'), ('delay_exceeded', 'dtslag00001')]
    failed = events[0]['dts']
    assert (failed['previous_status'], failed['status'], failed['job']['error_message']) == (
        'Synchronizing',
        'Failed',
        'disk full',
    )
    assert events[1]['dts']['delay'] == 400 and events[1]['dts']['delay_threshold'] == 60


def test_a_job_made_the_current_way_is_watched_and_a_job_both_families_list_is_one_job(emulator):
    emulator.load_jobs([spec('dtsboth00001'), spec('dtsnew000001', origin='current', dts_job_id='new000001')])
    emulator.set_timeline('dtsnew000001', [{'status': 'Failed', 'error_message': 'binlog purged', 'after_polls': 3}])
    events = run(arguments(emulator, emit_snapshot=True), AsyncFakeClock(polls=5))
    snapshots = sorted(
        (event['dts']['job_id'], event['dts']['api']) for event in events if event['dts']['type'] == 'snapshot'
    )
    assert snapshots == [('dtsboth00001', 'current'), ('dtsnew000001', 'current')]
    changes = [event['dts'] for event in events if event['dts']['type'] == 'status_changed']
    assert [(change['job_id'], change['status'], change['job']['error_message']) for change in changes] == [
        ('dtsnew000001', 'Failed', 'binlog purged')
    ]


def test_each_look_is_one_interval_after_the_last_whatever_the_listing_took(emulator):
    emulator.load_jobs([spec('dtsa0000001')])
    clock = AsyncFakeClock(polls=4)
    run(arguments(emulator, interval=45), clock)
    assert clock.sleeps == [45, 45, 45, 45]


def test_snapshot_events_at_start_then_only_changes(emulator):
    emulator.load_jobs([spec('dtsa0000001'), spec('dtsb0000001', status='Failed')])
    events = run(arguments(emulator, emit_snapshot=True), AsyncFakeClock(polls=3))
    assert sorted(kinds(events)) == [('snapshot', 'dtsa0000001'), ('snapshot', 'dtsb0000001')]


def test_a_region_that_keeps_failing_gets_one_error_event_and_is_listed_less_often(emulator):
    emulator.load_jobs([spec('dtsa0000001')])
    emulator.faults = type(emulator.faults)(0, **{'5xx_every': 1})
    events = run(arguments(emulator, retries=0, error_after=3), AsyncFakeClock(polls=12))
    errors = [event['dts'] for event in events if event['dts']['type'] == 'error']
    assert len(errors) == 1
    assert errors[0]['code'] == 'ServiceUnavailable' and errors[0]['consecutive_failures'] == 3
    # Twelve looks 30 s apart (0-330 s); the region is listed at 0, 30, 90 and 210 s, backing off
    # 1, 2, 4 and then 8 intervals instead of being hammered every interval.  Each listing reads
    # both API families: two requests.
    listings = [entry for entry in emulator.log if (entry['action'] or '').startswith('Describe')]
    assert len(listings) == 2 * 4


def test_a_refusal_is_reported_at_once_and_no_secret_is_in_any_event(emulator, caplog):
    emulator.load_jobs([spec('dtsa0000001')])
    caplog.set_level(logging.DEBUG)
    events = run(arguments(emulator, access_key_secret='wrong-secret-value-987'), AsyncFakeClock(polls=2))
    assert [event['dts']['type'] for event in events] == ['error']
    assert events[0]['dts']['code'] == 'SignatureDoesNotMatch'
    text = json.dumps(events) + caplog.text
    assert 'wrong-secret-value-987' not in text and SECRET not in text


@pytest.mark.parametrize(
    'args, option',
    [
        ({'interval': 0}, 'interval'),
        ({'delay_threshold': 'soon'}, 'delay_threshold'),
        ({'api': ['legacy', 'newest']}, 'api'),
        ({'emit_snapshot': 'maybe'}, 'emit_snapshot'),
        ({'regoins': ['cn-hangzhou']}, 'regoins'),
        ({'job_ids': ['']}, 'job_ids'),
    ],
)
def test_bad_arguments_fail_before_any_request_naming_the_argument(emulator, args, option):
    with pytest.raises(DtsConfigError) as caught:
        run(arguments(emulator, **args), AsyncFakeClock(polls=1))
    assert caught.value.option == option
    assert emulator.log == []


def test_the_schema_lists_exactly_the_arguments_the_source_takes():
    with open(SCHEMA) as handle:
        schema = json.load(handle)
    assert set(schema['properties']) == set(CONNECTION_OPTIONS) | set(_event_source.SOURCE_OPTIONS) | {'region'}
    assert schema['additionalProperties'] is False


def test_the_documentation_lists_exactly_the_source_arguments():
    import yaml

    with open(os.path.join(os.path.dirname(SOURCE), 'dts_sync_events.yaml')) as handle:
        documented = yaml.safe_load(handle)['DOCUMENTATION']['options']
    assert set(documented) == set(_event_source.SOURCE_OPTIONS) | {'region'}
    with open(os.path.join(ROOT, 'docs', 'docsite', 'rst', 'dts_sync_events.rst')) as handle:
        page = handle.read()
    assert all('``%s``' % name in page for name in documented)


def test_credentials_sent_in_clear_off_this_machine_are_logged_as_a_warning(emulator, caplog, monkeypatch):
    caplog.set_level(logging.WARNING)
    # 192.0.2.1 (TEST-NET-1) is only named: a proxy on a closed loopback port refuses the request at once.
    for name, value in closed_loopback_proxy().items():
        monkeypatch.setenv(name, value)
    run(arguments(emulator), AsyncFakeClock(polls=1))  # the emulator, over plain HTTP on 127.0.0.1: nothing to warn of
    assert 'plain http://' not in caplog.text
    run(arguments(emulator, endpoint='http://192.0.2.1:9', http_timeout=1, retries=0), AsyncFakeClock(polls=1))
    assert 'the DTS endpoint http://192.0.2.1:9 is plain http://' in caplog.text and SECRET not in caplog.text


def test_a_malformed_answer_is_an_error_event_and_the_watch_goes_on():
    from ansible_collections.alibabacloud.dts.tests.unit.plugins.module_utils.hostile import HostileServer

    def answer(number, action, params):
        if number <= 2:  # the first look, both families: not JSON at all
            return 200, b'<html>maintenance</html>'
        if action == 'DescribeDtsJobs':
            return 200, {'RequestId': 'R', 'TotalRecordCount': 0, 'DtsJobList': [], 'Success': True}
        return 200, {'RequestId': 'R', 'TotalRecordCount': 0, 'SynchronizationInstances': []}

    with HostileServer(answer) as server:
        args = {
            'access_key_id': 'events-ak',
            'access_key_secret': SECRET,
            'endpoint': server.endpoint,
            'regions': ['cn-hangzhou'],
            'interval': 30,
            'retries': 0,
            'error_after': 1,
        }
        events = run(args, AsyncFakeClock(polls=3))
    errors = [event['dts'] for event in events if event['dts']['type'] == 'error']
    assert len(errors) == 1 and errors[0]['code'] == 'InvalidResponse'
    assert 'not a JSON object' in errors[0]['message'] and 'region cn-hangzhou' in errors[0]['message']
    # The region was looked at again after the failure (backed off one interval), and answered.
    assert len(server.requests) >= 4


def test_an_unexpected_failure_of_a_listing_is_an_error_event_not_the_end_of_the_watch(emulator, monkeypatch):
    emulator.load_jobs([spec('dtsa0000001')])
    real_list = _event_source._list
    calls = []

    def broken_then_fine(region, settings):
        calls.append(1)
        if len(calls) == 1:
            raise AttributeError("'str' object has no attribute 'get'")
        return real_list(region, settings)

    monkeypatch.setattr(_event_source, '_list', broken_then_fine)
    events = run(arguments(emulator, emit_snapshot=True), AsyncFakeClock(polls=3))
    assert [event['dts']['type'] for event in events] == ['error', 'snapshot']
    assert events[0]['dts']['code'] == 'UnexpectedError' and 'AttributeError' in events[0]['dts']['message']
