"""The ``oko`` command line: the one module that knows the runtime, the tools and the dashboard."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from pathlib import Path
from typing import Sequence

from device import __version__
from device.tools import commands
from device.assembly import build_engine
from device.camera import SOURCE_HELP
from device.config import Config, load_config, with_cameras
from device.controls import make_controls
from device.engine import Engine
from recognition.errors import ConfigError
from device.server import DashboardServer
from recognition.faces import api as faces
from recognition.faces import blazeface
from recognition.faces.api import DETECTION_MODELS
from recognition.errors import OkoError

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
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    # Every command takes -v; most take --config. SUPPRESS keeps 'oko -v run' verbose.
    verbose = argparse.ArgumentParser(add_help=False)
    verbose.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS,
                         help="debug logging")
    configured = argparse.ArgumentParser(add_help=False, parents=[verbose])
    configured.add_argument("--config", type=Path,
                            help="TOML config file (default /etc/oko/oko.toml if it exists)")

    run = sub.add_parser(
        "run", parents=[configured],
        help="run the exhibit: camera, recognition and the kiosk page",
        description="Run the exhibit and serve the kiosk page. With no camera it plays the "
        "bundled demo clip. Stop with Ctrl+C; the session is wiped on exit.",
    )
    run.add_argument("--source", action="append", metavar="SOURCE",
                     help=f"camera source: {SOURCE_HELP} (default: auto). Repeat it for "
                     "several cameras, each a place in the city; 'demo' twice plays the demo "
                     "clip as two cameras, so a route appears without any camera")
    run.add_argument("--place", action="append", metavar="NAME",
                     help="the place the camera of the same position stands for (repeatable; "
                     "default: places Belgrade's police cameras are reported at)")
    run.add_argument("--host", help="address to serve on (default 127.0.0.1; 0.0.0.0 for LAN)")
    run.add_argument("--port", type=int, help="TCP port to serve on (default 8080)")

    scan = sub.add_parser(
        "scan", parents=[configured],
        help="run the recognition over photos or videos, as one session",
        description="Run exactly the live pipeline and session logic over images, folders "
        "(sorted) and video files, as one session in the order given.",
    )
    scan.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="image, video or folder")
    scan.add_argument("--camera", action="append", default=[], metavar="PLACE=PATH",
                      help="scan PATH as the camera at PLACE (repeatable, instead of PATHs): "
                      "several cameras in one session, one after the other, with routes")
    scan.add_argument("--json", action="store_true",
                      help="one JSON object per image/frame, then a last line {\"final\": "
                      "{...}} giving the number each printed visitor number ended up as")
    scan.add_argument("--every", type=_positive_int, default=1, metavar="N",
                      help="analyse every Nth video frame (default 1)")
    scan.add_argument("--tolerance", type=float, help="faceprint match tolerance (default 0.55)")
    scan.add_argument("--watch", action="append", default=[], metavar="LABEL=PHOTO",
                      help="enrol the face in PHOTO on the demo watchlist as LABEL (repeatable)")
    scan.add_argument("--consent-zone", action="store_true",
                      help="analyse only faces inside the [consent] zone of the config, as "
                      "the live exhibit does (others are listed with \"in_zone\": false and "
                      "never analysed). Default: every face is analysed")
    scan.add_argument("--consent-rect", metavar="LEFT,TOP,RIGHT,BOTTOM",
                      help="like --consent-zone, with this rectangle as the zone (fractions "
                      "of the picture, e.g. 0.2,0,0.8,1)")

    doctor = sub.add_parser(
        "doctor", parents=[configured],
        help="check camera, models, GPIO, temperature, memory, service and dashboard",
        description="Check every part of the exhibit and explain problems in plain words. "
        "Exit code 0 when all is well, 1 when something failed, 3 when there are only "
        "warnings (e.g. on a PC: no camera, no GPIO).",
    )
    doctor.add_argument("--no-camera", action="store_true",
                        help="skip the camera check (e.g. while the service holds the camera)")

    bench = sub.add_parser(
        "bench", parents=[configured],
        help="measure speed against face_recognition's textbook loop",
        description="Run our pipeline and face_recognition's textbook real-time loop on the "
        "same frames of a video and print frames per second, stage times, latency, memory, "
        "wipe time, fps against faces in view and resolution, and what 25 dashboard viewers "
        "cost a busy analysis (viewers_25 in --json).",
    )
    bench.add_argument("--source", type=Path, help="video file (default: the demo clip)")
    bench.add_argument("--seconds", type=float, default=20.0,
                       help="time budget of the slow textbook loop (default 20)")
    bench.add_argument("--cores", type=_positive_int, help="pin to this many CPU cores")
    bench.add_argument("--json", action="store_true", help="print one JSON object")

    set_pin = sub.add_parser(
        "set-pin", parents=[verbose],
        help="set the facilitator PIN (stored as a salted hash in the config file)",
        description="Store a salted hash of a new facilitator PIN (4-12 digits) as "
        "[dashboard] pin_hash in the config file; the PIN itself is never stored or printed. "
        "Without --pin it is asked for twice. Restart Oko afterwards.",
    )
    set_pin.add_argument("--config", type=Path,
                         help="config file to write (default /etc/oko/oko.toml)")
    set_pin.add_argument("--pin", help="the new PIN (visible in the shell history; "
                         "omit to be asked)")
    set_pin.add_argument("--pin-stdin", action="store_true",
                         help="read the new PIN from the first line of standard input")

    soak = sub.add_parser(
        "soak", parents=[configured],
        help="run for a long time and check for memory, thread and descriptor leaks",
        description="Run the real engine on a video (default: the demo clip) with sessions "
        "wiped every --session-s seconds and kiosk-like viewers, then report RSS drift, "
        "leaked threads and open file descriptors.",
    )
    soak.add_argument("--minutes", type=float, default=10.0, help="how long (default 10)")
    soak.add_argument("--session-s", type=float, default=20.0, help="wipe this often")
    soak.add_argument("--source", type=Path, help="video file (default: the demo clip)")
    soak.add_argument("--json", action="store_true", help="print one JSON object")

    evaluate = sub.add_parser(
        "eval", parents=[verbose], help="measure recognition accuracy on labelled data",
        description="Measure accuracy on labelled data.",
    )
    kinds = evaluate.add_subparsers(dest="kind", metavar="KIND", required=True)
    faces_eval = kinds.add_parser(
        "faces", parents=[configured],
        help="same-person decisions on a folder of labelled photos",
        description="Report pairwise precision/recall, false-match rate, identification rate "
        "and splits/merges over a tolerance sweep. DIR holds either manifest.csv (columns "
        "file, people: names left to right separated by ';', '?' for an unnamed person) or "
        "one sub-folder of photos per person.",
    )
    faces_eval.add_argument("folder", type=Path, metavar="DIR")
    faces_eval.add_argument("--tolerance", type=float, help="tolerance to mark (default 0.55)")
    faces_eval.add_argument("--json", action="store_true", help="print JSON instead of a table")
    detection_eval = kinds.add_parser(
        "detection", parents=[configured],
        help="face detection recall and false detections on annotated photos",
        description="Report recall by face width (<30, 30-40, 40-60, 60-100, >=100 px), false "
        "detections and milliseconds per frame of the configured face detector. DIR holds "
        "dlib imglab XML files (e.g. testing.xml) naming each image and its face boxes; a "
        "detection overlapping a face with IoU >= 0.4 finds it.",
    )
    detection_eval.add_argument("folder", type=Path, metavar="DIR",
                                help="folder with imglab XML files (or one XML file)")
    detection_eval.add_argument("--model", choices=DETECTION_MODELS,
                                help="detector to measure (default: the configured one)")
    detection_eval.add_argument("--upsample", type=int, choices=(0, 1, 2),
                                help="HOG/CNN upsampling (default: the configured one)")
    detection_eval.add_argument("--detect-width", type=int, metavar="PX",
                                help="width frames are shrunk to (default: the configured one)")
    detection_eval.add_argument("--tiles", type=int, choices=(1, 2, 3, 4),
                                help="BlazeFace slices for small faces (default: configured)")
    detection_eval.add_argument("--details", action="store_true", help="one line per image")
    detection_eval.add_argument("--json", action="store_true", help="print one JSON object")
    plates_eval = kinds.add_parser(
        "plates", parents=[verbose],
        help="plate reading accuracy on labelled photos or simulated prop photos",
        description="Report exact reads (O and 0 folded on foreign plates), reads shown as a "
        "wrong valid plate, detection (IoU >= 0.5 with the labelled box when labels.csv has "
        "x,y,w,h), character accuracy and milliseconds per plate. DIR holds labels.csv "
        "(columns file, plate, and optionally x, y, w, h); or use --simulate N for N "
        "simulated camera photos of oko props plates, spread over hard conditions "
        "(perspective, turned, tilted back, small, close, low contrast, shadow, unseen "
        "typeface) and reported per condition.",
    )
    plates_eval.add_argument("folder", type=Path, nargs="?", metavar="DIR")
    plates_eval.add_argument("--simulate", type=_positive_int, metavar="N",
                             help="instead of DIR: N simulated photos of prop plates")
    plates_eval.add_argument("--condition", action="append", metavar="NAME",
                             help="with --simulate: only this condition (repeatable), e.g. "
                             "'tilted back'")
    plates_eval.add_argument("--seed", type=int, default=0, help="seed for --simulate")
    plates_eval.add_argument("--method", choices=("contour", "cascade"), default="contour",
                             help="plate detector (default contour)")
    plates_eval.add_argument("--details", action="store_true", help="one line per photo")
    plates_eval.add_argument("--json", action="store_true",
                             help="print one JSON object (with --details, every photo too)")

    props = sub.add_parser(
        "props", parents=[verbose],
        help="print realistic Serbian prop licence plates (A4 PNG or PDF)",
        description="Render printable A4 sheets of Serbian prop plates (blue strip, shield, "
        "correct proportions) for facilitators to hold up as a 'car'. Each is captioned as a "
        "prop, not a registration.",
    )
    props.add_argument("-o", "--output", type=Path, default=Path("oko-props.pdf"),
                       help="output file: .pdf (all pages) or .png (one file per page)")
    props.add_argument("--text", action="append", default=[], metavar="PLATE",
                       help='a plate to print, e.g. "BG 123-AB" (repeatable)')
    props.add_argument("--count", type=_positive_int, default=6,
                       help="random valid plates when no --text is given (default 6)")
    props.add_argument("--seed", type=int, help="seed for the random plates")
    props.add_argument("--per-page", type=int, choices=(1, 2, 3, 4), default=3)
    props.add_argument("--dpi", type=int, default=200, help="print resolution (default 200)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``oko`` with ``argv``; return the process exit code."""
    args = build_parser().parse_args(argv)
    _setup_logging(args.verbose)
    try:
        if args.command == "run":
            return run(args)
        if args.command == "scan":
            return commands.scan_command(args)
        if args.command == "eval" and args.kind == "detection":
            return commands.eval_detection_command(args)
        if args.command == "eval" and args.kind == "plates":
            return commands.eval_plates_command(args)
        if args.command == "eval":
            return commands.eval_command(args)
        if args.command == "props":
            return commands.props_command(args)
        if args.command == "doctor":
            return commands.doctor_command(args)
        if args.command == "bench":
            return commands.bench_command(args)
        if args.command == "soak":
            return commands.soak_command(args)
        if args.command == "set-pin":
            return commands.set_pin_command(args)
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
    config = with_cameras(load_config(
        args.config,
        overrides={
            "dashboard.host": args.host,
            "dashboard.port": args.port,
        },
    ), args.source, args.place)
    if not _is_loopback(config.dashboard.host) and not config.dashboard.pin_hash:
        raise ConfigError(
            f"Serving on {config.dashboard.host} lets other devices reach Oko; set a facilitator "
            "PIN first with 'oko set-pin --config FILE', or serve on 127.0.0.1."
        )
    faces.models()  # load the dlib models now, so a missing install fails before serving
    if config.recognition.model == "blazeface":
        blazeface.load()
    controls = make_controls(None, config.controls)
    engine = build_engine(config, events=controls)
    try:
        server = make_server(config, engine)
    except OkoError:
        for capture in engine.captures:
            capture.source.close()
        if controls is not None:
            controls.close()
        raise
    if controls is not None:
        controls.commands = engine
    engine.start()
    url = f"http://{_display_host(config.dashboard.host)}:{config.dashboard.port}/"
    cameras = (f"camera '{engine.source.name}'" if len(engine.captures) == 1 else
               f"{len(engine.captures)} cameras ("
               + ", ".join(f"{c.place}: {c.source.name}" for c in engine.captures) + ")")
    print(f"Oko is running on {cameras}: open {url}  (Ctrl+C stops and wipes)", flush=True)
    if [c.source.name for c in engine.captures] == ["demo"]:
        print("Tip: 'oko run --source demo --source demo' plays the demo as two cameras at two "
              "places, with each visitor's route.", flush=True)
    _stop_on_signals(server, engine)
    try:
        server.serve_forever()
    finally:
        receipt = engine.stop()
        server.shutdown()
        if controls is not None:
            controls.close()
        print(
            f"Stopped. Wiped {receipt.visitors} visitor(s) and {receipt.encodings} faceprint(s).",
            flush=True,
        )
    return 0


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def make_server(config: Config, engine: Engine) -> DashboardServer:
    """Bind the dashboard to the configured address; raise :class:`PortInUse` if taken."""
    from dashboard import create_app

    d = config.dashboard
    app = create_app(engine, pin_hash=d.pin_hash, language=d.language,
                     login_timeout_s=d.login_timeout_s)
    return DashboardServer(app, d.host, d.port)


def _is_loopback(host: str) -> bool:
    return host in ("127.0.0.1", "::1", "localhost") or host.startswith("127.")


def _display_host(host: str) -> str:
    return "127.0.0.1" if host in ("0.0.0.0", "") else host


def _stop_on_signals(server: DashboardServer, engine: Engine) -> None:
    def stop(signum, _frame):
        log.info("signal %d: stopping", signum)

        def shut_down() -> None:
            engine.stop()  # wipes, and ends every open stream so the server can close
            server.shutdown()

        # Stopping waits for threads, which must not happen inside a signal handler.
        threading.Thread(target=shut_down, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)


def _setup_logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # Waitress announces itself at INFO; its warnings (e.g. queue depth) still show.
    logging.getLogger("waitress").setLevel(logging.WARNING)


if __name__ == "__main__":
    sys.exit(main())
