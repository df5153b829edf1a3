"""A webhook receiver on 127.0.0.1 for cluster tests: keeps every event it is sent."""

from __future__ import annotations

import json
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.quiet_http import QuietHTTPServer


class HookReceiver(QuietHTTPServer):
    """Answers every POST with 204 and keeps its JSON body, in the order received."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        bodies = self.bodies

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                bodies.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
                self.send_response(204)
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server_address[1]}/hook"
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def seen(self, field: str = "session_id") -> Counter[tuple[str, str]]:
        """How many times each (event type, the event's ``field``) arrived."""
        return Counter((b["event_type"], str(b["event_data"].get(field, ""))) for b in list(self.bodies))
