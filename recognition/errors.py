"""The error hierarchy shared by every Oko package.

Each leaf also inherits the builtin it resembles, so callers that know nothing of Oko can
still catch it (``except RuntimeError``), as gpiozero does with its own errors.
"""


class OkoError(Exception):
    """Base of every error Oko raises on purpose; its message is meant for a facilitator."""


class ModelUnavailable(OkoError, RuntimeError):
    """A recognition model or library is missing; the message says how to install it."""
