"""Config: defaults, TOML file, OKO_* environment, flags, and one-sentence errors."""

import dataclasses

import pytest

from device.config import Config, describe, load_config
from recognition.errors import ConfigError


def test_defaults_without_file_or_environment():
    config = load_config(None, environ={})
    assert config == Config()
    assert config.camera.source == "auto"
    assert config.dashboard.port == 8080


def test_file_then_environment_then_flags(tmp_path):
    path = tmp_path / "oko.toml"
    path.write_text('[camera]\nsource = "demo"\n[dashboard]\nport = 9000\nhost = "0.0.0.0"\n')
    config = load_config(
        path,
        environ={"OKO_DASHBOARD__PORT": "9100", "OKO_RECOGNITION__TOLERANCE": "0.45"},
        overrides={"dashboard.port": 9200, "camera.source": None},
    )
    assert config.camera.source == "demo"  # file; a None flag does not override
    assert config.dashboard.host == "0.0.0.0"
    assert config.recognition.tolerance == 0.45  # environment, converted to float
    assert config.dashboard.port == 9200  # flag beats environment beats file


def test_config_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        load_config(None, environ={}).camera.source = "demo"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[camera]\nsorce = 'demo'\n", "Unknown setting camera.sorce"),
        ("[kamera]\nsource = 'demo'\n", "Unknown config section [kamera]"),
        ("[dashboard]\nport = 'eighty'\n", "dashboard.port = 'eighty'"),
        ("[dashboard]\nport = 70000\n", "must be between 1 and 65535"),
        ("[recognition]\nmodel = 'magic'\n", "must be one of blazeface, hog, cnn"),
        ("[recognition]\nupsample = 1.5\n", "not a valid int"),
        ("[session]\nidle_wipe_s = true\n", "not a valid float"),
        ("camera = 3\n", "must be a table"),
        ("[camera\n", "not valid TOML"),
    ],
)
def test_bad_file_values_name_the_setting(tmp_path, text, message):
    path = tmp_path / "oko.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        load_config(path, environ={})
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_bad_environment_value_names_its_origin():
    with pytest.raises(ConfigError, match=r"recognition.tolerance = '2' in the environment"):
        load_config(None, environ={"OKO_RECOGNITION__TOLERANCE": "2"})


def test_missing_file_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "nope.toml", environ={})


def test_describe_round_trips_through_toml(tmp_path):
    path = tmp_path / "oko.toml"
    path.write_text(describe(Config()))
    assert load_config(path, environ={}) == Config()
