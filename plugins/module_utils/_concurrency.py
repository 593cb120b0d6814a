# -*- coding: utf-8 -*-
# Copyright: Contributors to the alibabacloud.dts collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bounded concurrency: a thread pool that keeps results in order, the window of requests in flight,
and a line.

``run_concurrently`` fans one call out over several items (regions, job ids, chunks);
``ConcurrencyWindow`` is how many requests one ``DtsClient`` may have in flight, narrowed when the
service throttles; ``Turnstile`` lets threads through one at a time in the order they came.  None
knows anything of DTS.
"""

import threading
from collections import deque
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from typing import Any, Callable, Deque, Iterable, List, Literal, TypeVar

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


class Turnstile:
    """One thread at a time, in the order they came: the line of one action's requests.

    A paced action's requests wait for their turn here before they take a slot of a shared gate
    (the inventory's ``max_concurrent_requests``): only the request whose turn it is holds a slot
    while it waits for its pace, and it alone is woken when that comes.  Without the line, every
    page in flight held a slot asleep for up to a window of intervals, and a region's request
    waited behind another region's sleepers.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiting: Deque[Any] = deque()
        self._taken = False

    def acquire(self) -> None:
        with self._lock:
            if not self._taken:
                self._taken = True
                return
            handed = threading.Lock()
            handed.acquire()
            self._waiting.append(handed)
        # Released by the thread before, which hands its turn straight on (it stays taken).
        handed.acquire()

    def release(self) -> None:
        with self._lock:
            if self._waiting:
                self._waiting.popleft().release()
            else:
                self._taken = False
