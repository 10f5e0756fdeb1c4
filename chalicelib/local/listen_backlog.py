"""A listen backlog for the local stack's own HTTP servers that holds a district's burst of callers.

chalice's local server and the Twilio sandbox are `socketserver` servers, which listen with a backlog of 5.
When more callers than that connect at once (16 in a load run), the kernel's accept queue overflows before the
serving thread accepts them: connections are reset (the caller's step fails) or their SYN is dropped and
retried a second later (a first step's p99 of about 1 s). werkzeug, and so the moto server, listens with 128.
"""
from __future__ import annotations

import socketserver

BACKLOG = 128  # werkzeug's; the kernel caps it at net.core.somaxconn


def hold_bursts(server: socketserver.TCPServer, backlog: int = BACKLOG) -> None:
    """Raise a bound, listening server's backlog; listen() again on the socket takes the new one (Linux, BSD)."""
    server.request_queue_size = backlog
    server.server_activate()
