"""The ``oko`` command: help, version, and one clear line for every kind of bad input."""

import socket

import pytest

from device import __version__
from tests.helpers import assert_one_clear_line, free_port, oko


def test_version_and_help():
    assert oko("--version").stdout.strip() == f"oko {__version__}"
    assert "run" in oko("--help").stdout
    run_help = oko("run", "--help").stdout
    for flag in ("--source", "--host", "--port", "--config"):
        assert flag in run_help




def test_missing_video_file(tmp_path):
    result = oko("run", "--source", f"file:{tmp_path}/gone.mp4", "--port", str(free_port()))
    assert_one_clear_line(result, "gone.mp4 does not exist")


def test_unknown_source():
    assert_one_clear_line(oko("run", "--source", "usb"), "Unknown camera source 'usb'")


def test_bad_config_value_from_environment():
    result = oko("run", "--source", "demo", env={"OKO_SESSION__IDLE_WIPE_S": "soon"})
    assert_one_clear_line(result, "session.idle_wipe_s", "not a valid float")


def test_bad_config_file(tmp_path):
    path = tmp_path / "oko.toml"
    path.write_text("[camera]\nresolution = 4\n")
    assert_one_clear_line(oko("run", "--config", str(path)), "Unknown setting camera.resolution")


def test_port_in_use():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = oko("run", "--source", "demo", "--port", str(port))
    assert_one_clear_line(result, f"127.0.0.1:{port}", "--port")


@pytest.mark.parametrize("args", [["run", "--port", "abc"], ["fly"]])
def test_bad_arguments_are_usage_errors(args):
    result = oko(*args)
    assert result.returncode == 2 and "usage: oko" in result.stderr
    assert "Traceback" not in result.stderr


def test_set_pin_stores_only_a_hash_and_the_config_still_loads(tmp_path):
    from device.config import load_config
    from device.pin import check_pin

    path = tmp_path / "oko.toml"
    path.write_text('[camera]\nsource = "demo"\n')
    result = oko("set-pin", "--config", str(path), "--pin", "482913")
    assert result.returncode == 0 and "482913" not in result.stdout + result.stderr
    text = path.read_text()
    assert "482913" not in text and 'source = "demo"' in text
    config = load_config(path, environ={})
    assert check_pin(config.dashboard.pin_hash, "482913")
    assert not check_pin(config.dashboard.pin_hash, "000000")


def test_set_pin_rejects_a_bad_pin(tmp_path):
    path = tmp_path / "oko.toml"
    assert_one_clear_line(oko("set-pin", "--config", str(path), "--pin", "12ab"),
                          "4 to 12 digits")
    assert not path.exists()


def test_listening_on_the_network_needs_a_pin():
    result = oko("run", "--source", "demo", "--host", "0.0.0.0", "--port", str(free_port()))
    assert_one_clear_line(result, "set a facilitator PIN first")
