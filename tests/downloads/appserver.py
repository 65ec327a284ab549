"""The application on a loopback port, as a WSGI server sees it (no test-only file serving).

pytest-django's live_server serves MEDIA_URL itself (Django's _MediaFilesHandler), which
would hide the gate; this one runs the plain WSGIHandler in a thread of this process.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


@contextmanager
def app_server(wrap=None) -> Iterator[str]:
    """Yield "http://127.0.0.1:PORT" serving the project (needs transactional_db).

    `wrap` wraps the handler (StaticFilesHandler for pages that need their CSS and JS).
    """
    server = ThreadedWSGIServer(
        ("127.0.0.1", 0), QuietHandler, allow_reuse_address=True
    )
    server.daemon_threads = True
    server.set_app(wrap(WSGIHandler()) if wrap else WSGIHandler())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield "http://127.0.0.1:%d" % server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
