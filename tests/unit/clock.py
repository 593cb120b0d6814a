# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The unit tier's one fake clock: time passes only when something sleeps on it or a test moves it.

The code under test takes its time as arguments: ``clock`` (monotonic seconds), ``sleep`` and,
for the waiter, ``wall`` (epoch seconds).  A FakeClock is all three, so retries, backoff, pacing,
waits and cache ages cost no wall time and a test can assert exactly how long something waited.
The ``clock`` fixture (tests/unit/conftest.py) gives a test a fresh one; a test that needs
another start builds its own.
"""

import asyncio
import threading

# The wall time of a clock that is not told otherwise: 2023-11-14T22:13:20Z.
WALL_START = 1700000000


class FakeClock:
    """Monotonic seconds (call it), a ``sleep`` that moves them, and a ``wall`` time that moves with them.

    ``now`` is public: a test moves time by hand with ``clock.now += seconds`` (``advance`` does the
    same from another thread).  ``sleeps`` holds every sleep asked for, in order.  Threads may
    share a clock: a client's workers sleep on the one its test reads.
    """

    def __init__(self, now=0.0, wall_start=WALL_START):
        self.now = float(now)
        self.sleeps = []
        self._start, self._wall_start = self.now, wall_start
        self._lock = threading.RLock()

    def __call__(self):
        with self._lock:
            return self.now

    def wall(self):
        """Epoch seconds: ``wall_start`` when the clock was made, plus the time passed since."""
        with self._lock:
            return self._wall_start + self.now - self._start

    def advance(self, seconds):
        with self._lock:
            self.now += seconds

    def sleep(self, seconds):
        if seconds < 0:
            # time.sleep refuses it too: a negative sleep is a bug in the code that asked for it.
            raise ValueError('sleep length must be non-negative, not %r' % (seconds,))
        with self._lock:
            self.sleeps.append(seconds)
            self.now += seconds


class AsyncFakeClock(FakeClock):
    """The same clock for asyncio code (``await clock.sleep(seconds)``), ending its caller after ``polls`` sleeps.

    A loop that never ends by itself (the event source's) runs a known number of turns: the
    sleep that makes ``polls`` raises CancelledError, as the rulebook's shutdown would.
    """

    def __init__(self, polls, **kwargs):
        super().__init__(**kwargs)
        self.polls = polls

    # asyncio code awaits it: an async override of the plain sleep, on purpose.
    async def sleep(self, seconds):  # pylint: disable=invalid-overridden-method
        FakeClock.sleep(self, seconds)
        if len(self.sleeps) >= self.polls:
            raise asyncio.CancelledError()
