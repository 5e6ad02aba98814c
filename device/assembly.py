"""The composition root: the one place that wires source → pipeline → dossier → session → engine.

``oko run``, ``oko soak``, ``oko bench``, ``oko scan`` and the tests all build through these
two functions, so a part added to the graph is added once.
"""

from __future__ import annotations

from typing import Sequence

from device.camera import FrameSource, open_source
from device.config import Config
from device.places import camera_id
from recognition.errors import CameraUnavailable
from device.controls import EngineEvents
from device.engine import Engine
from recognition.dossier import Dossier
from recognition.faces.watchlist import Watchlist
from recognition.pipeline import Pipeline
from recognition.session import Session


def build_session(config: Config = Config(), *, watchlist: Watchlist | None = None) -> Session:
    """A fresh session (pipeline + dossier) with the recognition, consent-zone and session
    settings of ``config``; ``watchlist`` starts it with enrolled entries (``oko scan --watch``)."""
    pipeline = Pipeline(config.recognition, config.consent)
    dossier = Dossier(tolerance=config.recognition.tolerance, watchlist=watchlist)
    return Session(dossier, pipeline, idle_wipe_s=config.session.idle_wipe_s,
                   max_session_s=config.session.max_session_s, mode=config.session.mode)


def open_camera(config: Config, spec: str | None = None, *, copy: int = 1) -> FrameSource:
    """Open the camera ``spec`` (default ``[camera] source``; ``auto`` falls back to the
    demo clip) with the ``[camera]`` size, rate and rotation; ``copy`` numbers demo copies.

    Raises:
        CameraUnavailable: the named source cannot be opened.
    """
    cam = config.camera
    return open_source(spec or cam.source, width=cam.width, height=cam.height, fps=cam.fps,
                       lores_width=config.recognition.detect_width_px, rotation=cam.rotation,
                       copy=copy)


def open_cameras(config: Config) -> list[tuple[str, FrameSource]]:
    """Open every camera of ``config`` (:attr:`Config.camera_list`): ``(place, source)`` each.

    Raises:
        CameraUnavailable: a camera cannot be opened (the message names it and its place);
            the ones already opened are closed again.
    """
    opened: list[tuple[str, FrameSource]] = []
    demos = 0
    try:
        for index, spec in enumerate(config.camera_list):
            demos += spec.source == "demo"
            try:
                source = open_camera(config, spec.source, copy=max(demos, 1))
            except CameraUnavailable as exc:
                if len(config.camera_list) == 1:
                    raise
                raise CameraUnavailable(
                    f"Camera {camera_id(index)} at {spec.place}: {exc}") from None
            opened.append((spec.place, source))
    except BaseException:
        for _, source in opened:
            source.close()
        raise
    return opened


def build_engine(config: Config = Config(),
                 source: FrameSource | Sequence[tuple[str, FrameSource]] | None = None, *,
                 events: EngineEvents | None = None) -> Engine:
    """The engine for ``config``, analysing ``source`` (default: the configured cameras).

    Args:
        config: recognition, session and stream settings.
        source: an opened frame source, or ``(place, opened source)`` pairs for several
            cameras; the engine closes them on stop.
        events: who hears of recording, wipes, watchlist hits and marked visitors.
    """
    if source is None:
        source = open_cameras(config)
    return Engine(source, build_session(config), jpeg_quality=config.dashboard.jpeg_quality,
                  events=events)
