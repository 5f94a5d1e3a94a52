"""A stub of GOV.UK Notify's HTTP API for the real client: sends and look-ups by reference.

Like Notify, a send it accepts is held under its reference (status "created") and listed by
`GET /v2/notifications?reference=...`. `on_send` runs after a send is held and before the
answer goes back: the moment a worker can die between send and mark.
"""

import json
import threading
import uuid
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


class NotifyStub(BaseHTTPRequestHandler):
    requests: list = []  # the sends (POST), in order
    lookups: list = []  # the references asked about (GET)
    held: list = []  # the notifications Notify holds: id, reference, status
    status = 201  # an error status: the send is refused and not held
    accepted_status = 201  # an error status: held, but the answer is this error (lost reply)
    lookup_status = 200
    error_message = "stub"  # the error's message, e.g. "phone_number Not a UK mobile number"
    on_send = None

    @classmethod
    def reset(cls):
        cls.requests, cls.lookups, cls.held = [], [], []
        cls.status, cls.accepted_status, cls.lookup_status, cls.on_send = 201, 201, 200, None
        cls.error_message = "stub"

    @classmethod
    def hold(cls, reference, status="delivered"):
        notification = {"id": str(uuid.uuid4()), "reference": reference, "status": status}
        cls.held.append(notification)
        return notification["id"]

    def do_POST(self):  # noqa: N802 - http.server's naming
        length = int(self.headers["Content-Length"])
        data = json.loads(self.rfile.read(length))
        NotifyStub.requests.append(
            {"path": self.path, "auth": self.headers.get("Authorization", ""), "json": data}
        )
        if NotifyStub.status != 201:
            return self._answer(NotifyStub.status, self._error(NotifyStub.status))
        notify_id = NotifyStub.hold(data.get("reference"), status="created")
        if NotifyStub.on_send:
            NotifyStub.on_send()
        if NotifyStub.accepted_status != 201:
            return self._answer(NotifyStub.accepted_status, self._error(NotifyStub.accepted_status))
        self._answer(201, {"id": notify_id, "reference": data.get("reference")})

    def do_GET(self):  # noqa: N802
        url = urlparse(self.path)
        reference = parse_qs(url.query).get("reference", [""])[0]
        NotifyStub.lookups.append(reference)
        if NotifyStub.lookup_status != 200:
            return self._answer(NotifyStub.lookup_status, self._error(NotifyStub.lookup_status))
        found = [n for n in NotifyStub.held if n["reference"] == reference]
        self._answer(200, {"notifications": found, "links": {"current": self.path}})

    def _answer(self, status, body):
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(json.dumps(body).encode())
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client was killed while waiting (on_send)

    @staticmethod
    def _error(status):
        message = NotifyStub.error_message
        return {"status_code": status, "errors": [{"error": "Error", "message": message}]}

    def log_message(self, *args):
        pass


@contextmanager
def running_notify_stub():
    """Serve the stub on a free loopback port; yields its base URL."""
    NotifyStub.reset()
    server = ThreadingHTTPServer(("127.0.0.1", 0), NotifyStub)
    # A short poll: shutdown() waits for serve_forever's next poll (0.5 s by default, which
    # was half a second of every test that used the stub).
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def notify_settings(base_url):
    """The settings (and environment variables) that send email by the stub."""
    return {
        "LD_EMAIL_CHANNEL": "govuk_notify",
        "GOVUK_NOTIFY_BASE_URL": base_url,
        "GOVUK_NOTIFY_API_KEY": f"test-{uuid.uuid4()}-{uuid.uuid4()}",
        "GOVUK_NOTIFY_EMAIL_TEMPLATE_ID": str(uuid.uuid4()),
    }
