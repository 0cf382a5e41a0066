"""Loaded by every Python process that scripts/offline starts when network namespaces are not allowed.

It refuses every socket connection, datagram and name lookup that does not
stay on this machine (loopback and Unix sockets are allowed, so Jupyter
kernels and the local JupyterLab still work), so a lesson that tries to
download fails loudly instead of passing because its client ignored a proxy.
"""
from __future__ import annotations

import ipaddress
import socket

_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", ""}


def _is_local(host: object) -> bool:
    if host is None:
        return True
    text = host.decode() if isinstance(host, bytes) else str(host)
    if text in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(text.split("%")[0]).is_loopback
    except ValueError:
        return False


def _refuse(address: object) -> None:
    raise PermissionError(f"scripts/offline: outbound network is blocked (tried {address!r})")


def _check(sock: socket.socket, address: object) -> None:
    if sock.family in (socket.AF_INET, socket.AF_INET6) and isinstance(address, tuple) and not _is_local(address[0]):
        _refuse(address)


_connect, _connect_ex, _sendto = socket.socket.connect, socket.socket.connect_ex, socket.socket.sendto
_getaddrinfo = socket.getaddrinfo


def connect(self: socket.socket, address: object) -> None:
    _check(self, address)
    return _connect(self, address)


def connect_ex(self: socket.socket, address: object) -> int:
    _check(self, address)
    return _connect_ex(self, address)


def sendto(self: socket.socket, data: bytes, *args: object) -> int:
    _check(self, args[-1])
    return _sendto(self, data, *args)


def getaddrinfo(host: object, *args: object, **kwargs: object) -> list:
    if not _is_local(host):
        _refuse(host)
    return _getaddrinfo(host, *args, **kwargs)


socket.socket.connect = connect  # type: ignore[method-assign]
socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]
socket.socket.sendto = sendto  # type: ignore[method-assign]
socket.getaddrinfo = getaddrinfo  # type: ignore[assignment]
