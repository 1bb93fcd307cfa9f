"""Starting and stopping the fake services' HTTP servers (support.kusto_server, support.arm_server):
a threaded server on 127.0.0.1 at a free port, its handlers finding the fake as an attribute of
the server, serving from a daemon thread."""

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
