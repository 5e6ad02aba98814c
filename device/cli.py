"""The ``oko`` command line and the composition root: the one place that wires concrete parts."""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import signal
import sys
import threading
from pathlib import Path
from typing import Sequence

from device import __version__
from device.camera import SOURCE_HELP, open_source
from device.config import DEFAULT_CONFIG_PATH, Config, load_config
from device.controls import make_controls
from device.engine import Engine
from device.doctor import format_checks, run_checks
from device.errors import ConfigError
from device.evaluate import DEFAULT_SWEEP, evaluate, format_table
from device.scan import load_encoding, record_json, record_rows, scan
from device.server import DashboardServer
from device.session import Session
from recognition import faces
from recognition.dossier import Dossier
from recognition.errors import OkoError
from recognition.pipeline import Pipeline
from recognition.watchlist import Watchlist

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

    scan = commands.add_parser(
        "scan",
        help="run the recognition over photos or videos, as one session",
        description="Run exactly the live pipeline and session logic over images, folders "
        "(sorted) and video files, as one session in the order given.",
    )
    scan.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="image, video or folder")
    scan.add_argument("--json", action="store_true", help="one JSON object per image/frame")
    scan.add_argument("--every", type=_positive_int, default=1, metavar="N",
                      help="analyse every Nth video frame (default 1)")
    scan.add_argument("--tolerance", type=float, help="faceprint match tolerance (default 0.55)")
    scan.add_argument("--watch", action="append", default=[], metavar="LABEL=PHOTO",
                      help="enrol the face in PHOTO on the demo watchlist as LABEL (repeatable)")
    scan.add_argument("--config", type=Path, help="TOML config file")
    scan.add_argument("-v", "--verbose", action="store_true", help="debug logging")

    doctor = commands.add_parser(
        "doctor", help="check camera, models, GPIO, temperature, memory, service and dashboard",
        description="Check every part of the exhibit and explain problems in plain words. "
        "Exit code 0 when all is well, 1 when something failed, 3 when there are only "
        "warnings (e.g. on a PC: no camera, no GPIO).",
    )
    doctor.add_argument("--config", type=Path, help="TOML config file")
    doctor.add_argument("--no-camera", action="store_true",
                        help="skip the camera check (e.g. while the service holds the camera)")
    doctor.add_argument("-v", "--verbose", action="store_true", help="debug logging")

    bench = commands.add_parser(
        "bench", help="measure speed against face_recognition's textbook loop",
        description="Run our pipeline and face_recognition's textbook real-time loop on the "
        "same frames of a video and print frames per second, stage times, latency, memory, "
        "wipe time, and fps against faces in view and resolution.",
    )
    bench.add_argument("--source", type=Path, help="video file (default: the demo clip)")
    bench.add_argument("--seconds", type=float, default=20.0,
                       help="time budget of the slow textbook loop (default 20)")
    bench.add_argument("--cores", type=_positive_int, help="pin to this many CPU cores")
    bench.add_argument("--json", action="store_true", help="print one JSON object")
    bench.add_argument("--config", type=Path, help="TOML config file")
    bench.add_argument("-v", "--verbose", action="store_true", help="debug logging")

    set_pin = commands.add_parser(
        "set-pin", help="set the facilitator PIN (stored as a salted hash in the config file)",
        description="Store a salted hash of a new facilitator PIN (4-12 digits) as "
        "[dashboard] pin_hash in the config file; the PIN itself is never stored or printed. "
        "Without --pin it is asked for twice. Restart Oko afterwards.",
    )
    set_pin.add_argument("--config", type=Path,
                         help="config file to write (default /etc/oko/oko.toml)")
    set_pin.add_argument("--pin", help="the new PIN (visible in the shell history; "
                         "omit to be asked)")
    set_pin.add_argument("-v", "--verbose", action="store_true", help="debug logging")

    soak = commands.add_parser(
        "soak", help="run for a long time and check for memory, thread and descriptor leaks",
        description="Run the real engine on a video (default: the demo clip) with sessions "
        "wiped every --session-s seconds and kiosk-like viewers, then report RSS drift, "
        "leaked threads and open file descriptors.",
    )
    soak.add_argument("--minutes", type=float, default=10.0, help="how long (default 10)")
    soak.add_argument("--session-s", type=float, default=20.0, help="wipe this often")
    soak.add_argument("--source", type=Path, help="video file (default: the demo clip)")
    soak.add_argument("--json", action="store_true", help="print one JSON object")
    soak.add_argument("-v", "--verbose", action="store_true", help="debug logging")

    evaluate = commands.add_parser(
        "eval", help="measure recognition accuracy on labelled data",
        description="Measure accuracy on labelled data.",
    )
    kinds = evaluate.add_subparsers(dest="kind", metavar="KIND", required=True)
    faces_eval = kinds.add_parser(
        "faces",
        help="same-person decisions on a folder of labelled photos",
        description="Report pairwise precision/recall, false-match rate, identification rate "
        "and splits/merges over a tolerance sweep. DIR holds either manifest.csv (columns "
        "file, people: names left to right separated by ';', '?' for an unnamed person) or "
        "one sub-folder of photos per person.",
    )
    faces_eval.add_argument("folder", type=Path, metavar="DIR")
    faces_eval.add_argument("--tolerance", type=float, help="tolerance to mark (default 0.55)")
    faces_eval.add_argument("--json", action="store_true", help="print JSON instead of a table")
    faces_eval.add_argument("--config", type=Path, help="TOML config file")
    faces_eval.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    plates_eval = kinds.add_parser(
        "plates",
        help="plate reading accuracy on labelled photos or simulated prop photos",
        description="Report exact-match accuracy, character accuracy, detection rate and "
        "milliseconds per plate. DIR holds labels.csv (columns file, plate); or use "
        "--simulate N for N simulated camera photos of oko props plates.",
    )
    plates_eval.add_argument("folder", type=Path, nargs="?", metavar="DIR")
    plates_eval.add_argument("--simulate", type=_positive_int, metavar="N",
                             help="instead of DIR: N simulated photos of prop plates")
    plates_eval.add_argument("--seed", type=int, default=0, help="seed for --simulate")
    plates_eval.add_argument("--method", choices=("contour", "cascade"), default="contour",
                             help="plate detector (default contour)")
    plates_eval.add_argument("--details", action="store_true", help="one line per photo")
    plates_eval.add_argument("-v", "--verbose", action="store_true", help="debug logging")

    props = commands.add_parser(
        "props", help="print realistic Serbian prop licence plates (A4 PNG or PDF)",
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
    props.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``oko`` with ``argv``; return the process exit code."""
    args = build_parser().parse_args(argv)
    _setup_logging(args.verbose)
    try:
        if args.command == "run":
            return run(args)
        if args.command == "scan":
            return scan_command(args)
        if args.command == "eval" and args.kind == "plates":
            return eval_plates_command(args)
        if args.command == "eval":
            return eval_command(args)
        if args.command == "props":
            return props_command(args)
        if args.command == "doctor":
            return doctor_command(args)
        if args.command == "bench":
            return bench_command(args)
        if args.command == "soak":
            return soak_command(args)
        if args.command == "set-pin":
            return set_pin_command(args)
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
    if not _is_loopback(config.dashboard.host) and not config.dashboard.pin_hash:
        raise ConfigError(
            f"Serving on {config.dashboard.host} lets other devices reach Oko; set a facilitator "
            "PIN first with 'oko set-pin --config FILE', or serve on 127.0.0.1."
        )
    faces.models()  # load the dlib models now, so a missing install fails before serving
    engine = build_engine(config)
    try:
        server = make_server(config, engine)
    except OkoError:
        engine.source.close()
        raise
    controls = make_controls(engine, config.controls)
    engine.events = controls
    engine.start()
    url = f"http://{_display_host(config.dashboard.host)}:{config.dashboard.port}/"
    print(f"Oko is running on camera '{engine.source.name}': open {url}  (Ctrl+C stops and wipes)",
          flush=True)
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


def scan_command(args: argparse.Namespace) -> int:
    """``oko scan``: print what the pipeline finds in each image or video frame."""
    config = load_config(args.config, overrides={"recognition.tolerance": args.tolerance})
    # Stills can hold a crowd; encode every face of a photo, not two per frame.
    settings = dataclasses.replace(config.recognition, max_encodes_per_frame=50)
    pipeline = Pipeline(settings)
    watchlist = Watchlist()
    for item in args.watch:
        label, _, photo = item.partition("=")
        if not label or not photo:
            raise ConfigError(f"--watch {item!r} must look like LABEL=PHOTO.")
        watchlist.enrol(label, load_encoding(Path(photo), settings))
    dossier = Dossier(tolerance=settings.tolerance, watchlist=watchlist)
    failed = 0
    rows = []
    for record in scan(args.paths, pipeline, dossier, every=args.every):
        failed += record.error is not None
        if args.json:
            print(json.dumps(record_json(record)), flush=True)
        elif record.error is not None:
            print(f"oko: {record.source}: {record.error}", file=sys.stderr)
        else:
            rows.extend(record_rows(record))
    if not args.json:
        print(_table(("SOURCE", "FRAME", "VISITOR", "BOX", "DISTANCE", "WATCHLIST"), rows))
        print(f"\n{dossier.visitor_count} visitor(s); {failed} input(s) could not be read.")
    watchlist.clear()
    dossier.wipe(0.0)
    return 1 if failed else 0


def bench_command(args: argparse.Namespace) -> int:
    """``oko bench``: measure and print the figures (one JSON object with --json)."""
    from device.bench import DEMO_CLIP, bench, format_report

    config = load_config(args.config)
    report = bench(args.source or DEMO_CLIP, seconds=args.seconds, cores=args.cores,
                   settings=config.recognition,
                   progress=lambda step: print(f"bench: {step}…", file=sys.stderr, flush=True))
    print(json.dumps(report) if args.json else format_report(report))
    return 0


def set_pin_command(args: argparse.Namespace) -> int:
    """``oko set-pin``: hash the PIN and store it in the config file."""
    import getpass

    from dashboard.pin import hash_pin, save_pin_hash

    pin = args.pin
    if pin is None:
        pin = getpass.getpass("New facilitator PIN (4-12 digits): ")
        if getpass.getpass("Once more: ") != pin:
            raise ConfigError("The two PINs differ; nothing was changed.")
    try:
        pin_hash = hash_pin(pin.strip())
    except ValueError as exc:
        raise ConfigError(f"{exc} Nothing was changed.") from None
    path = args.config or DEFAULT_CONFIG_PATH
    try:
        save_pin_hash(path, pin_hash)
    except ValueError as exc:
        raise ConfigError(f"Cannot set the PIN: {exc}.") from None
    except OSError as exc:
        raise ConfigError(f"Cannot write {path} ({exc.strerror}); run with sudo or pick "
                          "another --config.") from None
    print(f"PIN set in {path}. Restart Oko to use it.")
    return 0


def soak_command(args: argparse.Namespace) -> int:
    """``oko soak``: exit 0 when RSS drift ≤ 5 %, no thread leaked and descriptors held still."""
    from device.camera import DEMO_CLIP
    from device.soak import soak

    if not args.verbose:  # one line per wipe would drown the progress
        logging.getLogger("device").setLevel(logging.WARNING)
    report = soak(args.source or DEMO_CLIP, minutes=args.minutes, session_s=args.session_s,
                  progress=lambda line: print(f"soak: {line}", file=sys.stderr, flush=True))
    ok = (report["rss_drift_pct"] <= 5.0 and report["threads_leaked"] <= 0
          and len(report["fds_during"]) == 1)
    print(json.dumps(report) if args.json else
          f"{report['minutes']} min, {report['wipes']} wipes, {report['frames_analysed']} frames: "
          f"RSS {report['rss_start_mb']:.0f} -> {report['rss_end_mb']:.0f} MB "
          f"({report['rss_drift_pct']:+.1f}%), threads {report['threads_during']} "
          f"(leaked {report['threads_leaked']}), fds {report['fds_during']}"
          f" -> {'OK' if ok else 'LEAK'}")
    return 0 if ok else 1


def doctor_command(args: argparse.Namespace) -> int:
    """``oko doctor``: run every check; exit 0 only when all is well."""
    if not args.verbose:  # the camera fallbacks are reported by the check itself
        logging.getLogger("device.camera").setLevel(logging.WARNING)
    checks = run_checks(load_config(args.config), camera=not args.no_camera)
    print(format_checks(checks))
    failed = sum(c.status == "fail" for c in checks)
    warned = sum(c.status == "warn" for c in checks)
    if failed:
        print(f"\n{failed} problem(s) to fix and {warned} warning(s); see above.")
        return 1
    if warned:
        print(f"\nWorking, with {warned} warning(s); see above.")
        return 3
    print("\nAll is well.")
    return 0


def eval_plates_command(args: argparse.Namespace) -> int:
    """``oko eval plates``: score plate reading on labelled or simulated photos."""
    from device.plate_eval import evaluate_plates, format_scores, simulated_set

    if (args.folder is None) == (args.simulate is None):
        raise ConfigError("Give either a folder with labels.csv or --simulate N.")
    if args.folder is not None and not (args.folder / "labels.csv").is_file():
        raise ConfigError(f"{args.folder} has no labels.csv (columns file, plate).")
    data = args.folder if args.folder is not None else simulated_set(args.simulate, seed=args.seed)
    print(format_scores(evaluate_plates(data, method=args.method), details=args.details))
    return 0


def props_command(args: argparse.Namespace) -> int:
    """``oko props``: write printable sheets of prop plates."""
    from device.props import random_texts, save_sheets, sheets
    from recognition.plate_format import normalise

    texts = []
    for text in args.text:
        plate = normalise(text, max_corrections=0)
        if not plate.valid:
            raise ConfigError(f"{text!r} is not a valid Serbian plate (e.g. \"BG 123-AB\").")
        texts.append(plate.text)
    texts = texts or random_texts(args.count, seed=args.seed)
    if args.output.suffix.lower() not in (".pdf", ".png"):
        raise ConfigError(f"{args.output} must end in .pdf or .png.")
    try:
        written = save_sheets(sheets(texts, per_page=args.per_page, dpi=args.dpi), args.output,
                              dpi=args.dpi)
    except OSError as exc:
        raise ConfigError(f"Cannot write {args.output} ({exc.strerror}).") from None
    print(f"Wrote {len(texts)} prop plate(s) to {', '.join(map(str, written))}.")
    return 0


def eval_command(args: argparse.Namespace) -> int:
    """``oko eval faces``: score session identities on a labelled folder."""
    config = load_config(args.config, overrides={"recognition.tolerance": args.tolerance})
    current = config.recognition.tolerance
    sweep = tuple(sorted({*DEFAULT_SWEEP, current}))
    result = evaluate(args.folder, Pipeline(config.recognition), sweep)
    if args.json:
        print(json.dumps(dataclasses.asdict(result) | {"tolerance": current}))
    else:
        print(format_table(result, current))
    return 0


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip()
                     for r in [header, *rows])


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def build_engine(config: Config) -> Engine:
    """Open the configured camera and wire pipeline, dossier and session into an engine."""
    cam = config.camera
    source = open_source(cam.source, width=cam.width, height=cam.height, fps=cam.fps,
                         lores_width=config.recognition.detect_width_px, rotation=cam.rotation)
    pipeline = Pipeline(config.recognition)
    dossier = Dossier(tolerance=config.recognition.tolerance)
    session = Session(dossier, pipeline, idle_wipe_s=config.session.idle_wipe_s,
                      max_session_s=config.session.max_session_s, mode=config.session.mode)
    return Engine(source, session, jpeg_quality=config.dashboard.jpeg_quality)


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
