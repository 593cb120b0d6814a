# -*- coding: utf-8 -*-
# Copyright: Contributors to the alibabacloud.dts collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The deadline of one HTTP attempt: the whole answer within ``http_timeout``, however slowly it comes."""

import heapq
import itertools
import os
import socket
import threading
import time
from typing import Any, List, Literal, Optional

# The deadline of the attempt each thread is making, for the connections it uses to register with.
_ATTEMPT = threading.local()


class AttemptDeadline:
    """Ends one attempt ``seconds`` after it began, however slowly the server sends its answer.

    requests' ``timeout`` bounds each read on the socket, not the answer: a server sending a byte
    a second would hold an attempt forever.  While the attempt runs, every connection it uses
    registers here (the session's connections are ``_Watched`` ones); when the deadline passes, the
    process's one ``_Watchdog`` shuts their sockets down, which ends whatever connect, send or read is
    blocked on them.  Once the attempt is over, the watchdog can no longer touch a connection (it
    may serve the next attempt from the keep-alive pool).
    """

    def __init__(self, seconds: float, watchdog: Optional['_Watchdog'] = None) -> None:
        self.seconds = seconds
        self.expired = False
        self.over = False
        self._connections: List[Any] = []
        self._lock = threading.Lock()
        self._watchdog = watchdog or WATCHDOG

    def __enter__(self) -> 'AttemptDeadline':
        _ATTEMPT.deadline = self
        self._watchdog.watch(self, time.monotonic() + self.seconds)
        return self

    def __exit__(self, *exc_info: Any) -> Literal[False]:
        with self._lock:
            self.over = True
            self._connections = []
        _ATTEMPT.deadline = None
        return False

    def watch(self, connection: Any) -> None:
        with self._lock:
            if self.over:
                return
            self._connections.append(connection)
            if self.expired:
                _shut_down(connection)

    def expire(self) -> None:
        with self._lock:
            if self.over:
                return
            self.expired = True
            for connection in self._connections:
                _shut_down(connection)


class _Watchdog:
    """One thread for the process that expires every attempt whose deadline has passed.

    A timer thread per attempt cost a thread start and stop per request (a listing of 30,000 jobs
    sends over a thousand), and under load each start waited for the new thread to be scheduled.
    Deadlines are kept in a heap; an attempt that ends is only marked over and dropped when it
    reaches the top.  The thread is started on first use, and again in a forked child (which
    inherits the heap but not the thread).
    """

    def __init__(self) -> None:
        self._reset()
        if hasattr(os, 'register_at_fork'):
            # A forked child (Ansible's workers) inherits the heap and the lock in whatever state the
            # parent's threads left them, but not the thread: it starts afresh.
            os.register_at_fork(after_in_child=self._reset)

    def _reset(self) -> None:
        self._heap: List[Any] = []
        self._order = itertools.count()
        self._changed = threading.Condition(threading.Lock())
        self._started = False

    def watch(self, attempt: AttemptDeadline, at: float) -> None:
        with self._changed:
            if not self._started:
                self._started = True
                threading.Thread(target=self._run, name='dts-attempt-deadlines', daemon=True).start()
            earliest = not self._heap or at < self._heap[0][0]
            heapq.heappush(self._heap, (at, next(self._order), attempt))
            if earliest:
                self._changed.notify()

    def _run(self) -> None:
        while True:
            due = []
            with self._changed:
                while self._heap and (self._heap[0][2].over or self._heap[0][0] <= time.monotonic()):
                    due.append(heapq.heappop(self._heap)[2])
                if not due:
                    self._changed.wait(self._heap[0][0] - time.monotonic() if self._heap else None)
            for attempt in due:
                attempt.expire()


WATCHDOG = _Watchdog()


def _shut_down(connection: Any) -> None:
    sock = getattr(connection, 'sock', None)
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def watch_current_attempt(connection: Any) -> None:
    """Register ``connection`` with the deadline of the attempt the calling thread is making, if any."""
    deadline = getattr(_ATTEMPT, 'deadline', None)
    if deadline is not None:
        deadline.watch(connection)
