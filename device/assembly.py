"""The composition root: the one place that wires source → pipeline → dossier → session → engine.

``oko run``, ``oko soak``, ``oko bench``, ``oko scan`` and the tests all build through these
two functions, so a part added to the graph is added once.
"""

from __future__ import annotations

from device.camera import FrameSource, open_source
from device.config import Config
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


def open_camera(config: Config) -> FrameSource:
    """Open the camera ``config`` names (``auto`` falls back to the demo clip).

    Raises:
        CameraUnavailable: the named source cannot be opened.
    """
    cam = config.camera
    return open_source(cam.source, width=cam.width, height=cam.height, fps=cam.fps,
                       lores_width=config.recognition.detect_width_px, rotation=cam.rotation)


def build_engine(config: Config = Config(), source: FrameSource | None = None, *,
                 events: EngineEvents | None = None) -> Engine:
    """The engine for ``config``, analysing ``source`` (opened; default: the configured camera).

    Args:
        config: recognition, session and stream settings.
        source: an opened frame source, which the engine closes on stop.
        events: who hears of recording, wipes and watchlist hits (the GPIO controls).
    """
    if source is None:
        source = open_camera(config)
    return Engine(source, build_session(config), jpeg_quality=config.dashboard.jpeg_quality,
                  events=events)
