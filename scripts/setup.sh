#!/usr/bin/env bash
# Set up Oko in .venv/ at the repository root. Idempotent: rerun any time.
#   scripts/setup.sh          what the exhibit needs
#   scripts/setup.sh --test   also what the test suite needs (Debian packages when root/sudo)
set -euo pipefail
cd "$(dirname "$0")/.."

with_tests=0
[[ "${1:-}" == "--test" ]] && with_tests=1

say() { printf 'setup: %s\n' "$*"; }

as_root() {
    if [[ $EUID -eq 0 ]]; then "$@"
    elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo "$@"
    else return 1
    fi
}

python=${PYTHON:-python3}
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    say "Oko needs Python 3.11 or newer (Raspberry Pi OS Bookworm has it); found: $("$python" --version 2>&1 || echo none)"
    exit 1
fi

packages=()
"$python" -c 'import ensurepip, venv' 2>/dev/null || packages+=(python3-venv)
# Plate OCR reads Debian's Tesseract language data; the prop plates and the shape reader
# draw their characters with Liberation and DejaVu.
for pkg in tesseract-ocr-eng tesseract-ocr-srp-latn fonts-liberation fonts-dejavu-core; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || packages+=("$pkg")
done
if ((with_tests)); then
    command -v chromium >/dev/null || packages+=(chromium)
    command -v shellcheck >/dev/null || packages+=(shellcheck)
    # The privacy tests trace a real session's system calls, and reach the dashboard from
    # another network namespace.
    command -v strace >/dev/null || packages+=(strace)
    command -v ip >/dev/null || packages+=(iproute2)
fi
if ((${#packages[@]})); then
    if command -v apt-get >/dev/null && as_root true; then
        say "installing Debian packages: ${packages[*]}"
        as_root apt-get update -qq
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}" >/dev/null
    else
        say "cannot install ${packages[*]} without root; install them with apt and rerun" \
            "(without Tesseract data Oko runs with licence plates off)"
        [[ " ${packages[*]} " == *" python3-venv "* ]] && exit 1
    fi
fi

if [[ ! -x .venv/bin/python ]]; then
    venv_flags=()
    # picamera2 comes only from Raspberry Pi OS apt; the venv must see the system packages.
    if "$python" -c 'import picamera2' 2>/dev/null; then
        venv_flags+=(--system-site-packages)
        say "picamera2 found: the venv will see system packages"
    fi
    say "creating .venv"
    "$python" -m venv "${venv_flags[@]}" .venv
fi

pip=(.venv/bin/python -m pip install --quiet --disable-pip-version-check)
# On Raspberry Pi OS, apt's picamera2 uses compiled helpers (simplejpeg) built against the
# system's numpy 1.x; a numpy 2 in the venv would shadow it and break them. Pin numpy to the
# system's version and OpenCV to the last wheels that accept numpy 1.x.
if "$python" -c 'import picamera2' 2>/dev/null; then
    system_numpy=$("$python" -c 'import numpy; print(numpy.__version__)')
    if [[ $system_numpy == 1.* ]]; then
        printf 'numpy==%s\nopencv-python-headless==4.10.0.84\n' "$system_numpy" > .venv/pi-constraints.txt
        pip+=(-c .venv/pi-constraints.txt)
        say "keeping the system's numpy $system_numpy for picamera2"
    fi
fi
say "installing Oko and its dependencies into .venv"
"${pip[@]}" 'setuptools<82' wheel
if ((with_tests)); then
    "${pip[@]}" -e '.[test]'
else
    "${pip[@]}" -e .
fi
# face_recognition's metadata asks for 'dlib', which pip would compile from source for half
# an hour; dlib-bin (a dependency of Oko) already provides the same module prebuilt.
"${pip[@]}" --no-deps 'face_recognition==1.3.0'
.venv/bin/python -c 'import face_recognition, cv2, flask, gpiozero' \
    || { say "the installed packages do not import; see the messages above"; exit 1; }
say "done: $(.venv/bin/oko --version)"
