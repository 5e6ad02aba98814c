"""One typed, frozen configuration: defaults, then a TOML file, then ``OKO_*``, then flags.

Every section is a frozen dataclass; field metadata carries the allowed range (``min``/``max``)
or the allowed values (``choices``). Unknown keys and bad values raise :class:`ConfigError`
with one sentence a facilitator can act on.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Sequence

from device.places import CameraSpec, cameras_from_toml, resolve_cameras
from recognition.consent import ConsentZone
from recognition.errors import ConfigError
from recognition.pipeline import RecognitionSettings

DEFAULT_CONFIG_PATH = Path("/etc/oko/oko.toml")
ENV_PREFIX = "OKO_"


@dataclass(frozen=True)
class CameraConfig:
    """``[camera]``: where frames come from and at what size."""

    source: str = field(
        default="auto", metadata={"doc": "auto, demo, picamera, webcam:N or file:PATH"}
    )
    width: int = field(default=640, metadata={"min": 160, "max": 4096, "doc": "frame width"})
    height: int = field(default=480, metadata={"min": 120, "max": 3072, "doc": "frame height"})
    fps: float = field(default=30.0, metadata={"min": 1.0, "max": 120.0, "doc": "frames/s"})
    rotation: int = field(
        default=0, metadata={"choices": (0, 90, 180, 270), "doc": "Pi camera: degrees clockwise"}
    )


@dataclass(frozen=True)
class SessionConfig:
    """``[session]``: how sessions start and when the session memory is wiped."""

    mode: str = field(default="visit", metadata={"choices": ("visit", "workshop"), "doc": "mode"})
    idle_wipe_s: float = field(
        default=20.0, metadata={"min": 1.0, "max": 3600.0, "doc": "wipe after nobody in view"}
    )
    max_session_s: float = field(
        default=600.0, metadata={"min": 10.0, "max": 86400.0, "doc": "visit mode: longest session"}
    )


@dataclass(frozen=True)
class ControlsConfig:
    """``[controls]``: the physical button, recording light and buzzer (BCM pin numbers).

    A pin of 0 means "not connected".
    """

    button_pin: int = field(default=17, metadata={"min": 0, "max": 27, "doc": "session button"})
    led_pin: int = field(default=27, metadata={"min": 0, "max": 27, "doc": "recording light"})
    buzzer_pin: int = field(default=0, metadata={"min": 0, "max": 27, "doc": "watchlist buzzer"})
    long_press_s: float = field(
        default=3.0, metadata={"min": 0.5, "max": 10.0, "doc": "hold this long to wipe now"}
    )


@dataclass(frozen=True)
class DashboardConfig:
    """``[dashboard]``: where the kiosk page is served, its language and the facilitator PIN."""

    host: str = field(default="127.0.0.1", metadata={"doc": "address to listen on"})
    port: int = field(default=8080, metadata={"min": 1, "max": 65535, "doc": "TCP port"})
    jpeg_quality: int = field(default=80, metadata={"min": 30, "max": 95, "doc": "stream quality"})
    pin_hash: str = field(
        default="", metadata={"doc": "facilitator PIN hash from `oko set-pin`; empty: no login"}
    )
    language: str = field(
        default="en", metadata={"choices": ("en", "sr"), "doc": "kiosk language: en or sr"}
    )
    login_timeout_s: float = field(
        default=1800.0,
        metadata={"min": 60.0, "max": 86400.0, "doc": "facilitator logged out after this idle"},
    )


@dataclass(frozen=True)
class Config:
    """The whole configuration tree.

    ``cameras`` is the ``[[cameras]]`` list (several cameras, each a named place); empty
    means the one camera of ``[camera] source``. Size, frame rate and rotation in
    ``[camera]`` apply to every camera.
    """

    camera: CameraConfig = CameraConfig()
    recognition: RecognitionSettings = RecognitionSettings()
    session: SessionConfig = SessionConfig()
    dashboard: DashboardConfig = DashboardConfig()
    controls: ControlsConfig = ControlsConfig()
    consent: ConsentZone = ConsentZone()
    cameras: tuple[CameraSpec, ...] = ()

    @property
    def camera_list(self) -> tuple[CameraSpec, ...]:
        """The cameras to open: ``cameras``, or else ``[camera] source`` at the first place."""
        return self.cameras or resolve_cameras([self.camera.source])


#: The sections of :class:`Config` that are tables of settings (``cameras`` is a list).
_SECTIONS = ("camera", "recognition", "session", "dashboard", "controls", "consent")


def with_cameras(config: Config, sources: Sequence[str] | None,
                 places: Sequence[str] | None = None) -> Config:
    """``config`` with the cameras given on the command line (``--source``/``--place``,
    each repeatable), which replace the configured ones; unchanged without ``sources``.

    Raises:
        ConfigError: see :func:`device.places.resolve_cameras`.
    """
    if not sources:
        if places:
            raise ConfigError("--place needs a --source for each place, in the same order.")
        return config
    return dataclasses.replace(config, cameras=resolve_cameras(sources, places or ()))


def load_config(
    path: Path | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Config:
    """Build the configuration.

    Args:
        path: a TOML file; ``None`` reads :data:`DEFAULT_CONFIG_PATH` if it exists.
        environ: environment to take ``OKO_SECTION__KEY`` values from (default ``os.environ``).
        overrides: ``"section.key"`` → value from command-line flags; ``None`` values are
            ignored.

    Raises:
        ConfigError: the file is missing or unreadable, or a key or value is not allowed.
    """
    layers: dict[str, dict[str, Any]] = {}
    cameras: tuple[CameraSpec, ...] = ()
    if path is None and DEFAULT_CONFIG_PATH.is_file():
        path = DEFAULT_CONFIG_PATH
    if path is not None:
        table = _read_toml(Path(path))
        if "cameras" in table:
            cameras = resolve_cameras(*cameras_from_toml(table.pop("cameras"), str(path)))
        _merge(layers, table, origin=str(path))
    _merge(layers, _from_env(os.environ if environ is None else environ), origin="environment")
    flags: dict[str, dict[str, Any]] = {}
    for dotted, value in (overrides or {}).items():
        if value is not None:
            section, key = dotted.split(".", 1)
            flags.setdefault(section, {})[key] = value
    _merge(layers, flags, origin="command line")
    return dataclasses.replace(_build(layers), cameras=cameras)


def describe(config: Config) -> str:
    """Render ``config`` as TOML text (for ``--help`` epilogues and the doctor)."""
    lines = []
    for section in dataclasses.fields(config):
        if section.name not in _SECTIONS:
            continue
        lines.append(f"[{section.name}]")
        for item in dataclasses.fields(getattr(config, section.name)):
            value = getattr(getattr(config, section.name), item.name)
            if item.name == "pin_hash" and value:
                value = "(set)"  # a secret, even hashed: never shown
            text = f'"{value}"' if isinstance(value, str) else str(value).lower() if isinstance(
                value, bool) else _toml_array(value) if isinstance(value, tuple) else repr(value)
            lines.append(f"{item.name} = {text}")
        lines.append("")
    for spec in config.cameras:
        lines += ["[[cameras]]", f'source = "{spec.source}"', f'place = "{spec.place}"', ""]
    return "\n".join(lines)


def _toml_array(value: tuple) -> str:
    """A tuple (of numbers or of tuples) as a TOML array."""
    return "[" + ", ".join(_toml_array(v) if isinstance(v, tuple) else repr(v) for v in value) + "]"


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"Config file {path} does not exist; check the --config path.") from None
    except OSError as exc:
        raise ConfigError(f"Config file {path} cannot be read ({exc.strerror}).") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"Config file {path} is not valid TOML: {exc}.") from None


def _from_env(environ: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for name, value in environ.items():
        if not name.startswith(ENV_PREFIX) or "__" not in name:
            continue
        section, key = name[len(ENV_PREFIX):].lower().split("__", 1)
        found.setdefault(section, {})[key] = value
    return found


def _merge(layers: dict[str, dict[str, Any]], new: Mapping[str, Any], *, origin: str) -> None:
    sections = _SECTIONS
    for section, values in new.items():
        if section not in sections:
            raise ConfigError(
                f"Unknown config section [{section}] in the {origin}; "
                f"allowed sections are {', '.join(sections)}."
            )
        if not isinstance(values, Mapping):
            raise ConfigError(f"[{section}] in the {origin} must be a table of settings.")
        allowed = {f.name for f in dataclasses.fields(getattr(Config(), section))}
        for key, value in values.items():
            if key not in allowed:
                raise ConfigError(
                    f"Unknown setting {section}.{key} in the {origin}; "
                    f"[{section}] accepts {', '.join(sorted(allowed))}."
                )
            layers.setdefault(section, {})[key] = (value, origin)


def _build(layers: Mapping[str, Mapping[str, tuple[Any, str]]]) -> Config:
    defaults = Config()
    sections = {}
    for section in dataclasses.fields(Config):
        if section.name not in _SECTIONS:
            continue
        current = getattr(defaults, section.name)
        values = {}
        for item in dataclasses.fields(current):
            if item.name in layers.get(section.name, {}):
                raw, origin = layers[section.name][item.name]
                values[item.name] = _coerce(f"{section.name}.{item.name}", item, raw, origin)
        sections[section.name] = dataclasses.replace(current, **values)
    return Config(**sections)


def _coerce(name: str, item: dataclasses.Field, raw: Any, origin: str) -> Any:
    kind = type(item.default)
    meta = item.metadata
    if "parse" in meta:  # structured values (the consent polygon) say themselves what is wrong
        try:
            return meta["parse"](raw)
        except ValueError as exc:
            raise ConfigError(f"Setting {name} in the {origin} is not valid: {exc}.") from None
    try:
        if kind is bool:
            value = raw if isinstance(raw, bool) else _parse_bool(str(raw))
        elif kind in (int, float) and isinstance(raw, bool):
            raise ValueError
        elif kind is int and isinstance(raw, float) and not raw.is_integer():
            raise ValueError
        else:
            value = kind(raw)
    except (TypeError, ValueError):
        raise ConfigError(
            f"Setting {name} = {raw!r} in the {origin} is not a valid {kind.__name__}."
        ) from None
    if "choices" in meta and value not in meta["choices"]:
        raise ConfigError(
            f"Setting {name} = {raw!r} in the {origin} must be one of "
            f"{', '.join(map(str, meta['choices']))}."
        )
    if "min" in meta and not meta["min"] <= value <= meta["max"]:
        raise ConfigError(
            f"Setting {name} = {raw!r} in the {origin} must be between "
            f"{meta['min']} and {meta['max']}."
        )
    return value


def _parse_bool(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ValueError(text)
