# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Put first on PYTHONPATH of a process a test starts: names under .invalid fail to resolve here.

RFC 6761 reserves .invalid and asks resolvers to answer "no such name" themselves; the system
resolver would still send the question to the network's DNS server.  A test of an unresolvable
endpoint thus gets the same failure without a packet leaving the machine.
"""

import socket

_getaddrinfo = socket.getaddrinfo


def _offline_getaddrinfo(host, *args, **kwargs):
    name = host.decode() if isinstance(host, bytes) else host
    if isinstance(name, str) and (name.rstrip('.').endswith('.invalid') or name.rstrip('.') == 'invalid'):
        raise socket.gaierror(socket.EAI_NONAME, 'Name or service not known')
    return _getaddrinfo(host, *args, **kwargs)


socket.getaddrinfo = _offline_getaddrinfo
