#!/usr/bin/env bash
# Install Oko as an appliance on Raspberry Pi OS Bookworm (64-bit): packages, a venv that sees
# picamera2, an 'oko' system user, /etc/oko/oko.toml with a PIN, the systemd service and the
# kiosk autostart. Idempotent: a second run changes nothing.
#
#   sudo scripts/install-pi.sh              install (or repair)
#   sudo scripts/install-pi.sh --uninstall  remove everything it installed
#   scripts/install-pi.sh --dry-run         print what it would do, change nothing
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
prefix=${OKO_PREFIX:-/opt/oko}
etc=${OKO_ETC:-/etc/oko}
os_release=${OKO_OS_RELEASE:-/etc/os-release}
arch=${OKO_ARCH:-$(uname -m)}
action=install
dry_run=0
for arg in "$@"; do
    case $arg in
        --uninstall) action=uninstall ;;
        --dry-run) dry_run=1 ;;
        -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
        *) echo "install-pi: unknown option $arg (see --help)" >&2; exit 2 ;;
    esac
done

say() { printf 'install-pi: %s\n' "$*"; }
die() { printf 'install-pi: %s\n' "$*" >&2; exit 1; }
run() {
    if ((dry_run)); then printf '  + %s\n' "$*"; else "$@"; fi
}

check_platform() {
    [[ -r $os_release ]] || die "cannot read $os_release; this script is for Raspberry Pi OS Bookworm."
    local codename id
    codename=$(sed -n 's/^VERSION_CODENAME=//p' "$os_release" | tr -d '"')
    id=$(sed -n 's/^ID=//p' "$os_release" | tr -d '"')
    case $codename in
        bookworm|trixie) ;;
        *) die "unsupported OS '${id:-?} ${codename:-?}': use Raspberry Pi OS Bookworm (64-bit) or newer." ;;
    esac
    case $arch in
        aarch64|arm64) ;;
        armv7l|armv6l) die "32-bit OS detected ($arch): dlib has no prebuilt wheels for it; flash Raspberry Pi OS (64-bit)." ;;
        *) die "unsupported CPU '$arch': this installer is for a Raspberry Pi 4 or 5 (aarch64). On a PC use scripts/setup.sh." ;;
    esac
    if ((!dry_run)) && [[ $EUID -ne 0 ]]; then
        die "run as root: sudo $0 $*"
    fi
}

apt_packages=(python3-venv python3-picamera2 python3-libcamera tesseract-ocr tesseract-ocr-eng
              tesseract-ocr-srp tesseract-ocr-srp-latn libtesseract5 fonts-liberation
              fonts-dejavu-core fonts-freefont-ttf fonts-urw-base35 rsync curl)

install_packages() {
    local missing=() pkg browser=chromium-browser
    apt-cache show chromium-browser >/dev/null 2>&1 || browser=chromium
    for pkg in "${apt_packages[@]}" "$browser"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
    done
    if ((${#missing[@]})); then
        say "installing Debian packages: ${missing[*]}"
        run apt-get update -qq
        run env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
    else
        say "Debian packages already installed"
    fi
}

install_user() {
    if id oko >/dev/null 2>&1; then
        say "user oko exists"
    else
        say "creating system user oko"
        run useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin oko
    fi
    local group
    for group in video gpio render; do
        if getent group "$group" >/dev/null && ! id -nG oko 2>/dev/null | grep -qw "$group"; then
            run usermod -aG "$group" oko
        fi
    done
}

install_code() {
    say "copying Oko to $prefix"
    run mkdir -p "$prefix"
    run rsync -a --delete --checksum --exclude .venv --exclude .git --exclude '__pycache__' \
        --exclude tests/artifacts "$repo/" "$prefix/"
    # setup.sh creates $prefix/.venv; it sees the system's picamera2 and pins numpy to the
    # system's so picamera2's compiled helpers keep working. dlib comes as a wheel.
    say "installing Python packages (prebuilt wheels; no compiling)"
    run "$prefix/scripts/setup.sh"
}

install_config() {
    run mkdir -p "$etc"
    if [[ -f $etc/oko.toml ]]; then
        say "$etc/oko.toml exists; keeping it (and its PIN)"
        return
    fi
    say "writing $etc/oko.toml"
    umask 077  # the file will hold the PIN hash: never readable by others, even briefly
    if ((dry_run)); then
        printf '  + write %s and set a new facilitator PIN\n' "$etc/oko.toml"
        return
    fi
    cat > "$etc/oko.toml" <<'TOML'
# Oko configuration. See /opt/oko/README.md for every setting.
[camera]
source = "auto"

[session]
mode = "visit"

[dashboard]
# 127.0.0.1: only this Pi's screen. For the facilitator page from a phone on the exhibit's
# own network use "0.0.0.0" (a PIN is required then).
host = "127.0.0.1"
port = 8080
TOML
    local pin
    pin=$(python3 -c 'import secrets; print(f"{secrets.randbelow(10**6):06d}")')
    # On stdin, not the command line, where other users could read it in 'ps'.
    printf '%s\n' "$pin" | "$prefix/.venv/bin/oko" set-pin --config "$etc/oko.toml" --pin-stdin >/dev/null
    chown root:oko "$etc/oko.toml"
    chmod 0640 "$etc/oko.toml"
    say "facilitator PIN (shown once, write it down): $pin"
}

install_units() {
    say "installing the systemd service and the kiosk autostart"
    run install -m 0644 "$prefix/systemd/oko.service" /etc/systemd/system/oko.service
    run install -m 0644 "$prefix/systemd/oko-kiosk.desktop" /etc/xdg/autostart/oko-kiosk.desktop
    run systemctl daemon-reload
    run systemctl enable oko.service
    run systemctl restart oko.service
    # A swap file on the SD card could hold pages of a session; the service also forbids it
    # (MemorySwapMax=0), but the exhibit Pi needs no swap at all.
    if systemctl is-enabled dphys-swapfile >/dev/null 2>&1; then
        say "disabling the SD-card swap file"
        run dphys-swapfile swapoff
        run systemctl disable dphys-swapfile
        run touch "$etc/swap-was-enabled"
    fi
}

uninstall() {
    say "removing Oko"
    if systemctl list-unit-files oko.service >/dev/null 2>&1; then
        run systemctl disable --now oko.service || true
    fi
    run rm -f /etc/systemd/system/oko.service /etc/xdg/autostart/oko-kiosk.desktop
    run systemctl daemon-reload
    if [[ -f $etc/swap-was-enabled ]]; then
        run systemctl enable dphys-swapfile
        run dphys-swapfile swapon
    fi
    run rm -rf "$prefix" "$etc"
    if id oko >/dev/null 2>&1; then
        run userdel oko
    fi
    say "done; Debian packages were left installed (remove them with apt if unwanted)"
}

check_platform "$@"
if [[ $action == uninstall ]]; then
    uninstall
    exit 0
fi
install_packages
install_user
install_code
install_config
install_units
say "done. Check it with: $prefix/.venv/bin/oko doctor --no-camera"
