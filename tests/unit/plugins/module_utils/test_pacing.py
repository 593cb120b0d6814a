# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The adaptive rate (_pacing.AdaptiveRate): off until throttled, cut multiplicatively, grown back along
CUBIC's curve, shared by every region of an account at one endpoint; and off again when the throttling
does not depend on the rate. Every clock here is fake."""

import random
import threading
from collections import deque

import pytest

from ansible_collections.alibabacloud.dts.plugins.module_utils._client import DtsClient
from ansible_collections.alibabacloud.dts.plugins.module_utils._concurrency import Turnstile
from ansible_collections.alibabacloud.dts.plugins.module_utils._pacing import (
    BETA,
    MARGIN,
    MAX_GROWTH,
    MIN_RATE,
    SCALE,
    TOLERANCE,
    AdaptiveRate,
    LimiterRegistry,
)
from ansible_collections.alibabacloud.dts.tests.unit.clock import FakeClock
from ansible_collections.alibabacloud.dts.tests.unit.plugins.module_utils.fakes import (
    CREDS,
    FakeResponse,
    FakeSession,
    error,
)


def send(adaptive, clock, count, spacing):
    """``count`` requests ``spacing`` seconds apart, each answered at once without throttling."""
    for _request in range(count):
        adaptive.sent(clock.now)
        adaptive.answered(clock.now, throttled=False)
        clock.now += spacing


def unanswered(adaptive, clock, count, spacing):
    """``count`` requests ``spacing`` seconds apart, not answered yet."""
    for _request in range(count):
        adaptive.sent(clock.now)
        clock.now += spacing


def test_the_adaptive_rate_is_off_until_the_first_throttled_answer():
    clock = FakeClock()
    adaptive = AdaptiveRate(clock)
    send(adaptive, clock, 50, 0.01)
    assert adaptive.rate is None and adaptive.next_time() == float('-inf')


def test_a_throttled_answer_cuts_the_rate_really_sent_once_for_the_requests_in_flight_together():
    clock = FakeClock()
    adaptive = AdaptiveRate(clock)
    send(adaptive, clock, 40, 0.05)  # 20 a second: 19 sent in the last second, up to now
    assert adaptive.measured_rate() == 19
    in_flight = [clock.now - 0.02, clock.now - 0.01]
    adaptive.answered(in_flight[0], throttled=True)
    assert adaptive.rate == pytest.approx(BETA * 19)
    # The other answer of the same burst was sent before the cut, at the old rate: no second cut.
    adaptive.answered(in_flight[1], throttled=True)
    assert adaptive.rate == pytest.approx(BETA * 19) and adaptive.cuts == 1 and adaptive.throttled == 2
    # The next request leaves one new interval after the last one left.
    assert adaptive.next_time() == pytest.approx(clock.now - 0.05 + 1 / (BETA * 19))
    # Within a second of the cut the service still counts requests sent at the old rate: no cut, even
    # with more requests sent in the second up to it than got through in one second (as a quota).
    clock.now += 0.5
    unanswered(adaptive, clock, 20, 0.01)
    adaptive.answered(clock.now, throttled=True)
    assert adaptive.cuts == 1 and adaptive.throttled == 3
    # A request sent a second after the cut and throttled so cuts again, from the rate then in force.
    clock.now += 0.6
    unanswered(adaptive, clock, 20, 0.01)
    rate = adaptive.rate
    adaptive.answered(clock.now, throttled=True)
    assert adaptive.rate == pytest.approx(BETA * min(rate, adaptive.measured_rate())) and adaptive.cuts == 2


def test_the_rate_grows_back_along_the_cubic_curve_and_no_faster_than_twice_what_is_sent():
    clock = FakeClock()
    adaptive = AdaptiveRate(clock)
    send(adaptive, clock, 40, 0.05)
    peak, cut_at = adaptive.measured_rate(), clock.now  # 19 in the last second
    adaptive.answered(clock.now, throttled=True)
    inflection = (peak * (1 - BETA) / SCALE) ** (1 / 3.0)
    rates = []
    for step in range(1, 80):
        clock.now = cut_at + step * 0.05
        adaptive.sent(clock.now)
        adaptive.answered(clock.now, throttled=False)
        expected = SCALE * (clock.now - cut_at - inflection) ** 3 + peak
        measured = adaptive.measured_rate()
        assert adaptive.rate == pytest.approx(max(MIN_RATE, min(expected, MAX_GROWTH * measured)))
        rates.append(adaptive.rate)
    assert rates == sorted(rates)  # it only grows while nothing is throttled
    assert rates[0] > BETA * peak  # growing at once...
    at_inflection = rates[int(inflection / 0.05) - 1]
    assert at_inflection == pytest.approx(peak, abs=0.5)  # ...back to the throttled rate after K seconds
    assert rates[-1] <= MAX_GROWTH * 20  # and never past twice the rate really sent


def test_the_rate_never_falls_under_the_minimum():
    clock = FakeClock()
    adaptive = AdaptiveRate(clock)
    for _cut in range(30):
        clock.now += 1.5
        adaptive.sent(clock.now)
        adaptive.answered(clock.now, throttled=True)
    assert adaptive.rate == MIN_RATE
    # Nothing ever got through: no throttled answer was below what the service let through.
    assert adaptive.baseline is None


def test_a_request_throttled_below_what_the_service_let_through_is_not_the_quota():
    clock = FakeClock()
    adaptive = AdaptiveRate(clock)
    send(adaptive, clock, 40, 0.05)  # 20 a second, all let through
    adaptive.sent(clock.now)
    adaptive.answered(clock.now, throttled=True)
    assert adaptive.rate == pytest.approx(BETA * 20) and adaptive.admitted_peak >= 17
    # A second later, at the cut rate (14 a second: fewer than the 17 or more let through in a
    # second just before), another throttled answer: no quota refuses that.
    send(adaptive, clock, 14, 1 / 14.0)
    adaptive.sent(clock.now)
    adaptive.answered(clock.now, throttled=True)
    assert adaptive.rate is None and adaptive.next_time() == float('-inf') and adaptive.cuts == 1
    assert adaptive.baseline == pytest.approx(2 / 20.0)  # the share of the last 20 answers


def test_a_share_clearly_above_the_baseline_cuts_again_and_drops_the_baseline():
    clock = FakeClock()
    adaptive = AdaptiveRate(clock)
    adaptive.baseline = 0.25
    for number in range(20):  # a quarter throttled: the baseline, no cut
        adaptive.sent(clock.now)
        adaptive.answered(clock.now, throttled=number % 4 == 3)
        clock.now += 0.05
    assert adaptive.rate is None and adaptive.cuts == 0 and adaptive.baseline == 0.25
    # Throttled answers in a row: the first one that takes the share more than TOLERANCE above the
    # baseline cuts, and the baseline goes (the rate matters after all).
    for _number in range(20):
        share_before = adaptive.recent_share()
        adaptive.sent(clock.now)
        adaptive.answered(clock.now, throttled=True)
        clock.now += 0.05
        if adaptive.cuts:
            break
    assert share_before <= 0.25 + TOLERANCE < adaptive.recent_share()
    assert adaptive.cuts == 1 and adaptive.rate is not None and adaptive.baseline is None


def client(region, clock, registry, session, endpoint='https://dts.aliyuncs.com', **kwargs):
    return DtsClient(
        CREDS,
        region,
        endpoint,
        session=session,
        sleep=clock.sleep,
        clock=clock,
        limiters=registry,
        max_concurrency=1,
        **kwargs,
    )


def test_every_region_of_an_account_at_one_endpoint_shares_the_adaptive_rate():
    clock, registry = FakeClock(), LimiterRegistry()
    answers = deque([error('Throttling.User')])
    session = FakeSession(lambda *a: answers.popleft() if answers else FakeResponse(200, {'RequestId': 'R'}))
    hangzhou, beijing = client('cn-hangzhou', clock, registry, session), client('cn-beijing', clock, registry, session)
    for _request in range(10):
        beijing.call('DescribeDtsJobs', {})
    hangzhou.call('DescribeDtsJobs', {})  # throttled once, then answered
    shared = registry.adaptive(CREDS.access_key_id, 'https://dts.aliyuncs.com', clock)
    assert shared.throttled == 1 and shared.rate is not None
    # Beijing's next requests are spaced by the rate Hangzhou's throttled answer set, across actions too.
    before = clock.now
    beijing.call('DescribeSynchronizationJobs', {})
    beijing.call('DescribeDtsJobDetail', {})
    assert clock.now - before >= 1 / shared.rate - 1e-9
    # Another endpoint, or another account, has a rate of its own.
    assert registry.adaptive(CREDS.access_key_id, 'https://dts.cn-beijing.aliyuncs.com', clock).rate is None
    assert registry.adaptive('another-key', 'https://dts.aliyuncs.com', clock).rate is None


def test_pacing_off_leaves_the_adaptive_rate_alone():
    clock, registry = FakeClock(), LimiterRegistry()
    answers = deque([error('Throttling.User')] * 3)
    session = FakeSession(lambda *a: answers.popleft() if answers else FakeResponse(200, {'RequestId': 'R'}))
    client('cn-hangzhou', clock, registry, session, max_requests_per_second=0).call('DescribeDtsJobs', {})
    assert registry.adaptive(CREDS.access_key_id, 'https://dts.aliyuncs.com', clock).throttled == 0


class AccountQuota:
    """A gateway that lets ``limit`` calls of any region through in any one-second window (on the fake
    clock), and throttles the rest: another tool of the account spends the rest of the documented rate."""

    def __init__(self, clock, limit):
        self.clock, self.limit, self.window = clock, limit, deque()
        self.answered = self.throttled = 0

    def __call__(self, action, params, headers):
        now = self.clock()
        while self.window and self.window[0] <= now - 1.0:
            self.window.popleft()
        if len(self.window) >= self.limit:
            self.throttled += 1
            return error('Throttling.User', headers={'x-acs-retry-after': '50'})
        self.window.append(now)
        self.answered += 1
        return FakeResponse(200, {'RequestId': 'R'})


def test_ten_regions_under_an_account_quota_below_the_pace_all_get_through_with_few_throttled_answers():
    random.seed(27)  # the retries' jitter
    clock, registry = FakeClock(), LimiterRegistry()
    quota = AccountQuota(clock, limit=12)
    session = FakeSession(quota)
    regions = [client('region-%d' % index, clock, registry, session) for index in range(10)]
    calls = 1200
    for number in range(calls):
        regions[number % 10].call('DescribeDtsJobs', {})
    assert quota.answered == calls
    # The documented pace alone (20 a second in each region: 180 a second offered) would be throttled
    # on most requests; the adaptive rate keeps it to a few percent (a cut every two seconds or so).
    assert quota.throttled <= 0.06 * calls
    # And close to what the quota allows: 1,200 calls at 12 a second take at least 100 s.
    assert calls / 12.0 - 1 <= clock.now <= 1.25 * calls / 12.0


def test_without_throttling_each_region_keeps_its_documented_pace():
    clock, registry = FakeClock(), LimiterRegistry()
    session = FakeSession(lambda *a: FakeResponse(200, {'RequestId': 'R'}))
    regions = [client('region-%d' % index, clock, registry, session) for index in range(10)]
    for number in range(200):
        regions[number % 10].call('DescribeDtsJobs', {})
    # Each region: 20 calls, 19 intervals of the documented pace; the regions do not wait for one another.
    assert clock.now == pytest.approx(19 * (1 + MARGIN) / 20)


class Gateway:
    """A simulated service on the fake clock: throttles every ``every``-th request whatever the rate,
    and past ``quota`` requests let through in any one second from ``quota_from`` on (0: no quota)."""

    def __init__(self, clock, every=0, quota=0, quota_from=0.0):
        self.clock, self.every, self.quota, self.quota_from = clock, every, quota, quota_from
        self.count = self.by_share = self.by_quota = 0
        self.window = deque()

    def throttles(self):
        now = self.clock()
        self.count += 1
        if self.every and self.count % self.every == 0:
            self.by_share += 1
            return True
        if self.quota and now >= self.quota_from:
            while self.window and self.window[0] <= now - 1.0:
                self.window.popleft()
            if len(self.window) >= self.quota:
                self.by_quota += 1
                return True
            self.window.append(now)
        return False


def drive(gateway, clock, adaptive, requests, pace=20.0, latency=0.05):
    """``requests`` sent one after another at ``pace`` a second or the adaptive rate, whichever is
    slower, each answered ``latency`` seconds after it left; the rate in force when each left."""
    in_flight, rates, last = deque(), [], None
    for _request in range(requests):
        leaves = clock.now if last is None else max(clock.now, last + 1.0 / pace, adaptive.next_time())
        while in_flight and in_flight[0][0] + latency <= leaves:
            sent_at, throttled = in_flight.popleft()
            clock.now = sent_at + latency
            adaptive.answered(sent_at, throttled)
        clock.now = last = max(leaves, clock.now)
        adaptive.sent(clock.now)
        in_flight.append((clock.now, gateway.throttles()))
        rates.append((clock.now, pace if adaptive.rate is None else min(pace, adaptive.rate)))
    return rates


def test_a_quota_below_the_pace_is_followed_with_few_throttled_answers():
    clock = FakeClock()
    adaptive, gateway = AdaptiveRate(clock), Gateway(clock, quota=8)
    rates = drive(gateway, clock, adaptive, 400)
    # 400 requests at 8 a second take at least 50 s; the pace alone (20 a second) would see more than
    # half of them throttled.
    assert gateway.by_quota <= 0.08 * 400 and 50 <= clock.now <= 1.1 * 50
    # After the first cuts the rate stays around the quota, never taken for throttling that does not
    # depend on the rate.
    assert all(rate <= 1.5 * 8 for when, rate in rates if when > 5) and adaptive.baseline is None


def test_a_share_throttled_whatever_the_rate_does_not_slow_the_pace_to_a_crawl():
    clock = FakeClock()
    adaptive, gateway = AdaptiveRate(clock), Gateway(clock, every=4)
    rates = drive(gateway, clock, adaptive, 600)
    assert gateway.by_share == 150
    # Every fourth request is refused at any rate: after the first adjustments, the pace holds
    # (cutting towards MIN_RATE took 228 s for these 600 requests instead of 30).
    assert all(rate >= 0.7 * 20 for when, rate in rates if when > 3)
    assert clock.now <= 1.1 * 600 / 20.0
    assert adaptive.baseline == pytest.approx(0.25, abs=0.1)


def test_a_quota_that_appears_on_top_of_a_share_throttled_whatever_the_rate_is_still_followed():
    clock = FakeClock()
    adaptive, gateway = AdaptiveRate(clock), Gateway(clock, every=4, quota=8, quota_from=15.0)
    rates = drive(gateway, clock, adaptive, 600)
    assert all(rate >= 0.7 * 20 for when, rate in rates if 3 < when < 15)
    # From 15 s on, at most 8 a second get through: the rate comes down to the quota, and few
    # requests are refused by it (at the pace alone, a third of those sent from then on would be).
    after = [rate for when, rate in rates if when > 20]
    assert max(after) <= 1.5 * 8 and min(after) >= MIN_RATE
    assert gateway.by_quota <= 0.1 * sum(1 for when, _rate in rates if when >= 15)


def test_a_turnstile_lets_one_thread_through_at_a_time_and_every_one_in_the_end():
    turnstile, lock = Turnstile(), threading.Lock()
    inside, most_inside, passed = [0], [0], []

    def go(number):
        turnstile.acquire()
        with lock:
            inside[0] += 1
            most_inside[0] = max(most_inside[0], inside[0])
        for _step in range(1000):  # a while inside, so that the others pile up behind
            pass
        with lock:
            inside[0] -= 1
            passed.append(number)
        turnstile.release()

    threads = [threading.Thread(target=go, args=(number,)) for number in range(32)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert most_inside == [1] and sorted(passed) == list(range(32))
    turnstile.acquire()  # free again once the last one left
    turnstile.release()
