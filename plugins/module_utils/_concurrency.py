# -*- coding: utf-8 -*-
# Copyright: Contributors to the alibabacloud.dts collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bounded concurrency: a thread pool that keeps results in order, and the window of requests in flight.

``run_concurrently`` fans one call out over several items (regions, job ids, chunks);
``ConcurrencyWindow`` is how many requests one ``DtsClient`` may have in flight, narrowed when the
service throttles.  Neither knows anything of DTS.
"""

import threading
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from typing import Any, Callable, Iterable, List, Literal, TypeVar

T = TypeVar('T')


class _NoGate:
    """The gate of a client that shares none: every request goes through."""

    def __enter__(self) -> '_NoGate':
        return self

    def __exit__(self, *exc_info: Any) -> Literal[False]:
        return False


_NO_GATE = _NoGate()


def run_concurrently(function: Callable[[Any], T], items: Iterable[Any], max_workers: int) -> List[T]:
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
            failure = future.exception() if future.done() and not future.cancelled() else None
            if failure is not None:
                raise failure
        return [future.result() for future in futures]


class ConcurrencyWindow:
    """How many requests of one client may be in flight: from ``maximum`` down to one.

    A throttled answer halves the window, once for all the requests that were in flight together
    (a throttled answer to a request sent before the last cut does not cut it again); each
    window-full of answers that were not throttled widens it by one, back up to ``maximum``.
    """

    def __init__(self, maximum: int) -> None:
        self.maximum = self.size = max(1, maximum)
        self.in_flight = 0
        self._generation = 0
        self._answered = 0
        self._condition = threading.Condition()

    def acquire(self) -> int:
        """Wait for a free slot; the returned generation goes back to ``release``."""
        with self._condition:
            while self.in_flight >= self.size:
                self._condition.wait()
            self.in_flight += 1
            return self._generation

    def release(self, generation: int, throttled: bool = False) -> None:
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
