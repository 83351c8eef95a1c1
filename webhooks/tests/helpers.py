"""Webhook test helpers: a receiving HTTP server on the loopback address, endpoints."""

from __future__ import annotations

import time
from http.server import BaseHTTPRequestHandler

from django_scopes import scopes_disabled

from lib.tests.http_server import ServerInThread
from webhooks.models import WebhookEndpoint

LOOPBACK = ["127.0.0.0/8"]
ALL_EVENTS = [
    "conversion.created",
    "conversion.status_changed",
    "publisher.applied",
    "payout_run.approved",
    "payout_line.paid",
]


class Receiver(ServerInThread):
    """An HTTP server in a thread that records every POST (a webhook) and GET (a postback),
    with its headers and raw body, and answers the next status of `statuses` (the last one
    repeats), after `delay` seconds."""

    def __init__(self, statuses=(200,), answer=b'{"received": true}', delay=0.0):
        self.requests: list[dict] = []
        receiver = self
        pending = list(statuses)

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                receiver.requests.append(
                    {"path": self.path, "headers": dict(self.headers), "body": body}
                )
                if delay:
                    time.sleep(delay)
                status = pending.pop(0) if len(pending) > 1 else pending[0]
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            do_GET = do_POST  # a GET has no body: Content-Length is absent, 0 bytes are read

            def log_message(self, *args):
                pass

        super().__init__(Handler)
        self.url = f"http://127.0.0.1:{self.port}/hooks"


def make_endpoint(network, url="http://10.0.0.1/hooks", events=None, **fields) -> WebhookEndpoint:
    with scopes_disabled():
        return WebhookEndpoint.objects.create(
            network=network, url=url, events=ALL_EVENTS if events is None else events, **fields
        )
