"""The button, recording light and buzzer, driven through gpiozero's MockFactory pins."""

import time

import pytest
from gpiozero.pins.mock import MockFactory

from device.config import ControlsConfig
from device.controls import Controls, make_controls
from recognition.dossier import WipeReceipt


class FakeEngine:
    """Records the commands the controls send (a stand-in for the engine's command API)."""

    def __init__(self, mode="workshop"):
        self.mode = mode
        self.open = False
        self.calls = []

    @property
    def recording(self):
        return self.mode == "visit" or self.open

    def start_session(self):
        if self.mode != "workshop" or self.open:
            return False
        self.open = True
        self.calls.append("start")
        return True

    def end_session(self, *, reason="end"):
        self.open = False
        self.calls.append(f"end:{reason}")
        return WipeReceipt(0.0, 0, 0, 0, 0, reason=reason)

    def wipe(self, *, reason="command"):
        self.calls.append(f"wipe:{reason}")
        return WipeReceipt(0.0, 0, 0, 0, 0, reason=reason)


@pytest.fixture
def factory():
    return MockFactory()


def press(pin, seconds):
    pin.drive_low()
    time.sleep(seconds)
    pin.drive_high()
    time.sleep(0.1)


def make(engine, factory, **options):
    return Controls(engine, button_pin=17, led_pin=27, buzzer_pin=22, long_press_s=0.5,
                    pin_factory=factory, **options)


def test_short_press_starts_then_ends_a_workshop_session(factory):
    engine = FakeEngine("workshop")
    controls = make(engine, factory)
    button = factory.pin(17)
    press(button, 0.1)
    press(button, 0.1)
    assert engine.calls == ["start", "end:button"]
    controls.close()


def test_short_press_in_visit_mode_ends_the_session(factory):
    engine = FakeEngine("visit")
    controls = make(engine, factory)
    press(factory.pin(17), 0.1)
    assert engine.calls == ["end:button"]
    controls.close()


def test_long_press_wipes_once_and_is_not_also_a_short_press(factory):
    engine = FakeEngine("workshop")
    controls = make(engine, factory)
    press(factory.pin(17), 0.9)
    assert engine.calls == ["wipe:button"]
    controls.close()


def test_button_held_through_start_up_does_nothing_until_released(factory):
    factory.pin(17).drive_low()  # someone leaning on the button while Oko boots
    engine = FakeEngine("workshop")
    controls = make(engine, factory)
    time.sleep(0.8)
    factory.pin(17).drive_high()
    time.sleep(0.1)
    assert engine.calls == []
    press(factory.pin(17), 0.1)
    assert engine.calls == ["start"]
    controls.close()


def test_bounces_count_as_one_press(factory):
    engine = FakeEngine("workshop")
    controls = make(engine, factory)
    pin = factory.pin(17)
    pin.drive_low()
    for _ in range(5):  # contact chatter within the 50 ms debounce window
        time.sleep(0.002)
        pin.drive_high()
        time.sleep(0.002)
        pin.drive_low()
    time.sleep(0.1)
    pin.drive_high()
    time.sleep(0.2)
    assert engine.calls == ["start"]
    controls.close()


def test_recording_light_follows_analysis_and_blinks_on_wipe(factory):
    controls = make(FakeEngine(), factory)
    led = factory.pin(27)
    controls.when_recording(True)
    assert led.state
    led.clear_states()
    controls.when_wiped(WipeReceipt(0.0, 1, 1, 1, 1))
    time.sleep(0.5)
    changes = [state for _, state in led.states]
    assert changes.count(True) >= 2  # blinking
    time.sleep(1.5)
    assert led.state  # back to "recording"
    controls.when_recording(False)
    assert not led.state
    controls.close()


def test_buzzer_beeps_on_a_watchlist_hit(factory):
    controls = make(FakeEngine(), factory)
    buzzer = factory.pin(22)
    buzzer.clear_states()
    controls.when_watchlist_hit()
    time.sleep(0.6)
    assert [s for _, s in buzzer.states].count(True) == 2
    controls.close()


def test_pins_set_to_zero_are_absent(factory):
    controls = Controls(FakeEngine(), button_pin=0, led_pin=0, buzzer_pin=0, pin_factory=factory)
    assert controls.led is None and controls.button is None and controls.buzzer is None
    controls.when_recording(True)
    controls.when_wiped(WipeReceipt(0.0, 0, 0, 0, 0))
    controls.when_watchlist_hit()


def test_no_gpio_means_no_controls(caplog, monkeypatch):
    monkeypatch.delenv("GPIOZERO_PIN_FACTORY", raising=False)
    caplog.set_level("INFO")
    assert make_controls(FakeEngine(), ControlsConfig()) is None
    assert "no GPIO controls" in caplog.text


def test_presses_before_the_engine_is_named_are_ignored_then_work(factory):
    controls = make(None, factory)  # built before the engine, as `oko run` does
    press(factory.pin(17), 0.1)
    press(factory.pin(17), 0.9)
    engine = FakeEngine("workshop")
    controls.commands = engine
    press(factory.pin(17), 0.1)
    assert engine.calls == ["start"]
    controls.close()
