# -*- coding: utf-8 -*-
# Copyright: Contributors to the alibabacloud.dts collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Client-side pacing: how many requests a second each action may be sent, per account.

Two limits, both shared by every client of the process:

- The documented (or configured) rate of each action, per account, endpoint and region
  (``RateLimiter``): DTS documents its limits per account and region, so the inventory's many
  clients and a module's concurrent page fetches together stay under them.  This is the ceiling.
- An adaptive rate per account and endpoint (``AdaptiveRate``), shared by every region, API family
  and thread, as botocore's adaptive retry mode does for AWS: off until the service throttles a
  request, then the rate the process was really sending, cut multiplicatively on each throttled
  answer and grown back along a cubic curve (CUBIC) while answers come through.  The same quota is
  spent by the console, Terraform and every other tool of the account, so the documented rate is a
  ceiling, not what is available; the service's answers are the only measure of what is left.
  Throttling that does not depend on the rate (a share of requests refused at any pace) is told
  from a quota by those answers too: a request refused while fewer were being sent than the service
  was just seen to let through in a second was not refused by a quota.  The adaptive rate then goes
  off again, and only a share of throttled answers clearly above the one seen so engages it again.

The client reads the table below; it names no action itself.
"""

import bisect
import threading
from collections import deque
from typing import Any, Callable, Deque, Dict, List, Optional, Sequence, Tuple

from ansible_collections.alibabacloud.dts.plugins.module_utils._concurrency import Turnstile

# Calls per second per account and region.  DescribeDtsJobs and DescribeDtsJobDetail are the
# documented limits.  The legacy actions document none; they are paced like the current calls
# that replaced them: the listing like DescribeDtsJobs, the status list like the per-job read.
RATE_LIMITS = {
    'DescribeDtsJobs': 20,
    'DescribeDtsJobDetail': 40,
    'DescribeSynchronizationJobs': 20,
    'DescribeSynchronizationJobStatusList': 40,
    # Data validation and precheck progress: DTS documents no limit for these.  A validation gate
    # reads them for every job on every poll, so they are paced conservatively, at half the
    # strictest documented limit; the report link, asked for per table, at a quarter.
    'DescribeCheckJobs': 10,
    'DescribeDataCheckTableDetails': 10,
    'DescribePreCheckStatus': 10,
    'DescribeDataCheckReportUrl': 5,
    # Alert rules: DTS documents no limit either.  The action is asked once per job, so an audit of a
    # large estate sends thousands in a row: paced like the validation reads, at half the strictest
    # documented limit (3,000 jobs in one region take about 5.5 minutes; regions are paced apart).
    'DescribeJobMonitorRule': 10,
}
# An action the table does not name: the strictest documented limit.
DEFAULT_RATE = 20
# The service counts requests as they arrive, in a sliding one-second window.  Requests are spaced
# evenly, not sent in bursts (a burst reaches the service spread out by connection set-up and
# scheduling, and the next one, on warm connections, can land inside the same second), and spaced
# from when the previous one actually left, not from when it was booked (a request held up by a
# pause of the process would otherwise leave late, right before the ones booked after it).  The
# spacing is a tenth longer than the limit asks, for the network's jitter.
MARGIN = 0.1


def rate_for(action: str, override: Optional[float] = None, rate: Optional[float] = None) -> float:
    """Requests a second for ``action``: the user's override, the caller's ``rate``, the table, the default.

    0 (or less) means not paced.
    """
    for value in (override, rate, RATE_LIMITS.get(action)):
        if value is not None:
            return value
    return DEFAULT_RATE


class RateLimiter:
    """Requests at least ``(1 + margin) / rate`` seconds apart, for every thread that waits here."""

    def __init__(self, rate: float, clock: Callable[[], float], margin: float = MARGIN) -> None:
        self.rate = rate
        self.interval = (1.0 + margin) / float(rate)
        self._clock = clock
        self._last: Optional[float] = None
        self._lock = threading.Lock()
        self.turnstile = Turnstile()

    def next_time(self) -> float:
        """The earliest time the next request may leave."""
        return float('-inf') if self._last is None else self._last + self.interval

    def sent(self, now: float) -> None:
        self._last = now

    def acquire(self, sleep: Callable[[float], Any]) -> float:
        """Wait (on ``sleep``, outside the lock) until a request may leave now; return the seconds waited.

        The caller sends right after: the time it leaves is the time the next one is spaced from.
        """
        waited = 0.0
        while True:
            with self._lock:
                now = self._clock()
                if self._last is None or now >= self._last + self.interval:
                    self._last = now
                    return waited
                wait = self._last + self.interval - now
            sleep(wait)
            waited += wait


# The adaptive rate's constants, botocore's (``botocore.retries.adaptive``): the cut on a throttled
# answer (to 0.7 of the rate), the cubic curve's scale, the slowest pace (one request every two
# seconds), and how far above what was really sent the rate may grow (twice).
BETA = 0.7
SCALE = 0.4
MIN_RATE = 0.5
MAX_GROWTH = 2.0
# The send rate is measured over the last second of requests.  The service counts over a sliding
# second too: for a second after a cut, its window still holds requests sent at the old rate, so a
# throttled answer to a request sent then says nothing of the new rate and does not cut again.
MEASURE_WINDOW = 1.0
# Throttling that does not depend on the rate (see AdaptiveRate): its share is that of throttled
# answers among the last SAMPLE answers, and a share more than TOLERANCE above it is a quota again
# (at a share of a quarter, 20 answers read above 0.4 about one time in twenty-five).
SAMPLE = 20
TOLERANCE = 0.15
# The service counts requests as they arrive, which the network's jitter shifts from when they left
# by up to this many seconds either way (see AdaptiveRate).
JITTER = 0.05


class AdaptiveRate:
    """The rate an account may send at through one endpoint, learnt from the service's answers.

    Off (no limit) until a throttled answer, as the service's quota is unknown and the documented
    rate already paces each action.  On a throttled answer: the rate becomes ``BETA`` times the
    lower of the rate in force and the rate really sent over the last second, once for all the
    requests sent until the service's one-second window has seen the new rate (an answer to a request
    sent before, or within a second after, the last cut does not cut again: the service was still
    counting requests sent at the old rate).  On every other answer it grows along CUBIC's curve,
    ``SCALE * (t - K) ** 3 + peak``, where ``t`` is the time since the last cut, ``peak`` the rate
    cut from and ``K`` the time to get back to it; so it grows back slowly near the rate that was
    throttled and faster past it, and never past ``MAX_GROWTH`` times the rate really sent.

    Not every throttled answer is a quota.  A quota of Q calls a second lets Q through in any second
    whatever is sent, and refuses a request only when Q others went through in the second before it.
    So once the service has let ``admitted_peak`` requests sent within one second through, the quota
    is at least that, and a request throttled with no more than that many sent in the second up to
    it (itself included) was not refused by a quota: the service refuses a share of requests whatever
    the rate, and cutting would only slow every request down, cut after cut, to ``MIN_RATE``.  The
    rate is then switched off again (the documented rate paces alone) and the share of throttled
    answers over the last ``SAMPLE`` becomes the ``baseline``: a throttled answer cuts again only when
    the share is more than ``TOLERANCE`` above it, which means the rate matters after all (a quota on
    top, or a quota that fell, which one cut can make look like the same): the baseline is dropped.
    Both counts allow for ``JITTER``: the requests sent are counted over a second widened by it on
    each side, those let through over a second narrowed by it.  ``admitted_peak`` counts since the
    cut before the last one, so a quota that fell is not measured against what it let through before.

    Requests are spaced ``1 / rate`` apart (counted from when each left), never in bursts.
    """

    def __init__(
        self,
        clock: Callable[[], float],
        beta: float = BETA,
        scale: float = SCALE,
        min_rate: float = MIN_RATE,
        lock: Any = None,
    ) -> None:
        """``lock``: the lock ``next_time`` and ``sent`` are called under (the registry's booking lock)."""
        self._clock = clock
        self.beta, self.scale, self.min_rate = beta, scale, min_rate
        # None: not engaged (no throttled answer yet, or throttling that does not depend on the rate).
        self.rate: Optional[float] = None
        self.throttled = 0
        self.cuts = 0
        # The share of throttled answers that does not depend on the rate; None: none known.
        self.baseline: Optional[float] = None
        # The most requests sent within one second that the service let through: since the cut before
        # the last one, and since the last one.
        self._admitted_peaks = (0, 0)
        self._peak = 0.0
        self._cut_at: Optional[float] = None
        self._inflection = 0.0
        self._last_sent: Optional[float] = None
        # When requests left (the last two seconds), and when those that got through left, in order.
        self._sent: Deque[float] = deque()
        self._admitted: List[float] = []
        # Whether each of the last SAMPLE answers was throttled.
        self._recent: Deque[bool] = deque(maxlen=SAMPLE)
        self._lock = lock or threading.Lock()

    @property
    def admitted_peak(self) -> int:
        return max(self._admitted_peaks)

    def measured_rate(self, now: Optional[float] = None) -> float:
        """Requests sent a second, over the last MEASURE_WINDOW seconds."""
        now = self._clock() if now is None else now
        while self._sent and self._sent[0] <= now - 2 * MEASURE_WINDOW:
            self._sent.popleft()
        return self._count(self._sent, now) / MEASURE_WINDOW

    def recent_share(self) -> float:
        """The share of throttled answers among the last SAMPLE answers."""
        return sum(self._recent) / float(len(self._recent) or 1)

    def next_time(self) -> float:
        """The earliest time the next request may leave (the caller holds the lock)."""
        if self.rate is None or self._last_sent is None:
            return float('-inf')
        return self._last_sent + 1.0 / self.rate

    def sent(self, now: float) -> None:
        """A request leaves now (the caller holds the lock)."""
        self._last_sent = now
        self._sent.append(now)
        self.measured_rate(now)

    def answered(self, sent_at: float, throttled: bool) -> None:
        """The answer to a request that left at ``sent_at``: throttled or not."""
        with self._lock:
            now = self._clock()
            measured = self.measured_rate(now)
            self._recent.append(throttled)
            if throttled:
                self.throttled += 1
                self._throttled(sent_at, now, measured)
                return
            self._admit(sent_at)
            if self.rate is not None and self._cut_at is not None:
                grown = self.scale * (now - self._cut_at - self._inflection) ** 3 + self._peak
                self.rate = max(self.min_rate, min(grown, MAX_GROWTH * max(measured, self.min_rate)))

    @staticmethod
    def _count(times: Any, end: float, span: float = MEASURE_WINDOW) -> int:
        """How many of ``times`` (in order) fall in the ``span`` seconds up to ``end``, ``end`` included."""
        return bisect.bisect_right(times, end) - bisect.bisect_right(times, end - span)

    def _admit(self, sent_at: float) -> None:
        """An answer got through: count those sent within a second up to it that did (a second
        narrowed by JITTER on each side) towards ``admitted_peak``."""
        bisect.insort(self._admitted, sent_at)
        del self._admitted[: bisect.bisect_right(self._admitted, self._admitted[-1] - 2 * MEASURE_WINDOW)]
        admitted = self._count(self._admitted, sent_at, MEASURE_WINDOW - 2 * JITTER)
        if self.rate is not None:
            self._admitted_peaks = (self._admitted_peaks[0], max(self._admitted_peaks[1], admitted))

    def _throttled(self, sent_at: float, now: float, measured: float) -> None:
        """A throttled answer: cut the rate, or not (see the class's docstring)."""
        # Requests sent in the second up to this one (a second widened by JITTER on each side).
        sent_around = self._count(self._sent, sent_at + JITTER, MEASURE_WINDOW + 2 * JITTER)
        if self.rate is not None and sent_around <= self.admitted_peak:
            # Not the quota: no cut.  The first time, the share seen becomes the baseline.
            if self.baseline is None:
                self.baseline = self.recent_share()
                self.rate, self._admitted_peaks = None, (0, 0)
            return
        if self.rate is not None and self._cut_at is not None and sent_at < self._cut_at + MEASURE_WINDOW:
            return
        if self.baseline is not None:
            if self.recent_share() <= self.baseline + TOLERANCE:
                return
            self.baseline = None
        admitted = self._count(self._admitted, now, MEASURE_WINDOW - 2 * JITTER)
        self._admitted_peaks = (0 if self.rate is None else self._admitted_peaks[1], admitted)
        in_force = measured if self.rate is None else min(self.rate, measured or self.rate)
        self._peak = max(in_force, self.min_rate)
        self._inflection = (self._peak * (1.0 - self.beta) / self.scale) ** (1.0 / 3.0)
        self._cut_at = now
        self.cuts += 1
        self.rate = max(self.min_rate, self._peak * self.beta)


class Pace:
    """What one request waits for: every limiter it draws on (the action's RateLimiter, the
    account's AdaptiveRate), booked together under the registry's lock so that a wait on one cannot
    bunch up the requests the other spread out."""

    def __init__(
        self, limiters: Sequence[Any], adaptive: Optional[AdaptiveRate], clock: Callable[[], float], lock: Any
    ) -> None:
        self.limiters = [limiter for limiter in limiters if limiter is not None]
        self.adaptive = adaptive
        self._clock = clock
        self._lock = lock
        # The turnstiles this request holds (line_up), left as it is booked or by leave_line.
        self._held: List[Turnstile] = []

    def line_up(self) -> None:
        """Wait for this request's turn among its action's requests (``Turnstile``): before a gate."""
        for limiter in self.limiters:
            limiter.turnstile.acquire()
            self._held.append(limiter.turnstile)

    def leave_line(self) -> None:
        """Let the next request of the line have its turn (nothing once done)."""
        while self._held:
            self._held.pop().release()

    def acquire(self, sleep: Callable[[float], Any]) -> float:
        """Wait (on ``sleep``, outside the lock) until the request may leave; return when it leaves.

        A request that lined up leaves the line as it is booked: the next one's wait starts then.
        """
        while True:
            with self._lock:
                now = self._clock()
                ready = max(
                    [limiter.next_time() for limiter in self.limiters]
                    + [self.adaptive.next_time() if self.adaptive is not None else float('-inf')]
                )
                if now >= ready:
                    for limiter in self.limiters:
                        limiter.sent(now)
                    if self.adaptive is not None:
                        self.adaptive.sent(now)
                    self.leave_line()
                    return now
                wait = ready - now
            sleep(wait)

    def answered(self, sent_at: float, throttled: bool) -> None:
        if self.adaptive is not None:
            self.adaptive.answered(sent_at, throttled)


class LimiterRegistry:
    """The limiters of the process, made on first use: a RateLimiter per (account, endpoint, region,
    action, rate, clock) and an AdaptiveRate per (account, endpoint, clock).

    The clock is part of the keys because a limiter counts time on one clock: in production every
    client uses ``time.monotonic`` and they share; a test's fake clock gets limiters of its own.
    """

    def __init__(self) -> None:
        self._limiters: Dict[Tuple[Any, ...], RateLimiter] = {}
        self._adaptive: Dict[Tuple[Any, ...], AdaptiveRate] = {}
        self._lock = threading.Lock()
        # Held for the instant a request is booked on every limiter it draws on (Pace).
        self.booking = threading.Lock()

    def limiter(
        self,
        account: Optional[str],
        endpoint: str,
        region: Optional[str],
        action: str,
        rate: float,
        clock: Callable[[], float],
    ) -> RateLimiter:
        key = (account, endpoint, region, action, rate, clock)
        with self._lock:
            limiter = self._limiters.get(key)
            if limiter is None:
                limiter = self._limiters[key] = RateLimiter(rate, clock)
            return limiter

    def adaptive(self, account: Optional[str], endpoint: str, clock: Callable[[], float]) -> AdaptiveRate:
        """The account's adaptive rate at ``endpoint``: one for every region, family and thread."""
        key = (account, endpoint, clock)
        with self._lock:
            adaptive = self._adaptive.get(key)
            if adaptive is None:
                adaptive = self._adaptive[key] = AdaptiveRate(clock, lock=self.booking)
            return adaptive

    def pace(
        self,
        account: Optional[str],
        endpoint: str,
        region: Optional[str],
        action: str,
        rate: float,
        clock: Callable[[], float],
    ) -> Pace:
        """What a request of ``action`` waits for: the action's rate in the region, and the account's
        adaptive rate at the endpoint."""
        return Pace(
            [self.limiter(account, endpoint, region, action, rate, clock)],
            self.adaptive(account, endpoint, clock),
            clock,
            self.booking,
        )


# Shared by every client of the process (the inventory makes one per account and region).
LIMITERS = LimiterRegistry()
