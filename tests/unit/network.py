# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tests may name an address off this machine, never send anything to it."""

import socket


def closed_loopback_url():
    """An http:// address on loopback where nobody listens: a connection there is refused at once."""
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return 'http://127.0.0.1:%d' % probe.getsockname()[1]


def closed_loopback_proxy():
    """Proxy variables that send every request to a loopback port nobody listens on: refused at once.

    A test that names an endpoint off this machine (to see a warning about it, say) runs with these,
    so that no packet leaves loopback.
    """
    proxy = closed_loopback_url()
    variables = {name: proxy for name in ('HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy')}
    variables.update(NO_PROXY='', no_proxy='')
    return variables
