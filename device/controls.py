"""The physical controls: a session button, the recording light and a watchlist buzzer.

One small class per physical thing, wired by :class:`Controls`, with an injectable gpiozero
pin factory so tests drive :class:`gpiozero.pins.mock.MockFactory` pins as a person would.
"""

from __future__ import annotations

import logging
import threading
import warnings
from typing import Any, Callable, Protocol

from recognition.dossier import WipeReceipt

log = logging.getLogger(__name__)

#: How long the recording light blinks to show a wipe, in seconds.
WIPE_BLINK_S = 1.5


class EngineEvents(Protocol):
    """What the engine tells hardware controls (see :class:`device.controls.Controls`)."""

    def when_recording(self, recording: bool) -> None:
        """The camera started (True) or stopped (False) being analysed."""

    def when_wiped(self, receipt: WipeReceipt) -> None:
        """A session was wiped."""

    def when_watchlist_hit(self) -> None:
        """A face in view matched the watchlist."""

    def when_marked_seen(self) -> None:
        """A visitor the facilitator marked appeared at a new place."""


class SessionCommands(Protocol):
    """What the button can ask of the engine (see :class:`device.engine.Engine`)."""

    @property
    def recording(self) -> bool:
        """Whether the camera is being analysed."""

    def start_session(self) -> bool:
        """Open a workshop session."""

    def end_session(self, *, reason: str = "end") -> WipeReceipt:
        """End the session with a wipe."""

    def wipe(self, *, reason: str = "command") -> WipeReceipt:
        """Wipe now."""


class SessionButton:
    """A push button: a short press starts or ends the session, a long press wipes now.

    Contact chatter is filtered here rather than by the pin library, so it behaves the same
    on every pin factory (and in tests): a release only counts once the contact has stayed
    open for ``debounce_s``; a press within that window continues the previous press. A
    button already held when Oko starts (or stuck) is ignored until it is first released.

    Args:
        pin: BCM pin number, wired to ground through the button (internal pull-up).
        on_short: called on a short press.
        on_long: called once when the button has been held ``long_press_s``.
        debounce_s: how long the contact must stay open for a release to count.
        pin_factory: gpiozero pin factory (``MockFactory`` in tests).
    """

    def __init__(self, pin: int, *, on_short: Callable[[], Any], on_long: Callable[[], Any],
                 long_press_s: float = 3.0, debounce_s: float = 0.05, pin_factory=None):
        from gpiozero import Button

        self.button = Button(pin, hold_time=long_press_s, pin_factory=pin_factory)
        self._on_short, self._on_long = on_short, on_long
        self._debounce_s = debounce_s
        self._lock = threading.Lock()
        self._armed = not self.button.is_pressed
        self._held = False
        self._pending: threading.Timer | None = None
        self.button.when_pressed = self._when_pressed
        self.button.when_held = self._when_held
        self.button.when_released = self._when_released

    def _when_pressed(self) -> None:
        with self._lock:
            if self._pending is not None:  # chatter: the previous press goes on
                self._pending.cancel()
                self._pending = None

    def _when_held(self) -> None:
        with self._lock:
            if not self._armed or self._held:
                return
            self._held = True
        self._on_long()

    def _when_released(self) -> None:
        with self._lock:
            if self._pending is not None:
                self._pending.cancel()
            self._pending = threading.Timer(self._debounce_s, self._settled)
            self._pending.daemon = True
            self._pending.start()

    def _settled(self) -> None:
        with self._lock:
            self._pending = None
            if self.button.is_pressed:
                return
            if not self._armed:
                self._armed = True  # the first release after start-up only arms the button
                return
            if self._held:
                self._held = False
                return
        self._on_short()

    def close(self) -> None:
        """Cancel a pending press and release the pin."""
        with self._lock:
            if self._pending is not None:
                self._pending.cancel()
        self.button.close()


class Controls:
    """Wires the button, recording light and buzzer to the engine; implements its events.

    Any pin set to 0 is treated as not connected. Without GPIO hardware (a PC), gpiozero
    cannot create pins: the controls are then absent, logged once, and Oko runs on.

    The controls hear the engine's events and command the engine, so one of the two must exist
    first: the controls are built first and handed to the engine, and the composition root
    then names the engine as :attr:`commands`. Presses before that are ignored.
    """

    def __init__(self, commands: SessionCommands | None = None, *, button_pin: int = 17, led_pin: int = 27,
                 buzzer_pin: int = 0, long_press_s: float = 3.0, pin_factory=None):
        from gpiozero import LED, Buzzer

        self.commands = commands
        self._lock = threading.Lock()
        self._recording = False
        self.led = LED(led_pin, pin_factory=pin_factory) if led_pin else None
        self.buzzer = Buzzer(buzzer_pin, pin_factory=pin_factory) if buzzer_pin else None
        self.button = SessionButton(
            button_pin, on_short=self.toggle_session, on_long=self.wipe_now,
            long_press_s=long_press_s, pin_factory=pin_factory,
        ) if button_pin else None

    def toggle_session(self) -> None:
        """Short press: in workshop mode start a session if none is open; else end it."""
        if self.commands is not None and not self.commands.start_session():
            self.commands.end_session(reason="button")

    def wipe_now(self) -> None:
        """Long press: wipe now."""
        if self.commands is not None:
            self.commands.wipe(reason="button")

    def when_recording(self, recording: bool) -> None:
        """Light the recording light while the camera is analysed."""
        with self._lock:
            self._recording = recording
            if self.led is not None:
                self.led.value = recording

    def when_wiped(self, receipt: WipeReceipt) -> None:
        """Blink the light to show a wipe, then return to the recording state."""
        if self.led is None:
            return
        with self._lock:
            self.led.blink(on_time=0.1, off_time=0.1, n=round(WIPE_BLINK_S / 0.2),
                           background=True)
        threading.Timer(WIPE_BLINK_S + 0.1, self._restore_light).start()

    def when_watchlist_hit(self) -> None:
        """Beep twice on a watchlist match."""
        if self.buzzer is not None:
            self.buzzer.beep(on_time=0.15, off_time=0.1, n=2, background=True)

    def when_marked_seen(self) -> None:
        """One long beep when a marked visitor appears at a new place (unlike the watchlist's
        two short ones, so a facilitator can tell them apart)."""
        if self.buzzer is not None:
            self.buzzer.beep(on_time=0.6, off_time=0.1, n=1, background=True)

    def close(self) -> None:
        """Switch everything off and release the pins."""
        for device in (self.led, self.buzzer, self.button):
            if device is not None:
                device.close()

    def _restore_light(self) -> None:
        with self._lock:
            if self.led is not None and not self.led.closed:
                self.led.value = self._recording


def make_controls(commands: SessionCommands | None, config, *,
                  pin_factory=None) -> Controls | None:
    """Build :class:`Controls` from the ``[controls]`` config, or ``None`` without GPIO."""
    try:
        with warnings.catch_warnings():  # gpiozero warns once per pin library it tries
            warnings.simplefilter("ignore")
            return Controls(commands, button_pin=config.button_pin, led_pin=config.led_pin,
                            buzzer_pin=config.buzzer_pin, long_press_s=config.long_press_s,
                            pin_factory=pin_factory)
    except Exception as exc:  # noqa: BLE001 - gpiozero raises many kinds without GPIO
        log.info("no GPIO controls (%s); the button and recording light are absent",
                 type(exc).__name__)
        log.debug("GPIO set-up failed", exc_info=True)
        return None
