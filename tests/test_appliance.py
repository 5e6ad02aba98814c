"""The appliance files: shell scripts, systemd units and the Pi installer's checks and plan."""

import os
import shutil
import subprocess

import pytest

from tests.helpers import REPO

SCRIPTS = sorted(str(p) for p in (REPO / "scripts").glob("*.sh")) + [str(REPO / ".ci" / "run")]
INSTALL = REPO / "scripts" / "install-pi.sh"


@pytest.mark.skipif(not shutil.which("shellcheck"), reason="shellcheck not installed")
def test_scripts_are_shellcheck_clean():
    result = subprocess.run(["shellcheck", *SCRIPTS], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze not installed")
def test_service_unit_verifies(tmp_path):
    # verify insists that ExecStart exists; /opt/oko exists only on an installed Pi.
    unit = (REPO / "systemd" / "oko.service").read_text()
    assert "ExecStart=/opt/oko/.venv/bin/oko run" in unit
    for setting in ("NoNewPrivileges=yes", "ProtectSystem=strict", "ProtectHome=yes",
                    "TemporaryFileSystem=", "MemoryMax=", "MemorySwapMax=0",
                    "Restart=on-failure"):
        assert setting in unit
    copy = tmp_path / "oko.service"
    copy.write_text(unit.replace("/opt/oko/.venv/bin/oko", shutil.which("true")))
    result = subprocess.run(["systemd-analyze", "verify", str(copy)], capture_output=True, text=True)
    assert result.returncode == 0 and result.stderr == "", result.stderr


def unit_settings(path):
    """A unit file's ``[Service]`` settings: name -> every value given (systemd allows repeats)."""
    settings: dict[str, list[str]] = {}
    section = None
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line
        elif section == "[Service]":
            name, _, value = line.partition("=")
            settings.setdefault(name.strip(), []).append(value.strip())
    return settings


def test_service_has_no_writable_path_on_the_sd_card():
    service = unit_settings(REPO / "systemd" / "oko.service")
    assert service["ProtectSystem"] == ["strict"] and service["ProtectHome"] == ["yes"]
    # PrivateTmp=yes would give the service a writable /tmp and /var/tmp on the SD card.
    assert service.get("PrivateTmp", ["no"])[-1] in ("no", "false", "0")
    mounts = dict(entry.partition(":")[::2]
                  for value in service["TemporaryFileSystem"] for entry in value.split())
    for directory in ("/tmp", "/var/tmp"):
        assert directory in mounts, f"{directory} is not a RAM file system"
        assert "ro" in mounts[directory].split(","), f"{directory} is writable"
    for disk_backed in ("ReadWritePaths", "StateDirectory", "CacheDirectory", "LogsDirectory",
                        "BindPaths"):
        assert disk_backed not in service, f"{disk_backed} gives a writable path on disk"
    # The one writable path lives under /run (RAM), and temporary files go there.
    assert service["RuntimeDirectory"] == ["oko"]
    environment = " ".join(service["Environment"]).split()
    assert "TMPDIR=/run/oko" in environment
    assert service["MemorySwapMax"] == ["0"] and service["LimitCORE"] == ["0"]


def installer(tmp_path, *args, codename="bookworm", arch="aarch64"):
    os_release = tmp_path / "os-release"
    os_release.write_text(f'ID=debian\nVERSION_CODENAME="{codename}"\n')
    env = {**os.environ, "OKO_OS_RELEASE": str(os_release), "OKO_ARCH": arch,
           "OKO_PREFIX": str(tmp_path / "opt"), "OKO_ETC": str(tmp_path / "etc")}
    return subprocess.run(["bash", str(INSTALL), *args], capture_output=True, text=True, env=env,
                          timeout=60)


@pytest.mark.parametrize(
    ("codename", "arch", "message"),
    [("bullseye", "aarch64", "unsupported OS 'debian bullseye'"),
     ("bookworm", "armv7l", "32-bit OS detected"),
     ("bookworm", "x86_64", "On a PC use scripts/setup.sh")],
)
def test_installer_refuses_unsupported_platforms_with_the_fix(tmp_path, codename, arch, message):
    result = installer(tmp_path, "--dry-run", codename=codename, arch=arch)
    assert result.returncode == 1 and message in result.stderr
    assert not (tmp_path / "opt").exists()


def test_installer_dry_run_plans_every_step_and_changes_nothing(tmp_path):
    result = installer(tmp_path, "--dry-run")
    assert result.returncode == 0, result.stderr
    plan = result.stdout
    for step in ("rsync -a --delete", "scripts/setup.sh", "oko.toml", "systemctl enable oko.service",
                 "/etc/xdg/autostart/oko-kiosk.desktop"):
        assert step in plan, step
    assert not (tmp_path / "opt").exists() and not (tmp_path / "etc").exists()


def test_uninstall_dry_run_removes_everything(tmp_path):
    result = installer(tmp_path, "--uninstall", "--dry-run")
    assert result.returncode == 0
    assert "rm -rf" in result.stdout and "oko.service" in result.stdout


def test_unknown_option(tmp_path):
    result = installer(tmp_path, "--frobnicate")
    assert result.returncode == 2 and "unknown option --frobnicate" in result.stderr
