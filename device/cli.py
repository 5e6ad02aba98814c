"""The ``oko`` command line and the composition root: the one place that wires concrete parts."""

from __future__ import annotations

import argparse
import logging
import signal
import socket
import sys
import threading
from pathlib import Path
from typing import Sequence

from device import __version__
from device.camera import SOURCE_HELP, open_source
from device.config import Config, load_config
from device.engine import Engine
from device.errors import PortInUse
from device.session import Session
from recognition import faces
from recognition.dossier import Dossier
from recognition.errors import OkoError
from recognition.pipeline import Pipeline

log = logging.getLogger("oko")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for ``oko`` and its subcommands."""
    parser = argparse.ArgumentParser(
        prog="oko",
        description="Oko: a camera exhibit that shows visitors what a biometric "
        "surveillance system infers about them, then wipes it.",
    )
    parser.add_argument("--version", action="version", version=f"oko {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    run = commands.add_parser(
        "run",
        help="run the exhibit: camera, recognition and the kiosk page",
        description="Run the exhibit and serve the kiosk page. With no camera it plays the "
        "bundled demo clip. Stop with Ctrl+C; the session is wiped on exit.",
    )
    run.add_argument("--source", help=f"camera source: {SOURCE_HELP} (default: auto)")
    run.add_argument("--host", help="address to serve on (default 127.0.0.1; 0.0.0.0 for LAN)")
    run.add_argument("--port", type=int, help="TCP port to serve on (default 8080)")
    run.add_argument(
        "--config", type=Path,
        help="TOML config file (default /etc/oko/oko.toml if it exists)",
    )
    run.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``oko`` with ``argv``; return the process exit code."""
    args = build_parser().parse_args(argv)
    _setup_logging(args.verbose)
    try:
        if args.command == "run":
            return run(args)
    except OkoError as exc:
        log.debug("stopped by an error", exc_info=True)
        print(f"oko: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 - last resort: one line, details in the debug log
        log.debug("unexpected error", exc_info=True)
        print(f"oko: unexpected {type(exc).__name__}; run with -v for details.", file=sys.stderr)
        return 1
    return 0


def run(args: argparse.Namespace) -> int:
    """``oko run``: open the camera, start the engine and serve the dashboard until stopped."""
    config = load_config(
        args.config,
        overrides={
            "camera.source": args.source,
            "dashboard.host": args.host,
            "dashboard.port": args.port,
        },
    )
    faces.models()  # load the dlib models now, so a missing install fails before serving
    engine = build_engine(config)
    try:
        server = make_server(config, engine)
    except OkoError:
        engine.source.close()
        raise
    engine.start()
    url = f"http://{_display_host(config.dashboard.host)}:{config.dashboard.port}/"
    print(f"Oko is running on camera '{engine.source.name}': open {url}  (Ctrl+C stops and wipes)",
          flush=True)
    _stop_on_signals(server)
    try:
        server.serve_forever()
    finally:
        receipt = engine.stop()
        server.server_close()
        print(
            f"Stopped. Wiped {receipt.visitors} visitor(s) and {receipt.encodings} faceprint(s).",
            flush=True,
        )
    return 0


def build_engine(config: Config) -> Engine:
    """Open the configured camera and wire pipeline, dossier and session into an engine."""
    cam = config.camera
    source = open_source(cam.source, width=cam.width, height=cam.height, fps=cam.fps)
    pipeline = Pipeline(config.recognition)
    dossier = Dossier(tolerance=config.recognition.tolerance)
    session = Session(dossier, pipeline, idle_wipe_s=config.session.idle_wipe_s)
    return Engine(source, session, jpeg_quality=config.dashboard.jpeg_quality)


def make_server(config: Config, engine: Engine):
    """Bind the dashboard to the configured address; raise :class:`PortInUse` if taken."""
    from werkzeug.serving import make_server as werkzeug_server

    from dashboard import create_app

    host, port = config.dashboard.host, config.dashboard.port
    # Bind ourselves: werkzeug prints its own advice and calls sys.exit() on a taken port.
    try:
        sock = socket.create_server((host, port))
    except OSError as exc:
        raise PortInUse(
            f"Cannot serve on {host}:{port} ({exc.strerror or exc}); stop the program using "
            "it or pick another --port."
        ) from None
    with sock:  # werkzeug duplicates the descriptor
        return werkzeug_server(host, port, create_app(engine), threaded=True, fd=sock.fileno())


def _display_host(host: str) -> str:
    return "127.0.0.1" if host in ("0.0.0.0", "") else host


def _stop_on_signals(server) -> None:
    def stop(signum, _frame):
        log.info("signal %d: stopping", signum)
        # shutdown() waits for serve_forever() to return, so it cannot run on this thread.
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)


def _setup_logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # One line per HTTP request (many per second for the stream) drowns the useful log.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)


if __name__ == "__main__":
    sys.exit(main())
