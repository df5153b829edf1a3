"""A threading HTTP server for test fixtures that does not print clients hanging up on it.

Several tests hang up on purpose (a size limit, a timeout, a killed server); the standard server
prints a traceback for each, which buries real failures in CI's log."""

from __future__ import annotations

import sys
from http.server import ThreadingHTTPServer
from typing import Any


class QuietHTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return
        super().handle_error(request, client_address)
