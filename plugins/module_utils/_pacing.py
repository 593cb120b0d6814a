# -*- coding: utf-8 -*-
# Copyright: Contributors to the alibabacloud.dts collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Client-side pacing: how many requests a second each action may be sent, per account and region.

DTS limits some actions per account and region.  Every client of one process that talks to the
same (access key, endpoint, region) draws on one limiter per action, so the inventory's many
clients and a module's concurrent page fetches together stay under the limit instead of being
throttled and backing off.  The client reads the table below; it names no action itself.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections
import threading


# Calls per second per account and region.  DescribeDtsJobs and DescribeDtsJobDetail are the
# documented limits.  The legacy actions document none; they are paced like the current calls
# that replaced them: the listing like DescribeDtsJobs, the status list like the per-job read.
RATE_LIMITS = {
    'DescribeDtsJobs': 20,
    'DescribeDtsJobDetail': 40,
    'DescribeSynchronizationJobs': 20,
    'DescribeSynchronizationJobStatusList': 40,
}
# An action the table does not name: the strictest documented limit.
DEFAULT_RATE = 20
# The service counts requests in a sliding one-second window as they arrive, and arrival times
# jitter with the network and with thread scheduling here; the limiter keeps each window of
# PERIOD + MARGIN seconds to the limit, so a request that leaves late cannot crowd the next second.
PERIOD = 1.0
MARGIN = 0.1


def rate_for(action, override=None, rate=None):
    """Requests a second for ``action``: the user's override, the caller's ``rate``, the table, the default.

    0 (or less) means not paced.
    """
    for value in (override, rate, RATE_LIMITS.get(action)):
        if value is not None:
            return value
    return DEFAULT_RATE


class RateLimiter(object):
    """At most ``rate`` requests in any second (plus the margin), for every thread that reserves here.

    ``reserve()`` books the earliest time a request may leave and returns how long the caller must
    wait for it, so the caller sleeps outside the lock (on its own, injectable, sleep).
    Bursts are free up to ``rate``: a listing of a few pages is not slowed at all.
    """

    def __init__(self, rate, clock, margin=MARGIN):
        self.rate = rate
        # Whole requests per window: a rate under one a second becomes one per 1/rate seconds.
        self._capacity = max(1, int(rate * PERIOD))
        self.period = self._capacity / float(rate) + margin
        self._clock = clock
        self._sent = collections.deque()
        self._lock = threading.Lock()

    def reserve(self):
        with self._lock:
            now = self._clock()
            while self._sent and self._sent[0] <= now - self.period:
                self._sent.popleft()
            at = now
            if len(self._sent) >= self._capacity:
                # The request that is `capacity` back must be a whole window old when this one leaves.
                at = max(now, self._sent[-self._capacity] + self.period)
            self._sent.append(at)
            # Only the last `capacity` bookings matter for the next one.
            while len(self._sent) > self._capacity:
                self._sent.popleft()
            return at - now


class LimiterRegistry(object):
    """One RateLimiter per (account, endpoint, region, action, rate, clock), made on first use.

    The clock is part of the key because a limiter counts time on one clock: in production every
    client uses ``time.monotonic`` and they share; a test's fake clock gets limiters of its own.
    """

    def __init__(self):
        self._limiters = {}
        self._lock = threading.Lock()

    def limiter(self, account, endpoint, region, action, rate, clock):
        key = (account, endpoint, region, action, rate, clock)
        with self._lock:
            limiter = self._limiters.get(key)
            if limiter is None:
                limiter = self._limiters[key] = RateLimiter(rate, clock)
            return limiter


# Shared by every client of the process (the inventory makes one per account and region).
LIMITERS = LimiterRegistry()
