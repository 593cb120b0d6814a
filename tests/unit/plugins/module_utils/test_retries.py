# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""When to retry and when to stop (retry_call), and how requests are paced (_pacing).

Every wait here is on an injected clock: the tests assert attempts and the total injected sleep.
"""

import json
import os
import socket
import subprocess
import sys
import time

import pytest

from ansible_collections.alibabacloud.dts.plugins.module_utils._errors import DtsApiError
from ansible_collections.alibabacloud.dts.plugins.module_utils._pacing import (
    DEFAULT_RATE,
    MARGIN,
    RATE_LIMITS,
    LimiterRegistry,
    RateLimiter,
    rate_for,
)
from ansible_collections.alibabacloud.dts.plugins.module_utils._retries import (
    DEFAULT_RETRIES,
    FAST_RETRY_DELAY,
    is_throttling,
    is_transient,
    retry_call,
)
from ansible_collections.alibabacloud.dts.tests.unit.clock import FakeClock


def failing(*errors, **kwargs):
    """A function failing with each error in turn, then returning 'done'; counts its calls."""
    errors = list(errors)
    took = kwargs.get('took', 0)
    clock = kwargs.get('clock')

    def function():
        function.calls += 1
        if clock is not None:
            clock.now += took
        if errors:
            raise errors.pop(0) if len(errors) > 1 or not kwargs.get('forever') else errors[0]
        return 'done'

    function.calls = 0
    return function


def api_error(code, status=400, retry_after=None):
    return DtsApiError('DescribeDtsJobs', code, 'message', http_status=status, retry_after=retry_after)


# -- what counts as throttling ---------------------------------------------------------------


@pytest.mark.parametrize(
    'code',
    [
        'Throttling',
        'Throttling.User',
        'Throttling.Api',
        'Rejected.Throttling',
        'Throttling.Concurrent',
        'Some.Throttling.Code',
    ],
)
def test_every_code_containing_throttling_is_throttling_and_transient(code):
    error = api_error(code)
    assert is_throttling(error) and is_transient(error)


@pytest.mark.parametrize('code', ['InvalidParameter', 'Forbidden.RAM', 'ThrottleGuard', 'throttling'])
def test_other_codes_are_not_throttling(code):
    assert not is_throttling(api_error(code))


# -- retry_call ----------------------------------------------------------------------------


def test_a_transient_failure_is_retried_until_success():
    clock = FakeClock()
    function = failing(api_error('ServiceUnavailable', 503), api_error('Throttling.User'))
    assert retry_call(function, is_transient, budget=60, clock=clock, sleep=clock.sleep, retries=5) == 'done'
    assert function.calls == 3 and len(clock.sleeps) == 2


def test_a_permanent_failure_is_raised_at_once_with_one_attempt():
    clock = FakeClock()
    function = failing(api_error('InvalidParameter'))
    with pytest.raises(DtsApiError) as caught:
        retry_call(function, is_transient, budget=60, clock=clock, sleep=clock.sleep)
    assert function.calls == 1 and clock.sleeps == []
    assert caught.value.attempts == 1 and caught.value.gave_up is None


def test_retries_stop_at_the_count():
    clock = FakeClock()
    function = failing(api_error('InternalError', 500), forever=True)
    with pytest.raises(DtsApiError) as caught:
        retry_call(function, is_transient, budget=3600, clock=clock, sleep=clock.sleep, retries=4)
    assert function.calls == 5 and caught.value.attempts == 5 and caught.value.gave_up == 'retries'


def test_the_budget_bounds_the_time_spent_waiting_and_attempting():
    clock = FakeClock()
    # Each attempt takes 2 s (a slow 503); the waits double; the budget is 10 s.
    function = failing(api_error('ServiceUnavailable', 503), forever=True, took=2, clock=clock)
    with pytest.raises(DtsApiError) as caught:
        retry_call(
            function,
            is_transient,
            budget=10,
            clock=clock,
            sleep=clock.sleep,
            retries=20,
            delay=lambda attempt, error: 2**attempt,
        )
    # 2 (attempt) +1 +2 (attempt) +2 +2 +4 would end at 13 > 10: the third attempt ends at 9, then it stops.
    assert function.calls == 3
    assert clock.sleeps == [1, 2]
    assert caught.value.gave_up == 'retry_budget' and caught.value.elapsed == 9


def test_a_server_retry_after_longer_than_the_budget_is_not_waited_for():
    clock = FakeClock()
    function = failing(api_error('Throttling.User', retry_after=30), forever=True)
    with pytest.raises(DtsApiError) as caught:
        retry_call(function, is_transient, budget=15, clock=clock, sleep=clock.sleep, retries=10)
    assert function.calls == 1 and clock.sleeps == [] and caught.value.gave_up == 'retry_budget'


@pytest.mark.parametrize('code', ['ConnectionRefused', 'NameResolutionError'])
def test_a_fast_failure_gets_one_quick_retry(code):
    clock = FakeClock()
    function = failing(api_error(code), forever=True)
    with pytest.raises(DtsApiError) as caught:
        retry_call(function, is_transient, budget=60, clock=clock, sleep=clock.sleep, retries=DEFAULT_RETRIES)
    assert function.calls == 2 and clock.sleeps == [FAST_RETRY_DELAY]
    assert caught.value.code == code and caught.value.attempts == 2


def test_a_fast_failure_that_recovers_on_the_retry_succeeds():
    clock = FakeClock()
    function = failing(api_error('ConnectionRefused'))
    assert retry_call(function, is_transient, budget=60, clock=clock, sleep=clock.sleep) == 'done'
    assert function.calls == 2


def test_a_slow_name_resolution_failure_is_not_retried():
    clock = FakeClock()
    # The resolver took 5 s to say no: asking again would double the time to report a typo.
    function = failing(api_error('NameResolutionError'), forever=True, took=5, clock=clock)
    with pytest.raises(DtsApiError):
        retry_call(function, is_transient, budget=60, clock=clock, sleep=clock.sleep)
    assert function.calls == 1 and clock.sleeps == []


def test_the_wait_hook_gets_the_delay_and_the_error():
    clock = FakeClock()
    seen = []
    function = failing(api_error('Throttling.User'), api_error('InternalError', 500))
    retry_call(
        function,
        is_transient,
        budget=60,
        clock=clock,
        sleep=clock.sleep,
        delay=lambda attempt, error: attempt + 1,
        wait=lambda seconds, error: seen.append((seconds, error.code)),
    )
    assert seen == [(1, 'Throttling.User'), (2, 'InternalError')]
    assert clock.sleeps == []


def test_retry_call_works_for_any_exception_the_predicate_accepts():
    clock = FakeClock()
    function = failing(IOError('metadata service restarting'), IOError('again'))
    result = retry_call(
        function,
        lambda error: isinstance(error, IOError),
        budget=5,
        clock=clock,
        sleep=clock.sleep,
        delay=lambda attempt, error: 1,
    )
    assert result == 'done' and clock.sleeps == [1, 1]


# -- pacing --------------------------------------------------------------------------------


def test_documented_limits_and_their_overrides():
    assert RATE_LIMITS['DescribeDtsJobs'] == 20 and RATE_LIMITS['DescribeDtsJobDetail'] == 40
    assert rate_for('DescribeDtsJobs') == 20
    assert rate_for('DescribeDtsJobs', override=5) == 5
    assert rate_for('SomethingNew') == DEFAULT_RATE
    assert rate_for('SomethingNew', rate=7) == 7
    assert rate_for('DescribeDtsJobs', override=0) == 0


def sends_in_any_window(times, width):
    """The most of ``times`` in any half-open window [t, t + width)."""
    times = sorted(times)
    return max(len([other for other in times if start <= other < start + width]) for start in times)


def test_requests_are_spaced_a_tenth_wider_than_the_limit():
    clock = FakeClock()
    limiter = RateLimiter(20, clock)
    times = []
    for _request in range(100):
        limiter.acquire(clock.sleep)
        times.append(clock.now)
    assert times[0] == 0.0
    assert [round(later - earlier, 9) for earlier, later in zip(times, times[1:])] == [round(1.1 / 20, 9)] * 99
    assert sends_in_any_window(times, 1.0) == 19
    assert sum(clock.sleeps) == pytest.approx(99 * (1.0 + MARGIN) / 20)


def test_the_spacing_counts_from_when_a_request_left_not_when_it_was_due():
    clock = FakeClock()
    limiter = RateLimiter(10, clock)
    limiter.acquire(clock.sleep)
    # The process stalls 0.5 s before the next request: it leaves at once, and the one after it a
    # whole interval later, not in a burst to catch up.
    clock.now += 0.5
    assert limiter.acquire(clock.sleep) == 0
    assert limiter.acquire(clock.sleep) == pytest.approx(0.11)


def test_a_rate_under_one_a_second_spaces_single_requests():
    clock = FakeClock()
    limiter = RateLimiter(0.5, clock)
    assert [limiter.acquire(clock.sleep) for _request in range(3)] == pytest.approx([0, 2.2, 2.2])


def test_the_registry_shares_one_limiter_per_account_endpoint_region_action_and_clock():
    registry = LimiterRegistry()
    clock, other_clock = FakeClock(), FakeClock()
    first = registry.limiter('ak', 'https://e', 'cn-hangzhou', 'DescribeDtsJobs', 20, clock)
    assert registry.limiter('ak', 'https://e', 'cn-hangzhou', 'DescribeDtsJobs', 20, clock) is first
    for other in (
        ('ak2', 'https://e', 'cn-hangzhou', 'DescribeDtsJobs', 20, clock),
        ('ak', 'https://e', 'cn-beijing', 'DescribeDtsJobs', 20, clock),
        ('ak', 'https://e', 'cn-hangzhou', 'DescribeDtsJobDetail', 20, clock),
        ('ak', 'https://e', 'cn-hangzhou', 'DescribeDtsJobs', 20, other_clock),
    ):
        assert registry.limiter(*other) is not first


# -- whole module processes: how long a wrong endpoint or region takes to fail ---------------
# A bound on a failure path, measured on the process as Ansible runs it; the unit tests above
# assert attempts and injected sleeps instead of time. These run in the process tier
# (make process-tests), not with the in-process unit tests.


def run_job_info(tmp_path, **args):
    from ansible_collections.alibabacloud.dts.plugins.modules import dts_sync_job_info

    collections_root = os.path.abspath(os.path.join(os.path.dirname(dts_sync_job_info.__file__), *['..'] * 5))
    arguments = dict({'access_key_id': 'ak', 'access_key_secret': 'never-shown-secret'}, **args)
    args_file = tmp_path / 'args.json'
    args_file.write_text(json.dumps({'ANSIBLE_MODULE_ARGS': arguments}))
    environ = dict(
        (key, value)
        for key, value in os.environ.items()
        if not key.startswith(('ALIBABA_CLOUD_', 'ALICLOUD_')) and key.lower() not in PROXY_VARIABLES
    )
    # tests/unit/offline answers names under .invalid itself: no DNS question leaves the machine.
    offline = os.path.join(collections_root, 'ansible_collections', 'alibabacloud', 'dts', 'tests', 'unit', 'offline')
    environ.update(PYTHONPATH=os.pathsep.join([offline, collections_root]), HOME=str(tmp_path))
    started = time.monotonic()
    process = subprocess.run(
        [
            sys.executable,
            '-m',
            'ansible_collections.alibabacloud.dts.plugins.modules.dts_sync_job_info',
            str(args_file),
        ],
        capture_output=True,
        text=True,
        env=environ,
        timeout=120,
        check=False,
    )
    return json.loads(process.stdout), time.monotonic() - started


PROXY_VARIABLES = ('https_proxy', 'http_proxy', 'all_proxy', 'no_proxy')


@pytest.mark.process
def test_a_closed_port_fails_the_module_within_seconds_naming_the_endpoint(tmp_path):
    listener = socket.socket()
    listener.bind(('127.0.0.1', 0))
    endpoint = 'http://127.0.0.1:%d' % listener.getsockname()[1]
    listener.close()
    result, seconds = run_job_info(tmp_path, region='cn-hangzhou', endpoint=endpoint)
    assert result['failed'] and result['error']['code'] == 'ConnectionRefused'
    assert endpoint in result['msg'] and 'ALIBABA_CLOUD_ENDPOINT_DTS' in result['msg']
    assert 'never-shown-secret' not in json.dumps(result)
    assert seconds < 10


@pytest.mark.process
def test_an_unresolvable_host_fails_the_module_within_seconds_naming_the_endpoint(tmp_path):
    # .invalid never resolves (RFC 2606).
    result, seconds = run_job_info(tmp_path, region='cn-hangzhou', endpoint='https://dts.cn-hangzhou.invalid')
    assert result['failed'] and result['error']['code'] == 'NameResolutionError'
    assert 'https://dts.cn-hangzhou.invalid' in result['msg'] and 'endpoint option' in result['msg']
    assert seconds < 10


@pytest.mark.process
def test_a_misspelled_region_fails_the_module_before_any_request(tmp_path):
    result, _seconds = run_job_info(tmp_path, region='cn-hangzou')
    assert result['failed'] and result.get('option') == 'region'
    assert 'did you mean cn-hangzhou' in result['msg']
    # Nothing was sent: a request would have failed with an API or transport error code instead.
    assert 'error' not in result


def test_an_unknown_region_let_through_by_an_endpoint_warns_in_the_module_result(tmp_path):
    from ansible_collections.alibabacloud.dts.plugins.modules import dts_sync_job_info

    sys.path.insert(0, os.path.join(os.path.dirname(dts_sync_job_info.__file__), '..', '..', 'tests', 'emulator'))
    from dts_emulator import Emulator  # pylint: disable=import-error

    with Emulator(access_key_id='ak', access_key_secret='never-shown-secret') as emulator:
        result, _seconds = run_job_info(tmp_path, region='cn-hangzou', endpoint=emulator.endpoint)
    assert not result.get('failed') and result['jobs'] == []
    # ansible-core 2.19 returns warnings as structured summaries, earlier releases as strings.
    assert 'did you mean cn-hangzhou' in json.dumps(result['warnings'])


def test_a_failure_that_is_not_an_api_error_is_never_retried():
    calls = []

    def broken():
        calls.append(1)
        raise ValueError('a bug, not a network fault')

    clock = FakeClock()
    with pytest.raises(ValueError):
        retry_call(broken, is_transient, budget=60, clock=clock, sleep=clock.sleep, retries=5)
    assert len(calls) == 1


def throttled():
    return DtsApiError(
        'DescribeDtsJobs', 'Throttling.User', 'Request was denied due to user flow control.', http_status=400
    )


def unavailable():
    return DtsApiError('DescribeDtsJobs', 'ServiceUnavailable', 'try later', http_status=503)


def test_throttled_answers_are_retried_within_the_budget_not_counted_against_retries():
    clock = FakeClock()
    function = failing(*[throttled() for _ignored in range(12)], clock=clock)
    # Twelve throttled answers in a row, retries 6: still done, because the budget allows it.
    assert retry_call(function, budget=600, clock=clock, sleep=clock.sleep, retries=6) == 'done'
    assert len(clock.sleeps) == 12


def test_a_service_that_throttles_forever_fails_at_the_budget():
    clock = FakeClock()
    function = failing(*[throttled() for _ignored in range(1000)], clock=clock)
    with pytest.raises(DtsApiError) as caught:
        retry_call(function, budget=60, clock=clock, sleep=clock.sleep, retries=6)
    assert caught.value.gave_up == 'retry_budget' and sum(clock.sleeps) <= 60


def test_other_faults_are_still_counted_and_retries_0_retries_nothing():
    clock = FakeClock()
    function = failing(*[unavailable(), throttled()] * 5, clock=clock)
    with pytest.raises(DtsApiError) as caught:
        retry_call(function, budget=600, clock=clock, sleep=clock.sleep, retries=3)
    # Three 503s retried (with the throttled answers between them), the fourth is the last.
    assert caught.value.gave_up == 'retries' and caught.value.code == 'ServiceUnavailable'
    assert caught.value.attempts == 7
    with pytest.raises(DtsApiError) as caught:
        retry_call(failing(throttled(), clock=clock), budget=600, clock=clock, sleep=clock.sleep, retries=0)
    assert caught.value.attempts == 1
