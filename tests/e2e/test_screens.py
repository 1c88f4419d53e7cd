"""The page of screenshots (docs/screens/) stays true: CI runs the screenshot script
against a fresh demo, and every screen its README lists is made, at a phone's
360 × 740, and is also in the repository (issue 18)."""

import re
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.bookings import joinable_booking_id
from tests.support.live import REPO
from tests.support.parts import require_chromium

pytestmark = pytest.mark.e2e

SCREENS = REPO / "docs" / "screens"
LISTED = re.compile(r"^- `([a-z0-9-]+\.png)`", re.MULTILINE)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Committed pictures stay small enough for the repository.
MOST_BYTES = 80 * 1024


def listed(readme: Path) -> list[str]:
    return LISTED.findall(readme.read_text(encoding="utf-8"))


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's header (its IHDR chunk)."""
    head = path.read_bytes()[:24]
    assert head[:8] == PNG_SIGNATURE, path
    return struct.unpack(">II", head[16:24])


@pytest.fixture(scope="module")
def made(live_komak, tmp_path_factory):
    """The script's pictures, made as `make screens` makes them, into a tmp folder."""
    chromium = require_chromium()
    # The client's home offers "Check my connection" only with a talk to come.
    joinable_booking_id(live_komak)
    out = tmp_path_factory.mktemp("screens")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "docs.screens.make_screens",
            "--base-url",
            live_komak.url,
            "--out",
            str(out),
            "--chromium",
            chromium,
        ],
        cwd=REPO,
        check=True,
        timeout=600,
    )
    return out


class ScreenshotTests:
    def test_the_readme_lists_the_main_screens(self):
        names = listed(SCREENS / "README.md")
        for screen in (
            "home.png",
            "course-list.png",
            "lesson.png",
            "simulation.png",
            "my-learning.png",
            "book.png",
            "appointments.png",
            "pre-call-check.png",
            "specialist-today.png",
            "social-worker-programs.png",
            "certificate-check.png",
            "trainer-dashboard.png",
        ):
            assert screen in names
        assert len(names) == len(set(names))

    def test_every_listed_screen_is_made_at_phone_size(self, made):
        names = listed(SCREENS / "README.md")
        assert listed(made / "README.md") == names, "README.md is out of date"
        for name in names:
            picture = made / name
            assert picture.is_file(), name
            assert picture.stat().st_size > 2000, name
            assert png_size(picture) == (360, 740), name

    def test_every_listed_screen_is_in_the_repository(self):
        names = listed(SCREENS / "README.md")
        committed = {path.name for path in SCREENS.glob("*.png")}
        assert set(names) == committed
        for name in names:
            picture = SCREENS / name
            assert png_size(picture) == (360, 740), name
            assert 2000 < picture.stat().st_size < MOST_BYTES, name
