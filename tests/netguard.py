"""No test may reach the network: an audit hook (PEP 578) refuses every socket operation that names a host
other than this machine's loopback, and every name lookup other than localhost.

Why an audit hook and not a patched ``socket.connect``: the hook sees every way in (``connect``,
``connect_ex``, ``sendto``, ``sendmsg``, ``getaddrinfo``, ``gethostbyname`` …, from Python code and C
extensions that go through the socket module alike) and nothing can undo it. Local servers (``csrkg serve``
on 127.0.0.1, Virtuoso on localhost) and AF_UNIX sockets are allowed.

This file is also the ``sitecustomize`` that tests put on PYTHONPATH for child processes, which the hook of
the parent does not reach: it depends on the standard library only, and with ``CSRKG_NETGUARD=exit`` in the
environment it installs itself and ends the process with :data:`EXIT_CODE` on a refused operation (a child
could catch an exception and carry on).
"""
from __future__ import annotations

import ipaddress
import os
import socket
import sys
from typing import Any

EXIT_CODE = 97
LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})
# events whose arguments name a peer: (index of the address, index of the socket or None)
_ADDRESS_EVENTS = {"socket.connect": (1, 0), "socket.sendto": (1, 0), "socket.sendmsg": (1, 0)}
_HOST_EVENTS = {"socket.getaddrinfo": 0, "socket.gethostbyname": 0, "socket.gethostbyname_ex": 0, "socket.gethostbyaddr": 0}

active = False  # on while tests run
refused: list[str] = []  # every refused operation, also those a library caught and swallowed
_exit_on_refusal = False


class NetworkBlocked(OSError):
    """A test (or the code it runs) tried to reach another machine."""


def is_local_host(host: Any) -> bool:
    """Loopback addresses (127.0.0.0/8, ::1, also IPv4-mapped), localhost names, and no host at all."""
    if host is None:
        return True
    if isinstance(host, (bytes, bytearray)):
        host = bytes(host).decode("ascii", "replace")
    host = str(host).strip("[]").split("%", 1)[0].lower()
    if host in LOCAL_NAMES or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return address.is_loopback or bool(mapped and mapped.is_loopback)


def is_local_address(address: Any, family: Any = None) -> bool:
    """A socket address on this machine: an AF_UNIX path (str or bytes), or (host, port…) on loopback."""
    if address is None:
        return True  # sendmsg on a connected socket: its peer was checked at connect
    if family == getattr(socket, "AF_UNIX", object()) or isinstance(address, (str, bytes, bytearray)):
        return True
    if isinstance(address, tuple) and address:
        return is_local_host(address[0])
    return False


def _refuse(event: str, what: Any) -> None:
    message = f"network access blocked during tests: {event} {what!r} (only loopback and AF_UNIX are allowed)"
    refused.append(message)
    if _exit_on_refusal:
        sys.stderr.write(f"netguard: {message}\n")
        sys.stderr.flush()
        os._exit(EXIT_CODE)
    raise NetworkBlocked(message)


def audit_hook(event: str, args: tuple[Any, ...]) -> None:
    """The hook: cheap for every other event (one dictionary look-up)."""
    if not active:
        return
    if event in _ADDRESS_EVENTS:
        where, sock_at = _ADDRESS_EVENTS[event]
        address = args[where] if len(args) > where else None
        family = getattr(args[sock_at], "family", None) if sock_at is not None else None
        if not is_local_address(address, family):
            _refuse(event, address)
    elif event in _HOST_EVENTS:
        host = args[_HOST_EVENTS[event]] if args else None
        if not is_local_host(host):
            _refuse(event, host)
    elif event == "socket.getnameinfo":
        if not is_local_address(args[0] if args else None):
            _refuse(event, args[0])


_installed = False


def install(exit_on_refusal: bool = False) -> None:
    """Add the hook (once per process; an audit hook cannot be removed) and switch it on."""
    global _installed, active, _exit_on_refusal
    _exit_on_refusal = exit_on_refusal
    if not _installed:
        sys.addaudithook(audit_hook)
        _installed = True
    active = True


if os.environ.get("CSRKG_NETGUARD") == "exit" and __name__ == "sitecustomize":
    install(exit_on_refusal=True)
