"""The vendored QR decoder is the version package-lock.json pins, with its licence, as
static/js/README records it."""

import hashlib
import json
import re
from pathlib import Path

import pytest
from django.conf import settings

BASE = Path(settings.BASE_DIR)
VENDORED = BASE / "static" / "js" / "vendor" / "jsQR.js"
README = (BASE / "static" / "js" / "README").read_text()


def _locked_version(package: str) -> str:
    lock = json.loads((BASE / "package-lock.json").read_text())
    return lock["packages"][f"node_modules/{package}"]["version"]


def _recorded() -> dict:
    entry = re.search(
        r"jsQR\.js — jsQR (?P<version>\S+), dist/jsQR\.js of the npm package \"jsqr\" "
        r"\((?P<licence>[^)]+)\)\. sha256 (?P<sha256>[0-9a-f]{64})",
        README,
    )
    assert entry, "static/js/README lacks the jsQR entry"
    return entry.groupdict()


def test_the_readme_records_the_pinned_version_and_the_file_s_checksum():
    recorded = _recorded()
    assert recorded["version"] == _locked_version("jsqr")
    assert recorded["sha256"] == hashlib.sha256(VENDORED.read_bytes()).hexdigest()
    assert recorded["licence"] == "Apache License 2.0"
    licence = (BASE / "static" / "js" / "vendor" / "jsQR.LICENSE").read_text()
    assert "Apache License" in licence and "Version 2.0" in licence


def test_the_vendored_file_is_the_installed_package_s():
    installed = BASE / "node_modules" / "jsqr"
    if not installed.exists():
        pytest.skip("node_modules is not installed (`npm ci`)")
    assert json.loads((installed / "package.json").read_text())["version"] == _locked_version(
        "jsqr"
    )
    assert (installed / "dist" / "jsQR.js").read_bytes() == VENDORED.read_bytes()
