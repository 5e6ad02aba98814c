"""Serving the dashboard with waitress: fit for many long-lived streams on a Pi.

Each MJPEG or SSE viewer holds one worker thread for as long as it watches, so the pool is
sized for the viewers an exhibit may have (25 kiosks/phones, two streams each, plus spare),
and a slow client can never hold more than a bounded output buffer. Waitress spills large
buffers to temporary files by default; here both limits are set so request bodies and
stream output stay in RAM — a frame of the stream must never touch a disk.
"""

from __future__ import annotations

import logging
import threading

from recognition.errors import PortInUse

log = logging.getLogger(__name__)

THREADS = 64
MAX_BODY_BYTES = 8 * 2**20  # a watchlist photo upload at most
_NEVER_SPILL = 2**30


class DashboardServer:
    """The WSGI server for the dashboard, bound on construction.

    Args:
        app: the WSGI application (``dashboard.create_app(...)``).
        host, port: address to listen on.
        threads: worker threads (one per open stream or request).

    Raises:
        PortInUse: the address cannot be bound.
    """

    def __init__(self, app, host: str, port: int, *, threads: int = THREADS):
        from waitress.server import create_server

        # Every open connection, listening socket included: ours, so shutdown can close them.
        self._connections: dict = {}
        try:
            self._server = create_server(
                app, map=self._connections, host=host, port=port, threads=threads,
                asyncore_use_poll=True,  # select() fails beyond 1024 descriptors
                connection_limit=threads * 2,
                max_request_body_size=MAX_BODY_BYTES,
                inbuf_overflow=_NEVER_SPILL,
                outbuf_overflow=_NEVER_SPILL,
                outbuf_high_watermark=4 * 2**20,  # then the stream waits for a slow reader
                channel_timeout=30,
                ident="oko",
            )
        except OSError as exc:
            raise PortInUse(
                f"Cannot serve on {host}:{port} ({exc.strerror or exc}); stop the program "
                "using it or pick another --port."
            ) from None
        self._closed = threading.Event()

    @property
    def port(self) -> int:
        """The port actually bound (useful with port 0)."""
        return self._server.getsockname()[1]

    def serve_forever(self) -> None:
        """Serve until :meth:`shutdown` is called."""
        try:
            self._server.run()
        except OSError:
            if not self._closed.is_set():  # closing the sockets mid-loop is expected
                raise

    def shutdown(self) -> None:
        """Stop accepting, close every connection and end :meth:`serve_forever`."""
        if self._closed.is_set():
            return
        self._closed.set()
        self._server.task_dispatcher.shutdown(timeout=5)
        # Closing only the listening socket would leave the loop serving every idle keep-alive
        # connection (an open facilitator page) and never return: close them all.
        from waitress import wasyncore

        wasyncore.close_all(self._connections, ignore_all=True)
