"""The facilitator PIN: salted hashes, the guessing guard, and writing the hash to the config."""

import tomllib

import pytest

from device.config import load_config
from device.pin import PinGuard, check_pin, hash_pin, is_pin_hash, save_pin_hash
from tests.helpers import FakeClock


def test_hashes_are_salted_and_checked():
    first, second = hash_pin("2468"), hash_pin("2468")
    assert first != second and first.startswith("scrypt:") and "2468" not in first
    assert is_pin_hash(first) and not is_pin_hash("2468") and not is_pin_hash("")
    assert check_pin(first, "2468") and not check_pin(first, "2469")
    assert not check_pin("", "2468") and not check_pin("scrypt:1:1:1$x$y", "2468")


@pytest.mark.parametrize("pin", ["123", "1234567890123", "12a4", "", "١٢٣٤"])
def test_a_pin_is_4_to_12_ascii_digits(pin):
    with pytest.raises(ValueError, match="4 to 12 digits"):
        hash_pin(pin)


def test_guard_limits_rate_then_locks_out_longer_each_time():
    clock = FakeClock(0.0)
    guard = PinGuard(max_failures=3, lockout_s=10, max_lockout_s=25, min_interval_s=1, clock=clock)
    assert guard.wait_s("a") == (0.0, False)
    assert guard.wait_s("a") == (1.0, False)  # too soon
    for _ in range(2):
        assert guard.failed("a") == 0
    assert guard.failed("a") == 10
    clock.advance(4)
    assert guard.wait_s("a") == (6.0, True)
    assert guard.wait_s("b") == (0.0, False)  # another client is not affected
    clock.advance(7)
    for _ in range(3):
        locked = guard.failed("a")
    assert locked == 20
    clock.advance(21)
    for _ in range(3):
        locked = guard.failed("a")
    assert locked == 25  # capped
    guard.succeeded("a")
    clock.advance(26)
    assert guard.wait_s("a") == (0.0, False)


def test_guard_locks_everyone_after_many_failures_from_many_addresses():
    clock = FakeClock(0.0)
    guard = PinGuard(global_failures=6, lockout_s=30, clock=clock)
    for n in range(6):
        guard.failed(f"10.0.0.{n}")
    assert guard.wait_s("10.0.0.99")[1] is True


def test_save_pin_hash_keeps_the_rest_of_the_config(tmp_path):
    path = tmp_path / "oko.toml"
    path.write_text('[camera]\nsource = "demo"\n\n[dashboard]\nport = 8081\npin_hash = "old"\n'
                    '\n[session]\nmode = "workshop"\n')
    path.chmod(0o640)
    pin_hash = hash_pin("2468")
    save_pin_hash(path, pin_hash)
    data = tomllib.loads(path.read_text())
    assert data["dashboard"] == {"port": 8081, "pin_hash": pin_hash}
    assert data["camera"]["source"] == "demo" and data["session"]["mode"] == "workshop"
    assert path.stat().st_mode & 0o777 == 0o640
    config = load_config(path, environ={})
    assert check_pin(config.dashboard.pin_hash, "2468")


def test_save_pin_hash_creates_the_file_or_section(tmp_path):
    pin_hash = hash_pin("97531")
    new = tmp_path / "new.toml"
    save_pin_hash(new, pin_hash)
    assert tomllib.loads(new.read_text()) == {"dashboard": {"pin_hash": pin_hash}}
    assert new.stat().st_mode & 0o777 == 0o600
    other = tmp_path / "other.toml"
    other.write_text('[session]\nmode = "visit"\n')
    save_pin_hash(other, pin_hash)
    assert tomllib.loads(other.read_text())["dashboard"]["pin_hash"] == pin_hash
    with pytest.raises(ValueError):
        save_pin_hash(other, "1234")
    broken = tmp_path / "broken.toml"
    broken.write_text("[dashboard\n")
    with pytest.raises(ValueError, match="not valid TOML"):
        save_pin_hash(broken, pin_hash)


def test_dashboard_config_keys():
    config = load_config(None, environ={"OKO_DASHBOARD__LANGUAGE": "sr",
                                        "OKO_DASHBOARD__LOGIN_TIMEOUT_S": "600"})
    assert config.dashboard.language == "sr" and config.dashboard.login_timeout_s == 600.0
    assert config.dashboard.pin_hash == ""
    with pytest.raises(ValueError, match="en, sr"):
        load_config(None, environ={"OKO_DASHBOARD__LANGUAGE": "de"})
