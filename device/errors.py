"""Errors of the appliance runtime; each message names the problem and the fix."""

from recognition.errors import OkoError


class ConfigError(OkoError, ValueError):
    """The configuration file, an ``OKO_*`` variable or a flag holds a bad key or value."""


class CameraUnavailable(OkoError, RuntimeError):
    """A camera or video file cannot be opened or has stopped delivering frames."""


class PortInUse(OkoError, OSError):
    """The dashboard cannot listen on the requested address and port."""
