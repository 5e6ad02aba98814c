"""The error hierarchy shared by every Oko package.

Each leaf also inherits the builtin it resembles, so callers that know nothing of Oko can
still catch it (``except RuntimeError``), as gpiozero does with its own errors.
"""


class OkoError(Exception):
    """Base of every error Oko raises on purpose; its message is meant for a facilitator."""


class ModelUnavailable(OkoError, RuntimeError):
    """A recognition model or library is missing; the message says how to install it."""



class ConfigError(OkoError, ValueError):
    """The configuration file, an ``OKO_*`` variable or a flag holds a bad key or value."""


class CameraUnavailable(OkoError, RuntimeError):
    """A camera or video file cannot be opened or has stopped delivering frames."""


class PortInUse(OkoError, OSError):
    """The dashboard cannot listen on the requested address and port."""
