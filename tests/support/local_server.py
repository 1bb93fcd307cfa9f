"""Starting and stopping the fake services' HTTP servers (support.kusto_server, support.arm_server):
a threaded server on 127.0.0.1 at a free port, its handlers finding the fake as an attribute of
the server, serving from a daemon thread; `LocalServer`, the lifecycle both fakes share."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def start_server(fake: object, attribute: str, handler: type[BaseHTTPRequestHandler],
                 server_class: type[ThreadingHTTPServer] = ThreadingHTTPServer
                 ) -> tuple[ThreadingHTTPServer, str, threading.Thread]:
    """(the server, its http://127.0.0.1:PORT url, the thread serving it); handlers read the
    fake as `self.server.<attribute>`; their errors (a client gone) are not printed."""
    server = server_class(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    setattr(server, attribute, fake)
    server.handle_error = lambda request, client_address: None  # type: ignore[method-assign]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    return server, f"http://127.0.0.1:{server.server_address[1]}", thread


def stop_server(server: ThreadingHTTPServer, thread: threading.Thread | None, stopping: threading.Event) -> None:
    """Stop serving; `stopping` wakes up handlers that wait (latency, a hang)."""
    stopping.set()
    server.shutdown()
    server.server_close()
    if thread is not None:
        thread.join(timeout=5)


class QuietHandler(BaseHTTPRequestHandler):
    """A fake's request handler: one request per connection (a fault that closes it never
    poisons a pooled one), no log on stderr, a client gone mid-answer no error."""

    protocol_version = "HTTP/1.0"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def handle(self) -> None:
        try:
            super().handle()
        except (ConnectionError, TimeoutError):
            pass


class LocalServer:
    """A fake service's lifecycle: start() serves it (`url`: http://127.0.0.1:PORT, empty until
    started) with `handler`, which reads the fake as `self.server.<attribute>`; stop() stops it,
    waking up handlers that wait; `with fake:` does both."""

    def __init__(self, attribute: str, handler: type[BaseHTTPRequestHandler],
                 server_class: type[ThreadingHTTPServer] = ThreadingHTTPServer) -> None:
        self.url = ""
        self._serving = (attribute, handler, server_class)
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def start(self):
        if self._server is not None:
            return self
        self._stopping.clear()
        attribute, handler, server_class = self._serving
        self._server, self.url, self._thread = start_server(self, attribute, handler, server_class)
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        stop_server(server, self._thread, self._stopping)
        self._thread = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
