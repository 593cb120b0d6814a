# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A hostile DTS endpoint for tests: loopback only, every loop bounded, stopped by the test (or by itself).

``HostileServer(answer)`` serves each request with ``answer(request_number, action, params)``,
which returns one of:

- ``(status, body)``: ``body`` a dict (sent as JSON) or bytes, with a right Content-Length;
- ``Drip(data, every, head_at_once)``: HTTP 200 with ``data`` as the body, one byte each ``every``
  seconds (the status line and headers too, unless ``head_at_once``); the server stops dripping
  as soon as the client hangs up (``.cut_off`` then says after how many bytes), and never drips
  more than the answer;
- ``Endless(chunk)``: HTTP 200 without a Content-Length, then ``chunk`` over and over until the
  client hangs up or MAX_ENDLESS_BYTES have gone.

It records ``.requests`` (the action and parameters of each), ``.dripped`` (bytes of drips sent so
far) and stops (``close()``) when the test is done;
no thread outlives it.
"""

import json
import socket
import threading
import time
from urllib.parse import parse_qsl, urlsplit

# No hostile answer sends more than this, whatever the client does.
MAX_ENDLESS_BYTES = 256 * 1024 * 1024


class Drip:
    def __init__(self, data, every=0.05, head_at_once=False):
        self.data, self.every, self.head_at_once = data, every, head_at_once


class Endless:
    def __init__(self, chunk=b'[' * 65536):
        self.chunk = chunk


class HostileServer:
    def __init__(self, answer):
        self.answer = answer
        self.requests = []
        self.cut_off = []  # bytes of body sent to each client that hung up before the end
        self.sent = []  # bytes of body sent per request
        self.dripped = 0
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.bind(('127.0.0.1', 0))
        self._listener.listen(16)
        self._listener.settimeout(0.2)
        self.endpoint = 'http://127.0.0.1:%d' % self._listener.getsockname()[1]
        self._stopping = threading.Event()
        self._threads = []
        self._connections = []
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def close(self):
        self._stopping.set()
        self._thread.join(10)
        # Kept-alive connections wait for a next request: end them rather than wait for their timeout.
        for connection in list(self._connections):
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        for thread in list(self._threads):
            thread.join(10)
        self._listener.close()

    def _serve(self):
        while not self._stopping.is_set():
            try:
                connection, _address = self._listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            self._connections.append(connection)
            thread = threading.Thread(target=self._handle, args=(connection,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _handle(self, connection):
        connection.settimeout(5)
        reader = connection.makefile('rb')
        try:
            while not self._stopping.is_set():
                request_line = reader.readline(65536)
                if not request_line:
                    return
                headers = {}
                for _header in range(100):
                    line = reader.readline(65536)
                    if line in (b'\r\n', b'\n', b''):
                        break
                    name, _colon, value = line.decode('latin-1').partition(':')
                    headers[name.strip().lower()] = value.strip()
                length = int(headers.get('content-length') or 0)
                if length:
                    reader.read(length)
                target = request_line.split()[1].decode('latin-1')
                params = dict(parse_qsl(urlsplit(target).query, keep_blank_values=True))
                action = params.get('Action') or headers.get('x-acs-action')
                self.requests.append((action, params))
                if not self._respond(connection, self.answer(len(self.requests), action, params)):
                    return
        except OSError:
            return
        finally:
            reader.close()
            connection.close()

    def _respond(self, connection, answer):
        """Send one answer; False when the connection is done with."""
        if isinstance(answer, Drip):
            head = b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n' % len(answer.data)
            if answer.head_at_once:
                connection.sendall(head)
                return self._drip(connection, answer.data, answer.every)
            return self._drip(connection, head + answer.data, answer.every)
        if isinstance(answer, Endless):
            connection.sendall(b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n')
            sent = 0
            try:
                while sent < MAX_ENDLESS_BYTES and not self._stopping.is_set():
                    connection.sendall(answer.chunk)
                    sent += len(answer.chunk)
            except OSError:
                self.cut_off.append(sent)
            self.sent.append(sent)
            return False
        status, body = answer
        data = body if isinstance(body, bytes) else json.dumps(body).encode('utf-8')
        connection.sendall(
            b'HTTP/1.1 %d Answer\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s'
            % (status, len(data), data)
        )
        self.sent.append(len(data))
        return True

    def _drip(self, connection, data, every):
        sent = 0
        try:
            for index in range(len(data)):
                if self._stopping.is_set():
                    break
                connection.sendall(data[index : index + 1])
                sent = index + 1
                self.dripped += 1
                time.sleep(every)
        except OSError:
            self.cut_off.append(sent)
            return False
        self.sent.append(sent)
        return False
