"""The ``oko`` subcommands other than ``run``: scan, eval, doctor, bench, soak, props, set-pin.

Each takes the parsed arguments and returns the exit code; errors meant for the facilitator
are raised as :class:`~recognition.errors.OkoError` and printed as one line by ``main``.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import sys
from pathlib import Path

from device.config import DEFAULT_CONFIG_PATH, load_config
from device.tools.doctor import format_checks, run_checks
from recognition.errors import ConfigError
from device.tools.evaluate import DEFAULT_SWEEP, evaluate, format_table
from device.places import camera_id
from device.tools.scan import load_encoding, record_json, record_rows, route_lines, scan, scan_cameras
from device.assembly import build_session
from recognition.consent import EVERYONE, ConsentZone, parse_polygon, rectangle
from recognition.faces.watchlist import Watchlist

#: ``--consent-zone``: use the zone of the config.
SCAN_CONFIGURED_ZONE = "config"


def scan_command(args: argparse.Namespace) -> int:
    """``oko scan``: print what the pipeline finds in each image or video frame."""
    config = load_config(args.config, overrides={"recognition.tolerance": args.tolerance})
    # Stills can hold a crowd; encode every face of a photo, not two per frame.
    settings = dataclasses.replace(config.recognition, max_encodes_per_frame=50)
    asked = args.consent_rect or (SCAN_CONFIGURED_ZONE if args.consent_zone else None)
    config = dataclasses.replace(config, recognition=settings,
                                 consent=scan_zone(asked, config.consent))
    watchlist = Watchlist()
    for item in args.watch:
        label, _, photo = item.partition("=")
        if not label or not photo:
            raise ConfigError(f"--watch {item!r} must look like LABEL=PHOTO.")
        watchlist.enrol(label, load_encoding(Path(photo), settings))
    cameras = scan_cameras(args.camera, args.paths)
    session = build_session(config, watchlist=watchlist)
    pipeline, dossier = session.pipeline, session.dossier
    failed = 0
    rows = []
    printed: dict[str, None] = {}  # every visitor number shown, in order
    inputs = [(camera_id(i), path) for i, (_, path) in enumerate(cameras)]
    for record in scan(args.paths, pipeline, dossier, every=args.every, cameras=inputs):
        failed += record.error is not None
        printed.update((f.visitor_id, None) for f in record.faces if f.visitor_id)
        if args.json:
            print(json.dumps(record_json(record)), flush=True)
        elif record.error is not None:
            print(f"oko: {record.source}: {record.error}", file=sys.stderr)
        else:
            rows.extend(record_rows(record))
    # Re-clustering may have found two numbers to be one person after they were printed.
    final = {visitor: dossier.resolve(visitor) for visitor in printed}
    if args.json:
        print(json.dumps({"final": final}), flush=True)
    else:
        print(_table(("SOURCE", "FRAME", "VISITOR", "BOX", "DISTANCE", "WATCHLIST"), rows))
        linked = [f"{old} is {new}" for old, new in final.items() if old != new]
        if linked:
            print("\nLinked later (one person, first given two numbers): " + ", ".join(linked))
        print(f"\n{dossier.visitor_count} visitor(s); {failed} input(s) could not be read.")
        places = {camera_id(i): place for i, (place, _) in enumerate(cameras)}
        for line in route_lines(dossier.profiles(), places):
            print(line)
    watchlist.clear()
    dossier.wipe(0.0)
    return 1 if failed else 0


def scan_zone(value: str | None, configured: ConsentZone) -> ConsentZone:
    """The consent zone of a scan: none (every face analysed) for ``None``; for
    :data:`SCAN_CONFIGURED_ZONE` (``--consent-zone``) the ``[consent]`` zone of the config
    (even if switched off there); for ``LEFT,TOP,RIGHT,BOTTOM`` (``--consent-rect``, fractions
    0-1) that rectangle with the config's ``min_face_px``.

    Raises:
        ConfigError: the rectangle is not four numbers making a usable zone.
    """
    if value is None:
        return EVERYONE
    if value == SCAN_CONFIGURED_ZONE:
        return dataclasses.replace(configured, enabled=True)
    try:
        edges = [float(v) for v in value.split(",")]
    except ValueError:
        edges = []
    try:
        if len(edges) != 4:
            raise ValueError("it needs four numbers: left, top, right, bottom")
        polygon = parse_polygon(rectangle(*edges))
    except ValueError as exc:
        raise ConfigError(f"--consent-rect {value!r} is not a usable zone: {exc} "
                          "(fractions 0-1, e.g. 0.2,0,0.8,1).") from None
    return dataclasses.replace(configured, enabled=True, polygon=polygon)


def bench_command(args: argparse.Namespace) -> int:
    """``oko bench``: measure and print the figures (one JSON object with --json)."""
    from device.tools.bench import DEMO_CLIP, bench, format_report

    config = load_config(args.config)
    report = bench(args.source or DEMO_CLIP, seconds=args.seconds, cores=args.cores,
                   settings=config.recognition,
                   progress=lambda step: print(f"bench: {step}…", file=sys.stderr, flush=True))
    print(json.dumps(report) if args.json else format_report(report))
    return 0


def set_pin_command(args: argparse.Namespace) -> int:
    """``oko set-pin``: hash the PIN and store it in the config file."""
    import getpass

    from device.pin import hash_pin, save_pin_hash

    pin = sys.stdin.readline().strip() if args.pin_stdin else args.pin
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
    from device.tools.soak import soak

    if not args.verbose:  # one line per wipe would drown the progress
        logging.getLogger("device").setLevel(logging.WARNING)
    report = soak(args.source or DEMO_CLIP, minutes=args.minutes, session_s=args.session_s,
                  config=load_config(args.config),
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


def eval_detection_command(args: argparse.Namespace) -> int:
    """``oko eval detection``: score face detection on imglab-annotated photos."""
    from device.tools.detection_eval import evaluate_detection, format_detection

    config = load_config(args.config, overrides={
        "recognition.model": args.model, "recognition.upsample": args.upsample,
        "recognition.detect_width_px": args.detect_width,
        "recognition.detect_tiles": args.tiles})
    if not args.folder.exists():
        raise ConfigError(f"{args.folder} does not exist; give a folder with imglab XML files.")
    scores = evaluate_detection(args.folder, config.recognition)
    print(json.dumps(scores.as_json()) if args.json
          else format_detection(scores, details=args.details))
    return 0


def eval_plates_command(args: argparse.Namespace) -> int:
    """``oko eval plates``: score plate reading on labelled or simulated photos."""
    from device.tools.plate_eval import (
        CONDITIONS, condition_set, empty_set, evaluate_empty, evaluate_plates, format_scores,
        scores_json,
    )
    from recognition.plates.font import HELD_OUT_FONT_FILES, held_out_font_files

    if (args.folder is None) == (args.simulate is None):
        raise ConfigError("Give either a folder with labels.csv or --simulate N.")
    if args.folder is not None and not (args.folder / "labels.csv").is_file():
        raise ConfigError(f"{args.folder} has no labels.csv (columns file, plate).")
    conditions = tuple(getattr(args, "condition", None) or CONDITIONS)
    unknown = [c for c in conditions if c not in CONDITIONS]
    if unknown:
        raise ConfigError(f"There is no simulated condition {unknown[0]!r}; choose from "
                          f"{', '.join(CONDITIONS)}.")
    if args.folder is not None:
        data = args.folder
    else:
        try:
            data = condition_set(args.simulate, seed=args.seed, conditions=conditions)
        except ValueError as exc:
            raise ConfigError(f"Cannot simulate: {exc}.") from None
        missing = sorted(set(HELD_OUT_FONT_FILES) - set(held_out_font_files()))
        if "unseen typeface" in conditions and missing:
            # The simulator draws its unseen faces from those installed, which changes the
            # whole set (and its figures) for a seed, not only that condition.
            print(f"oko: {len(missing)} of {len(HELD_OUT_FONT_FILES)} held-out typefaces are "
                  f"not installed ({', '.join(missing)}): these figures are not comparable "
                  "with the README's; scripts/setup.sh --test installs them.", file=sys.stderr)
    scores = evaluate_plates(data, method=args.method)
    # With --simulate, also the cost of the frames the camera mostly sees: no plate at all.
    empty = (evaluate_empty(empty_set(max(20, args.simulate // 3), seed=args.seed),
                            method=args.method) if args.folder is None else None)
    if getattr(args, "json", False):
        out = scores_json(scores, details=args.details)
        if empty is not None:
            out["no_plate"] = dataclasses.asdict(empty)
        print(json.dumps(out, ensure_ascii=False))
    else:
        print(format_scores(scores, details=args.details))
        if empty is not None:
            print(f"{empty.frames} frames with no plate: {empty.median_ms:.1f} ms median, "
                  f"{empty.p95_ms:.1f} ms p95; plates wrongly shown {empty.false_plates} "
                  f"(valid {empty.false_valid})")
    return 0


def props_command(args: argparse.Namespace) -> int:
    """``oko props``: write printable sheets of prop plates."""
    from device.tools.props import random_texts, save_sheets, sheets
    from recognition.plates.format import normalise

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
    result = evaluate(args.folder, build_session(config).pipeline, sweep)
    if args.json:
        print(json.dumps(dataclasses.asdict(result) | {"tolerance": current}))
    else:
        print(format_table(result, current))
    return 0


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip()
                     for r in [header, *rows])
