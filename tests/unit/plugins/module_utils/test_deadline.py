# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The attempts' deadlines: one watchdog thread for the process, in every forked child too."""

import os
import socket
import threading

from ansible_collections.alibabacloud.dts.plugins.module_utils._deadline import (
    AttemptDeadline,
    _Watchdog,
    watch_current_attempt,
)

# How long a test waits for the watchdog's thread before failing (it acts at once on a deadline of 0).
PATIENCE = 30


class FakeSocket:
    def __init__(self):
        self.shut = threading.Event()

    def shutdown(self, how):
        assert how == socket.SHUT_RDWR
        self.shut.set()


class FakeConnection:
    def __init__(self):
        self.sock = FakeSocket()


def test_a_deadline_shuts_the_sockets_of_its_attempt_down():
    watchdog = _Watchdog()
    connection = FakeConnection()
    with AttemptDeadline(0, watchdog) as deadline:
        watch_current_attempt(connection)
        assert connection.sock.shut.wait(PATIENCE)
        assert deadline.expired


def test_an_attempt_that_ended_is_left_alone_and_a_connection_after_expiry_is_shut_at_once():
    watchdog = _Watchdog()
    ended, later = FakeConnection(), FakeConnection()
    with AttemptDeadline(3600, watchdog):
        watch_current_attempt(ended)
    # Deadlines are handled in order: once this one has expired, the hour-long one was looked at
    # (and dropped, over) or is still an hour away.
    first = FakeConnection()
    with AttemptDeadline(0, watchdog) as deadline:
        watch_current_attempt(first)
        assert first.sock.shut.wait(PATIENCE) and deadline.expired
        watch_current_attempt(later)
        assert later.sock.shut.is_set()
    assert not ended.sock.shut.is_set()
    watch_current_attempt(FakeConnection())  # no attempt under way: nothing to register with


def test_one_thread_serves_every_attempt():
    watchdog = _Watchdog()
    before = threading.active_count()
    for _attempt in range(50):
        with AttemptDeadline(3600, watchdog):
            pass
    assert threading.active_count() == before + 1


def test_a_forked_child_has_a_watchdog_of_its_own():
    watchdog = _Watchdog()
    with AttemptDeadline(3600, watchdog):
        pass
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child reports through its exit status
        connection = FakeConnection()
        try:
            with AttemptDeadline(0, watchdog):
                watch_current_attempt(connection)
                ok = connection.sock.shut.wait(PATIENCE)
        finally:
            os._exit(0 if locals().get('ok') else 1)
    _pid, status = os.waitpid(pid, 0)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
