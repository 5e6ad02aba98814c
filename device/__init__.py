"""The Oko appliance runtime: camera sources, session lifecycle, engine threads and the CLI."""

__version__ = "0.1.0"
