# -*- coding: utf-8 -*-
# Copyright: Contributors to the alibabacloud.dts collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Client-side pacing: how many requests a second each action may be sent, per account and region.

DTS limits some actions per account and region.  Every client of one process that talks to the
same (access key, endpoint, region) draws on one limiter per action, so the inventory's many
clients and a module's concurrent page fetches together stay under the limit instead of being
throttled and backing off.  The client reads the table below; it names no action itself.
"""

import threading
from typing import Any, Callable, Dict, Optional, Tuple

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


class LimiterRegistry:
    """One RateLimiter per (account, endpoint, region, action, rate, clock), made on first use.

    The clock is part of the key because a limiter counts time on one clock: in production every
    client uses ``time.monotonic`` and they share; a test's fake clock gets limiters of its own.
    """

    def __init__(self) -> None:
        self._limiters: Dict[Tuple[Any, ...], RateLimiter] = {}
        self._lock = threading.Lock()

    def limiter(self, account: Optional[str], endpoint: str, region: Optional[str], action: str, rate: float,
                clock: Callable[[], float]) -> RateLimiter:
        key = (account, endpoint, region, action, rate, clock)
        with self._lock:
            limiter = self._limiters.get(key)
            if limiter is None:
                limiter = self._limiters[key] = RateLimiter(rate, clock)
            return limiter


# Shared by every client of the process (the inventory makes one per account and region).
LIMITERS = LimiterRegistry()
