"""The dashboard's WSGI server stops promptly, whatever its clients keep open."""

import http.client
import threading

from device.server import DashboardServer


def hello(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
    return [b"ok"]


def test_shutdown_ends_serving_with_an_idle_keep_alive_connection_open():
    # A browser keeps a connection open between requests; systemd's stop must not wait on it.
    server = DashboardServer(hello, "127.0.0.1", 0, threads=2)
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    serving.start()
    browser = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    browser.request("GET", "/")
    response = browser.getresponse()
    assert response.read() == b"ok" and not response.will_close
    server.shutdown()
    serving.join(timeout=10)
    assert not serving.is_alive()
    browser.close()
